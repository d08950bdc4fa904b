// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Calendar (CQL rules; see docs/semantics.md)
//
// Dates stay ISO strings (their string order is their date order). Arithmetic goes through day
// numbers with Howard Hinnant's days-from-civil algorithm: pure integer arithmetic, no `Date`,
// no time zones. Results are clamped to 0001-01-01 .. 9999-12-31 so they stay valid ISO dates
// whose string order is still date order.

import { MALFORMED, type Tri, Unknown, mergeTwo, unknownOf } from "./logic.js";
import type { CompareOperator } from "./types.js";

export type IsoDate = string;
export type CalendarUnit = "d" | "wk" | "mo" | "y";

const MIN_YEAR = 1;
const MAX_YEAR = 9999;
const MIN_DATE = "0001-01-01";
const MAX_DATE = "9999-12-31";

function digit(text: string, index: number): number {
  return text.charCodeAt(index) - 48;
}

function yearOf(date: IsoDate): number {
  return digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
}

function monthOf(date: IsoDate): number {
  return digit(date, 5) * 10 + digit(date, 6);
}

function dayOf(date: IsoDate): number {
  return digit(date, 8) * 10 + digit(date, 9);
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month - 1]!;
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9; // March = 0, so leap days come last
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

const MIN_DAY_NUMBER = daysFromCivil(MIN_YEAR, 1, 1);
const MAX_DAY_NUMBER = daysFromCivil(MAX_YEAR, 12, 31);

/** The day number of an ISO date. */
export function dayNumber(date: IsoDate): number {
  return daysFromCivil(yearOf(date), monthOf(date), dayOf(date));
}

function formatDate(year: number, month: number, day: number): IsoDate {
  const y = year < 10 ? "000" + year : year < 100 ? "00" + year : year < 1000 ? "0" + year : "" + year;
  return y + (month < 10 ? "-0" : "-") + month + (day < 10 ? "-0" : "-") + day;
}

/** The ISO date of a day number (inverse of `dayNumber`), clamped to the supported years. */
function dateOfDayNumber(days: number): IsoDate {
  if (days < MIN_DAY_NUMBER) return MIN_DATE;
  if (days > MAX_DAY_NUMBER) return MAX_DATE;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return formatDate(year, month, day);
}

