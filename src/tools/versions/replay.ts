// `pol diff OLD NEW --cases history.ndjson`: past cases replayed under both versions with the batch
// evaluator (src/tools/batch, `pol eval` over NDJSON), and the line items whose outcome flips,
// grouped by outcome pair and by the criterion that decided them differently.

import { createReadStream, readFileSync } from "node:fs";
import type { CheckedPolicy } from "../../index.js";

/** What is kept of each line item's determination: enough to group a flip, no trace. */
interface ItemOutcome {
  outcome: string;
  reasons: string[];
  missing: string[];
}

/** One case's items, or null for a line that is not a valid case. */
type CaseOutcome = ItemOutcome[] | null;

export interface Flip {
  /** `line 12, item 1` */
  case: string;
  old: string;
  new: string;
  /** The criteria (`rule.criterion`) that are reasons in one version and not the other, and the
   *  facts asked for in one and not the other. */
  criteria: string[];
}

export interface ReplayReport {
  cases: number;
  items: number;
  /** Lines that are not a valid case under one version or both, by line number. */
  invalid: number[];
  flips: number;
  /** `approved -> denied`: how many, and which cases (at most `shown` listed). */
  byOutcome: { pair: string; count: number; cases: string[] }[];
  byCriterion: { criterion: string; count: number; cases: string[] }[];
  milliseconds: number;
}

const SHOWN = 20;

/** The outcomes of every line, in input order, from the batch evaluator's NDJSON output. */
async function outcomesOf(policy: CheckedPolicy, path: string, jobs: number | undefined): Promise<CaseOutcome[]> {
  const { evaluateBatch } = await import("../../index.js");
  const outcomes: CaseOutcome[] = [];
  let pending = "";
  const take = (line: string) => {
    if (line === "") return;
    const parsed = JSON.parse(line) as { items?: { outcome: string; reasons: { rule: string; criterion: string }[]; missing: { fact: string }[] }[] };
    outcomes.push(
      parsed.items === undefined
        ? null
        : parsed.items.map((item) => ({
            outcome: item.outcome,
            reasons: item.reasons.map((r) => `${r.rule}.${r.criterion}`),
            missing: item.missing.map((m) => m.fact),
          })),
    );
  };
  await evaluateBatch(
    policy,
    createReadStream(path),
    {
      write(text: string) {
        const parts = (pending + text).split("\n");
        pending = parts.pop() ?? "";
        parts.forEach(take);
        return true;
      },
      drained: async () => {},
    },
    // A proposed version is replayed as if in effect, as the semantic diff compares it.
    { asProposed: true, ...(jobs === undefined ? {} : { jobs }) },
  );
  take(pending);
  return outcomes;
}

/** The numbers of the non-blank lines, which the batch evaluator answers one for one. */
function caseLines(path: string): number[] {
  const lines: number[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text.trim() !== "") lines.push(i + 1);
    });
  return lines;
}

export async function replayCases(
  older: CheckedPolicy,
  newer: CheckedPolicy,
  path: string,
  options: { jobs?: number } = {},
): Promise<ReplayReport> {
  const started = Date.now();
  const before = await outcomesOf(older, path, options.jobs);
  const after = await outcomesOf(newer, path, options.jobs);
  const lines = caseLines(path);
  const byOutcome = new Map<string, { count: number; cases: string[] }>();
  const byCriterion = new Map<string, { count: number; cases: string[] }>();
  const add = (map: Map<string, { count: number; cases: string[] }>, key: string, id: string) => {
    let entry = map.get(key);
    if (entry === undefined) map.set(key, (entry = { count: 0, cases: [] }));
    entry.count++;
    if (entry.cases.length < SHOWN) entry.cases.push(id);
  };
  const invalid: number[] = [];
  let items = 0;
  let flips = 0;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    const line = lines[i] ?? i + 1;
    if (a === null || b === null || a === undefined || b === undefined) {
      invalid.push(line);
      continue;
    }
    a.forEach((itemA, index) => {
      const itemB = b[index];
      if (itemB === undefined) return;
      items++;
      if (itemA.outcome === itemB.outcome) return;
      flips++;
      const id = `line ${line}, item ${index}`;
      add(byOutcome, `${itemA.outcome} -> ${itemB.outcome}`, id);
      const changed = [
        ...itemA.reasons.filter((r) => !itemB.reasons.includes(r)),
        ...itemB.reasons.filter((r) => !itemA.reasons.includes(r)),
        ...itemA.missing.filter((m) => !itemB.missing.includes(m)).map((m) => `missing ${m}`),
        ...itemB.missing.filter((m) => !itemA.missing.includes(m)).map((m) => `missing ${m}`),
      ];
      for (const criterion of changed.length === 0 ? ["(which rules apply)"] : [...new Set(changed)]) add(byCriterion, criterion, id);
    });
  }
  const sorted = (map: Map<string, { count: number; cases: string[] }>) =>
    [...map.entries()].sort((x, y) => y[1].count - x[1].count || (x[0] < y[0] ? -1 : 1));
  return {
    cases: before.length,
    items,
    invalid,
    flips,
    byOutcome: sorted(byOutcome).map(([pair, entry]) => ({ pair, ...entry })),
    byCriterion: sorted(byCriterion).map(([criterion, entry]) => ({ criterion, ...entry })),
    milliseconds: Date.now() - started,
  };
}
