// The front end's entry point: source text in, AST or syntax diagnostics out. Never throws.

import type { SourceFile } from "../ast.js";
import { diagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { buildAst } from "./ast-builder.js";

export interface ParseResult {
  /** Present exactly when `diagnostics` is empty. */
  file: SourceFile | undefined;
  diagnostics: Diagnostic[];
  /** With syntax errors: the declarations and criteria they do not touch, which the checker
   *  still checks (never formatted or compiled). */
  partial?: SourceFile;
}

export function parse(source: string, fileName: string): ParseResult {
  try {
    const { file, diagnostics, partial } = buildAst(source, fileName);
    return partial ? { file, diagnostics: sortDiagnostics(diagnostics), partial } : { file, diagnostics: sortDiagnostics(diagnostics) };
  } catch (failure) {
    // A bug in pol, not in the input: still report it as a diagnostic rather than a crash.
    return { file: undefined, diagnostics: [internalError(fileName, failure)] };
  }
}

/** A bug in pol met while reading `fileName`, as a POL1015 diagnostic at 1:1. */
export function internalError(fileName: string, failure: unknown): Diagnostic {
  const detail = failure instanceof Error ? failure.message : String(failure);
  const start = { offset: 0, line: 1, column: 1 };
  return diagnostic("POL1015", { file: fileName, start, end: start }, { detail });
}
