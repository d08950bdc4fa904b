// A criterion whose first operands settle it without a pass over a list (`settledBy` of the
// lowered form: `item.side == right or some procedures where ...`) returns when they do, and a
// membership of three tests or more over a list of the case returns false once all but its last
// leave the element out, unless a trace records reads. The lowering marks exactly those
// junctions; the generated functions give the Kleene value of the whole junction (checked against
// truth tables of the operands worked out here), and with a trace they still read what the eager
// junction reads.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { lower } from "../src/lower/lower.js";
import type { LoweredPolicy } from "../src/lower/ir.js";
import type { CheckedPolicy } from "../src/model.js";
import { checkPolicy } from "./checker-fixtures.js";
import { loadCompiled, type CompiledEvaluator } from "./support/compiled.js";
import { runs } from "./support/runs.js";

function checked(body: string): CheckedPolicy {
  const result = checkPolicy(body);
  if (result.diagnostics.some((d) => d.severity === "error") || !result.policy) {
    throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  }
  return result.policy;
}

const MARKS = `
rule r "Rule" [R]
  for sij_injection
  require A [R.1] "one fact first" item.side == right or some procedures where side == left
  require B [R.2] "two facts first, nested" (item.side == right or item.purpose == diagnostic) or count procedures <= 2
  require C [R.3] "and" item.side != left and no procedures where side == right
  require D [R.4] "the list first" some procedures where side == left or item.side == right
  require E [R.5] "no list" item.side == right or item.purpose == diagnostic
  require F [R.6] "a list alone" count procedures <= 2
  require G [R.7] "not a junction" not (item.side == right or some procedures where side == left)
`;

describe("the lowering's settledBy", () => {
  it("marks a junction whose first operands pass over no list and a later one does", () => {
    const policy: LoweredPolicy = lower(checked(MARKS));
    const marks = Object.fromEntries(policy.rules[0]!.criteria.map((criterion) => [criterion.id, criterion.settledBy ?? "-"]));
    expect(marks).toEqual({ A: 1, B: 2, C: 1, D: "-", E: "-", F: "-", G: "-" });
  });
});

// Each criterion in a rule of its own, for its own code, so that an item's outcome is that
// criterion's status alone.
const POLICY = `
codes or_code "or" = cpt { 27096 }
codes and_code "and" = cpt { 64451 }
rule settled_by_true "Or" [R.1]
  for or_code
  require A [R.1] "the side settles it" item.side == right or some procedures where side == left
rule settled_by_false "And" [R.2]
  for and_code
  require B [R.2] "the side settles it" item.side != left and no procedures where side == right
codes list_code "list" = cpt { G0260 }
rule membership "Membership" [R.3]
  for list_code
  require C [R.3] "all but the last test settle an element" no procedures where side == left and relief >= 50% and relief_duration >= 2wk
`;

type Tri = boolean | "unknown";
const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === "unknown" || b === "unknown" ? "unknown" : false);
const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === "unknown" || b === "unknown" ? "unknown" : true);
const not = (a: Tri): Tri => (a === "unknown" ? a : !a);
/** `x == value` of an enum field that may be absent. */
const equals = (side: string | undefined, value: string): Tri => (side === undefined ? "unknown" : side === value);
/** `some procedures where side == value`. */
const someSide = (sides: (string | undefined)[], value: string): Tri =>
  sides.reduce<Tri>((found, side) => or(found, equals(side, value)), false);
const outcomeOf = (condition: Tri) => (condition === true ? "approved" : condition === false ? "denied" : "pended");

const side = fc.option(fc.constantFrom("left", "right", "bilateral"), { nil: undefined });
const caseOf = (code: string, itemSide: string | undefined, sides: (string | undefined)[]) => ({
  date_of_service: "2025-08-01",
  items: [{ code, purpose: "therapeutic", ...(itemSide === undefined ? {} : { side: itemSide }) }],
  procedures: sides.map((s, i) => ({ code: "27096", date: `2025-0${(i % 7) + 1}-01`, ...(s === undefined ? {} : { side: s }) })),
});

