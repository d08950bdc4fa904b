// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// The operators as generated code and the interpreter call them: one function per operator, so no
// operator is chosen at run time. Each has a fast path for two present numbers (or two strings:
// ISO dates, codes, text, enum members) and otherwise takes the exact general path of `compare`,
// `compareElapsed` and `arithmetic` (none, unknowns, ranges).

import { MALFORMED, type Tri, Unknown, unknownOf } from "./logic.js";
import { arithmetic, compare } from "./compare.js";
import {
  addDuration,
  compareElapsed,
  dateOperand,
  daysBetween,
  shiftDate,
  since,
  sinceBounds,
  type CalendarUnit,
  type Elapsed,
  type IsoDate,
} from "./calendar.js";

/**
 * Both finite numbers or both strings: what `compare` compares as they are. A number that is not
 * finite is malformed and never decides anything; a case cannot hold one, but arithmetic and
 * sums can overflow to one (`Number.MAX_VALUE * 2`), so it goes to `compare` like NaN. Strings
 * are ordered only as dates, and every date an evaluation orders is a valid one (reads, date
 * arithmetic and literals give no other; an invalid date of service pends before any criterion).
 */
function plain(left: unknown, right: unknown): boolean {
  return (
    (typeof left === "number" && typeof right === "number" && left - left === 0 && right - right === 0) ||
    (typeof left === "string" && typeof right === "string")
  );
}

export function equal(left: unknown, right: unknown): Tri {
  return plain(left, right) ? left === right : compare("==", left, right);
}

export function notEqual(left: unknown, right: unknown): Tri {
  return plain(left, right) ? left !== right : compare("!=", left, right);
}

export function lessThan(left: unknown, right: unknown): Tri {
  return plain(left, right) ? (left as number) < (right as number) : compare("<", left, right);
}

export function atMost(left: unknown, right: unknown): Tri {
  return plain(left, right) ? (left as number) <= (right as number) : compare("<=", left, right);
}

export function greaterThan(left: unknown, right: unknown): Tri {
  return plain(left, right) ? (left as number) > (right as number) : compare(">", left, right);
}

export function atLeast(left: unknown, right: unknown): Tri {
  return plain(left, right) ? (left as number) >= (right as number) : compare(">=", left, right);
}

type ElapsedValue = Elapsed | null | Unknown;

export function elapsedEqual(elapsed: unknown, amount: number, unit: CalendarUnit): Tri {
  return compareElapsed(elapsed as ElapsedValue, "==", amount, unit);
}

export function elapsedNotEqual(elapsed: unknown, amount: number, unit: CalendarUnit): Tri {
  return compareElapsed(elapsed as ElapsedValue, "!=", amount, unit);
}

export function elapsedLessThan(elapsed: unknown, amount: number, unit: CalendarUnit): Tri {
  return compareElapsed(elapsed as ElapsedValue, "<", amount, unit);
}

export function elapsedAtMost(elapsed: unknown, amount: number, unit: CalendarUnit): Tri {
  return compareElapsed(elapsed as ElapsedValue, "<=", amount, unit);
}

export function elapsedMoreThan(elapsed: unknown, amount: number, unit: CalendarUnit): Tri {
  return compareElapsed(elapsed as ElapsedValue, ">", amount, unit);
}

export function elapsedAtLeast(elapsed: unknown, amount: number, unit: CalendarUnit): Tri {
  return compareElapsed(elapsed as ElapsedValue, ">=", amount, unit);
}

// `time since date` compared with `amount unit` on the date of service `dos`: what
// `elapsedAtLeast(since(date, dos), amount, unit)` and the others answer, by comparing the date
// with the bounds worked out once per date of service (`sinceBounds`) instead of shifting it. A
// date that is not a valid one, a date of service that is not, or an amount that is not whole
// takes `since` and `compareElapsed` themselves.

export function sinceEqual(date: unknown, dos: IsoDate, amount: number, unit: CalendarUnit): Tri {
  const bounds = sinceBounds.get(dos, amount, unit);
  const from = dateOperand(date);
  if (bounds === undefined || typeof from !== "string") return compareElapsed(since(date, dos), "==", amount, unit);
  return bounds.moreThan < from && from <= bounds.atLeast;
}

export function sinceNotEqual(date: unknown, dos: IsoDate, amount: number, unit: CalendarUnit): Tri {
  const bounds = sinceBounds.get(dos, amount, unit);
  const from = dateOperand(date);
  if (bounds === undefined || typeof from !== "string") return compareElapsed(since(date, dos), "!=", amount, unit);
  return from <= bounds.moreThan || bounds.atLeast < from;
}

export function sinceLessThan(date: unknown, dos: IsoDate, amount: number, unit: CalendarUnit): Tri {
  const bounds = sinceBounds.get(dos, amount, unit);
  const from = dateOperand(date);
  if (bounds === undefined || typeof from !== "string") return compareElapsed(since(date, dos), "<", amount, unit);
  return bounds.atLeast < from;
}

export function sinceAtMost(date: unknown, dos: IsoDate, amount: number, unit: CalendarUnit): Tri {
  const bounds = sinceBounds.get(dos, amount, unit);
  const from = dateOperand(date);
  if (bounds === undefined || typeof from !== "string") return compareElapsed(since(date, dos), "<=", amount, unit);
  return bounds.moreThan < from;
}

