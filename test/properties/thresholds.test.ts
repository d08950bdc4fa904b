// Thresholds are exact (docs/language.md, "Semantics"): for every comparison operator, with the
// literal on either side, random values at, just below, just above and away from random
// boundaries get the outcome the mathematical comparison gives, in the interpreter and in the
// compiled evaluator alike. Expected answers never come from @pol/runtime: numbers are compared
// as integers (halves, tenths of a percent, days) and dates through test/support/oracle-dates.ts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpret } from "../../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../../src/model.js";
import type { CompareOperator, Determination } from "@pol/runtime";
import { checkInMemory, compileInMemory, type CompiledEvaluator } from "../support/compile-in-memory.js";
import { monthLength, oracleAddDays, oracleAddMonths, oracleDaysBetween, parse } from "../support/oracle-dates.js";
import { property } from "../support/runs.js";

const OPERATORS: CompareOperator[] = [">=", ">", "<=", "<", "==", "!="];

const SCHEMA = `schema thresholds "Threshold tests"
case {
  note: text "a case-level note"
}
item {
  code: code "requested procedure code"
  score: number "a score"
  relief: percent "percent relief"
  wait: duration "a waiting time"
  onset: date "a date"
}
`;

/** What one criterion compares: `item.FIELD OP LITERAL` (or the literal first), or `time since`. */
type Kind = "number" | "percent" | "duration" | "date" | "since";
const KINDS: Kind[] = ["number", "percent", "duration", "date", "since"];
type CalendarUnit = "d" | "wk" | "mo" | "y";

/** The random boundaries of one run: one literal per kind. */
interface Boundaries {
  /** Integer. */
  number: number;
  /** Tenths of a percent, 0-1000. */
  percentTenths: number;
  /** Days, written in weeks when `inWeeks`. */
  durationDays: number;
  durationInWeeks: boolean;
  date: string;
  since: { amount: number; unit: CalendarUnit };
}

/** A value for the non-literal side, and its key: comparing keys as integers is the expected answer. */
interface Sample {
  json: unknown;
  key: number;
}

