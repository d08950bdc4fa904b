// Calendar properties, checked against an independent oracle (test/support/oracle-dates.ts).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addDays,
  addDuration,
  addMonths,
  calendarYear,
  calendarYearStart,
  compareElapsed,
  daysBetween,
  inWindow,
  monthsBetween,
  parseIsoDate,
  planYear,
  planYearStart,
  since,
  Unknown,
  within,
  windowStart,
} from "@pol/runtime";
import {
  format,
  isLeap,
  monthLength,
  oracleAddDays,
  oracleAddMonths,
  oracleDaysBetween,
  oracleMonthsBetween,
  parse,
} from "../support/oracle-dates.js";
import { runs } from "../support/runs.js";

const year = fc.integer({ min: 1900, max: 2100 });
const anyDate = fc
  .record({ year, month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => format({ year, month, day: Math.min(day, monthLength(year, month)) }));
const monthEnd = fc
  .record({ year, month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => format({ year, month, day: monthLength(year, month) }));
const leapDay = year.filter(isLeap).map((y) => format({ year: y, month: 2, day: 29 }));
/** Dates from 1900-2100 with month ends and Feb 29 over-represented: where clamping bites. */
const date = fc.oneof(
  { arbitrary: anyDate, weight: 2 },
  { arbitrary: monthEnd, weight: 2 },
  { arbitrary: leapDay, weight: 1 },
);
const months = fc.integer({ min: -600, max: 600 });
const days = fc.integer({ min: -40_000, max: 40_000 });
const params = { numRuns: runs(500) };

describe("calendar properties", () => {
  it("agrees with the oracle on adding days and on days between dates", () => {
    fc.assert(
      fc.property(date, days, (d, n) => {
        expect(addDays(d, n)).toBe(oracleAddDays(d, n));
      }),
      params,
    );
    fc.assert(
      fc.property(date, date, (a, b) => {
        expect(daysBetween(a, b)).toBe(oracleDaysBetween(a, b));
      }),
      params,
    );
  });

  it("adds months keeping the day, clamped to the month's end (oracle)", () => {
    fc.assert(
      fc.property(date, months, (d, n) => {
        const result = addMonths(d, n);
        expect(result).toBe(oracleAddMonths(d, n));
        const before = parse(d);
        const after = parse(result);
        expect(after.day).toBe(Math.min(before.day, monthLength(after.year, after.month)));
      }),
      params,
    );
  });

  it("always produces valid ISO dates", () => {
    fc.assert(
      fc.property(date, months, days, (d, n, k) => {
        expect(parseIsoDate(addMonths(d, n))).toBeDefined();
        expect(parseIsoDate(addDays(d, k))).toBeDefined();
      }),
      params,
    );
  });

  it("counts whole months back: monthsBetween(d, d + n months) == n", () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 600 }), (d, n) => {
        expect(monthsBetween(d, addMonths(d, n))).toBe(n);
      }),
      params,
    );
  });

  it("agrees with the oracle's month walk and is antisymmetric", () => {
    const near = fc.tuple(date, fc.integer({ min: 0, max: 2000 }));
    fc.assert(
      fc.property(near, ([from, span]) => {
        const to = addDays(from, span);
        expect(monthsBetween(from, to)).toBe(oracleMonthsBetween(from, to));
        expect(monthsBetween(to, from) + monthsBetween(from, to)).toBe(0);
        expect(Object.is(monthsBetween(to, from), -0)).toBe(false);
      }),
      params,
    );
  });

  it("makes weeks 7 days and years 12 months", () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -500, max: 500 }), (d, n) => {
        expect(addDuration(d, n, "wk")).toBe(addDays(d, 7 * n));
        expect(addDuration(d, n, "y")).toBe(addMonths(d, 12 * n));
        expect(addDuration(d, n, "mo")).toBe(addMonths(d, n));
        expect(addDuration(d, n, "d")).toBe(addDays(d, n));
      }),
      params,
    );
  });

  it("closes windows at both ends", () => {
    const unit = fc.constantFrom("d" as const, "wk" as const, "mo" as const, "y" as const);
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 36 }), unit, days, (dos, amount, u, offset) => {
        const start = windowStart(dos, amount, u);
        expect(start).toBe(addDuration(dos, -amount, u));
        expect(inWindow(start, start, dos)).toBe(true);
        expect(inWindow(dos, start, dos)).toBe(true);
        expect(inWindow(addDays(start, -1), start, dos)).toBe(false);
        expect(inWindow(addDays(dos, 1), start, dos)).toBe(false);
        const event = addDays(dos, offset);
        const oracle = oracleDaysBetween(start, event) >= 0 && oracleDaysBetween(event, dos) >= 0;
        expect(inWindow(event, start, dos)).toBe(oracle);
      }),
      params,
    );
  });

  it("makes `time since d >= n` hold exactly when d + n <= dos", () => {
    fc.assert(
      fc.property(date, date, fc.integer({ min: 0, max: 120 }), (d, dos, n) => {
        const reached = oracleAddMonths(d, n);
        expect(compareElapsed(since(d, dos), ">=", n, "mo")).toBe(reached <= dos);
        expect(compareElapsed(since(d, dos), "<", n, "mo")).toBe(reached > dos);
        const inDays = oracleAddDays(d, n * 7);
        expect(compareElapsed(since(d, dos), ">", n, "wk")).toBe(inDays < dos);
        expect(compareElapsed(since(d, dos), "<=", n, "wk")).toBe(inDays >= dos);
      }),
      params,
    );
  });

  it("starts a calendar year on January 1 of the date of service's year", () => {
    fc.assert(
      fc.property(date, (dos) => {
        const start = calendarYearStart(dos);
        expect(start).toBe(format({ year: parse(dos).year, month: 1, day: 1 }));
        expect(calendarYear(dos)).toEqual({ start, end: dos });
      }),
      params,
    );
  });

  it("starts a plan year on the anniversary of its start that begins the year holding the date of service", () => {
    // Oracle: the anniversaries start + 12k months (the oracle's own month arithmetic); the plan
    // year holding dos is [a_k, a_k+1) with a_k <= dos < a_k+1.
    fc.assert(
      fc.property(date, date, (dos, start) => {
        const found = planYearStart(dos, start);
        const k = parse(found).year - parse(start).year;
        expect(found).toBe(oracleAddMonths(start, 12 * k));
        expect(found <= dos).toBe(true);
        expect(oracleAddMonths(start, 12 * (k + 1)) > dos).toBe(true);
      }),
      params,
    );
  });

  it("with an unknown plan year start, keeps exactly the dates every possible plan year keeps", () => {
    // A plan year holding dos starts on some day of (dos - 1y, dos]: a date is in for certain when
    // every such start keeps it, out when none does, and unknown otherwise.
    const unknown = new Unknown([{ fact: "plan_year_start", label: "first day of the plan year" }]);
    fc.assert(
      fc.property(date, fc.integer({ min: -800, max: 10 }), (dos, offset) => {
        const d = oracleAddDays(dos, offset);
        const window = planYear(dos, unknown);
        const answers = new Set<boolean>();
        for (let back = 0; back <= 366; back++) {
          const start = oracleAddDays(dos, -back);
          // Only starts whose plan year holds dos: start <= dos < start + 1y.
          if (!(oracleAddMonths(start, 12) > dos)) continue;
          answers.add(start <= d && d <= dos);
        }
        const result = within(d, window);
        if (answers.size === 1) expect(result).toBe([...answers][0]);
        else expect(result).toBeInstanceOf(Unknown);
      }),
      params,
    );
  });
});
