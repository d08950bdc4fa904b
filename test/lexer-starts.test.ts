// The tokens' first characters recorded by the build and handed back as `start_chars_hint`
// (grammar/lexer-starts.ts), as the check bundle builds its lexer, against Chevrotain's own
// analysis of the patterns: the same grouping of patterns by first character in every mode, and
// the same tokens (types, offsets, lines, columns, errors) on every `.pol` file of the repository
// and on text of any characters.
import { readFileSync } from "node:fs";
import type { ILexingResult, TokenType } from "chevrotain";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createToken, Lexer } from "../grammar/chevrotain.js";
import { applyLexerStarts, recordLexerStarts, type LexerStarts } from "../grammar/lexer-starts.js";
import { allTokens, buildPolLexer, polLexer } from "../grammar/lexer.js";
import { filesUnder } from "./support/policy-files.js";
import { property } from "./support/runs.js";

interface Analysed {
  charCodeToPatternIdxToConfig: Record<string, ({ tokenType: TokenType }[] | undefined)[]>;
  canModeBeOptimized: Record<string, boolean>;
}

/** The tokens that had no hint of their own, to take the recorded ones off again. */
const unhinted = allTokens.filter((token) => token.START_CHARS_HINT === undefined);
afterEach(() => {
  for (const token of unhinted) delete token.START_CHARS_HINT;
});

/** A lexer built with `recorded` handed to the tokens, as the check bundle does. */
function hintedLexer(recorded: LexerStarts) {
  applyLexerStarts(allTokens, recorded);
  try {
    return buildPolLexer();
  } finally {
    for (const token of unhinted) delete token.START_CHARS_HINT;
  }
}

/** Each mode's patterns grouped by first character, by token name, and whether it groups. */
function grouping(lexer: unknown) {
  const analysed = lexer as Analysed;
  return Object.entries(analysed.charCodeToPatternIdxToConfig).map(([mode, byStart]) => [
    mode,
    analysed.canModeBeOptimized[mode],
    Array.from(byStart, (configs) => configs?.map((config) => config.tokenType.name)),
  ]);
}

function tokensOf(result: ILexingResult) {
  return {
    tokens: result.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.startLine, t.startColumn, t.endLine, t.endColumn]),
    errors: result.errors.map((e) => [e.offset, e.length, e.line, e.column, e.message]),
    groups: Object.entries(result.groups).map(([group, tokens]) => [group, tokens.map((t) => [t.image, t.startOffset])]),
  };
}

describe("the lexer with the first characters the build recorded", () => {
  const recorded = JSON.parse(JSON.stringify(recordLexerStarts(polLexer, allTokens))) as LexerStarts;
  const hinted = hintedLexer(recorded);

  it("records most tokens, and groups the patterns as Chevrotain's analysis does in every mode", () => {
    expect(Object.keys(recorded).length).toBeGreaterThan(80);
    const modes = grouping(polLexer);
    expect(modes.some(([, groups]) => groups === true)).toBe(true);
    expect(grouping(hinted)).toEqual(modes);
  });

  it("lexes every file of the repository as Chevrotain's analysis does", () => {
    const files = filesUnder(["policies", "tutorial", "test", "templates", "samples"], ".pol");
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expect(tokensOf(hinted.tokenize(text)), file).toEqual(tokensOf(polLexer.tokenize(text)));
    }
  });

  it("lexes text of any characters as Chevrotain's analysis does", () => {
    const pieces = fc.oneof(
      fc.constantFrom("cpt {", "icd10{", "}", "27096-27099", "B02.*", "# note", "\n", " ", "\"", "[", "]", "12.5", "3 months", "50%", "2024-01-31", ">=", "within"),
      fc.string({ unit: "grapheme", maxLength: 6 }),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const text = parts.join("");
        expect(tokensOf(hinted.tokenize(text))).toEqual(tokensOf(polLexer.tokenize(text)));
      }),
      property("lexer with recorded first characters", 400),
    );
  });

  it("leaves a token whose pattern is not the one recorded to Chevrotain's analysis", () => {
    const changed = JSON.parse(JSON.stringify(recorded)) as LexerStarts;
    // A record for another pattern, with a first character the token's real pattern never has.
    changed["Identifier"] = { pattern: "/[0-9]+/", starts: [48] };
    const lexer = hintedLexer(changed);
    expect(grouping(lexer)).toEqual(grouping(polLexer));
    expect(tokensOf(lexer.tokenize("policy p\nlet x = 1\n"))).toEqual(tokensOf(polLexer.tokenize("policy p\nlet x = 1\n")));
  });

  it("keeps the groups of characters above 255 (as Chevrotain's lexer groups them)", () => {
    const make = () => [
      createToken({ name: "Wide", pattern: /[\u0100\u01ff\u0200\u2000-\u2001\uffff]+/ }),
      createToken({ name: "Word", pattern: /[a-z]+/ }),
      createToken({ name: "Space", pattern: / +/, group: Lexer.SKIPPED }),
    ];
    const plainTokens = make();
    const plainLexer = new Lexer(plainTokens, { positionTracking: "onlyOffset" });
    const record = recordLexerStarts(plainLexer, plainTokens);
    const hintedTokens = make();
    applyLexerStarts(hintedTokens, record);
    expect(hintedTokens[0]!.START_CHARS_HINT).toBeDefined();
    const hintedLexer = new Lexer(hintedTokens, { positionTracking: "onlyOffset" });
    const names = (lexer: unknown) => grouping(lexer).map(([mode, groups, byStart]) => [mode, groups, (byStart as unknown[]).map((names) => names ?? null)]);
    expect(names(hintedLexer)).toEqual(names(plainLexer));
    const text = "ab \u0100\u01ff \u0200 \u2001\uffff cd \u2000";
    expect(hintedLexer.tokenize(text).tokens.map((t) => [t.tokenType.name, t.image])).toEqual(plainLexer.tokenize(text).tokens.map((t) => [t.tokenType.name, t.image]));
  });
});
