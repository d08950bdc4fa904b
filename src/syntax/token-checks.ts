// Lexical diagnostics: characters no token matches, and the lexer's "error tokens" (see
// grammar/lexer.ts) plus literals whose shape is right but whose value is not (`2025-02-30`).

import type { ILexingError, IToken } from "chevrotain";
import { diagnostic, type Diagnostic, type HelpArgs } from "../diagnostics.js";
import { shown } from "../../grammar/parser-messages.js";
import { dateProblem } from "./literals.js";
import type { SourcePositions } from "./positions.js";

/** Why a stray character is probably there. */
const characterHelp = new Map<string, HelpArgs<"POL1001">>([
  ["]", { help: "bracket" }],
  ["!", { help: "bang" }],
  ["&", { help: "ampersand" }],
  ["|", { help: "pipe" }],
  ["'", { help: "quote" }],
  [";", { help: "semicolon" }],
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
    const characters = text.length === 1 ? "character" : "characters";
    return diagnostic("POL1001", span, { characters, text: shown(text) }, characterHelp.get(text[0] ?? ""));
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
        diagnostics.push(diagnostic("POL1003", positions.tokenSpan(token), { text: shown(token.image) }));
        break;
      case "StringLiteral":
        if (token.image.includes("\\")) escapeDiagnostics(token, positions, diagnostics);
        break;
      case "DateLiteral": {
        const problem = dateProblem(token.image);
        if (problem !== undefined) {
          diagnostics.push(diagnostic("POL1004", positions.tokenSpan(token), { text: token.image }, { problem }));
        }
        break;
      }
      case "MalformedDuration":
        diagnostics.push(diagnostic("POL1006", positions.tokenSpan(token), { text: shown(token.image) }));
        break;
      case "UnclosedCitation":
        diagnostics.push(
          diagnostic(
            "POL1010",
            positions.tokenSpan(token),
            { text: shown(token.image) },
            token.image.length > 1 ? { help: "close", text: shown(token.image) } : { help: "empty" },
          ),
        );
        break;
      case "InvalidCode":
        diagnostics.push(
          diagnostic("POL1005", positions.tokenSpan(token), { text: shown(token.image) }, invalidCodeHelp(token.image)),
        );
        break;
    }
  }
  return diagnostics;
}

function invalidCodeHelp(image: string): HelpArgs<"POL1005"> {
  if (image.includes("-")) return { help: "range" };
  if (image.includes("*")) return { help: "prefix" };
  return { help: "shape" };
}

/** Only `\"` and `\\` are escapes in a string. */
function escapeDiagnostics(token: IToken, positions: SourcePositions, diagnostics: Diagnostic[]): void {
  const pattern = /\\(.)/g;
  for (let match = pattern.exec(token.image); match !== null; match = pattern.exec(token.image)) {
    if (match[1] === '"' || match[1] === "\\") continue;
    const start = token.startOffset + match.index;
    diagnostics.push(diagnostic("POL1011", positions.span(start, start + 2), { escape: match[0] }));
  }
}
