// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Aggregates that look at a list as a whole rather than one element at a time: distinct counts
// (`count distinct date, level of L`) and ordinal selection (`earliest 3 of L`). Both are exact
// over uncertain members in the sense of docs/semantics.md: a known answer is one no value of the
// missing facts could change.

import { type Range, type Tri, Unknown, and, mergeTwo } from "./logic.js";
import { dateOperand, type IsoDate } from "./calendar.js";
import { read, type FieldHandle, type Row } from "./access.js";
import type { Member } from "./aggregates.js";
import type { Context } from "./context.js";

/** A value a key may hold, as a string that tells values of one field apart. */
function keyPart(value: unknown): string | Unknown | null {
  if (value instanceof Unknown) return value;
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value - value === 0 ? `n${value}` : new Unknown([]);
  return `${typeof value}:${String(value)}`;
}

/**
 * `count distinct k1, k2 of L`: how many different combinations of the key fields the members
 * have. Bounds when facts are missing: the lowest count lets every member with an unknown key
 * share a combination already counted when its known keys allow (one new combination when some
 * cannot, or when none is certain); the highest counts every member that could belong with a key
 * it could have as a new combination. Every completion lies within them; with one key both are
 * reached.
 * A member whose key reads none (it cannot happen for elements of a list) is not counted.
 */
export function distinctCount<C>(
  list: readonly Row[] | Unknown,
  member: Member<C>,
  keys: (element: Row) => readonly unknown[],
  context?: C,
): number | Range {
  if (list instanceof Unknown) return { lo: 0, hi: Infinity, unknown: list };
  const definite = new Set<string>();
  const definiteParts: (string | undefined)[][] = [];
  const possible = new Set<string>();
  let definiteUnkeyed = 0;
  /** Definite members with some key unknown, each as its known parts (undefined where unknown). */
  const partial: (string | undefined)[][] = [];
  let unkeyed = 0;
  let unknown: Unknown | undefined;
  const note = (u: Unknown) => (unknown = unknown === undefined ? u : mergeTwo(unknown, u));
  for (const element of list) {
    const membership = member(element, context as C);
    if (membership === false) continue;
    const parts: (string | undefined)[] = [];
    let missing: Unknown | undefined;
    let none = false;
    for (const value of keys(element)) {
      const part = keyPart(value);
      if (part instanceof Unknown) {
        missing = missing === undefined ? part : mergeTwo(missing, part);
        parts.push(undefined);
      } else if (part === null) none = true;
      else parts.push(part);
    }
    if (none) continue;
    if (membership instanceof Unknown) note(membership);
    if (missing !== undefined) {
      note(missing);
      unkeyed++;
      if (membership === true) {
        definiteUnkeyed++;
        partial.push(parts);
      }
      continue;
    }
    const key = parts.join("\u0000");
    if (membership === true) {
      if (!definite.has(key)) definiteParts.push(parts);
      definite.add(key);
    } else possible.add(key);
  }
  // A definite member whose known keys match no certain combination needs a new one (with one
  // key, or with none known, it can always join a certain combination when there is one).
  const needsNew =
    partial.some((parts) => !definiteParts.some((known) => known.every((part, i) => parts[i] === undefined || parts[i] === part))) ||
    (definite.size === 0 && definiteUnkeyed > 0);
  const lo = definite.size + (needsNew ? 1 : 0);
  if (unknown === undefined) return lo;
  let union = definite.size;
  for (const key of possible) if (!definite.has(key)) union++;
  const hi = union + unkeyed;
  // Missing facts that cannot change the count leave it known.
  return hi === lo ? lo : { lo, hi, unknown };
}

/** The membership of a selection: whether an element is among those selected (the context is
 *  handed on to the chain's further filters; the selection's own when left out). */
export type Selected<C> = (element: Row, context?: C) => Tri;

interface Candidate {
  index: number;
  membership: Tri;
  /** The date, or the Unknown that stands for it. */
  date: IsoDate | Unknown;
}

/**
 * `earliest N of L` / `latest N of L`: the membership of each element in the first (last) N
 * members by date. Members are ordered by date; on equal dates the member later in the case's
 * list comes first, as `latest` and `earliest` pick it. An element is selected when it is a
 * member and fewer than N members come before it; when missing facts (a membership, a date)
 * leave that open, its selection is unknown. A member without a date (none) is never selected.
 * `then` adds the chain's further filters, conjoined after the selection.
 */
