// Reading Chevrotain CST nodes. Their children are typed by name in grammar/cst.d.ts, generated
// from the parser (`npm run grammar:cst`): the builder reads `cst.children.expression`, and the
// compiler checks the name and the node type. A child the grammar may skip is optional there;
// the ones it always has are read with `one`. The builder only runs on a CST that parsed
// without errors, so a missing required child is a bug in the grammar/builder pair: `one` throws,
// and parse() turns that into an internal-error diagnostic.
//
// These run for every CST node of every parse, so they are plain loops: no intermediate arrays
// or closures (the front end's throughput depends on it).

import type { CstElement, CstNode, IToken } from "chevrotain";

export class MissingCstChild extends Error {}

function isToken(element: CstElement): element is IToken {
  return "image" in element;
}

/** The first element of a child the grammar requires. */
export function one<T>(elements: readonly T[] | undefined): T {
  const found = elements?.[0];
  if (found === undefined) throw new MissingCstChild("a child the grammar requires is missing from the CST");
  return found;
}

/** The element at `index` of a child list that must have it (the operands of a binary level). */
export function at<T>(elements: readonly T[], index: number): T {
  const found = elements[index];
  if (found === undefined) throw new MissingCstChild(`the CST has no element ${index} of a child list`);
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
