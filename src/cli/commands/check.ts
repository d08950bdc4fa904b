// `pol check [paths...]`: parse and type-check policies and schemas, reporting every error and
// warning. Warnings fail the check only with `--deny-warnings`.

import { checkPaths, hasErrors, type DiagnosticFormat } from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, type Io } from "../io.js";

export type { DiagnosticFormat };

export interface CheckOptions {
  /** Fail when there are warnings too. */
  denyWarnings?: boolean;
}

export function runCheck(paths: readonly string[], format: DiagnosticFormat, io: Io, options: CheckOptions = {}): number {
  const checked = checkPaths(paths);
  printDiagnostics(checked, format, io);
  const errors = hasErrors(checked.diagnostics);
  const warnings = checked.diagnostics.length > 0 && !errors;
  const failed = errors || (options.denyWarnings === true && warnings);
  if (format === "human" && !errors) {
    const files = `checked ${checked.results.size} file${checked.results.size === 1 ? "" : "s"}`;
    io.out(warnings ? `${files}: no errors${failed ? " (warnings denied)" : ""}\n` : `${files}: no errors\n`);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
