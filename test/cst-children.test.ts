// The parser makes each CST node's `children` an instance of a class with nothing inherited
// rather than Chevrotain's `Object.create(null)` (grammar/parser.ts, `cstInvocationStateUpdate`),
// for V8's fast properties. The trees must be the ones Chevrotain builds itself: checked by
// parsing again with Chevrotain's own method, on every `.pol` file of the repository and on files
// with tokens cut out, doubled or swapped at random (trees recovered from errors).
import { readFileSync } from "node:fs";
import type { IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CstParser } from "../grammar/chevrotain.js";
import { polLexer } from "../grammar/lexer.js";
import { parseTokens, polParser } from "../grammar/parser.js";
import { editedTokens, plainCst } from "./support/cst-edits.js";
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

function sameTrees(tokens: IToken[]): void {
  const ours = parseTokens(tokens);
  const chevrotains = parsedByChevrotain(tokens);
  expect(plainCst(ours.cst)).toEqual(plainCst(chevrotains.cst));
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
    fc.assert(
      fc.property(editedTokens(sources), (tokens) => {
        sameTrees(tokens);
      }),
      property("CST children in recovered trees", 60),
    );
  });
});
