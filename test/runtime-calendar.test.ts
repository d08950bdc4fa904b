import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Unknown,
  addDays,
  addDuration,
  addMonths,
  between,
  compareElapsed,
  dateDifference,
  daysBetween,
  inWindow,
  isUnknown,
  monthsBetween,
  overlapsWindow,
  parseDuration,
  parseIsoDate,
  shiftDate,
  shiftDays,
  since,
  windowStart,
  type CompareOperator,
} from "@pol/runtime";

const gone = new Unknown([{ fact: "pain_onset", label: "date the pain began" }]);

describe("parseIsoDate", () => {
  it.each(["2025-01-01", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2025-04-30"])(
    "accepts %s",
    (text) => {
      expect(parseIsoDate(text)).toBe(text);
    },
  );
  it.each([
    "2025-13-01",
    "2025-00-10",
    "2025-02-29",
    "1900-02-29",
    "2100-02-29",
    "2025-04-31",
    "2025-01-00",
    "0000-01-01",
    "2025-1-01",
    "2025/01/01",
    " 2025-01-01",
    "2025-01-01T00:00",
    "",
    "abcd-ef-gh",
  ])("rejects %j", (text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });
});

describe("month arithmetic clamps to the month's end", () => {
  it.each([
    ["2025-01-31", 1, "2025-02-28"],
    ["2024-01-31", 1, "2024-02-29"],
    ["2025-03-31", -1, "2025-02-28"],
    ["2024-03-31", -1, "2024-02-29"],
    ["2024-02-29", 12, "2025-02-28"],
    ["2024-02-29", 48, "2028-02-29"],
    ["2024-12-31", 2, "2025-02-28"],
    ["2025-12-31", 2, "2026-02-28"],
    ["2025-05-31", 1, "2025-06-30"],
    ["2025-01-15", 1, "2025-02-15"],
    ["2025-01-15", -1, "2024-12-15"],
    ["2025-01-31", -2, "2024-11-30"],
    ["2025-07-01", -12, "2024-07-01"],
    ["2025-08-31", 0, "2025-08-31"],
  ])("%s %+d months = %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it("does not carry the clamped day into later months (Jan 31 + 1 + 1 != Jan 31 + 2)", () => {
    expect(addMonths(addMonths("2025-01-31", 1), 1)).toBe("2025-03-28");
    expect(addMonths("2025-01-31", 2)).toBe("2025-03-31");
  });

  it("treats a year as 12 months and a week as 7 days", () => {
    expect(addDuration("2024-02-29", 1, "y")).toBe("2025-02-28");
    expect(addDuration("2024-02-29", 4, "y")).toBe("2028-02-29");
    expect(addDuration("2025-02-22", 1, "wk")).toBe("2025-03-01");
    expect(addDuration("2024-02-22", 1, "wk")).toBe("2024-02-29");
    expect(addDuration("2025-01-01", 42, "d")).toBe("2025-02-12");
    expect(addDuration("2025-03-31", -1, "mo")).toBe("2025-02-28");
  });
});

describe("a date shifted by a computed duration (`date + relief_duration`)", () => {
  const duration = new Unknown([{ fact: "procedures[0].relief_duration", label: "how long the relief lasted" }]);
  it("moves by whole days of a known duration", () => {
    expect(shiftDays("2025-01-01", 1, 1.5)).toBe("2025-01-02");
    expect(shiftDays("2025-01-01", -1, 31)).toBe("2024-12-01");
  });
  it("is unknown when the duration is, never a date computed from a missing amount", () => {
    expect(shiftDays("2025-01-01", 1, duration)).toBe(duration);
    expect(shiftDays(gone, 1, duration)).toEqual(new Unknown([...gone.missing, ...duration.missing]));
  });
  it("is none for an event that does not exist or a duration that is none", () => {
    expect(shiftDays(null, 1, duration)).toBeNull();
    expect(shiftDays("2025-01-01", 1, null)).toBeNull();
  });
  it("is unknown (malformed) for a duration that is not a finite number", () => {
    expect(isUnknown(shiftDays("2025-01-01", 1, Number.NaN))).toBe(true);
    expect(isUnknown(shiftDays("2025-01-01", 1, "3"))).toBe(true);
  });
});

