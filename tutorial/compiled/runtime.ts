// Copied by pol from src/runtime.ts. Do not edit: evaluators in this folder import it.

// pol runtime: the semantics shared by the reference interpreter and every compiled evaluator.
// Dependency-free on purpose: `pol compile` copies this file next to the evaluators it emits.
//
// Value model (plain JavaScript values, so the common case costs nothing):
//   known values   boolean | number | string (ISO dates, codes, enum members, text) | record objects
//   unknown        an `Unknown` instance carrying the facts whose absence made it unknown
//   none           `null`: the field of an event that does not exist (`latest` of an empty list)
// Percents are numbers 0-100; fixed durations are numbers of days; dates are ISO `YYYY-MM-DD`.
//
// Performance rule: when every value is known, logic, comparisons, field reads and aggregates
// allocate nothing (date arithmetic builds its result string, `since` its Elapsed). Unknown
// merging, ranges and read recording are only paid for when they happen.

// ---------------------------------------------------------------------------------------------
// Unknowns and three-valued logic

/** One missing fact: where it is in the case and the schema's label for it. */
export interface Missing {
  /** JSON path into the case, e.g. `procedures[2].relief`, `items[0].purpose`, `pain_onset`. */
  fact: string;
  label: string;
}

export class Unknown {
  constructor(readonly missing: readonly Missing[]) {}
}

export type Tri = boolean | Unknown;

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** Accumulates missing facts, deduplicated by `fact`, first seen first. Only built when needed. */
class MissingList {
  readonly facts: Missing[] = [];
  private readonly seen = new Set<string>();

  add(unknown: Unknown): void {
    for (const missing of unknown.missing) {
      if (!this.seen.has(missing.fact)) {
        this.seen.add(missing.fact);
        this.facts.push(missing);
      }
    }
  }

  toUnknown(): Unknown {
    return new Unknown(this.facts);
  }
}

/** The Unknown carried by a value: itself, a Range's unknown, or undefined for known values. */
function unknownIn(value: unknown): Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (isRange(value)) return value.unknown;
  return undefined;
}

/** Two unknowns merged; returns `a` itself when `b` adds nothing new. */
function mergeTwo(a: Unknown, b: Unknown): Unknown {
  if (a === b) return a;
  const merged = new MissingList();
  merged.add(a);
  const before = merged.facts.length;
  merged.add(b);
  return merged.facts.length === before ? a : merged.toUnknown();
}

/**
 * Merge the missing facts of every Unknown among `values` (deduplicated by `fact`, first seen
 * first). A Range contributes its `unknown`. With no Unknown among them, an Unknown with no facts.
 */
export function unknownOf(...values: unknown[]): Unknown {
  let result: Unknown | undefined;
  for (const value of values) {
    const unknown = unknownIn(value);
    if (unknown !== undefined) result = result === undefined ? unknown : mergeTwo(result, unknown);
  }
  return result ?? new Unknown([]);
}

/** Kleene conjunction: false if any is false, true if all are true, otherwise unknown (merging the unknown operands). */
export function and(...operands: Tri[]): Tri {
  let unknown: Unknown | undefined;
  for (const operand of operands) {
    if (operand === true) continue;
    if (operand instanceof Unknown) unknown = unknown === undefined ? operand : mergeTwo(unknown, operand);
    else return false;
  }
  return unknown ?? true;
}

/** Kleene disjunction: true if any is true, false if all are false, otherwise unknown. */
export function or(...operands: Tri[]): Tri {
  let unknown: Unknown | undefined;
  for (const operand of operands) {
    if (operand === true) return true;
    if (operand instanceof Unknown) unknown = unknown === undefined ? operand : mergeTwo(unknown, operand);
  }
  return unknown ?? false;
}

export function not(operand: Tri): Tri {
  if (operand instanceof Unknown) return operand;
  return operand !== true;
}

// ---------------------------------------------------------------------------------------------
// Ranges: exact bounds for counts, sums and coverage when some elements are uncertain

/** A number known to lie in [lo, hi] (hi may be Infinity); `unknown` says which facts would settle it. */
export interface Range {
  lo: number;
  hi: number;
  unknown: Unknown;
}

export function isRange(value: unknown): value is Range {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Range).lo === "number" &&
    typeof (value as Range).hi === "number" &&
    (value as Range).unknown instanceof Unknown
  );
}

// ---------------------------------------------------------------------------------------------
// Comparison and arithmetic. Operands: number | string | boolean | null | Unknown | Range.
// null (none) makes a comparison false and arithmetic null; Unknown propagates; a Range compares
// true/false when every value in it gives the same answer, otherwise it is unknown.

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

export function compare(operator: CompareOperator, left: unknown, right: unknown): Tri {
  if (left instanceof Unknown || right instanceof Unknown) return unknownOf(left, right);
  // A comparison involving none is not met, whatever the operator: there is no such event.
  if (left === null || left === undefined || right === null || right === undefined) return false;
  if (typeof left === "object" || typeof right === "object") return compareRanges(operator, left, right);
  switch (operator) {
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return (left as number) < (right as number);
    case "<=":
      return (left as number) <= (right as number);
    case ">":
      return (left as number) > (right as number);
    case ">=":
      return (left as number) >= (right as number);
  }
}

/**
 * Compare when one side (or both) is a Range, treating each side as the real interval [lo, hi]
 * (a number x is [x, x]): true when every pair of values satisfies the operator, false when none
 * does, otherwise the ranges' unknown.
 */
function compareRanges(operator: CompareOperator, left: unknown, right: unknown): Tri {
  const l = asInterval(left);
  const r = asInterval(right);
  if (l === undefined || r === undefined) return false;
  let always: boolean;
  let never: boolean;
  switch (operator) {
    case "<":
      always = l.hi < r.lo;
      never = l.lo >= r.hi;
      break;
    case "<=":
      always = l.hi <= r.lo;
      never = l.lo > r.hi;
      break;
    case ">":
      always = l.lo > r.hi;
      never = l.hi <= r.lo;
      break;
    case ">=":
      always = l.lo >= r.hi;
      never = l.hi < r.lo;
      break;
    case "==":
    case "!=": {
      const equal = l.lo === l.hi && r.lo === r.hi && l.lo === r.lo;
      const disjoint = l.hi < r.lo || l.lo > r.hi;
      always = operator === "==" ? equal : disjoint;
      never = operator === "==" ? disjoint : equal;
      break;
    }
  }
  if (always) return true;
  if (never) return false;
  return unknownOf(left, right);
}

function asInterval(value: unknown): { lo: number; hi: number } | undefined {
  if (typeof value === "number") return { lo: value, hi: value };
  if (isRange(value)) return value;
  return undefined;
}

export type ArithmeticOperator = "+" | "-" | "*" | "/";

/** Number arithmetic; division by zero gives null (no such value). Ranges use interval arithmetic. */
export function arithmetic(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  if (left instanceof Unknown || right instanceof Unknown) return unknownOf(left, right);
  if (left === null || left === undefined || right === null || right === undefined) return null;
  if (typeof left === "number" && typeof right === "number") {
    switch (operator) {
      case "+":
        return left + right;
      case "-":
        return left - right;
      case "*":
        return left * right;
      case "/":
        return right === 0 ? null : left / right;
    }
  }
  return rangeArithmetic(operator, left, right);
}

