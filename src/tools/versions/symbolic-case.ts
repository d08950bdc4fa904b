// The symbolic case both versions of a policy are encoded over: a date of service, the line item
// under decision, up to `bounds.items` other line items, and each list field of the case as
// either missing (unknown) or up to `bounds.list` elements. Every field of every record is a pair
// of solver variables, made on first read: whether the case supplies it, and its value. Fields no
// version reads never appear, so a counterexample holds only the facts that matter.
//
// Values: dates are day numbers (days since 1970-01-01), numbers and percents are reals (percents
// within 0-100, as a valid case holds them), fixed durations whole days, booleans booleans, and
// every text, code and enum member an id in one string table shared by both versions: the
// literals and enum members of both, the codes of both versions' code sets, and fresh ids for
// any other text.

import type { Arith, Bool, Model } from "z3-solver";
import { CodeSet, normaliseCode, normaliseText } from "@pol/runtime";
import type { LoweredCodeSet, SchemaModel, Type } from "../../index.js";
import { dayNumberOf, isoDateOf, MonthTable, monthsOf, yearsFrom, type Interval } from "./calendar.js";
import type { Z3 } from "./solver.js";

export type A = Arith<"main">;
export type B = Bool<"main">;

import type { Bounds } from "./bounds.js";

export { DEFAULT_BOUNDS, type Bounds } from "./bounds.js";

/** The dates the solver may pick: dates of service, and facts (dated up to 5 years before the
 *  first date of service and a year after the last). */
export interface DateRange {
  first: number;
  last: number;
}

/** A proposed version with no date at all is compared around this one (docs/versions.md). */
const UNDATED_ANCHOR = "2025-01-01";

/**
 * Dates of service from a year before the earliest effective date to two years after the latest
 * (`effective` dates of the versions; for proposed versions, which have none, their expiry dates,
 * else a fixed anchor).
 */
export function serviceDates(versions: readonly { effective?: string; expires?: string }[]): DateRange {
  const effective = versions.flatMap((v) => (v.effective === undefined ? [] : [v.effective]));
  const expires = versions.flatMap((v) => (v.expires === undefined ? [] : [v.expires]));
  const anchors = effective.length > 0 ? effective : expires.length > 0 ? expires : [UNDATED_ANCHOR];
  const days = anchors.map(dayNumberOf);
  return { first: yearsFrom(Math.min(...days), -1), last: yearsFrom(Math.max(...days), 3) - 1 };
}

/** A month index and the day of the month; `months`: the month indices `month` can take. */
export interface Parts {
  month: A;
  day: A;
  months: Interval;
}

/** A month index with the month indices it can take. */
export type MonthTerm = Pick<Parts, "month" | "months">;


export type FieldSort = "bool" | "num" | "days" | "date" | "str" | "values";

export interface FieldVar {
  record: string;
  field: string;
  type: Type;
  sort: FieldSort;
  known: B;
  /** Bool for `bool`, Int for `date`, `days` and `str`, Real for `num`; for `values` (a list of
   *  codes, texts or enum members) its length. */
  value: A | B;
  /** For `values`: the ids of its elements, as many as the lists' bound (those before the length count). */
  elements?: A[];
}

/** One record of the case: the case itself, a line item, or an element of a list field. */
export class Slot {
  private readonly fields = new Map<string, FieldVar>();

  constructor(
    private readonly owner: SymbolicCase,
    readonly record: string,
    /** The JSON path of the record in a case, for variable names and extraction. */
    readonly path: string,
    /** Whether the record exists: always for the case and the item under decision. */
    readonly exists: B,
  ) {}

  field(name: string): FieldVar {
    let entry = this.fields.get(name);
    if (entry === undefined) {
      entry = this.owner.makeField(this, name);
      this.fields.set(name, entry);
    }
    return entry;
  }

  /** The fields made so far, in the order they were first read. */
  readFields(): FieldVar[] {
    return [...this.fields.values()];
  }
}

/** Which of a model's facts a case keeps: the facts left out, each list field's length (undefined:
 *  not supplied), how many other line items, and the position of the one under decision. */
export interface CaseShape {
  dropped: Set<FieldVar>;
  lists: Map<string, number | undefined>;
  others: number;
  position: number;
}

