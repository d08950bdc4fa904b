// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Reading a case: field handles, field and list reads, and the per-case and per-item caches that
// lets and windows live in. Both the interpreter and generated modules read through these.

import { type Range, type Tri, UNNAMED, Unknown, unknownOf } from "./logic.js";
import { coverage, type Member, pick, sum } from "./aggregates.js";
import {
  calendarYearStart,
  earliestPlanYearStart,
  inWindow,
  overlapsWindow,
  planYearStart,
  isIsoDate,
  isValidDate,
  parseDuration,
  PerDateOfService,
  VALID_DATES,
  windowStart,
  type CalendarUnit,
  type IsoDate,
} from "./calendar.js";
import type { Context } from "./context.js";
import { builtInCaseField, type FieldType, hasOwn, isPlainObject, type SchemaDescriptor } from "./validate.js";

/** A record of the case: the case itself, a line item, an element of a list. */
export type Row = Record<string, unknown>;

/** One field of one record, as evaluators read it: everything a read needs, worked out once. */
export interface FieldHandle {
  readonly record: string;
  readonly name: string;
  /** What the fact is called when it is missing. */
  readonly label: string;
  /** Stored as text (`6wk`) and read in days. */
  readonly duration: boolean;
  /** What a value must be to be read as known; anything else a valid case cannot hold. */
  readonly shape: Shape;
  /** The members, for an enum field. */
  readonly members?: ReadonlySet<string>;
  /** Named like a member of every object (`constructor`, `toString`): read as an own property only. */
  readonly inherited: boolean;
  /** Which check `read` makes of a present value: the common shapes inline, the rest (and a
   *  handle without one) in `wellFormed`. `fieldsOf` sets it. */
  readonly check?: Check;
}

/** A field handle as `fieldsOf` makes it: with the read of its field's shape. */
export interface Field extends FieldHandle {
  /** `read(c, record, this)`, for this field's shape (see `READS`). */
  read(c: Context, record: unknown): unknown;
}

/** The checks `read` makes inline, by field shape. */
export const enum Check {
  Other = 0,
  String = 1,
  Boolean = 2,
  Date = 3,
  Duration = 4,
  Enum = 5,
  Code = 6,
  Percent = 7,
  Number = 8,
}

/** The check `read`'s fast path makes for each shape; the others are left to `readInFull`. */
const CHECKS: Partial<Record<Shape, Check>> = {
  string: Check.String,
  boolean: Check.Boolean,
  date: Check.Date,
  duration: Check.Duration,
  enum: Check.Enum,
  code: Check.Code,
  percent: Check.Percent,
  number: Check.Number,
};

function checkOf(shape: Shape): Check {
  return CHECKS[shape] ?? Check.Other;
}

/** The JSON shape each field type is stored as. */
export type Shape = "boolean" | "number" | "percent" | "date" | "duration" | "code" | "string" | "enum" | "list" | "values";

function shapeOf(type: FieldType | undefined): Shape {
  if (type === undefined) return "string";
  if (typeof type === "object") return "list" in type ? "list" : "values" in type ? "values" : "enum";
  switch (type) {
    case "bool":
      return "boolean";
    case "number":
      return "number";
    case "percent":
    case "date":
    case "duration":
    case "code":
      return type;
    default:
      return "string";
  }
}

/** Durations already parsed: a case repeats its durations across criteria and items. Bounded,
 *  so hostile input cannot grow it (dates found valid are kept by the calendar: `VALID_DATES`). */
const DURATION_DAYS = new Map<string, number | undefined>();
const MAX_REMEMBERED = 8192;

function durationDays(text: string): number | undefined {
  if (DURATION_DAYS.has(text)) return DURATION_DAYS.get(text);
  const days = parseDuration(text);
  if (DURATION_DAYS.size < MAX_REMEMBERED) DURATION_DAYS.set(text, days);
  return days;
}

