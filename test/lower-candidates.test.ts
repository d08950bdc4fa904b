// The lowering's candidates (src/lower/candidates.ts): which aggregates over a list of the case
// may run over the elements whose code may be in a set. Only a conjunct `code in S` of the element
// (the chain's own, or a list's it narrows, to any depth) makes an element whose code is out of S
// a member of nothing; a negated test, a disjunction, a test of another record's code and the
// other line items do not.
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import { lower } from "../src/lower/lower.js";
import type { Expr, LoweredPolicy } from "../src/lower/ir.js";

const SCHEMA = `
schema spine "Spine test schema"

enum Side "side of the body" { left right bilateral }
enum Purpose "purpose of the request" { diagnostic therapeutic }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  side: Side "side treated"
  relief: percent "percent pain relief after the procedure"
  relief_duration: duration "how long the relief lasted"
  pain_before: number "pain score before the procedure"
  pain_after: number "pain score after the procedure"
  functional_improvement: bool "better function after the procedure"
  score_relief: percent = (pain_before - pain_after) / pain_before as percent
    "pain relief computed from the pain scores"
}

record Therapy "conservative therapy episode" dated by start to end {
  kind: text "kind of therapy"
  start: date "first day of the therapy"
  end: date "last day of the therapy"
}

record Diagnosis "diagnosis" dated by date {
  code: code "diagnosis code"
  date: date "date of the diagnosis"
}

case {
  pain_onset: date "date the pain began"
  pain_score: number "current pain score"
  severe_pain: bool = pain_score >= 7 "current pain score of 7 or more"
  procedures: list of Procedure "prior procedures"
  therapies: list of Therapy "conservative therapies"
  diagnoses: list of Diagnosis "diagnoses"
}

item {
  code: code "requested procedure code"
  purpose: Purpose "diagnostic or therapeutic purpose"
  side: Side "side to be treated"
}
`;

const HEADER = `
policy test.spine
  title "Spine test policy"
  payer "TestPlan"
  number "T-1"
  version "2025-01-01"
  effective 2020-01-01
  expires 2026-12-31

use "schema.pol"
`;

function lowered(body: string): LoweredPolicy {
  const files = new Map([["mem/schema.pol", SCHEMA]]);
  const result = checkSource(HEADER + body, "mem/policy.pol", { readFile: (path) => files.get(path) });
  if (result.diagnostics.some((d) => d.severity === "error") || !result.policy) {
    throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  }
  return lower(result.policy);
}

/** Each criterion's top-level aggregates (in a comparison or alone): the code set its candidates test, or "-". */
function marks(policy: LoweredPolicy): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const visit = (expr: Expr, into: string[]): void => {
    if (expr.kind === "aggregate") {
      const entry = expr.candidates === undefined ? undefined : policy.candidates[expr.candidates]!;
      into.push(entry === undefined ? "-" : `${entry.field}.${entry.code} in ${policy.codeSets[entry.codeSet]!.name}`);
      return;
    }
    if (expr.kind === "compare") [expr.left, expr.right].forEach((side) => visit(side, into));
    if (expr.kind === "junction") expr.operands.forEach((operand) => visit(operand, into));
    if (expr.kind === "not") visit(expr.operand, into);
  };
  for (const rule of policy.rules) for (const criterion of rule.criteria) if (criterion.condition) visit(criterion.condition, (out[criterion.id] = []));
  return out;
}

const POLICY = `
codes sij "sacroiliac joint injection" = cpt { 27096 64451 G0260 }
codes blocks "nerve blocks" = cpt { 64400-64530 }
codes herpes "herpes zoster" = icd10 { B02.* }
let sij_history "prior SIJ injections" = procedures where code in sij
let relieved "prior SIJ injections with relief" = sij_history where relief >= 75%
let left_relieved "relieved injections of the left side" = relieved where side == left
rule r "Rule" [R]
  for sij
  require A [R.1] "through two lists" count left_relieved <= 3
  require B [R.2] "own conjunct, not first" some procedures where side == left and code in blocks
  require C [R.3] "negated" no procedures where not (code in sij)
  require C2 [R.3] "negated, written as such" no procedures where code not in sij
  require D [R.4] "in a disjunction" no procedures where code in sij or side == left
  require E [R.5] "another list" no diagnoses where code in herpes
  require F [R.6] "the item's code, not the element's" count procedures where item.code in sij <= 3
  require G [R.7] "other line items" no other_items where code in sij
`;

describe("candidates in the lowered form", () => {
  const policy = lowered(POLICY);

  it("mark the aggregates whose membership has the conjunct `code in S` of the element", () => {
    expect(marks(policy)).toEqual({
      A: ["procedures.code in sij"],
      B: ["procedures.code in blocks"],
      C: ["-"],
      C2: ["-"],
      D: ["-"],
      E: ["diagnoses.code in herpes"],
      F: ["-"],
      G: ["-"],
    });
  });

  it("declare one per list, code field and set, named after the list whose own test it is", () => {
    expect(policy.candidates.map(({ field, code, codeSet, list }) => [field, code, policy.codeSets[codeSet]!.name, list === undefined ? "-" : policy.lists[list]!.name])).toEqual([
      ["procedures", "code", "sij", "sij_history"],
      ["procedures", "code", "blocks", "-"],
      ["diagnoses", "code", "herpes", "-"],
    ]);
  });
});
