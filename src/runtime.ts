// pol runtime: the semantics shared by the reference interpreter and every compiled evaluator.
// Dependency-free on purpose: `pol compile` copies this file next to the evaluators it emits.
//
// Value model (plain JavaScript values, so the common case costs nothing):
//   known values   boolean | number | string (ISO dates, codes, enum members, text) | record objects
//   unknown        an `Unknown` instance carrying the facts whose absence made it unknown
//   none           `null`: the field of an event that does not exist (`latest` of an empty list)
// Percents are numbers 0-100; fixed durations are numbers of days; dates are ISO `YYYY-MM-DD`.

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

/** The TODO bodies below are filled in by the runtime work; signatures are the contract. */
function todo(): never {
  throw new Error("not implemented");
}

/** Merge the missing facts of every Unknown among `values` (deduplicated by `fact`, first seen first). */
export function unknownOf(...values: unknown[]): Unknown {
  return todo();
}

/** Kleene conjunction: false if any is false, true if all are true, otherwise unknown (merging the unknown operands). */
export function and(...operands: Tri[]): Tri {
  return todo();
}

/** Kleene disjunction: true if any is true, false if all are false, otherwise unknown. */
export function or(...operands: Tri[]): Tri {
  return todo();
}

export function not(operand: Tri): Tri {
  return todo();
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
  return todo();
}

// ---------------------------------------------------------------------------------------------
// Comparison and arithmetic. Operands: number | string | boolean | null | Unknown | Range.
// null (none) makes a comparison false and arithmetic null; Unknown propagates; a Range compares
// true/false when every value in it gives the same answer, otherwise it is unknown.

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

export function compare(operator: CompareOperator, left: unknown, right: unknown): Tri {
  return todo();
}

export type ArithmeticOperator = "+" | "-" | "*" | "/";

/** Number arithmetic; division by zero gives null (no such value). */
export function arithmetic(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  return todo();
}

export function negate(value: unknown): unknown {
  return todo();
}

/** A ratio as a percent: 0.6 -> 60. */
export function asPercent(value: unknown): unknown {
  return todo();
}

// ---------------------------------------------------------------------------------------------
// Calendar (CQL rules; see docs/semantics.md)

export type IsoDate = string;
export type CalendarUnit = "d" | "wk" | "mo" | "y";

/** A valid ISO calendar date `YYYY-MM-DD` (years 0001-9999), or undefined. */
export function parseIsoDate(text: string): IsoDate | undefined {
  return todo();
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return todo();
}

/** Keeps the day of month, clamped to the end of the target month: Jan 31 + 1 = Feb 28/29. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  return todo();
}

/** `date + amount unit` for any unit (weeks are 7 days, years 12 months). */
export function addDuration(date: IsoDate, amount: number, unit: CalendarUnit): IsoDate {
  return todo();
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return todo();
}

/** Whole calendar months from `from` to `to` (from <= to): the largest n with addMonths(from, n) <= to. */
export function monthsBetween(from: IsoDate, to: IsoDate): number {
  return todo();
}

/** Date arithmetic in expressions: `date + 2mo`, `date - 7d` (sign -1); null and Unknown propagate. */
export function shiftDate(date: unknown, sign: 1 | -1, amount: number, unit: CalendarUnit): unknown {
  return todo();
}

/** `a - b` for two dates: days from b to a. */
export function dateDifference(left: unknown, right: unknown): unknown {
  return todo();
}

/** The first day of `within amount unit`: dos - amount unit (clamped). The window is [start, dos]. */
export function windowStart(dos: IsoDate, amount: number, unit: CalendarUnit): IsoDate {
  return todo();
}

/** Whether an event dated `date` lies in [start, end]; unknown when the date is unknown; false for null. */
export function inWindow(date: unknown, start: IsoDate, end: IsoDate): Tri {
  return todo();
}

/** Whether an episode [from, to] overlaps [start, end]; unknown ends make it unknown unless the known end decides. */
export function overlapsWindow(from: unknown, to: unknown, start: IsoDate, end: IsoDate): Tri {
  return todo();
}

/** Elapsed time between two dates, earlier first. */
export interface Elapsed {
  from: IsoDate;
  to: IsoDate;
}

/** `time since date`: from `date` to the date of service. A date after the date of service gives a negative elapsed time: all `>=`/`>` comparisons are false. */
export function since(date: unknown, dos: IsoDate): Elapsed | null | Unknown {
  return todo();
}

/** `time between a and b`, in either order. */
export function between(a: unknown, b: unknown): Elapsed | null | Unknown {
  return todo();
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
  return todo();
}

