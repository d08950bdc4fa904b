// `candidates` (the elements of a list of the case whose code may be in a code set, worked out
// once per case) against the whole list and against a model of its own. Every aggregate of a
// membership that has the conjunct `code in S` must answer over the candidates exactly what it
// answers over the whole list, unknowns and all (counts over unknown codes, `latest` ties, the
// order of the facts a range names), case after case through one reused context; the candidates
// must be the elements the model says may be in S (codes with odd white space, lower case and
// dots, blank, absent, `null` and of other types), in list order; with a trace, the whole list.
// Candidates given a second set W, for memberships that also have the conjunct `code not in W`
// (`neural_blockade and not sij_injection`), leave out the elements whose code is known in W too.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  and,
  atLeast,
  candidates,
  CodeSet,
  Context,
  count,
  countDistinct,
  earliest,
  equal,
  fieldsOf,
  inCodes,
  latest,
  list,
  ListScan,
  none,
  not,
  Scans,
  some,
  sumOf,
  type Member,
  type SchemaDescriptor,
} from "@pol/runtime";
import { runs } from "../support/runs.js";

const schema: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "requested line items" },
        procedures: { type: { list: "procedure" }, label: "prior procedures" },
      },
    },
    item: { label: "requested line item", fields: { side: { type: { enum: ["left", "right"] }, label: "side" } } },
    procedure: {
      label: "prior procedure",
      dated: { start: "date" },
      fields: {
        code: { type: "code", label: "procedure code" },
        date: { type: "date", label: "date of the procedure" },
        relief: { type: "percent", label: "percent pain relief" },
        side: { type: { enum: ["left", "right"] }, label: "side" },
      },
    },
  },
};
const Case = fieldsOf<{ procedures: unknown }>(schema, "case");
const Item = fieldsOf<{ side: unknown }>(schema, "item");
const Procedure = fieldsOf<{ code: unknown; date: unknown; relief: unknown; side: unknown }>(schema, "procedure");

/** Exact codes; and prefixes and ranges, whose codes take the long way through `CodeSet.has`. */
const EXACT = new CodeSet(["20552", "20553"], [], []);
const RANGED = new CodeSet(["G0260"], ["B02"], [["64490", "64495"]]);
/** Memberships of this one have the conjunct `code not in EXACT` too (20552 is in both). */
const BLOCKS = new CodeSet(["20552", "G0260"], ["B02"], [["64490", "64495"]]);
const SETS = [EXACT, RANGED, BLOCKS] as const;
const WITHOUT = [undefined, undefined, EXACT] as const;
const CANDIDATES = SETS.map((set, i) => candidates(i, Case.procedures, Procedure.code, set, WITHOUT[i]));

type C = Context;
/** For each set: memberships with the conjunct `code in S` (and `code not in W`), first, last or alone. */
const MEMBERS: Member<C>[][] = SETS.map((set, s) => {
  const without = WITHOUT[s];
  const inSet: Member<C> = (p, c) =>
    without === undefined
      ? inCodes(Procedure.code.read(c, p), set)
      : and(inCodes(Procedure.code.read(c, p), set), not(inCodes(Procedure.code.read(c, p), without)));
  return [
    inSet,
    (p, c) => and(inSet(p, c), equal(Procedure.side.read(c, p), "left")),
    (p, c) => and(atLeast(Procedure.relief.read(c, p), 50), inSet(p, c)),
    (p, c) => and(inSet(p, c), equal(Procedure.side.read(c, p), Item.side.read(c, c.item))),
  ];
});
const SCANS = MEMBERS.map((members, s) => members.map((member) => new ListScan(CANDIDATES[s]!, Procedure.date, member)));

type Elements = (c: C) => ReturnType<typeof list>;
const whole: Elements = (c) => list(c, Case.procedures);
/** Every aggregate over a list of the case, over the elements `of` gives. */
const AGGREGATES = {
  count: (c: C, of: Elements, m: Member<C>) => count(of(c), m, c),
  some: (c: C, of: Elements, m: Member<C>) => some(of(c), m, c),
  none: (c: C, of: Elements, m: Member<C>) => none(of(c), m, c),
  latest: (c: C, of: Elements, m: Member<C>) => latest(c, of(c), m, Procedure.date),
  earliest: (c: C, of: Elements, m: Member<C>) => earliest(c, of(c), m, Procedure.date),
  countDistinct: (c: C, of: Elements, m: Member<C>) => countDistinct(c, of(c), m, [Procedure.date]),
  sum: (c: C, of: Elements, m: Member<C>) => sumOf(c, of(c), m, Procedure.relief),
} as const;
type Aggregate = keyof typeof AGGREGATES;
const SCANNED = ["count", "some", "none", "latest", "earliest", "countDistinct"] as const;

