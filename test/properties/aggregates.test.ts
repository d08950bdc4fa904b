// Aggregate properties: windows at their edges, partitions, irrelevance of events outside the
// window, and exactness of ranges (every completion of the unknowns lands inside the range, and
// the range's bounds are reached by some completion).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Unknown,
  addDays,
  and,
  compare,
  count,
  coverage,
  inWindow,
  isRange,
  windowStart,
  type Member,
  type Tri,
} from "@pol/runtime";
import { runs } from "../support/runs.js";

const SIDES = ["left", "right", "bilateral"] as const;
type Side = (typeof SIDES)[number];
const DOS = "2025-07-15";
const START = windowStart(DOS, 12, "mo"); // 2024-07-15
const params = { numRuns: runs(300) };

interface Event {
  date: string | Unknown;
  side: Side | Unknown;
}

/** Days around the window so both edges and the outside are well covered. */
const offset = fc.oneof(fc.integer({ min: -400, max: 30 }), fc.constantFrom(0, -365, -366, 1, -367, 365));
const knownDate = offset.map((days) => addDays(DOS, days));
const missing = (fact: string) => new Unknown([{ fact, label: fact }]);
const event = (index: number) =>
  fc.record({
    date: fc.oneof(
      { arbitrary: knownDate, weight: 4 },
      { arbitrary: fc.constant(missing(`e${index}.date`)), weight: 1 },
    ),
    side: fc.oneof(
      { arbitrary: fc.constantFrom(...SIDES), weight: 4 },
      { arbitrary: fc.constant(missing(`e${index}.side`)), weight: 1 },
    ),
  });
const events = fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => event(i))));
const knownEvents = fc.array(fc.record({ date: knownDate, side: fc.constantFrom(...SIDES) }), { maxLength: 8 });

const inLastYear = (row: Record<string, unknown>): Tri => inWindow(row.date, START, DOS);
const onSide =
  (side: Side): Member =>
  (row) =>
    and(compare("==", row.side, side), inLastYear(row));
const rows = (list: readonly Event[]) => list as unknown as Record<string, unknown>[];

describe("window membership", () => {
  it("counts an event exactly on either edge of the window", () => {
    fc.assert(
      fc.property(knownEvents, fc.constantFrom(START, DOS), (list, edge) => {
        const before = count(rows(list), inLastYear) as number;
        expect(count(rows([...list, { date: edge, side: "left" }]), inLastYear)).toBe(before + 1);
      }),
      params,
    );
  });

  it("never changes a count by adding an event outside the window", () => {
    const outside = fc.oneof(
      fc.integer({ min: 1, max: 400 }).map((d) => addDays(DOS, d)),
      fc.integer({ min: 1, max: 400 }).map((d) => addDays(START, -d)),
    );
    fc.assert(
      fc.property(events, outside, fc.constantFrom(...SIDES), (list, date, side) => {
        for (const member of [inLastYear, ...SIDES.map(onSide)]) {
          expect(count(rows([...list, { date, side }]), member)).toEqual(count(rows(list), member));
        }
      }),
      params,
    );
  });

  it("partitions the events by side: the counts per side add up to the total", () => {
    fc.assert(
      fc.property(knownEvents, (list) => {
        const perSide = SIDES.map((side) => count(rows(list), onSide(side)) as number);
        expect(perSide.reduce((a, b) => a + b, 0)).toBe(count(rows(list), inLastYear));
      }),
      params,
    );
  });
});

describe("exact ranges", () => {
  /** Replace every unknown with a concrete value drawn from `pick`. */
  function complete(list: readonly Event[], pickDate: (i: number) => string, pickSide: (i: number) => Side): Event[] {
    return list.map((e, i) => ({
      date: e.date instanceof Unknown ? pickDate(i) : e.date,
      side: e.side instanceof Unknown ? pickSide(i) : e.side,
    }));
  }

  it("contains the count of every completion of the unknowns", () => {
    const choices = fc.tuple(
      fc.array(knownDate, { minLength: 8, maxLength: 8 }),
      fc.array(fc.constantFrom(...SIDES), { minLength: 8, maxLength: 8 }),
    );
    fc.assert(
      fc.property(events, fc.constantFrom(...SIDES), choices, (list, side, [dates, sides]) => {
        const result = count(rows(list), onSide(side));
        const completed = count(
          rows(
            complete(
              list,
              (i) => dates[i]!,
              (i) => sides[i]!,
            ),
          ),
          onSide(side),
        ) as number;
        if (isRange(result)) {
          expect(completed).toBeGreaterThanOrEqual(result.lo);
          expect(completed).toBeLessThanOrEqual(result.hi);
        } else expect(completed).toBe(result);
      }),
      params,
    );
  });

  it("reaches both bounds of the range", () => {
    fc.assert(
      fc.property(events, fc.constantFrom(...SIDES), (list, side) => {
        const result = count(rows(list), onSide(side));
        if (!isRange(result)) return;
        const other = SIDES.find((s) => s !== side)!;
        const fewest = complete(
          list,
          () => addDays(START, -1),
          () => other,
        );
        const most = complete(
          list,
          () => DOS,
          () => side,
        );
        expect(count(rows(fewest), onSide(side))).toBe(result.lo);
        expect(count(rows(most), onSide(side))).toBe(result.hi);
      }),
      params,
    );
  });

  it("decides a comparison exactly when every completion agrees", () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 0, max: 8 }), (list, limit) => {
        const decided = compare("<=", count(rows(list), inLastYear), limit);
        const low = count(
          rows(
            complete(
              list,
              () => addDays(START, -1),
              () => "left",
            ),
          ),
          inLastYear,
        ) as number;
        const high = count(
          rows(
            complete(
              list,
              () => DOS,
              () => "left",
            ),
          ),
          inLastYear,
        ) as number;
        if (decided instanceof Unknown) expect(low <= limit && high > limit).toBe(true);
        else {
          expect(low <= limit).toBe(decided);
          expect(high <= limit).toBe(decided);
        }
      }),
      params,
    );
  });

  it("bounds coverage of episodes with unknown ends by every completion", () => {
    const end = fc.oneof({ arbitrary: knownDate, weight: 3 }, { arbitrary: fc.constant("?"), weight: 1 });
    const episode = fc.tuple(end, end);
    const window = { start: START, end: DOS };
    fc.assert(
      fc.property(
        fc.array(episode, { maxLength: 6 }),
        fc.array(knownDate, { minLength: 12, maxLength: 12 }),
        (list, fill) => {
          const partial = list.map(([s, e], i) => ({
            start: s === "?" ? missing(`p${i}.start`) : s,
            end: e === "?" ? missing(`p${i}.end`) : e,
          }));
          const filled = list.map(([s, e], i) => ({
            start: s === "?" ? fill[2 * i]! : s,
            end: e === "?" ? fill[2 * i + 1]! : e,
          }));
          const always: Member = () => true;
          const result = coverage(
            partial,
            always,
            (r) => r.start,
            (r) => r.end,
            window,
          );
          const actual = coverage(
            filled,
            always,
            (r) => r.start,
            (r) => r.end,
            window,
          ) as number;
          if (isRange(result)) {
            expect(actual).toBeGreaterThanOrEqual(result.lo);
            expect(actual).toBeLessThanOrEqual(result.hi);
          } else expect(actual).toBe(result);
        },
      ),
      params,
    );
  });
});