export interface SymbolicList {
  field: string;
  record: string;
  /** Whether the case supplies the list at all. */
  known: B;
  length: A;
  slots: Slot[];
  /** Whether each slot is an element of this list, when that is more than the slot existing
   *  (`earlier_items`: the other line items listed before the one under decision). */
  present?: B[];
}

/** Whether the list's `i`th slot is an element of it. */
export function presentIn(list: SymbolicList, i: number): B {
  return list.present?.[i] ?? list.slots[i]!.exists;
}

export class SymbolicCase {
  readonly dos: A;
  readonly caseSlot: Slot;
  readonly item: Slot;
  readonly others: SymbolicList;
  /** How many of the other line items come before the one under decision in the case. */
  readonly position: A;
  private readonly lists = new Map<string, SymbolicList>();
  /** Side conditions every model must satisfy: ranges and calendar decompositions. */
  readonly constraints: B[] = [];
  private readonly strings = new Map<string, number>();
  private readonly stringList: string[] = [];
  private codeIds: number[] = [];

  readonly factDates: DateRange;

  constructor(
    readonly z3: Z3,
    readonly schema: SchemaModel,
    readonly bounds: Bounds,
    readonly serviceDates: DateRange,
  ) {
    this.factDates = { first: yearsFrom(serviceDates.first, -5), last: yearsFrom(serviceDates.last, 2) - 1 };
    this.months = new MonthTable(z3);
    this.dos = z3.Int.const("date_of_service");
    this.constraints.push(this.dos.ge(serviceDates.first), this.dos.le(serviceDates.last));
    this.caseSlot = new Slot(this, "case", "", z3.Bool.val(true));
    this.item = new Slot(this, "item", "items[0]", z3.Bool.val(true));
    const length = z3.Int.const("items.others");
    this.constraints.push(length.ge(0), length.le(bounds.items));
    this.others = {
      field: "items",
      record: "item",
      known: z3.Bool.val(true),
      length,
      slots: Array.from({ length: bounds.items }, (_, i) => new Slot(this, "item", `items[${i + 1}]`, length.gt(i))),
    };
    this.position = z3.Int.const("items.position");
    this.constraints.push(this.position.ge(0), this.position.le(length));
  }

  /** The id of a text, code or enum member; the same text always gets the same id. */
  stringId(text: string): number {
    let id = this.strings.get(text);
    if (id === undefined) {
      id = this.stringList.length;
      this.stringList.push(text);
      this.strings.set(text, id);
    }
    return id;
  }

  /** Each known text that free-text comparisons see differently (upper case, extra spaces), with
   *  the id of its normalised form; every other id (a fresh text is `text N`) is already normal. */
  normalForms(): [number, number][] {
    const pairs: [number, number][] = [];
    for (const text of [...this.stringList]) {
      const normal = normaliseText(text);
      if (normal !== text) pairs.push([this.stringId(text), this.stringId(normal)]);
    }
    return pairs;
  }

  /** Each known code that code comparisons see differently (lower case, dots), with the id of
   *  its normal form (runtime `normaliseCode`). */
  normalCodeForms(): [number, number][] {
    const pairs: [number, number][] = [];
    for (const text of [...this.stringList]) {
      const normal = normaliseCode(text);
      if (normal !== text) pairs.push([this.stringId(text), this.stringId(normal)]);
    }
    return pairs;
  }

  /** The text an id stands for; an id no literal has is a text unlike every literal. */
  stringOf(id: number): string {
    return id >= 0 && id < this.stringList.length ? this.stringList[id]! : `text ${id}`;
  }

  /** The codes a code field may hold (each with its id): every code the analysis tells apart. */
  setCodes(codes: readonly string[]): void {
    this.codes = [...codes];
    this.codeIds = codes.map((code) => this.stringId(code));
  }

  /** The ids of the codes of the universe that a code set holds, as the runtime decides it. */
  codesIn(set: LoweredCodeSet): number[] {
    const runtimeSet = new CodeSet(set.exact, set.prefixes, set.ranges);
    return this.codes.filter((code) => runtimeSet.has(code)).map((code) => this.stringId(code));
  }