/** Codes in either set, out of both, as written in the wild, and values that are no code. */
const code = fc.oneof(
  { arbitrary: fc.constantFrom("20552", "20553", "G0260", "64490", "64495", "B02.9", "B0229"), weight: 6 },
  { arbitrary: fc.constantFrom("27096", "64489", "64496", "99213", "B03", "G026"), weight: 4 },
  {
    arbitrary: fc.constantFrom(" 20552", "20553 ", "\u00a020552", "\u200b20552", "2055 2", "20552.", "2.0553", "g0260", "b02.9", " 64491\t", "6449O"),
    weight: 3,
  },
  { arbitrary: fc.constantFrom(null, undefined, "", "   ", 20552, 64490, true, ["20552"], {}), weight: 2 },
);
/** Few dates, so ties are common; and bad ones. */
const date = fc.oneof(
  { arbitrary: fc.constantFrom("2025-01-01", "2025-01-02", "2025-03-01"), weight: 6 },
  { arbitrary: fc.constantFrom(null, undefined, "2025-02-30", 20250101), weight: 1 },
);
const relief = fc.oneof({ arbitrary: fc.constantFrom(0, 49, 50, 80, 100), weight: 6 }, { arbitrary: fc.constantFrom(null, undefined, 101, "80"), weight: 1 });
const side = fc.oneof({ arbitrary: fc.constantFrom("left", "right"), weight: 6 }, { arbitrary: fc.constantFrom(null, undefined, "up"), weight: 1 });
/** A plain object, as JSON gives (fast-check may make one without a prototype), absent rather than undefined. */
const procedure = fc.record({ code, date, relief, side }, { requiredKeys: [] }).map((p) => {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) if (value !== undefined) plain[key] = value;
  return plain;
});
const procedures = fc.oneof(
  { arbitrary: fc.array(procedure, { maxLength: 14 }), weight: 12 },
  { arbitrary: fc.constantFrom(undefined, null, "none", [null], [1, {}]), weight: 1 },
);
const caseInput = fc.record({ procedures, side, repeat: fc.boolean() }).map(({ procedures, side, repeat }) => {
  const input: Record<string, unknown> = { date_of_service: "2025-08-01", items: [side === undefined ? {} : { side }, { side: "right" }] };
  // A record listed twice: both places are elements.
  if (Array.isArray(procedures) && repeat && procedures.length > 0) (procedures as unknown[]).push(procedures[0]);
  if (procedures !== undefined) input.procedures = procedures;
  return input;
});

/** The model: a code may be in the set unless it is a code (a string that is not blank) whose
 *  normal form (trimmed, without dots, upper case) is known to be out of it. */
function mayBeIn(value: unknown, s: number): boolean {
  if (typeof value !== "string" || value.trim() === "") return true;
  const normal = value.trim().replace(/\./g, "").toUpperCase();
  const exact = normal === "20552" || normal === "20553";
  const ranged = normal.startsWith("B02") || (normal.length === 5 && normal >= "64490" && normal <= "64495");
  if (s === 0) return exact;
  if (s === 1) return normal === "G0260" || ranged;
  return (normal === "20552" || normal === "G0260" || ranged) && !exact;
}

/**
 * An answer as text, an element of the case's list by its place (`#2`: equal records are told
 * apart), Infinity by name: compared as strings, so a failing run reports quickly.
 */
function shown(value: unknown, input: Record<string, unknown>): string {
  const elements = Array.isArray(input.procedures) ? (input.procedures as unknown[]) : [];
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === Infinity) return "Infinity";
    const at = typeof v === "object" && v !== null ? elements.indexOf(v) : -1;
    return at >= 0 ? `#${at}` : v;
  });
}

/** The aggregate over the whole list, in a context of its own that remembers no memberships. */
function general(input: Record<string, unknown>, item: number, a: Aggregate, member: Member<C>): unknown {
  const oracle = new Context(schema, input, false);
  oracle.beginItem(item);
  return AGGREGATES[a](oracle, whole, member);
}

