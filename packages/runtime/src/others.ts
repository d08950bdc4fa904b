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
import { type Context, ItemReads } from "./context.js";
import { mergeTwo, not, type Range, type Tri, Unknown } from "./logic.js";
import { itemErrors, ownField } from "./validate.js";

/** Every item's membership, and how many are definitely in and how many may be. */
interface Memberships {
  /** The `Context.currentCase` these are of: a reused context reuses the arrays. */
  ofCase: number;
  /** Each item's membership, in its first `size` entries (the arrays are reused case to case). */
  values: Tri[];
  /** Each item's reads, when tracing. */
  reads: ItemReads;
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
      memberships = { ofCase: 0, values: [], reads: new ItemReads(), definite: 0, possible: 0, size: 0 };
      c.sharedTables[slot] = memberships;
    }
    // Written in place, not emptied and pushed: emptying an array gives up its storage.
    const { values, reads } = memberships;
    let definite = 0;
    let possible = 0;
    const items = c.items;
    reads.clear();
    for (let index = 0; index < items.length; index++) {
      const membership = c.withReadsKept(member, items[index]!, reads);
      values[index] = membership;
      if (membership === true) definite++;
      else if (membership instanceof Unknown) possible++;
    }
    // What a longer earlier case left past the end is no longer read; it is let go.
    for (let index = items.length; index < memberships.size; index++) values[index] = false;
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
 *  until it leaves one out (and so says it is truncated): a scan of them, replayed. */