  private codes: string[] = [];

  list(field: string): SymbolicList {
    let entry = this.lists.get(field);
    if (entry === undefined) {
      const type = this.schema.records.get("case")?.fields.get(field)?.type;
      if (type?.kind !== "list") throw new Error(`internal error: \`${field}\` is not a list field of the case`);
      const z3 = this.z3;
      const known = z3.Bool.const(`${field}.known`);
      const length = z3.Int.const(`${field}.length`);
      this.constraints.push(length.ge(0), length.le(this.bounds.list));
      entry = {
        field,
        record: type.element,
        known,
        length,
        slots: Array.from(
          { length: this.bounds.list },
          (_, i) => new Slot(this, type.element, `${field}[${i}]`, z3.And(known, length.gt(i))),
        ),
      };
      this.lists.set(field, entry);
    }
    return entry;
  }

  makeField(slot: Slot, name: string): FieldVar {
    const model = this.schema.records.get(slot.record)?.fields.get(name);
    if (model === undefined) throw new Error(`internal error: unknown field \`${slot.record}.${name}\``);
    const z3 = this.z3;
    const base = slot.path === "" ? name : `${slot.path}.${name}`;
    const known = z3.Bool.const(`${base}?`);
    const type = model.type;
    const sort = sortOf(type);
    let value: A | B;
    switch (sort) {
      case "bool":
        value = z3.Bool.const(base);
        break;
      case "num":
        value = z3.Real.const(base);
        if (type.kind === "percent") this.constraints.push(value.ge(0), value.le(100));
        break;
      case "days":
        value = z3.Int.const(base);
        this.constraints.push(value.ge(0), value.le(100000));
        break;
      case "date":
        value = z3.Int.const(base);
        this.constraints.push(value.ge(this.factDates.first), value.le(this.factDates.last));
        break;
      case "str": {
        const v = z3.Int.const(base);
        value = v;
        this.stringDomain(v, type);
        break;
      }
      case "values": {
        const length = z3.Int.const(`${base}.length`);
        value = length;
        this.constraints.push(length.ge(0), length.le(this.bounds.list));
        const element = type.kind === "values" ? type.element : type;
        const elements = Array.from({ length: this.bounds.list }, (_, i) => z3.Int.const(`${base}[${i}]`));
        for (const v of elements) this.stringDomain(v, element);
        if (slot.record === "item" && name === "code") this.constraints.push(known);
        return { record: slot.record, field: name, type, sort, known, value, elements };
      }
    }
    // The item's code is required by every valid case.
    if (slot.record === "item" && name === "code") this.constraints.push(known);
    return { record: slot.record, field: name, type, sort, known, value };
  }

  /** The ids a text, code or enum member of `type` may take. */
  private stringDomain(v: A, type: Type): void {
    const z3 = this.z3;
    if (type.kind === "enum") {
      const members = this.schema.enums.get(type.name)?.members ?? [];
      this.constraints.push(z3.Or(...members.map((member) => v.eq(this.stringId(member)))));
    } else if (type.kind === "code") {
      this.constraints.push(z3.Or(...this.codeIds.map((id) => v.eq(id))));
    } else {
      this.constraints.push(v.ge(0));
    }
  }

  /** Every list field read so far. */
  readLists(): SymbolicList[] {
    return [...this.lists.values()];
  }

  /** Every fact read so far is documented: every list supplied, every field of every record known. */
  allKnown(): B {
    const z3 = this.z3;
    const terms: B[] = [];
    const slots = [this.caseSlot, this.item, ...this.others.slots, ...this.readLists().flatMap((list) => list.slots)];
    for (const slot of slots) for (const field of slot.readFields()) terms.push(z3.Implies(slot.exists, field.known));
    for (const list of this.readLists()) terms.push(list.known);
    return z3.And(...terms);
  }

