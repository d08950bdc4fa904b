// The closing summary of a batch run: how many cases and line items, the outcome of every line
// item, which criteria were not met (the reasons determinations give) and which facts were missing
// (the documentation pended items ask for). Workers count per chunk; the main thread adds up.

import type { Determination } from "@pol/runtime";

export interface Tally {
  /** Keyed by `rule/criterion` or by fact path; the label is shown beside the count. */
  [key: string]: { label: string; count: number };
}

export interface BatchSummary {
  lines: number;
  cases: number;
  items: number;
  badLines: number;
  outcomes: Record<string, number>;
  notMet: Tally;
  missing: Tally;
}

export function emptySummary(): BatchSummary {
  return { lines: 0, cases: 0, items: 0, badLines: 0, outcomes: {}, notMet: {}, missing: {} };
}

function bump(tally: Tally, key: string, label: string, by = 1): void {
  const entry = Object.hasOwn(tally, key) ? tally[key]! : undefined;
  if (entry) entry.count += by;
  else Object.defineProperty(tally, key, { value: { label, count: by }, enumerable: true, writable: true, configurable: true });
}

/** Count one determination. */
export function countDetermination(summary: BatchSummary, determination: Determination): void {
  summary.cases++;
  for (const item of determination.items) {
    summary.items++;
    summary.outcomes[item.outcome] = (Object.hasOwn(summary.outcomes, item.outcome) ? summary.outcomes[item.outcome]! : 0) + 1;
    for (const reason of item.reasons) bump(summary.notMet, `${reason.rule}/${reason.criterion}`, reason.description);
    for (const fact of item.missing) bump(summary.missing, fact.fact, fact.label);
  }
}

/** Add `part` (one chunk's counts) into `total`. */
export function addSummary(total: BatchSummary, part: BatchSummary): void {
  total.lines += part.lines;
  total.cases += part.cases;
  total.items += part.items;
  total.badLines += part.badLines;
  for (const [outcome, count] of Object.entries(part.outcomes)) {
    total.outcomes[outcome] = (Object.hasOwn(total.outcomes, outcome) ? total.outcomes[outcome]! : 0) + count;
  }
  for (const [key, entry] of Object.entries(part.notMet)) bump(total.notMet, key, entry.label, entry.count);
  for (const [key, entry] of Object.entries(part.missing)) bump(total.missing, key, entry.label, entry.count);
}

/** Outcomes in the order reviewers read them, then any other in name order. */
const OUTCOME_ORDER = [
  "approved",
  "denied",
  "pended",
  "not_covered",
  "not_separately_billable",
  "policy_not_in_effect",
  "no_applicable_policy",
];

/** The summary as JSON, with tallies sorted by count (largest first), then by key. */
export function summaryJson(summary: BatchSummary): unknown {
  const sorted = (tally: Tally) =>
    Object.entries(tally)
      .sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, { label, count }]) => ({ key, label, count }));
  const outcomes = Object.fromEntries(
    Object.entries(summary.outcomes).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1)),
  );
  return {
    lines: summary.lines,
    cases: summary.cases,
    items: summary.items,
    badLines: summary.badLines,
    outcomes,
    criteriaNotMet: sorted(summary.notMet).map(({ key, label, count }) => {
      const [rule, criterion] = splitCriterion(key);
      return { rule, criterion, description: label, count };
    }),
    missingFacts: sorted(summary.missing).map(({ key, label, count }) => ({ fact: key, label, count })),
  };
}

function rank(outcome: string): number {
  const index = OUTCOME_ORDER.indexOf(outcome);
  return index === -1 ? OUTCOME_ORDER.length : index;
}

function splitCriterion(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

const count = (n: number) => n.toLocaleString("en-US");
const share = (n: number, of: number) => (of === 0 ? "" : `${((100 * n) / of).toFixed(1)}%`);

/** The summary for people: a heading line, then outcomes, criteria not met and missing facts. */
export function renderSummary(summary: BatchSummary, seconds: number, jobs: number): string {
  const json = summaryJson(summary) as {
    outcomes: Record<string, number>;
    criteriaNotMet: { rule: string; criterion: string; description: string; count: number }[];
    missingFacts: { fact: string; label: string; count: number }[];
  };
  const rate = seconds > 0 ? `, ${count(Math.round(summary.cases / seconds))} cases/s` : "";
  const workers = `${jobs} worker${jobs === 1 ? "" : "s"}`;
  const bad = summary.badLines === 0 ? "no bad lines" : `${count(summary.badLines)} bad line${summary.badLines === 1 ? "" : "s"}`;
  const lines = [
    `${count(summary.cases)} case${summary.cases === 1 ? "" : "s"} (${count(summary.items)} line items) in ${seconds.toFixed(1)} s${rate} on ${workers}; ${bad}`,
  ];
  const table = (title: string, rows: [string, number][]) => {
    if (rows.length === 0) return;
    lines.push("", title);
    const width = Math.max(...rows.map(([name]) => name.length));
    const numbers = Math.max(...rows.map(([, n]) => count(n).length));
    for (const [name, n] of rows) lines.push(`  ${name.padEnd(width)}  ${count(n).padStart(numbers)}  ${share(n, summary.items).padStart(6)}`);
  };
  table("outcomes (line items):", Object.entries(json.outcomes));
  table(
    "criteria not met (line items):",
    json.criteriaNotMet.map((c) => [`${c.rule}/${c.criterion}: ${c.description}`, c.count]),
  );
  table(
    "missing facts (line items):",
    json.missingFacts.map((m) => [`${m.fact} (${m.label})`, m.count]),
  );
  return lines.join("\n") + "\n";
}
