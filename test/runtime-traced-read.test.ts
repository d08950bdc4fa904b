// With a trace, every read of a case's field is numbered as a fact of the case (its record found
// through the last two records read, then among the case's first records, then in a table) and
// listed by each criterion that reads it, once, in the order read. The read each handle of
// `fieldsOf` has for its field's shape (`Procedure.code.read(c, procedure)`, what generated code
// calls) must give and record what the full read gives and records (a handle made by hand,
// without the read `fieldsOf` works out, reads in full), and both must list what an independent
// model lists, for every value a field may hold in a case that skipped validation and for records
// that are none, unknown or not objects, in reads interleaved across records and fields as
// criteria make them, with lets' logs nested inside a criterion's, in a context reused from a case
// that read some of the same record objects.

import { Context, fieldsOf, read, Unknown, type FieldHandle, type Row, type SchemaDescriptor } from "@pol/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { property } from "./support/runs.js";

/** A visit's fields, one of every shape (`missing` is also the own field of every Unknown), by type. */
const TYPES = {
  note: "text",
  done: "bool",
  date: "date",
  side: { enum: ["left", "right", "bilateral"] },
  code: "code",
  relief: "percent",
  score: "number",
  level: "duration",
  constructor: "code",
  missing: "text",
} as const;

const FIELDS = Object.keys(TYPES) as (keyof typeof TYPES)[];

const schema = {
  records: {
    Visit: { label: "visit", fields: Object.fromEntries(FIELDS.map((name) => [name, { type: TYPES[name], label: name }])) },
    case: {
      label: "case",
      fields: {
        visits: { type: { list: "Visit" }, label: "visits" },
        others: { type: { list: "Visit" }, label: "other visits" },
        flag: { type: "bool", label: "flag" },
      },
    },
  },
} as unknown as SchemaDescriptor;

const Visit = fieldsOf<Record<string, unknown>>(schema, "Visit");
const Case = fieldsOf<Record<string, unknown>>(schema, "case");


/** The full read of a field: a handle without the check and the read `fieldsOf` works out. */
function byHand(handle: FieldHandle): FieldHandle {
  const { check: _check, read: _read, ...rest } = handle as FieldHandle & { read?: unknown };
  return rest as FieldHandle;
}

const fullVisit = Object.fromEntries(FIELDS.map((name) => [name, byHand(Visit[name]!)]));
const fullFlag = byHand(Case.flag!);

/** Values a field may hold in a case that skipped validation: well formed for some shape, malformed for others. */
const fieldValue = fc.oneof(
  fc.constantFrom<unknown>(
    "2025-02-28", "2024-02-29", "2025-02-29", "2025-13-01", "20250101",
    "left", "right", "bilateral", "Left", "", " ", "\t27096", "27096", "b02.9", "\u00a0x", "6wk", "42d", "6wk ",
    0, 50, 100, 100.5, -1, Number.NaN, Number.POSITIVE_INFINITY, -0, 7.25,
    true, false, null, undefined,
  ),
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** Well-formed values of each field's shape, which the read of the shape takes in one step. */
const WELL_FORMED: Record<keyof typeof TYPES, fc.Arbitrary<unknown>> = {
  note: fc.string({ maxLength: 6 }),
  done: fc.boolean(),
  date: fc.constantFrom("2025-02-28", "2024-02-29", "2025-01-31", "2024-12-31"),
  side: fc.constantFrom("left", "right", "bilateral"),
  code: fc.constantFrom("27096", "20552", "b02.9", "G0260"),
  relief: fc.constantFrom(0, 50, 74.9, 100),
  score: fc.double({ noNaN: true, noDefaultInfinity: true }),
  level: fc.constantFrom("6wk", "42d", "3mo"),
  constructor: fc.constantFrom("27096", "20552"),
  missing: fc.string({ maxLength: 4 }),
};

/** A visit: each field absent, well formed (most often) or anything else. */
const visit = fc.record(
  Object.fromEntries(FIELDS.map((name) => [name, fc.oneof({ weight: 3, arbitrary: WELL_FORMED[name] }, { weight: 1, arbitrary: fieldValue })])) as Record<
    keyof typeof TYPES,
    fc.Arbitrary<unknown>
  >,
  { requiredKeys: [] },
);

/** A read as a criterion makes it: a field of a visit of either list (by position), of the case, or of a record that is none, unknown or not one. */
const readStep = fc.record({
  target: fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom<"visits" | "others">("visits", "others"), fc.nat(5)) },
    { weight: 1, arbitrary: fc.constantFrom<"case" | "none" | "unknown" | "text">("case", "none", "unknown", "text") },
  ),
  field: fc.constantFrom(...FIELDS),
  // A let's reads: a log of their own inside the criterion's, replayed into it.
  nested: fc.boolean(),
});

