// Calendar dates as day numbers (days since 1970-01-01), in the solver and in JavaScript, with the
// runtime's month arithmetic: a month shift keeps the day of the month, clamped to the last day of
// the target month (docs/semantics.md, "Calendar").

import type { Arith, Bool } from "z3-solver";
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

/**
 * Months as a table, so calendar arithmetic stays linear for the solver: a month is its index
 * (12 * year + month - 1), and its first day and length are looked up in a balanced if-then-else
 * over the table instead of computed with divisions.
 */
export class MonthTable {
  private readonly first: number[] = [];
  private readonly lengths: number[] = [];
  readonly firstIndex: number;
  readonly lastIndex: number;

  constructor(
    private readonly z3: Z3,
    firstYear: number,
    lastYear: number,
  ) {
    this.firstIndex = firstYear * 12;
    this.lastIndex = lastYear * 12 + 11;
    for (let index = this.firstIndex; index <= this.lastIndex; index++) {
      const year = Math.floor(index / 12);
      const month = index % 12;
      this.first.push(Math.round(Date.UTC(year, month, 1) / DAY_MS));
      this.lengths.push(new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
    }
  }
  firstDay(month: A): A {
    return this.lookup(month, this.first, 0, this.first.length - 1);
  }

  length(month: A): A {
    return this.lookup(month, this.lengths, 0, this.lengths.length - 1);
  }

  /** Constraints that keep a month index inside the table. */
  inTable(month: A): Bool<"main"> {
    return this.z3.And(month.ge(this.firstIndex), month.le(this.lastIndex)) as Bool<"main">;
  }

  private lookup(month: A, table: readonly number[], lo: number, hi: number): A {
    if (lo === hi) return this.z3.Int.val(table[lo]!);
    const mid = (lo + hi) >> 1;
    return this.z3.If(
      month.le(this.firstIndex + mid),
      this.lookup(month, table, lo, mid),
      this.lookup(month, table, mid + 1, hi),
    ) as A;
  }
}