/** Whether a text is empty or only white space (exactly what `trim` removes), without allocating:
 *  a code's first character almost always settles it. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isWhiteSpace(text.charCodeAt(i))) return false;
  return true;
}

function isWhiteSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 160) return false;
  return (
    code === 160 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** Whether a present value has its field's shape: a malformed one (a date `2025-02-30`, a number
 *  that is not finite, a percent outside 0-100, a blank code, a string in a boolean field) is read
 *  as unknown, never as a known value. */
function wellFormed(value: unknown, handle: FieldHandle): boolean {
  switch (handle.shape) {
    case "boolean":
      return typeof value === "boolean";
    case "number":
      return typeof value === "number" && value - value === 0;
    case "percent":
      return typeof value === "number" && value >= 0 && value <= 100;
    case "code":
      return typeof value === "string" && !isBlank(value);
    case "date":
      return isValidDate(value);
    case "string":
    case "duration":
      return typeof value === "string";
    case "enum":
      return typeof value === "string" && handle.members!.has(value);
    case "list":
      return Array.isArray(value);
    case "values":
      // Codes, texts or members of an enum: every element a string (a member, for an enum).
      return Array.isArray(value) && value.every((v) => typeof v === "string" && (handle.members === undefined || handle.members.has(v)));
  }
}

// The read of each field shape, which `fieldsOf` gives every handle as its `read` and generated
// code calls (`Procedure.code.read(c, procedure)`). Each gives exactly what `read` gives: a present,
// well-formed value read without a trace as it is, anything else `readInFull`'s. Each is small
// enough to be inlined where it is called, and every call site calls one of them only (its
// handle's), so it is; and each loads the field itself, so the load sees the fields of one shape
// (every code field of the seed schema is named `code`) instead of every field of every record.
// `read` is the same for any handle, with one check per shape chosen at every call.

function readText(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "string") return value;
  }
  return readInFull(c, record, this);
}

function readBoolean(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "boolean") return value;
  }
  return readInFull(c, record, this);
}

/** A date found valid before is taken as it is; one not seen yet is checked by `readInFull`. */
function readDate(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "string" && VALID_DATES.has(value)) return value;
  }
  return readInFull(c, record, this);
}

function readEnum(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "string" && this.members!.has(value)) return value;
  }
  return readInFull(c, record, this);
}

/** Not blank: its first character is printable ASCII other than a space. */
function readCode(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "string" && value.length !== 0 && value.charCodeAt(0) > 32 && value.charCodeAt(0) < 127) return value;
  }
  return readInFull(c, record, this);
}

function readPercent(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "number" && value >= 0 && value <= 100) return value;
  }
  return readInFull(c, record, this);
}

function readNumber(this: FieldHandle, c: Context, record: unknown): unknown {
  if (typeof record === "object" && record !== null && !c.tracing && !this.inherited) {
    const value = (record as Row)[this.name];
    if (typeof value === "number" && value - value === 0) return value;
  }
  return readInFull(c, record, this);
}

/** Durations, lists, and fields named like a member of every object: `read` as it is. */
function readAny(this: FieldHandle, c: Context, record: unknown): unknown {
  return read(c, record, this);
}

const READS: Partial<Record<Shape, (this: FieldHandle, c: Context, record: unknown) => unknown>> = {
  string: readText,
  boolean: readBoolean,
  date: readDate,
  enum: readEnum,
  code: readCode,
  percent: readPercent,
  number: readNumber,
};

/** The handles of a record's fields, by field name. */
export type FieldHandles<R> = { readonly [K in keyof R]-?: Field };

/** A field's own read, written for it in a schema module (see `fieldsOf`). */
export type FieldRead = (this: FieldHandle, c: Context, record: unknown) => unknown;

/** The reads a schema module writes for some fields of a record, by field name. */
export type FieldReads<R> = { readonly [K in keyof R]?: FieldRead };

