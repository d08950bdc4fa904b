// What the parser tests share: a CST as plain data, to compare two parses, and token streams of
// the repository's files edited at random, so that the parser recovers from errors.
import type { CstElement, CstNode, IToken } from "chevrotain";
import fc from "fast-check";

/** A CST as plain data: every node's name, location and children with their keys in order. */
export function plainCst(element: CstElement): unknown {
  if (!("children" in element)) return { token: element.image, type: element.tokenType.name, offset: element.startOffset, inserted: element.isInsertedInRecovery === true };
  const children: [string, unknown[]][] = [];
  for (const key in element.children) children.push([key, element.children[key]!.map(plainCst)]);
  return { name: element.name, location: element.location, children, recovered: (element as CstNode).recoveredNode === true };
}

/** One of `sources` with up to six tokens cut out, doubled or copied from elsewhere in it. */
export function editedTokens(sources: IToken[][]): fc.Arbitrary<IToken[]> {
  return fc
    .tuple(fc.nat(sources.length - 1), fc.array(fc.tuple(fc.nat(2), fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }))
    .map(([which, edits]) => {
      const tokens = [...sources[which]!];
      for (const [kind, at, from] of edits) {
        const i = at % tokens.length;
        if (kind === 0) tokens.splice(i, 1);
        else if (kind === 1) tokens.splice(i, 0, tokens[i]!);
        else tokens.splice(i, 0, tokens[from % tokens.length]!);
      }
      return tokens;
    });
}
