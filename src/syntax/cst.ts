// Typed access to Chevrotain CST children. The builder only runs on a CST that parsed without
// errors, so a missing child is a bug in the grammar/builder pair: it throws, and parse()
// turns that into an internal-error diagnostic.
//
// These run for every CST node of every parse, so they are plain loops: no intermediate arrays
// or closures for the common lookups (the front end's throughput depends on it).

import type { CstElement, CstNode, IToken } from "chevrotain";

export class MissingCstChild extends Error {}

function isToken(element: CstElement): element is IToken {
  return "image" in element;
}

export function tokens(node: CstNode, key: string): IToken[] {
  const elements = node.children[key];
  const found: IToken[] = [];
  if (elements === undefined) return found;
  for (const element of elements) if (isToken(element)) found.push(element);
  return found;
}

export function nodes(node: CstNode, key: string): CstNode[] {
  const elements = node.children[key];
  const found: CstNode[] = [];
  if (elements === undefined) return found;
  for (const element of elements) if (!isToken(element)) found.push(element);
  return found;
}

export function optionalToken(node: CstNode, key: string): IToken | undefined {
  const elements = node.children[key];
  if (elements === undefined) return undefined;
  for (const element of elements) if (isToken(element)) return element;
  return undefined;
}

export function optionalNode(node: CstNode, key: string): CstNode | undefined {
  const elements = node.children[key];
  if (elements === undefined) return undefined;
  for (const element of elements) if (!isToken(element)) return element;
  return undefined;
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
  const children = parent.children;
  for (const key in children) {
    for (const element of children[key]!) if (!isToken(element)) return element;
  }
  throw new MissingCstChild(`${parent.name} has no child node`);
}

/** The first child token, whichever alternative was taken. */
export function onlyToken(parent: CstNode): IToken {
  const children = parent.children;
  for (const key in children) {
    for (const element of children[key]!) if (isToken(element)) return element;
  }
  throw new MissingCstChild(`${parent.name} has no token`);
}
