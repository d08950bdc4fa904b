// The front end's entry point: source text in, AST or syntax diagnostics out. Never throws.

import type { SourceFile } from "./ast.js";
import { error, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { buildAst } from "./ast-builder.js";

export interface ParseResult {
  /** Present exactly when `diagnostics` is empty. */
  file: SourceFile | undefined;
  diagnostics: Diagnostic[];
}

export function parse(source: string, fileName: string): ParseResult {
  try {
    const { file, diagnostics } = buildAst(source, fileName);
    return { file, diagnostics: sortDiagnostics(diagnostics) };
  } catch (failure) {
    // A bug in pol, not in the input: still report it as a diagnostic rather than a crash.
    const detail = failure instanceof Error ? failure.message : String(failure);
    const start = { offset: 0, line: 1, column: 1 };
    const span = { file: fileName, start, end: start };
    return {
      file: undefined,
      diagnostics: [error("POL1002", `internal parser error: ${detail}`, span)],
    };
  }
}
