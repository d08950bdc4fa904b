// `pol check [paths...]`: parse and type-check policies and schemas, reporting every error.

import { checkFile, nodeFileHost, type CheckResult } from "../../check/checker.js";
import { projectRoot } from "../../files/source-files.js";
import { diagnosticsToJson, renderDiagnostics, sortDiagnostics, summaryLine, type Diagnostic } from "../../diagnostics.js";
import { checkModuleNames } from "../../check/module-names.js";
import { headerIdSpan } from "../../check/structure.js";
import { collectFiles } from "../../files/paths.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "../io.js";

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
  for (const [file, root] of filesWithRoots(paths)) {
    const result = checkFile(file, nodeFileHost, { root });
    results.set(file, result);
    for (const [path, text] of result.sources) sources.set(path, text);
    for (const diagnostic of result.diagnostics) {
      const key = `${diagnostic.span.file}:${diagnostic.span.start.offset}:${diagnostic.code}:${diagnostic.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(diagnostic);
    }
  }
  // Policies checked together are compiled together: no two may compile to one file.
  const clashes: Diagnostic[] = [];
  checkModuleNames(
    [...results.values()].flatMap((result) =>
      result.policy?.file.header.kind === "PolicyHeader"
        ? [{ id: result.policy.metadata.id, span: headerIdSpan(result.policy.file.header) }]
        : [],
    ),
    clashes,
  );
  for (const diagnostic of clashes) if (diagnostic.code === "POL2022") diagnostics.push(diagnostic);
  return { results, diagnostics: sortDiagnostics(diagnostics), sources };
}

/**
 * Every `.pol` file under `paths`, sorted, each with the project root of the path it was found
 * under (src/files/source-files.ts): the nearest folder with `pol.config.json` or `package.json`, else
 * the path named.
 */
function filesWithRoots(paths: readonly string[]): [string, string][] {
  const roots = new Map<string, string>();
  for (const path of paths) {
    const root = projectRoot(path);
    for (const file of collectFiles([path], [".pol"])) if (!roots.has(file)) roots.set(file, root);
  }
  return [...roots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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
