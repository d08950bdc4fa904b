import { describe, expect, it } from "vitest";
import {
  Unknown,
  and,
  compare,
  count,
  coverage,
  inWindow,
  isRange,
  isUnknown,
  none,
  pick,
  some,
  sum,
  windowStart,
  type Member,
  type Tri,
} from "@pol/runtime";

type Row = Record<string, unknown>;
const u = (fact: string) => new Unknown([{ fact, label: fact }]);
const factsOf = (value: unknown) => (isUnknown(value) ? value.missing.map((m) => m.fact) : value);
/** Each row says its own membership in `in` (true, false or an Unknown). */
const byFlag: Member = (row) => row.in as Tri;
const dateOf = (row: Row) => row.date;

describe("count", () => {
  it("is exact when every membership is known", () => {
    expect(count([{ in: true }, { in: false }, { in: true }], byFlag)).toBe(2);
    expect(count([], byFlag)).toBe(0);
  });
  it("is a range from definite to possible members", () => {
    const result = count([{ in: true }, { in: u("a") }, { in: false }, { in: u("b") }], byFlag);
    expect(result).toEqual({
      lo: 1,
      hi: 3,
      unknown: new Unknown([
        { fact: "a", label: "a" },
        { fact: "b", label: "b" },
      ]),
    });
  });
  it("is [0, ∞] for an unknown list", () => {
    const missing = u("procedures");
    expect(count(missing, byFlag)).toEqual({ lo: 0, hi: Infinity, unknown: missing });
  });

  describe("one event of unknown date makes `count within 12mo <= 3` unknown only if it could change the answer", () => {
    const dos = "2025-07-15";
    const start = windowStart(dos, 12, "mo");
    const inLastYear: Member = (row) => inWindow(field(row, "date"), start, dos);
    const field = (row: Row, name: string) => (row[name] === undefined ? u(`procedures.${name}`) : row[name]);
    const dated = (...dates: string[]) => dates.map((date) => ({ date }));

    it("stays decided with two known events: 3 at most either way", () => {
      const events = [...dated("2025-01-01", "2025-03-01"), {}];
      expect(compare("<=", count(events, inLastYear), 3)).toBe(true);
    });
    it("becomes unknown with three known events: it could be the fourth", () => {
      const events = [...dated("2025-01-01", "2025-03-01", "2025-05-01"), {}];
      expect(factsOf(compare("<=", count(events, inLastYear), 3))).toEqual(["procedures.date"]);
    });
    it("stays decided (false) with four known events", () => {
      const events = [...dated("2025-01-01", "2025-03-01", "2025-05-01", "2025-06-01"), {}];
      expect(compare("<=", count(events, inLastYear), 3)).toBe(false);
    });
    it("ignores known events outside the window", () => {
      const events = [...dated("2024-07-14", "2025-07-16", "2025-01-01"), {}];
      expect(count(events, inLastYear)).toMatchObject({ lo: 1, hi: 2 });
    });
  });
});

describe("some and no", () => {
  it("finds a definite member even when others are unknown", () => {
    expect(some([{ in: u("a") }, { in: true }], byFlag)).toBe(true);
    expect(none([{ in: u("a") }, { in: true }], byFlag)).toBe(false);
  });
  it("is unknown when only uncertain members could exist, false when none can", () => {
    expect(factsOf(some([{ in: false }, { in: u("a") }, { in: u("b") }], byFlag))).toEqual(["a", "b"]);
    expect(factsOf(none([{ in: u("a") }], byFlag))).toEqual(["a"]);
    expect(some([{ in: false }], byFlag)).toBe(false);
    expect(none([], byFlag)).toBe(true);
    expect(factsOf(some(u("therapies"), byFlag))).toEqual(["therapies"]);
  });
});

