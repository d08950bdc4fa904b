// `ListScan` (one pass answering several aggregates over a list) against the aggregates it stands
// for, each run on its own in a context that remembers nothing: `count`, `some`, `none`,
// `latest`, `earliest`, `countDistinct`. On hostile cases (lists absent, null or holding a
// non-record; dates absent, null or malformed; values of the wrong type; unknown memberships)
// every answer must be the very value the general aggregate gives, unknowns and all, whatever
// order the aggregates are asked in and from item to item and case to case of one context.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Context,
  ListScan,
  Scans,
  and,
  atLeast,
  count,
  countDistinct,
  earliest,
  equal,
  fieldsOf,
  latest,
  list,
  none,
  read,
  some,
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
        date: { type: "date", label: "date of the procedure" },
        relief: { type: "percent", label: "percent pain relief" },
        side: { type: { enum: ["left", "right"] }, label: "side" },
      },
    },
  },
};
const Case = fieldsOf<{ procedures: unknown }>(schema, "case");
const Item = fieldsOf<{ side: unknown }>(schema, "item");
const Procedure = fieldsOf<{ date: unknown; relief: unknown; side: unknown }>(schema, "procedure");

type C = Context;
const relieved: Member<C> = (p, c) => atLeast(read(c, p, Procedure.relief), 50);
const left: Member<C> = (p, c) => equal(read(c, p, Procedure.side), "left");
const sameSide: Member<C> = (p, c) => and(relieved(p, c), equal(read(c, p, Procedure.side), read(c, c.item, Item.side)));
const every: Member<C> = () => true;
const MEMBERS = [relieved, left, sameSide, every];
const SCANS = MEMBERS.map((member) => new ListScan(Case.procedures, Procedure.date, member));

/** Every aggregate a scan answers, with the general aggregate it stands for. */
const ASKED = {
  count: [(s: ListScan, c: C) => s.count(c), (c: C, m: Member<C>) => count(list(c, Case.procedures), m, c)],
  some: [(s: ListScan, c: C) => s.some(c), (c: C, m: Member<C>) => some(list(c, Case.procedures), m, c)],
  none: [(s: ListScan, c: C) => s.none(c), (c: C, m: Member<C>) => none(list(c, Case.procedures), m, c)],
  latest: [(s: ListScan, c: C) => s.latest(c), (c: C, m: Member<C>) => latest(c, list(c, Case.procedures), m, Procedure.date)],
  earliest: [(s: ListScan, c: C) => s.earliest(c), (c: C, m: Member<C>) => earliest(c, list(c, Case.procedures), m, Procedure.date)],
  countDistinct: [(s: ListScan, c: C) => s.countDistinct(c), (c: C, m: Member<C>) => countDistinct(c, list(c, Case.procedures), m, [Procedure.date])],
} as const;
type Asked = keyof typeof ASKED;
const QUESTIONS: [Asked, number][] = Object.keys(ASKED).flatMap((asked) => MEMBERS.map((_, m): [Asked, number] => [asked as Asked, m]));

/** Few dates, so ties and repeated dates are common; and every kind of bad one. */
const date = fc.oneof(
  { arbitrary: fc.constantFrom("2025-01-01", "2025-01-02", "2025-03-01", "2024-12-31"), weight: 6 },
  { arbitrary: fc.constantFrom(null, undefined, "2025-02-30", "2025-1-1", "", 20250101, true), weight: 1 },
);
const relief = fc.oneof({ arbitrary: fc.constantFrom(0, 49, 50, 80, 100), weight: 6 }, { arbitrary: fc.constantFrom(null, undefined, -1, 101, "80", Number.NaN), weight: 1 });
const side = fc.oneof({ arbitrary: fc.constantFrom("left", "right"), weight: 6 }, { arbitrary: fc.constantFrom(null, undefined, "up", 3), weight: 1 });
const procedure = fc.record({ date, relief, side }, { requiredKeys: [] }).map((p) => {
  // Absent rather than undefined, as in JSON.
  for (const key of Object.keys(p) as (keyof typeof p)[]) if (p[key] === undefined) delete p[key];
  return p as Record<string, unknown>;
});
const procedures = fc.oneof(
  { arbitrary: fc.array(procedure, { maxLength: 10 }), weight: 12 },
  { arbitrary: fc.constantFrom(undefined, null, "none", [null], [1, {}]), weight: 1 },
);
const caseInput = fc.record({ procedures, side }).map(({ procedures, side }) => {
  const input: Record<string, unknown> = { date_of_service: "2025-08-01", items: [side === undefined ? {} : { side }, { side: "right" }] };
  if (procedures !== undefined) input.procedures = procedures;
  return input;
});

/** Forty dates: lists long enough to hold more than the sixteen a scan keeps in its array. */
const MANY_DATES = Array.from({ length: 40 }, (_, i) => `2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(10 + Math.floor(i / 12)).padStart(2, "0")}`);

/** The general aggregate's answer, in a context of its own that remembers no memberships. */
function oracle(input: Record<string, unknown>, item: number, asked: Asked, member: Member<C>): unknown {
  const c = new Context(schema, input, false);
  c.beginItem(item);
  return ASKED[asked][1](c, member);
}

/**
 * Every question for both items of every case, through one context as an entry point reuses
 * it: each answer must be the general aggregate's (`also` checks more of it).
 */