/** A prior procedure of the membership test: its side, relief (%) and relief duration (weeks), each possibly absent. */
interface Prior {
  side: string | undefined;
  relief: number | undefined;
  weeks: number | undefined;
}
const prior = fc.record({
  side,
  relief: fc.option(fc.constantFrom(30, 50, 80), { nil: undefined }),
  weeks: fc.option(fc.constantFrom(1, 2, 6), { nil: undefined }),
});
const known = <T>(value: T | undefined, test: (value: T) => boolean): Tri => (value === undefined ? "unknown" : test(value));
const priorsCase = (priors: Prior[]) => ({
  date_of_service: "2025-08-01",
  items: [{ code: "G0260", purpose: "therapeutic", side: "left" }],
  procedures: priors.map((p, i) => ({
    code: "27096",
    date: `2025-0${(i % 7) + 1}-01`,
    ...(p.side === undefined ? {} : { side: p.side }),
    ...(p.relief === undefined ? {} : { relief: p.relief }),
    ...(p.weeks === undefined ? {} : { relief_duration: `${p.weeks}wk` }),
  })),
});

describe("a criterion settled by its first operands", () => {
  let compiled: CompiledEvaluator;
  beforeAll(async () => {
    compiled = await loadCompiled(checked(POLICY));
  });

  it("has the Kleene value of the whole junction, with and without a trace", () => {
    fc.assert(
      fc.property(fc.boolean(), side, fc.array(side, { maxLength: 5 }), (isOr, itemSide, sides) => {
        const expected = isOr
          ? or(equals(itemSide, "right"), someSide(sides, "left"))
          : and(not(equals(itemSide, "left")), not(someSide(sides, "right")));
        const input = caseOf(isOr ? "27096" : "64451", itemSide, sides);
        expect(compiled.decide(input)[0]).toBe(outcomeOf(expected));
        for (const trace of [false, true]) expect(compiled.evaluate(input, { trace }).items[0]!.outcome).toBe(outcomeOf(expected));
      }),
      { numRuns: runs(300), endOnFailure: true },
    );
  });

  it("a membership has the Kleene value of all its tests, with and without a trace", () => {
    fc.assert(
      fc.property(fc.array(prior, { maxLength: 5 }), (priors) => {
        const member = (p: Prior): Tri =>
          and(and(equals(p.side, "left"), known(p.relief, (r) => r >= 50)), known(p.weeks, (w) => w >= 2));
        const expected = not(priors.reduce<Tri>((found, p) => or(found, member(p)), false));
        const input = priorsCase(priors);
        expect(compiled.decide(input)[0]).toBe(outcomeOf(expected));
        for (const trace of [false, true]) expect(compiled.evaluate(input, { trace }).items[0]!.outcome).toBe(outcomeOf(expected));
      }),
      { numRuns: runs(300), endOnFailure: true },
    );
  });

  it("reads every test of a membership with a trace even when the first ones leave the element out", () => {
    const determination = compiled.evaluate(priorsCase([{ side: "right", relief: 80, weeks: 6 }]), { trace: true });
    const criterion = determination.items[0]!.trace.find((c) => c.criterion === "C")!;
    expect(criterion.facts.map((fact) => fact.fact)).toEqual([
      "procedures",
      "procedures[0].side",
      "procedures[0].relief",
      "procedures[0].relief_duration",
    ]);
  });

  it("reads the list with a trace even when the first operand settles the junction", () => {
    for (const [code, itemSide] of [["27096", "right"], ["64451", "left"]] as const) {
      const determination = compiled.evaluate(caseOf(code, itemSide, ["bilateral", undefined]), { trace: true });
      const criterion = determination.items[0]!.trace.find((c) => c.criterion === (code === "27096" ? "A" : "B"))!;
      expect(criterion.facts.map((fact) => fact.fact)).toEqual(["items[0].side", "procedures", "procedures[0].side", "procedures[1].side"]);
    }
  });
});