  /** How many facts a case supplies: what a minimal counterexample keeps small. */
  size(): A {
    const z3 = this.z3;
    const terms: A[] = [];
    const count = (b: B) => terms.push(z3.If(b, z3.Int.val(1), z3.Int.val(0)) as A);
    const slots = [this.caseSlot, this.item, ...this.others.slots, ...this.readLists().flatMap((list) => list.slots)];
    for (const slot of slots) for (const field of slot.readFields()) count(z3.And(slot.exists, field.known));
    for (const list of this.readLists()) {
      count(list.known);
      terms.push(z3.If(list.known, list.length, z3.Int.val(0)) as A);
    }
    terms.push(this.others.length, this.position);
    return terms.length === 0 ? z3.Int.val(0) : (z3.Sum(terms[0]!, ...terms.slice(1)) as A);
  }

  /** The index of the item under decision in the case a model describes. */
  itemIndex(model: Model<"main">): number {
    return intOf(model, this.position);
  }

  /** The case a model describes, as it stands: every fact the model supplies. */
  shapeOf(model: Model<"main">): CaseShape {
    const lists = new Map<string, number | undefined>();
    for (const list of this.readLists()) lists.set(list.field, isTrue(model, list.known) ? intOf(model, list.length) : undefined);
    return { dropped: new Set(), lists, others: intOf(model, this.others.length), position: this.itemIndex(model) };
  }

  /** The existing records of a case of this shape, with whether each exists. */
  private slotsOf(shape: CaseShape): { slot: Slot; exists: boolean }[] {
    const slots = [
      { slot: this.caseSlot, exists: true },
      { slot: this.item, exists: true },
      ...this.others.slots.map((slot, i) => ({ slot, exists: i < shape.others })),
    ];
    for (const list of this.readLists()) {
      const length = shape.lists.get(list.field);
      slots.push(...list.slots.map((slot, i) => ({ slot, exists: length !== undefined && i < length })));
    }
    return slots;
  }

  /** The facts a case of this shape supplies, each one that could be left out. */
  facts(model: Model<"main">, shape: CaseShape): FieldVar[] {
    return this.slotsOf(shape)
      .filter(({ exists }) => exists)
      .flatMap(({ slot }) => slot.readFields())
      .filter((field) => !shape.dropped.has(field) && isTrue(model, field.known));
  }

  /**
   * Constraints that fix the case to `shape` with the model's values: the same date of service,
   * line items, list lengths and facts, leaving out the dropped ones. Every solver variable of the
   * case is fixed (values of facts left out do not matter), so a check under them only works out
   * what the encoded versions decide for that one case.
   */
  pin(model: Model<"main">, shape: CaseShape): B[] {
    const z3 = this.z3;
    const value = (term: A | B): A | B => model.eval(term, true) as A | B;
    const pins: B[] = [this.dos.eq(value(this.dos) as A), this.others.length.eq(shape.others), this.position.eq(shape.position)];
    for (const list of this.readLists()) {
      const length = shape.lists.get(list.field);
      pins.push(length === undefined ? z3.Not(list.known) : z3.And(list.known, list.length.eq(length)));
    }
    for (const { slot, exists } of this.slotsOf(shape)) {
      if (!exists) continue;
      for (const field of slot.readFields()) {
        const kept = !shape.dropped.has(field) && isTrue(model, field.known);
        pins.push(kept ? z3.And(field.known, (field.value as A).eq(value(field.value) as A)) : z3.Not(field.known));
      }
    }
    return pins;
  }

  /** Constraints that make the case the barest one: the date of service `dos`, one line item with
   *  `code`, and no other fact. */
  bare(dos: number, code: string): B[] {
    const z3 = this.z3;
    const pins: B[] = [this.dos.eq(dos), this.others.length.eq(0), this.position.eq(0)];
    for (const list of this.readLists()) pins.push(z3.Not(list.known));
    for (const slot of [this.caseSlot, this.item]) {
      for (const field of slot.readFields()) {
        const isCode = slot === this.item && field.field === "code";
        pins.push(isCode ? z3.And(field.known, (field.value as A).eq(this.stringId(code))) : z3.Not(field.known));
      }
    }
    return pins;
  }

