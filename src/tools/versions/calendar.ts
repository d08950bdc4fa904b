// Calendar dates as day numbers (days since 1970-01-01), in the solver and in JavaScript, with the
// runtime's month arithmetic: a month shift keeps the day of the month, clamped to the last day of
// the target month (docs/semantics.md, "Calendar").

import type { Arith } from "z3-solver";
import type { Z3 } from "./solver.js";

type A = Arith<"main">;

const DAY_MS = 86_400_000;

export function dayNumberOf(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function isoDateOf(day: number): string {
  const date = new Date(day * DAY_MS);
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  return `${year}-${String(date.getUTCMonth() + 1).padStart(2, "0")}-${String(date.getUTCDate()).padStart(2, "0")}`;
}

/** The day number `years` years after the start of the year of `day`. */
export function yearsFrom(day: number, years: number): number {
  const year = new Date(day * DAY_MS).getUTCFullYear() + years;
  return Math.round(Date.UTC(year, 0, 1) / DAY_MS);
}

/** A closed interval of whole numbers: the values a term can take, known when it is made. */
export type Interval = readonly [number, number];

/** The month index (12 * year + month - 1) of a day number. */
export function monthIndexOf(day: number): number {
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** The first day number of a month index. */
export function firstDayOfMonth(index: number): number {
  return Math.round(Date.UTC(Math.floor(index / 12), index % 12, 1) / DAY_MS);
}

/** The number of days of a month index. */
export function monthLengthOf(index: number): number {
  return firstDayOfMonth(index + 1) - firstDayOfMonth(index);
}

/** The months the days of an interval fall in. */
export function monthsOf(days: Interval): Interval {
  return [monthIndexOf(days[0]), monthIndexOf(days[1])];
}

/** The days of the months of an interval. */
export function daysOf(months: Interval): Interval {
  return [firstDayOfMonth(months[0]), firstDayOfMonth(months[1] + 1) - 1];
}

/**
 * Months as a table, so calendar arithmetic stays linear for the solver: a month is its index
 * (12 * year + month - 1), and its first day and length are looked up in a balanced if-then-else
 * instead of computed with divisions. Each lookup spans only the months its index can take (an
 * interval worked out with the term: the dates the bounds allow, moved by the policy's own
 * shifts), never a fixed padding: the smaller the tree, the less the solver has to split on, and
 * no date the bounds allow can fall outside it.
 */
export class MonthTable {
  constructor(private readonly z3: Z3) {}

  firstDay(month: A, months: Interval): A {
    return this.lookup(month, months, firstDayOfMonth);
  }

  length(month: A, months: Interval): A {
    return this.lookup(month, months, monthLengthOf);
  }

  private lookup(month: A, [lo, hi]: Interval, entry: (index: number) => number): A {
    if (lo > hi) throw new Error(`internal error: an empty month interval [${lo}, ${hi}]`);
    if (lo === hi) return this.z3.Int.val(entry(lo));
    const mid = (lo + hi) >> 1;
    return this.z3.If(month.le(mid), this.lookup(month, [lo, mid], entry), this.lookup(month, [mid + 1, hi], entry)) as A;
  }
}
