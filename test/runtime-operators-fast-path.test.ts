// The fast paths of the runtime's operators and normal forms, which generated code calls per
// element and per case, must give exactly what their general paths give:
// - the comparison operators (`equal`, `atLeast`, ...) take two present numbers or two strings as
//   they are and hand everything else to `compare`, the interpreter's comparison: the same answer
//   for every operand an evaluation can produce (numbers that are not finite included: a sum or
//   a product can overflow), in the interpreter and the compiled evaluator alike; two strings an
//   ordering compares are valid dates, from every source of a date, even in a case whose date
//   fields hold malformed ones (the operators' contract, docs/semantics.md);
// - `normaliseText` returns a text already normal as it is (checked without allocating), and
//   `normaliseCode` a code already normal: against the normal forms written out
//   (docs/semantics.md), call after call;
// - `parseIsoDate` (the runtime's date check, `isIsoDate`) against a calendar that is not the
//   runtime's (test/support/oracle-dates.ts), for hostile strings too; and `time since`, whose
//   dates are answered from the texts found valid before, against the same model, call after call.

import {
  atLeast,
  atMost,
  compare,
  elapsedAtLeast,
  equal,
  greaterThan,
  lessThan,
  normaliseCode,
  normaliseText,
  notEqual,
  parseIsoDate,
  since,
  Unknown,
  type CompareOperator,
  type Range,
  type Tri,
} from "@pol/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpret } from "../src/interpret/interpreter.js";
import { checkInMemory, compileInMemory } from "./support/compile-in-memory.js";
import { monthLength } from "./support/oracle-dates.js";
import { property } from "./support/runs.js";

const OPERATORS: readonly [CompareOperator, (left: unknown, right: unknown) => Tri][] = [
  ["==", equal],
  ["!=", notEqual],
  ["<", lessThan],
  ["<=", atMost],
  [">", greaterThan],
  [">=", atLeast],
];

/** A Tri as a comparable value: an unknown by the facts it names. */
function shown(value: Tri): unknown {
  return value instanceof Unknown ? { unknown: value.missing } : value;
}

const isoDate = fc
  .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(day, monthLength(Math.max(year, 1000), month))).padStart(2, "0")}`);

const number = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 5, 74.9, 75, 100, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, Number.NaN),
  fc.double(),
  fc.integer({ min: -10, max: 10 }),
);

const range: fc.Arbitrary<Range> = fc
  .tuple(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(-Infinity)), fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(Infinity)))
  .map(([lo, hi]) => ({ lo: Math.min(lo, hi), hi: Math.max(lo, hi), unknown: new Unknown([{ fact: "r", label: "r" }]) }));

const other = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, false),
  fc.constant(new Unknown([{ fact: "x", label: "x" }])),
  range,
);

/** What an evaluation can hand an ordering: numbers (any: arithmetic can overflow), valid dates,
 *  none, unknowns, ranges, booleans (the checker orders none, but the operators must still agree). */
const ordered = fc.oneof(number, isoDate, other);

/** What it can hand an equality: also any text (codes, enum members, free text, malformed dates). */
const anyValue = fc.oneof(number, isoDate, fc.string(), fc.constantFrom("2025-02-30", "constructor", " 20552", ""), other);

describe("comparison operators: the fast path gives what `compare` gives", () => {
  it("for every operator, operands in either order", () => {
    fc.assert(
      fc.property(ordered, ordered, anyValue, anyValue, (a, b, x, y) => {
        for (const [operator, apply] of OPERATORS) {
          expect(shown(apply(a, b))).toEqual(shown(compare(operator, a, b)));
          expect(shown(apply(b, a))).toEqual(shown(compare(operator, b, a)));
          if (operator === "==" || operator === "!=") expect(shown(apply(x, y))).toEqual(shown(compare(operator, x, y)));
        }
      }),
      property("operators against compare", 2000),
    );
  });

  it("a number that is not finite is no value: unknown, never true or false", () => {
    for (const [operator, apply] of OPERATORS) {
      for (const value of [Infinity, -Infinity, Number.NaN]) {
        expect(apply(value, 5), operator).toBeInstanceOf(Unknown);
        expect(apply(5, value), operator).toBeInstanceOf(Unknown);
        expect(apply(value, value), operator).toBeInstanceOf(Unknown);
      }
    }
  });

  it("a sum that overflows pends the item in the interpreter and the compiled evaluator alike", async () => {
    const schema = `schema overflow "Overflow"
case {
  note: text "a note"
}
item {
  code: code "requested procedure code"
  first: number "first amount"
  second: number "second amount"
}
`;
    const policy = checkInMemory(
      schema,
      `policy test.overflow
  title "Overflow"
  payer "Test"
  number "O-1"
  version "1"
  effective 1900-01-01

use "schema.pol"

codes c "code" = cpt { 99213 }
rule r "rule" [R.1]
  for c
  require total [R.1.1] "the amounts come to at least 5"
    item.first + item.second >= 5
  require same [R.1.2] "the amounts are not equal to their double"
    item.first + item.second != item.first * 2 + item.second * 2
