// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// `count`, `some` and `no` over the other requested line items, when the test reads nothing of
// the item under decision (`some other_items where code in sij_injection`). Scanning the others
// for every item costs n² for n items; instead every item's membership is worked out once per
// case (in a per-case table) and each item's answer is read off the totals, minus itself.
// The answers are exactly those of `count`/`some`/`none` over `Context.otherItems`. When tracing,
// each item's membership keeps its reads, and every item's criterion lists those of the other
// items, in order, until its trace holds all the facts it may (MAX_FACTS): linear in line items.
//
// The same over `earlier_items` (`count earlier_items where code in trigger_point_injection`):
// the items before the one under decision are decided first, and an earlier item's membership is
// fixed once it is (`granted` reads its outcome), so each item's membership is worked out once
// per case, as the items are decided in order, and kept as running totals: item i reads the
// totals of items 0 to i - 1. When tracing, each item's membership keeps its reads too, and a
// criterion lists those of the items a scan of the earlier items would have tested, in order.
//
// Also `granted`: whether a line item listed before the one under decision still stands, for
// `earlier_items` (line order within a request).

import { count, type Member, some } from "./aggregates.js";
import type { Context, ReadLog } from "./context.js";
import { mergeTwo, not, type Range, type Tri, Unknown } from "./logic.js";
import { itemErrors, ownField } from "./validate.js";

/** Every item's membership, and how many are definitely in and how many may be. */
interface Memberships {
  /** The `Context.currentCase` these are of: a reused context reuses the arrays. */
  ofCase: number;
  /** Each item's membership, in its first `size` entries (the arrays are reused case to case). */
  values: Tri[];
  /** Each item's reads, when tracing. */
  reads: (ReadLog | undefined)[];
  definite: number;
  possible: number;
  size: number;
}

function membershipsOf(c: Context, slot: number, member: Member<Context>): Memberships {
  // Kept in the context's shared tables, not its let slots: a hit allocates nothing, and the
  // reads are replayed per item below, each item's own left out.
  let memberships = c.sharedTables[slot] as Memberships | undefined;
  if (memberships === undefined || memberships.ofCase !== c.currentCase) {
    if (memberships === undefined) {
      memberships = { ofCase: 0, values: [], reads: [], definite: 0, possible: 0, size: 0 };
      c.sharedTables[slot] = memberships;
    }
    // Written in place, not emptied and pushed: emptying an array gives up its storage.
    const { values, reads } = memberships;
    let definite = 0;
    let possible = 0;
    const items = c.items;
    for (let index = 0; index < items.length; index++) {
      const membership = c.withOwnReads(member, items[index]!);
      values[index] = membership;
      reads[index] = c.ownReads;
      if (membership === true) definite++;
      else if (membership instanceof Unknown) possible++;
    }
    // What a longer earlier case left past the end is no longer read; it is let go.
    for (let index = items.length; index < memberships.size; index++) {
      values[index] = false;
      reads[index] = undefined;
    }
    memberships.size = items.length;
    memberships.ofCase = c.currentCase;
    memberships.definite = definite;
    memberships.possible = possible;
  }
  // The other items' reads, in order, as a scan of them would have made them.
  if (c.tracing) replayItems(c, memberships.reads, memberships.size);
  return memberships;
}

/** The reads of items 0 to `end - 1` but the current one, in order, recorded in the current log
 *  until it is full; then it says so if any of the other items' reads are left out. */
function replayItems(c: Context, reads: readonly (ReadLog | undefined)[], end: number): void {
  for (let index = 0; index < end; index++) {
    const log = reads[index];
    if (index === c.itemIndex || log === undefined || c.replayReads(log)) continue;
    for (let rest = index + 1; rest < end; rest++) {
      if (rest !== c.itemIndex && reads[rest]!.size > 0) {
        c.markReadsTruncated();
        break;
      }
    }
    break;
  }
}

/** The unknown memberships of the items other than the current one, merged in item order. */
function othersUnknown(c: Context, values: readonly Tri[], size: number): Unknown {
  let merged: Unknown | undefined;
  for (let index = 0; index < size; index++) {
    const value = values[index];
    if (index === c.itemIndex || !(value instanceof Unknown)) continue;
    merged = merged === undefined ? value : mergeTwo(merged, value);
  }
  return merged ?? new Unknown([]);
}

/** `some other_items where ...` for a test that reads nothing of the current item; `slot` names its per-case table. */
export function someOther(c: Context, slot: number, member: Member<Context>): Tri {
  const { values, definite, possible, size } = membershipsOf(c, slot, member);
  const self = values[c.itemIndex];
  if (definite - (self === true ? 1 : 0) > 0) return true;
  if (possible - (self instanceof Unknown ? 1 : 0) > 0) return othersUnknown(c, values, size);
  return false;
}

/** `no other_items where ...`: see `someOther`. */
export function noOther(c: Context, slot: number, member: Member<Context>): Tri {
  return not(someOther(c, slot, member));
}

/** `count other_items where ...`: see `someOther`. */
export function countOthers(c: Context, slot: number, member: Member<Context>): number | Range {
  const { values, definite, possible, size } = membershipsOf(c, slot, member);
  const self = values[c.itemIndex];
  const sure = definite - (self === true ? 1 : 0);
  const maybe = possible - (self instanceof Unknown ? 1 : 0);
  return maybe === 0 ? sure : { lo: sure, hi: sure + maybe, unknown: othersUnknown(c, values, size) };
}

