// A diff report as text for the analyst, or as JSON for tools.

import { readFileSync } from "node:fs";
import { diagnosticToJson, type Diagnostic } from "../../core.js";
import type { DiffReport } from "./diff.js";
import type { Change, ChangeKind } from "./structural.js";
import type { CodeFinding } from "./semantic.js";
import type { ItemSummary } from "./confirm.js";
import type { VerifyReport } from "./verify.js";
import type { ReplayReport } from "./replay.js";
import type { GenerateReport } from "./generate.js";

const CHANGE_WORDS: Record<ChangeKind, string> = {
  header: "header changed",
  "codes-added": "codes added",
  "codes-removed": "codes removed",
  "code-set-added": "code set added",
  "code-set-removed": "code set removed",
  "rule-added": "rule added",
  "rule-removed": "rule removed",
  "rule-title": "rule title or citation changed",
  "rule-codes": "rule applies to other code sets",
  "rule-when": "rule's `when` condition changed",
  "criterion-added": "criterion added",
  "criterion-removed": "criterion removed",
  "criterion-reworded": "criterion reworded",
  "criterion-effect": "criterion's kind changed",
  "criterion-citation": "criterion's citation changed",
  "let-added": "let added",
  "let-removed": "let removed",
  threshold: "threshold moved",
  comparison: "comparison changed",
  window: "window changed",
  duration: "duration changed",
  "code-set": "code set tested changed",
  condition: "condition rewritten",
};

export function describeChange(change: Change): string {
  const line = change.newLine ?? change.oldLine;
  const at = line === undefined ? change.where : `${change.where} (line ${line})`;
  const values =
    change.old !== undefined && change.new !== undefined
      ? `: ${change.old} -> ${change.new}`
      : change.new !== undefined
        ? `: ${change.new}`
        : change.old !== undefined
          ? `: ${change.old}`
          : "";
  return `${at}: ${CHANGE_WORDS[change.kind]}${values}`;
}

function codesText(codes: readonly string[]): string {
  return codes.length === 1 ? `code ${codes[0]}` : `codes ${codes.join(", ")}`;
}

function itemText(item: ItemSummary): string {
  const parts: string[] = [item.outcome];
  if (item.reasons.length > 0) parts.push(`reasons: ${item.reasons.join(", ")}`);
  if (item.missing.length > 0) parts.push(`missing: ${item.missing.join(", ")}`);
  return parts.join("; ");
}

function findingText(finding: CodeFinding): string[] {
  const head = `  ${codesText(finding.codes)}`;
  switch (finding.kind) {
    case "difference":
      return [
        `${head}: decided differently (${finding.facts} facts${finding.minimal ? ", minimal" : ""}; ${finding.milliseconds} ms)`,
        `    case: ${JSON.stringify(finding.case)}`,
        `    old:  ${finding.item > 0 ? `item ${finding.item}: ` : ""}${itemText(finding.old)}`,
        `    new:  ${finding.item > 0 ? `item ${finding.item}: ` : ""}${itemText(finding.new)}`,
      ];
    case "same":
      return [`${head}: ${finding.unchanged ? "no difference (the rules for them are unchanged)" : "no difference within the bounds"} (${finding.milliseconds} ms)`];
    case "unsupported":
      return [`${head}: not analysed: ${finding.diagnostic.message} (${finding.diagnostic.code})`];
    case "timeout":
      return [`${head}: undecided: the solver ran out of time (${finding.milliseconds} ms)`];
  }
}

