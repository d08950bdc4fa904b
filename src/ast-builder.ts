// From source text to diagnostics and, when there are none, the AST. The steps live in
// src/ast-builder/: lexical checks, parser errors, CST-level structure checks, CST -> AST.

import type { ILexingError, IToken } from "chevrotain";
import type { SourceFile } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { polLexer } from "../grammar/lexer.js";
import { parseTokens } from "../grammar/parser.js";
import { DeclarationBuilder } from "./ast-builder/declarations.js";
import { recognitionDiagnostics } from "./ast-builder/parse-errors.js";
import { SourcePositions } from "./ast-builder/positions.js";
import { structureDiagnostics } from "./ast-builder/structure-checks.js";
import { lexingDiagnostics, tokenDiagnostics } from "./ast-builder/token-checks.js";

export interface BuildResult {
  file: SourceFile | undefined;
  /** Unsorted; empty exactly when `file` is defined. */
  diagnostics: Diagnostic[];
}

/**
 * A parser error on a token touching characters the lexer dropped is a consequence of those
 * characters, already reported as POL1001: `a @ b` reads as `a b`, and `D.1]` as `D.1`.
 */
function touchesDroppedCharacters(
  diagnostic: Diagnostic,
  tokens: readonly IToken[],
  lexingErrors: readonly ILexingError[],
): boolean {
  const { start, end } = diagnostic.span;
  return lexingErrors.some((dropped) => {
    const droppedEnd = dropped.offset + dropped.length;
    const next = tokens.find((token) => token.startOffset >= droppedEnd);
    return end.offset === dropped.offset || next?.startOffset === start.offset;
  });
}

export function buildAst(source: string, fileName: string): BuildResult {
  const positions = new SourcePositions(fileName, source);
  const lexed = polLexer.tokenize(source);
  const { cst, errors } = parseTokens(lexed.tokens);
  const diagnostics = [
    ...lexingDiagnostics(lexed.errors, positions),
    ...tokenDiagnostics(lexed.tokens, positions),
    ...recognitionDiagnostics(errors, lexed.tokens, positions).filter(
      (diagnostic) => !touchesDroppedCharacters(diagnostic, lexed.tokens, lexed.errors),
    ),
    ...structureDiagnostics(cst, positions),
  ];
  if (diagnostics.length > 0) return { file: undefined, diagnostics };
  const comments: IToken[] = lexed.groups["comments"] ?? [];
  return { file: new DeclarationBuilder(positions).file(cst, comments), diagnostics: [] };
}
