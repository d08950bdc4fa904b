// `pol check [paths...]`: parse and type-check policies and schemas, reporting every error.

import { checkPaths, type DiagnosticFormat } from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, type Io } from "../io.js";

export type { DiagnosticFormat };

export function runCheck(paths: readonly string[], format: DiagnosticFormat, io: Io): number {
  const checked = checkPaths(paths);
  printDiagnostics(checked, format, io);
  const failed = checked.diagnostics.some((d) => d.severity === "error");
  if (format === "human" && !failed) {
    io.out(`checked ${checked.results.size} file${checked.results.size === 1 ? "" : "s"}: no errors\n`);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
