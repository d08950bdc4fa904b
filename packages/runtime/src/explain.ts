// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// A condition's parts: its `and`/`or`/`not` skeleton over the tests it is made of, which both
// evaluators hand over beside the condition itself. The trace shows the values the tests
// computed (`count = 2 (at most 4)`), and a pended item asks only for the facts whose tests can
// still change its outcome (relevance.ts). Parts are evaluated only for a trace and for criteria
// whose condition is left unknown, never by `decide`.

import { type CalendarUnit, type Elapsed, type IsoDate, daysBetween, isIsoDate } from "./calendar.js";
import type { Context } from "./context.js";
import { isRange, mergeTwo, type Tri, Unknown } from "./logic.js";
import type { CompareOperator } from "./types.js";

/** A condition's Boolean skeleton: a part (by index), or `and`/`or`/`not` of skeletons. */
export type Shape = number | readonly ["and" | "or", ...Shape[]] | readonly ["not", Shape];

/** How a comparison part shows its computed value. */
export interface Shows {
  /** What is compared, as the policy writes it: `count distinct date of sij_left_joint within 12mo`. */
  expression: string;
  /** What the condition asks of the value: the comparison's operator, negated under a `not`. */
  operator: CompareOperator;
  /** Present (true) when the operator is the comparison's negated (the part is under a `not`). */
  negated?: true;
  /** The other side as the policy writes it: `4`, `75%`, `2mo`, `item.date`. */
  threshold: string;
  /** The unit the value is in: percent, or days (fixed durations, elapsed time). */
  unit?: "%" | "days";
  /** `time since d` or `time between a and b`: the value is an elapsed time, shown in days with its dates. */
  elapsed?: true;
  /** The other side is computed (not a literal): its value is shown too. */
  computedThreshold?: true;
  /** The members of an ordered enum, when the comparison compares their positions. */
  members?: readonly string[];
  /** The part must hold for a `require` to be met (no `or` above it): the letter says "needs". */
  required?: true;
}

export interface Part {
  /**
   * Parts with one key have one value for a line item: the same test reached through a let in
   * several criteria, or the same fact of the case or the line item read as a condition.
   */
  key: string;
  /** Present for a comparison whose value the trace shows. */
  shows?: Shows;
}

/**
 * A condition taken apart: what evaluators give a criterion (and a rule's `when`) as `parts`. A
 * condition that is one test and shows nothing is given by its key alone (`key`, `whenKey`).
 */
export interface ConditionParts {
  shape: Shape;
  parts: readonly Part[];
  /**
   * Every part's value for the current item: its truth; for a part that `shows`, the array
   * `[truth, value, other side's value]`.
   */
  values(context: Context): readonly unknown[];
}

/**
 * A condition's skeleton with its tests in place, as generated modules write it: a test that
 * shows nothing by its key (so is a test met again), one that shows with what it shows, and
 * `and`/`or`/`not` of skeletons.
 */
export type PartsTree = string | Part | readonly ["and" | "or", ...PartsTree[]] | readonly ["not", PartsTree];

/**
 * A condition's parts from its skeleton with the tests in place. The tests are numbered as they
 * first appear, depth first (the order `values` gives their values in); a key met again is the
 * same test. Run once, when a module is loaded.
 */
export function conditionParts(tree: PartsTree, values: (context: Context) => readonly unknown[]): ConditionParts {
  const parts: Part[] = [];
  const indices = new Map<string, number>();
  const shape = (node: PartsTree): Shape => {
    if (typeof node !== "string" && !("key" in node)) return [node[0], ...(node.slice(1) as PartsTree[]).map(shape)] as Shape;
    const part = typeof node === "string" ? { key: node } : node;
    let index = indices.get(part.key);
    if (index === undefined) {
      index = parts.length;
      indices.set(part.key, index);
      parts.push(part);
    }
    return index;
  };
  return { shape: shape(tree), parts, values };
}

/** A value as the trace shows it: known values as they are, a range, or what it waits for. */
export type ShownValue =
  | number
  | string
  | boolean
  | null
  | { min: number; max: number | null }
  | { missing: string[] };

/** A value a criterion computed and compared, for the trace and the letter. */
export interface ComputedValue {
  /** What was computed, as the policy writes it: `count distinct date of sij_left_joint within 12mo`. */
  expression: string;
  /** Its value: a number (in `unit`), a date, text, a boolean; null when there is no such event. */
  value: ShownValue;
  unit?: "%" | "days";
  /** For an elapsed time: the dates it runs between (the value is the days between them). */
  from?: IsoDate;
  to?: IsoDate;
  /** What the condition asks of it. */
  operator: CompareOperator;
  /** The other side as written, and its value when it is computed. */
  threshold: string;
  thresholdValue?: ShownValue;
  /** Whether the value meets `operator threshold`: true, false, or "unknown". */
  holds: boolean | "unknown";
  /** The comparison must hold for the criterion to be met (a `require` with no `or` above it). */
  required?: true;
}

/** A comparison part's value: its truth and its two sides (generated code: `shown(atMost, n, 4)`). */
export function shown(test: (left: unknown, right: unknown) => unknown, left: unknown, right: unknown): unknown[] {
  return [test(left, right), left, right];
}

