// `pol check [paths...]`: parse and type-check policies and schemas, reporting every error.

import { checkFile, type CheckResult } from "../checker.js";
import { diagnosticsToJson, renderDiagnostics, sortDiagnostics, summaryLine, type Diagnostic } from "../diagnostics.js";
import { collectFiles } from "../files.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "./io.js";

export type DiagnosticFormat = "human" | "json";

export interface CheckedFiles {
  results: Map<string, CheckResult>;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

/** Check every `.pol` file under `paths`. A schema used by several policies reports its errors once. */
export function checkPaths(paths: readonly string[]): CheckedFiles {
  const results = new Map<string, CheckResult>();
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const file of collectFiles(paths, [".pol"])) {
    const result = checkFile(file);
    results.set(file, result);
    for (const [path, text] of result.sources) sources.set(path, text);
    for (const diagnostic of result.diagnostics) {
      const key = `${diagnostic.span.file}:${diagnostic.span.start.offset}:${diagnostic.code}:${diagnostic.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(diagnostic);
    }
  }
  return { results, diagnostics: sortDiagnostics(diagnostics), sources };
}

export function reportDiagnostics(checked: CheckedFiles, format: DiagnosticFormat, io: Io): void {
  const { diagnostics, sources } = checked;
  if (format === "json") {
    io.out(JSON.stringify(diagnosticsToJson(diagnostics), null, 2) + "\n");
    return;
  }
  for (const block of renderDiagnostics(diagnostics, sources)) io.err(block + "\n\n");
  const summary = summaryLine(diagnostics);
  if (summary !== undefined) io.err(summary + "\n");
}

export function runCheck(paths: readonly string[], format: DiagnosticFormat, io: Io): number {
  const checked = checkPaths(paths);
  reportDiagnostics(checked, format, io);
  if (format === "human" && !checked.diagnostics.some((d) => d.severity === "error")) {
    io.out(`checked ${checked.results.size} file${checked.results.size === 1 ? "" : "s"}: no errors\n`);
  }
  return checked.diagnostics.some((d) => d.severity === "error") ? EXIT_FAILED : EXIT_OK;
}
