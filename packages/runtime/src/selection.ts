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
  // Exact with a trace too: the fast path reads what the general one reads, in its order, up to
  // where it gives up, and the general path then reads it all again (each fact is listed once).
  if (keys.length === 1 && !(list instanceof Unknown) && !distinctInUse) {
    const known = distinctKnown(c, list, member, keys[0]!, forms?.[0]);
    if (known >= 0) return known;
  }
  if (forms === undefined) return distinctCount(list, member, (element) => keys.map((key) => read(c, element, key)), c);
  return distinctCount(list, member, (element) => keys.map((key, i) => (forms[i] ? forms[i](read(c, element, key)) : read(c, element, key))), c);
}

/** The values seen by `distinctKnown`, reused from call to call (a count inside a membership
 *  test that is itself inside a count takes the general path). */
const DISTINCT_FEW: unknown[] = [];
const DISTINCT_MANY = new Set<unknown>();
/** Past this many different values a set beats a scan of those seen. */
const FEW = 16;
let distinctInUse = false;
/** The memberships `distinctKnown` worked out, until it knows them all. */
const DISTINCT_MEMBERSHIPS: Tri[] = [];

/**
 * `count distinct k of L` with one key when every membership is decided and every member's key
 * is a known value (or none, which is not counted): the number of different keys, exactly what
 * `distinctCount` gives then, without its key strings and tables. The values themselves, compared
 * with `===` (a string, a finite number, a boolean; 0 and -0 alike), tell them apart as `keyPart` does.
 * A key with a normal form (`form`) compares in it. -1 when an element needs the general path:
 * an unknown membership or key.
 */
function distinctKnown(
  c: Context,
  list: readonly Row[],
  member: Member<Context>,
  key: FieldHandle,
  form: ((value: unknown) => unknown) | undefined,
): number {
  const few = DISTINCT_FEW;
  const many = DISTINCT_MANY;
  let size = 0;
  // Memberships another aggregate remembered for this item; otherwise they are worked out here,
  // and remembered once every one is known (the scan gives up on an unknown one).
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
      if (membership !== true) return -1;
      const value = form === undefined ? read(c, element, key) : form(read(c, element, key));
      if (value === null || value === undefined) continue;
      const type = typeof value;
      if (!(type === "string" || type === "boolean" || (type === "number" && (value as number) - (value as number) === 0))) return -1;
      if (size < FEW) {
        let seen = false;
        for (let j = 0; j < size; j++) {
          if (few[j] === value) {
            seen = true;
            break;
          }
        }
        if (!seen) few[size++] = value;
        if (size === FEW) for (let j = 0; j < FEW; j++) many.add(few[j]);
      } else {
        many.add(value);
      }
    }
    if (found !== undefined) {
      const remembered = scans!.remember(list, member);
      for (let i = 0; i < list.length; i++) remembered[i] = found[i]!;
    }
    return size < FEW ? size : many.size;
  } finally {
    if (found !== undefined) found.fill(false, 0, list.length);
    few.fill(undefined, 0, size < FEW ? size : FEW);
    if (size >= FEW) many.clear();
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