// The pieces of a field's own read. A schema module writes one read per common field, e.g.
//
//   purpose(c, row) {
//     const value = readsAsIs(c, row) ? row["purpose"] : undefined;
//     return value === "diagnostic" || value === "therapeutic" ? value : readInFull(c, row, this);
//   },
//
// exactly the read of its shape above, but a function of its own: V8 keeps feedback per function,
// so its load (`row["purpose"]`) sees that one field, where the shared reads' load sees every field
// of their shape, and its check is the field's own (members compared by `===`, not a set look-up).

/** Whether a field's own read may take the record's value as it is: a record, read without a trace. */
export function readsAsIs(c: Context, record: unknown): record is Row {
  return typeof record === "object" && record !== null && !c.tracing;
}

/** A code taken as it is: not blank, its first character printable ASCII other than a space. */
export function isPlainCode(value: unknown): value is string {
  return typeof value === "string" && value.length !== 0 && value.charCodeAt(0) > 32 && value.charCodeAt(0) < 127;
}

/** A date taken as it is: one found valid before (see `VALID_DATES`). */
export function isCheckedDate(value: unknown): value is string {
  return typeof value === "string" && VALID_DATES.has(value);
}

/** A member of an enum with many members, taken as it is. */
export function isMemberOf(value: unknown, handle: FieldHandle): value is string {
  return typeof value === "string" && handle.members!.has(value);
}

/** Every field of `record` in `schema` (the case's built-ins included) as a handle; a field in
 *  `reads` (a schema module's own reads) is read by its own, any other by the read of its shape. */
export function fieldsOf<R>(schema: SchemaDescriptor, record: string, reads?: FieldReads<R>): FieldHandles<R> {
  const descriptor = hasOwn(schema.records, record) ? schema.records[record] : undefined;
  const names = descriptor === undefined ? [] : Object.keys(descriptor.fields);
  if (record === "case") for (const name of ["date_of_service", "items"]) if (!names.includes(name)) names.push(name);
  const entries = names.map((name): [string, Field] => {
    const field = descriptor !== undefined && hasOwn(descriptor.fields, name) ? descriptor.fields[name] : builtInCaseField(record, name);
    const type = field?.type;
    const members =
      typeof type === "object" && "enum" in type
        ? new Set(type.enum)
        : typeof type === "object" && "values" in type && typeof type.values === "object"
          ? new Set(type.values.enum)
          : undefined;
    const shape = shapeOf(type);
    const inherited = name in Object.prototype;
    // Every handle has the same properties in the same order (`members` undefined when none),
    // so a read that is not inlined sees one shape of handle.
    const handle: Field = {
      record,
      name,
      label: field?.label ?? name,
      duration: type === "duration",
      shape,
      members,
      inherited,
      check: checkOf(shape),
      read: inherited ? readAny : (ownRead(reads, name) ?? READS[shape] ?? readAny),
    };
    return [name, handle];
  });
  // Without a prototype, so that no name reads an inherited member (and `__proto__` is a field
  // like any other); made by `fromEntries`, which keeps the object in V8's fast mode where
  // `Object.create(null)` and many keyed stores make a dictionary: a generated module's
  // `Procedure.date` is then a load the compiler can fold to the handle itself.
  return Object.setPrototypeOf(Object.fromEntries(entries), null) as FieldHandles<R>;
}

function ownRead(reads: FieldReads<unknown> | undefined, name: string): FieldRead | undefined {
  return reads !== undefined && hasOwn(reads, name) ? (reads as Record<string, FieldRead>)[name] : undefined;
}

/**
 * A field of a record: its value; Unknown when absent or null (naming the fact and its label);
 * null when the record itself is none; the record's Unknown when the record is unknown. Duration
 * fields are returned in days. Only the record's own properties count. Recorded when tracing.
 */