function rangeArithmetic(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  const l = asInterval(left);
  const r = asInterval(right);
  if (l === undefined || r === undefined) return null;
  const unknown = unknownOf(left, right);
  switch (operator) {
    case "+":
      return { lo: l.lo + r.lo, hi: l.hi + r.hi, unknown };
    case "-":
      return { lo: l.lo - r.hi, hi: l.hi - r.lo, unknown };
    case "*":
    case "/": {
      if (operator === "/") {
        // A divisor that may be zero may give no value at all: nothing definite to say.
        if (r.lo <= 0 && r.hi >= 0) return unknown;
      }
      const candidates = [
        combine(operator, l.lo, r.lo),
        combine(operator, l.lo, r.hi),
        combine(operator, l.hi, r.lo),
        combine(operator, l.hi, r.hi),
      ];
      // Infinity / Infinity has no meaningful corner: fall back to the whole line.
      if (candidates.some(Number.isNaN)) return { lo: -Infinity, hi: Infinity, unknown };
      return { lo: Math.min(...candidates), hi: Math.max(...candidates), unknown };
    }
  }
}

/** x * y or x / y at interval corners, with 0 * Infinity taken as 0 (a bound, not a value). */
function combine(operator: "*" | "/", x: number, y: number): number {
  if (operator === "*") return x === 0 || y === 0 ? 0 : x * y;
  return x / y;
}

export function negate(value: unknown): unknown {
  if (typeof value === "number") return -value;
  if (value instanceof Unknown) return value;
  if (isRange(value)) return { lo: -value.hi, hi: -value.lo, unknown: value.unknown };
  return null;
}

/** A ratio as a percent: 0.6 -> 60. */
export function asPercent(value: unknown): unknown {
  if (typeof value === "number") return value * 100;
  if (value instanceof Unknown) return value;
  if (isRange(value)) return { lo: value.lo * 100, hi: value.hi * 100, unknown: value.unknown };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Calendar (CQL rules; see docs/semantics.md)
//
// Dates stay ISO strings (their string order is their date order). Arithmetic goes through day
// numbers with Howard Hinnant's days-from-civil algorithm: pure integer arithmetic, no `Date`,
// no time zones. Results are clamped to 0001-01-01 .. 9999-12-31 so they stay valid ISO dates
// whose string order is still date order.

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
function dayNumber(date: IsoDate): number {
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

const ISO_DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A valid ISO calendar date `YYYY-MM-DD` (years 0001-9999), or undefined. */
export function parseIsoDate(text: string): IsoDate | undefined {
  if (typeof text !== "string" || !ISO_DATE_SHAPE.test(text)) return undefined;
  const year = yearOf(text);
  const month = monthOf(text);
  const day = dayOf(text);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return text;
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
  if (typeof date === "string") return addDuration(date, sign * amount, unit);
  if (date instanceof Unknown) return date;
  return null;
}

/** `a - b` for two dates: days from b to a. */
export function dateDifference(left: unknown, right: unknown): unknown {
  if (left instanceof Unknown || right instanceof Unknown) return unknownOf(left, right);
  if (typeof left !== "string" || typeof right !== "string") return null;
  return daysBetween(right, left);
}

/** The first day of `within amount unit`: dos - amount unit (clamped). The window is [start, dos]. */
export function windowStart(dos: IsoDate, amount: number, unit: CalendarUnit): IsoDate {
  return addDuration(dos, -amount, unit);
}

/** Whether an event dated `date` lies in [start, end]; unknown when the date is unknown; false for null. */
export function inWindow(date: unknown, start: IsoDate, end: IsoDate): Tri {
  if (typeof date === "string") return start <= date && date <= end;
  if (date instanceof Unknown) return date;
  return false;
}

/** Whether an episode [from, to] overlaps [start, end]; unknown ends make it unknown unless the known end decides. */
export function overlapsWindow(from: unknown, to: unknown, start: IsoDate, end: IsoDate): Tri {
  const startsInTime = typeof from === "string" ? from <= end : from instanceof Unknown ? from : false;
  if (startsInTime === false) return false;
  const endsInTime = typeof to === "string" ? to >= start : to instanceof Unknown ? to : false;
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

/** `time since date`: from `date` to the date of service. A date after the date of service gives a negative elapsed time: all `>=`/`>` comparisons are false. */
export function since(date: unknown, dos: IsoDate): Elapsed | null | Unknown {
  if (typeof date === "string") return { from: date, to: dos };
  if (date instanceof Unknown) return date;
  return null;
}

/** `time between a and b`, in either order. */
export function between(a: unknown, b: unknown): Elapsed | null | Unknown {
  if (a instanceof Unknown || b instanceof Unknown) return unknownOf(a, b);
  if (typeof a !== "string" || typeof b !== "string") return null;
  return a <= b ? { from: a, to: b } : { from: b, to: a };
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
  const reached = addDuration(elapsed.from, amount, unit);
  const to = elapsed.to;
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

const FIXED_DURATION = /^(\d{1,9})(d|wk)$/;

/** Parse a fixed duration `42d` / `6wk` into days; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = FIXED_DURATION.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  return match[2] === "wk" ? amount * 7 : amount;
}

// ---------------------------------------------------------------------------------------------
// Code sets
//
// Codes are compared upper-cased and without dots, so ICD-10 `B02.9` and `B029` are the same code
// and `b02.9` matches too. Ranges compare equal-length codes lexicographically.

function normaliseCode(code: string): string {
  if (isNormalCode(code)) return code;
  const trimmed = code.trim();
  return (trimmed.indexOf(".") < 0 ? trimmed : trimmed.replace(/\./g, "")).toUpperCase();
}

/** Whether a code is already upper-case without dots or spaces: the usual case, checked without allocating. */
function isNormalCode(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 46 /* . */ || c <= 32 || (c >= 97 && c <= 122)) return false;
  }
  return true;
}

export class CodeSet {
  private readonly exactCodes: ReadonlySet<string>;
  private readonly normalisedPrefixes: readonly string[];
  private readonly normalisedRanges: readonly (readonly [string, string])[];
  /** No prefixes or ranges: a miss in the exact codes is a miss. */
  private readonly exactOnly: boolean;

  constructor(
    readonly exact: readonly string[],
    /** `B02.*` is stored as prefix "B02". */
    readonly prefixes: readonly string[],
    /** Inclusive, equal-length bounds. */
    readonly ranges: readonly (readonly [string, string])[],
  ) {
    this.exactCodes = new Set(exact.map(normaliseCode));
    this.normalisedPrefixes = prefixes.map(normaliseCode);
    this.normalisedRanges = ranges.map(([lo, hi]) => [normaliseCode(lo), normaliseCode(hi)] as const);
    this.exactOnly = prefixes.length === 0 && ranges.length === 0;
  }

  has(code: string): boolean {
    // Every stored code is normal, so a raw hit is a hit; only a miss may need normalising.
    if (this.exactCodes.has(code)) return true;
    const raw = String(code);
    const normal = normaliseCode(raw);
    if (normal !== raw && this.exactCodes.has(normal)) return true;
    if (this.exactOnly) return false;
    const prefixes = this.normalisedPrefixes;
    for (let i = 0; i < prefixes.length; i++) if (normal.startsWith(prefixes[i]!)) return true;
    const ranges = this.normalisedRanges;
    for (let i = 0; i < ranges.length; i++) {
      const range = ranges[i]!;
      if (normal.length === range[0].length && range[0] <= normal && normal <= range[1]) return true;
    }
    return false;
  }
}

/** `code in set`: unknown when the code is unknown; false for null. */
export function inCodes(code: unknown, set: CodeSet): Tri {
  if (typeof code === "string") return set.has(code);
  if (code instanceof Unknown) return code;
  if (typeof code === "number") return set.has(String(code));
  return false;
}

// ---------------------------------------------------------------------------------------------
// Schema descriptors, validation and the evaluation context

export type FieldType =
  | "bool"
  | "number"
  | "percent"
  | "date"
  | "duration"
  | "code"
  | "text"
  | { enum: readonly string[] }
  | { list: string };

export interface FieldDescriptor {
  type: FieldType;
  label: string;
  /** Computed fields may not be supplied in a case. */
  computed?: true;
}

export interface RecordDescriptor {
  label: string;
  dated?: { start: string; end?: string };
  fields: Readonly<Record<string, FieldDescriptor>>;
}

/** Records by name; "case" and "item" are always present. The case record includes
 *  `date_of_service` (date) and `items` ({ list: "item" }). */
export interface SchemaDescriptor {
  records: Readonly<Record<string, RecordDescriptor>>;
}

export interface CaseError {
  /** JSON path, e.g. `procedures[2].date`; `` for the whole case. */
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: CaseError[] };

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** A schema lookup that never sees Object.prototype (`constructor`, `__proto__`, ...). */
function ownField(record: RecordDescriptor | undefined, name: string): FieldDescriptor | undefined {
  return record !== undefined && hasOwn(record.fields, name) ? record.fields[name] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON value as it appears in a message: strings in backticks, lists and objects by kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "an object";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    return "`" + (value.length > 60 ? value.slice(0, 57) + "..." : value) + "`";
  }
  return "`" + String(value) + "`";
}

function childPath(parent: string, name: string): string {
  return parent === "" ? name : parent + "." + name;
}

/** Optimal-string-alignment edit distance (a transposition costs 1): `releif` -> `relief` is 1. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** The closest name within a third of the word's length (at least 1 edit), if any. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

const CALENDAR_DURATION = /^(\d{1,9})(mo|y)$/;

/** What is wrong with a supplied (non-null) value of a field type, or undefined when it is fine. */
function typeError(type: Exclude<FieldType, { list: string }>, value: unknown): string | undefined {
  switch (type) {
    case "bool":
      return typeof value === "boolean" ? undefined : `expected \`true\` or \`false\`, found ${shown(value)}`;
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : `expected a number, found ${shown(value)}`;
    case "percent":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return `expected a percent (a number from 0 to 100), found ${shown(value)}`;
      }
      return value >= 0 && value <= 100 ? undefined : `percent must be between 0 and 100, found ${shown(value)}`;
    case "date":
      return typeof value === "string" && parseIsoDate(value) !== undefined
        ? undefined
        : `expected a date \`YYYY-MM-DD\`, found ${shown(value)}`;
    case "duration": {
      if (typeof value === "string" && parseDuration(value) !== undefined) return undefined;
      const calendar = typeof value === "string" ? CALENDAR_DURATION.exec(value) : null;
      if (calendar !== null) {
        // Suggest the nearest fixed durations: a month as 30 days / 4 weeks, a year as 365 / 52.
        const months = calendar[2] === "y" ? Number(calendar[1]) * 12 : Number(calendar[1]);
        const days = calendar[2] === "y" ? Number(calendar[1]) * 365 : months * 30;
        const weeks = calendar[2] === "y" ? Number(calendar[1]) * 52 : months * 4;
        return `\`${value}\` is a calendar duration; record this duration in days or weeks (\`${days}d\`, \`${weeks}wk\`)`;
      }
      return `expected a duration in days or weeks (\`42d\`, \`6wk\`), found ${shown(value)}`;
    }
    case "code":
      if (typeof value === "string" && value.trim() !== "") return undefined;
      if (typeof value === "number")
        return `expected a code as a string (\`"${value}"\`), found the number ${shown(value)}`;
      return `expected a code, found ${shown(value)}`;
    case "text":
      return typeof value === "string" ? undefined : `expected text, found ${shown(value)}`;
    default:
      return typeof value === "string" && type.enum.includes(value)
        ? undefined
        : `expected one of ${type.enum.map((member) => "`" + member + "`").join(", ")}, found ${shown(value)}`;
  }
}