`,
    );
    const compiled = await compileInMemory(policy);
    const outcome = (first: number, second: number, evaluate: (input: Record<string, unknown>) => { items: { outcome: string }[] }) =>
      evaluate({ date_of_service: "2025-06-01", items: [{ code: "99213", first, second }] }).items[0]!.outcome;
    for (const [first, second, expected] of [
      [1, 4, "approved"],
      [1, 3, "denied"],
      [Number.MAX_VALUE, Number.MAX_VALUE, "pended"],
      [-Number.MAX_VALUE, -Number.MAX_VALUE, "pended"],
    ] as const) {
      expect(outcome(first, second, (input) => interpret(policy, input)), `interpreter ${first} ${second}`).toBe(expected);
      expect(outcome(first, second, (input) => compiled.evaluate(input)), `compiled ${first} ${second}`).toBe(expected);
    }
  });
});

/** docs/semantics.md's normal form of free text, written out. */
function textModel(value: string): string {
  return value.normalize("NFC").toLowerCase().trim().replace(/\s+/g, " ");
}

/** docs/semantics.md's normal form of a code, written out. */
function codeModel(value: string): string {
  return value.trim().replaceAll(".", "").toUpperCase();
}

const texts = fc.oneof(
  fc.constantFrom("gluteus medius", "Gluteus Medius", "gluteus  medius", " gluteus medius", "gluteus medius ", "gluteus\tmedius", "gluteus\u00a0medius", "trapèzius", "trape\u0300zius", "TRAPEZIUS", "", " ", "a", "constructor", "__proto__", "x\u2028y", "ǅ"),
  fc.string({ unit: fc.constantFrom("a", "b", "Z", " ", "\t", "\n", "\u00a0", "\u3000", "é", "e\u0301", "-", "İ", "ß") }),
  fc.string(),
);

describe("normal forms: the fast path gives the normal form", () => {
  it("normaliseText, call after call (the item's text between each element's)", () => {
    fc.assert(
      fc.property(texts, fc.array(texts, { maxLength: 12 }), (item, elements) => {
        for (const element of elements) {
          expect(normaliseText(element)).toBe(textModel(element));
          expect(normaliseText(item)).toBe(textModel(item));
        }
        // Each text again, in another order.
        for (const element of [...elements].reverse()) expect(normaliseText(element)).toBe(textModel(element));
      }),
      property("normaliseText against the model", 800),
    );
    for (const value of [null, undefined, 5, true]) expect(normaliseText(value)).toBe(value);
  });

  it("normaliseCode", () => {
    const codes = fc.oneof(
      fc.constantFrom("B02.9", "b029", " B029 ", "\u00a0B02", "B02\t", "ｂ02", "20552", "2055 2", "", ".", "constructor", "ǆ", "ß"),
      fc.string({ unit: fc.constantFrom("B", "b", "0", "2", ".", " ", "\t", "\u00a0", "é", "ß", "\u200b") }),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(codes, { maxLength: 8 }), (values) => {
        for (const value of values) expect(normaliseCode(value)).toBe(codeModel(value));
      }),
      property("normaliseCode against the model", 800),
    );
  });
});

/** A valid ISO date `YYYY-MM-DD` of years 0001-9999, by a calendar that is not the runtime's. */
function isoModel(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // Date.UTC maps years 0-99 to 1900-1999; every 400 years the calendar repeats.
  return day <= monthLength(year < 100 ? year + 2000 : year, month);
}

describe("dates: the runtime's check of an ISO date", () => {
  it("accepts exactly the valid dates", () => {
    const digit = fc.constantFrom("0", "1", "2", "3", "9", "-", " ", "０", "a");
    const hostile = fc.oneof(
      isoDate,
      isoDate.map((date) => date.replace(/-(\d\d)$/, (_, day: string) => `-${String(Number(day) + 1).padStart(2, "0")}`)),
      fc.string({ unit: digit, minLength: 8, maxLength: 12 }),
      fc.constantFrom("2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2025-13-01", "2025-00-10", "2025-01-00", "2025-1-01", "20250101", " 2025-01-01", "2025-01-01 ", "2025-01-01T00:00", "2025/01/01", ""),
    );
    fc.assert(
      fc.property(hostile, (value) => {
        expect(parseIsoDate(value) !== undefined).toBe(isoModel(value));
      }),
      property("isIsoDate against the model", 2000),
    );
  });

  it("answers `time since` from the dates it found valid as the check would, call after call", () => {
    // The calendar remembers the texts it found valid (a look-up instead of the check): a text
    // asked again, as an event's date or as the date of service, is answered as the first time.
    const digit = fc.constantFrom("0", "1", "2", "3", "9", "-", " ", "a");
    const hostile = fc.oneof(
      isoDate,
      isoDate.map((date) => date.replace(/-(\d\d)$/, (_, day: string) => `-${String(Number(day) + 1).padStart(2, "0")}`)),
      fc.string({ unit: digit, minLength: 9, maxLength: 11 }),
      fc.constantFrom("2023-02-29", "1900-02-29", "0000-01-01", "2025-13-01", "2025-01-00", "2025-01-32", "2025-04-31"),
    );
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 6 }), (values) => {
        for (const value of [...values, ...values]) {
          const valid = isoModel(value);
          expect(since(value, "2025-06-15") instanceof Unknown).toBe(!valid);
          expect(since("2024-01-31", value) instanceof Unknown).toBe(!valid);
          expect(elapsedAtLeast(since("0001-01-01", value), 0, "d")).toBe(valid ? true : MALFORMED_SINCE);
        }
      }),
      property("time since against the model of valid dates", 600),
    );
  });
});

/** What `time since` gives for a malformed date: the one unknown, as any malformed operand. */
const MALFORMED_SINCE = since("2025-02-30", "2025-06-15");

// The operators order two strings as they are: their contract is that an ordered string is a
// valid date, which every evaluation keeps (docs/semantics.md, "Malformed values and the entry
// points"). Here each source of a date an ordering can meet, in a case that skipped validation
// with every date field holding a malformed date: the compiled evaluator (the operators' fast
// path) answers what the interpreter (`compare`, which finds such a string malformed) answers,
// and what the case with the date left out gets.
describe("an ordering meets only valid dates, whatever the case holds", () => {
  const schema = `schema dates "Dates"