export function read(c: Context, record: unknown, handle: FieldHandle): unknown {
  // The common read, a present and well-formed value not traced, small enough to be inlined
  // where it is called: with its handle a constant there, the load of the field is one named
  // property and the check one branch, instead of a keyed load that sees every field of every
  // record. The value is what `readInFull` returns for it; anything else is left to that.
  if (typeof record === "object" && record !== null && !c.tracing && !handle.inherited) {
    const value = (record as Row)[handle.name];
    switch (handle.check) {
      case Check.String:
        if (typeof value === "string") return value;
        break;
      case Check.Boolean:
        if (typeof value === "boolean") return value;
        break;
      case Check.Date:
        if (typeof value === "string" && VALID_DATES.has(value)) return value;
        break;
      case Check.Enum:
        if (typeof value === "string" && handle.members!.has(value)) return value;
        break;
      case Check.Code:
        // Not blank: its first character is printable ASCII other than a space.
        if (typeof value === "string" && value.length !== 0 && value.charCodeAt(0) > 32 && value.charCodeAt(0) < 127) return value;
        break;
      case Check.Percent:
        if (typeof value === "number" && value >= 0 && value <= 100) return value;
        break;
      case Check.Number:
        if (typeof value === "number" && value - value === 0) return value;
        break;
    }
  }
  return readInFull(c, record, handle);
}

/** `read` in full: records that are none or unknown, absent and malformed values, durations, the trace. */
export function readInFull(c: Context, record: unknown, handle: FieldHandle): unknown {
  if (record === null || record === undefined) return null;
  if (record instanceof Unknown) return record;
  const row = record as Row;
  const value = handle.inherited && !hasOwn(row, handle.name) ? undefined : row[handle.name];
  if (c.tracing) c.recordField(row, handle.name, value ?? null);
  if (value === null || value === undefined) return missing(c, row, handle);
  // A handle made without `fieldsOf` has no check: its shape's, so a duration is read in days.
  switch (handle.check ?? checkOf(handle.shape)) {
    case Check.String:
      return typeof value === "string" ? value : missing(c, row, handle);
    case Check.Boolean:
      return typeof value === "boolean" ? value : missing(c, row, handle);
    case Check.Date:
      return isValidDate(value) ? value : missing(c, row, handle);
    case Check.Duration: {
      // Cases store fixed durations as text (`6wk`); evaluation works in days. A valid case never
      // holds anything else; if one does, the fact is treated as not known rather than guessed.
      const days = typeof value === "string" ? durationDays(value) : undefined;
      return days === undefined ? missing(c, row, handle) : days;
    }
    default:
      return wellFormed(value, handle) ? value : missing(c, row, handle);
  }
}

function missing(c: Context, row: Row, handle: { readonly name: string; readonly label: string }): Unknown {
  // Only the outcome is wanted: which facts are missing never changes it, so none are named.
  if (c.outcomeOnly) return UNNAMED;
  const base = c.pathOf(row);
  return new Unknown([{ fact: base === "" ? handle.name : `${base}.${handle.name}`, label: handle.label }]);
}

/**
 * Field `name` of a record of kind `recordName`, read by its name: for a field the schema declares,
 * exactly what `read` gives with that field's handle (so a value a valid case cannot hold, a blank
 * code, a member of no enum, a string in a boolean field, is unknown, as everywhere else). A field
 * the schema does not declare is read as it is: an own property, unknown when absent or null or a
 * number that is not finite. The determination reads the item's code this way (`codeOf`).
 */
export function field(c: Context, recordName: string, record: unknown, name: string): unknown {
  // A record that is none or unknown first: a read's fast path takes any object as a row, and an
  // unknown record handed in by hand may carry properties of its own.
  if (record === null || record === undefined) return null;
  if (record instanceof Unknown) return record;
  const handle = handlesOf(c.schema, recordName)[name];
  if (handle !== undefined) return handle.read(c, record);
  const row = record as Row;
  const value = hasOwn(row, name) ? row[name] : undefined;
  if (c.tracing) c.recordField(row, name, value ?? null);
  if (value === null || value === undefined || (typeof value === "number" && value - value !== 0)) return missing(c, row, { name, label: name });
  return value;
}

/** Each record's field handles, by schema and record name, for `field`: made once. */
const HANDLES = new WeakMap<SchemaDescriptor, Map<string, FieldHandles<Record<string, unknown>>>>();

