// With the trace, a criterion whose parts show values is evaluated once, through its parts: the
// condition's value is derived from the parts' values (Kleene's `and`/`or`/`not` over the shape),
// not worked out again. These tests hold the derived value to the condition's own, unknowns and
// the order of their missing facts included, and check that the condition is not run twice.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  and,
  andAll,
  CodeSet,
  type ConditionParts,
  Context,
  ItemReads,
  determine,
  field,
  MAX_FACTS,
  type Missing,
  not,
  or,
  orAll,
  type Part,
  type PolicyInfo,
  type RuleSpec,
  type SchemaDescriptor,
  type Shape,
  type Tri,
  Unknown,
} from "@pol/runtime";
import { runs } from "./support/runs.js";

const dateOfService = { type: "date", label: "date of service" } as const;
const schema: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: dateOfService,
        items: { type: { list: "item" }, label: "requested line items" },
        chronic: { type: "bool", label: "pain is chronic" },
        relief: { type: "percent", label: "percent pain relief" },
        procedures: { type: { list: "procedure" }, label: "procedures" },
      },
    },
    item: { label: "requested line item", fields: { code: { type: "code", label: "code" } } },
    procedure: { label: "procedure", fields: { date: { type: "date", label: "date" } } },
  },
};

const policy: PolicyInfo = {
  id: "test.parts",
  title: "parts",
  payer: "test",
  number: "1",
  version: "1",
  effective: "2025-01-01",
  source: "test.pol",
  sourceHash: "0",
};

const anyCode = new CodeSet([], [""], []);
const input = { date_of_service: "2025-08-01", items: [{ code: "1" }], chronic: true, relief: 80 };

const missing = (...facts: string[]): Missing[] => facts.map((fact) => ({ fact, label: fact }));
/** Unknowns whose missing facts overlap, so that the order they merge in shows. */
const UNKNOWNS = [new Unknown(missing("a", "b")), new Unknown(missing("b", "c")), new Unknown(missing("c")), new Unknown(missing("d", "a"))];

/** A part's value: what a test gives (a part that shows: `[truth, left, right]`). */
type PartValue = boolean | null | Unknown | readonly [Tri, unknown, unknown];

/** The condition as a generated module writes it: `and`/`or` of up to six operands, `andAll`/`orAll` past that. */
function conditionOf(shape: Shape, values: readonly PartValue[]): Tri {
  if (typeof shape === "number") {
    const value = values[shape];
    return (Array.isArray(value) ? value[0] : value) as Tri;
  }
  if (shape[0] === "not") return not(conditionOf(shape[1] as Shape, values));
  const operands = (shape.slice(1) as Shape[]).map((operand) => conditionOf(operand, values));
  if (shape[0] === "and") return operands.length <= 6 ? and(...operands) : andAll(operands);
  return operands.length <= 6 ? or(...operands) : orAll(operands);
}

const PARTS = 4;

const shapeArbitrary: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: 0, max: PARTS - 1 }),
    fc.tuple(fc.constantFrom("and" as const, "or" as const), fc.array(tie("shape"), { minLength: 1, maxLength: 8 })).map(
      ([operator, operands]) => [operator, ...operands] as Shape,
    ),
    tie("shape").map((operand) => ["not", operand] as Shape),
  ),
})).shape;

const truthArbitrary: fc.Arbitrary<Tri> = fc.oneof(fc.boolean(), fc.constantFrom(...UNKNOWNS));
const valueArbitrary: fc.Arbitrary<PartValue> = fc.oneof(fc.boolean(), fc.constant(null), fc.constantFrom(...UNKNOWNS));

/** The first part shows its value, so the trace evaluates the parts; the others are plain tests. */
const PART_LIST: readonly Part[] = [
  { key: "t0", shows: { expression: "relief", operator: ">=", threshold: "75" } },
  ...Array.from({ length: PARTS - 1 }, (_, i) => ({ key: `t${i + 1}` })),
];

interface Calls {
  condition: number;
  parts: number;
}

/** A rule that applies to every item, with one criterion `c`. */
function oneCriterion(effect: "require" | "deny", condition: (context: Context) => Tri, parts: ConditionParts): RuleSpec {
  return { id: "r", title: "rule", citation: "1", codes: [anyCode], criteria: [{ id: "c", effect, citation: "1", description: "criterion", line: 1, condition, parts }] };
}

/** A rule with one criterion over the given parts; counts how often its condition and parts run. */
function ruleWith(effect: "require" | "deny", shape: Shape, values: (context: Context) => PartValue[], calls: Calls): RuleSpec {
  const condition = (context: Context): Tri => (calls.condition++, conditionOf(shape, values(context)));
  return oneCriterion(effect, condition, { shape, parts: PART_LIST, values: (context) => (calls.parts++, values(context)) });
}

