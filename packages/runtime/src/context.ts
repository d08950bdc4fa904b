// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// The evaluation context: read recording for explanations, and case-level lists.

import { type Missing, type Tri, Unknown } from "./logic.js";
import type { IsoDate } from "./calendar.js";
import { type SchemaDescriptor, hasOwn, isPlainObject, ownField } from "./validate.js";
import type { Fact } from "./types.js";

/**
 * Every fact of the case read while tracing, each once: its record and field, the value read, and
 * (built on first use) the `Fact` a trace lists, with its JSON path. Reads are numbered by fact,
 * so a criterion's log holds numbers, every criterion that reads a fact lists the same `Fact`
 * object, and a fact's path is built once per case however many criteria read it. Shared by a
 * context and the contexts it makes with `asOf` (the same case). The tables are written in place
 * from case to case (`size` entries are the case's): emptying an array gives up its storage.
 */
class CaseFacts {
  private readonly records: (object | undefined)[] = [];
  private readonly names: string[] = [];
  private readonly values: unknown[] = [];
  private readonly built: (Fact | undefined)[] = [];
  /** For a built fact, the index of the item under decision when its record was that item, else
   *  -1: the current item's path is its position (an object listed twice has two). */
  private readonly builtAt: number[] = [];
  /** Per fact, its record's entry in `byRecord`. */
  private readonly entries: RecordFacts[] = [];
  private size = 0;
  /** The first FIRST_RECORDS records read in the case and their entries (see `RecordFacts`), in
   *  the order first read: a case's facts mostly lie in a handful of records, found by a scan
   *  quicker than a `Map`'s look-up (and emptied without the new table a `Map` makes when it is
   *  cleared). Their entries are kept from case to case and written again, so that a case's first
   *  records allocate none. Any record after those, in a long history, has its entry in `byRecord`. */
  private readonly firstRecords: (object | undefined)[] = [];
  private readonly firstEntries: (RecordFacts | undefined)[] = [];
  private recordCount = 0;
  private readonly byRecord = new Map<object | undefined, RecordFacts>();
  /** The facts of the last two records read: reads come in runs on one record (an element's
   *  fields), often alternating with the line item's (`procedure.side = item.side`). */
  private lastRecord: object | undefined | null = null;
  private lastFields: RecordFacts | undefined;
  private otherRecord: object | undefined | null = null;
  private otherFields: RecordFacts | undefined;
  /** For each depth of nested logs, the id of the last log there that listed each fact. */
  private readonly marks: number[][] = [];

  /** The number of field `name` of `record` (undefined: `name` is a ready path), registered with
   *  `value` on the first read. */
  numberOf(record: object | undefined, name: string, value: unknown): number {
    let fields: RecordFacts | undefined;
    if (record === this.lastRecord) fields = this.lastFields!;
    else {
      fields = record === this.otherRecord ? this.otherFields! : this.entryOf(record);
      this.otherRecord = this.lastRecord;
      this.otherFields = this.lastFields;
      this.lastRecord = record;
      this.lastFields = fields;
    }
    const end = fields[1];
    for (let i = 2; i < end; i += 2) if (fields[i] === name) return fields[i + 1] as number;
    const fact = this.size++;
    // Every depth's marks have an entry for every fact numbered, so a log marks a fact inside its
    // array: an array written far past its end (1,024 entries in V8; a criterion's read after a
    // let read thousands) becomes a hash table, and every function that reads the marks is
    // deoptimised, for the rest of the process (docs/performance.md, "the trace's growth").
    const marks = this.marks;
    for (let depth = 0; depth < marks.length; depth++) {
      const atDepth = marks[depth];
      if (atDepth !== undefined && atDepth.length <= fact) atDepth.push(0);
    }
    this.records[fact] = record;
    this.entries[fact] = fields;
    this.names[fact] = name;
    // A list (or a malformed value that is an object) is the caller's: the trace keeps a copy taken
    // now, so that changing the case after the evaluation never changes what the trace says was read.
    this.values[fact] = fixedValue(value);
    this.built[fact] = undefined;
    this.builtAt[fact] = -1;
    fields[end] = name;
    fields[end + 1] = fact;
    fields[1] = end + 2;
    return fact;
  }