const MATH: Record<CompareOperator, (a: number, b: number) => boolean> = {
  ">=": (a, b) => a >= b,
  ">": (a, b) => a > b,
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

function tenthsText(tenths: number): string {
  return tenths % 10 === 0 ? String(tenths / 10) : `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** The literal as written in the policy, and its key. */
function literalOf(kind: Kind, b: Boundaries): { text: string; key: number } {
  switch (kind) {
    case "number":
      return { text: String(b.number), key: b.number * 2 };
    case "percent":
      return { text: `${tenthsText(b.percentTenths)}%`, key: b.percentTenths };
    case "duration":
      return { text: b.durationInWeeks ? `${b.durationDays / 7}wk` : `${b.durationDays}d`, key: b.durationDays };
    case "date":
      return { text: b.date, key: 0 };
    case "since":
      return { text: `${b.since.amount}${b.since.unit}`, key: 0 };
  }
}

function operandOf(kind: Kind): string {
  const field = { number: "item.score", percent: "item.relief", duration: "item.wait", date: "item.onset", since: "" }[kind];
  return kind === "since" ? "time since item.onset" : field;
}

interface Criterion {
  code: string;
  kind: Kind;
  operator: CompareOperator;
  literalFirst: boolean;
  source: string;
}

/** One rule per kind, operator and side, each bound to a code of its own. */
function criteriaOf(b: Boundaries): Criterion[] {
  const criteria: Criterion[] = [];
  for (const kind of KINDS) {
    for (const operator of OPERATORS) {
      for (const literalFirst of [false, true]) {
        const literal = literalOf(kind, b).text;
        const operand = operandOf(kind);
        const source = literalFirst ? `${literal} ${operator} ${operand}` : `${operand} ${operator} ${literal}`;
        criteria.push({ code: String(10000 + criteria.length), kind, operator, literalFirst, source });
      }
    }
  }
  return criteria;
}

function policySource(criteria: Criterion[]): string {
  const rules = criteria.map(
    (c, i) => `codes c${i} "code ${c.code}" = cpt { ${c.code} }
rule r${i} "rule ${i}" [R.${i}]
  for c${i}
  require T${i} [R.${i}.1] "threshold ${i}"
    ${c.source}
`,
  );
  return `policy test.thresholds
  title "Thresholds"
  payer "Test"
  number "T-1"
  version "1"
  effective 1900-01-01

use "schema.pol"

${rules.join("\n")}`;
}

// ---------------------------------------------------------------------------------------------
// Values around the boundaries

const near = fc.integer({ min: -2, max: 2 });

function civil(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Any day of 2000-2030, with month ends and Feb 29 over-represented (where clamping happens). */
const anyDate = fc.oneof(
  fc
    .record({ year: fc.integer({ min: 2000, max: 2030 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => civil(year, month, Math.min(day, monthLength(year, month)))),
  fc
    .record({ year: fc.integer({ min: 2000, max: 2030 }), month: fc.integer({ min: 1, max: 12 }) })
    .map(({ year, month }) => civil(year, month, monthLength(year, month))),
  fc.constantFrom("2020-02-29", "2024-02-29", "2028-02-29"),
);

const boundaries: fc.Arbitrary<Boundaries> = fc.record({
  number: fc.integer({ min: 0, max: 200 }),
  percentTenths: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0, 500, 625, 750, 1000)),
  durationDays: fc.integer({ min: 0, max: 60 }).chain((w) => fc.constantFrom(w * 7, w * 7 + 3)),
  durationInWeeks: fc.boolean(),
  date: anyDate,
  since: fc.record({ amount: fc.integer({ min: 0, max: 40 }), unit: fc.constantFrom<CalendarUnit>("d", "wk", "mo", "y") }),
}).map((b) => ({ ...b, durationInWeeks: b.durationInWeeks && b.durationDays % 7 === 0 }));

/** `from + amount unit`, by the oracle. */
function reached(from: string, since: Boundaries["since"]): string {
  switch (since.unit) {
    case "d":
      return oracleAddDays(from, since.amount);
    case "wk":
      return oracleAddDays(from, since.amount * 7);
    case "mo":
      return oracleAddMonths(from, since.amount);
    case "y":
      return oracleAddMonths(from, since.amount * 12);
  }
}

/** Dates `onset` for which `onset + amount` lands on, or next to, the date of service. */
function onsetsNear(dos: string, since: Boundaries["since"], nudges: number[]): string[] {
  const back = { ...since, amount: -since.amount };
  const onsets = nudges.map((n) => oracleAddDays(reached(dos, back), n));
  // A month end before the date of service: clamping makes `onset + N months` land on it or before.
  const { year, month } = parse(reached(dos, back));
  onsets.push(civil(year, month, monthLength(year, month)));
  return onsets;
}

/** Values of each kind for one run: the boundary, its neighbours, and random ones. */
interface Values {
  dos: string;
  number: number[];
  percentTenths: number[];
  durationDays: number[];
  dateOffsets: number[];
  onsetNudges: number[];
  randomOnsets: number[];
}

const values: fc.Arbitrary<Values> = fc.record({
  dos: anyDate,
  number: fc.array(fc.integer({ min: -10, max: 420 }), { maxLength: 3 }),
  percentTenths: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 3 }),
  durationDays: fc.array(fc.integer({ min: 0, max: 450 }), { maxLength: 3 }),
  dateOffsets: fc.array(fc.integer({ min: -800, max: 800 }), { maxLength: 3 }),
  onsetNudges: fc.array(near, { minLength: 1, maxLength: 3 }),
  randomOnsets: fc.array(fc.integer({ min: -1500, max: 30 }), { maxLength: 3 }),
});

/** The samples for one kind: at, just below, just above the boundary, and the run's random ones. */
function samplesOf(kind: Kind, b: Boundaries, v: Values): Sample[] {
  switch (kind) {
    case "number": {
      // Halves: the field takes fractions, and `7` must split 6.5 from 7 and 7 from 7.5.
      const halves = [2 * b.number - 2, 2 * b.number - 1, 2 * b.number, 2 * b.number + 1, 2 * b.number + 2, ...v.number];
      return halves.map((h) => ({ json: h / 2, key: h }));
    }
    case "percent": {
      const tenths = [b.percentTenths - 1, b.percentTenths, b.percentTenths + 1, ...v.percentTenths].filter((t) => t >= 0 && t <= 1000);
      return tenths.map((t) => ({ json: t / 10, key: t }));
    }
    case "duration": {
      const days = [b.durationDays - 1, b.durationDays, b.durationDays + 1, ...v.durationDays].filter((d) => d >= 0);
      // Durations are text in a case; weeks when they divide, so both spellings are read.
      return days.map((d) => ({ json: d % 7 === 0 && d % 2 === 0 ? `${d / 7}wk` : `${d}d`, key: d }));
    }
    case "date": {
      const offsets = [-1, 0, 1, ...v.dateOffsets];
      return offsets.map((offset) => {
        const date = oracleAddDays(b.date, offset);
        return { json: date, key: oracleDaysBetween(b.date, date) };
      });
    }
    case "since": {
      const onsets = [
        ...onsetsNear(v.dos, b.since, v.onsetNudges),
        ...v.randomOnsets.map((days) => oracleAddDays(v.dos, days)),
      ];
      // `time since onset OP N` holds exactly when `dos OP onset + N` does.
      return onsets.map((onset) => ({ json: onset, key: oracleDaysBetween(reached(onset, b.since), v.dos) }));
    }
  }
}

const FIELD: Record<Kind, string> = { number: "score", percent: "relief", duration: "wait", date: "onset", since: "onset" };

interface Expectation {
  description: string;
  outcome: "approved" | "denied";
}

/** One item per (criterion, sample), and what each must get. */
function caseOf(criteria: Criterion[], b: Boundaries, v: Values): { input: Record<string, unknown>; expected: Expectation[] } {
  const items: Record<string, unknown>[] = [];
  const expected: Expectation[] = [];
  for (const criterion of criteria) {
    const literal = literalOf(criterion.kind, b).key;
    for (const sample of samplesOf(criterion.kind, b, v)) {
      const holds = criterion.literalFirst
        ? MATH[criterion.operator](literal, sample.key)
        : MATH[criterion.operator](sample.key, literal);
      items.push({ code: criterion.code, [FIELD[criterion.kind]]: sample.json });
      expected.push({
        description: `\`${criterion.source}\` with ${FIELD[criterion.kind]} ${JSON.stringify(sample.json)} on ${v.dos}`,
        outcome: holds ? "approved" : "denied",
      });
    }
  }
  return { input: { date_of_service: v.dos, items }, expected };
}

