// Parser (recognition) errors as diagnostics: POL1007 at the end of input, POL1002 elsewhere,
// with a help line where the likely fix is known.

import type { IRecognitionException, IToken } from "chevrotain";
import { EOF } from "../../grammar/chevrotain.js";
import { diagnostic, type Diagnostic, type HelpArgs } from "../diagnostics.js";
import { END_OF_FILE_PREFIX, shown } from "../../grammar/parser-messages.js";
import type { SourcePositions } from "./positions.js";

/** Tokens that can end an operand: after one of them, `=` was probably meant as `==`. */
const operandEnd = new Set([
  "Identifier",
  "Note",
  "Refer",
  "Waive",
  "Table",
  "Item",
  "RParen",
  "NumberLiteral",
  "PercentLiteral",
  "DurationLiteral",
  "DateLiteral",
  "StringLiteral",
  "True",
  "False",
]);

export function recognitionDiagnostics(
  errors: readonly IRecognitionException[],
  tokens: readonly IToken[],
  positions: SourcePositions,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const recognition of errors) {
    const token = recognition.token;
    const atEnd = token.tokenType === EOF || Number.isNaN(token.startOffset);
    const offset = atEnd ? endOfInput(tokens) : token.startOffset;
    // Recovery can report the same token more than once; one diagnostic per place is enough.
    if (seen.has(offset)) continue;
    seen.add(offset);
    // An unterminated string ran to the end of its line and swallowed what the parser then
    // misses: the POL1003 on the string already says so.
    const previous = atEnd ? tokens[tokens.length - 1] : previousToken(tokens, token);
    if (previous?.tokenType.name === "UnterminatedString") continue;
    const expected = expectedOf(recognition.message);
    if (atEnd) {
      diagnostics.push(diagnostic("POL1007", positions.span(offset, offset), { expected }));
    } else {
      const help = helpFor(token, previous, recognition.message);
      const found = shown(token.image);
      diagnostics.push(diagnostic("POL1002", positions.tokenSpan(token), { expected, found }, help));
    }
  }
  return diagnostics;
}

/**
 * What the parser expected, from a message of grammar/parser-messages.ts: "expected X but found
 * `Y`" or "unexpected end of file: expected X".
 */
function expectedOf(message: string): string {
  const body = message.startsWith(END_OF_FILE_PREFIX) ? message.slice(END_OF_FILE_PREFIX.length) : message;
  const match = /^expected ([\s\S]*?)(?: but found `[\s\S]*`)?$/.exec(body);
  return match ? match[1]! : body;
}

/** Where a missing token would go: right after the last token (or at 1:1 in an empty file). */
function endOfInput(tokens: readonly IToken[]): number {
  const last = tokens[tokens.length - 1];
  return last === undefined ? 0 : last.startOffset + last.image.length;
}

function previousToken(tokens: readonly IToken[], token: IToken): IToken | undefined {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (tokens[middle]!.startOffset < token.startOffset) low = middle + 1;
    else high = middle;
  }
  return low > 0 ? tokens[low - 1] : undefined;
}

const comparisonOperators = new Set([
  "EqualEqual",
  "NotEqual",
  "Less",
  "LessEqual",
  "Greater",
  "GreaterEqual",
]);

/** Units written as words after a number (`3 months`), and the unit pol spells them with. */
const UNIT_WORDS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  d: "d", day: "d", days: "d",
  wk: "wk", wks: "wk", week: "wk", weeks: "wk",
  mo: "mo", mos: "mo", month: "mo", months: "mo",
  y: "y", yr: "y", yrs: "y", year: "y", years: "y",
});

function helpFor(token: IToken, previous: IToken | undefined, message: string): HelpArgs<"POL1002"> | undefined {
  const found = token.tokenType.name;
  if (found === "Equals" && previous !== undefined && operandEnd.has(previous.tokenType.name)) {
    return { help: "equals" };
  }
  if (comparisonOperators.has(found) && message.startsWith("expected a declaration")) {
    return { help: "chained" };
  }
  if (message.startsWith("expected `for` ")) return { help: "forCodes" };
  if (found === "NumberLiteral" && message.startsWith("expected a duration")) return { help: "durationUnit", amount: token.image };
  const unit = UNIT_WORDS[token.image.toLowerCase()];
  if (unit !== undefined && previous?.tokenType.name === "NumberLiteral" && /^\d+$/.test(previous.image)) {
    return { help: "durationWord", duration: `${previous.image}${unit}` };
  }
  if (token.tokenType.name === "Citation" && previous !== undefined) {
    if (["Require", "Deny", "NotCovered", "Bundle", "PriorAuthorization", "Refer", "Note", "Waive"].includes(previous.tokenType.name)) {
      return { help: "criterionId" };
    }
  }
  return undefined;
}