  /** The entry of `record`, made on its first read in the case. */
  private entryOf(record: object | undefined): RecordFacts {
    const count = this.recordCount;
    const first = this.firstRecords;
    for (let i = 0, scanned = count < FIRST_RECORDS ? count : FIRST_RECORDS; i < scanned; i++) {
      if (first[i] === record) return this.firstEntries[i]!;
    }
    let fields = count > FIRST_RECORDS ? this.byRecord.get(record) : undefined;
    if (fields !== undefined) return fields;
    if (count < FIRST_RECORDS) {
      first[count] = record;
      fields = this.firstEntries[count];
      if (fields === undefined) this.firstEntries[count] = fields = [undefined, 2];
      else {
        // The entry of the case before's record in this place, emptied: its storage is kept.
        fields[0] = undefined;
        fields[1] = 2;
      }
    } else this.byRecord.set(record, (fields = [undefined, 2]));
    this.recordCount = count + 1;
    return fields;
  }

  /**
   * The first `size` facts of `numbers` as a trace lists them: each `Fact` built on first use.
   * `lister` (a criterion, in a case of several line items) names who lists them: when it listed
   * exactly these facts for the previous line item, that array is given again instead of a copy,
   * so that a criterion over the other items (200 facts, the same for most items) keeps one array
   * for them all rather than one per item, which the garbage collector would trace as the
   * determination grows.
   */
  listed(context: Context, numbers: readonly number[], size: number, lister: object | undefined): Fact[] {
    const previous = lister === undefined ? undefined : this.previousLists.get(lister);
    // Undefined while every fact so far is the previous list's, in its place.
    let facts: Fact[] | undefined = previous !== undefined && previous.length === size ? undefined : new Array<Fact>(size);
    const built = this.built;
    const records = this.records;
    const builtAt = this.builtAt;
    const item = context.item;
    const itemIndex = context.itemIndex;
    for (let i = 0; i < size; i++) {
      const fact = numbers[i]!;
      const at = records[fact] === item ? itemIndex : -1;
      const made = built[fact];
      const listed = made !== undefined && builtAt[fact] === at ? made : this.build(context, fact, at);
      if (facts === undefined) {
        if (previous![i] === listed) continue;
        facts = new Array<Fact>(size);
        for (let j = 0; j < i; j++) facts[j] = previous![j]!;
      }
      facts[i] = listed;
    }
    if (facts === undefined) return previous!;
    if (lister !== undefined) this.previousLists.set(lister, facts);
    return facts;
  }

  /** What each lister listed last in this case (see `listed`). */
  private readonly previousLists = new Map<object, Fact[]>();

  /** Fact `fact` built, its path looked up (`at`: the current item's index when its record is that item, else -1). */
  private build(context: Context, fact: number, at: number): Fact {
    const record = this.records[fact];
    const name = this.names[fact]!;
    this.builtAt[fact] = at;
    let path = name;
    if (record !== undefined) {
      // The record's path is looked up once per case; the current item's is its position.
      let base: string;
      if (at >= 0) base = context.pathOf(record);
      else {
        const entry = this.entries[fact]!;
        base = entry[0] ??= context.pathOf(record);
      }
      if (base !== "") path = fieldPath(base, name);
    }
    return (this.built[fact] = { fact: path, value: this.values[fact] });
  }

  /** The marks of logs at `depth` (see `ReadLog.add`): an entry for every fact numbered. */
  marksAt(depth: number): number[] {
    let marks = this.marks[depth];
    if (marks === undefined) {
      marks = this.marks[depth] = [];
      for (let fact = 0; fact < this.size; fact++) marks.push(0);
    }
    return marks;
  }

  clear(): void {
    if (this.previousLists.size > 0) this.previousLists.clear();
    if (this.size === 0) return;
    // What the case read is let go; the tables keep their storage for the next case.
    this.records.fill(undefined, 0, this.size);
    this.values.fill(undefined, 0, this.size);
    this.built.fill(undefined, 0, this.size);
    this.entries.fill(undefined as unknown as RecordFacts, 0, this.size);
    this.size = 0;
    const count = this.recordCount;
    this.firstRecords.fill(undefined, 0, count < FIRST_RECORDS ? count : FIRST_RECORDS);
    if (count > FIRST_RECORDS) this.byRecord.clear();
    this.recordCount = 0;
    this.lastRecord = this.otherRecord = null;
    this.lastFields = this.otherFields = undefined;
  }
}

/** A value of the case as a determination may hold it: itself when it is not an object, else
 *  fixed as it is now (see `captured`). */
export function fixedValue(value: unknown): unknown {
  return typeof value === "object" && value !== null ? captured(value, 0) : value;
}

/** How deep `captured` copies before it takes a value's JSON form instead (a cycle ends there). */
const CAPTURE_DEPTH = 32;