describe("day arithmetic", () => {
  it("crosses month, year and leap boundaries", () => {
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-02-28", 1)).toBe("2025-03-01");
    expect(addDays("2000-03-01", -1)).toBe("2000-02-29");
    expect(addDays("1900-03-01", -1)).toBe("1900-02-28");
    expect(addDays("1970-01-01", -1)).toBe("1969-12-31");
    expect(addDays("2025-01-01", 365)).toBe("2026-01-01");
  });
  it("counts days between dates, signed", () => {
    expect(daysBetween("2025-01-01", "2025-02-12")).toBe(42);
    expect(daysBetween("2025-02-12", "2025-01-01")).toBe(-42);
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
    expect(daysBetween("0001-01-01", "9999-12-31")).toBe(3652058);
  });
  it("keeps results inside the ISO years it can write", () => {
    expect(addDays("0001-01-01", -1)).toBe("0001-01-01");
    expect(addMonths("9999-12-31", 1)).toBe("9999-12-31");
    expect(windowStart("0001-06-01", 1, "y")).toBe("0001-01-01");
  });
  it("subtracts dates into days and propagates none and unknown", () => {
    expect(dateDifference("2025-03-01", "2025-02-01")).toBe(28);
    expect(dateDifference(null, "2025-02-01")).toBeNull();
    expect(dateDifference(gone, "2025-02-01")).toBe(gone);
    expect(shiftDate("2025-01-31", 1, 1, "mo")).toBe("2025-02-28");
    expect(shiftDate("2025-03-08", -1, 1, "wk")).toBe("2025-03-01");
    expect(shiftDate(null, 1, 1, "mo")).toBeNull();
    expect(shiftDate(gone, 1, 1, "mo")).toBe(gone);
  });
});

describe("monthsBetween", () => {
  it.each([
    ["2025-01-31", "2025-02-28", 1],
    ["2025-01-31", "2025-02-27", 0],
    ["2024-01-31", "2024-02-28", 0],
    ["2024-01-31", "2024-02-29", 1],
    ["2025-01-15", "2025-03-14", 1],
    ["2025-01-15", "2025-03-15", 2],
    ["2024-02-29", "2025-02-28", 12],
    ["2025-01-01", "2025-01-01", 0],
    ["2025-03-15", "2025-01-15", -2],
    ["2025-02-28", "2025-01-31", -1],
  ])("from %s to %s is %d", (from, to, months) => {
    expect(monthsBetween(from, to)).toBe(months);
  });
});

describe("windows", () => {
  it("starts the window at dos minus the amount, clamped", () => {
    expect(windowStart("2025-07-15", 12, "mo")).toBe("2024-07-15");
    expect(windowStart("2025-03-31", 1, "mo")).toBe("2025-02-28");
    expect(windowStart("2025-07-15", 6, "wk")).toBe("2025-06-03");
    expect(windowStart("2025-03-01", 1, "y")).toBe("2024-03-01");
  });
  it("is closed at both ends", () => {
    expect(inWindow("2024-07-15", "2024-07-15", "2025-07-15")).toBe(true);
    expect(inWindow("2025-07-15", "2024-07-15", "2025-07-15")).toBe(true);
    expect(inWindow("2024-07-14", "2024-07-15", "2025-07-15")).toBe(false);
    expect(inWindow("2025-07-16", "2024-07-15", "2025-07-15")).toBe(false);
    expect(inWindow(null, "2024-07-15", "2025-07-15")).toBe(false);
    expect(inWindow(gone, "2024-07-15", "2025-07-15")).toBe(gone);
  });
  it("keeps an episode that overlaps the window, even by one day at either edge", () => {
    const [start, end] = ["2025-01-01", "2025-06-30"];
    expect(overlapsWindow("2024-06-01", "2025-01-01", start, end)).toBe(true);
    expect(overlapsWindow("2025-06-30", "2025-09-01", start, end)).toBe(true);
    expect(overlapsWindow("2024-06-01", "2024-12-31", start, end)).toBe(false);
    expect(overlapsWindow("2025-07-01", "2025-09-01", start, end)).toBe(false);
    expect(overlapsWindow("2024-01-01", "2026-01-01", start, end)).toBe(true);
  });
  it("decides an episode with one unknown end when the known end settles it", () => {
    const [start, end] = ["2025-01-01", "2025-06-30"];
    expect(overlapsWindow("2025-07-01", gone, start, end)).toBe(false);
    expect(overlapsWindow(gone, "2024-12-31", start, end)).toBe(false);
    expect(overlapsWindow("2025-02-01", gone, start, end)).toBe(gone);
    expect(overlapsWindow(gone, "2025-02-01", start, end)).toBe(gone);
    const other = new Unknown([{ fact: "therapies[0].end", label: "end" }]);
    const both = overlapsWindow(gone, other, start, end);
    expect(isUnknown(both) && both.missing.map((m) => m.fact)).toEqual(["pain_onset", "therapies[0].end"]);
  });
});