describe("a criterion's condition derived from its parts with the trace", () => {
  it("is the condition's own value, unknowns and their missing facts in order included", () => {
    fc.assert(
      fc.property(
        shapeArbitrary,
        truthArbitrary,
        fc.array(valueArbitrary, { minLength: PARTS - 1, maxLength: PARTS - 1 }),
        fc.constantFrom("require" as const, "deny" as const),
        (shape, shownTruth, rest, effect) => {
          const values = (): PartValue[] => [[shownTruth, 80, 75], ...rest];
          const traced: Calls = { condition: 0, parts: 0 };
          const plain: Calls = { condition: 0, parts: 0 };
          const [withTrace] = determine(policy, schema, [ruleWith(effect, shape, values, traced)], input).items;
          const [without] = determine(policy, schema, [ruleWith(effect, shape, values, plain)], input, { trace: false }).items;
          const entry = withTrace!.trace[0]!;
          // The condition itself, as the determination without the trace works it out.
          const condition = conditionOf(shape, values());
          const unknown = condition instanceof Unknown ? condition.missing : [];
          expect(entry.status).toBe(condition instanceof Unknown ? "unknown" : (condition === true) === (effect === "require") ? "met" : "not_met");
          expect(entry.missing).toEqual(unknown);
          expect(withTrace!.outcome).toBe(without!.outcome);
          expect(withTrace!.missing).toEqual(without!.missing);
          // Evaluated once: through the parts with the trace, through the condition without it.
          expect(traced).toEqual({ condition: 0, parts: 1 });
          expect(plain.condition).toBe(1);
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it("lists the facts the parts read, in order, and shows their values", () => {
    const calls: Calls = { condition: 0, parts: 0 };
    const values = (context: Context): PartValue[] => {
      const relief = field(context, "case", context.input, "relief") as number;
      const chronic = field(context, "case", context.input, "chronic") as boolean;
      return [[relief >= 75, relief, 75], chronic, true, false];
    };
    const [item] = determine(policy, schema, [ruleWith("require", ["and", 0, 1], values, calls)], input).items;
    const entry = item!.trace[0]!;
    expect(entry.status).toBe("met");
    expect(entry.facts).toEqual([
      { fact: "relief", value: 80 },
      { fact: "chronic", value: true },
    ]);
    expect(entry.values).toEqual([{ expression: "relief", value: 80, operator: ">=", threshold: "75", holds: true }]);
    expect(calls).toEqual({ condition: 0, parts: 1 });
  });

  it("runs the condition of a criterion whose parts show nothing, and its parts only when it is unknown", () => {
    const quiet: ConditionParts = { shape: ["and", 0, 1], parts: [{ key: "a" }, { key: "b" }], values: () => [true, true] };
    const calls: Calls = { condition: 0, parts: 0 };
    const rule = (value: Tri): RuleSpec =>
      oneCriterion("require", () => (calls.condition++, value), { ...quiet, values: (context) => (calls.parts++, quiet.values(context)) });
    determine(policy, schema, [rule(true)], input);
    expect(calls).toEqual({ condition: 1, parts: 0 });
    determine(policy, schema, [rule(UNKNOWNS[0]!)], input);
    expect(calls).toEqual({ condition: 2, parts: 1 });
  });

  it("shows each comparison as its part says, the JSON's properties in order", () => {
    const parts: ConditionParts = {
      shape: ["or", 0, ["not", 1], 2, 3, 4],
      parts: [
        { key: "a", shows: { expression: "time since onset", operator: ">=", threshold: "4wk", unit: "days", elapsed: true, required: true } },
        { key: "b", shows: { expression: "relief", operator: "<", negated: true, threshold: "75%", unit: "%" } },
        { key: "c", shows: { expression: "severity", operator: ">=", threshold: "limit", computedThreshold: true, members: ["mild", "moderate", "severe"] } },
        { key: "d", shows: { expression: "count", operator: "<=", threshold: "3" } },
        { key: "e" },
      ],
      values: () => [
        [true, { from: "2025-07-01", to: "2025-08-01" }],
        [true, 80, 75],
        [UNKNOWNS[2]!, 2, UNKNOWNS[2]!],
        [false, { lo: 2, hi: Infinity, unknown: UNKNOWNS[0]! }, 3],
        false,
      ],
    };
    const rule = oneCriterion("require", () => false, parts);
    const [item] = determine(policy, schema, [rule], input).items;
    expect(JSON.stringify(item!.trace[0]!.values)).toBe(
      JSON.stringify([
        { expression: "time since onset", value: 31, operator: ">=", threshold: "4wk", holds: true, from: "2025-07-01", to: "2025-08-01", unit: "days", required: true },
        { expression: "relief", value: 80, operator: "<", threshold: "75%", holds: false, unit: "%" },
        { expression: "severity", value: "severe", operator: ">=", threshold: "limit", holds: "unknown", thresholdValue: { missing: ["c"] } },
        { expression: "count", value: { min: 2, max: null }, operator: "<=", threshold: "3", holds: false },
      ]),
    );
  });
});

describe("replaying kept reads into a criterion's log", () => {
  /** A tracing context over `n` procedures, each procedure's read of its date kept on its own. */
  function kept(n: number) {
    const procedures = Array.from({ length: n }, (_, i) => ({ date: `2025-01-${String((i % 28) + 1).padStart(2, "0")}` }));
    const context = new Context(schema, { ...input, procedures }, true);
    context.beginReads();
    const reads = new ItemReads();
    for (const procedure of procedures) context.withReadsKept((record, c) => field(c, "procedure", record, "date"), procedure, reads);
    return { context, reads };
  }

  it("says it is truncated only when a read is left out, however often the same reads are replayed", () => {
    for (const n of [MAX_FACTS, MAX_FACTS + 1]) {
      const { context, reads } = kept(n);
      for (let pass = 0; pass < 2; pass++) {
        // A full log goes on while it has left nothing out (the next reads may be listed already),
        // and stops once it has: the 201st read, or at once on a second pass over 201.
        const leftOut = pass === 1 && n > MAX_FACTS;
        for (let i = 0; i < n; i++) {
          const goesOn = context.replayKept(reads, i);
          expect(goesOn, `${n} reads, pass ${pass}, read ${i}`).toBe(!leftOut && i < MAX_FACTS);
          if (!goesOn) break;
        }
      }
      const facts = context.endReads();
      expect(facts.map((fact) => fact.fact)).toEqual(Array.from({ length: MAX_FACTS }, (_, i) => `procedures[${i}].date`));
      expect(context.readsTruncated).toBe(n > MAX_FACTS);
    }
  });
});