/**
 * A value read from the case, fixed as it is now: arrays and plain objects copied (their own
 * enumerable properties, in order), anything else that is an object (a `Date`, a class instance,
 * an object with its own `toJSON`, or a value nested deeper than CAPTURE_DEPTH) taken in its
 * JSON form. Either way the copy serialises exactly as the value did when it was read. A value
 * without a JSON form (a cycle, a `BigInt`) is kept as it is: the determination cannot be
 * serialised then anyway.
 */
function captured(value: object, depth: number): unknown {
  if (depth < CAPTURE_DEPTH) {
    if (Array.isArray(value)) {
      const copy = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        copy[i] = typeof element === "object" && element !== null ? captured(element, depth + 1) : element;
      }
      return copy;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if ((prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
      // A spread copies the own enumerable properties in order (`__proto__` as a field like any
      // other), the quickest copy of a record; then what it holds that is an object, in turn.
      const copy: Record<string, unknown> = { ...value };
      for (const key in copy) {
        const field = copy[key];
        if (typeof field !== "object" || field === null) continue;
        const fixed = captured(field, depth + 1);
        if (key === "__proto__") Object.defineProperty(copy, key, { value: fixed, enumerable: true, writable: true, configurable: true });
        else copy[key] = fixed;
      }
      return copy;
    }
  }
  try {
    const text = JSON.stringify(value);
    return text === undefined ? value : (JSON.parse(text) as unknown);
  } catch {
    return value;
  }
}

/** How many records of a case `CaseFacts` finds by a scan before it keeps them in a `Map`. */
const FIRST_RECORDS = 16;

/**
 * A record's facts in `CaseFacts`: its JSON path once looked up (the case itself: ``), where its
 * facts end, then its facts' field names and numbers, alternating (a record has a few), up to that
 * end. The entries past it are a record's of an earlier case, whose storage is reused.
 */
type RecordFacts = [path: string | undefined, end: number, ...fields: (string | number)[]];

/** Log ids: every log opened gets a new one, so the marks of `CaseFacts` never need clearing. */
let nextLogId = 1;

/**
 * Reads recorded for one criterion (or one cached let, or one other item's membership), in
 * order, each fact once: the numbers of the case's facts (see `CaseFacts`), in the first `size`
 * entries of `facts` (the array is reused). A log is written only while it is open, at its depth
 * in the stack of open logs, and read (replayed) after.
 */
export class ReadLog {
  readonly facts: number[] = [];
  size = 0;
  /** Set once a read was left out because the log already held `limit` facts. */
  truncated = false;
  id = nextLogId++;
  /** Per fact, the id of the last log at this depth that listed it. */
  private marks: number[];

  /** The log keeps at most `limit` facts; past that, new reads only mark it truncated. */
  constructor(
    readonly table: CaseFacts,
    depth: number,
    readonly limit = Infinity,
  ) {
    this.marks = table.marksAt(depth);
  }

  /** Empty again, to be written at `depth`: a new id makes every earlier mark stale. */
  reset(depth: number): void {
    this.size = 0;
    this.truncated = false;
    this.marks = this.table.marksAt(depth);
    this.id = nextLogId++;
  }

  /** Whether the log holds all it may: further new reads only mark it truncated. */
  get full(): boolean {
    return this.size >= this.limit;
  }

  add(fact: number): void {
    const marks = this.marks;
    if (marks[fact] === this.id) return;
    marks[fact] = this.id;
    // Full: a new read is left out.
    if (this.size >= this.limit) this.truncated = true;
    else this.facts[this.size++] = fact;
  }

  /** Every read of `log`, in its order, after this log's own: `add` of each, until one is left
   *  out; truncated too when `log` was. */
  addAll(log: ReadLog): void {
    this.addRange(log.facts, 0, log.size, log.truncated);
  }

  /** `addAll` of the reads `from[start]` to `from[end - 1]`, which left one out when `truncated`. */
  addRange(from: readonly number[], start: number, end: number, truncated: boolean): void {
    // `add` for each, with the log's fields in locals: lets are replayed into every criterion.
    const marks = this.marks;
    const id = this.id;
    const facts = this.facts;
    const limit = this.limit;
    let size = this.size;
    let full = false;
    for (let i = start; i < end; i++) {
      const fact = from[i]!;
      if (marks[fact] === id) continue;
      marks[fact] = id;
      if (size >= limit) {
        // Full: a new read is left out, and so would every new one after it.
        full = true;
        break;
      }
      facts[size++] = fact;
    }
    this.size = size;
    this.truncated = this.truncated || full || truncated;
  }
}

/**
 * The reads of each line item's membership kept by `Context.withReadsKept`, one item's after
 * another's in one array (item i's are `facts[starts[i]]` up to `facts[starts[i + 1]]`), for a
 * per-case table of every item's membership (others.ts) to replay. One array rather than a log per
 * item: a table of thousands of items then keeps no object per item, which the garbage collector
 * copied and marked while the determination grew. Written in place from case to case.
 */
export class ItemReads {
  readonly facts: number[] = [];
  readonly starts: number[] = [0];
  /** Per item, whether its log left a read out. */
  readonly truncated: boolean[] = [];
  /** How many items' reads are kept: the next kept are item `size`'s. */
  size = 0;

  /** `log`'s reads, as the next item's. */
  keep(log: ReadLog): void {
    const item = this.size++;
    const facts = this.facts;
    let at = this.starts[item]!;
    for (let i = 0; i < log.size; i++) facts[at++] = log.facts[i]!;
    this.starts[item + 1] = at;
    this.truncated[item] = log.truncated;
  }

  clear(): void {
    this.size = 0;
  }
}

/** Cached values by slot, each with the stamp saying whom it belongs to and the reads it made. */
class SlotTable {
  readonly values: unknown[] = [];
  readonly stamps: number[] = [];
  readonly reads: ReadLog[] = [];
}

/** The most facts a criterion's trace lists; it says when it left some out. */
export const MAX_FACTS = 200;

/**
 * Each element's membership of a list under one membership function, for the current line item:
 * remembered by an aggregate that tests every element (`count`, `latest`, `sum`, `coverage`), so
 * that the next aggregate over the same list and membership function (`no`, `some`, another
 * `latest`) reads them instead of testing every element again. Generated modules pass the same
 * module-level function for the same membership, so `count tp_same_muscle <= 5` and
 * `no tp_same_muscle or ...` share one pass. With a trace, read only while no read is recorded
 * (a trace lists each criterion's own reads; see `usable`); dropped with every line item, since a
 * membership may read the item.
 */
let nextGeneration = 0;

export class Scans {
  private readonly lists: (readonly unknown[] | undefined)[] = [];
  private readonly members: unknown[] = [];
  private readonly memberships: Tri[][] = [];
  private size = 0;
  /** False while a trace records reads (see `Context.scans`): memberships are remembered, not read. */
  usable = true;
  /** Says whose memberships these are: a new number with every `clear`, unique in the process, so
   *  that what a `ListScan` worked out is known to be this line item's. */
  generation = nextGeneration++;

  /** The memberships of `list`'s elements under `member`, if an aggregate remembered them. */
  find(list: readonly unknown[], member: unknown): readonly Tri[] | undefined {
    if (!this.usable) return undefined;
    for (let i = 0; i < this.size; i++) {
      if (this.lists[i] === list && this.members[i] === member) return this.memberships[i];
    }
    return undefined;
  }

  /**
   * The array an aggregate writes the membership of `list[i]` under `member` into, at `i`, for
   * every element. Arrays are reused from item to item; one may be longer than this list, and
   * only the first `list.length` entries are read.
   */
  remember(list: readonly unknown[], member: unknown): Tri[] {
    const i = this.size++;
    this.lists[i] = list;
    this.members[i] = member;
    let memberships = this.memberships[i];
    if (memberships === undefined) this.memberships[i] = memberships = [];
    return memberships;
  }

  clear(): void {
    this.generation = nextGeneration++;
    for (let i = 0; i < this.size; i++) {
      this.lists[i] = undefined;
      this.members[i] = undefined;
    }
    this.size = 0;
  }
}

/**
 * A few lists, by identity, in a table kept from case to case: emptied by writing over its
 * entries, since emptying an array (`length = 0`) gives up its storage, which the next case
 * would allocate again.
 */
export class Lists {
  private readonly lists: (readonly unknown[] | undefined)[] = [];
  private size = 0;

  has(list: readonly unknown[]): boolean {
    for (let i = 0; i < this.size; i++) if (this.lists[i] === list) return true;
    return false;
  }

  add(list: readonly unknown[]): void {
    this.lists[this.size++] = list;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.lists[i] = undefined;
    this.size = 0;
  }
}

/** What a case or line item that is not an object reads as: a record without fields. */
const NO_RECORD: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** The line items of a case without a list of them. */
const NO_ITEMS: readonly Record<string, unknown>[] = Object.freeze([]);

/**
 * One evaluation: the case, the item under decision, memoised lets and (optionally) a trace of reads.
 * Cached lets are dropped for every line item (a let that does not mention `item` is then
 * recomputed once per item: cheap, and it keeps the cache free of dependency bookkeeping).
 */
export class Context {
  /** The open logs, innermost last, in the first `openLogs` entries: the criterion's log, then
   *  one per cached let being computed. `log` is the innermost, where reads go. */
  private readonly readLogs: ReadLog[] = [];
  private openLogs = 0;
  private log: ReadLog | undefined;
  /** The facts of the case read while tracing (see `CaseFacts`). */
  private facts = new CaseFacts();
  /** The criterion's log, reused from criterion to criterion. */
  private criterionLog: ReadLog | undefined;
  private otherItemsCache: readonly Record<string, unknown>[] | undefined;
  private paths: Map<object, string> | undefined;

  /** Whether the schema's line items have a `code` of type code (a checked schema's always do):
   *  then a code that is not blank is what the item's code read gives, taken as it is by `codeOf`. */
  get itemCodeIsCode(): boolean {
    return (this.itemCodeIsCodeCache ??= ownField(hasOwn(this.schema.records, "item") ? this.schema.records.item : undefined, "code")?.type === "code");
  }
  private itemCodeIsCodeCache: boolean | undefined;

  /** The case; anything else that skipped validation (`null`, a string, a list) reads as `{}`. */
  input: Record<string, unknown> = NO_RECORD;

  constructor(
    readonly schema: SchemaDescriptor,
    input: Record<string, unknown>,
    readonly tracing: boolean,
  ) {
    this.beginCase(input);
  }

  /**
   * Start evaluating another case with this context: everything cached for the previous case is
   * dropped. A context is reused from case to case (see `determine.ts`), so a decision allocates
   * no context, tables or caches of its own.
   */
  beginCase(input: Record<string, unknown>): void {
    this.endCase();
    this.startCase(input);
  }

  /**
   * `beginCase` on a context whose last case `endCase` already let go (an idle context of the
   * entry points): only what `endCase` leaves is set here. Cached values need no clearing: the
   * new stamps make every one of them stale.
   */
  startCase(input: Record<string, unknown>): void {
    const record = isPlainObject(input) ? input : NO_RECORD;
    this.input = record;
    // Read once per case: cases of different shapes make every load from `input` a slow one.
    this.caseDos = record.date_of_service;
    const items = record.items;
    this.caseItems = Array.isArray(items) ? (items as Record<string, unknown>[]) : NO_ITEMS;
    this.caseStamp++;
    this.generation++;
    this.itemIndex = 0;
    this.cutoff = undefined;
    this.pathsAsked = 0;
    this.closeLogs();
    this.readsTruncated = false;
  }

  /** The date of service: the case's, or the earlier date this context evaluates as of. */
  get dos(): IsoDate {
    return this.cutoff ?? (this.caseDos as IsoDate);
  }
  /** The case's `date_of_service` and `items` (see `items`), as `beginCase` read them. */
  private caseDos: unknown;
  private caseItems: readonly Record<string, unknown>[] = NO_ITEMS;

  /**
   * Let go of the case once evaluated: an idle context does not hold on to it. What `startCase`
   * sets in any case (stamps, logs, counters) is left for it.
   */
  endCase(): void {
    this.input = NO_RECORD;
    this.caseDos = undefined;
    this.caseItems = NO_ITEMS;
    this.item = NO_RECORD;
    this.otherItemsCache = undefined;
    this.earlierItemsCache = undefined;
    if (this.decided.length !== 0) this.decided.length = 0;
    this.paths = undefined;
    this.facts.clear();
    this.listsOfRecords.clear();
    if (this.itemPositions !== undefined && this.itemPositions.size > 0) this.itemPositions.clear();
    this.memberScans?.clear();
  }

  /**
   * Set in a context made by `asOf`: the earlier date it evaluates as of. It is the date of
   * service there, and the case's history ends before it (see `cut`).
   */
  cutoff: IsoDate | undefined;

  /**
   * The same case as of an earlier date: the date of service set to `date` and its history cut
   * there, for `rule as of date`. Its lets and windows are its own; its reads are recorded in the
   * trace of the criterion being evaluated.
   */
  asOf(date: IsoDate): Context {
    const child = new Context(this.schema, this.input, this.tracing);
    child.cutoff = date;
    // The same logs: its reads go into the trace of the criterion being evaluated.
    for (let i = 0; i < this.openLogs; i++) child.pushLog(this.readLogs[i]!);
    child.facts = this.facts;
    child.paths = this.paths;
    return child;
  }

  /**
   * Set when only outcomes are wanted (never with `tracing`): a missing fact then reads as an
   * unknown that names no fact (`UNNAMED`), with no path built for it.
   */
  outcomeOnly = false;

  /**
   * Memberships remembered for the current item (see `Scans`); only given by the entry points of
   * compiled modules, whose membership functions are the same objects from call to call. A
   * context that traces remembers them always but reads them only while no read is being
   * recorded (the values its trace shows, rule applicability): a criterion's trace lists its own
   * reads, so it scans for itself, and the values shown after it read what it worked out.
   */
  get scans(): Scans | undefined {
    const scans = this.memberScans;
    if (scans !== undefined && this.tracing) scans.usable = this.log === undefined;
    return scans;
  }
  set scans(scans: Scans | undefined) {
    this.memberScans = scans;
  }
  private memberScans: Scans | undefined;

  /** The line item under decision, and its index. */
  item: Record<string, unknown> = NO_RECORD;
  itemIndex = 0;

  /** The case's line items (empty when absent, which a valid case never is). */
  get items(): readonly Record<string, unknown>[] {
    return this.caseItems;
  }

  /**
   * What the policy decided for each line item before the current one, in request order:
   * `determine` and `decideOutcomes` add each item's outcome (and, when pended, the facts it
   * waits for) once it is decided. `earlier_items` reads them.
   */
  readonly decided: { outcome: string; missing: readonly Missing[]; standing?: Tri }[] = [];

  /** The requested line items listed before the current one. */
  get earlierItems(): readonly Record<string, unknown>[] {
    return this.earlierItemsCache ??= this.items.slice(0, this.itemIndex);
  }
  private earlierItemsCache: readonly Record<string, unknown>[] | undefined;

  /**
   * The position of a line item in the case's items (the first, should one object be listed
   * twice), or -1: `items.indexOf(item)` without a scan per question, from a table built on the
   * first question of a case, so asking about every earlier item of every item stays linear.
   */
  indexOfItem(item: unknown): number {
    if (typeof item !== "object" || item === null) return this.items.indexOf(item as Record<string, unknown>);
    let positions = this.itemPositions;
    if (positions === undefined || this.itemPositionsOf !== this.caseStamp) {
      positions = this.itemPositions ??= new Map();
      positions.clear();
      const items = this.items;
      for (let index = items.length - 1; index >= 0; index--) positions.set(items[index], index);
      this.itemPositionsOf = this.caseStamp;
    }
    return positions.get(item) ?? -1;
  }
  private itemPositions: Map<unknown, number> | undefined;
  private itemPositionsOf = -1;

  /** Requested line items other than the current one. */
  get otherItems(): readonly Record<string, unknown>[] {
    if (this.otherItemsCache === undefined) {
      this.otherItemsCache = this.items.filter((_, index) => index !== this.itemIndex);
    }
    return this.otherItemsCache;
  }

  /**
   * The value of a let, computed at most once per line item. Each let owns a slot number (fixed
   * when a module is compiled, or by the lowering for the interpreter) and a `compute` function,
   * so a hit allocates nothing; a slot belongs to the current item when its stamp is the current
   * item's generation.
   */
  cached<T>(slot: number, compute: (context: Context) => T): T {
    return this.lookup(this.itemSlots, slot, this.generation, compute);
  }

  /**
   * A value that is the same for every line item of the case (a let that reads no item): cached
   * in its own slot for the whole evaluation, with its reads replayed like `cached`.
   */
  cachedForCase<T>(slot: number, compute: (context: Context) => T): T {
    return this.lookup(this.caseSlots, slot, this.caseStamp, compute);
  }

  private readonly itemSlots = new SlotTable();
  private readonly caseSlots = new SlotTable();
  /** Stamps of the current item's and the current case's slots; both only ever grow. */
  private generation = 0;
  private caseStamp = 0;

  /** The slot's value if its stamp is `stamp`; else computed, with its reads kept for replay. */
  private lookup<T>(table: SlotTable, slot: number, stamp: number, compute: (context: Context) => T): T {
    if (table.stamps[slot] === stamp) {
      if (this.tracing) this.replay(table.reads[slot]!);
      return table.values[slot] as T;
    }
    let value: T;
    if (!this.tracing) {
      value = compute(this);
    } else {
      // The slot's log of an earlier item or case is stale: it is written again.
      const log = this.openLog(table.reads[slot]);
      try {
        value = compute(this);
      } finally {
        this.popLog();
      }
      table.reads[slot] = log;
      this.replay(log);
    }
    table.values[slot] = value;
    table.stamps[slot] = stamp;
    return value;
  }

  /** A read log for a let being computed, innermost (`reuse`, emptied, when given); the caller pops it. */
  private openLog(reuse?: ReadLog): ReadLog {
    // A let's reads are replayed into criteria that list at most MAX_FACTS: it keeps no more.
    const depth = this.openLogs;
    let log = reuse;
    if (log !== undefined && log.table === this.facts) log.reset(depth);
    else log = new ReadLog(this.facts, depth, MAX_FACTS);
    this.pushLog(log);
    return log;
  }

  private pushLog(log: ReadLog): void {
    this.readLogs[this.openLogs++] = log;
    this.log = log;
  }

  private popLog(): void {
    this.openLogs--;
    this.log = this.openLogs === 0 ? undefined : this.readLogs[this.openLogs - 1];
  }

  private closeLogs(): void {
    this.openLogs = 0;
    this.log = undefined;
  }

  /** A cached let's reads, recorded again for the criterion (or let) using it. */
  private replay(reads: ReadLog): void {
    const log = this.log;
    if (log !== undefined) log.addAll(reads);
  }

  /** Start the next line item: drops the cached lets. */
  beginItem(index: number): void {
    this.itemIndex = index;
    const item = this.caseItems[index];
    this.item = isPlainObject(item) ? item : NO_RECORD;
    this.generation++;
    this.memberScans?.clear();
    this.otherItemsCache = undefined;
    this.earlierItemsCache = undefined;
  }

  /**
   * Start recording reads for one criterion; `endReads` returns them in order, deduplicated, at
   * most MAX_FACTS of them (`readsTruncated` then says some were left out), so that the trace of a
   * criterion over a long history or many line items stays small.
   */
  beginReads(): void {
    this.closeLogs();
    let log = this.criterionLog;
    if (log !== undefined && log.table === this.facts) log.reset(0);
    else log = this.criterionLog = new ReadLog(this.facts, 0, MAX_FACTS);
    this.pushLog(log);
    this.readsTruncated = false;
  }

  /** Working space of the decision procedure (each rule's applicability), kept with the context
   *  so that a reused context brings its own. */
  readonly scratch: unknown[] = [];

  /** Per-case tables of every line item's membership (others.ts), by slot; each belongs to the
   *  case whose `caseStamp` it holds, so a reused context reuses them. */
  readonly sharedTables: unknown[] = [];

  /** The stamp of the case under evaluation (see `sharedTables`). */
  get currentCase(): number {
    return this.caseStamp;
  }

  /** The case's lists found to hold only records, during this evaluation (see `list`): a case
   *  has a handful of lists, so a scan by identity beats a set. */
  readonly listsOfRecords = new Lists();

  /** Whether the last `endReads` left reads out. */
  readsTruncated = false;

  /** The facts read since `beginReads`; `lister` names the criterion that read them, so that it
   *  shares one array across line items when it lists the same facts (see `CaseFacts.listed`). */
  endReads(lister?: object): Fact[] {
    const log = this.openLogs === 0 ? undefined : this.readLogs[0];
    this.closeLogs();
    if (log === undefined) return [];
    this.readsTruncated = log.truncated;
    return this.facts.listed(this, log.facts, log.size, lister);
  }

  /**
   * `compute(record, this)`, with its reads kept in `kept`, as its next item's, instead of the
   * current log (nothing kept when not tracing), for `replayKept`.
   */
  withReadsKept<T>(compute: (record: Record<string, unknown>, context: Context) => T, record: Record<string, unknown>, kept: ItemReads): T {
    if (!this.tracing) return compute(record, this);
    // One log per depth, written again for every item: its reads are copied into `kept`.
    const depth = this.openLogs;
    const log = (this.keptLogs[depth] = this.openLog(this.keptLogs[depth]));
    try {
      return compute(record, this);
    } finally {
      this.popLog();
      kept.keep(log);
    }
  }
  private readonly keptLogs: ReadLog[] = [];

  /**
   * Item `item`'s reads kept in `kept`, recorded again in the current log; false once the log is
   * full and has left a read out, so that more replays could change nothing. A full log that
   * left nothing out goes on: the reads replayed next may all be listed already (the same reads
   * replayed again), and it is truncated only when one of them is not.
   */
  replayKept(kept: ItemReads, item: number): boolean {
    const log = this.log;
    if (log === undefined) return false;
    log.addRange(kept.facts, kept.starts[item]!, kept.starts[item + 1]!, kept.truncated[item]!);
    return !(log.full && log.truncated);
  }

  /** A read whose path is already known; reads outside `beginReads`/`endReads` are dropped. */
  recordRead(fact: Fact): void {
    const log = this.log;
    if (log !== undefined) log.add(this.facts.numberOf(undefined, fact.fact, fact.value));
  }

  /** Called by `field` and `list` when tracing: field `name` of `record` (a record of the case)
   *  read as `value` (null when absent). */
  recordField(record: object, name: string, value: unknown): void {
    const log = this.log;
    if (log !== undefined) log.add(this.facts.numberOf(record, name, value));
  }

  /** The JSON path of a record of the case (`` for the case itself, `items[1]`, `procedures[3]`). */
  pathOf(record: object): string {
    if (record === this.input) return "";
    if (record === this.item) return elementPath("items", this.itemIndex);
    // A value that is no record (`5` in a list of records, in a case that skipped validation) has
    // no path: the index holds records only, and a search of the lists finds any equal value. So
    // its path is the same whichever way it is looked up, however many were looked up before.
    if (typeof record !== "object" || record === null) return "?";
    if (this.paths === undefined && this.pathsAsked < FEW_PATHS && (this.caseLists ??= caseListsOf(this.schema)) !== NESTED) {
      // A trace names a few records of a case: found in the case's lists (in the order the index
      // visits them, so a record listed twice gets the same path) without indexing every element.
      this.pathsAsked++;
      const lists = this.caseLists;
      for (let l = 0; l < lists.length; l++) {
        const name = lists[l]![0];
        const elements = this.input[name];
        if (!Array.isArray(elements)) continue;
        const index = elements.indexOf(record);
        if (index >= 0) return elementPath(name, index);
      }
      return "?";
    }
    this.paths ??= this.indexPaths();
    return this.paths.get(record) ?? "?";
  }
  /** Paths looked up by a scan of the case's lists since the case began; past FEW_PATHS, the index. */
  private pathsAsked = 0;
  /** The case's list fields when no list nests in another (NESTED when one does): fixed by the schema. */
  private caseLists: ListFieldsOfRecord | undefined;

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

/** `name[index]`, kept from case to case: every case's trace names `procedures[0]` again. */
const ELEMENT_PATHS = new Map<string, string[]>();

function elementPath(name: string, index: number): string {
  let paths = ELEMENT_PATHS.get(name);
  if (paths === undefined) {
    // A schema has a handful of lists; past 64 names (many schemas in one process), build each.
    if (ELEMENT_PATHS.size >= 64 || index >= 1024) return name + "[" + index + "]";
    ELEMENT_PATHS.set(name, (paths = []));
  }
  if (index >= 1024) return name + "[" + index + "]";
  return (paths[index] ??= name + "[" + index + "]");
}

/** `base.name`, kept from case to case: every case's trace names `procedures[0].date` again. */
const FIELD_PATHS = new Map<string, Map<string, string>>();

function fieldPath(base: string, name: string): string {
  let paths = FIELD_PATHS.get(base);
  if (paths === undefined) {
    // Bounded: a long history's elements past the first few thousand have their paths built.
    if (FIELD_PATHS.size >= 4096) return base + "." + name;
    FIELD_PATHS.set(base, (paths = new Map()));
  }
  let path = paths.get(name);
  if (path === undefined) {
    path = base + "." + name;
    if (paths.size < 256) paths.set(name, path);
  }
  return path;
}

/** Past this many paths asked for in one case, every element of the case is indexed. */
const FEW_PATHS = 16;

const nestedListsBySchema = new WeakMap<SchemaDescriptor, boolean>();

/** Whether a record other than the case has a list field (so the case's lists nest). */
function hasNestedLists(schema: SchemaDescriptor): boolean {
  let nested = nestedListsBySchema.get(schema);
  if (nested === undefined) {
    nested = false;
    for (const [name, lists] of listFieldsOf(schema)) if (name !== "case" && lists.length > 0) nested = true;
    nestedListsBySchema.set(schema, nested);
  }
  return nested;
}

/** A record's list fields as [field, element record]. */
type ListFieldsOfRecord = readonly (readonly [string, string])[];

/** Each record's list fields; the case's `items` first. */
type ListFields = Map<string, ListFieldsOfRecord>;

/** What `caseListsOf` gives for a schema whose lists nest. */
const NESTED: ListFieldsOfRecord = Object.freeze([]);

/** The case's list fields, or NESTED when a record other than the case has a list field. */
function caseListsOf(schema: SchemaDescriptor): ListFieldsOfRecord {
  return hasNestedLists(schema) ? NESTED : listFieldsOf(schema).get("case")!;
}

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
