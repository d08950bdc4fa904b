// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Aggregates over lists. `member` gives each element's membership (filters and windows fused):
// true, false or Unknown. Elements whose membership is Unknown make results ranges, exactly.
// Each aggregate passes its `context` on to `member` (and to the field readers), so generated
// modules hand over one module-level function per membership instead of a closure per call.

import { MALFORMED, MissingList, type Range, type Tri, Unknown, isRange, not, unknownOf } from "./logic.js";
import { type IsoDate, dateOperand, dayNumber } from "./calendar.js";
import { Context, type Scans } from "./context.js";

/** An element's membership; `context` is whatever the aggregate was given (generated code: its `Context`). */
export type Member<C = never> = (element: Record<string, unknown>, context: C) => Tri;

/** A value of an element (a date, an amount), read with the aggregate's context and a key (a field handle). */
export type ElementValue<C = never, K = never> = (element: Record<string, unknown>, context: C, key: K) => unknown;

/** The memberships an aggregate may read and remember: a compiled module's `Context` that does not trace. */
function scansOf(context: unknown): Scans | undefined {
  return context instanceof Context ? context.scans : undefined;
}

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
export function count<C>(list: readonly Record<string, unknown>[] | Unknown, member: Member<C>, context?: C): number | Range {
  if (list instanceof Unknown) return { lo: 0, hi: Infinity, unknown: list };
  let definite = 0;
  let possible = 0;
  let unknowns: Unknowns | undefined;
  const scans = scansOf(context);
  const known = scans?.find(list, member);
  const remember = known === undefined ? scans?.remember(list, member) : undefined;
  for (let i = 0; i < list.length; i++) {
    const membership = known !== undefined ? known[i]! : member(list[i]!, context as C);
    if (remember !== undefined) remember[i] = membership;
    if (membership === true) definite++;
    else if (membership instanceof Unknown) {
      possible++;
      (unknowns ??= new Unknowns()).add(membership);
    }
  }
  return unknowns === undefined ? definite : { lo: definite, hi: definite + possible, unknown: unknowns.result() };
}

/** `some L`: at least one member. */
export function some<C>(list: readonly Record<string, unknown>[] | Unknown, member: Member<C>, context?: C): Tri {
  if (list instanceof Unknown) return list;
  let unknowns: Unknowns | undefined;
  // Stops at the first member, so it remembers nothing; it reads what a full scan remembered.
  const known = scansOf(context)?.find(list, member);
  for (let i = 0; i < list.length; i++) {
    const membership = known !== undefined ? known[i]! : member(list[i]!, context as C);
    if (membership === true) return true;
    if (membership instanceof Unknown) (unknowns ??= new Unknowns()).add(membership);
  }
  return unknowns === undefined ? false : unknowns.result();
}

/** `no L`: no member. */
export function none<C>(list: readonly Record<string, unknown>[] | Unknown, member: Member<C>, context?: C): Tri {
  return not(some(list, member, context));
}

/**
 * Sum of a numeric or duration field over members; unknown values make a range (durations >= 0).
 * An uncertain member with value v adds 0 or v; an unknown value adds [0, ∞] when the field
 * cannot be negative, else (-∞, ∞). Values of none (null) add nothing.
 */
export function sum<C, K>(
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member<C>,
  value: ElementValue<C, K>,
  nonNegative: boolean,
  context?: C,
  key?: K,
): number | Range {
  const unknownFloor = nonNegative ? 0 : -Infinity;
  // Durations are days that may hold hours (24ths): added as whole seconds, so that twelve
  // values of `1h` sum to exactly `12h`.
  const scale = nonNegative ? 86_400 : 1;
  if (list instanceof Unknown) return { lo: unknownFloor, hi: Infinity, unknown: list };
  let lo = 0;
  let hi = 0;
  let unknowns: Unknowns | undefined;
  const scans = scansOf(context);
  const known = scans?.find(list, member);
  const remember = known === undefined ? scans?.remember(list, member) : undefined;
  for (let i = 0; i < list.length; i++) {
    const element = list[i]!;
    const membership = known !== undefined ? known[i]! : member(element, context as C);
    if (remember !== undefined) remember[i] = membership;
    if (membership === false) continue;
    const read = value(element, context as C, key as K);
    // A non-finite number is no amount: unknown, like an absent one.
    const amount = typeof read === "number" ? (read - read !== 0 ? MALFORMED : nonNegative ? Math.round(read * scale) : read) : read;
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
      const [low, high] = scale === 1 ? [amount.lo, amount.hi] : [Math.round(amount.lo * scale), Math.round(amount.hi * scale)];
      lo += certain ? low : Math.min(0, low);
      hi += certain ? high : Math.max(0, high);
    }
  }
  if (scale !== 1) {
    lo /= scale;
    hi /= scale;
  }
  return unknowns === undefined ? lo : { lo, hi, unknown: unknowns.result() };
}

