// The structure checks find `listPrefix` nodes by following only the subrules the recorded grammar
// says can hold one (`subrulesReaching`). Checked against a walk of every node, on every `.pol`
// file of the repository (the golden error files give recovered trees) and on files with tokens
// cut out at random.
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