const criterion = fc.array(readStep, { maxLength: 14 });

const UNKNOWN_RECORD = new Unknown([{ fact: "visits[9]", label: "visit" }]);

/** What a read gives, comparable with `toEqual`: an Unknown as its facts. */
function comparable(value: unknown): unknown {
  return value instanceof Unknown ? { unknown: value.missing } : value;
}

type Step = { target: readonly [string, number] | string; field: keyof typeof TYPES; nested: boolean };

/** The criteria's reads, in order, through `reads` of each context; what each read gave and what each criterion listed. */
function traced(input: Row, criteria: readonly (readonly Step[])[], fast: boolean, reused?: Context): unknown[] {
  const c = reused ?? new Context(schema, input, true);
  c.beginCase(input);
  const out: unknown[] = [];
  const recordOf = (target: Step["target"]): unknown => {
    if (typeof target !== "string") {
      const list = input[target[0]] as unknown[];
      return list.length === 0 ? null : list[target[1] % list.length];
    }
    return target === "case" ? input : target === "none" ? null : target === "unknown" ? UNKNOWN_RECORD : "a visit";
  };
  const readOne = (step: Step): unknown => {
    const record = recordOf(step.target);
    if (step.target === "case") return fast ? Case.flag!.read(c, record) : read(c, record, fullFlag);
    return fast ? Visit[step.field]!.read(c, record) : read(c, record, fullVisit[step.field]!);
  };
  for (const steps of criteria) {
    c.beginReads();
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.nested) {
        // A let of the reads from here to the next step not nested, cached per case and replayed.
        let end = i;
        while (end < steps.length && steps[end]!.nested) end++;
        const part = steps.slice(i, end);
        out.push(comparable(c.cachedForCase(i, () => part.map(readOne))));
        i = end - 1;
      } else out.push(comparable(readOne(step)));
    }
    out.push({ facts: JSON.parse(JSON.stringify(c.endReads())), truncated: c.readsTruncated });
  }
  return out;
}

/**
 * An independent model of what each criterion lists: every field of a record (an object; a
 * value that is no object but text is read as a record of no fields, at path `?`) read in order,
 * each once, named by the record's first place in the case's lists (`visits` before `others`),
 * with its own value as read (null when absent), at most 200, and whether some were left out. A
 * let's reads are those of its first computation in the case, replayed where it is used.
 */
function modelOf(input: Row, criteria: readonly (readonly Step[])[]): unknown[] {
  const lets = new Map<number, { facts: { fact: string; value: unknown }[]; truncated: boolean }>();
  const out: unknown[] = [];
  const factOf = (step: Step): { fact: string; value: unknown } | undefined => {
    if (step.target === "case") return { fact: "flag", value: input.flag ?? null };
    if (typeof step.target === "string") return step.target === "text" ? { fact: "?." + step.field, value: null } : undefined;
    const list = input[step.target[0]] as Row[];
    if (list.length === 0) return undefined;
    const record = list[step.target[1] % list.length]!;
    const visits = input.visits as Row[];
    const place = visits.includes(record) ? `visits[${visits.indexOf(record)}]` : `others[${(input.others as Row[]).indexOf(record)}]`;
    const value = Object.prototype.hasOwnProperty.call(record, step.field) ? record[step.field] : undefined;
    return { fact: `${place}.${step.field}`, value: value ?? null };
  };
  const log = () => ({ facts: [] as { fact: string; value: unknown }[], truncated: false, seen: new Set<string>() });
  const add = (to: ReturnType<typeof log>, fact: { fact: string; value: unknown }): boolean => {
    if (to.seen.has(fact.fact)) return true;
    to.seen.add(fact.fact);
    if (to.facts.length >= 200) return !(to.truncated = true);
    to.facts.push(fact);
    return true;
  };
  for (const steps of criteria) {
    const criterion = log();
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (!step.nested) {
        const fact = factOf(step);
        if (fact !== undefined) add(criterion, fact);
        continue;
      }
      let end = i;
      while (end < steps.length && steps[end]!.nested) end++;
      if (!lets.has(i)) {
        const own = log();
        for (const part of steps.slice(i, end)) {
          const fact = factOf(part);
          if (fact !== undefined) add(own, fact);
        }
        lets.set(i, own);
      }
      const own = lets.get(i)!;
      for (const fact of own.facts) if (!add(criterion, fact)) break;
      criterion.truncated ||= own.truncated;
      i = end - 1;
    }
    out.push({ facts: JSON.parse(JSON.stringify(criterion.facts)), truncated: criterion.truncated });
  }
  return out;
}