export function selectBy<C>(
  list: readonly Row[] | Unknown,
  member: Member<C>,
  date: (element: Row) => unknown,
  which: "earliest" | "latest",
  n: number,
  then?: Member<C>,
  context?: C,
): Selected<C> {
  if (list instanceof Unknown) return () => list;
  const candidates: Candidate[] = [];
  for (let index = 0; index < list.length; index++) {
    const element = list[index]!;
    const membership = member(element, context as C);
    if (membership === false) continue;
    const when = dateOperand(date(element));
    if (when === null) continue;
    candidates.push({ index, membership, date: when });
  }
  // Whether `a` certainly, possibly or never comes before `b` in the order of picking.
  const before = (a: Candidate, b: Candidate): "yes" | "maybe" | "no" => {
    if (a.date instanceof Unknown || b.date instanceof Unknown) return "maybe";
    if (a.date === b.date) return a.index > b.index ? "yes" : "no";
    return (which === "earliest" ? a.date < b.date : a.date > b.date) ? "yes" : "no";
  };
  const chosen = new Map<Row, Tri>();
  for (const candidate of candidates) {
    let surely = 0;
    let maybe = 0;
    let open: Unknown | undefined;
    for (const other of candidates) {
      if (other === candidate) continue;
      const order = before(other, candidate);
      if (order === "no") continue;
      if (order === "yes" && other.membership === true) surely++;
      else {
        maybe++;
        const facts = [other.membership, other.date, candidate.date].filter((v): v is Unknown => v instanceof Unknown);
        for (const u of facts) open = open === undefined ? u : mergeTwo(open, u);
      }
    }
    let selected: Tri;
    if (surely >= n) selected = false;
    else if (surely + maybe < n) selected = candidate.membership;
    else selected = and(candidate.membership, open ?? new Unknown([]));
    chosen.set(list[candidate.index]!, selected);
  }
  return (element, outer) => {
    const selected = chosen.get(element) ?? false;
    return then === undefined ? selected : and(selected, then(element, (outer ?? context) as C));
  };
}

/**
 * `count distinct k1, k2 of L` over a case: see `distinctCount`. `forms` gives, per key, the
 * normal form its values compare in (`normaliseText`, `normaliseCode`), for keys that have one.
 */
export function countDistinct(
  c: Context,
  list: readonly Row[] | Unknown,
  member: Member<Context>,
  keys: readonly FieldHandle[],
  forms?: readonly (((value: unknown) => unknown) | undefined)[],
): number | Range {
  // One key (every policy's `count distinct date of L`) takes the handle out of the array here,
  // so that the array a call writes in place need not be built when this function is inlined.
  if (keys.length === 1) return countDistinctOf(c, list, member, keys[0]!, forms === undefined ? undefined : forms[0]);
  return distinctOfKeys(c, list, member, keys, forms);
}

/** `count distinct k of L` with one key: see `distinctCount`. */
export function countDistinctOf(
  c: Context,
  list: readonly Row[] | Unknown,
  member: Member<Context>,
  key: FieldHandle,
  form: ((value: unknown) => unknown) | undefined,
): number | Range {
  // Exact with a trace too: the single-key count reads what the general one reads, in its order,
  // up to where it gives up, and the general path then reads it all again (each fact is listed once).
  if (!(list instanceof Unknown) && !distinctInUse) {
    const counted = distinctOfOneKey(c, list, member, key, form);
    if (counted !== undefined) return counted;
  }
  return distinctOfKeys(c, list, member, [key], form === undefined ? undefined : [form]);
}

function distinctOfKeys(
  c: Context,
  list: readonly Row[] | Unknown,
  member: Member<Context>,
  keys: readonly FieldHandle[],
  forms: readonly (((value: unknown) => unknown) | undefined)[] | undefined,
): number | Range {
  if (forms === undefined) return distinctCount(list, member, (element) => keys.map((key) => read(c, element, key)), c);
  return distinctCount(list, member, (element) => keys.map((key, i) => (forms[i] ? forms[i](read(c, element, key)) : read(c, element, key))), c);
}

/** Past this many different values a set beats a scan of those seen. */
const FEW = 16;

/**
 * Different values compared with `===` (strings, booleans, finite numbers: 0 and -0 alike, as
 * `keyPart` has them), kept from count to count: the first `FEW` in an array scanned for each
 * new value, every one in a set past that. Emptying writes over what it used, so neither the
 * array nor the set gives up its storage (`length = 0` would, and the next count would allocate
 * it again).
 */
export class DistinctValues {
  private readonly few: unknown[] = new Array<unknown>(FEW).fill(undefined);
  private many: Set<unknown> | undefined;
  size = 0;

  has(value: unknown): boolean {
    const size = this.size;
    if (size > FEW) return this.many!.has(value);
    const few = this.few;
    for (let i = 0; i < size; i++) if (few[i] === value) return true;
    return false;
  }

