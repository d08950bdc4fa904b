// Helpers shared by the hand-written function and the json-rules-engine fact preparation: ISO
// date arithmetic by digits (pol's calendar rules: months keep the day, clamped to the month's
// end), exact count bounds, and `latest` over uncertain elements.

export type Tri = 0 | 1 | 2;
export const F = 0;
export const T = 1;
export const U = 2;

// --- Dates: ISO strings, read digit by digit

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function monthLength(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Days since 1970-01-01 (days-from-civil). */
export function dayNumber(s: string): number {
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** `time since from >= months mo` at `to`: from + months (day clamped to the month's end) <= to. */
export function monthsElapsed(from: string, to: string, months: number): boolean {
  const fy = digits(from, 0, 4);
  const fm = digits(from, 5, 2);
  const ty = digits(to, 0, 4);
  const tm = digits(to, 5, 2);
  const between = ty * 12 + tm - (fy * 12 + fm);
  if (months !== between) return months < between;
  const toDay = digits(to, 8, 2);
  return digits(from, 8, 2) <= toDay || toDay === monthLength(ty, tm);
}

/** Whole months from `from` to `to`: the largest n with from + n months <= to (below 0 when `from`
 *  is later; only compared with positive thresholds). */
export function wholeMonths(from: string, to: string): number {
  const ty = digits(to, 0, 4);
  const tm = digits(to, 5, 2);
  const between = ty * 12 + tm - (digits(from, 0, 4) * 12 + digits(from, 5, 2));
  const toDay = digits(to, 8, 2);
  return digits(from, 8, 2) <= toDay || toDay === monthLength(ty, tm) ? between : between - 1;
}

/** The first day of `within 12mo`: a year before, Feb 29 clamped to Feb 28. */
export function yearBefore(dos: string): string {
  const year = digits(dos, 0, 4) - 1;
  const rest = dos.slice(4);
  return rest === "-02-29" && !isLeap(year) ? `${year}-02-28` : String(year).padStart(4, "0") + rest;
}

/** A fixed duration `42d` / `6wk` in days. */
export function durationDays(value: string): number {
  return value.endsWith("wk") ? Number(value.slice(0, -2)) * 7 : Number(value.slice(0, -1));
}

// --- Counts over uncertain elements: definite members and possible ones

/** `count <= limit` for a count known to lie in [definite, definite + possible]. */
export function atMost(definite: number, possible: number, limit: number): Tri {
  return definite + possible <= limit ? T : definite > limit ? F : U;
}

/**
 * `count distinct date of L <= limit` over uncertain elements, as pol counts it: the definite
 * members' different dates at least (one when there are none but a definite member without a
 * date); at most those and the possible members' other dates, plus one for every member whose
 * date is unknown. Reused per case and allocation-free: the
 * dates seen are scanned while they are few, and kept in sets past that, so that a long history
 * stays linear.
 */
export class DistinctDates {
  private readonly definite = new DateSet();
  private readonly possible = new DateSet();
  private undated = 0;
  private undatedDefinite = 0;

  reset(): void {
    this.definite.reset();
    this.possible.reset();
    this.undated = 0;
    this.undatedDefinite = 0;
  }

  /** A member (T) or possible member (U) and its date (a string when known). */
  add(member: Tri, date: unknown): void {
    if (member === F) return;
    if (typeof date !== "string") {
      this.undated++;
      if (member === T) this.undatedDefinite++;
    } else if (member === T) this.definite.add(date);
    else this.possible.add(date);
  }

  /** The fewest different dates the members can have: a definite member without a date may
   *  share a known one, but makes one date when there is none. */
  get lo(): number {
    return this.definite.size + (this.definite.size === 0 && this.undatedDefinite > 0 ? 1 : 0);
  }

  /** The most. */
  get hi(): number {
    return this.definite.size + this.undated + this.possible.countNotIn(this.definite);
  }

  atMost(limit: number): Tri {
    const lo = this.lo;
    return atMost(lo, this.hi - lo, limit);
  }
}

/** Different date strings: an array scanned while there are at most 16, a set past that. */
class DateSet {
  private readonly few: string[] = [];
  private many: Set<string> | undefined;
  size = 0;

  reset(): void {
    this.size = 0;
    if (this.many !== undefined && this.many.size > 0) this.many.clear();
  }

  has(date: string): boolean {
    if (this.size > 16) return this.many!.has(date);
    for (let i = 0; i < this.size; i++) if (this.few[i] === date) return true;
    return false;
  }

  add(date: string): void {
    if (this.has(date)) return;
    if (this.size < 16) this.few[this.size] = date;
    else {
      this.many ??= new Set();
      if (this.size === 16) for (let i = 0; i < 16; i++) this.many.add(this.few[i]!);
      this.many.add(date);
    }
    this.size++;
  }

  /** How many of these dates `other` does not hold. */
  countNotIn(other: DateSet): number {
    let count = 0;
    if (this.size > 16) {
      for (const date of this.many!) if (!other.has(date)) count++;
    } else {
      for (let i = 0; i < this.size; i++) if (!other.has(this.few[i]!)) count++;
    }
    return count;
  }
}

/**
 * `latest` over members: the best definite member by date (ties to the later one), unless an
 * uncertain member (unknown membership or date) could be later. Reused per case, no allocation.
 */
export class Latest {
  best: Record<string, unknown> | null = null;
  bestDate = "";
  bestIndex = -1;
  /** An uncertain member without a known date: it could be the latest. */
  undated = false;
  /** The latest date among uncertain dated members, and the last index at that date. */
  uncertainDate = "";
  uncertainIndex = -1;

  reset(): void {
    this.best = null;
    this.bestDate = "";
    this.bestIndex = -1;
    this.undated = false;
    this.uncertainDate = "";
    this.uncertainIndex = -1;
  }

  add(member: Tri, element: Record<string, unknown>, index: number): void {
    if (member === F) return;
    const date = element.date;
    if (typeof date !== "string") {
      this.undated = true;
      return;
    }
    if (member === T) {
      if (this.best === null || date >= this.bestDate) {
        this.best = element;
        this.bestDate = date;
        this.bestIndex = index;
      }
    } else if (date >= this.uncertainDate) {
      this.uncertainDate = date;
      this.uncertainIndex = index;
    }
  }

  /** Whether the pick is unknown. */
  get unknown(): boolean {
    if (this.undated) return true;
    if (this.uncertainIndex < 0) return false;
    if (this.best === null) return true;
    return (
      this.uncertainDate > this.bestDate ||
      (this.uncertainDate === this.bestDate && this.uncertainIndex > this.bestIndex)
    );
  }
}