  /** The case a model describes (or a smaller `shape` of it), as JSON a policy's `validate`
   *  accepts: the other line items in order, the one under decision at the shape's position. */
  extract(model: Model<"main">, shape: CaseShape = this.shapeOf(model)): Record<string, unknown> {
    const json: Record<string, unknown> = { date_of_service: isoDateOf(intOf(model, this.dos)) };
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < shape.others; i++) items.push(this.fieldsOf(model, this.others.slots[i]!, shape));
    items.splice(shape.position, 0, this.fieldsOf(model, this.item, shape));
    json["items"] = items;
    Object.assign(json, this.fieldsOf(model, this.caseSlot, shape));
    for (const list of this.readLists()) {
      const length = shape.lists.get(list.field);
      if (length === undefined) continue;
      json[list.field] = list.slots.slice(0, length).map((slot) => this.fieldsOf(model, slot, shape));
    }
    return json;
  }

  private fieldsOf(model: Model<"main">, slot: Slot, shape: CaseShape): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of slot.readFields()) {
      if (shape.dropped.has(field) || !isTrue(model, field.known)) continue;
      out[field.field] = this.valueOf(model, field);
    }
    return out;
  }

  private valueOf(model: Model<"main">, field: FieldVar): unknown {
    switch (field.sort) {
      case "bool":
        return isTrue(model, field.value as B);
      case "num":
        return realOf(model, field.value as A);
      case "days":
        return `${intOf(model, field.value as A)}d`;
      case "date":
        return isoDateOf(intOf(model, field.value as A));
      case "str":
        return this.stringOf(intOf(model, field.value as A));
      case "values":
        return field.elements!.slice(0, intOf(model, field.value as A)).map((element) => this.stringOf(intOf(model, element)));
    }
  }

  /** The month index and day of month of a day-number term whose value lies in `days`. */
  decompose(day: A, days: Interval): Parts {
    const z3 = this.z3;
    const month = z3.Int.const(`month${this.decompositions++}`);
    const months = monthsOf(days);
    const first = this.months.firstDay(month, months);
    this.constraints.push(month.ge(months[0]), month.le(months[1]), first.le(day), day.lt(first.add(this.months.length(month, months))));
    return { month, day: day.sub(first).add(1), months };
  }

  /** The parts of a date field's value, worked out once per field. */
  partsOf(field: FieldVar): Parts {
    let parts = this.fieldParts.get(field);
    if (parts === undefined) {
      parts = this.decompose(field.value as A, [this.factDates.first, this.factDates.last]);
      this.fieldParts.set(field, parts);
    }
    return parts;
  }

  dosParts(): Parts {
    this.dosDecomposed ??= this.decompose(this.dos, [this.serviceDates.first, this.serviceDates.last]);
    return this.dosDecomposed;
  }

  /** A date's parts shifted by whole months: the day of the month clamped to the target month's end. */
  shiftParts(parts: Parts, months: number): Parts {
    const z3 = this.z3;
    const shifted = { month: parts.month.add(months), months: [parts.months[0] + months, parts.months[1] + months] as const };
    const last = this.monthLength(shifted);
    return { ...shifted, day: z3.If(parts.day.le(last), parts.day, last) as A };
  }

  /** The day number of a month and day. */
  dayOf(parts: Parts): A {
    return this.months.firstDay(parts.month, parts.months).add(parts.day).sub(1);
  }

  /** The length of a month. */
  monthLength(month: MonthTerm): A {
    return this.months.length(month.month, month.months);
  }

  private decompositions = 0;
  private dosDecomposed: Parts | undefined;
  private readonly fieldParts = new Map<FieldVar, Parts>();
  private readonly months: MonthTable;
}

export function sortOf(type: Type): FieldSort {
  switch (type.kind) {
    case "bool":
      return "bool";
    case "number":
    case "percent":
      return "num";
    case "duration":
      return "days";
    case "date":
      return "date";
    case "values":
      return "values";
    default:
      return "str";
  }
}

export function isTrue(model: Model<"main">, b: B): boolean {
  return model.eval(b, true).toString() === "true";
}

export function intOf(model: Model<"main">, a: A): number {
  return Number(model.eval(a, true).toString());
}

/** A real from a model (Z3 gives a rational numerator and denominator). */
export function realOf(model: Model<"main">, a: A): number {
  const value = (model.eval(a, true) as unknown as { value(): bigint | { numerator: bigint; denominator: bigint } }).value();
  return typeof value === "bigint" ? Number(value) : Number(value.numerator) / Number(value.denominator);
}