export function sinceMoreThan(date: unknown, dos: IsoDate, amount: number, unit: CalendarUnit): Tri {
  const bounds = sinceBounds.get(dos, amount, unit);
  const from = dateOperand(date);
  if (bounds === undefined || typeof from !== "string") return compareElapsed(since(date, dos), ">", amount, unit);
  return from <= bounds.moreThan;
}

export function sinceAtLeast(date: unknown, dos: IsoDate, amount: number, unit: CalendarUnit): Tri {
  const bounds = sinceBounds.get(dos, amount, unit);
  const from = dateOperand(date);
  if (bounds === undefined || typeof from !== "string") return compareElapsed(since(date, dos), ">=", amount, unit);
  return from <= bounds.atLeast;
}

export function add(left: unknown, right: unknown): unknown {
  return arithmetic("+", left, right);
}

export function subtract(left: unknown, right: unknown): unknown {
  return arithmetic("-", left, right);
}

export function multiply(left: unknown, right: unknown): unknown {
  return arithmetic("*", left, right);
}

export function divide(left: unknown, right: unknown): unknown {
  return arithmetic("/", left, right);
}

/** `date + days` for a computed number of days (a duration field): unknown or none propagate. A
 *  date has no time of day: a duration with hours shifts it by its whole days (`36h` by 1). */
/**
 * `date + d` for a computed duration `d` in days (whole days only). None when the date is (no such
 * event); otherwise unknown when either is, none when the duration is, and unknown (malformed) for
 * a duration that is not a finite number: never a date computed from a missing amount.
 */
export function shiftDays(date: unknown, sign: 1 | -1, days: unknown): unknown {
  if (typeof days === "number" && days - days === 0) return shiftDate(date, sign, Math.trunc(days), "d");
  const operand = dateOperand(date);
  if (operand === null) return null;
  if (operand instanceof Unknown || days instanceof Unknown) return unknownOf(operand, days);
  return days === null || days === undefined ? null : MALFORMED;
}

/** `x == a or x == b or ...` as one set test: unknown when x is, false when x is none. */
export function oneOf(value: unknown, values: ReadonlySet<string>): Tri {
  if (value instanceof Unknown) return value;
  return typeof value === "string" && values.has(value);
}

/**
 * Free text as `==` and `!=` compare it: Unicode NFC, lower case, no surrounding white space and
 * every run of white space one space, so `"Gluteus  Medius "` equals `"gluteus medius"`. Anything
 * that is not a string (unknown, none) is returned as it is.
 */
export function normaliseText(value: string): string;
export function normaliseText(value: unknown): unknown;
export function normaliseText(value: unknown): unknown {
  if (typeof value !== "string" || isNormalText(value)) return value;
  return value.normalize("NFC").toLowerCase().trim().replace(/\s+/g, " ");
}

/** Lower-case ASCII with single inner spaces: already normal, checked without allocating. */
function isNormalText(text: string): boolean {
  let previousSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (previousSpace) return false;
      previousSpace = true;
    } else if (c < 33 || c > 126 || (c >= 65 && c <= 90)) return false;
    else previousSpace = false;
  }
  return !previousSpace || text.length === 0;
}

/**
 * `x in L` for a list of values (`item.level in last_block.levels`): true when an element equals
 * `x` (as `==` compares); unknown when `x` or the list is unknown; not met when `x` is none or the
 * list belongs to a record that is none. For texts and codes `x` comes normalised and `normalise`
 * (`normaliseText`, `normaliseCode`) normalises each element the same way.
 */
export function inList(value: unknown, list: unknown, normalise?: (element: unknown) => unknown): Tri {
  if (value instanceof Unknown || list instanceof Unknown) return unknownOf(value, list);
  if (value === null || value === undefined || !Array.isArray(list)) return false;
  for (const element of list) if (compare("==", value, normalise ? normalise(element) : element) === true) return true;
  return false;
}

/** `table of x`: the table's value for the member `x`; unknown or none propagate. */
export function lookup(value: unknown, table: ReadonlyMap<string, unknown>): unknown {
  if (value instanceof Unknown || value === null || value === undefined) return value;
  const found = typeof value === "string" ? table.get(value) : undefined;
  return found === undefined ? MALFORMED : found;
}

/** A member of an ordered enum as its position (first 0), for comparing by order. */
export function rank(value: unknown, members: readonly string[]): unknown {
  if (value instanceof Unknown || value === null || value === undefined) return value;
  const index = typeof value === "string" ? members.indexOf(value) : -1;
  return index < 0 ? MALFORMED : index;
}

/**
 * `documented x`: met when the fact is in the case, unknown (asking for it) when it is not, never
 * false for a record that exists. Of a record that is none (no such event) it is not met.
 */
export function documented(value: unknown): Tri {
  if (value instanceof Unknown) return value;
  return value !== null && value !== undefined;
}

/** The days of the calendar span of `amount unit` ending at the date of service: [dos - N, dos). */
export function spanDays(dos: IsoDate, amount: number, unit: CalendarUnit): number {
  return daysBetween(addDuration(dos, -amount, unit), dos);
}