/** What `traced` says each criterion listed. */
function listedOf(results: unknown[]): unknown[] {
  return results.filter((r): r is { facts: unknown } => typeof r === "object" && r !== null && "facts" in r && "truncated" in r);
}

describe("a traced read of a field's shape", () => {
  it("gives and records exactly what the full read gives and records", () => {
    fc.assert(
      fc.property(
        fc.array(visit, { maxLength: 4 }),
        fc.array(visit, { maxLength: 3 }),
        fieldValue,
        fc.array(criterion, { minLength: 1, maxLength: 4 }),
        (visits, others, flag, criteria) => {
          // `others` shares a visit object with `visits` when both have one: a record listed twice.
          const otherList = others.length > 0 && visits.length > 0 ? [visits[0]!, ...others] : others;
          const input: Row = { visits, others: otherList, flag };
          const fast = traced(input, criteria, true);
          const full = traced(input, criteria, false);
          expect(fast).toEqual(full);
          expect(listedOf(fast)).toEqual(modelOf(input, criteria));
          // A context reused from a case that read the same record objects in another order.
          const reused = new Context(schema, {}, true);
          traced({ visits: [...otherList].reverse(), others: [...visits].reverse(), flag: !flag }, criteria, true, reused);
          expect(traced(input, criteria, true, reused)).toEqual(fast);
        },
      ),
      property("a traced read of a shape equals the full traced read", 300),
    );
  });

  it("records a long run of reads of one field as the full read does, up to the most a criterion lists", () => {
    // 250 visits with a code each: past 200 facts the log is full and says so.
    const visits = Array.from({ length: 250 }, (_, i) => ({ code: i % 7 === 0 ? " " : `C${i}`, date: "2025-01-0" + ((i % 9) + 1) }));
    const pass = (field: keyof typeof TYPES, count: number): Step[] =>
      Array.from({ length: count }, (_, i) => ({ target: ["visits", i] as const, field, nested: false }));
    const criteria: Step[][] = [
      // Every record read again after many others: past the records found by a scan, each found again by its entry.
      [...pass("code", 60), ...pass("date", 60), ...pass("code", 60)],
      visits.flatMap((_, i) => [
        { target: ["visits", i] as const, field: "code" as const, nested: false },
        { target: ["visits", i] as const, field: "date" as const, nested: i % 50 === 0 },
      ]),
    ];
    const input: Row = { visits, others: [], flag: true };
    const fast = traced(input, criteria, true);
    expect(fast).toEqual(traced(input, criteria, false));
    expect(fast.at(-1)).toMatchObject({ truncated: true });
    expect(listedOf(fast)).toEqual(modelOf(input, criteria));
  });
});

describe("the marks of a traced case's logs", () => {
  /** The fact table's marks per depth of open logs, and how many facts it has numbered (internals). */
  const tableOf = (c: Context) => (c as unknown as { facts: { marks: number[][]; size: number } }).facts;

  it("hold an entry for every fact numbered, at every depth, with no holes", () => {
    // 3,000 visits' codes read at one depth, then a field at the other, numbered past the 3,000th:
    // a let's log (depth 1) inside the criterion's (depth 0), in either order, the let's log opened
    // first in the context or after the criterion's reads. A log that marked such a fact by writing
    // past its array's end would leave a gap of thousands of entries, which turns the array into a
    // hash table in V8 (past 1,024), and every function that reads the marks is deoptimised.
    const visits = Array.from({ length: 3000 }, (_, i) => ({ code: `C${i}`, date: "2025-01-02" }));
    const input: Row = { visits, others: [], flag: true };
    const codes = (c: Context) => visits.map((v) => Visit.code!.read(c, v));
    for (const letFirst of [true, false]) {
      const c = new Context(schema, input, true);
      for (let round = 0; round < 2; round++) {
        c.beginCase(input);
        c.beginReads();
        if (letFirst) {
          c.cachedForCase(0, codes);
          Visit.date!.read(c, visits[2999]!);
        } else {
          codes(c);
          c.cachedForCase(0, () => Visit.date!.read(c, visits[2999]!));
        }
        const listed = c.endReads();
        expect(listed.length).toBe(200);
        expect(c.readsTruncated).toBe(true);
        const { marks, size } = tableOf(c);
        expect(size).toBe(3001);
        expect(marks.length).toBe(2);
        for (const atDepth of marks) {
          expect(atDepth.length).toBeGreaterThanOrEqual(size);
          expect(Object.keys(atDepth).length).toBe(atDepth.length);
        }
      }
    }
  });
});
