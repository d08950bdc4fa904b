// The fixed cost of `decide` per case and per line item, cut without changing an answer: each
// fast path below must give exactly what the general path gives, for hostile input as well.
// - The rules' code sets answer for an item's code from a table kept with the rule table, across
//   cases: against an independent model of code-set membership and against `determine`.
// - A context reused from case to case (the entry points of a compiled module) reads each case's
//   date of service and line items once, and lets go of the case after it: the same outcomes as a
//   fresh evaluation, in any order of well-formed and malformed cases.
// - An elapsed time made by `since` or `between` is compared without checking its dates again:
//   the same as the same dates in an object made by hand, checked in full.
// - `windowBack` makes each window once per date of service: the same as making it again.
// - `fieldsOf` gives a record's handles in an object without a prototype, built so that it stays
//   in the engine's fast mode: every field, whatever its name, is an own handle, and nothing else.

import {
  CodeSet,
  compareElapsed,
  criterionStatus,
  decideOutcomes,
  determine,
  evaluators,
  between,
  fieldsOf,
  levelOf,
  perCase,
  perItem,
  read,
  Context,
  since,
  Unknown,
  windowBack,
  windowStart,
  type CalendarUnit,
  type CompareOperator,
  type CriterionEffect,
  type Outcome,
  type RuleSpec,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { property } from "./support/runs.js";
import { syntheticPolicy } from "./support/synthetic-policy.js";

const policy = syntheticPolicy("decide.fast", "Decide fast paths");

const schema: SchemaDescriptor = {
  records: {
    case: { label: "case", fields: {} },
    item: {
      label: "requested line item",
      fields: {
        code: { type: "code", label: "code" },
        flag: { type: "bool", label: "flag" },
      },
    },
  },
};

// Code sets of every kind: exact codes, a prefix (ICD-10 `B02.*`), a range, and a mix.
const exactSet = new CodeSet(["27096", "64451", "G0260"], [], []);
const prefixSet = new CodeSet([], ["B02"], []);
const rangeSet = new CodeSet(["64454"], [], [["62320", "62327"]]);
const mixedSet = new CodeSet(["M79.1"], ["M54"], [["Q9958", "Q9967"]]);

/** Code-set membership as docs/semantics.md states it, written apart from `CodeSet`: a string
 *  compared upper-cased, trimmed and without dots; a finite number as its decimal text. */
function modelHas(exact: string[], prefixes: string[], ranges: [string, string][], code: unknown): Tri | "unknown" {
  // An absent code, or a number that is not finite (malformed), is not known.
  if (code === null || code === undefined || code instanceof Unknown) return "unknown";
  if (typeof code === "number" && !Number.isFinite(code)) return "unknown";
  const text = typeof code === "string" ? code : typeof code === "number" ? String(code) : undefined;
  if (text === undefined) return false;
  const key = (t: string) => t.trim().split(".").join("").toUpperCase();
  const normal = key(text);
  if (exact.map(key).includes(normal)) return true;
  if (prefixes.map(key).some((p) => normal.startsWith(p))) return true;
  return ranges.some(([lo, hi]) => normal.length === key(lo).length && key(lo) <= normal && normal <= key(hi));
}

/** Whether a line item's code is in a set: unknown unless it is text that is not blank
 *  (docs/semantics.md, "Text"), as a case that skipped validation may hold anything there. */
function itemCodeIn(exact: string[], prefixes: string[], ranges: [string, string][], code: unknown): Tri | "unknown" {
  return typeof code === "string" && code.trim() !== "" ? modelHas(exact, prefixes, ranges, code) : "unknown";
}

const MODELS: [CodeSet, Parameters<typeof modelHas>[0], Parameters<typeof modelHas>[1], Parameters<typeof modelHas>[2]][] = [
  [exactSet, ["27096", "64451", "G0260"], [], []],
  [prefixSet, [], ["B02"], []],
  [rangeSet, ["64454"], [], [["62320", "62327"]]],
  [mixedSet, ["M79.1"], ["M54"], [["Q9958", "Q9967"]]],
];

/** Codes a line item may hold in a case that skipped validation. */
const hostileCode = fc.oneof(
  fc.constantFrom("27096", "64451", "g0260", " 64451 ", "B02.9", "b029", "B0", "62320", "62327", "62328", "6232", "M79.1", "m791", "M54.5"),
  fc.constantFrom("Q9958", "q9967", "Q9968", "", "   ", "\t", "\u00a0B02", "B02\u2028", "27096d", "6wk", "2025-01-01", "constructor"),
  fc.constantFrom(null, undefined, 27096, 64451.5, Number.NaN, Infinity, true, false, {}, [], ["27096"]),
  fc.string({ maxLength: 6 }),
);

/** A line item: its code absent or any of the above, its flag true, false or absent. */
const hostileItem = fc.oneof(
  fc.record({ code: hostileCode, flag: fc.constantFrom<unknown>(true, false, null, "yes") }, { requiredKeys: [] }),
  fc.constantFrom<unknown>(null, "27096", 7, []),
);

const hostileCase = fc.record(
  {
    // Mostly in effect, so that the rules are consulted.
    date_of_service: fc.oneof(
      { arbitrary: fc.constant<unknown>("2025-06-01"), weight: 4 },
      { arbitrary: fc.constantFrom<unknown>("2024-06-01", "2026-01-01", "2025-02-30", "", null, 20250601), weight: 1 },
    ),
    items: fc.oneof(fc.array(hostileItem, { maxLength: 4 }), fc.constantFrom<unknown>(null, {}, "items")),
  },
  { requiredKeys: [] },
);

/**
 * One rule per code set (with and without `when`, over the item's flag), each with criteria whose
 * conditions read the flag: the outcome follows from which rules apply. Built once, so the table
 * of code-set answers kept with it is shared by every case of a property.
 */
function ruleTable(effects: readonly CriterionEffect[]): RuleSpec[] {
  const flag = (context: { item: Record<string, unknown> }): Tri => {
    const value = context.item.flag;
    return value === true || value === false ? value : new Unknown([{ fact: "flag", label: "flag" }]);
  };
  return MODELS.flatMap(([set], s) => [
    {
      id: `r${s}`,
      title: `rule ${s}`,
      citation: "",
      codes: [set],
      criteria: [{ id: `r${s}c`, effect: effects[s % effects.length]!, citation: "", description: "", line: 1, condition: flag }],
    },
    {
      id: `r${s}w`,
      title: `rule ${s} when`,
      citation: "",
      codes: s === 0 ? [set, mixedSet] : [set],
      when: flag,
      criteria: [{ id: `r${s}wc`, effect: "require", citation: "", description: "", line: 2, condition: () => true }],
    },
  ]);
}

// First in the file, so that no valid date of service was seen before: an absent one must not
// pass for the one `since` remembers.
it("since without a date of service is malformed, before and after a valid one", () => {
  expect(compareElapsed(since("2025-01-01", undefined as unknown as string), ">=", 1, "d")).toBeInstanceOf(Unknown);
  expect(compareElapsed(since("2025-01-01", "2025-03-01"), ">=", 1, "d")).toBe(true);
  expect(compareElapsed(since("2025-01-01", undefined as unknown as string), ">=", 1, "d")).toBeInstanceOf(Unknown);
});

describe("decide: the rules' code sets answer from a table kept with the rule table", () => {
  const rules = ruleTable(["require", "deny", "not_covered", "authorization"]);

  it("applies exactly the rules whose code sets hold the item's code, as determine does", () => {
    fc.assert(
      fc.property(hostileCase, (input) => {
        const outcomes = decideOutcomes(policy, schema, rules, input as Record<string, unknown>);
        const determination = determine(policy, schema, rules, input as Record<string, unknown>, { trace: false });
        expect(outcomes).toEqual(determination.items.map((item) => item.outcome));
        // Where rules were consulted, the rules without `when` apply exactly by the model.
        for (const item of determination.items) {
          if (item.rules.length === 0) continue;
          const raw = Array.isArray(input.items) ? (input.items[item.index] as unknown) : undefined;
          const code = typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, "code") ? (raw as { code: unknown }).code : undefined;
          MODELS.forEach(([, exact, prefixes, ranges], s) => {
            const model = itemCodeIn(exact, prefixes, ranges, code);
            const applies = item.rules.find((rule) => rule.rule === `r${s}`)!.applies;
            expect(applies).toBe(model === "unknown" ? "unknown" : model ? "met" : "not_met");
          });
        }
      }),
      property("decide code sets against the model", 600),
    );
  });

  it("gives the same answers whatever codes earlier cases asked about", () => {
    // The same cases in two orders, each against a rule table of its own: answers kept from one
    // case never leak into another's.
    fc.assert(
      fc.property(fc.array(hostileCase, { minLength: 1, maxLength: 8 }), (cases) => {
        const first = ruleTable(["deny", "require"]);
        const second = ruleTable(["deny", "require"]);
        const forward = cases.map((input) => decideOutcomes(policy, schema, first, input as Record<string, unknown>));
        const backward = [...cases].reverse().map((input) => decideOutcomes(policy, schema, second, input as Record<string, unknown>));
        expect(forward).toEqual(backward.reverse());
      }),
      property("decide code sets in any order", 200),
    );
  });
});