function mismatches(label: string, determination: Determination, expected: Expectation[]): string[] {
  return expected.flatMap((e, i) => {
    const got = determination.items[i]?.outcome;
    return got === e.outcome ? [] : [`${label}: ${e.description}: expected ${e.outcome}, got ${got}`];
  });
}

/** Boundaries where bugs hide: 0%, fractional and whole percents, 100%, weeks, and calendar units. */
const FIXED: Boundaries[] = [
  { number: 0, percentTenths: 625, durationDays: 42, durationInWeeks: true, date: "2024-02-29", since: { amount: 2, unit: "mo" } },
  { number: 7, percentTenths: 750, durationDays: 14, durationInWeeks: false, date: "2025-01-31", since: { amount: 1, unit: "y" } },
  { number: 1, percentTenths: 0, durationDays: 0, durationInWeeks: false, date: "2024-12-31", since: { amount: 6, unit: "wk" } },
  { number: 10, percentTenths: 1000, durationDays: 7, durationInWeeks: true, date: "2025-03-01", since: { amount: 13, unit: "mo" } },
];

/** A run's problems, from both evaluators: an empty list when every item got its expected outcome. */
function problemsOf(policy: CheckedPolicy, compiled: CompiledEvaluator, criteria: Criterion[], b: Boundaries, v: Values): string[] {
  const { input, expected } = caseOf(criteria, b, v);
  return [
    ...mismatches("interpreter", interpret(policy, input), expected),
    ...mismatches("compiled", compiled.evaluate(input), expected),
  ].slice(0, 10);
}

describe("thresholds are exact in the interpreter and the compiled evaluator", () => {
  it("random boundaries: every operator, both sides, numbers, fractional percents, durations, dates, time since", async () => {
    await fc.assert(
      fc.asyncProperty(boundaries, values, async (b, v) => {
        const criteria = criteriaOf(b);
        const policy = checkInMemory(SCHEMA, policySource(criteria));
        expect(problemsOf(policy, await compileInMemory(policy), criteria, b, v)).toEqual([]);
      }),
      property("thresholds: random boundaries, every operator and literal kind", 6),
    );
  });

  it.each(FIXED.map((b) => [literalsOf(b), b] as const))("fixed boundaries %s: random values", async (_name, b) => {
    const criteria = criteriaOf(b);
    const policy = checkInMemory(SCHEMA, policySource(criteria));
    const compiled = await compileInMemory(policy);
    fc.assert(
      fc.property(values, (v) => {
        expect(problemsOf(policy, compiled, criteria, b, v)).toEqual([]);
      }),
      property(`thresholds: fixed boundaries ${literalsOf(b)}`, 25),
    );
  });
});

function literalsOf(b: Boundaries): string {
  return KINDS.map((kind) => literalOf(kind, b).text).join(", ");
}