  /** Adds `value` unless it is held already. */
  add(value: unknown): void {
    const size = this.size;
    if (size > FEW) {
      const many = this.many!;
      if (!many.has(value)) {
        many.add(value);
        this.size = size + 1;
      }
      return;
    }
    const few = this.few;
    for (let i = 0; i < size; i++) if (few[i] === value) return;
    if (size < FEW) {
      few[size] = value;
      this.size = size + 1;
      return;
    }
    // The first value past `FEW`: from here on every value goes to the set as well.
    const many = (this.many ??= new Set<unknown>());
    for (let i = 0; i < FEW; i++) many.add(few[i]);
    many.add(value);
    this.size = FEW + 1;
  }

  /** How many of these values `other` does not hold. */
  countNotIn(other: DistinctValues): number {
    let count = 0;
    if (this.size > FEW) {
      for (const value of this.many!) if (!other.has(value)) count++;
    } else {
      for (let i = 0; i < this.size; i++) if (!other.has(this.few[i])) count++;
    }
    return count;
  }

  clear(): void {
    const size = this.size;
    if (size === 0) return;
    if (size > FEW) this.many!.clear();
    const few = this.few;
    for (let i = 0, end = size < FEW ? size : FEW; i < end; i++) few[i] = undefined;
    this.size = 0;
  }
}

/** The values and memberships `distinctOfOneKey` works with, reused from call to call (a count
 *  inside a membership test that is itself inside a count takes the general path). */
const DEFINITE = new DistinctValues();
const POSSIBLE = new DistinctValues();
const DISTINCT_MEMBERSHIPS: Tri[] = [];
let distinctInUse = false;

/**
 * `count distinct k of L` with one key, exactly what `distinctCount` gives, without its key
 * strings and tables: the values themselves, compared with `===`, tell them apart as `keyPart`
 * does (a key with a normal form, `form`, compares in it). Members whose key is unknown or
 * malformed, and elements whose membership is unknown, make the count the range `distinctCount`
 * gives, with the same unknown (its facts merged in the same order). Undefined when a key holds a
 * value of another type (only a case that skipped validation can): the general path compares it.
 */
function distinctOfOneKey(
  c: Context,
  list: readonly Row[],
  member: Member<Context>,
  key: FieldHandle,
  form: ((value: unknown) => unknown) | undefined,
): number | Range | undefined {
  const definite = DEFINITE;
  const possible = POSSIBLE;
  // Members with an unknown key, and those of them that are certain members.
  let unkeyed = 0;
  let definiteUnkeyed = 0;
  let unknown: Unknown | undefined;
  // Memberships another aggregate remembered for this item; otherwise they are worked out here,
  // and remembered once every one is.
  const scans = c.scans;
  const known = scans?.find(list, member);
  const found = known === undefined && scans !== undefined ? DISTINCT_MEMBERSHIPS : undefined;
  distinctInUse = true;
  try {
    for (let i = 0; i < list.length; i++) {
      const element = list[i]!;
      const membership = known !== undefined ? known[i]! : member(element, c);
      if (found !== undefined) found[i] = membership;
      if (membership === false) continue;
      const value = form === undefined ? read(c, element, key) : form(read(c, element, key));
      // A key of none: the element is not counted, whatever its membership.
      if (value === null || value === undefined) continue;
      let missing: Unknown | undefined;
      if (value instanceof Unknown) missing = value;
      else if (typeof value === "number") {
        if (value - value !== 0) missing = new Unknown([]);
      } else if (typeof value !== "string" && typeof value !== "boolean") return undefined;
      if (membership !== true) unknown = unknown === undefined ? membership : mergeTwo(unknown, membership);
      if (missing !== undefined) {
        unknown = unknown === undefined ? missing : mergeTwo(unknown, missing);
        unkeyed++;
        if (membership === true) definiteUnkeyed++;
      } else if (membership === true) definite.add(value);
      else possible.add(value);
    }
    if (found !== undefined) {
      const remembered = scans!.remember(list, member);
      for (let i = 0; i < list.length; i++) remembered[i] = found[i]!;
    }
    // A certain member whose key is unknown may share a value counted, or is one when none is.
    const lo = definite.size + (definite.size === 0 && definiteUnkeyed > 0 ? 1 : 0);
    if (unknown === undefined) return lo;
    // At most: every value a member may have, and a new one for every unknown key.
    const hi = definite.size + possible.countNotIn(definite) + unkeyed;
    // Missing facts that cannot change the count leave it known.
    return hi === lo ? lo : { lo, hi, unknown };
  } finally {
    if (found !== undefined) found.fill(false, 0, list.length);
    definite.clear();
    possible.clear();
    distinctInUse = false;
  }
}

/** `earliest N of L` / `latest N of L` over a case: see `selectBy`. */
export function select(
  c: Context,
  list: readonly Row[] | Unknown,
  member: Member<Context>,
  date: FieldHandle,
  which: "earliest" | "latest",
  n: number,
  then?: Member<Context>,
): Selected<Context> {
  return selectBy(list, member, (element) => read(c, element, date), which, n, then, c);
}