function replayItems(c: Context, reads: ItemReads, end: number): void {
  for (let index = 0; index < end; index++) {
    if (index === c.itemIndex || c.replayKept(reads, index)) continue;
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
  reads: ItemReads;
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
    totals = { ofCase: -1, size: 0, definite: [0], possible: [0], unknown: [undefined], reads: new ItemReads(), firstMember: -1 };
    c.sharedTables[slot] = totals;
  }
  if (totals.ofCase !== c.currentCase) {
    totals.ofCase = c.currentCase;
    totals.size = 0;
    totals.firstMember = -1;
    totals.reads.clear();
  }
  const { definite, possible, unknown, reads } = totals;
  const items = c.items;
  for (let index = totals.size; index < upTo; index++) {
    let membership: Tri;
    membership = c.tracing ? c.withReadsKept(member, items[index]!, reads) : member(items[index]!, c);
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

// ---------------------------------------------------------------------------------------------
// Keyed: a test that reads the item under decision only in one equality between a value of the
// other item and a value of this one (`some earlier_items where code in facet and site ==
// item.site`). The memberships differ from item to item, but only through the key: every item's
// key and its membership in the rest of the test (which reads nothing of the item) are worked out
// once per case and grouped by key, and an item reads its own key's group. For two plain values
// (texts, finite numbers, booleans) `==` is `===`, which is how a Map finds keys; an item whose
// key is none is in no group (`==` with none is false). What the groups cannot answer is asked of
// the whole test, as a scan would: an other item whose key is unknown or malformed (asked once
// per question), and a question whose own key is not a plain value, or while tracing (the scan).

/** A value `==` compares as itself: a text, a finite number or a boolean. */
function plainKey(value: unknown): boolean {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && value - value === 0);
}

/** The items of one key whose membership in the rest of the test is true or unknown, by index. */
interface KeyGroup {
  definite: number[];
  possible: number[];
}

interface KeyedTable {
  /** The `Context.currentCase` this is of. */
  ofCase: number;
  /** How many items, from the first, the table holds. */
  size: number;
  /** Each item's membership in the rest of the test, and its key when that is not false. */
  rest: Tri[];
  keys: unknown[];
  groups: Map<unknown, KeyGroup>;
  /** Items whose key is neither a plain value nor none, and whose rest is not false, by index. */
  unkeyed: number[];
}

/** The table of slot `slot` holding at least the items before `upTo`. */
function keyedTable(c: Context, slot: number, rest: Member<Context>, key: ElementKey, upTo: number): KeyedTable {
  let table = c.sharedTables[slot] as KeyedTable | undefined;
  if (table === undefined) {
    table = { ofCase: -1, size: 0, rest: [], keys: [], groups: new Map(), unkeyed: [] };
    c.sharedTables[slot] = table;
  }
  if (table.ofCase !== c.currentCase) {
    table.ofCase = c.currentCase;
    table.size = 0;
    table.groups.clear();
    table.unkeyed.length = 0;
  }
  const items = c.items;
  for (let index = table.size; index < upTo; index++) {
    const element = items[index]!;
    const membership = rest(element, c);
    table.rest[index] = membership;
    if (membership === false) {
      table.keys[index] = undefined;
      continue;
    }
    const value = key(element, c);
    table.keys[index] = value;
    if (plainKey(value)) {
      let group = table.groups.get(value);
      if (group === undefined) table.groups.set(value, (group = { definite: [], possible: [] }));
      (membership === true ? group.definite : group.possible).push(index);
    } else if (value !== null && value !== undefined) {
      table.unkeyed.push(index);
    }
  }
  if (table.size < upTo) table.size = upTo;
  return table;
}

/** How many of the ascending `indices` are below `end`. */
function countBelow(indices: readonly number[], end: number): number {
  let low = 0;
  let high = indices.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (indices[middle]! < end) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The members among the items before `end` other than `self`, for an item whose key is `itemKey`:
 *  how many for sure, how many may be, and (when `merge`) their unknowns merged in item order.
 *  Reused: one question at a time. */
const keyedAnswer = { definite: 0, possible: 0, unknown: undefined as Unknown | undefined };

function keyedMembers(
  c: Context,
  table: KeyedTable,
  member: Member<Context>,
  itemKey: unknown,
  end: number,
  self: number,
  stopAtMember: boolean,
): typeof keyedAnswer {
  const group = table.groups.get(itemKey);
  const inGroup = self >= 0 && self < end && table.keys[self] === itemKey;
  let definite = group === undefined ? 0 : countBelow(group.definite, end) - (inGroup && table.rest[self] === true ? 1 : 0);
  let possible = 0;
  let unknown: Unknown | undefined;
  if (definite === 0 || !stopAtMember) {
    // The group's uncertain members and the unkeyed items' answers to the whole test, in item order.
    const uncertain = group === undefined ? EMPTY : group.possible;
    const unkeyed = table.unkeyed;
    const items = c.items;
    let u = 0;
    let k = 0;
    for (;;) {
      const nextU = u < uncertain.length ? uncertain[u]! : end;
      const nextK = k < unkeyed.length ? unkeyed[k]! : end;
      if (nextU >= end && nextK >= end) break;
      let value: Tri;
      if (nextU <= nextK) {
        u++;
        if (nextU === self) continue;
        value = table.rest[nextU]!;
      } else {
        k++;
        if (nextK === self) continue;
        value = member(items[nextK]!, c);
      }
      if (value === true) {
        definite++;
        if (stopAtMember) break;
      } else if (value instanceof Unknown) {
        possible++;
        unknown = unknown === undefined ? value : mergeTwo(unknown, value);
      }
    }
  }
  keyedAnswer.definite = definite;
  keyedAnswer.possible = possible;
  keyedAnswer.unknown = unknown;
  return keyedAnswer;
}

const EMPTY: readonly number[] = [];

/** An element's key: its side of the equality. */
export type ElementKey = (element: Record<string, unknown>, c: Context) => unknown;
/** The item's key: its side of the equality, for the item under decision. */
export type ItemKey = (c: Context) => unknown;

function someOf(answer: typeof keyedAnswer): Tri {
  if (answer.definite > 0) return true;
  return answer.possible > 0 ? answer.unknown! : false;
}

function countOf(answer: typeof keyedAnswer): number | Range {
  const { definite, possible, unknown } = answer;
  return possible === 0 ? definite : { lo: definite, hi: definite + possible, unknown: unknown! };
}

/**
 * The answer for the current item from the table of slot `slot` over the other items, or over the
 * earlier ones (`earlier`), or undefined when the table cannot give it and the caller scans: while
 * tracing, for an item whose own key is not a plain value, and over earlier items while one of
 * them is not decided yet.
 */
function keyedQuestion(
  c: Context,
  slot: number,
  member: Member<Context>,
  rest: Member<Context>,
  key: ElementKey,
  itemKey: ItemKey,
  earlier: boolean,
  stopAtMember: boolean,
): typeof keyedAnswer | undefined {
  const end = earlier ? c.itemIndex : c.items.length;
  if (c.tracing || (earlier && c.decided.length < end)) return undefined;
  const value = itemKey(c);
  if (!plainKey(value)) return undefined;
  const table = keyedTable(c, slot, rest, key, end);
  return keyedMembers(c, table, member, value, end, earlier ? -1 : c.itemIndex, stopAtMember);
}

/** The signature of the keyed aggregates: `member` is the whole test, `rest` the test without
 *  the equality, `key` and `itemKey` the equality's two sides; `slot` names the per-case table. */
type Keyed<T> = (c: Context, slot: number, member: Member<Context>, rest: Member<Context>, key: ElementKey, itemKey: ItemKey) => T;

/** `some other_items where ... and k(other) == k'(item)`: exactly `some(c.otherItems, member, c)`. */
export const someOtherKeyed: Keyed<Tri> = (c, slot, member, rest, key, itemKey) => {
  const answer = keyedQuestion(c, slot, member, rest, key, itemKey, false, true);
  return answer === undefined ? some(c.otherItems, member, c) : someOf(answer);
};

/** `no other_items where ...`: see `someOtherKeyed`. */
export const noOtherKeyed: Keyed<Tri> = (c, slot, member, rest, key, itemKey) => not(someOtherKeyed(c, slot, member, rest, key, itemKey));

/** `count other_items where ...`: exactly `count(c.otherItems, member, c)`. */
export const countOthersKeyed: Keyed<number | Range> = (c, slot, member, rest, key, itemKey) => {
  const answer = keyedQuestion(c, slot, member, rest, key, itemKey, false, false);
  return answer === undefined ? count(c.otherItems, member, c) : countOf(answer);
};

/**
 * `some earlier_items where ... and k(earlier) == k'(item)`: exactly `some(c.earlierItems, member,
 * c)`. The earlier items' memberships are fixed once they are decided (`granted`), so the table
 * grows as the items are decided and serves every later item.
 */
export const someEarlierKeyed: Keyed<Tri> = (c, slot, member, rest, key, itemKey) => {
  const answer = keyedQuestion(c, slot, member, rest, key, itemKey, true, true);
  return answer === undefined ? some(c.earlierItems, member, c) : someOf(answer);
};

/** `no earlier_items where ...`: see `someEarlierKeyed`. */
export const noEarlierKeyed: Keyed<Tri> = (c, slot, member, rest, key, itemKey) => not(someEarlierKeyed(c, slot, member, rest, key, itemKey));

/** `count earlier_items where ...`: exactly `count(c.earlierItems, member, c)`. */
export const countEarlierKeyed: Keyed<number | Range> = (c, slot, member, rest, key, itemKey) => {
  const answer = keyedQuestion(c, slot, member, rest, key, itemKey, true, false);
  return answer === undefined ? count(c.earlierItems, member, c) : countOf(answer);
};

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
