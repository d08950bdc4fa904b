// How a traced determination is put together: what it evaluates beyond the conditions and what
// its entries share. A pended item weighs its rules' criteria by their parts (relevance.ts), and
// relevance reads the parts of an unknown condition only: the parts of a known one are not
// evaluated for it. The trace entries of one determination share one empty list.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  and,
  type ConditionParts,
  type Context,
  type CriterionEffect,
  type CriterionSpec,
  determine,
  field,
  type Missing,
  not,
  or,
  type RuleSpec,
  type SchemaDescriptor,
  type Shape,
  type Tri,
  Unknown,
} from "@pol/runtime";
import { anyCode, conditionOf, policyNamed, schema, shapeArbitrary } from "./support/rule-tables.js";
import { runs } from "./support/runs.js";

const policy = policyNamed("assembly");
const input = { date_of_service: "2025-08-01", items: [{ code: "1" }] };

const missing = (...facts: string[]): Missing[] => facts.map((fact) => ({ fact, label: `the ${fact}` }));
/** Unknowns whose missing facts overlap, so that which are asked for, and in what order, shows. */
const UNKNOWNS = [new Unknown(missing("a", "b")), new Unknown(missing("b", "c")), new Unknown(missing("c")), new Unknown(missing("d"))];

const PARTS = 3;

const partsShape = shapeArbitrary(PARTS);

/** Mostly unknown, so that items pend and their rules are weighed. */
const truthArbitrary: fc.Arbitrary<Tri> = fc.oneof(fc.boolean(), fc.constantFrom(...UNKNOWNS), fc.constantFrom(...UNKNOWNS));

interface CriterionDraft {
  effect: CriterionEffect;
  shape: Shape;
  values: Tri[];
  /** Which criterion of the rule waives this one (a `waive` criterion), if any. */
  waivedBy: number | undefined;
}

const criterionArbitrary: fc.Arbitrary<CriterionDraft> = fc.record({
  effect: fc.constantFrom<CriterionEffect>("require", "require", "deny", "not_covered", "authorization", "note", "waive"),
  shape: partsShape,
  values: fc.array(truthArbitrary, { minLength: PARTS, maxLength: PARTS }),
  waivedBy: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
});

const tableArbitrary = fc.array(
  fc.record({
    when: truthArbitrary,
    criteria: fc.array(criterionArbitrary, { minLength: 1, maxLength: 4 }),
  }),
  { minLength: 1, maxLength: 3 },
);

/** A rule table as drawn: each rule's `when` and criteria. */
type Table = { when: Tri; criteria: CriterionDraft[] }[];

/**
 * The rule table, each criterion with parts that show nothing (keys shared across criteria, as a
 * let's test is); `stripKnown` leaves out the parts of the criteria whose condition is known.
 * `calls` counts, per criterion, how often its parts were evaluated.
 */
function rulesOf(table: Table, stripKnown: boolean, calls: Map<string, number>): RuleSpec[] {
  return table.map(({ when, criteria }, r) => {
    const specs = criteria.map((draft, c): CriterionSpec => {
      const id = `c${r}_${c}`;
      const condition = conditionOf(draft.shape, draft.values);
      const parts: ConditionParts = {
        shape: draft.shape,
        parts: Array.from({ length: PARTS }, (_, p) => ({
          key: `test ${(r + c + p) % 5}`,
        })),
        values: () => (calls.set(id, (calls.get(id) ?? 0) + 1), draft.values),
      };
      const waiver = draft.waivedBy === undefined ? undefined : criteria[draft.waivedBy];
      const waivable = waiver !== undefined && waiver.effect === "waive" && draft.effect !== "waive" && draft.effect !== "note";
      return {
        id,
        effect: draft.effect,
        citation: `C.${id}`,
        description: `criterion ${id}`,
        line: c + 1,
        condition: () => condition,
        ...(stripKnown && !(condition instanceof Unknown) ? {} : { parts }),
        ...(waivable
          ? {
              waivedBy: `c${r}_${draft.waivedBy}`,
              waiver: () => conditionOf(waiver.shape, waiver.values),
            }
          : {}),
      };
    });
    return {
      id: `r${r}`,
      title: `rule ${r}`,
      citation: `R.${r}`,
      codes: [anyCode],
      when: () => when,
      criteria: specs,
    };
  });
}

describe("a pended item's rules weighed", () => {
  it("give what relevance would give with every criterion's parts, evaluating only those of unknown conditions", () => {
    let pended = 0;
    fc.assert(
      fc.property(tableArbitrary, (table) => {
        const calls = new Map<string, number>();
        const traced = determine(policy, schema, rulesOf(table, false, calls), input);
        const untracedCalls = new Map<string, number>();
        determine(policy, schema, rulesOf(table, false, untracedCalls), input, { trace: false });
        // The model: relevance sees no parts of a known condition.
        const stripped = determine(policy, schema, rulesOf(table, true, new Map()), input);
        expect(JSON.stringify(traced)).toBe(JSON.stringify(stripped));
        const item = traced.items[0]!;
        if (item.outcome === "pended") pended++;
        // Parts evaluated, with the trace or without: once for an unknown condition of a pended
        // item; never otherwise (a criterion unknown through its waiver alone, in an item that
        // does not pend, or with a known condition).
        for (const entry of item.trace) {
          const rule = table[Number(entry.rule.slice(1))]!;
          const draft = rule.criteria[Number(entry.criterion.split("_")[1])]!;
          const unknown = conditionOf(draft.shape, draft.values) instanceof Unknown;
          const expected = unknown && item.outcome === "pended" ? 1 : 0;
          expect(calls.get(entry.criterion) ?? 0, entry.criterion).toBe(expected);
          expect(untracedCalls.get(entry.criterion) ?? 0, entry.criterion).toBe(expected);
        }
      }),
      { numRuns: runs(400) },
    );
    // The property is about pended items: most of the generated ones must be.
    expect(pended).toBeGreaterThan(runs(400) / 4);
  });
});