describe("sum", () => {
  const value = (row: Row) => row.days;
  it("adds member values exactly", () => {
    expect(
      sum(
        [
          { in: true, days: 14 },
          { in: false, days: 100 },
          { in: true, days: 28 },
        ],
        byFlag,
        value,
        true,
      ),
    ).toBe(42);
  });
  it("lets an uncertain member add 0 or its value", () => {
    const result = sum(
      [
        { in: true, days: 14 },
        { in: u("a"), days: 28 },
        { in: u("b"), days: -5 },
      ],
      byFlag,
      value,
      false,
    );
    expect(isRange(result) && [result.lo, result.hi, factsOf(result.unknown)]).toEqual([9, 42, ["a", "b"]]);
  });
  it("lets an unknown value add [0, ∞] for durations and (-∞, ∞) otherwise", () => {
    const rows = [
      { in: true, days: 14 },
      { in: true, days: u("v") },
    ];
    const durations = sum(rows, byFlag, value, true);
    expect(isRange(durations) && [durations.lo, durations.hi]).toEqual([14, Infinity]);
    const numbers = sum(rows, byFlag, value, false);
    expect(isRange(numbers) && [numbers.lo, numbers.hi]).toEqual([-Infinity, Infinity]);
    expect(compare(">=", durations, 14)).toBe(true);
  });
  it("is a range over an unknown list", () => {
    expect(sum(u("l"), byFlag, value, true)).toMatchObject({ lo: 0, hi: Infinity });
  });
});

describe("pick", () => {
  const a = { in: true, date: "2025-01-01", id: "a" };
  const b = { in: true, date: "2025-03-01", id: "b" };
  const c = { in: true, date: "2025-03-01", id: "c" };
  it("picks the latest and the earliest member", () => {
    expect(pick("latest", [b, a], byFlag, dateOf)).toBe(b);
    expect(pick("earliest", [b, a], byFlag, dateOf)).toBe(a);
    expect(pick("latest", [a, { ...b, in: false }], byFlag, dateOf)).toBe(a);
  });
  it("breaks ties in favour of the later element", () => {
    expect(pick("latest", [b, c], byFlag, dateOf)).toBe(c);
    expect(pick("latest", [c, b], byFlag, dateOf)).toBe(b);
    expect(pick("earliest", [b, c], byFlag, dateOf)).toBe(c);
  });
  it("is none for no members and unknown for an unknown list", () => {
    expect(pick("latest", [], byFlag, dateOf)).toBeNull();
    expect(pick("latest", [{ ...a, in: false }], byFlag, dateOf)).toBeNull();
    expect(factsOf(pick("latest", u("procedures"), byFlag, dateOf))).toEqual(["procedures"]);
  });
  it("is unknown only when an uncertain element could be the one", () => {
    const earlierMaybe = { in: u("m1"), date: "2024-12-01" };
    const laterMaybe = { in: u("m2"), date: "2025-04-01" };
    const undated = { in: true, date: u("d") };
    expect(pick("latest", [b, earlierMaybe], byFlag, dateOf)).toBe(b);
    expect(factsOf(pick("latest", [b, laterMaybe], byFlag, dateOf))).toEqual(["m2"]);
    expect(pick("earliest", [b, laterMaybe], byFlag, dateOf)).toBe(b);
    expect(factsOf(pick("latest", [b, undated, earlierMaybe], byFlag, dateOf))).toEqual(["d"]);
    expect(factsOf(pick("latest", [earlierMaybe], byFlag, dateOf))).toEqual(["m1"]);
  });
  it("applies the tie rule to uncertain elements too", () => {
    const tieBefore = { in: u("before"), date: "2025-03-01" };
    const tieAfter = { in: u("after"), date: "2025-03-01" };
    expect(pick("latest", [tieBefore, b], byFlag, dateOf)).toBe(b);
    expect(factsOf(pick("latest", [b, tieAfter], byFlag, dateOf))).toEqual(["after"]);
  });
});