function sourceOf(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export async function renderDiffText(report: DiffReport): Promise<string> {
  const { renderDiagnostic } = await import("../../index.js");
  const lines: string[] = [];
  lines.push(`${report.old.source} (${report.old.id} ${report.old.version}) -> ${report.new.source} (${report.new.id} ${report.new.version})`);
  lines.push("");
  lines.push(report.changes.length === 0 ? "Structural changes: none" : `Structural changes (${report.changes.length}):`);
  for (const change of report.changes) lines.push(`  ${describeChange(change)}`);
  if (report.semantic !== undefined) {
    const { bounds, serviceDates, findings } = report.semantic;
    lines.push("");
    lines.push(
      `Semantic diff (lists of up to ${bounds.list} elements, up to ${bounds.items} other line items, ` +
        `dates of service ${serviceDates.first} to ${serviceDates.last}; ${report.semantic.milliseconds} ms):`,
    );
    const differences = findings.filter((f) => f.kind === "difference").length;
    for (const finding of findings) lines.push(...findingText(finding));
    lines.push(`  ${differences} of ${findings.length} code classes decided differently`);
  }
  for (const diagnostic of report.diagnostics) {
    lines.push("");
    lines.push(renderDiagnostic(diagnostic, sourceOf(diagnostic.span.file)).trimEnd());
  }
  return `${lines.join("\n")}\n`;
}

/** A diagnostic as `pol check --format json` gives it, less its end: the reports name a start. */
function diagnosticJson(diagnostic: Diagnostic): Record<string, unknown> {
  const { endLine: _endLine, endColumn: _endColumn, ...json } = diagnosticToJson(diagnostic);
  return json;
}

export function renderDiffJson(report: DiffReport): string {
  const semantic =
    report.semantic === undefined
      ? undefined
      : {
          ...report.semantic,
          findings: report.semantic.findings.map((finding) =>
            finding.kind === "unsupported" || finding.kind === "timeout" ? { ...finding, diagnostic: diagnosticJson(finding.diagnostic) } : finding,
          ),
        };
  return `${JSON.stringify({ ...report, semantic, diagnostics: report.diagnostics.map(diagnosticJson) }, null, 2)}\n`;
}

export async function renderVerifyText(report: VerifyReport): Promise<string> {
  const { renderDiagnostic } = await import("../../index.js");
  const lines: string[] = [];
  for (const finding of report.findings) {
    lines.push(renderDiagnostic(finding.diagnostic, sourceOf(finding.diagnostic.span.file)).trimEnd());
    if (finding.case !== undefined) {
      lines.push(`  case: ${JSON.stringify(finding.case)}`);
      if (finding.item !== undefined) lines.push(`  outcome: ${itemText(finding.item)}`);
    }
    lines.push("");
  }
  const undecided = report.undecided === 0 ? "" : `, ${report.undecided} undecided (solver time limit)`;
  lines.push(
    `${report.policy.source}: ${report.findings.length} finding${report.findings.length === 1 ? "" : "s"} ` +
      `(${report.queries} questions${undecided}; ${report.milliseconds} ms)`,
  );
  return `${lines.join("\n")}\n`;
}

export function renderVerifyJson(report: VerifyReport): string {
  const findings = report.findings.map((finding) => ({ ...finding, diagnostic: diagnosticJson(finding.diagnostic) }));
  return `${JSON.stringify({ ...report, findings }, null, 2)}\n`;
}

export function renderReplayText(report: ReplayReport, older: string, newer: string): string {
  const lines: string[] = [];
  lines.push(`${older} -> ${newer}: ${report.cases} cases, ${report.items} line items replayed under both versions (${report.milliseconds} ms)`);
  if (report.invalid.length > 0) lines.push(`  ${report.invalid.length} lines are not valid cases (lines ${report.invalid.slice(0, 20).join(", ")})`);
  lines.push(`  ${report.flips} line items decided differently`);
  if (report.byOutcome.length > 0) {
    lines.push("", "By outcome:");
    for (const entry of report.byOutcome) lines.push(`  ${entry.pair}: ${entry.count} (${entry.cases.join("; ")}${entry.count > entry.cases.length ? "; ..." : ""})`);
    lines.push("", "By criterion (a reason or a missing fact in one version and not the other):");
    for (const entry of report.byCriterion) {
      lines.push(`  ${entry.criterion}: ${entry.count} (${entry.cases.join("; ")}${entry.count > entry.cases.length ? "; ..." : ""})`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function renderReplayJson(report: ReplayReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** What `pol test --generate` wrote, the states it found no case for, and its diagnostics. */
export async function renderGenerateText(report: GenerateReport, path: string): Promise<string> {
  const { renderDiagnostic } = await import("../../index.js");
  const { reachable, reached } = report.states;
  const lines = [
    `${path}: ${report.tests.length} tests reaching ${reached} of ${reachable} reachable criterion states (${report.queries} solver questions, ${(report.milliseconds / 1000).toFixed(1)} s)`,
  ];
  for (const { rule, criterion, state, why } of report.unreached) lines.push(`  no case for ${rule}.${criterion} ${state.replace("_", " ")}: ${why}`);
  if (report.boundaryGaps.length > 0) {
    lines.push(`boundary cases that no case within the bounds can take (${report.boundaryGaps.length}):`);
    for (const { name, why } of report.boundaryGaps) lines.push(`  ${name}: ${why}`);
  }
  for (const diagnostic of report.diagnostics) {
    lines.push("");
    lines.push(renderDiagnostic(diagnostic, sourceOf(diagnostic.span.file)).trimEnd());
  }
  lines.push("", `review the cases and their expected outcomes, then run: pol test ${path}`);
  return `${lines.join("\n")}\n`;
}