/**
 * The latest (or earliest) member by its date; ties go to the later element in the list. null
 * when there is none; Unknown when an uncertain element (unknown membership or date) could be it.
 * `checked`: every string `date` gives is a valid date (a date field's `read`), not checked again.
 */
export function pick<C, K>(
  which: "latest" | "earliest",
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member<C>,
  date: ElementValue<C, K>,
  context?: C,
  key?: K,
  checked = false,
): Record<string, unknown> | null | Unknown {
  if (list instanceof Unknown) return list;
  const latest = which === "latest";
  let best: Record<string, unknown> | null = null;
  let bestDate = "";
  let bestIndex = -1;
  let uncertain: { index: number; date: IsoDate | undefined; unknown: Unknown }[] | undefined;
  const scans = scansOf(context);
  const known = scans?.find(list, member);
  const remember = known === undefined ? scans?.remember(list, member) : undefined;
  for (let index = 0; index < list.length; index++) {
    const element = list[index]!;
    const membership = known !== undefined ? known[index]! : member(element, context as C);
    if (remember !== undefined) remember[index] = membership;
    if (membership === false) continue;
    // A malformed date is unknown: the element could be the pick.
    const value = date(element, context as C, key as K);
    const when = checked && typeof value === "string" ? value : dateOperand(value);
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
    for (let k = 0; k < uncertain.length; k++) {
      const candidate = uncertain[k]!;
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
 * (without a window: without limit), an unknown end reaches the window end.
 *
 * Coverage never counts a day on or after the date of service `dos` (when given), with a window
 * or without: therapy still running at the request counts up to the day before it, exactly as an
 * episode with an unknown end would at most.
 */
export function coverage<C, K>(
  list: readonly Record<string, unknown>[] | Unknown,
  member: Member<C>,
  start: ElementValue<C, K>,
  end: ElementValue<C, K>,
  window: { start: IsoDate; end: IsoDate } | null,
  dos?: IsoDate,
  context?: C,
  keys?: { start: K; end: K },
): number | Range {
  const clipStart = window === null ? -Infinity : dayNumber(window.start);
  const clipEnd = Math.min(window === null ? Infinity : dayNumber(window.end), dos === undefined ? Infinity : dayNumber(dos));
  if (list instanceof Unknown) {
    return { lo: 0, hi: window === null ? Infinity : Math.max(0, clipEnd - clipStart), unknown: list };
  }
  const definite: [number, number][] = [];
  let possible: [number, number][] | undefined;
  let unknowns: Unknowns | undefined;
  const scans = scansOf(context);
  const known = scans?.find(list, member);
  const remember = known === undefined ? scans?.remember(list, member) : undefined;
  for (let i = 0; i < list.length; i++) {
    const element = list[i]!;
    const membership = known !== undefined ? known[i]! : member(element, context as C);
    if (remember !== undefined) remember[i] = membership;
    if (membership === false) continue;
    const from = dateOperand(start(element, context as C, keys?.start as K));
    const to = dateOperand(end(element, context as C, keys?.end as K));
    if (
      (typeof from !== "string" && !(from instanceof Unknown)) ||
      (typeof to !== "string" && !(to instanceof Unknown))
    ) {
      continue; // an episode of none
    }
    const first = Math.max(typeof from === "string" ? dayNumber(from) : -Infinity, clipStart);
    const last = Math.min(typeof to === "string" ? dayNumber(to) : clipEnd, clipEnd);
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