describe("code sets", () => {
  it("hold exactly the codes the model holds, white space and letters of any script included", () => {
    // `CodeSet` takes a code that is already upper-case ASCII without dots or spaces as it is; any
    // other is normalised first. A no-break space or an accented letter must not pass as normal.
    const space = fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u2028", "\ufeff", "\u200b"), maxLength: 2 });
    const core = fc.oneof(
      fc.constantFrom("B02", "b02.9", "B02.", "M54", "m79.1", "M791", "Q9960", "q99.67", "62321", "64454", "é02", "B0é", "ßB02"),
      fc.string({ unit: fc.constantFrom(..."B02M5479.1bmqé".split("")), maxLength: 6 }),
    );
    fc.assert(
      fc.property(space, core, space, (before, code, after) => {
        const text = before + code + after;
        for (const [set, exact, prefixes, ranges] of MODELS) expect(set.has(text)).toBe(modelHas(exact, prefixes, ranges, text));
      }),
      property("decide code sets hold the model's codes", 2000),
    );
  });
});

describe("decide: a context reused from case to case", () => {
  it("gives what a fresh evaluation gives, case after case, well-formed or not", () => {
    const rules = ruleTable(["require", "bundle", "refer"]);
    const compiled = evaluators<Record<string, unknown>>(policy, schema, rules);
    const seen = new Set<Outcome>();
    fc.assert(
      fc.property(fc.array(hostileCase, { minLength: 1, maxLength: 6 }), (cases) => {
        for (const input of cases) {
          const fresh = determine(policy, schema, rules, input as Record<string, unknown>, { trace: false });
          const outcomes = compiled.decideTrusted(input as Record<string, unknown>);
          expect(outcomes).toEqual(fresh.items.map((item) => item.outcome));
          // The full determination from a reused context too, with and without the trace.
          expect(compiled.evaluateTrusted(input as Record<string, unknown>, { trace: false })).toEqual(fresh);
          expect(compiled.evaluateTrusted(input as Record<string, unknown>)).toEqual(
            determine(policy, schema, rules, input as Record<string, unknown>),
          );
          for (const outcome of outcomes) seen.add(outcome);
        }
      }),
      property("decide reused context", 300),
    );
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});

/** Dates an elapsed time may be made of in a case that skipped validation. */
const hostileDate = fc.oneof(
  fc
    .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`),
  fc.constantFrom<unknown>("2024-02-29", "2025-02-29", "2025-01-31", "0001-01-01", "9999-12-31", "2025-1-01", "", null, undefined, 20250101),
  fc.constant(new Unknown([{ fact: "d", label: "d" }])),
);
const operator = fc.constantFrom<CompareOperator>(">=", ">", "<=", "<", "==", "!=");
const unit = fc.constantFrom<CalendarUnit>("d", "wk", "mo", "y");

/** The same elapsed time in an object made by hand: `compareElapsed` checks its dates in full. */
function byHand(elapsed: unknown): unknown {
  return typeof elapsed === "object" && elapsed !== null && !(elapsed instanceof Unknown) ? { ...(elapsed as object) } : elapsed;
}

describe("decide: elapsed times made by since and between", () => {
  it("compare as the same dates checked in full", () => {
    fc.assert(
      fc.property(hostileDate, hostileDate, operator, fc.integer({ min: 0, max: 400 }), unit, (a, b, op, amount, u) => {
        for (const elapsed of [since(a, b as string), between(a, b)]) {
          expect(compareElapsed(elapsed, op, amount, u)).toEqual(compareElapsed(byHand(elapsed) as typeof elapsed, op, amount, u));
        }
      }),
      property("decide elapsed spans", 2000),
    );
  });

  it("in days, agree with the calendar's count of days", () => {
    // An oracle apart from the runtime's day numbers: JavaScript's own UTC calendar.
    const days = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 900 }), fc.integer({ min: 0, max: 900 }), (start, gap, amount) => {
        const iso = (n: number) => new Date(n * 86_400_000 + Date.UTC(1900, 0, 1)).toISOString().slice(0, 10);
        const [from, to] = [iso(start), iso(start + gap)];
        expect(compareElapsed(between(to, from), ">=", amount, "d")).toBe(days(to) - days(from) >= amount);
        expect(compareElapsed(since(from, to), "<", amount, "d")).toBe(days(to) - days(from) < amount);
      }),
      property("decide elapsed days oracle", 1000),
    );
  });
});

describe("decide: windows made once per date of service", () => {
  it("are the windows made afresh, whatever was asked before", () => {
    const request = fc.tuple(
      fc.oneof(hostileDate.filter((d): d is string => typeof d === "string"), fc.constantFrom("2025-03-31", "2024-02-29")),
      fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(1.5, -3, 2 ** 21)),
      fc.oneof(unit, fc.constant("fortnight" as CalendarUnit)),
    );
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 12 }), (requests) => {
        for (const [dos, amount, u] of requests) {
          const window = windowBack(dos, amount, u);
          expect(window).toEqual({ start: windowStart(dos, amount, u), end: dos });
          expect(Object.isFrozen(window)).toBe(true);
        }
      }),
      property("decide windows", 500),
    );
  });
});

describe("decide: field handles", () => {
  it("are every field of the record, own, whatever its name, and nothing else", () => {
    const name = fc.constantFrom<string>("__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "date", "code", "x");
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8 }), fc.array(fc.constantFrom<unknown>(true, "b02", null, 3), { minLength: 8, maxLength: 8 }), (names, values) => {
        const fields = Object.fromEntries(names.map((field) => [field, { type: "bool", label: `the ${field}` }]));
        const described = { records: { case: { label: "case", fields: {} }, Thing: { label: "thing", fields } } } as unknown as SchemaDescriptor;
        const handles = fieldsOf<Record<string, unknown>>(described, "Thing") as Record<string, unknown>;
        expect(Object.getPrototypeOf(handles)).toBe(null);
        expect(Object.keys(handles)).toEqual(names);
        for (const other of ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "date", "code", "x"]) {
          expect(Object.hasOwn(handles, other)).toBe(names.includes(other));
          if (!names.includes(other)) expect(handles[other]).toBeUndefined();
        }
        // Each reads its own field of a record, as its own property only.
        const record: Record<string, unknown> = Object.create(null);
        names.forEach((field, i) => Object.defineProperty(record, field, { value: values[i], enumerable: true }));
        const context = new Context(described, { items: [] }, false);
        names.forEach((field, i) => {
          const value = read(context, record, handles[field] as never);
          expect(value === true ? true : value instanceof Unknown ? "unknown" : value).toBe(values[i] === true ? true : "unknown");
        });
      }),
      property("decide field handles", 300),
    );
  });
});

describe("decide: the criteria of a level tried cheapest first, whatever their rule", () => {
  const unknown = new Unknown([{ fact: "x", label: "x" }]);
  const tri = fc.constantFrom<Tri>(true, false, unknown);
  const perItem = fc.tuple(tri, tri, tri);
  const criterion = fc.record({
    effect: fc.constantFrom<CriterionEffect>("require", "deny", "not_covered", "bundle", "authorization", "refer", "note", "waive", "approve"),
    cost: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    conditions: fc.option(perItem, { nil: undefined }),
    waiver: fc.option(perItem, { nil: undefined }),
  });
  const rule = fc.record({
    // The exact set answers true or false for a string code and unknown for an absent one.
    codes: fc.subarray([exactSet, prefixSet], { minLength: 1 }),
    when: fc.option(perItem, { nil: undefined }),
    criteria: fc.array(criterion, { maxLength: 5 }),
  });
  type Table = { codes: CodeSet[]; when?: Tri[]; criteria: { effect: CriterionEffect; cost?: number; conditions?: Tri[]; waiver?: Tri[] }[] }[];

  /** Rule specs whose applicability and conditions for item i are the i-th chosen values; each
   *  condition and waiver called writes its name into `calls`. */
  function specs(table: Table, calls: string[]): RuleSpec[] {
    return table.map((entry, r) => ({
      id: `r${r}`,
      title: `rule ${r}`,
      citation: "",
      codes: entry.codes,
      ...(entry.when === undefined ? {} : { when: (context: Context) => entry.when![context.itemIndex]! }),
      criteria: entry.criteria.map(({ effect, cost, conditions, waiver }, i) => {
        const id = `r${r}c${i}`;
        return {
          id,
          effect,
          citation: "",
          description: "",
          line: i + 1,
          ...(cost === undefined ? {} : { cost }),
          ...(conditions === undefined ? {} : { condition: (context: Context) => (calls.push(id), conditions[context.itemIndex]!) }),
          ...(waiver === undefined ? {} : { waivedBy: "w", waiver: (context: Context) => (calls.push(`${id} waiver`), waiver[context.itemIndex]!) }),
        };
      }),
    }));
  }

  const item = fc.record({ code: fc.constantFrom<unknown>("27096", "b02.1", "64451", "99999", null, undefined, 27096, {}) }, { requiredKeys: [] });
  const input = fc.record({
    date_of_service: fc.oneof({ arbitrary: fc.constant<unknown>("2025-06-01"), weight: 5 }, { arbitrary: fc.constantFrom<unknown>("2024-06-01", "2025-02-30"), weight: 1 }),
    items: fc.array(item, { minLength: 1, maxLength: 3 }),
  });

  it("decides every item as determine does, through a reused context, case after case", () => {
    const seen = new Set<Outcome>();
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 5 }), fc.array(input, { minLength: 1, maxLength: 4 }), (table, cases) => {
        const calls: string[] = [];
        const rules = specs(table, calls);
        const compiled = evaluators<Record<string, unknown>>(policy, schema, rules);
        for (const json of cases) {
          const expected = determine(policy, schema, rules, json, { trace: false }).items.map((i) => i.outcome);
          expect(compiled.decideTrusted(json)).toEqual(expected);
          expect(decideOutcomes(policy, schema, rules, json)).toEqual(expected);
          for (const outcome of expected) seen.add(outcome);
        }
      }),
      property("decide cheapest first against determine", 1500),
    );
    expect(seen.size).toBeGreaterThanOrEqual(7);
  });

  it("tries a level's criteria of applying rules by cost, stopping at the first not met", () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 5 }), (table) => {
        const calls: string[] = [];
        const rules = specs(table, calls);
        const json = { date_of_service: "2025-06-01", items: [{ code: "27096" }] };
        calls.length = 0;
        decideOutcomes(policy, schema, rules, json);
        // The criteria whose conditions were called, in order: within a level, of the rules that
        // surely apply, never a costlier one before a cheaper one, and none after one not met.
        const byId = new Map(rules.flatMap((spec, r) => spec.criteria.map((c, i) => [c.id, { ...table[r]!.criteria[i]!, rule: r }] as const)));
        const applies = (r: number) => exactSet.has("27096") === true && table[r]!.codes.includes(exactSet) && (table[r]!.when?.[0] ?? true) === true;
        let last: { level: number; cost: number } | undefined;
        for (const call of calls.filter((c) => !c.endsWith("waiver"))) {
          const criterion = byId.get(call)!;
          if (!applies(criterion.rule)) continue;
          const level = levelOf(criterion.effect);
          const cost = criterion.cost ?? 0;
          if (last !== undefined && last.level === level) expect(cost).toBeGreaterThanOrEqual(last.cost);
          last = { level, cost };
          // Not met, and not waived: the outcome is this level's, and nothing more is tried.
          const status = criterionStatus(criterion.effect, criterion.conditions?.[0]);
          const stops = status === "not_met" && (criterion.waiver === undefined || criterion.waiver[0] === false);
          if (stops) expect(call).toBe(calls.filter((c) => !c.endsWith("waiver")).at(-1));
        }
      }),
      property("decide cheapest first order", 1000),
    );
  });

  it("lets a cheap criterion of a later rule deny before a costly one of an earlier rule runs", () => {
    const calls: string[] = [];
    const rules = specs(
      [
        { codes: [exactSet], criteria: [{ effect: "require", cost: 2, conditions: [true, true, true] }] },
        { codes: [exactSet], criteria: [{ effect: "deny", conditions: [true, true, true] }] },
      ],
      calls,
    );
    expect(decideOutcomes(policy, schema, rules, { date_of_service: "2025-06-01", items: [{ code: "27096" }] })).toEqual(["denied"]);
    expect(calls).toEqual(["r1c0"]);
  });
});

describe("decide: lets cached per case and per line item in a reused context", () => {
  it("are worked out again for every case and item, never taken from an earlier one", () => {
    const truth = (value: unknown): Tri => (value === true || value === false ? value : new Unknown([{ fact: "flag", label: "flag" }]));
    const ofCase = perCase(0, (context) => truth(context.input.flag));
    const ofItem = perItem(0, (context) => truth(context.item.flag));
    const rules: RuleSpec[] = [
      {
        id: "lets",
        title: "lets",
        citation: "",
        codes: [exactSet],
        criteria: [
          { id: "case", effect: "require", citation: "", description: "", line: 1, condition: ofCase },
          { id: "item", effect: "deny", citation: "", description: "", line: 2, condition: ofItem, cost: 1 },
        ],
      },
    ];
    const compiled = evaluators<Record<string, unknown>>(policy, schema, rules);
    const flag = fc.constantFrom<unknown>(true, false, null);
    const json = fc.record({
      date_of_service: fc.constant("2025-06-01"),
      flag,
      items: fc.array(fc.record({ code: fc.constantFrom("27096", "64451"), flag }), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 6 }), (cases) => {
        for (const input of cases) {
          // The model: the case's flag is required, an item's flag denies it; an absent one pends.
          const expected = input.items.map(({ flag: own }): Outcome => {
            if (input.flag === false || own === true) return "denied";
            return input.flag === null || own === null ? "pended" : "approved";
          });
          expect(compiled.decideTrusted(input)).toEqual(expected);
          expect(compiled.evaluateTrusted(input, { trace: false }).items.map((i) => i.outcome)).toEqual(expected);
          expect(determine(policy, schema, rules, input, { trace: false }).items.map((i) => i.outcome)).toEqual(expected);
        }
      }),
      property("decide lets in a reused context", 500),
    );
  });
});

describe("decide: an item's code that is text read as it is", () => {
  it("is the code every rule's sets test, as the traced evaluation reads it, whatever the schema says of `code`", () => {
    // The item's `code` as the schema declares it, and as a hand-made descriptor might: a date or
    // a duration, which `field` checks and converts; and a date field named `code` elsewhere.
    const itemCode = (type: string, visit: boolean): SchemaDescriptor => ({
      records: {
        case: { label: "case", fields: {} },
        item: { label: "requested line item", fields: { code: { type, label: "code" } as never, flag: { type: "bool", label: "flag" } } },
        ...(visit ? { visit: { label: "visit", fields: { code: { type: "date", label: "visit date" } } } } : {}),
      },
    });
    const schemas = [schema, itemCode("code", true), itemCode("date", false), itemCode("duration", false)];
    const unknownItem = Object.assign(new Unknown([{ fact: "items[0]", label: "item" }]), { code: "27096", flag: true });
    const item = fc.oneof(
      { arbitrary: hostileItem, weight: 4 },
      { arbitrary: fc.constantFrom<unknown>({ code: "27096d" }, { code: "6wk" }, { code: "2025-01-01" }, { code: "64451k" }, unknownItem), weight: 1 },
    );
    const rules = ruleTable(["require", "deny", "not_covered"]);
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.array(item, { minLength: 1, maxLength: 3 }), (described, items) => {
        const input = { date_of_service: "2025-06-01", items };
        const traced = determine(policy, described, rules, input).items.map((i) => i.outcome);
        expect(decideOutcomes(policy, described, rules, input)).toEqual(traced);
        expect(determine(policy, described, rules, input, { trace: false }).items.map((i) => i.outcome)).toEqual(traced);
      }),
      property("decide item code as written", 1000),
    );
  });
});