/** An elapsed-time comparison part's value: its truth and the elapsed time. */
export function shownElapsed(
  test: (elapsed: unknown, amount: number, unit: CalendarUnit) => unknown,
  elapsed: unknown,
  amount: number,
  unit: CalendarUnit,
): unknown[] {
  return [test(elapsed, amount, unit), elapsed];
}

/** A part's value as a Tri: true and unknown stand, anything else (false, none) is false. */
export function partTruth(value: unknown): boolean | Unknown {
  const truth = Array.isArray(value) ? value[0] : value;
  return truth === true || truth instanceof Unknown ? truth : false;
}

/**
 * The condition's value from its parts' values: Kleene's `and`/`or`/`not` over the shape, merging
 * the unknowns of the operands in their order exactly as the condition's own `and`/`or` do. The
 * parts are the condition's tests, evaluated in the condition's order, so this is the condition's
 * value without evaluating it again.
 */
export function conditionFromParts(shape: Shape, values: readonly unknown[]): Tri {
  if (typeof shape === "number") return partTruth(values[shape]);
  const operator = shape[0];
  if (operator === "not") {
    const operand = conditionFromParts(shape[1] as Shape, values);
    return operand instanceof Unknown ? operand : operand !== true;
  }
  // `and`: false settles it, unknowns merge; `or`: true settles it, unknowns merge.
  const settles = operator === "or";
  let unknown: Unknown | undefined;
  for (let i = 1; i < shape.length; i++) {
    const operand = conditionFromParts(shape[i] as Shape, values);
    if (operand === settles) return settles;
    if (operand instanceof Unknown) unknown = unknown === undefined ? operand : mergeTwo(unknown, operand);
  }
  return unknown ?? !settles;
}

/**
 * How one part that shows its value is shown, read once from its `Shows` (whose optional fields
 * vary from part to part) into one fixed shape, so that building the trace reads the same kind of
 * object for every part.
 */
export class ShowPlan {
  readonly expression: string;
  readonly operator: CompareOperator;
  readonly threshold: string;
  readonly negated: boolean;
  readonly unit: "%" | "days" | undefined;
  readonly elapsed: boolean;
  readonly computedThreshold: boolean;
  readonly members: readonly string[] | undefined;
  readonly required: boolean;

  constructor(
    readonly index: number,
    shows: Shows,
  ) {
    this.expression = shows.expression;
    this.operator = shows.operator;
    this.threshold = shows.threshold;
    this.negated = shows.negated === true;
    this.unit = shows.unit;
    this.elapsed = shows.elapsed === true;
    this.computedThreshold = shows.computedThreshold === true;
    this.members = shows.members;
    this.required = shows.required === true;
  }
}

/** The plans of a condition's parts that show their values (none when no part shows one), in
 *  the parts' order: worked out once per rule table, by the plan determine.ts evaluates from. */
export function showPlansOf(parts: ConditionParts): readonly ShowPlan[] {
  const plans: ShowPlan[] = [];
  for (let i = 0; i < parts.parts.length; i++) {
    const shows = parts.parts[i]!.shows;
    if (shows !== undefined) plans.push(new ShowPlan(i, shows));
  }
  return plans;
}

/** The computed values of a condition's comparisons, from its parts' values and their plans
 *  (`showPlansOf`). */
export function computedValues(plans: readonly ShowPlan[], values: readonly unknown[]): ComputedValue[] {
  const shown: ComputedValue[] = [];
  for (let p = 0; p < plans.length; p++) {
    const plan = plans[p]!;
    const value = values[plan.index];
    if (!Array.isArray(value)) continue;
    const truth = partTruth(value);
    const holds = truth instanceof Unknown ? "unknown" : plan.negated ? !truth : truth;
    // Properties in the order the JSON lists them: the optional ones are set in their place.
    const entry: ComputedValue = { expression: plan.expression, value: null, operator: plan.operator, threshold: plan.threshold, holds };
    const left: unknown = value[1];
    if (plan.elapsed && isElapsed(left)) {
      entry.value = daysBetween(left.from, left.to);
      entry.from = left.from;
      entry.to = left.to;
    } else {
      entry.value = shownValue(left, plan.members);
    }
    if (plan.unit !== undefined) entry.unit = plan.unit;
    if (plan.computedThreshold) entry.thresholdValue = shownValue(value[2], plan.members);
    if (plan.required) entry.required = true;
    shown.push(entry);
  }
  return shown;
}

function isElapsed(value: unknown): value is Elapsed {
  return (
    typeof value === "object" &&
    value !== null &&
    isIsoDate((value as Elapsed).from) &&
    isIsoDate((value as Elapsed).to)
  );
}

function shownValue(value: unknown, members: readonly string[] | undefined): ShownValue {
  if (value instanceof Unknown) return { missing: value.missing.map((m) => m.fact) };
  if (isRange(value)) return { min: value.lo, max: Number.isFinite(value.hi) ? value.hi : null };
  if (typeof value === "number") {
    if (members !== undefined && Number.isInteger(value) && value >= 0 && value < members.length) return members[value]!;
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === "string" || typeof value === "boolean") return value;
  return null;
}
