// The parser makes each CST node's `children` an instance of a class with nothing inherited
// rather than Chevrotain's `Object.create(null)` (grammar/parser.ts, `cstInvocationStateUpdate`),
// for V8's fast properties. The trees must be the ones Chevrotain builds itself: checked by
// parsing again with Chevrotain's own method, on every `.pol` file of the repository and on files
// with tokens cut out, doubled or swapped at random (trees recovered from errors).
import { readFileSync } from "node:fs";
import type { CstElement, CstNode, IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CstParser } from "../grammar/chevrotain.js";
import { polLexer } from "../grammar/lexer.js";
import { parseTokens, polParser } from "../grammar/parser.js";
import { filesUnder } from "./support/policy-files.js";
import { property } from "./support/runs.js";

/** The parse with Chevrotain's own `cstInvocationStateUpdate`. */
function parsedByChevrotain(tokens: IToken[]): ReturnType<typeof parseTokens> {
  const parser = polParser() as unknown as { cstInvocationStateUpdate: unknown };
  parser.cstInvocationStateUpdate = (CstParser.prototype as unknown as { cstInvocationStateUpdate: unknown }).cstInvocationStateUpdate;
  try {
    return parseTokens(tokens);
  } finally {
    delete parser.cstInvocationStateUpdate;
  }
}

/** A CST as plain data: every node's name, location and children with their keys in order. */
function plain(element: CstElement): unknown {
  if (!("children" in element)) return { token: element.image, type: element.tokenType.name, offset: element.startOffset, inserted: element.isInsertedInRecovery === true };
  const children: [string, unknown[]][] = [];
  for (const key in element.children) children.push([key, element.children[key]!.map(plain)]);
  return { name: element.name, location: element.location, children, recovered: (element as CstNode).recoveredNode === true };
}

function sameTrees(tokens: IToken[]): void {
  const ours = parseTokens(tokens);
  const chevrotains = parsedByChevrotain(tokens);
  expect(plain(ours.cst)).toEqual(plain(chevrotains.cst));
  expect(ours.errors.map((e) => [e.name, e.message, e.token.startOffset])).toEqual(chevrotains.errors.map((e) => [e.name, e.message, e.token.startOffset]));
  expect(ours.ordinals).toBe(chevrotains.ordinals);
}

const files = filesUnder(["policies", "tutorial", "test", "templates", "samples"], ".pol");

describe("CST nodes' children", () => {
  it("inherit nothing", () => {
    const { cst } = parseTokens(polLexer.tokenize("policy p\nlet x = 1\n").tokens);
    const children = cst.children as Record<string, unknown>;
    expect(Object.getPrototypeOf(Object.getPrototypeOf(children))).toBeNull();
    for (const name of ["toString", "constructor", "hasOwnProperty", "valueOf", "__proto__"]) expect(name in children, name).toBe(false);
    expect(Object.keys(children)).toEqual(["policyHeader", "topLevel"]);
  });

  it("make the trees Chevrotain makes, on every file of the repository", () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) sameTrees(polLexer.tokenize(readFileSync(file, "utf8")).tokens);
  });

  it("make the trees Chevrotain makes when the parser recovers from errors", () => {
    const sources = files.filter((file) => file.startsWith("policies")).map((file) => polLexer.tokenize(readFileSync(file, "utf8")).tokens);
    const edited = fc
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
    fc.assert(
      fc.property(edited, (tokens) => {
        sameTrees(tokens);
      }),
      property("CST children in recovered trees", 60),
    );
  });
});