/** The running totals of one membership over the line items, in a per-case table. */
interface RunningTotals {
  /** The `Context.currentCase` these are of: a reused context reuses the arrays. */
  ofCase: number;
  /** How many items' memberships the totals hold: entries 0 to `size` are written. */
  size: number;
  /** Before item i (entry i): how many items are members for sure, how many may be, and the
   *  unknown memberships among them merged in item order (undefined when there are none). */
  definite: number[];
  possible: number[];
  unknown: (Unknown | undefined)[];
  /** Each item's reads, when tracing. */
  reads: (ReadLog | undefined)[];
  /** The first item that is a member for sure, or -1: a scan for `some` stops there. */
  firstMember: number;
}

/** The totals before the current item; undefined when an earlier item is not decided yet (then
 *  the caller scans). */
function totalsBefore(c: Context, slot: number, member: Member<Context>): RunningTotals | undefined {
  const upTo = c.itemIndex;
  if (c.decided.length < upTo) return undefined;
  let totals = c.sharedTables[slot] as RunningTotals | undefined;
  if (totals === undefined) {
    totals = { ofCase: -1, size: 0, definite: [0], possible: [0], unknown: [undefined], reads: [], firstMember: -1 };
    c.sharedTables[slot] = totals;
  }
  if (totals.ofCase !== c.currentCase) {
    totals.ofCase = c.currentCase;
    totals.size = 0;
    totals.firstMember = -1;
  }
  const { definite, possible, unknown, reads } = totals;
  const items = c.items;
  for (let index = totals.size; index < upTo; index++) {
    let membership: Tri;
    if (c.tracing) {
      membership = c.withOwnReads(member, items[index]!);
      reads[index] = c.ownReads;
    } else membership = member(items[index]!, c);
    if (membership === true && totals.firstMember < 0) totals.firstMember = index;
    const before = unknown[index];
    definite[index + 1] = definite[index]! + (membership === true ? 1 : 0);
    possible[index + 1] = possible[index]! + (membership instanceof Unknown ? 1 : 0);
    unknown[index + 1] = membership instanceof Unknown ? (before === undefined ? membership : mergeTwo(before, membership)) : before;
  }
  if (totals.size < upTo) totals.size = upTo;
  return totals;
}

/** `count earlier_items where ...` for a test that reads nothing of the current item; `slot` names its per-case table. */
export function countEarlier(c: Context, slot: number, member: Member<Context>): number | Range {
  const totals = totalsBefore(c, slot, member);
  if (totals === undefined) return count(c.earlierItems, member, c);
  const index = c.itemIndex;
  if (c.tracing) replayItems(c, totals.reads, index);
  const sure = totals.definite[index]!;
  const maybe = totals.possible[index]!;
  return maybe === 0 ? sure : { lo: sure, hi: sure + maybe, unknown: totals.unknown[index]! };
}

/** `some earlier_items where ...`: see `countEarlier`. */
export function someEarlier(c: Context, slot: number, member: Member<Context>): Tri {
  const totals = totalsBefore(c, slot, member);
  if (totals === undefined) return some(c.earlierItems, member, c);
  const index = c.itemIndex;
  // `some` stops at the first member.
  if (c.tracing) replayItems(c, totals.reads, totals.firstMember >= 0 && totals.firstMember < index ? totals.firstMember + 1 : index);
  if (totals.definite[index]! > 0) return true;
  return totals.possible[index]! > 0 ? totals.unknown[index]! : false;
}

/** `no earlier_items where ...`: see `countEarlier`. */
export function noEarlier(c: Context, slot: number, member: Member<Context>): Tri {
  return not(someEarlier(c, slot, member));
}

/** Outcomes of an earlier line item that leave it standing: it counts against the limits of the lines after it. */
export const STANDING_OUTCOMES = ["approved", "authorization_required", "referred_for_review"] as const;
const STANDING = new Set<string>(STANDING_OUTCOMES);

/**
 * Whether an earlier line item of the request (an element of `earlier_items`) stands: true when
 * the policy approved it, or only needs prior authorization or a reviewer for it; unknown, with
 * the facts it waits for, when it is pended; false when it was refused (denied, not covered, not
 * separately billable) or is outside the policy. A malformed line is always unknown: its outcome
 * was reached on facts the rules could not read, so it is an uncertain member. Worked out on the
 * first question about each line and kept with its decision, as the later lines all ask it.
 */
export function granted(c: Context, item: Record<string, unknown>): Tri {
  const index = c.indexOfItem(item);
  const decided = index < 0 ? undefined : c.decided[index];
  if (decided === undefined) return new Unknown([]);
  return (decided.standing ??= standing(c, item, index, decided));
}

function standing(c: Context, item: Record<string, unknown>, index: number, decided: Context["decided"][number]): Tri {
  const malformed = itemErrors(c.schema, item, index);
  if (malformed.length > 0) return new Unknown(malformed.map(({ path }) => ({ fact: path, label: itemFieldLabel(c, path) })));
  if (STANDING.has(decided.outcome)) return true;
  return decided.outcome === "pended" ? new Unknown(decided.missing) : false;
}

/** The schema's label for the item field a validation error names (`items[0].code` -> "procedure code"). */
function itemFieldLabel(c: Context, path: string): string {
  const name = /^items\[\d+\]\.([^.[]+)/.exec(path)?.[1];
  const field = name === undefined ? undefined : ownField(c.schema.records.item, name);
  return field?.label ?? "requested line item";
}