describe("the trace entries of a determination", () => {
  it("share one empty list within a determination of one line item, and none with the next", () => {
    const rules = rulesOf(
      [
        {
          when: true,
          criteria: [1, 2, 3].map(() => ({
            effect: "require" as const,
            shape: 0,
            values: [true, true, true],
            waivedBy: undefined,
          })),
        },
      ],
      false,
      new Map(),
    );
    const first = determine(policy, schema, rules, input).items[0]!;
    const second = determine(policy, schema, rules, input).items[0]!;
    expect(first.trace).toHaveLength(3);
    const empties = new Set(first.trace.flatMap((entry) => [entry.missing, entry.values]));
    expect(empties.size).toBe(1);
    expect([...empties][0]).toEqual([]);
    for (const entry of second.trace) {
      expect(entry.missing).not.toBe(first.trace[0]!.missing);
      expect(entry.values).not.toBe(first.trace[0]!.missing);
    }
  });
});

describe("the trace entries of a case of several line items", () => {
  const itemSchema: SchemaDescriptor = {
    records: {
      case: {
        label: "case",
        fields: {
          date_of_service: { type: "date", label: "date of service" },
          items: { type: { list: "item" }, label: "requested line items" },
          chronic: { type: "bool", label: "pain is chronic" },
        },
      },
      item: {
        label: "requested line item",
        fields: {
          code: { type: "code", label: "code" },
          flag: { type: "bool", label: "flag" },
        },
      },
    },
  };
  type Reads = "case" | "item" | "both" | "code";
  type Over = Reads | "count of case" | "count of item";
  const read = (record: "case" | "item") => (context: Context) =>
    (record === "case" ? field(context, "case", context.input, "chronic") : field(context, "item", context.item, "flag")) as Tri;
  /**
   * Criteria over the case's fact, the item's, both, or the item's code read as it is (no fact
   * recorded, as an earlier item's outcome is read): some entries are the same item after item,
   * some are not, and some list the same facts (none) but differ.
   */
  const criterionOver = (id: string, effect: CriterionEffect, over: Reads): CriterionSpec => ({
    id,
    effect,
    citation: `C.${id}`,
    description: `criterion ${id}`,
    line: 1,
    condition:
      over === "both"
        ? (context) => and(read("case")(context), read("item")(context))
        : over === "code"
          ? (context) => context.item.code === "1"
          : read(over),
  });
  /**
   * A criterion whose trace shows a value (`count <= 4`): 2 or 5 by the case's fact or the item's,
   * or what it waits for when that is unknown; the same item after item, or not.
   */
  const showing = (id: string, effect: CriterionEffect, record: "case" | "item"): CriterionSpec => {
    const count = (context: Context): number | Unknown => {
      const flag = read(record)(context);
      return flag instanceof Unknown ? flag : flag === true ? 2 : 5;
    };
    const atMost4 = (value: number | Unknown): Tri => (value instanceof Unknown ? value : value <= 4);
    return {
      id,
      effect,
      citation: `C.${id}`,
      description: `criterion ${id}`,
      line: 1,
      condition: (context) => atMost4(count(context)),
      parts: {
        shape: 0,
        parts: [{ key: `count ${record}`, shows: { expression: `count of ${record}`, operator: "<=", threshold: "4" } }],
        values: (context) => {
          const value = count(context);
          return [[atMost4(value), value, 4]];
        },
      },
    };
  };
  const flagArbitrary = fc.option(fc.boolean(), { nil: undefined });

  it("are one object for consecutive items exactly where they say the same, and each says what the item's own evaluation does", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom<CriterionEffect>("require", "deny", "note"),
            fc.constantFrom<Over>("case", "item", "both", "code", "count of case", "count of item"),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        flagArbitrary,
        fc.array(fc.tuple(flagArbitrary, fc.constantFrom("1", "2")), { minLength: 2, maxLength: 8 }),
        (drafts, chronic, flags) => {
          const rules: RuleSpec[] = [
            {
              id: "r",
              title: "rule",
              citation: "R",
              codes: [anyCode],
              criteria: drafts.map(([effect, over], i) =>
                over === "count of case" ? showing(`c${i}`, effect, "case") : over === "count of item" ? showing(`c${i}`, effect, "item") : criterionOver(`c${i}`, effect, over),
              ),
            },
          ];
          const items = flags.map(([flag, code]) => (flag === undefined ? { code } : { code, flag }));
          const base = {
            date_of_service: "2025-08-01",
            ...(chronic === undefined ? {} : { chronic }),
          };
          const determination = determine(policy, itemSchema, rules, {
            ...base,
            items,
          });
          determination.items.forEach((item, k) => {
            // The model: the item evaluated alone, its path moved to its place in the request.
            const alone = determine(policy, itemSchema, rules, {
              ...base,
              items: [items[k]],
            }).items[0]!;
            expect(JSON.stringify(item.trace)).toBe(JSON.stringify(alone.trace).replaceAll("items[0]", `items[${k}]`));
            if (k === 0) return;
            item.trace.forEach((entry, i) => {
              const previous = determination.items[k - 1]!.trace[i]!;
              // Shared exactly when it says the same and misses nothing (the facts are then one
              // array: see `listed`); the values shown, exactly when they are the same.
              const same = JSON.stringify(entry) === JSON.stringify(previous);
              expect(entry === previous).toBe(same && entry.missing.length === 0);
              expect(entry.values === previous.values).toBe(JSON.stringify(entry.values) === JSON.stringify(previous.values));
            });
          });
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