function expectGeneralAnswers(
  inputs: readonly Record<string, unknown>[],
  questions: readonly [Asked, number][],
  also?: (input: Record<string, unknown>, asked: Asked, m: number, answer: unknown) => void,
): void {
  const c = new Context(schema, inputs[0]!, false);
  c.scans = new Scans();
  inputs.forEach((input, i) => {
    if (i > 0) c.beginCase(input);
    for (const item of [0, 1]) {
      c.beginItem(item);
      for (const [asked, m] of questions) {
        const answer = ASKED[asked][0](SCANS[m]!, c);
        expect(answer).toEqual(oracle(input, item, asked, MEMBERS[m]!));
        also?.(input, asked, m, answer);
      }
    }
  });
}

/** A scan of the procedures on the item's side whose membership tests are counted, at item 0. */
function countingScan(input: Record<string, unknown>) {
  let tested = 0;
  const member: Member<C> = (p, c) => (tested++, equal(read(c, p, Procedure.side), read(c, c.item, Item.side)));
  const scan = new ListScan(Case.procedures, Procedure.date, member);
  const c = new Context(schema, input, false);
  c.scans = new Scans();
  c.beginItem(0);
  return { scan, c, member, tested: () => tested };
}

/** Every property here stops at its first counterexample: shrinking one through every subset of
 *  the questions, every case and every list (and formatting the records at each step) takes
 *  minutes, so a regression would show as a stalled run rather than a failure. The failure's seed
 *  and path replay it (POL_SEED, POL_PATH). */
const params = { numRuns: runs(400), endOnFailure: true };

describe("ListScan", () => {
  it("answers every aggregate exactly as the general aggregate does, asked in any order", () => {
    fc.assert(
      fc.property(fc.array(caseInput, { minLength: 1, maxLength: 3 }), fc.shuffledSubarray(QUESTIONS, { minLength: 1 }), (inputs, questions) => {
        expectGeneralAnswers(inputs, questions);
      }),
      params,
    );
  });

  it("answers exactly on long lists of many dates (past its scan of the first few), item after item", () => {
    const many = fc.oneof(
      { arbitrary: fc.constantFrom(...MANY_DATES), weight: 12 },
      { arbitrary: fc.constantFrom(null, undefined, "2025-02-30", 20250101), weight: 1 },
    );
    const longOf = (date: fc.Arbitrary<unknown>, requiredKeys: "date"[]) =>
      fc.array(fc.record({ date, relief, side }, { requiredKeys }), { minLength: 15, maxLength: 60, size: "max" });
    // Half the lists with every date present and valid: a scan settles those itself, past sixteen
    // distinct dates (in the others a date is absent from every other record or so).
    const long = fc.oneof(longOf(many, []), longOf(fc.constantFrom(...MANY_DATES), ["date"]));
    fc.assert(
      fc.property(fc.array(long, { minLength: 1, maxLength: 3 }), fc.shuffledSubarray(QUESTIONS, { minLength: 1 }), (lists, questions) => {
        const inputs = lists.map((procedures) => ({ date_of_service: "2025-08-01", items: [{ side: "left" }, { side: "right" }], procedures: JSON.parse(JSON.stringify(procedures)) as Record<string, unknown>[] }));
        expectGeneralAnswers(inputs, questions, (input, asked, m, answer) => {
          // `every` with every date known: the distinct dates are a Set's.
          const dates = (input.procedures as Record<string, unknown>[]).map((p) => p.date);
          if (asked === "countDistinct" && MEMBERS[m] === every && dates.every((date) => MANY_DATES.includes(date as string))) {
            expect(answer).toBe(new Set(dates).size);
          }
        });
      }),
      { ...params, numRuns: runs(150) },
    );
  });

  it("gives the same answers when it may not remember (no scans, a trace, outcomes only)", () => {
    fc.assert(
      fc.property(caseInput, fc.constantFrom("none", "trace", "outcomes"), (input, mode) => {
        const c = new Context(schema, input, mode === "trace");
        if (mode !== "none") c.scans = new Scans();
        const general = new Context(schema, input, mode === "trace");
        c.outcomeOnly = general.outcomeOnly = mode === "outcomes";
        c.beginItem(0);
        general.beginItem(0);
        for (const [asked, m] of QUESTIONS) {
          expect(ASKED[asked][0](SCANS[m]!, c)).toEqual(ASKED[asked][1](general, MEMBERS[m]!));
        }
      }),
      params,
    );
  });

  it("answers from one pass per line item, testing each element once", () => {
    const input = { date_of_service: "2025-08-01", items: [{ side: "left" }, { side: "right" }], procedures: [{ date: "2025-01-01", side: "left" }, { date: "2025-01-01", side: "right" }, { date: "2025-03-01", side: "left" }] };
    const { scan, c, tested } = countingScan(input);
    expect([scan.count(c), scan.none(c), scan.countDistinct(c), scan.latest(c), scan.earliest(c)]).toEqual([2, false, 2, input.procedures[2], input.procedures[0]]);
    expect(tested()).toBe(3);
    // The next item's membership differs: a new pass.
    c.beginItem(1);
    expect([scan.count(c), scan.latest(c)]).toEqual([1, input.procedures[1]]);
    expect(tested()).toBe(6);
  });

  it("hands over to the general aggregates with the memberships it worked out, testing each element once", () => {
    // The second procedure's side is unknown: its membership too, so the general path answers.
    const procedures = [{ date: "2025-01-01", side: "left" }, { date: "2025-02-01" }, { date: "2025-03-01", side: "left" }];
    const input = { date_of_service: "2025-08-01", items: [{ side: "left" }], procedures };
    const { scan, c, tested, member } = countingScan(input);
    const answers = [scan.count(c), scan.none(c), scan.countDistinct(c), scan.latest(c), scan.earliest(c)];
    expect(tested()).toBe(3);
    expect(answers).toEqual((["count", "none", "countDistinct", "latest", "earliest"] as const).map((asked) => oracle(input, 0, asked, member)));
  });
});