/** Throws a short error unless the two answers are the same. */
function same(got: unknown, expected: unknown, input: Record<string, unknown>, what: string): void {
  const [a, b] = [shown(got, input), shown(expected, input)];
  if (a !== b) throw new Error(`${what}: ${a.slice(0, 300)} instead of ${b.slice(0, 300)}`);
}

const params = { numRuns: runs(400) };
/** Every property here stops at its first counterexample: shrinking one through every subset of
 *  the questions and every list (and formatting large records at each step) takes minutes, so a
 *  regression would show as a stalled run rather than a failure. */
const unshrunk = { ...params, endOnFailure: true };

describe("candidates", () => {
  it("leave every aggregate of a membership with the code conjunct as it is over the whole list, case after case", () => {
    const questions = SETS.flatMap((_, s) => MEMBERS[s]!.flatMap((_, m) => (Object.keys(AGGREGATES) as Aggregate[]).map((a) => [s, m, a] as const)));
    fc.assert(
      fc.property(fc.array(caseInput, { minLength: 1, maxLength: 3 }), fc.shuffledSubarray(questions, { minLength: 1 }), (inputs, asked) => {
        // One context through every case, as an entry point reuses it, remembering memberships.
        const c = new Context(schema, inputs[0]!, false);
        c.scans = new Scans();
        inputs.forEach((input, i) => {
          if (i > 0) c.beginCase(input);
          for (const item of [0, 1]) {
            c.beginItem(item);
            for (const [s, m, a] of asked) {
              const member = MEMBERS[s]![m]!;
              same(AGGREGATES[a](c, CANDIDATES[s]!, member), general(input, item, a, member), input, `${a} of member ${m} of set ${s}`);
            }
          }
        });
      }),
      unshrunk,
    );
  });

  it("leave a pass over them (ListScan) answering as the general aggregate over the whole list", () => {
    fc.assert(
      fc.property(fc.array(caseInput, { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 1, 2), (inputs, s) => {
        const c = new Context(schema, inputs[0]!, false);
        c.scans = new Scans();
        inputs.forEach((input, i) => {
          if (i > 0) c.beginCase(input);
          for (const item of [0, 1]) {
            c.beginItem(item);
            MEMBERS[s]!.forEach((member, m) => {
              for (const a of SCANNED) same(SCANS[s]![m]![a](c), general(input, item, a, member), input, `pass's ${a} of member ${m} of set ${s}`);
            });
          }
        });
      }),
      unshrunk,
    );
  });

  it("are the elements whose code may be in the set, in list order, worked out again for each case", () => {
    fc.assert(
      fc.property(fc.array(caseInput, { minLength: 1, maxLength: 4 }), fc.boolean(), (inputs, outcomesOnly) => {
        const c = new Context(schema, inputs[0]!, false);
        c.outcomeOnly = outcomesOnly;
        inputs.forEach((input, i) => {
          if (i > 0) c.beginCase(input);
          c.beginItem(0);
          for (let s = 0; s < SETS.length; s++) {
            const got = CANDIDATES[s]!(c);
            const all = list(c, Case.procedures);
            if (!Array.isArray(all)) {
              // A list that is not one of records is unknown, as the aggregates read it.
              expect(got).toEqual(all);
              continue;
            }
            const expected = all.filter((p) => mayBeIn((p as Record<string, unknown>).code, s));
            expect((got as readonly unknown[]).length).toBe(expected.length);
            expected.forEach((p, k) => expect((got as readonly unknown[])[k]).toBe(p));
            // Every element left out is a member of none of the memberships.
            for (const p of all) {
              if (expected.includes(p)) continue;
              for (const member of MEMBERS[s]!) expect(member(p, c)).toBe(false);
            }
          }
        });
      }),
      unshrunk,
    );
  });

  it("are the whole list, read as before, with a trace", () => {
    fc.assert(
      fc.property(caseInput, (input) => {
        const c = new Context(schema, input, true);
        c.beginItem(0);
        const all = list(c, Case.procedures);
        for (const of of CANDIDATES) {
          const got = of(c);
          if (Array.isArray(all)) expect(got).toBe(all);
          else expect(got).toEqual(all);
        }
      }),
      params,
    );
  });
});