describe("coverage", () => {
  const start = (row: Row) => row.start;
  const end = (row: Row) => row.end;
  const episode = (from: unknown, to: unknown, member: Tri = true) => ({ in: member, start: from, end: to });

  it("counts an episode as end minus start days", () => {
    expect(coverage([episode("2025-01-01", "2025-02-12")], byFlag, start, end, null)).toBe(42);
  });
  it("counts overlapping episodes once and adds disjoint ones", () => {
    const list = [
      episode("2025-01-01", "2025-01-31"),
      episode("2025-01-15", "2025-02-14"),
      episode("2025-03-01", "2025-03-11"),
      episode("2025-01-31", "2025-02-01"),
    ];
    expect(coverage(list, byFlag, start, end, null)).toBe(44 + 10);
  });
  it("clips episodes to the window", () => {
    const window = { start: "2025-01-10", end: "2025-01-20" };
    expect(coverage([episode("2025-01-01", "2025-02-01")], byFlag, start, end, window)).toBe(10);
    expect(coverage([episode("2025-01-15", "2025-02-01")], byFlag, start, end, window)).toBe(5);
    expect(coverage([episode("2024-12-01", "2025-01-05")], byFlag, start, end, window)).toBe(0);
  });
  it("ignores non-members and backwards episodes", () => {
    expect(
      coverage(
        [episode("2025-01-01", "2025-02-01", false), episode("2025-03-01", "2025-02-01")],
        byFlag,
        start,
        end,
        null,
      ),
    ).toBe(0);
  });
  it("gives a range for uncertain episodes, reaching to the window's edges", () => {
    const window = { start: "2025-01-01", end: "2025-04-01" };
    const list = [
      episode("2025-01-01", "2025-01-11"),
      episode("2025-02-01", u("t1.end")),
      episode(u("t2.start"), "2025-01-06"),
      episode("2025-03-01", "2025-03-02", u("t3")),
    ];
    const result = coverage(list, byFlag, start, end, window);
    // lo: only the definite 10 days. hi: Jan 1-11 ∪ Jan 1-6 = 10 days, plus Feb 1 - Apr 1 = 59 days.
    expect(isRange(result) && [result.lo, result.hi, factsOf(result.unknown)]).toEqual([
      10,
      69,
      ["t1.end", "t2.start", "t3"],
    ]);
  });
  it("bounds an unknown end by the date of service without a window, and an unknown start not at all", () => {
    const open = [episode("2025-01-01", u("end"))];
    expect(coverage(open, byFlag, start, end, null, "2025-01-31")).toMatchObject({ lo: 0, hi: 30 });
    expect(coverage(open, byFlag, start, end, null)).toMatchObject({ lo: 0, hi: Infinity });
    expect(coverage([episode(u("start"), "2025-01-31")], byFlag, start, end, null)).toMatchObject({
      lo: 0,
      hi: Infinity,
    });
  });
  it("never counts a day on or after the date of service, with a window or without", () => {
    const running = [episode("2025-01-01", "2025-03-01")];
    expect(coverage(running, byFlag, start, end, null, "2025-02-12")).toBe(42);
    expect(coverage(running, byFlag, start, end, null)).toBe(59);
    expect(coverage(running, byFlag, start, end, { start: "2024-12-01", end: "2025-02-12" }, "2025-02-12")).toBe(42);
    // An episode that starts on or after the date of service covers nothing yet.
    expect(coverage([episode("2025-02-12", "2025-04-01")], byFlag, start, end, null, "2025-02-12")).toBe(0);
    // A known end past the date of service counts exactly as much as an unknown end could.
    const open = coverage([episode("2025-01-01", u("end"))], byFlag, start, end, null, "2025-02-12");
    expect(isRange(open) && open.hi).toBe(coverage(running, byFlag, start, end, null, "2025-02-12"));
  });
  it("bounds an unknown list by the window's length", () => {
    expect(coverage(u("therapies"), byFlag, start, end, { start: "2025-01-01", end: "2025-02-01" })).toMatchObject({
      lo: 0,
      hi: 31,
    });
  });
  it("decides `coverage >= 6wk` when the uncertain episode cannot matter", () => {
    const list = [episode("2025-01-01", "2025-02-12"), episode("2025-05-01", "2025-05-03", u("m"))];
    expect(compare(">=", coverage(list, byFlag, start, end, null), 42)).toBe(true);
    expect(factsOf(compare(">=", coverage(list, byFlag, start, end, null), 43))).toEqual(["m"]);
  });
});

describe("fused members", () => {
  it("combine a filter and a window with Kleene and", () => {
    const dos = "2025-07-15";
    const from = windowStart(dos, 12, "mo");
    const member: Member = (row) => and(compare("==", row.site, "left"), inWindow(row.date, from, dos));
    const rows = [
      { site: "left", date: "2025-01-01" },
      { site: "right", date: u("r.date") },
      { site: u("s"), date: "2020-01-01" },
      { site: u("s2"), date: "2025-02-01" },
    ];
    expect(count(rows, member)).toMatchObject({ lo: 1, hi: 2, unknown: { missing: [{ fact: "s2", label: "s2" }] } });
  });
});