function isDigit(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

/** Whether `value` is a valid ISO calendar date `YYYY-MM-DD` (years 0001-9999): exactly what
 *  validation accepts, and what every calendar operation needs. No allocation. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== "string" || value.length !== 10) return false;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false; // "-"
  if (!isDigit(value, 0) || !isDigit(value, 1) || !isDigit(value, 2) || !isDigit(value, 3)) return false;
  if (!isDigit(value, 5) || !isDigit(value, 6) || !isDigit(value, 8) || !isDigit(value, 9)) return false;
  const year = yearOf(value);
  const month = monthOf(value);
  const day = dayOf(value);
  return year >= MIN_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Dates already found valid (by `isValidDate` or a date field's read): a case repeats its dates
 *  across criteria and items, and cases share them. Bounded, so hostile input cannot grow it. */
export const VALID_DATES = new Set<string>();
const MAX_VALID_DATES = 8192;

/** `isIsoDate` for a text, remembered when valid (see `VALID_DATES`). */
function checkDate(value: string): boolean {
  if (!isIsoDate(value)) return false;
  if (VALID_DATES.size < MAX_VALID_DATES) VALID_DATES.add(value);
  return true;
}

/**
 * `isIsoDate`, answered from `VALID_DATES` for a date found valid before: a look-up of a string
 * whose hash it already holds, where the check loads its characters one by one (about 25 against
 * 220 instructions per call; see docs/performance.md).
 */
export function isValidDate(value: unknown): value is IsoDate {
  return typeof value === "string" && (VALID_DATES.has(value) || checkDate(value));
}

/** A valid ISO calendar date `YYYY-MM-DD` (years 0001-9999), or undefined. */
export function parseIsoDate(text: string): IsoDate | undefined {
  return isIsoDate(text) ? text : undefined;
}

/**
 * A date operand as calendar operations take it: a valid date; an Unknown as is; null for none
 * (null or undefined); and for anything else (a malformed date, a value of another type) the
 * Unknown `MALFORMED`, so that it is never mistaken for a known date or for none.
 */
export function dateOperand(value: unknown): IsoDate | Unknown | null {
  if (typeof value === "string") return isValidDate(value) ? value : MALFORMED;
  if (value === null || value === undefined) return null;
  return value instanceof Unknown ? value : MALFORMED;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return days === 0 ? date : dateOfDayNumber(dayNumber(date) + days);
}

/** Keeps the day of month, clamped to the end of the target month: Jan 31 + 1 = Feb 28/29. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (months === 0) return date;
  const monthIndex = yearOf(date) * 12 + (monthOf(date) - 1) + months;
  const year = Math.floor(monthIndex / 12);
  if (year < MIN_YEAR) return MIN_DATE;
  if (year > MAX_YEAR) return MAX_DATE;
  const month = monthIndex - year * 12 + 1;
  return formatDate(year, month, Math.min(dayOf(date), daysInMonth(year, month)));
}

/** `date + amount unit` for any unit (weeks are 7 days, years 12 months). */
export function addDuration(date: IsoDate, amount: number, unit: CalendarUnit): IsoDate {
  switch (unit) {
    case "d":
      return addDays(date, amount);
    case "wk":
      return addDays(date, amount * 7);
    case "mo":
      return addMonths(date, amount);
    case "y":
      return addMonths(date, amount * 12);
  }
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * Whole calendar months from `from` to `to` (from <= to): the largest n >= 0 with
 * addMonths(from, n) <= to. So Jan 31 -> Feb 28 (2025) is 1 month, as `time since` agrees:
 * `time between Jan 31 and Feb 28 >= 1mo` holds. When from > to, the negative of
 * monthsBetween(to, from), so the result is antisymmetric.
 */
export function monthsBetween(from: IsoDate, to: IsoDate): number {
  if (from > to) {
    const back = monthsBetween(to, from);
    return back === 0 ? 0 : -back; // never -0
  }
  const months = yearOf(to) * 12 + monthOf(to) - (yearOf(from) * 12 + monthOf(from));
  return addMonths(from, months) <= to ? months : months - 1;
}

/** Date arithmetic in expressions: `date + 2mo`, `date - 7d` (sign -1); null and Unknown propagate. */
export function shiftDate(date: unknown, sign: 1 | -1, amount: number, unit: CalendarUnit): unknown {
  const operand = dateOperand(date);
  return typeof operand === "string" ? addDuration(operand, sign * amount, unit) : operand;
}

/** `a - b` for two dates: days from b to a. */
export function dateDifference(left: unknown, right: unknown): unknown {
  const l = dateOperand(left);
  const r = dateOperand(right);
  if (l instanceof Unknown || r instanceof Unknown) return unknownOf(l, r);
  if (l === null || r === null) return null;
  return daysBetween(r, l);
}

/** The first day of the calendar year of `dos`: `within calendar year` is [Jan 1, dos]. */
export function calendarYearStart(dos: IsoDate): IsoDate {
  return `${dos.slice(0, 4)}-01-01`;
}

/**
 * The first day of the plan year holding `dos`, for a plan whose years start on `start` and on
 * each anniversary of it (`start + n years`, clamped like any year: a plan starting Feb 29 starts
 * its other years Feb 28). The plan year is [that day, the next anniversary): `dos` may be before
 * or after `start`.
 */
export function planYearStart(dos: IsoDate, start: IsoDate): IsoDate {
  let years = yearOf(dos) - yearOf(start);
  // Months are added to `start` itself, never to an earlier anniversary, so clamping never drifts.
  while (years > -100000 && addMonths(start, years * 12) > dos) years--;
  while (years < 100000 && addMonths(start, (years + 1) * 12) <= dos) years++;
  return addMonths(start, years * 12);
}

/**
 * The earliest day a plan year holding `dos` can start: the first day `s` with s + 1y > dos,
 * one or two days after dos - 1y (two when clamping at February's end makes one fall short).
 */
export function earliestPlanYearStart(dos: IsoDate): IsoDate {
  let start = addDays(addMonths(dos, -12), 1);
  while (addMonths(start, 12) <= dos) start = addDays(start, 1);
  return start;
}

/** The first day of `within amount unit`: dos - amount unit (clamped). The window is [start, dos]. */
export function windowStart(dos: IsoDate, amount: number, unit: CalendarUnit): IsoDate {
  return addDuration(dos, -amount, unit);
}

/** Whether an event dated `date` lies in [start, end]; unknown when the date is unknown; false for null. */
export function inWindow(date: unknown, start: IsoDate, end: IsoDate): Tri {
  if (isIsoDate(date)) return start <= date && date <= end;
  const operand = dateOperand(date);
  return operand instanceof Unknown ? operand : false;
}

/** Whether an episode [from, to] overlaps [start, end]; unknown ends make it unknown unless the known end decides. */
export function overlapsWindow(from: unknown, to: unknown, start: IsoDate, end: IsoDate): Tri {
  const first = dateOperand(from);
  const last = dateOperand(to);
  const startsInTime = typeof first === "string" ? first <= end : first instanceof Unknown ? first : false;
  if (startsInTime === false) return false;
  const endsInTime = typeof last === "string" ? last >= start : last instanceof Unknown ? last : false;
  if (endsInTime === false) return false;
  if (startsInTime === true) return endsInTime;
  if (endsInTime === true) return startsInTime;
  return mergeTwo(startsInTime, endsInTime);
}

/** Elapsed time between two dates, earlier first. */
export interface Elapsed {
  from: IsoDate;
  to: IsoDate;
}

/** An elapsed time `since` or `between` made of two dates they found valid: `compareElapsed`
 *  compares it without checking them again. */
class Span implements Elapsed {
  constructor(
    readonly from: IsoDate,
    readonly to: IsoDate,
  ) {}
}

/** `time since date`: from `date` to the date of service. A date after the date of service gives a negative elapsed time: all `>=`/`>` comparisons are false. */
export function since(date: unknown, dos: IsoDate): Elapsed | null | Unknown {
  const operand = dateOperand(date);
  if (typeof operand !== "string") return operand;
  return isValidDate(dos) ? new Span(operand, dos) : MALFORMED;
}

/** `time between a and b`, in either order. */
export function between(a: unknown, b: unknown): Elapsed | null | Unknown {
  const first = dateOperand(a);
  const second = dateOperand(b);
  if (first instanceof Unknown || second instanceof Unknown) return unknownOf(first, second);
  if (first === null || second === null) return null;
  return first <= second ? new Span(first, second) : new Span(second, first);
}

/**
 * Compare an elapsed time with `amount unit`:
 * `>= N` holds when from + N <= to; `> N` when from + N < to; `<= N` when from + N >= to;
 * `< N` when from + N > to; `== N` when from + N == to. null is false; Unknown propagates.
 */
export function compareElapsed(
  elapsed: Elapsed | null | Unknown,
  operator: CompareOperator,
  amount: number,
  unit: CalendarUnit,
): Tri {
  if (elapsed instanceof Unknown) return elapsed;
  if (elapsed === null || elapsed === undefined) return false;
  if (!(elapsed instanceof Span) && (!isIsoDate(elapsed.from) || !isIsoDate(elapsed.to))) return MALFORMED;
  // `from + amount unit` against `to`, both as integers in date order: no date string is built.
  const reached = shiftedKey(elapsed.from, amount, unit);
  const to = unit === "d" || unit === "wk" ? dayNumber(elapsed.to) : civilKey(elapsed.to);
  switch (operator) {
    case ">=":
      return reached <= to;
    case ">":
      return reached < to;
    case "<=":
      return reached >= to;
    case "<":
      return reached > to;
    case "==":
      return reached === to;
    case "!=":
      return reached !== to;
  }
}

/** A date as the integer YYYYMMDD: its order is date order. */
function civilKey(date: IsoDate): number {
  return yearOf(date) * 10000 + monthOf(date) * 100 + dayOf(date);
}

/**
 * `addDuration(date, amount, unit)` as an integer in date order, without building the date: its
 * day number for days and weeks, its YYYYMMDD (`civilKey`) for months and years, clamped to the
 * supported years exactly as `addDays` and `addMonths` clamp.
 */
function shiftedKey(date: IsoDate, amount: number, unit: CalendarUnit): number {
  if (unit === "d" || unit === "wk") {
    const days = dayNumber(date) + (unit === "wk" ? amount * 7 : amount);
    return days < MIN_DAY_NUMBER ? MIN_DAY_NUMBER : days > MAX_DAY_NUMBER ? MAX_DAY_NUMBER : days;
  }
  const months = unit === "y" ? amount * 12 : amount;
  if (months === 0) return civilKey(date);
  const monthIndex = yearOf(date) * 12 + (monthOf(date) - 1) + months;
  const year = Math.floor(monthIndex / 12);
  if (year < MIN_YEAR) return MIN_YEAR * 10000 + 101;
  if (year > MAX_YEAR) return MAX_YEAR * 10000 + 1231;
  const month = monthIndex - year * 12 + 1;
  return year * 10000 + month * 100 + Math.min(dayOf(date), daysInMonth(year, month));
}

/**
 * Values that depend only on a date of service and a whole `amount unit` (a window's first day,
 * `time since`'s bounds), each made once: cases share dates of service, and one case asks for
 * several such values in turn. The last date of service's entry is held, so only a case's first
 * value looks its date of service up, and an entry holds its values by `amount unit` in a short
 * array (a policy has a handful of windows and thresholds). Bounded, so hostile input cannot grow
 * it: past the bounds a value is made again.
 */
export class PerDateOfService<T> {
  private readonly entries = new Map<IsoDate, DateOfServiceEntry<T>>();
  private last: DateOfServiceEntry<T> | undefined;

  constructor(private readonly make: (dos: IsoDate, amount: number, unit: CalendarUnit) => T) {}

  get(dos: IsoDate, amount: number, unit: CalendarUnit): T {
    const unitIndex = unit === "d" ? 0 : unit === "wk" ? 1 : unit === "mo" ? 2 : unit === "y" ? 3 : -1;
    if (typeof dos !== "string" || unitIndex < 0 || !Number.isInteger(amount) || amount < 0 || amount >= 1 << 20) {
      return this.make(dos, amount, unit);
    }
    let entry = this.last;
    if (entry === undefined || entry.dos !== dos) {
      entry = this.entries.get(dos);
      if (entry === undefined) {
        entry = { dos, kinds: [], values: [] };
        if (this.entries.size < MAX_DATES_OF_SERVICE) this.entries.set(dos, entry);
      }
      this.last = entry;
    }
    const kind = amount * 4 + unitIndex;
    const index = entry.kinds.indexOf(kind);
    if (index >= 0) return entry.values[index]!;
    const value = this.make(dos, amount, unit);
    if (entry.kinds.length < MAX_KINDS) {
      entry.kinds.push(kind);
      entry.values.push(value);
    }
    return value;
  }
}

interface DateOfServiceEntry<T> {
  readonly dos: IsoDate;
  /** `amount * 4` plus the unit's index, beside the value made for it. */
  readonly kinds: number[];
  readonly values: T[];
}

const MAX_DATES_OF_SERVICE = 8192;
const MAX_KINDS = 64;

/**
 * The dates `time since` compares an event's date with, for one date of service and one whole
 * `amount unit`. `date + amount unit` never decreases as `date` grows (months clamp to the target
 * month's end, the supported years clamp), so the dates whose time since reaches `amount unit`
 * are all those up to the last that does: `time since x >= amount unit` is `x <= atLeast`, and
 * `time since x > amount unit` is `x <= moreThan`. Each is "" when no date is (every date string
 * is greater), and 9999-12-31 when every date is. Exactly `compareElapsed`'s answers, with no
 * day number of `x` and no elapsed-time object.
 */
export interface SinceBounds {
  /** The last date `x` with `x + amount unit <= dos`. */
  readonly atLeast: IsoDate;
  /** The last date `x` with `x + amount unit < dos`. */
  readonly moreThan: IsoDate;
}

/** `SinceBounds` of a date of service, or undefined when it is not a valid date. */
export const sinceBounds = new PerDateOfService<SinceBounds | undefined>((dos, amount, unit) => {
  if (!isValidDate(dos) || !Number.isInteger(amount) || amount < 0) return undefined;
  const day = dayNumber(dos);
  const moreThan = day === MIN_DAY_NUMBER ? "" : lastDateReaching(dateOfDayNumber(day - 1), amount, unit);
  return { atLeast: lastDateReaching(dos, amount, unit), moreThan };
});

/** The last date `x` with `x + amount unit <= date` under `shiftedKey`'s rules ("" for none). */
function lastDateReaching(date: IsoDate, amount: number, unit: CalendarUnit): IsoDate {
  // The last day's own shift and every later one clamp to it: every date reaches it.
  if (date === MAX_DATE) return MAX_DATE;
  if (unit === "d" || unit === "wk") {
    const last = dayNumber(date) - (unit === "wk" ? amount * 7 : amount);
    return last < MIN_DAY_NUMBER ? "" : dateOfDayNumber(last);
  }
  const months = unit === "y" ? amount * 12 : amount;
  if (months === 0) return date;
  const year = yearOf(date);
  const month = monthOf(date);
  const day = dayOf(date);
  const monthIndex = year * 12 + (month - 1) - months;
  const fromYear = Math.floor(monthIndex / 12);
  if (fromYear < MIN_YEAR) return "";
  const fromMonth = monthIndex - fromYear * 12 + 1;
  const fromLength = daysInMonth(fromYear, fromMonth);
  // Dates of the month `months` before land on `date`'s month, days past its end on its last
  // day: when `date` is that last day, all of them reach it.
  return formatDate(fromYear, fromMonth, day === daysInMonth(year, month) ? fromLength : Math.min(day, fromLength));
}

const FIXED_DURATION = /^(\d{1,9})(h|d|wk)$/;

/** Parse a fixed duration `4h` / `42d` / `6wk` into days (an hour is a 24th of one); undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = FIXED_DURATION.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  return match[2] === "wk" ? amount * 7 : match[2] === "h" ? amount / 24 : amount;
}