/** Parse a fixed duration `42d` / `6wk` into days; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  return todo();
}

// ---------------------------------------------------------------------------------------------
// Code sets

export class CodeSet {
  constructor(
    readonly exact: readonly string[],
    /** `B02.*` is stored as prefix "B02". */
    readonly prefixes: readonly string[],
    /** Inclusive, equal-length bounds. */
    readonly ranges: readonly (readonly [string, string])[],
  ) {}

  has(code: string): boolean {
    return todo();
  }
}

/** `code in set`: unknown when the code is unknown; false for null. */
export function inCodes(code: unknown, set: CodeSet): Tri {
  return todo();
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

/**
 * Check untrusted JSON against the schema: every error with its path, never a throw. Absent
 * fields and nulls are allowed (unknown facts) except `date_of_service`, `items` and each item's
 * `code`. Unknown fields, wrong types, invalid dates, percents outside 0-100, calendar durations
 * (`2mo`) in duration fields, and supplied computed fields are errors.
 */
export function validateCase(json: unknown, schema: SchemaDescriptor): Validation<Record<string, unknown>> {
  return todo();
}

/** One evaluation: the case, the item under decision, memoised lets and (optionally) a trace of reads. */
export class Context {
  constructor(
    readonly schema: SchemaDescriptor,
    readonly input: Record<string, unknown>,
    readonly tracing: boolean,
  ) {
    todo();
  }

  /** The date of service. */
  get dos(): IsoDate {
    return todo();
  }

  /** The line item under decision, and its index. */
  item: Record<string, unknown> = {};
  itemIndex = 0;

  /** Requested line items other than the current one. */
  get otherItems(): readonly Record<string, unknown>[] {
    return todo();
  }

  /** The value of a let, computed at most once per line item. */
  memo<T>(name: string, compute: () => T): T {
    return todo();
  }

  /** Start the next line item: clears item-dependent memos. */
  beginItem(index: number): void {
    todo();
  }

  /** Start recording reads for one criterion; `endReads` returns them in order, deduplicated. */
  beginReads(): void {
    todo();
  }
  endReads(): Fact[] {
    return todo();
  }

  /** The JSON path of a record of the case (`` for the case itself, `items[1]`, `procedures[3]`). */
  pathOf(record: object): string {
    return todo();
  }
}

/**
 * Read a field of a record (or of the case): the value; Unknown when absent or null (with the
 * field's path and label); null when the record is none; Unknown when the record is unknown.
 * Duration fields are returned in days. Records a read when tracing.
 */
export function field(context: Context, recordName: string, record: unknown, name: string): unknown {
  return todo();
}

/** A case-level list (or `items`): the array, or Unknown when the case lacks it. */
export function list(context: Context, name: string): readonly Record<string, unknown>[] | Unknown {
  return todo();
}

// ---------------------------------------------------------------------------------------------
// Aggregates over lists. `member` gives each element's membership (filters and windows fused):
// true, false or Unknown. Elements whose membership is Unknown make results ranges, exactly.

export type Member = (element: Record<string, unknown>) => Tri;

export function count(list: readonly Record<string, unknown>[] | Unknown, member: Member): number | Range {
  return todo();
}

/** `some L`: at least one member. */
export function some(list: readonly Record<string, unknown>[] | Unknown, member: Member): Tri {
  return todo();
}

/** `no L`: no member. */
export function none(list: readonly Record<string, unknown>[] | Unknown, member: Member): Tri {
  return todo();
}

/** Sum of a numeric or duration field over members; unknown values make a range (durations >= 0). */
export function sum(
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member,
  value: (element: Record<string, unknown>) => unknown,
  nonNegative: boolean,
): number | Range {
  return todo();
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
  return todo();
}

/**
 * Days covered by the union of members' episodes [start, end], each clipped to `window` when
 * given. An episode with unknown ends or membership makes a range.
 */
export function coverage(
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member,
  start: (element: Record<string, unknown>) => unknown,
  end: (element: Record<string, unknown>) => unknown,
  window: { start: IsoDate; end: IsoDate } | null,
): number | Range {
  return todo();
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

export type CriterionEffect = "require" | "deny" | "not_covered" | "bundle";

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
  /** For `require`, the condition that must hold. For exclusions, the `when` condition; absent
   *  when the exclusion is unconditional. */
  condition?(context: Context): Tri;
}

export interface CriterionTrace {
  rule: string;
  criterion: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  line: number;
  /** met: the criterion does not stand in the way of approval. */
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
  return todo();
}
