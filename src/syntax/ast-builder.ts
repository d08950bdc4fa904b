// From source text to diagnostics and, when there are none, the AST. The steps live in
// src/syntax/: lexical checks, parser errors, CST-level structure checks, CST -> AST.

import type { ILexingError, IToken } from "chevrotain";
import type { SourceFile } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import { polLexer } from "../../grammar/lexer.js";
import { parseTokens } from "../../grammar/parser.js";
import { DeclarationBuilder } from "./declarations.js";
import { depthDiagnostics } from "./depth-limits.js";
import { recognitionDiagnostics } from "./parse-errors.js";
import { SourcePositions } from "./positions.js";
import { structureDiagnostics } from "./structure-checks.js";
import { lexingDiagnostics, tokenDiagnostics } from "./token-checks.js";

export interface BuildResult {
  file: SourceFile | undefined;
  /** Unsorted; empty exactly when `file` is defined. */
  diagnostics: Diagnostic[];
  /** With syntax errors: the part of the file they do not touch, for the checker (see `SourceFile.recovered`). */
  partial?: SourceFile;
}

/**
 * A parser error on a token touching characters the lexer dropped is a consequence of those
 * characters, already reported as POL1001: `a @ b` reads as `a b`, and `D.1]` as `D.1`. Returns
 * the test, prepared once in O(E log T) for E dropped runs and T tokens; each test is O(1).
 */
function touchesDroppedCharacters(
  tokens: readonly IToken[],
  lexingErrors: readonly ILexingError[],
): (diagnostic: Diagnostic) => boolean {
  const droppedStarts = new Set<number>();
  const tokensAfterDropped = new Set<number>();
  for (const dropped of lexingErrors) {
    droppedStarts.add(dropped.offset);
    const next = firstTokenFrom(tokens, dropped.offset + dropped.length);
    if (next !== undefined) tokensAfterDropped.add(next.startOffset);
  }
  return (diagnostic) =>
    droppedStarts.has(diagnostic.span.end.offset) || tokensAfterDropped.has(diagnostic.span.start.offset);
}

/** The index of the first of the sorted `offsets` at or after `offset`. */
function firstAtOrAfter(offsets: readonly number[], offset: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle]! < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The first token starting at or after `offset` (tokens are in source order). */
function firstTokenFrom(tokens: readonly IToken[], offset: number): IToken | undefined {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (tokens[middle]!.startOffset < offset) low = middle + 1;
    else high = middle;
  }
  return tokens[low];
}

export function buildAst(source: string, fileName: string): BuildResult {
  const positions = new SourcePositions(fileName, source);
  const lexed = polLexer.tokenize(source);
  const tooDeep = depthDiagnostics(lexed.tokens, positions);
  if (tooDeep.length > 0) {
    // The parser would recurse past the stack: report the limit and the lexical errors only.
    const diagnostics = [...lexingDiagnostics(lexed.errors, positions), ...tokenDiagnostics(lexed.tokens, positions), ...tooDeep];
    return { file: undefined, diagnostics };
  }
  const { cst, errors, ordinals } = parseTokens(lexed.tokens);
  const dropped = touchesDroppedCharacters(lexed.tokens, lexed.errors);
  const diagnostics = [
    ...lexingDiagnostics(lexed.errors, positions),
    ...tokenDiagnostics(lexed.tokens, positions),
    ...recognitionDiagnostics(errors, lexed.tokens, positions).filter((diagnostic) => !dropped(diagnostic)),
    ...structureDiagnostics(cst, positions, ordinals),
  ];
  if (diagnostics.length > 0) {
    const offsets = diagnostics.map((d) => d.span.start.offset).sort((a, b) => a - b);
    const touched = (start: number, end: number): boolean => {
      const first = firstAtOrAfter(offsets, start);
      return first < offsets.length && offsets[first]! <= end;
    };
    const partial = new DeclarationBuilder(positions).partialFile(cst, touched);
    return partial ? { file: undefined, diagnostics, partial } : { file: undefined, diagnostics };
  }
  const comments: IToken[] = lexed.groups["comments"] ?? [];
  return { file: new DeclarationBuilder(positions).file(cst, comments), diagnostics: [] };
}