record Visit "office visit" dated by date {
  date: date "date of the visit"
  booked: date "date the visit was booked"
  lead: duration "how long before the visit it was booked"
  notice: date = date - lead "date notice was due"
}
case {
  onset: date "date the pain began"
  visits: list of Visit "office visits"
}
item {
  code: code "requested procedure code"
  planned: date "date the procedure was planned"
}
`;
  const policy = checkInMemory(
    schema,
    `policy test.dates
  title "Dates"
  payer "Test"
  number "D-1"
  version "1"
  effective 2025-01-01

use "schema.pol"

codes c "code" = cpt { 99213 }
let first_visit "the first office visit" = earliest visits
let onset_plus "a month after the pain began" = onset + 1mo

rule r "rule" [R.1]
  for c
  require literal [R.1.1] "the pain began in 2025" onset >= 2025-01-01
  require service [R.1.2] "planned before the date of service" item.planned < date_of_service
  require shifted [R.1.3] "planned a month after the pain began" item.planned >= onset_plus
  require element [R.1.4] "every visit booked before it took place"
    no visits where booked > date
  require picked [R.1.5] "the first visit after the pain began" first_visit.date > onset
  require computed [R.1.6] "notice given before the booking" no visits where notice > booked
  require others [R.1.7] "planned after another line's plan"
    no other_items where planned > item.planned
`,
  );
  const valid = {
    date_of_service: "2025-06-01",
    onset: "2025-01-10",
    visits: [{ date: "2025-02-01", booked: "2025-01-20", lead: "14d" }],
    items: [{ code: "99213", planned: "2025-03-01" }, { code: "99213", planned: "2025-02-15" }],
  };
  const MALFORMED = ["2025-02-30", "2025-2-01", "garbage", "", " 2025-03-01", "9999-99-99", "2025-03-01T00:00:00Z", "0000-01-01", "zzzz"];
  const places: (readonly (string | number)[])[] = [["onset"], ["visits", 0, "date"], ["visits", 0, "booked"], ["items", 0, "planned"], ["items", 1, "planned"]];

  function withValue(path: readonly (string | number)[], value: unknown): Record<string, unknown> {
    const copy = structuredClone(valid) as Record<string, unknown>;
    let target = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
    if (value === undefined) delete target[path.at(-1)!];
    else target[path.at(-1)!] = value;
    return copy;
  }

  it("in the interpreter and the compiled evaluator, traced or not, and in decide", async () => {
    const compiled = await compileInMemory(policy);
    const decide = compiled.decide as unknown as (input: unknown) => string[];
    const outcomes = (input: Record<string, unknown>) => interpret(policy, input).items.map((item) => [item.outcome, item.missing.map((m) => m.fact)]);
    expect(outcomes(valid).map(([outcome]) => outcome)).toEqual(["approved", "denied"]);
    for (const path of places) {
      const omitted = outcomes(withValue(path, undefined));
      for (const bad of MALFORMED) {
        const input = withValue(path, bad);
        const named = `${path.join(".")} = ${JSON.stringify(bad)}`;
        expect(compiled.validate(input).ok, named).toBe(false);
        const expected = outcomes(input);
        expect(compiled.evaluate(input).items.map((item) => [item.outcome, item.missing.map((m) => m.fact)]), named).toEqual(expected);
        expect(compiled.evaluate(input, { trace: false }).items.map((item) => item.outcome), named).toEqual(expected.map(([outcome]) => outcome));
        expect(decide(input), named).toEqual(expected.map(([outcome]) => outcome));
        expect(expected, named).toEqual(omitted);
      }
    }
  });
});