function handlesOf(schema: SchemaDescriptor, recordName: string): FieldHandles<Record<string, unknown>> {
  let records = HANDLES.get(schema);
  if (records === undefined) HANDLES.set(schema, (records = new Map()));
  let handles = records.get(recordName);
  if (handles === undefined) records.set(recordName, (handles = fieldsOf(schema, recordName)));
  return handles;
}

/** A list field of the case (or `items`): the array, or Unknown when the case lacks it. */
export function list(c: Context, handle: FieldHandle): readonly Row[] | Unknown {
  const value = hasOwn(c.input, handle.name) ? c.input[handle.name] : undefined;
  const present = Array.isArray(value);
  if (c.tracing) c.recordField(c.input, handle.name, present ? value : null);
  if (present && recordsOnly(c, value)) return value as Row[];
  return c.outcomeOnly ? UNNAMED : new Unknown([{ fact: handle.name, label: handle.label }]);
}

/**
 * Whether every element of a list is a record (an object). A list that skipped validation with a
 * hole, `null` or another value among its elements has lost a record: the list is not known,
 * as if omitted, rather than read as the shorter list of the records that remain.
 */
function recordsOnly(c: Context, elements: readonly unknown[]): boolean {
  // Every criterion over a list reads it again: each list is checked once per evaluation.
  const checked = c.listsOfRecords;
  if (checked.has(elements)) return true;
  for (let i = 0; i < elements.length; i++) if (!isPlainObject(elements[i])) return false;
  checked.add(elements);
  return true;
}

/** A list field of a record value: its elements; none of a record that is none. */
export function listIn(c: Context, record: unknown, handle: FieldHandle): readonly Row[] | Unknown {
  const value = read(c, record, handle);
  if (Array.isArray(value)) return recordsOnly(c, value) ? (value as Row[]) : missing(c, record as Row, handle);
  if (value instanceof Unknown) return value;
  // A list field of a record that does not exist (none): there are no elements.
  return [];
}

/** A value computed at most once per line item, in cache slot `slot`. */
export function perItem<T>(slot: number, compute: (c: Context) => T): (c: Context) => T {
  return (c) => c.cached(slot, compute);
}

/** A value that is the same for every line item of a case, computed once per case in slot `slot`. */
export function perCase<T>(slot: number, compute: (c: Context) => T): (c: Context) => T {
  return (c) => c.cachedForCase(slot, compute);
}

/** A computed field: none for a record that is none, unknown for one that is unknown. */
export function computed<T>(compute: (c: Context, record: Row) => T): (c: Context, record: unknown) => T | null | Unknown {
  return (c, record) => {
    if (record === null || record === undefined) return null;
    if (record instanceof Unknown) return record;
    return compute(c, record as Row);
  };
}

/**
 * A window looking back from the date of service: `within 12mo` is [dos - 12mo, dos]. When its
 * first day is not known (a plan year whose start the case does not give), it lies somewhere in
 * [start, latestStart], and `unknown` names the facts that would settle it.
 */
export interface Window {
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly latestStart?: IsoDate;
  readonly unknown?: Unknown;
}

/** `within amount unit`: each window made once per date of service (frozen, as every reader takes
 *  it as it is), as a window depends on its date of service only and cases share them. */
export function windowBack(dos: IsoDate, amount: number, unit: CalendarUnit): Window {
  return WINDOWS.get(dos, amount, unit);
}

const WINDOWS = new PerDateOfService<Window>((dos, amount, unit) => Object.freeze({ start: windowStart(dos, amount, unit), end: dos }));

/** `within calendar year`: from January 1 of the date of service's year up to the date of service. */
export function calendarYear(dos: IsoDate): Window {
  return { start: calendarYearStart(dos), end: dos };
}

/**
 * `within plan year`: from the first day of the plan year holding the date of service up to the
 * date of service; `start` is the case's `plan_year_start` as read. Unknown, the plan year still
 * began within the year before the date of service (a plan year is a year long) and no later
 * than the date of service: dates in between are unknown members, the others are decided.
 */
