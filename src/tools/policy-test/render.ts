// Policy test results as text: each failing test as a diff of expected (-) and actual (+) values
// with the criteria that explain the actual outcome, and per-policy coverage tables.

import type { Status } from "@pol/runtime";
import { STATES, type CoverageReport, type PolicyCoverage, type StateCoverage } from "./coverage.js";
import { showSet, showValue } from "./diff.js";
import type { CriterionNote, Failure, FieldMismatch, TestResult } from "./run.js";

/** A failed test: its name, source, then each failure, indented under it. */
export function renderFailedTest(result: TestResult): string[] {
  const out = [`  FAIL ${result.name}`];
  if (result.source !== undefined) out.push(`       source: ${result.source}`);
  for (const failure of result.failures) out.push(...renderFailure(failure).map((line) => `       ${line}`));
  return out;
}

export function renderFailure(failure: Failure): string[] {
  switch (failure.kind) {
    case "invalid_case":
      return [
        "the case is not valid for the policy's schema:",
        ...failure.errors.map((error) => `  ${error.path || "(case)"}: ${error.message}`),
      ];
    case "engine_error":
      return [`the ${failure.engine} failed: ${failure.message}`];
    case "engines_disagree":
      return [
        "interpreter and compiled evaluator disagree:",
        ...failure.differences.flatMap((difference) => [
          `  at ${difference.path || "(determination)"}`,
          `    - interpreter: ${showValue(difference.left)}`,
          `    + compiled:    ${showValue(difference.right)}`,
        ]),
      ];
    case "item_count":
      return [`expected ${lineItems(failure.expected)}, the case has ${lineItems(failure.actual)}`];
    case "item":
      return [
        `items[${failure.index}] (${failure.code}): - expected, + actual`,
        ...failure.mismatches.flatMap(renderMismatch).map((line) => `  ${line}`),
        ...failure.criteria.flatMap(renderCriterion).map((line) => `  ${line}`),
        ...failure.notes.map((note) => `  note: ${note}`),
      ];
  }
}

function lineItems(count: number): string {
  return `${count} line item${count === 1 ? "" : "s"}`;
}

export function renderMismatch(mismatch: FieldMismatch): string[] {
  const show = (value: string | string[]) => (typeof value === "string" ? value : showSet(value));
  return [`- ${mismatch.field}: ${show(mismatch.expected)}`, `+ ${mismatch.field}: ${show(mismatch.actual)}`];
}

const STATUS_WORDS: Record<Status, string> = { met: "met", not_met: "not met", unknown: "unknown", waived: "waived" };

/** Facts shown per criterion; a count over a long history reads many more. */
const FACTS_SHOWN = 6;

/** One criterion in the way of approval, with the facts it read or the facts it lacks. */
function renderCriterion(note: CriterionNote): string[] {
  const out = [`${STATUS_WORDS[note.status].padEnd(8)} ${note.criterion} [${note.citation}] ${note.description}`];
  const indent = " ".repeat(9);
  if (note.status === "unknown") {
    out.push(`${indent}missing ${note.missing.join(", ") || "(no fact recorded)"}`);
    return out;
  }
  const shown = note.facts.slice(0, FACTS_SHOWN);
  for (const { fact, value } of shown) out.push(`${indent}${fact} = ${showFactValue(value)}`);
  if (note.facts.length > shown.length) out.push(`${indent}and ${note.facts.length - shown.length} more facts`);
  return out;
}

function showFactValue(value: unknown): string {
  if (value === null || value === undefined) return "(absent)";
  if (Array.isArray(value)) return `(${value.length} entr${value.length === 1 ? "y" : "ies"})`;
  return showValue(value, 60);
}

const MARKS: Record<StateCoverage, string> = { covered: "✓", uncovered: "·", unreachable: "–" };

/** One table per policy: a row per criterion, a column per state. */
export function renderCoverage(report: CoverageReport): string[] {
  const out: string[] = [];
  for (const policy of report.policies) out.push(...policyTable(policy), "");
  out.push(`legend: ✓ covered  · not covered  – unreachable`);
  out.push(`coverage: ${pairs(report.covered, report.reachable)} (${formatPercent(report.percent)})`);
  return out;
}

function policyTable(policy: PolicyCoverage): string[] {
  const headers = ["criterion", "citation", ...STATES.map((state) => STATUS_WORDS[state])];
  const rows = policy.criteria.map((criterion) => [
    criterion.criterion,
    `[${criterion.citation}]`,
    ...STATES.map((state) => MARKS[criterion.states[state]]),
  ]);
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    "  " +
    cells
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : centre(cell, widths[column]!)))
      .join("  ")
      .trimEnd();
  return [
    `coverage of ${policy.policy} (${policy.source}): ${pairs(policy.covered, policy.reachable)}`,
    line(headers),
    ...rows.map(line),
  ];
}

function centre(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return " ".repeat(left) + text.padEnd(width - left);
}

function pairs(covered: number, reachable: number): string {
  return `${covered} of ${reachable} reachable criterion states`;
}

/** One decimal, rounded down: 79.96% must not print as the 80.0% it falls short of. */
export function formatPercent(percent: number): string {
  // The epsilon absorbs binary noise (29 of 100 must print 29.0%, not 28.9%).
  return `${(Math.floor(percent * 10 + 1e-9) / 10).toFixed(1)}%`;
}

/** The uncovered pairs grouped by criterion: `truecare.sij B1: not met, unknown`. */
export function renderUncovered(report: CoverageReport): string[] {
  const grouped = new Map<string, string[]>();
  for (const pair of report.uncovered) {
    const key = `${pair.policy} ${pair.criterion}`;
    grouped.set(key, [...(grouped.get(key) ?? []), STATUS_WORDS[pair.state]]);
  }
  return [...grouped].map(([criterion, states]) => `  ${criterion}: ${states.join(", ")}`);
}
