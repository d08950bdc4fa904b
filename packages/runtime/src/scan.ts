// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Several aggregates of one membership of a list of the case, worked out in one pass. A policy's
// conditions ask `count distinct date of therapeutic_tpi`, `no therapeutic_tpi` and `latest
// therapeutic_tpi` of the same prior procedures; asked one by one, each is its own pass that tests
// the elements again (or reads the memberships another remembered) and reads their dates again. A
// `ListScan` (chosen by the lowering: `scan` of aggregates in the compiler's lowered form) answers
// them together: the first one asked for a line item runs one pass that tests each element once
// and reads each member's date once, keeping the count, the latest and earliest member and the
// distinct dates; the others read those.
//
// The pass is the fast path, exact when every fact it meets is known: an unknown list, an unknown
// membership or a member whose date is unknown or malformed leaves the aggregates to the general
// functions (`count`, `some`, `latest`, `earliest`, `countDistinct`), called exactly as the unfused
// code would call them. It never runs with a trace (a criterion's trace lists its own reads), nor
// in a context without `Context.scans` (set only by the entry points).

import { type Range, type Tri, Unknown, not } from "./logic.js";
import { type FieldHandle, latest as latestOf, earliest as earliestOf, list as listOf, read, type Row } from "./access.js";
import { count as countOf, type Member, some as someOf } from "./aggregates.js";
import { countDistinctOf, DistinctValues } from "./selection.js";
import type { Context, Scans } from "./context.js";
import type { CaseList } from "./candidates.js";

/**
 * The aggregates over one list of the case of one membership. Every method answers exactly what
 * the general aggregate of the same name answers (`count(list, member, c)`, `latest(c, list,
 * member, date)`, ...): from the pass when it could settle it, else from that general aggregate.
 */
export class ListScan {
  /** Whose pass the totals are: a `Scans`' generation (one per line item of an evaluation). */
  private generation = -1;
  /** False when the pass met something only the general path settles (an unknown list, membership
   *  or member's date). */
  private known = false;
  private members = 0;
  private latestMember: Row | null = null;
  private latestDate = "";
  private earliestMember: Row | null = null;
  private earliestDate = "";
  /** The members' distinct dates (a valid date is one string per day). */
  private readonly dates = new DistinctValues();
  /** Each element's membership during a pass; entries past the list's length are stale (kept
   *  from pass to pass: emptying an array gives up its storage). */
  private readonly memberships: Tri[] = [];

  /**
   * `list`: the case's list field, or the elements of it the membership could hold
   * (`candidates`); `date`: its records' date field (for `latest`, `earliest` and `count
   * distinct` of the date), if they have one; `member`: the membership.
   */
  constructor(
    private readonly list: FieldHandle | CaseList,
    private readonly date: FieldHandle | undefined,
    private readonly member: Member<Context>,
  ) {}

  /** `count L`. */
  count(c: Context): number | Range {
    return this.settled(c) ? this.members : countOf(this.elements(c), this.member, c);
  }

  /** `some L`. */
  some(c: Context): Tri {
    return this.settled(c) ? this.members > 0 : someOf(this.elements(c), this.member, c);
  }

  /** `no L`. */
  none(c: Context): Tri {
    return this.settled(c) ? this.members === 0 : not(someOf(this.elements(c), this.member, c));
  }

  /** `latest L`: the member with the latest date (ties: the later in the list). */
  latest(c: Context): Row | null | Unknown {
    return this.settled(c, true) ? this.latestMember : latestOf(c, this.elements(c), this.member, this.date!);
  }

  /** `earliest L`: the member with the earliest date (ties: the later in the list). */
  earliest(c: Context): Row | null | Unknown {
    return this.settled(c, true) ? this.earliestMember : earliestOf(c, this.elements(c), this.member, this.date!);
  }

  /** `count distinct date of L`. */
  countDistinct(c: Context): number | Range {
    if (this.settled(c, true)) return this.dates.size;
    return countDistinctOf(c, this.elements(c), this.member, this.date!, undefined);
  }

  /** The list, read as the general aggregates read it. */
  private elements(c: Context): readonly Row[] | Unknown {
    return typeof this.list === "function" ? this.list(c) : listOf(c, this.list);
  }

  /**
   * Whether the totals are this line item's and settled, passing over the list first when they
   * are not this line item's. Never with a trace or without `Context.scans` (the entry points'
   * contexts have them); `dated`: only with the date field.
   */
  private settled(c: Context, dated = false): boolean {
    const scans = c.tracing ? undefined : c.scans;
    if (scans === undefined || (dated && this.date === undefined)) return false;
    if (this.generation !== scans.generation) {
      this.pass(c, scans);
      // Stamped once the pass is through: a membership that throws leaves no totals behind.
      this.generation = scans.generation;
    }
    return this.known;
  }

  /**
   * One pass over the list: the membership tested once per element (or read, when another
   * aggregate remembered it for this item), a member's date read once. When it meets what only
   * the general path settles, it still tests every element and remembers the memberships for the
   * item (`Scans`), so that the general aggregates called next read them instead of testing each
   * element again.
   */
  private pass(c: Context, scans: Scans): void {
    this.known = false;
    this.members = 0;
    this.latestMember = this.earliestMember = null;
    this.latestDate = this.earliestDate = "";
    this.dates.clear();
    const list = this.elements(c);
    if (list instanceof Unknown) return;
    const { member, date: dateField } = this;
    const known = scans.find(list, member);
    const memberships = this.memberships;
    let settles = true;
    for (let i = 0; i < list.length; i++) {
      const element = list[i]!;
      const membership = known !== undefined ? known[i]! : member(element, c);
      memberships[i] = membership;
      if (membership === false || !settles) continue;
      // Unknown: the general path answers.
      if (membership !== true) {
        settles = false;
        continue;
      }
      this.members++;
      if (dateField === undefined) continue;
      // A date field's read gives a valid date or an unknown (absent, malformed): the general path's.
      const date = read(c, element, dateField);
      if (typeof date !== "string") {
        settles = false;
        continue;
      }
      // `>=` / `<=`: on equal dates the later element replaces the earlier one.
      if (this.latestMember === null || date >= this.latestDate) {
        this.latestMember = element;
        this.latestDate = date;
      }
      if (this.earliestMember === null || date <= this.earliestDate) {
        this.earliestMember = element;
        this.earliestDate = date;
      }
      this.dates.add(date);
    }
    this.known = settles;
    // What the general aggregates will ask again, worked out once.
    if (!settles && known === undefined) {
      const remembered = scans.remember(list, member);
      for (let i = 0; i < list.length; i++) remembered[i] = memberships[i]!;
    }
  }
}