export function planYear(dos: IsoDate, start: unknown): Window {
  if (isIsoDate(start)) return { start: planYearStart(dos, start), end: dos };
  const unknown = start instanceof Unknown ? start : new Unknown([]);
  return { start: earliestPlanYearStart(dos), end: dos, latestStart: dos, unknown };
}

/** Every element belongs: the membership of a chain without filters. */
export const everyElement: Member<Context> = () => true;

/** A field of an element, as the aggregates read it: no closure per aggregate call. */
function readElement(element: Row, c: Context, handle: FieldHandle): unknown {
  return read(c, element, handle);
}

/** `latest L`: the member with the latest date (see `pick`). */
export function latest(c: Context, list: readonly Row[] | Unknown, member: Member<Context>, date: FieldHandle): Row | null | Unknown {
  return pick("latest", list, member, readElement, c, date, date.shape === "date");
}

/** `earliest L`: the member with the earliest date (see `pick`). */
export function earliest(c: Context, list: readonly Row[] | Unknown, member: Member<Context>, date: FieldHandle): Row | null | Unknown {
  return pick("earliest", list, member, readElement, c, date, date.shape === "date");
}

/** `sum F of L`: see `sum`; a duration field cannot be negative. */
export function sumOf(c: Context, list: readonly Row[] | Unknown, member: Member<Context>, field: FieldHandle): number | Range {
  return sum(list, member, readElement, field.duration, c, field);
}

/** `coverage of L`: days covered by the members' episodes before the date of service, clipped to the chain's window (see `coverage`). */
export function coverageOf(
  c: Context,
  list: readonly Row[] | Unknown,
  member: Member<Context>,
  start: FieldHandle,
  end: FieldHandle,
  window: Window | null,
): number | Range {
  const keys = { start, end };
  if (window === null || window.latestStart === undefined) return coverage(list, member, readElement, readElement, window, c.dos, c, keys);
  // A window whose start is not known: at least the coverage of its shortest extent, at most
  // that of its longest.
  const shortest = coverage(list, member, readElement, readElement, { start: window.latestStart, end: window.end }, c.dos, c, keys);
  const longest = coverage(list, member, readElement, readElement, window, c.dos, c, keys);
  const lo = typeof shortest === "number" ? shortest : shortest.lo;
  const hi = typeof longest === "number" ? longest : longest.hi;
  return { lo, hi, unknown: unknownOf(window.unknown, shortest, longest) };
}

/**
 * Whether an element of a case list of dated records belongs to the history the context sees:
 * every element normally; evaluated as of an earlier date (`Context.asOf`), those dated (an
 * episode: starting) strictly before it, unknown for an undated one. Reads nothing normally.
 */
export function cut(c: Context, element: Row, date: FieldHandle): Tri {
  const cutoff = c.cutoff;
  if (cutoff === undefined) return true;
  const value = read(c, element, date);
  if (typeof value === "string" && isIsoDate(value)) return value < cutoff;
  return value instanceof Unknown ? value : false;
}

/** `date` lies in the window, both ends included. */
export function within(date: unknown, window: Window): Tri {
  // A date a date field's read found valid is compared as it is.
  const widest =
    typeof date === "string" && VALID_DATES.has(date) ? window.start <= date && date <= window.end : inWindow(date, window.start, window.end);
  if (window.latestStart === undefined || widest !== true) return widest;
  // In the window however late it starts, or possibly out of it.
  return inWindow(date, window.latestStart, window.end) === true ? true : window.unknown!;
}

/** An episode from `from` to `to` overlaps the window. */
export function overlaps(from: unknown, to: unknown, window: Window): Tri {
  const widest = overlapsWindow(from, to, window.start, window.end);
  if (window.latestStart === undefined || widest !== true) return widest;
  return overlapsWindow(from, to, window.latestStart, window.end) === true ? true : window.unknown!;
}
