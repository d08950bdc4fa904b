// `time since x` compared with a duration, as generated code asks it (`sinceAtLeast(x, dos, 2, "mo")`
// and the others): the date against bounds worked out once per date of service. It must answer
// exactly what `compareElapsed(since(x, dos), ...)` answers, which the interpreter still asks, and
// what CQL's calendar says, for every pair of dates: months clamped to the target month's end,
// weeks and days as fixed days, unknown and malformed dates unknown, dates after the date of
// service too.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  compareElapsed,
  since,
  sinceAtLeast,
  sinceAtMost,
  sinceEqual,
  sinceLessThan,
  sinceMoreThan,
  sinceNotEqual,
  Unknown,
  type CalendarUnit,
  type CompareOperator,
  type Tri,
} from "@pol/runtime";
import { format, oracleAddDays, oracleAddMonths } from "./support/oracle-dates.js";
import { property } from "./support/runs.js";

type SinceComparison = (date: unknown, dos: string, amount: number, unit: CalendarUnit) => Tri;

const COMPARISONS: [CompareOperator, SinceComparison][] = [
  [">=", sinceAtLeast],
  [">", sinceMoreThan],
  ["<=", sinceAtMost],
  ["<", sinceLessThan],
  ["==", sinceEqual],
  ["!=", sinceNotEqual],
];

/** `x + amount unit` by the oracle: UTC `Date` for days, months counted one by one and clamped. */
function oracleShift(x: string, amount: number, unit: CalendarUnit): string {
  if (unit === "d") return oracleAddDays(x, amount);
  if (unit === "wk") return oracleAddDays(x, amount * 7);
  return oracleAddMonths(x, unit === "y" ? amount * 12 : amount);
}

/** CQL: `time since x >= N` holds when x + N <= dos, and so on (ISO strings order as dates). */
function oracleAnswer(operator: CompareOperator, shifted: string, dos: string): boolean {
  switch (operator) {
    case ">=":
      return shifted <= dos;
    case ">":
      return shifted < dos;
    case "<=":
      return shifted >= dos;
    case "<":
      return shifted > dos;
    case "==":
      return shifted === dos;
    case "!=":
      return shifted !== dos;
  }
}

