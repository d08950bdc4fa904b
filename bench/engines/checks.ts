// The reads and the calendar of the hand-written evaluator with pol's checks
// (handwritten-checked.ts), written from docs/semantics.md: every value of a case that did not
// pass validation is checked as pol checks it before it counts as known. A value that fails its
// check is unknown, exactly like an absent one. Nothing here comes from pol's runtime.

import { F, T, U, type Tri } from "./history.js";

// --- Dates: `YYYY-MM-DD`, proleptic Gregorian, years 0001-9999, as day numbers

/** The day number of a value that is not a calendar date (or is absent): below every real one. */
export const NO_DAY = -100_000_000;

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function monthLength(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Days since 1970-01-01 of a valid year, month and day (days-from-civil). */
function civilDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** A digit's value, or -1000 for any other character: a sum of digits with one in it is negative. */
function digit(text: string, at: number): number {
  const c = text.charCodeAt(at) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

/** The day number of a calendar date written `YYYY-MM-DD`, or NO_DAY for anything else
 *  (`2023-02-29`, `2025-13-01`, `2025-9-15`, a number, absent). One pass over the characters. */
export function checkedDay(value: unknown): number {
  if (typeof value !== "string" || value.length !== 10) return NO_DAY;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return NO_DAY;
  const year = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
  const month = digit(value, 5) * 10 + digit(value, 6);
  const day = digit(value, 8) * 10 + digit(value, 9);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) return NO_DAY;
  return civilDay(year, month, day);
}

/** Year, month and day of a date `checkedDay` accepted. */
function yearOf(date: string): number {
  return digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
}
function monthOf(date: string): number {
  return digit(date, 5) * 10 + digit(date, 6);
}
function dayOfMonth(date: string): number {
  return digit(date, 8) * 10 + digit(date, 9);
}

/** The day number of a valid date plus `months` calendar months (negative: minus), the day kept
 *  and clamped to the last day of the target month (Jan 31 + 1mo is Feb 28, or 29). */
export function addMonths(date: string, months: number): number {
  const index = yearOf(date) * 12 + monthOf(date) - 1 + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return civilDay(year, month, Math.min(dayOfMonth(date), monthLength(year, month)));
}

// --- Fixed durations: a case writes them `42d`, `6wk` or `4h` (1 to 9 digits)

/** A fixed duration in days, or -1 for anything else (`6 weeks`, `2mo`, a number, absent). */
export function checkedDurationDays(value: unknown): number {
  if (typeof value !== "string") return -1;
  const length = value.length;
  const unit = length >= 3 && value.endsWith("wk") ? 2 : length >= 2 && (value.endsWith("d") || value.endsWith("h")) ? 1 : 0;
  const digits = length - unit;
  if (unit === 0 || digits < 1 || digits > 9) return -1;
  let amount = 0;
  for (let i = 0; i < digits; i++) {
    const d = digit(value, i);
    if (d < 0) return -1;
    amount = amount * 10 + d;
  }
  return unit === 2 ? amount * 7 : value.charCodeAt(length - 1) === 104 /* h */ ? amount / 24 : amount;
}

// --- Codes: not blank; compared upper-cased, without dots or surrounding white space

/** Whether a character is one `String.prototype.trim` removes. */
function isWhiteSpace(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Whether a code needs no normalising: printable ASCII, no lower case, dot or blank. */
function isNormalCode(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 46 || (c >= 97 && c <= 122)) return false;
  }
  return true;
}

/** A code as code sets compare it, or undefined when it is unknown: absent, not text, blank. */
export function checkedCode(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (isNormalCode(value)) return value.length === 0 ? undefined : value;
  let blank = true;
  for (let i = 0; i < value.length && blank; i++) blank = isWhiteSpace(value.charCodeAt(i));
  return blank ? undefined : value.trim().replace(/\./g, "").toUpperCase();
}

/** Whether a normalised code is a 5-digit code in [low, high]. */
export function inDigitRange(code: string, low: number, high: number): boolean {
  if (code.length !== 5) return false;
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const d = digit(code, i);
    if (d < 0) return false;
    n = n * 10 + d;
  }
  return n >= low && n <= high;
}

// --- Free text: compared in NFC, lower case, trimmed, inner white space one space

/** A text as `==` compares it, or undefined when it is unknown (absent, not text). */
export function checkedText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Lower-case ASCII letters and single inner spaces are already in the compared form.
    if (!((c >= 97 && c <= 122) || (c === 32 && i > 0 && i < value.length - 1 && value.charCodeAt(i - 1) !== 32))) {
      return value.normalize("NFC").toLowerCase().trim().replace(/\s+/g, " ");
    }
  }
  return value;
}

// --- Booleans, enums, percents

/** A boolean fact: anything but `true` or `false` is unknown. */
export function checkedBool(value: unknown): Tri {
  return value === true ? T : value === false ? F : U;
}

/** A percent: a number from 0 to 100, or -1 when unknown. */
export function checkedPercent(value: unknown): number {
  return typeof value === "number" && value >= 0 && value <= 100 ? value : -1;
}

/** `x == member` of an enum fact whose members are `members`: a value that is none of them is unknown. */
export function enumIs(value: unknown, member: string, members: readonly string[]): Tri {
  if (value === member) return T;
  return typeof value === "string" && members.includes(value) ? F : U;
}

export const PURPOSES = ["diagnostic", "therapeutic"] as const;
export const INJECTATES = ["local_anesthetic", "corticosteroid", "anesthetic_and_corticosteroid", "other_agent"] as const;

/** A side (`Side`), or undefined when unknown. */
export function checkedSide(value: unknown): string | undefined {
  return value === "left" || value === "right" || value === "bilateral" ? value : undefined;
}

// --- `latest` over uncertain members, by day number

/**
 * `latest L`: the best definite member by date (ties to the later element), unless an uncertain
 * member (unknown membership, or a date that is unknown) could be later. Reused per case.
 */
export class LatestByDay {
  bestIndex = -1;
  bestDay = NO_DAY;
  undated = false;
  uncertainIndex = -1;
  uncertainDay = NO_DAY;

  reset(): void {
    this.bestIndex = -1;
    this.bestDay = NO_DAY;
    this.undated = false;
    this.uncertainIndex = -1;
    this.uncertainDay = NO_DAY;
  }

  /** A member (T) or possible member (U) at `index`, dated `day` (NO_DAY when unknown). */
  add(member: Tri, day: number, index: number): void {
    if (member === F) return;
    if (day === NO_DAY) this.undated = true;
    else if (member === T) {
      if (day >= this.bestDay) {
        this.bestDay = day;
        this.bestIndex = index;
      }
    } else if (day >= this.uncertainDay) {
      this.uncertainDay = day;
      this.uncertainIndex = index;
    }
  }

  /** Whether the pick is unknown. */
  get unknown(): boolean {
    if (this.undated) return true;
    if (this.uncertainIndex < 0) return false;
    if (this.bestIndex < 0) return true;
    return this.uncertainDay > this.bestDay || (this.uncertainDay === this.bestDay && this.uncertainIndex > this.bestIndex);
  }
}
