// The lexer is told which tokens can span lines (grammar/lexer.ts) instead of working it out
// from their patterns. A token said not to span lines that did would shift the line and column
// of every token after it: checked here against lines and columns counted from the offsets, on
// every `.pol` file of the repository and on text pieced together from tokens and line breaks.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { polLexer } from "../grammar/lexer.js";
import { filesUnder } from "./support/policy-files.js";
import { property } from "./support/runs.js";

/** Line and column (both from 1) of each offset, counting `\r\n`, `\n` and a lone `\r` as breaks. */
function positionsOf(text: string): { line: number; column: number }[] {
  const positions: { line: number; column: number }[] = [];
  let line = 1;
  let column = 1;
  for (let i = 0; i <= text.length; i++) {
    positions.push({ line, column });
    const char = text[i];
    if (char === "\n" || (char === "\r" && text[i + 1] !== "\n")) {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return positions;
}

/** Every token (comments included) whose lines or columns differ from its offsets', described. */
function misplaced(text: string): string[] {
  const positions = positionsOf(text);
  const lexed = polLexer.tokenize(text);
  const problems: string[] = [];
  for (const token of [...lexed.tokens, ...(lexed.groups["comments"] ?? [])]) {
    const start = positions[token.startOffset]!;
    const end = positions[token.startOffset + token.image.length - 1]!;
    const found = [token.startLine, token.startColumn, token.endLine, token.endColumn];
    const expected = [start.line, start.column, end.line, end.column];
    if (found.join() !== expected.join()) problems.push(`${token.tokenType.name} ${JSON.stringify(token.image)} at ${token.startOffset}: ${found} for ${expected}`);
  }
  return problems;
}

describe("token lines and columns", () => {
  it("match the offsets in every .pol file of the repository", () => {
    const files = filesUnder(["policies", "tutorial", "test", "templates", "samples"], ".pol");
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect(misplaced(readFileSync(file, "utf8")), file).toEqual([]);
  });

  it("match the offsets in text made of every kind of token and line break", () => {
    const piece = fc.constantFrom(
      ...["policy", "not covered", "not  covered", "prior authorization", "note", "table", "x_1", "2025-07-01", "6wk", "12months", "75%", "1.5"],
      ...['"a string"', '"a \\" quote"', '"unterminated', "[D.I.B.1]", "[D.I.B", "# a comment", "==", "<=", "(", "}", "{", ",", "."],
      ...["cpt {", "cpt\n{", "hcpcs\r\n  {", "icd10 {", "64490-64495", "B02.*", "27096", "27096-", "B02.*x", "@", "é"],
      ...["\n", "\r\n", "\r", " ", "\t", "\n\n  "],
    );
    const text = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(" "));
    fc.assert(fc.property(text, (source) => misplaced(source).length === 0), property("token lines and columns", 300));
  });
});