describe("elapsed time", () => {
  const cases: [CompareOperator, string, boolean][] = [
    // 2025-01-31 + 1mo = 2025-02-28
    [">=", "2025-02-28", true],
    [">=", "2025-02-27", false],
    [">", "2025-02-28", false],
    [">", "2025-03-01", true],
    ["<=", "2025-02-28", true],
    ["<=", "2025-03-01", false],
    ["<", "2025-02-28", false],
    ["<", "2025-02-27", true],
    ["==", "2025-02-28", true],
    ["==", "2025-03-01", false],
    ["!=", "2025-02-28", false],
    ["!=", "2025-03-01", true],
  ];
  it.each(cases)("time since 2025-01-31 %s 1mo on %s is %s", (operator, dos, expected) => {
    expect(compareElapsed(since("2025-01-31", dos), operator, 1, "mo")).toBe(expected);
  });

  it("counts fixed durations exactly in days", () => {
    const elapsed = since("2025-01-01", "2025-02-12"); // 42 days
    expect(compareElapsed(elapsed, ">=", 6, "wk")).toBe(true);
    expect(compareElapsed(elapsed, ">", 6, "wk")).toBe(false);
    expect(compareElapsed(elapsed, ">=", 43, "d")).toBe(false);
    expect(compareElapsed(elapsed, "<", 43, "d")).toBe(true);
    expect(compareElapsed(elapsed, "==", 42, "d")).toBe(true);
  });

  it("makes a date after the date of service a negative elapsed time", () => {
    const elapsed = since("2025-03-01", "2025-02-01");
    expect(compareElapsed(elapsed, ">=", 1, "d")).toBe(false);
    expect(compareElapsed(elapsed, ">", 1, "d")).toBe(false);
    expect(compareElapsed(elapsed, ">=", 0, "d")).toBe(false);
    expect(compareElapsed(elapsed, "<=", 1, "d")).toBe(true);
    expect(compareElapsed(elapsed, "<", 1, "mo")).toBe(true);
  });

  it("orders `time between` earlier first", () => {
    expect(between("2025-03-01", "2025-01-01")).toEqual({ from: "2025-01-01", to: "2025-03-01" });
    expect(compareElapsed(between("2025-03-01", "2025-01-01"), ">=", 2, "mo")).toBe(true);
  });

  it("is false for none and unknown for an unknown date", () => {
    expect(since(null, "2025-01-01")).toBeNull();
    expect(compareElapsed(since(null, "2025-01-01"), "<=", 1, "y")).toBe(false);
    expect(compareElapsed(since(gone, "2025-01-01"), ">=", 1, "y")).toBe(gone);
    expect(between("2025-01-01", null)).toBeNull();
    const other = new Unknown([{ fact: "x", label: "x" }]);
    const both = between(gone, other);
    expect(isUnknown(both) && both.missing.map((m) => m.fact)).toEqual(["pain_onset", "x"]);
  });
});

describe("parseDuration", () => {
  it.each([
    ["42d", 42],
    ["0d", 0],
    ["6wk", 42],
    ["1wk", 7],
  ])("%s is %d days", (text, days) => {
    expect(parseDuration(text)).toBe(days);
  });
  it.each(["2mo", "1y", "-3d", "3", "3 d", "1.5wk", "d", "", "6WK", "6w"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("compareElapsed without building dates", () => {
  // The comparison works on integers in date order; it must agree with adding the duration to
  // the earlier date and comparing the ISO strings, clamping at the ends of the supported years.
  const day = fc.integer({ min: 0, max: 3_652_058 }).map((n) => addDays("0001-01-01", n));
  const nearEnds = fc.constantFrom("0001-01-01", "0001-02-28", "9999-12-31", "9999-11-30", "2024-02-29", "2025-01-31");
  const date = fc.oneof(day, nearEnds);
  const operators: CompareOperator[] = ["==", "!=", "<", "<=", ">", ">="];
  it("agrees with the date arithmetic for every operator and unit", () => {
    fc.assert(
      fc.property(
        date,
        date,
        fc.constantFrom(...operators),
        fc.integer({ min: 0, max: 130_000 }),
        fc.constantFrom("d" as const, "wk" as const, "mo" as const, "y" as const),
        (a, b, operator, amount, unit) => {
          const [from, to] = a <= b ? [a, b] : [b, a];
          const reached = addDuration(from, amount, unit);
          const expected = { "==": reached === to, "!=": reached !== to, "<": reached > to, "<=": reached >= to, ">": reached < to, ">=": reached <= to }[operator];
          expect(compareElapsed({ from, to }, operator, amount, unit)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
