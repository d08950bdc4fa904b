// The lowering's candidates (src/lower/candidates.ts): which aggregates over a list of the case
// may run over the elements whose code may be in a set. Only a conjunct `code in S` of the element
// (the chain's own, or a list's it narrows, to any depth) makes an element whose code is out of S
// a member of nothing; a negated test, a disjunction, a test of another record's code and the
// other line items do not.
import { describe, expect, it } from "vitest";
import { lower } from "../src/lower/lower.js";
import type { Expr, LoweredPolicy } from "../src/lower/ir.js";
import { checkPolicy } from "./checker-fixtures.js";

function lowered(body: string): LoweredPolicy {
  const result = checkPolicy(body);
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
      const without = entry?.without === undefined ? "" : ` not in ${policy.codeSets[entry.without]!.name}`;
      into.push(entry === undefined ? "-" : `${entry.field}.${entry.code} in ${policy.codeSets[entry.codeSet]!.name}${without}`);
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
codes blocks "nerve blocks" = cpt { 64400-64530 }
codes herpes "herpes zoster" = icd10 { B02.* }
let sij_history "prior SIJ injections" = procedures where code in sij_injection
let relieved "prior SIJ injections with relief" = sij_history where relief >= 75%
let left_relieved "relieved injections of the left side" = relieved where side == left
rule r "Rule" [R]
  for sij_injection
  require A [R.1] "through two lists" count left_relieved <= 3
  require B [R.2] "own conjunct, not first" some procedures where side == left and code in blocks
  require C [R.3] "negated" no procedures where not (code in sij_injection)
  require C2 [R.3] "negated, written as such" no procedures where code not in sij_injection
  require D [R.4] "in a disjunction" no procedures where code in sij_injection or side == left
  require E [R.5] "another list" no diagnoses where code in herpes
  require F [R.6] "the item's code, not the element's" count procedures where item.code in sij_injection <= 3
  require G [R.7] "other line items" no other_items where code in sij_injection
  require H [R.8] "and not" no procedures where code in blocks and code not in sij_injection
  require I [R.9] "and not, written with not" no procedures where code in blocks and not (code in sij_injection)
  require J [R.10] "not of the item's code" no procedures where code in blocks and item.code not in sij_injection
  require K [R.11] "not in a disjunction" no procedures where code in blocks and (code not in sij_injection or side == left)
  require L [R.12] "not through a list" no left_relieved where code not in blocks
`;

describe("candidates in the lowered form", () => {
  const policy = lowered(POLICY);

  it("mark the aggregates whose membership has the conjunct `code in S` of the element", () => {
    expect(marks(policy)).toEqual({
      A: ["procedures.code in sij_injection"],
      B: ["procedures.code in blocks"],
      C: ["-"],
      C2: ["-"],
      D: ["-"],
      E: ["diagnoses.code in herpes"],
      F: ["-"],
      G: ["-"],
      H: ["procedures.code in blocks not in sij_injection"],
      I: ["procedures.code in blocks not in sij_injection"],
      J: ["procedures.code in blocks"],
      K: ["procedures.code in blocks"],
      L: ["procedures.code in sij_injection not in blocks"],
    });
  });

  it("declare one per list, code field and set, named after the list whose own test it is", () => {
    expect(policy.candidates.map(({ field, code, codeSet, list }) => [field, code, policy.codeSets[codeSet]!.name, list === undefined ? "-" : policy.lists[list]!.name])).toEqual([
      ["procedures", "code", "sij_injection", "sij_history"],
      ["procedures", "code", "blocks", "-"],
      ["diagnoses", "code", "herpes", "-"],
      ["procedures", "code", "blocks", "-"],
      ["procedures", "code", "sij_injection", "sij_history"],
    ]);
  });
});
