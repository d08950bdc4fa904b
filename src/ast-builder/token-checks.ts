// Lexical diagnostics: characters no token matches, and the lexer's "error tokens" (see
// grammar/lexer.ts) plus literals whose shape is right but whose value is not (`2025-02-30`).

import type { ILexingError, IToken } from "chevrotain";
import { error, type Diagnostic } from "../diagnostics.js";
import { shown } from "../../grammar/parser-messages.js";
import { dateProblem } from "./literals.js";
import type { SourcePositions } from "./positions.js";

/** Why a stray character is probably there. */
const characterHelp = new Map<string, string>([
  ["]", "a citation is a section between brackets, e.g. `[D.I.B.1]`"],
  ["!", "use `not` to negate and `!=` to compare"],
  ["&", "use `and`"],
  ["|", "use `or`"],
  ["'", "strings are written between double quotes"],
  [";", "statements need no terminator: remove the `;`"],
]);

export function lexingDiagnostics(
  errors: readonly ILexingError[],
  positions: SourcePositions,
): Diagnostic[] {
  return errors.map((lexingError) => {
    const text = positions.source.slice(
      lexingError.offset,
      lexingError.offset + lexingError.length,
    );
    const span = positions.span(lexingError.offset, lexingError.offset + lexingError.length);
    const message =
      text.length === 1
        ? `unexpected character \`${shown(text)}\``
        : `unexpected characters \`${shown(text)}\``;
    return error("POL1001", message, span, characterHelp.get(text[0] ?? ""));
  });
}

export function tokenDiagnostics(
  tokens: readonly IToken[],
  positions: SourcePositions,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const token of tokens) {
    // Only a problem token needs its span: computing one for every token slows every parse.
    switch (token.tokenType.name) {
      case "UnterminatedString":
        diagnostics.push(
          error(
            "POL1003",
            `unterminated string \`${shown(token.image)}\``,
            positions.tokenSpan(token),
            'close the string with `"` on the same line',
          ),
        );
        break;
      case "StringLiteral":
        if (token.image.includes("\\")) diagnostics.push(...escapeDiagnostics(token, positions));
        break;
      case "DateLiteral": {
        const problem = dateProblem(token.image);
        if (problem !== undefined) {
          diagnostics.push(error("POL1004", `invalid date \`${token.image}\``, positions.tokenSpan(token), problem));
        }
        break;
      }
      case "MalformedDuration":
        diagnostics.push(
          error(
            "POL1006",
            `invalid duration \`${shown(token.image)}\``,
            positions.tokenSpan(token),
            "write a whole number followed by `d`, `wk`, `mo` or `y`, e.g. `12mo`",
          ),
        );
        break;
      case "UnclosedCitation":
        diagnostics.push(
          error(
            "POL1002",
            `unclosed citation \`${shown(token.image)}\``,
            positions.tokenSpan(token),
            token.image.length > 1
              ? `close it with \`]\`: \`${shown(token.image)}]\``
              : "a citation is a section between brackets, e.g. `[D.I.B.1]`",
          ),
        );
        break;
      case "InvalidCode":
        diagnostics.push(
          error(
            "POL1005",
            `invalid code \`${shown(token.image)}\``,
            positions.tokenSpan(token),
            invalidCodeHelp(token.image),
          ),
        );
        break;
    }
  }
  return diagnostics;
}

function invalidCodeHelp(image: string): string {
  if (image.includes("-")) return "a range is two codes joined by `-`, e.g. `64490-64495`";
  if (image.includes("*")) return "a prefix ends with `*`, e.g. `B02.*` or `M54*`";
  return "a code is letters and digits with at most one `.`, e.g. `27096` or `M54.5`";
}

/** Only `\"` and `\\` are escapes in a string. */
function escapeDiagnostics(token: IToken, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const pattern = /\\(.)/g;
  for (let match = pattern.exec(token.image); match !== null; match = pattern.exec(token.image)) {
    if (match[1] === '"' || match[1] === "\\") continue;
    const start = token.startOffset + match.index;
    diagnostics.push(
      error(
        "POL1002",
        `invalid escape \`${match[0]}\` in a string`,
        positions.span(start, start + 2),
        'only `\\"` and `\\\\` are escapes: write other characters as they are',
      ),
    );
  }
  return diagnostics;
}