function datesFrom(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

const UNITS: CalendarUnit[] = ["d", "wk", "mo", "y"];

/** A valid date of years `from`..`to` (days past a month's end are that month's last day). */
function validDate(from: number, to: number): fc.Arbitrary<string> {
  const leap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return fc
    .record({ year: fc.integer({ min: from, max: to }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => format({ year, month, day: Math.min(day, month === 2 && leap(year) ? 29 : lengths[month - 1]!) }));
}

/** A date of service, an amount and unit, and a date either anywhere or within a few days of the
 *  date that far before the date of service (where the answers turn). */
function sinceCase(from: number, to: number) {
  return fc
    .record({
      dos: validDate(from, to),
      amount: fc.integer({ min: 0, max: 40 }),
      unit: fc.constantFrom(...UNITS),
      nudge: fc.option(fc.integer({ min: -4, max: 4 }), { freq: 4 }),
      anywhere: validDate(from, to),
    })
    .map(({ dos, amount, unit, nudge, anywhere }) => {
      const days = unit === "wk" ? amount * 7 : amount;
      const back = unit === "d" || unit === "wk" ? oracleAddDays(dos, -days) : oracleAddMonths(dos, unit === "y" ? -12 * amount : -amount);
      return { dos, amount, unit, x: nudge === null ? anywhere : oracleAddDays(back, nudge) };
    });
}

describe("time since compared by bounds per date of service", () => {
  it("answers what the calendar oracle answers (years 1010-9000, so nothing clamps at the supported years)", () => {
    fc.assert(
      fc.property(sinceCase(1010, 9000), ({ x, dos, amount, unit }) => {
        const shifted = oracleShift(x, amount, unit);
        for (const [operator, comparison] of COMPARISONS) {
          expect(comparison(x, dos, amount, unit), `${x} ${operator} ${amount}${unit} on ${dos}`).toBe(oracleAnswer(operator, shifted, dos));
        }
      }),
      property("time since by bounds = oracle", 2000),
    );
  });

  it("answers what since and compareElapsed answer, near the dates of service and at the supported years' ends", () => {
    const edges = fc.constantFrom("0001-01-01", "0001-01-31", "0001-02-28", "0001-12-31", "9999-12-31", "9999-12-30", "9999-11-30", "9999-02-28");
    const date = fc.oneof(validDate(1, 9999), validDate(1, 3), validDate(9997, 9999), edges);
    const near = sinceCase(1010, 9000).map(({ x, dos, amount, unit }) => [x, dos, amount, unit] as const);
    const anywhere = fc.tuple(date, date, fc.integer({ min: 0, max: 1300 }), fc.constantFrom(...UNITS));
    fc.assert(
      fc.property(fc.oneof(near, anywhere), ([x, dos, amount, unit]) => {
        for (const [operator, comparison] of COMPARISONS) {
          expect(comparison(x, dos, amount, unit)).toBe(compareElapsed(since(x, dos), operator, amount, unit));
        }
      }),
      property("time since by bounds = since + compareElapsed", 2000),
    );
  });

  // Every pair of dates of two years holding a leap day and every month's end, for each unit
  // and operator: against the oracle and against `since` + `compareElapsed`.
  const dates = datesFrom("2023-07-01", "2025-06-30");
  it.each([
    [1, "d"],
    [4, "wk"],
    [1, "mo"],
    [2, "mo"],
    [1, "y"],
  ] as [number, CalendarUnit][])("every pair of dates from 2023-07-01 to 2025-06-30, %i%s", (amount, unit) => {
    const shifted = dates.map((x) => oracleShift(x, amount, unit));
    let wrong = 0;
    let first = "";
    for (const dos of dates) {
      for (let i = 0; i < dates.length; i++) {
        const x = dates[i]!;
        const elapsed = since(x, dos);
        for (const [operator, comparison] of COMPARISONS) {
          const answer = comparison(x, dos, amount, unit);
          if (answer !== oracleAnswer(operator, shifted[i]!, dos) || answer !== compareElapsed(elapsed, operator, amount, unit)) {
            if (wrong++ === 0) first = `time since ${x} ${operator} ${amount}${unit} on ${dos}: ${String(answer)}`;
          }
        }
      }
    }
    expect(first).toBe("");
    expect(wrong).toBe(0);
  });

  it("takes the month's end as CQL does: at least 2 months since Jan 31 is reached on Mar 31, and on Feb 29 from Dec 31", () => {
    expect(sinceAtLeast("2025-01-31", "2025-03-30", 2, "mo")).toBe(false);
    expect(sinceAtLeast("2025-01-31", "2025-03-31", 2, "mo")).toBe(true);
    expect(sinceAtLeast("2027-12-31", "2028-02-28", 2, "mo")).toBe(false);
    expect(sinceAtLeast("2027-12-31", "2028-02-29", 2, "mo")).toBe(true);
    expect(sinceAtLeast("2025-01-29", "2025-02-28", 1, "mo")).toBe(true);
    expect(sinceEqual("2025-01-31", "2025-02-28", 1, "mo")).toBe(true);
    expect(sinceMoreThan("2025-01-31", "2025-02-28", 1, "mo")).toBe(false);
    // A date after the date of service: no time has passed, and never a negative amount's worth.
    expect(sinceAtLeast("2025-04-01", "2025-03-31", 0, "d")).toBe(false);
    expect(sinceLessThan("2025-04-01", "2025-03-31", 0, "d")).toBe(true);
  });

  it("keeps an unknown date unknown, a malformed one malformed, and none false, as since does", () => {
    const gone = new Unknown([{ fact: "pain_onset", label: "date the pain began" }]);
    for (const [operator, comparison] of COMPARISONS) {
      for (const date of [gone, "2025-02-29", "2025-1-01", 20250101, true, null, undefined]) {
        expect(comparison(date, "2025-03-31", 2, "mo")).toBe(compareElapsed(since(date, "2025-03-31"), operator, 2, "mo"));
      }
      expect(comparison(gone, "2025-03-31", 2, "mo")).toBe(gone);
      expect(comparison("2025-02-29", "2025-03-31", 2, "mo")).toBe(since("2025-02-29", "2025-03-31"));
      expect(comparison("2025-02-29", "2025-03-31", 2, "mo")).toBeInstanceOf(Unknown);
      expect(comparison(null, "2025-03-31", 2, "mo")).toBe(false);
      // A date of service that is not a valid date (never one a decision gets to) and an amount
      // that is not whole take the general path too.
      expect(comparison("2025-01-01", "2025-02-30", 2, "mo")).toBe(compareElapsed(since("2025-01-01", "2025-02-30"), operator, 2, "mo"));
      expect(comparison("2025-01-01", "2025-03-31", 1.5, "d")).toBe(compareElapsed(since("2025-01-01", "2025-03-31"), operator, 1.5, "d"));
    }
  });
});
