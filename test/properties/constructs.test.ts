// Properties of the counting and ordering constructs against independent oracles:
// - months of coverage (`coverage of L within 6mo >= 3mo`) against a day-by-day count and the
//   oracle calendar, with dates of service weighted to month ends;
// - distinct counts over uncertain members against every completion of the unknowns (the range
//   holds every completion's count and its bounds are reached);
// - ordinal selection against sorting every completion: a known selection is the selection of
//   every completion.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Unknown, coverage, distinctCount, isRange, selectBy, spanDays, windowStart, type Tri } from "@pol/runtime";
import { monthLength, oracleAddDays, oracleAddMonths, oracleDaysBetween } from "../support/oracle-dates.js";
import { runs } from "../support/runs.js";

const params = { numRuns: runs(300) };
const unknown = (fact: string) => new Unknown([{ fact, label: fact }]);

/** Dates from 2023 to 2026, one in three the last day of its month (or the day before). */
const dateArb = fc
  .tuple(fc.integer({ min: 2023, max: 2026 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.nat(2))
  .map(([year, month, day, endish]) => {
    const last = monthLength(year, month);
    const d = endish === 0 ? last : endish === 1 ? Math.max(1, last - 1) : Math.min(day, last);
    return `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  });

describe("months of coverage", () => {
  it("coverage >= N months holds exactly when the covered days reach the days of N calendar months back", () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.integer({ min: -400, max: 30 }), fc.integer({ min: 0, max: 200 })), { maxLength: 4 }),
        (dos, months, offsets) => {
          const window = 12;
          const episodes = offsets.map(([start, length]) => ({ start: oracleAddDays(dos, start), end: oracleAddDays(dos, start + length) }));
          // Oracle: every day of the window [dos - 12mo, dos) that some episode [start, end) covers.
          const windowStartDay = oracleAddMonths(dos, -window);
          let covered = 0;
          for (let day = windowStartDay; day < dos; day = oracleAddDays(day, 1)) {
            if (episodes.some((e) => e.start <= day && day < e.end)) covered++;
          }
          const needed = oracleDaysBetween(oracleAddMonths(dos, -months), dos);
          expect(spanDays(dos, months, "mo")).toBe(needed);
          const runtime = coverage(episodes, () => true, (e) => e.start, (e) => e.end, { start: windowStart(dos, window, "mo"), end: dos });
          expect(runtime).toBe(covered);
          expect((runtime as number) >= spanDays(dos, months, "mo")).toBe(covered >= needed);
        },
      ),
      params,
    );
  });

  it("a month back from a month's end is that many days: 28 to 31, a year 365 or 366", () => {
    fc.assert(
      fc.property(dateArb, (dos) => {
        expect([28, 29, 30, 31]).toContain(spanDays(dos, 1, "mo"));
        expect([365, 366]).toContain(spanDays(dos, 1, "y"));
        expect(spanDays(dos, 12, "mo")).toBe(spanDays(dos, 1, "y"));
      }),
      params,
    );
  });
});

// Small worlds: keys and dates from short lists, so that completions can be enumerated.
const KEYS = ["a", "b", "c"];
const DATES = ["2025-01-01", "2025-01-02", "2025-01-03"];

type Slot<T> = T | "unknown";
interface Element {
  member: Slot<boolean>;
  value: Slot<string>;
}

function elementArb(values: string[]): fc.Arbitrary<Element> {
  return fc.record({
    member: fc.oneof(fc.constant(true as const), fc.constant(false as const), fc.constant("unknown" as const)),
    value: fc.oneof(fc.constantFrom(...values), fc.constant("unknown" as const)),
  });
}

/** Every completion: each unknown membership true or false, each unknown value any of `domain`. */
function completions(list: readonly Element[], domain: readonly string[]): { member: boolean; value: string }[][] {
  let worlds: { member: boolean; value: string }[][] = [[]];
  for (const element of list) {
    const members = element.member === "unknown" ? [true, false] : [element.member];
    const values = element.value === "unknown" ? domain : [element.value];
    worlds = worlds.flatMap((world) => members.flatMap((member) => values.map((value) => [...world, { member, value }])));
  }
  return worlds;
}

function runtimeList(list: readonly Element[]): Record<string, unknown>[] {
  return list.map((element, i) => ({
    member: element.member === "unknown" ? unknown(`L[${i}]`) : element.member,
    value: element.value === "unknown" ? unknown(`L[${i}].value`) : element.value,
  }));
}

describe("distinct counts", () => {
  it("the range holds the count of every completion, and both bounds are reached", () => {
    fc.assert(
      fc.property(fc.array(elementArb(KEYS), { maxLength: 4 }), (list) => {
        // Unknown values may also be values no member has: enough fresh ones for all of them.
        const domain = [...KEYS, ...list.filter((e) => e.value === "unknown").map((_, i) => `fresh${i}`)];
        const counts = completions(list, domain).map((world) => new Set(world.filter((e) => e.member).map((e) => e.value)).size);
        const result = distinctCount(runtimeList(list), (e) => e.member as Tri, (e) => [e.value]);
        const [lo, hi] = isRange(result) ? [result.lo, result.hi] : [result as number, result as number];
        expect(Math.min(...counts)).toBe(lo);
        expect(Math.max(...counts)).toBe(hi);
      }),
      params,
    );
  });
});

describe("distinct counts over two keys", () => {
  it("the range holds the count of every completion", () => {
    const pair = fc.record({
      member: fc.oneof(fc.constant(true as const), fc.constant("unknown" as const)),
      first: fc.oneof(fc.constantFrom("a", "b"), fc.constant("unknown" as const)),
      second: fc.oneof(fc.constantFrom("x", "y"), fc.constant("unknown" as const)),
    });
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 4 }), (list) => {
        let worlds: [string, string][][] = [[]];
        for (const [i, e] of list.entries()) {
          // An unknown key may be a value no other member has: one fresh value per member.
          const firsts = e.first === "unknown" ? ["a", "b", `a${i}`] : [e.first];
          const seconds = e.second === "unknown" ? ["x", "y", `x${i}`] : [e.second];
          const members = e.member === "unknown" ? [true, false] : [true];
          worlds = worlds.flatMap((w) => members.flatMap((m) => firsts.flatMap((f) => seconds.map((s2) => (m ? [...w, [f, s2] as [string, string]] : w)))));
        }
        const counts = worlds.map((w) => new Set(w.map(([f, s2]) => `${f}/${s2}`)).size);
        const elements = list.map((e, i) => ({
          member: e.member === "unknown" ? unknown(`L[${i}]`) : true,
          first: e.first === "unknown" ? unknown(`L[${i}].first`) : e.first,
          second: e.second === "unknown" ? unknown(`L[${i}].second`) : e.second,
        }));
        const result = distinctCount(elements, (e) => e.member as Tri, (e) => [e.first, e.second]);
        const [lo, hi] = isRange(result) ? [result.lo, result.hi] : [result as number, result as number];
        expect(lo).toBeLessThanOrEqual(Math.min(...counts));
        expect(hi).toBe(Math.max(...counts));
      }),
      params,
    );
  });
});

describe("ordinal selection", () => {
  /** The selection in one completion: sort members by date, later list position first on ties. */
  function oracle(world: { member: boolean; value: string }[], which: "earliest" | "latest", n: number): boolean[] {
    const order = world
      .map((e, index) => ({ ...e, index }))
      .filter((e) => e.member)
      .sort((a, b) => (a.value === b.value ? b.index - a.index : (a.value < b.value ? -1 : 1) * (which === "earliest" ? 1 : -1)));
    const chosen = new Set(order.slice(0, n).map((e) => e.index));
    return world.map((_, index) => chosen.has(index));
  }

  it("a known selection is the selection of every completion; without unknowns it is exact", () => {
    fc.assert(
      fc.property(
        fc.array(elementArb(DATES), { maxLength: 5 }),
        fc.constantFrom("earliest" as const, "latest" as const),
        fc.integer({ min: 1, max: 4 }),
        (list, which, n) => {
          const elements = runtimeList(list);
          const selected = selectBy(elements, (e) => e.member as Tri, (e) => e.value, which, n);
          const results = elements.map((e) => selected(e));
          const worlds = completions(list, DATES).map((world) => oracle(world, which, n));
          results.forEach((result, i) => {
            if (result instanceof Unknown) return;
            for (const world of worlds) expect(world[i], `element ${i}`).toBe(result);
          });
          if (list.every((e) => e.member !== "unknown" && e.value !== "unknown")) {
            expect(results).toEqual(worlds[0]);
          }
        },
      ),
      params,
    );
  });
});