/** Validates one record (the case, an item, a list element) and everything under it. */
function validateRecord(
  schema: SchemaDescriptor,
  recordName: string,
  value: Record<string, unknown>,
  path: string,
  required: readonly string[],
  errors: CaseError[],
): void {
  const record = hasOwn(schema.records, recordName) ? schema.records[recordName] : undefined;
  for (const name of required) {
    if (!hasOwn(value, name) || value[name] === null || value[name] === undefined) {
      errors.push({ path: childPath(path, name), message: `missing required field \`${name}\`` });
    }
  }
  for (const name of Object.keys(value)) {
    const fieldPath = childPath(path, name);
    const descriptor = ownField(record, name) ?? builtInCaseField(recordName, name);
    if (descriptor === undefined) {
      const suppliable =
        record === undefined ? [] : Object.keys(record.fields).filter((f) => !record.fields[f]!.computed);
      const suggestion = closest(name, suppliable);
      errors.push({
        path: fieldPath,
        message: `unknown field \`${name}\`` + (suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`),
      });
      continue;
    }
    if (descriptor.computed) {
      errors.push({ path: fieldPath, message: `\`${name}\` is computed from other fields and cannot be supplied` });
      continue;
    }
    const fieldValue = value[name];
    if (fieldValue === null || fieldValue === undefined) continue; // an unknown fact, allowed
    const type = descriptor.type;
    if (typeof type === "object" && "list" in type) {
      validateList(schema, type.list, descriptor.label, fieldValue, fieldPath, errors);
      continue;
    }
    const problem = typeError(type, fieldValue);
    if (problem !== undefined) errors.push({ path: fieldPath, message: problem });
  }
}

function validateList(
  schema: SchemaDescriptor,
  elementRecord: string,
  label: string,
  value: unknown,
  path: string,
  errors: CaseError[],
): void {
  if (!Array.isArray(value)) {
    errors.push({ path, message: `expected a list of ${label}, found ${shown(value)}` });
    return;
  }
  const elementLabel = hasOwn(schema.records, elementRecord) ? schema.records[elementRecord]!.label : elementRecord;
  const required = elementRecord === "item" ? ["code"] : [];
  value.forEach((element, index) => {
    const elementPath = `${path}[${index}]`;
    if (isPlainObject(element)) validateRecord(schema, elementRecord, element, elementPath, required, errors);
    else errors.push({ path: elementPath, message: `expected a ${elementLabel} (an object), found ${shown(element)}` });
  });
}

/** `date_of_service` and `items` exist on every case even if a descriptor forgot them. */
function builtInCaseField(recordName: string, name: string): FieldDescriptor | undefined {
  if (recordName !== "case") return undefined;
  if (name === "date_of_service") return { type: "date", label: "date of service" };
  if (name === "items") return { type: { list: "item" }, label: "requested line items" };
  return undefined;
}

/**
 * Check untrusted JSON against the schema: every error with its path, never a throw. Absent
 * fields and nulls are allowed (unknown facts) except `date_of_service`, `items` and each item's
 * `code`. Unknown fields, wrong types, invalid dates, percents outside 0-100, calendar durations
 * (`2mo`) in duration fields, and supplied computed fields are errors.
 */
export function validateCase(json: unknown, schema: SchemaDescriptor): Validation<Record<string, unknown>> {
  if (!isPlainObject(json)) {
    return { ok: false, errors: [{ path: "", message: `expected a case object \`{ ... }\`, found ${shown(json)}` }] };
  }
  const errors: CaseError[] = [];
  validateRecord(schema, "case", json, "", ["date_of_service", "items"], errors);
  return errors.length === 0 ? { ok: true, value: json } : { ok: false, errors };
}

/**
 * Reads recorded for one criterion (or one cached let), in order, deduplicated by fact. A read is
 * kept as the record object and the field name; its JSON path is built once, by `endReads`, so a
 * read costs two comparisons per earlier read instead of a path string and string comparisons.
 * A read given as a ready `Fact` (`Context.recordRead`) is kept with `record` undefined.
 */
class ReadLog {
  readonly records: (object | undefined)[] = [];
  readonly names: string[] = [];
  readonly values: unknown[] = [];
  /** Built once the log outgrows a linear scan (a criterion over a long history). */
  private seen: Map<object | undefined, Set<string>> | undefined;

  add(record: object | undefined, name: string, value: unknown): void {
    const records = this.records;
    const names = this.names;
    if (this.seen !== undefined) {
      let fields = this.seen.get(record);
      if (fields === undefined) this.seen.set(record, (fields = new Set()));
      if (fields.has(name)) return;
      fields.add(name);
    } else {
      for (let i = 0; i < records.length; i++) if (records[i] === record && names[i] === name) return;
      if (records.length >= 32) {
        this.seen = new Map();
        for (let i = 0; i < records.length; i++) this.remember(records[i], names[i]!);
        this.remember(record, name);
      }
    }
    records.push(record);
    names.push(name);
    this.values.push(value);
  }

  /** Every read of `log`, in its order, after this log's own. */
  addAll(log: ReadLog): void {
    for (let i = 0; i < log.records.length; i++) this.add(log.records[i], log.names[i]!, log.values[i]);
  }

  private remember(record: object | undefined, name: string): void {
    let fields = this.seen!.get(record);
    if (fields === undefined) this.seen!.set(record, (fields = new Set()));
    fields.add(name);
  }
}

const NO_READS = new ReadLog();

interface MemoEntry {
  value: unknown;
  /** The reads the computation made, replayed on each later use when tracing. */
  reads: ReadLog;
}

/**
 * One evaluation: the case, the item under decision, memoised lets and (optionally) a trace of reads.
 * Memos are cleared for every line item (a let that does not mention `item` is then recomputed
 * once per item: cheap, and it keeps the memo table free of dependency bookkeeping).
 */
export class Context {
  /** The interpreter's lets by name; created on first use (compiled code uses slots). */
  private memos: Map<string, MemoEntry> | undefined;
  /** Innermost last: the criterion's log, then one per memo being computed. */
  private readLogs: ReadLog[] = [];
  private otherItemsCache: readonly Record<string, unknown>[] | undefined;
  private paths: Map<object, string> | undefined;

  constructor(
    readonly schema: SchemaDescriptor,
    readonly input: Record<string, unknown>,
    readonly tracing: boolean,
  ) {}

  /** The date of service. */
  get dos(): IsoDate {
    return this.input.date_of_service as IsoDate;
  }

  /** The line item under decision, and its index. */
  item: Record<string, unknown> = {};
  itemIndex = 0;

  /** The case's line items (empty when absent, which a valid case never is). */
  get items(): readonly Record<string, unknown>[] {
    const items = this.input.items;
    return Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
  }

  /** Requested line items other than the current one. */
  get otherItems(): readonly Record<string, unknown>[] {
    if (this.otherItemsCache === undefined) {
      this.otherItemsCache = this.items.filter((_, index) => index !== this.itemIndex);
    }
    return this.otherItemsCache;
  }

  /** The value of a let, computed at most once per line item (the interpreter's cache, by name). */
  memo<T>(name: string, compute: () => T): T {
    const memos = (this.memos ??= new Map());
    const entry = memos.get(name);
    if (entry !== undefined) {
      if (this.tracing) this.replay(entry.reads);
      return entry.value as T;
    }
    if (!this.tracing) {
      const value = compute();
      memos.set(name, { value, reads: NO_READS });
      return value;
    }
    const log = this.openLog();
    let value: T;
    try {
      value = compute();
    } finally {
      this.readLogs.pop();
    }
    memos.set(name, { value, reads: log });
    this.replay(log);
    return value;
  }

  /**
   * The value of a let, computed at most once per line item: compiled evaluators' cache. Each let
   * owns a slot number and a module-level `compute` function, so a hit allocates nothing; a slot
   * belongs to the current item when its stamp is the current item's generation.
   */
  cached<T>(slot: number, compute: (context: Context) => T): T {
    if (this.slotStamps[slot] === this.generation) {
      if (this.tracing) this.replay(this.slotReads[slot]!);
      return this.slotValues[slot] as T;
    }
    let value: T;
    if (!this.tracing) {
      value = compute(this);
    } else {
      const log = this.openLog();
      try {
        value = compute(this);
      } finally {
        this.readLogs.pop();
      }
      this.slotReads[slot] = log;
      this.replay(log);
    }
    this.slotValues[slot] = value;
    this.slotStamps[slot] = this.generation;
    return value;
  }

  private readonly slotValues: unknown[] = [];
  private readonly slotStamps: number[] = [];
  private readonly slotReads: ReadLog[] = [];
  private generation = 0;

  /** A read log for a let being computed, innermost; the caller pops it. */
  private openLog(): ReadLog {
    const log = new ReadLog();
    this.readLogs.push(log);
    return log;
  }

  /** A cached let's reads, recorded again for the criterion (or let) using it. */
  private replay(reads: ReadLog): void {
    const log = this.readLogs[this.readLogs.length - 1];
    if (log !== undefined) log.addAll(reads);
  }

  /** Start the next line item: clears item-dependent memos and slots. */
  beginItem(index: number): void {
    this.itemIndex = index;
    const item = this.items[index];
    this.item = isPlainObject(item) ? item : {};
    if (this.memos !== undefined && this.memos.size > 0) this.memos.clear();
    this.generation++;
    this.otherItemsCache = undefined;
  }

  /** Start recording reads for one criterion; `endReads` returns them in order, deduplicated. */
  beginReads(): void {
    this.readLogs = [new ReadLog()];
  }
  endReads(): Fact[] {
    const log = this.readLogs[0];
    this.readLogs = [];
    if (log === undefined) return [];
    const facts: Fact[] = [];
    for (let i = 0; i < log.records.length; i++) {
      const record = log.records[i];
      const name = log.names[i]!;
      facts.push({ fact: record === undefined ? name : factPath(this, record, name), value: log.values[i] });
    }
    return facts;
  }

  /** A read whose path is already known; reads outside `beginReads`/`endReads` are dropped. */
  recordRead(fact: Fact): void {
    const log = this.readLogs[this.readLogs.length - 1];
    if (log !== undefined) log.add(undefined, fact.fact, fact.value);
  }

  /** Called by `field` and `list` when tracing: field `name` of `record` (a record of the case)
   *  read as `value` (null when absent). */
  recordField(record: object, name: string, value: unknown): void {
    const log = this.readLogs[this.readLogs.length - 1];
    if (log !== undefined) log.add(record, name, value);
  }

  /** The JSON path of a record of the case (`` for the case itself, `items[1]`, `procedures[3]`). */
  pathOf(record: object): string {
    if (record === this.input) return "";
    if (record === this.item) return `items[${this.itemIndex}]`;
    this.paths ??= this.indexPaths();
    return this.paths.get(record) ?? "?";
  }

  /** Every element of every list in the case, nested lists included, by identity, with its path. Built once. */
  private indexPaths(): Map<object, string> {
    const paths = new Map<object, string>();
    const listFields = listFieldsOf(this.schema);
    const visit = (record: Record<string, unknown>, recordName: string, base: string): void => {
      const lists = listFields.get(recordName);
      if (lists === undefined) return;
      for (let l = 0; l < lists.length; l++) {
        const [name, elementRecord] = lists[l]!;
        const elements = record[name];
        if (!Array.isArray(elements)) continue;
        for (let index = 0; index < elements.length; index++) {
          const element: unknown = elements[index];
          if (typeof element !== "object" || element === null || paths.has(element)) continue;
          const path = base + name + "[" + index + "]";
          paths.set(element, path);
          visit(element as Record<string, unknown>, elementRecord, path + ".");
        }
      }
    };
    visit(this.input, "case", "");
    return paths;
  }
}

/** Each record's list fields as [field, element record]; the case's `items` first. */
type ListFields = Map<string, readonly (readonly [string, string])[]>;

const listFieldsBySchema = new WeakMap<SchemaDescriptor, ListFields>();

/** The list fields of every record of a schema, worked out once per schema. */
function listFieldsOf(schema: SchemaDescriptor): ListFields {
  let table = listFieldsBySchema.get(schema);
  if (table !== undefined) return table;
  table = new Map();
  const recordNames = Object.keys(schema.records);
  if (!recordNames.includes("case")) recordNames.push("case");
  for (const recordName of recordNames) {
    const descriptor = hasOwn(schema.records, recordName) ? schema.records[recordName] : undefined;
    const lists: [string, string][] = recordName === "case" ? [["items", "item"]] : [];
    for (const [name, field] of Object.entries(descriptor?.fields ?? {})) {
      if (typeof field.type === "object" && "list" in field.type && name !== "items") lists.push([name, field.type.list]);
    }
    table.set(recordName, lists);
  }
  listFieldsBySchema.set(schema, table);
  return table;
}

/**
 * Read a field of a record (or of the case): the value; Unknown when absent or null (with the
 * field's path and label); null when the record is none; Unknown when the record is unknown.
 * Duration fields are returned in days. Records a read when tracing.
 */
export function field(context: Context, recordName: string, record: unknown, name: string): unknown {
  // The common read, small enough to be inlined at each call site (where the property load
  // becomes monomorphic): a present value that is not a duration, not traced.
  if (record !== null && record !== undefined && !context.tracing) {
    const value = (record as Record<string, unknown>)[name];
    if (value !== null && value !== undefined && (typeof value !== "string" || !mayBeDuration(value))) {
      if (!(record instanceof Unknown)) return value;
    }
  }
  return readField(context, recordName, record, name);
}

/**
 * `field` for a record of the case itself (never none or unknown) and a field that is not a
 * duration, given `value`, the call site's own read of `record[name]`: V8 specialises that
 * property load per call site, which the load inside the shared `field` cannot be. A present
 * value is the result unless tracing; everything else is `field`'s.
 */
export function fieldValue(
  context: Context,
  recordName: string,
  record: Record<string, unknown>,
  name: string,
  value: unknown,
): unknown {
  if (value !== null && value !== undefined && !context.tracing) return value;
  return readField(context, recordName, record, name);
}

/** `field` in full: none and unknown records, absent values, durations and tracing. */
function readField(context: Context, recordName: string, record: unknown, name: string): unknown {
  if (record === null || record === undefined) return null;
  if (record instanceof Unknown) return record;
  const target = record as Record<string, unknown>;
  const value = target[name];
  const absent = value === null || value === undefined;
  if (context.tracing || absent) {
    if (context.tracing) context.recordField(target, name, absent ? null : value);
    if (absent) return new Unknown([{ fact: factPath(context, target, name), label: labelOf(context.schema, recordName, name) }]);
  }
  if (typeof value === "string" && mayBeDuration(value) && isDurationField(context.schema, recordName, name)) {
    // Cases store fixed durations as text (`6wk`); evaluation works in days. A valid case never
    // holds anything else; if one does, the fact is treated as not known rather than guessed.
    const days = parseDuration(value);
    if (days !== undefined) return days;
    return new Unknown([{ fact: factPath(context, target, name), label: labelOf(context.schema, recordName, name) }]);
  }
  return value;
}

/** A cheap filter before the schema lookup: fixed durations end in `d` or `k` (`42d`, `6wk`). */
function mayBeDuration(value: string): boolean {
  const last = value.charCodeAt(value.length - 1);
  return last === 100 /* d */ || last === 107; /* k */
}

function isDurationField(schema: SchemaDescriptor, recordName: string, name: string): boolean {
  const record = hasOwn(schema.records, recordName) ? schema.records[recordName] : undefined;
  return ownField(record, name)?.type === "duration";
}

function factPath(context: Context, record: object, name: string): string {
  const base = context.pathOf(record);
  return base === "" ? name : base + "." + name;
}

function labelOf(schema: SchemaDescriptor, recordName: string, name: string): string {
  const record = hasOwn(schema.records, recordName) ? schema.records[recordName] : undefined;
  return ownField(record, name)?.label ?? builtInCaseField(recordName, name)?.label ?? name;
}

/** A case-level list (or `items`): the array, or Unknown when the case lacks it. */
export function list(context: Context, name: string): readonly Record<string, unknown>[] | Unknown {
  const value = context.input[name];
  const present = Array.isArray(value);
  if (context.tracing) context.recordField(context.input, name, present ? value : null);
  if (present) return value as Record<string, unknown>[];
  return new Unknown([{ fact: name, label: labelOf(context.schema, "case", name) }]);
}

// ---------------------------------------------------------------------------------------------
// Aggregates over lists. `member` gives each element's membership (filters and windows fused):
// true, false or Unknown. Elements whose membership is Unknown make results ranges, exactly.

export type Member = (element: Record<string, unknown>) => Tri;

/** Collects the unknowns met while scanning a list; created only when the first one shows up. */
class Unknowns {
  private first: Unknown | undefined;
  private merged: MissingList | undefined;

  add(unknown: Unknown): void {
    if (this.first === undefined) {
      this.first = unknown;
      return;
    }
    if (unknown === this.first) return;
    if (this.merged === undefined) {
      this.merged = new MissingList();
      this.merged.add(this.first);
    }
    this.merged.add(unknown);
  }

  result(): Unknown {
    return this.merged?.toUnknown() ?? this.first ?? new Unknown([]);
  }
}

/**
 * How many elements are members: a number when every membership is known, else the Range from
 * the definite members to definite + possible ones. An unknown list could hold anything: [0, ∞].
 */
export function count(list: readonly Record<string, unknown>[] | Unknown, member: Member): number | Range {
  if (list instanceof Unknown) return { lo: 0, hi: Infinity, unknown: list };
  let definite = 0;
  let possible = 0;
  let unknowns: Unknowns | undefined;
  for (const element of list) {
    const membership = member(element);
    if (membership === true) definite++;
    else if (membership instanceof Unknown) {
      possible++;
      (unknowns ??= new Unknowns()).add(membership);
    }
  }
  return unknowns === undefined ? definite : { lo: definite, hi: definite + possible, unknown: unknowns.result() };
}

/** `some L`: at least one member. */
export function some(list: readonly Record<string, unknown>[] | Unknown, member: Member): Tri {
  if (list instanceof Unknown) return list;
  let unknowns: Unknowns | undefined;
  for (const element of list) {
    const membership = member(element);
    if (membership === true) return true;
    if (membership instanceof Unknown) (unknowns ??= new Unknowns()).add(membership);
  }
  return unknowns === undefined ? false : unknowns.result();
}

/** `no L`: no member. */
export function none(list: readonly Record<string, unknown>[] | Unknown, member: Member): Tri {
  return not(some(list, member));
}

/**
 * Sum of a numeric or duration field over members; unknown values make a range (durations >= 0).
 * An uncertain member with value v adds 0 or v; an unknown value adds [0, ∞] when the field
 * cannot be negative, else (-∞, ∞). Values of none (null) add nothing.
 */
export function sum(
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member,
  value: (element: Record<string, unknown>) => unknown,
  nonNegative: boolean,
): number | Range {
  const unknownFloor = nonNegative ? 0 : -Infinity;
  if (list instanceof Unknown) return { lo: unknownFloor, hi: Infinity, unknown: list };
  let lo = 0;
  let hi = 0;
  let unknowns: Unknowns | undefined;
  for (const element of list) {
    const membership = member(element);
    if (membership === false) continue;
    const amount = value(element);
    const certain = membership === true;
    if (!certain) (unknowns ??= new Unknowns()).add(membership as Unknown);
    if (typeof amount === "number") {
      lo += certain ? amount : Math.min(0, amount);
      hi += certain ? amount : Math.max(0, amount);
    } else if (amount instanceof Unknown) {
      (unknowns ??= new Unknowns()).add(amount);
      lo += unknownFloor;
      hi = Infinity;
    } else if (isRange(amount)) {
      (unknowns ??= new Unknowns()).add(amount.unknown);
      lo += certain ? amount.lo : Math.min(0, amount.lo);
      hi += certain ? amount.hi : Math.max(0, amount.hi);
    }
  }
  return unknowns === undefined ? lo : { lo, hi, unknown: unknowns.result() };
}

/**
 * The latest (or earliest) member by its date; ties go to the later element in the list. null
 * when there is none; Unknown when an uncertain element (unknown membership or date) could be it.
 */
export function pick(
  which: "latest" | "earliest",
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member,
  date: (element: Record<string, unknown>) => unknown,
): Record<string, unknown> | null | Unknown {
  if (list instanceof Unknown) return list;
  const latest = which === "latest";
  let best: Record<string, unknown> | null = null;
  let bestDate = "";
  let bestIndex = -1;
  let uncertain: { index: number; date: IsoDate | undefined; unknown: Unknown }[] | undefined;
  for (let index = 0; index < list.length; index++) {
    const element = list[index]!;
    const membership = member(element);
    if (membership === false) continue;
    const when = date(element);
    const dated = typeof when === "string";
    if (membership === true && dated) {
      // `>=` / `<=`: on a tie the later element replaces the earlier one.
      if (best === null || (latest ? when >= bestDate : when <= bestDate)) {
        best = element;
        bestDate = when;
        bestIndex = index;
      }
      continue;
    }
    if (!dated && !(when instanceof Unknown)) continue; // no date at all: never a candidate
    (uncertain ??= []).push({ index, date: dated ? when : undefined, unknown: unknownOf(membership, when) });
  }
  if (uncertain !== undefined) {
    let unknowns: Unknowns | undefined;
    for (const candidate of uncertain) {
      const couldWin =
        best === null ||
        candidate.date === undefined ||
        (latest ? candidate.date > bestDate : candidate.date < bestDate) ||
        (candidate.date === bestDate && candidate.index > bestIndex);
      if (couldWin) (unknowns ??= new Unknowns()).add(candidate.unknown);
    }
    if (unknowns !== undefined) return unknowns.result();
  }
  return best;
}

/**
 * Days covered by the union of members' episodes [start, end], each clipped to `window` when
 * given. An episode with unknown ends or membership makes a range.
 *
 * An episode from S to E covers the E - S days [S, E) (2025-01-01 to 2025-02-12 is 42 days);
 * clipped to a window it covers [max(S, window.start), min(E, window.end)). Overlapping episodes
 * count their shared days once. For the range, `lo` counts only definite episodes and `hi` lets
 * each uncertain one cover as much as it could: an unknown start reaches back to the window start
 * (without a window: without limit), an unknown end reaches the window end (without a window: the
 * date of service `dos` when given, else without limit).
 */
export function coverage(
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member,
  start: (element: Record<string, unknown>) => unknown,
  end: (element: Record<string, unknown>) => unknown,
  window: { start: IsoDate; end: IsoDate } | null,
  dos?: IsoDate,
): number | Range {
  const clipStart = window === null ? -Infinity : dayNumber(window.start);
  const clipEnd = window === null ? Infinity : dayNumber(window.end);
  if (list instanceof Unknown) {
    return { lo: 0, hi: window === null ? Infinity : Math.max(0, clipEnd - clipStart), unknown: list };
  }
  const latestEnd = window === null && dos !== undefined ? dayNumber(dos) : clipEnd;
  const definite: [number, number][] = [];
  let possible: [number, number][] | undefined;
  let unknowns: Unknowns | undefined;
  for (const element of list) {
    const membership = member(element);
    if (membership === false) continue;
    const from = start(element);
    const to = end(element);
    if (
      (typeof from !== "string" && !(from instanceof Unknown)) ||
      (typeof to !== "string" && !(to instanceof Unknown))
    ) {
      continue; // an episode of none
    }
    const first = Math.max(typeof from === "string" ? dayNumber(from) : -Infinity, clipStart);
    const last = Math.min(typeof to === "string" ? dayNumber(to) : latestEnd, clipEnd);
    if (membership === true && typeof from === "string" && typeof to === "string") {
      if (first < last) definite.push([first, last]);
      continue;
    }
    unknowns ??= new Unknowns();
    for (const part of [membership, from, to]) if (part instanceof Unknown) unknowns.add(part);
    if (first < last) (possible ??= []).push([first, last]);
  }
  const lo = unionLength(definite);
  if (unknowns === undefined) return lo;
  const hi = possible === undefined ? lo : unionLength(definite.concat(possible));
  return { lo, hi, unknown: unknowns.result() };
}

/** Total length of a union of half-open intervals [a, b). Sorts its argument. */
function unionLength(intervals: [number, number][]): number {
  if (intervals.length === 0) return 0;
  intervals.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let total = 0;
  let [runStart, runEnd] = intervals[0]!;
  for (let i = 1; i < intervals.length; i++) {
    const [a, b] = intervals[i]!;
    if (a > runEnd) {
      total += runEnd - runStart;
      runStart = a;
      runEnd = b;
    } else if (b > runEnd) runEnd = b;
  }
  return total + (runEnd - runStart);
}

// ---------------------------------------------------------------------------------------------
// Determinations

export type Outcome =
  | "approved"
  | "denied"
  | "pended"
  | "not_covered"
  | "not_separately_billable"
  | "policy_not_in_effect"
  | "no_applicable_policy";

export type Status = "met" | "not_met" | "unknown";

export type CriterionEffect = "require" | "deny" | "not_covered" | "bundle" | "note";

export interface Fact {
  fact: string;
  /** The JSON value read; `null` when it was absent. */
  value: unknown;
}

export interface PolicyInfo {
  id: string;
  title: string;
  payer: string;
  number: string;
  version: string;
  effective: IsoDate;
  expires?: IsoDate;
  source: string;
  sourceHash: string;
}

/** A rule as the decision procedure sees it; the interpreter and compiled code both build these. */
export interface RuleSpec {
  id: string;
  title: string;
  citation: string;
  /** Whether the rule applies to the current item (its code set and `when`). */
  applies(context: Context): Tri;
  criteria: readonly CriterionSpec[];
}

export interface CriterionSpec {
  id: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  line: number;
  /** For `require`, the condition that must hold. For exclusions and notes, the `when`
   *  condition; absent when the exclusion or note is unconditional. */
  condition?(context: Context): Tri;
}

export interface CriterionTrace {
  rule: string;
  criterion: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  line: number;
  /** met: the criterion does not stand in the way of approval. For a note: met when it does not
   *  apply (condition false), not_met when it applies, unknown when that is unknown. */
  status: Status;
  facts: Fact[];
  missing: Missing[];
}

export interface Reason {
  rule: string;
  criterion: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
}

/** A caution for the reviewer: a `note` criterion that applies to the item. Never changes the outcome. */
export interface Note {
  rule: string;
  criterion: string;
  citation: string;
  description: string;
}

export interface MissingDocumentation {
  fact: string;
  label: string;
  /** Criterion ids (and rule ids, for an unknown rule applicability) that need it. */
  criteria: string[];
}

export interface RuleApplication {
  rule: string;
  title: string;
  citation: string;
  applies: Status;
}

export interface ItemDetermination {
  index: number;
  code: string;
  outcome: Outcome;
  rules: RuleApplication[];
  reasons: Reason[];
  missing: MissingDocumentation[];
  /** The notes of the rules that apply whose condition holds or that have none, in rule and
   *  criterion order. A note whose condition is unknown is left out. */
  notes: Note[];
  /** Every criterion of every rule that applies or may apply; empty when not tracing. */
  trace: CriterionTrace[];
}

export interface Determination {
  policy: PolicyInfo;
  dateOfService: IsoDate;
  items: ItemDetermination[];
}

export interface EvaluateOptions {
  /** Include the per-criterion trace with facts (default true). */
  trace?: boolean;
}

/** The outcome each level of criteria produces when one of its criteria is not met, strongest first. */
const LEVEL_OUTCOMES = ["not_covered", "not_separately_billable", "denied"] as const;

/** A criterion's level in LEVEL_OUTCOMES; -1 for a note, which takes part in no level. */
function levelOf(effect: CriterionEffect): number {
  return effect === "not_covered" ? 0 : effect === "bundle" ? 1 : effect === "note" ? -1 : 2;
}

/**
 * Whether a criterion stands in the way of approval. A `require` is met when its condition holds;
 * an exclusion (`deny`, `not covered`, `bundle`) is met when its `when` condition does not hold,
 * and never met when it has no condition. A `note` reads like an exclusion (not_met: it applies)
 * but never stands in the way: the outcome, reasons and missing documentation ignore notes.
 */
export function criterionStatus(effect: CriterionEffect, condition: Tri | undefined): Status {
  if (condition instanceof Unknown) return "unknown";
  if (effect === "require") return condition === true ? "met" : "not_met";
  if (condition === undefined) return "not_met";
  return condition === true ? "not_met" : "met";
}

function statusOf(value: Tri): Status {
  return value === true ? "met" : value instanceof Unknown ? "unknown" : "not_met";
}

interface EvaluatedCriterion {
  spec: CriterionSpec;
  status: Status;
  unknown: Unknown | undefined;
  facts: Fact[];
}

interface EvaluatedRule {
  spec: RuleSpec;
  applies: Tri;
  criteria: EvaluatedCriterion[];
}

/** The outcome of a set of applying rules: levels strongest first; an unknown level pends. */
function outcomeOf(rules: readonly EvaluatedRule[]): Outcome {
  if (rules.length === 0) return "no_applicable_policy";
  for (let level = 0; level < LEVEL_OUTCOMES.length; level++) {
    let unknown = false;
    for (const rule of rules) {
      for (const criterion of rule.criteria) {
        if (levelOf(criterion.spec.effect) !== level) continue;
        if (criterion.status === "not_met") return LEVEL_OUTCOMES[level]!;
        if (criterion.status === "unknown") unknown = true;
      }
    }
    if (unknown) return "pended";
  }
  return "approved";
}

/** A criterion's condition for the current item; undefined for an unconditional exclusion. */
function conditionOf(context: Context, criterion: CriterionSpec): Tri | undefined {
  return criterion.condition === undefined ? undefined : criterion.condition(context);
}

/** Whether the policy is in effect on the date of service (both ends included). */
function inEffect(policy: PolicyInfo, dos: IsoDate): boolean {
  return !(dos < policy.effective || (policy.expires !== undefined && dos > policy.expires));
}

function evaluateRule(context: Context, rule: RuleSpec, applies: Tri): EvaluatedRule {
  const criteria: EvaluatedCriterion[] = [];
  for (const criterion of rule.criteria) {
    if (context.tracing) context.beginReads();
    const condition = conditionOf(context, criterion);
    const facts = context.tracing ? context.endReads() : [];
    criteria.push({
      spec: criterion,
      status: criterionStatus(criterion.effect, condition),
      unknown: condition instanceof Unknown ? condition : undefined,
      facts,
    });
  }
  return { spec: rule, applies, criteria };
}

/** The missing facts that would settle a pended item, each with the criteria (and rules) that need them. */
function missingDocumentation(rules: readonly EvaluatedRule[]): MissingDocumentation[] {
  const byFact = new Map<string, MissingDocumentation>();
  const need = (unknown: Unknown, id: string): void => {
    for (const missing of unknown.missing) {
      let entry = byFact.get(missing.fact);
      if (entry === undefined) {
        entry = { fact: missing.fact, label: missing.label, criteria: [] };
        byFact.set(missing.fact, entry);
      }
      if (!entry.criteria.includes(id)) entry.criteria.push(id);
    }
  };
  for (const rule of rules) {
    if (rule.applies instanceof Unknown) need(rule.applies, rule.spec.id);
    for (const criterion of rule.criteria)
      if (criterion.unknown !== undefined && criterion.spec.effect !== "note") need(criterion.unknown, criterion.spec.id);
  }
  return [...byFact.values()];
}

function reasonsOf(rules: readonly EvaluatedRule[]): Reason[] {
  const reasons: Reason[] = [];
  for (const rule of rules) {
    for (const { spec, status } of rule.criteria) {
      if (status !== "not_met" || spec.effect === "note") continue;
      reasons.push({
        rule: rule.spec.id,
        criterion: spec.id,
        effect: spec.effect,
        citation: spec.citation,
        description: spec.description,
      });
    }
  }
  return reasons;
}

/** The notes that apply (not_met) in rules that apply: unknown notes are not shown. */
function notesOf(rules: readonly EvaluatedRule[]): Note[] {
  const notes: Note[] = [];
  for (const rule of rules) {
    for (const { spec, status } of rule.criteria) {
      if (spec.effect !== "note" || status !== "not_met") continue;
      notes.push({ rule: rule.spec.id, criterion: spec.id, citation: spec.citation, description: spec.description });
    }
  }
  return notes;
}

function traceOf(rules: readonly EvaluatedRule[]): CriterionTrace[] {
  const trace: CriterionTrace[] = [];
  for (const rule of rules) {
    for (const { spec, status, unknown, facts } of rule.criteria) {
      trace.push({
        rule: rule.spec.id,
        criterion: spec.id,
        effect: spec.effect,
        citation: spec.citation,
        description: spec.description,
        line: spec.line,
        status,
        facts,
        missing: unknown === undefined ? [] : [...unknown.missing],
      });
    }
  }
  return trace;
}

function determineItem(
  context: Context,
  policy: PolicyInfo,
  rules: readonly RuleSpec[],
  index: number,
): ItemDetermination {
  context.beginItem(index);
  const code = String(context.item.code);
  const dos = context.dos;
  const base = { index, code, rules: [] as RuleApplication[], reasons: [] as Reason[], missing: [], notes: [], trace: [] };
  if (!inEffect(policy, dos)) {
    return { ...base, outcome: "policy_not_in_effect" };
  }
  const applications: RuleApplication[] = [];
  const definite: EvaluatedRule[] = [];
  const relevant: EvaluatedRule[] = [];
  const pending: { rule: RuleSpec; applies: Tri }[] = [];
  for (const rule of rules) {
    const applies = rule.applies(context);
    const status = statusOf(applies);
    applications.push({ rule: rule.id, title: rule.title, citation: rule.citation, applies: status });
    if (status !== "not_met") pending.push({ rule, applies });
  }
  if (pending.length === 0) return { ...base, rules: applications, outcome: "no_applicable_policy" };
  for (const { rule, applies } of pending) {
    const evaluated = evaluateRule(context, rule, applies);
    relevant.push(evaluated);
    if (applies === true) definite.push(evaluated);
  }
  // Decided only when the rules that may apply cannot change what the rules that do apply say.
  const certain = outcomeOf(definite);
  const possible = outcomeOf(relevant);
  const outcome: Outcome = certain === possible && certain !== "pended" ? certain : "pended";
  return {
    index,
    code,
    outcome,
    rules: applications,
    reasons: reasonsOf(outcome === "pended" ? relevant : definite),
    missing: outcome === "pended" ? missingDocumentation(relevant) : [],
    notes: notesOf(definite),
    trace: context.tracing ? traceOf(relevant) : [],
  };
}

/**
 * The decision procedure, shared by interpreter and compiled evaluators (docs/language.md,
 * "Outcomes"). `input` must already be a valid case.
 */
export function determine(
  policy: PolicyInfo,
  schema: SchemaDescriptor,
  rules: readonly RuleSpec[],
  input: Record<string, unknown>,
  options?: EvaluateOptions,
): Determination {
  const context = new Context(schema, input, options?.trace !== false);
  const items: ItemDetermination[] = [];
  for (let index = 0; index < context.items.length; index++) items.push(determineItem(context, policy, rules, index));
  return { policy, dateOfService: context.dos, items };
}

/**
 * The outcome of every line item, in order: exactly `determine(...).items.map((i) => i.outcome)`,
 * without reasons, missing documentation, trace or rule applications, and stopping at the first
 * criterion that settles the outcome. `input` must already be a valid case.
 */
export function decideOutcomes(
  policy: PolicyInfo,
  schema: SchemaDescriptor,
  rules: readonly RuleSpec[],
  input: Record<string, unknown>,
): Outcome[] {
  const context = new Context(schema, input, false);
  const outcomes: Outcome[] = [];
  const applies: Tri[] = new Array<Tri>(rules.length);
  for (let index = 0; index < context.items.length; index++) {
    outcomes.push(decideItem(context, policy, rules, index, applies));
  }
  return outcomes;
}

/**
 * `determineItem`'s outcome, short-circuited. determineItem takes `certain` = outcomeOf(rules that
 * apply) and `possible` = outcomeOf(rules that apply or may apply), and pends unless they agree.
 * Walking the levels strongest first, at each level: a not_met criterion of an applying rule gives
 * that level's outcome to both; otherwise an unknown one pends `certain`; otherwise any criterion
 * of a possibly applying rule that is not met decides `possible` at this level while `certain`
 * goes on to a different outcome: pended either way. With no applying rule at all, `certain` is
 * "no_applicable_policy", which `possible` never is: pended.
 */
function decideItem(
  context: Context,
  policy: PolicyInfo,
  rules: readonly RuleSpec[],
  index: number,
  applies: Tri[],
): Outcome {
  context.beginItem(index);
  if (!inEffect(policy, context.dos)) return "policy_not_in_effect";
  let definite = 0;
  let possible = 0;
  for (let r = 0; r < rules.length; r++) {
    const applicability = rules[r]!.applies(context);
    applies[r] = applicability;
    if (applicability === true) definite++;
    else if (applicability instanceof Unknown) possible++;
  }
  if (definite === 0) return possible === 0 ? "no_applicable_policy" : "pended";
  const levels = levelPlan(rules);
  for (let level = 0; level < LEVEL_OUTCOMES.length; level++) {
    const byRule = levels[level]!;
    let unknown = false;
    for (let r = 0; r < rules.length; r++) {
      if (applies[r] !== true) continue;
      const criteria = byRule[r]!;
      for (let i = 0; i < criteria.length; i++) {
        const criterion = criteria[i]!;
        const status = criterionStatus(criterion.effect, conditionOf(context, criterion));
        if (status === "not_met") return LEVEL_OUTCOMES[level]!;
        if (status === "unknown") unknown = true;
      }
    }
    if (unknown) return "pended";
    if (possible === 0) continue;
    for (let r = 0; r < rules.length; r++) {
      if (!(applies[r] instanceof Unknown)) continue;
      const criteria = byRule[r]!;
      for (let i = 0; i < criteria.length; i++) {
        const criterion = criteria[i]!;
        if (criterionStatus(criterion.effect, conditionOf(context, criterion)) !== "met") return "pended";
      }
    }
  }
  return "approved";
}

/** Each rule's criteria grouped by level: `[level][rule]`, in the rule's order; notes are in none. */
type LevelPlan = readonly (readonly (readonly CriterionSpec[])[])[];

const levelPlans = new WeakMap<readonly RuleSpec[], LevelPlan>();

/** The level plan of a rule table, built on its first decision. */
function levelPlan(rules: readonly RuleSpec[]): LevelPlan {
  let plan = levelPlans.get(rules);
  if (plan === undefined) {
    plan = LEVEL_OUTCOMES.map((_, level) =>
      rules.map((rule) => rule.criteria.filter((criterion) => levelOf(criterion.effect) === level)),
    );
    levelPlans.set(rules, plan);
  }
  return plan;
}
