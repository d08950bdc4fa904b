// Typed access to Chevrotain CST children. The builder only runs on a CST that parsed without
// errors, so a missing child is a bug in the grammar/builder pair: it throws, and parse()
// turns that into an internal-error diagnostic.

import type { CstElement, CstNode, IToken } from "chevrotain";

export class MissingCstChild extends Error {}

function isToken(element: CstElement): element is IToken {
  return "image" in element;
}

export function tokens(node: CstNode, key: string): IToken[] {
  return (node.children[key] ?? []).filter(isToken);
}

export function nodes(node: CstNode, key: string): CstNode[] {
  return (node.children[key] ?? []).filter((element): element is CstNode => !isToken(element));
}

export function optionalToken(node: CstNode, key: string): IToken | undefined {
  return tokens(node, key)[0];
}

export function optionalNode(node: CstNode, key: string): CstNode | undefined {
  return nodes(node, key)[0];
}

export function token(node: CstNode, key: string): IToken {
  const found = optionalToken(node, key);
  if (found === undefined) throw new MissingCstChild(`${node.name} has no ${key} token`);
  return found;
}

export function node(parent: CstNode, key: string): CstNode {
  const found = optionalNode(parent, key);
  if (found === undefined) throw new MissingCstChild(`${parent.name} has no ${key} node`);
  return found;
}

/** The first child node of a choice, whichever alternative was taken. */
export function onlyChild(parent: CstNode): CstNode {
  for (const elements of Object.values(parent.children)) {
    const found = elements.find((element): element is CstNode => !isToken(element));
    if (found !== undefined) return found;
  }
  throw new MissingCstChild(`${parent.name} has no child node`);
}
