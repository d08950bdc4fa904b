// The structure checks find `listPrefix` nodes by following only the subrules the recorded grammar
// says can hold one (`subrulesReaching`). Checked against a walk of every node, on every `.pol`
// file of the repository (the golden error files give recovered trees) and on files with tokens
// cut out at random. Likewise the parser's note that it consumed an ordinal, without which the
// walk is skipped.
import { readFileSync } from "node:fs";
import type { CstNode, IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { polLexer } from "../grammar/lexer.js";
import { parseTokens, subrulesReaching } from "../grammar/parser.js";
import { filesUnder } from "./support/policy-files.js";
import { property } from "./support/runs.js";

/** Every child key of every node whose subtree holds a `listPrefix`, as "rule.key". */
function keysLeadingTo(node: CstNode, target: string, found: Set<string>): boolean {
  let holds = node.name === target;
  for (const key in node.children) {
    for (const child of node.children[key]!) {
      if ("children" in child && keysLeadingTo(child, target, found)) {
        found.add(`${node.name}.${key}`);
        holds = true;
      }
    }
  }
  return holds;
}

function missedKeys(tokens: IToken[]): string[] {
  const reaching = subrulesReaching("listPrefix");
  const needed = new Set<string>();
  keysLeadingTo(parseTokens(tokens).cst, "listPrefix", needed);
  return [...needed].filter((entry) => {
    const [rule, key] = entry.split(".") as [string, string];
    return !(reaching.get(rule) ?? []).includes(key);
  });
}

const files = filesUnder(["policies", "tutorial", "test", "templates", "samples"], ".pol");

describe("subrulesReaching", () => {
  it("follows every key that leads to a listPrefix in the repository's files", () => {
    expect(files.length).toBeGreaterThan(100);
    let withPrefix = 0;
    for (const file of files) {
      const tokens = polLexer.tokenize(readFileSync(file, "utf8")).tokens;
      const needed = new Set<string>();
      if (keysLeadingTo(parseTokens(tokens).cst, "listPrefix", needed)) withPrefix++;
      expect(missedKeys(tokens), file).toEqual([]);
    }
    expect(withPrefix).toBeGreaterThan(20);
  });

  it("follows every such key in trees recovered from errors", () => {
    const sources = files.filter((file) => file.startsWith("policies")).map((file) => polLexer.tokenize(readFileSync(file, "utf8")).tokens);
    const cut = fc.tuple(fc.nat(sources.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 6 })).map(([which, positions]) => {
      const tokens = [...sources[which]!];
      for (const position of positions) tokens.splice(position % tokens.length, 1);
      return tokens;
    });
    fc.assert(fc.property(cut, (tokens) => missedKeys(tokens).length === 0), property("listPrefix keys in recovered trees", 60));
  });
});

/** Whether any `listPrefix` node below `node` has an `ordinal`, by a walk of every node. */
function hasOrdinal(node: CstNode): boolean {
  if (node.name === "listPrefix" && (node.children.ordinal?.length ?? 0) > 0) return true;
  for (const key in node.children) for (const child of node.children[key]!) if ("children" in child && hasOrdinal(child)) return true;
  return false;
}

/** The parse says `ordinals` whenever its CST holds a list prefix with an ordinal. */
const ordinalNoted = (tokens: IToken[]): boolean => {
  const { cst, ordinals } = parseTokens(tokens);
  return ordinals || !hasOrdinal(cst);
};

describe("the parser's note of ordinals", () => {
  const tokensOf = (file: string) => polLexer.tokenize(readFileSync(file, "utf8")).tokens;

  it("is set for every file of the repository whose tree holds an ordinal, and only those skip the walk", () => {
    let withOrdinal = 0;
    let without = 0;
    for (const file of files) {
      const { cst, ordinals } = parseTokens(tokensOf(file));
      if (hasOrdinal(cst)) withOrdinal++;
      else if (!ordinals) without++;
      expect(ordinalNoted(tokensOf(file)), file).toBe(true);
    }
    expect(withOrdinal).toBeGreaterThan(3);
    expect(without).toBeGreaterThan(100);
  });

  it("is set in trees recovered from errors around an ordinal", () => {
    const sources = files.map(tokensOf).filter((tokens) => hasOrdinal(parseTokens(tokens).cst));
    // Cuts near the ordinals' tokens, where recovery decides what the prefix holds.
    const cut = fc.tuple(fc.nat(sources.length - 1), fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 3 }), fc.nat()).map(([which, offsets, pick]) => {
      const tokens = [...sources[which]!];
      const numbers = tokens.flatMap((token, index) => (token.tokenType.name === "NumberLiteral" ? [index] : []));
      const at = numbers[pick % numbers.length]!;
      for (const offset of offsets) tokens.splice(Math.min(Math.max(at + offset, 0), tokens.length - 1), 1);
      return tokens;
    });
    fc.assert(fc.property(cut, ordinalNoted), property("ordinals noted in recovered trees", 200));
  });
});
