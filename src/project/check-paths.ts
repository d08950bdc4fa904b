// The checker applied to files on disk: every `.pol` file under some paths, each with its project
// root; one policy named for evaluation; the diagnostics of either, rendered for a reader.

import { checkFile, nodeFileHost, RunCache, type CheckResult } from "../check/checker.js";
import { checkModuleNames } from "../check/module-names.js";
import { headerIdSpan } from "../check/structure.js";
import { diagnosticsToJson, hasErrors, renderDiagnostics, sortDiagnostics, summaryLine, type Diagnostic } from "../diagnostics.js";
import { collectFiles, displayPath } from "../files/paths.js";
import { projectRoot } from "../files/source-files.js";
import type { CheckedPolicy } from "../model.js";
import { diagnosticsToGithub, diagnosticsToSarif } from "./diagnostic-formats.js";
import { polVersion } from "./version.js";

/** `sarif` and `github` are for CI: a SARIF log, and GitHub Actions annotations (diagnostic-formats.ts). */
export type DiagnosticFormat = "human" | "json" | "sarif" | "github";

export interface CheckedFiles {
  results: Map<string, CheckResult>;
  /** Sorted; an error of a file several checked files use is listed once. */
  diagnostics: Diagnostic[];
  /** Display path -> text of every file read, for rendering code frames. */
  sources: Map<string, string>;
}

/** Check every `.pol` file under `paths`. A schema used by several policies reports its errors once. */
export function checkPaths(paths: readonly string[]): CheckedFiles {
  const results = new Map<string, CheckResult>();
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const run = new RunCache();
  for (const [file, root] of filesWithRoots(paths)) {
    const result = checkFile(file, nodeFileHost, { root, run });
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

/** The checked policies among `checked` (schemas have none), in path order. */
export function checkedPolicies(checked: CheckedFiles): CheckedPolicy[] {
  return [...checked.results.values()].flatMap((result) => (result.policy ? [result.policy] : []));
}

/**
 * Every `.pol` file under `paths`, sorted, each with the project root of the path it was found
 * under (src/files/source-files.ts): the nearest folder with `pol.config.json` or `package.json`,
 * else the path named.
 */
function filesWithRoots(paths: readonly string[]): [string, string][] {
  const roots = new Map<string, string>();
  for (const path of paths) {
    const root = projectRoot(path);
    for (const file of collectFiles([path], [".pol"])) if (!roots.has(file)) roots.set(file, root);
  }
  return [...roots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A policy file checked for evaluation: the policy, or why it cannot be evaluated. */
export type PolicyLoad =
  | { ok: true; policy: CheckedPolicy }
  /** `checked` holds the errors; without errors, `problem` says why there is no policy. */
  | { ok: false; checked: CheckedFiles; problem?: string };

/** Check one policy file for evaluation. */
export function loadPolicy(path: string): PolicyLoad {
  const result = checkFile(path);
  const checked: CheckedFiles = { results: new Map([[path, result]]), diagnostics: result.diagnostics, sources: result.sources };
  if (hasErrors(result.diagnostics)) return { ok: false, checked };
  if (!result.policy) {
    return { ok: false, checked, problem: `\`${displayPath(path)}\` is a schema, not a policy: evaluate a policy that uses it` };
  }
  return { ok: true, policy: result.policy };
}

/** What a command prints about `checked`'s diagnostics: JSON on stdout, or code frames and a summary on stderr. */
export function diagnosticReport(checked: CheckedFiles, format: DiagnosticFormat): { out: string; err: string } {
  const { diagnostics, sources } = checked;
  if (format === "json") return { out: JSON.stringify(diagnosticsToJson(diagnostics), null, 2) + "\n", err: "" };
  if (format === "sarif") return { out: JSON.stringify(diagnosticsToSarif(diagnostics, polVersion()), null, 2) + "\n", err: "" };
  if (format === "github") return { out: diagnosticsToGithub(diagnostics), err: "" };
  let err = "";
  for (const block of renderDiagnostics(diagnostics, sources)) err += block + "\n\n";
  const summary = summaryLine(diagnostics);
  if (summary !== undefined) err += summary + "\n";
  return { out: "", err };
}
