// The reference interpreter's expression evaluation: a direct walk of the lowered form (../lower),
// as plain as it can be, so it can serve as the oracle the generated evaluators are compared
// with. Every operand of a junction and every filter of a chain is evaluated, left to right, as
// the arguments of generated code's `and(...)`/`or(...)` calls are, so both record the same reads
// in the same order.

import * as rt from "@pol/runtime";
import type { Context, Member, Tri } from "@pol/runtime";
import type { Chain, Expr, LoweredPolicy } from "../lower/ir.js";

/** The runtime function that puts a text or a code in the form it compares in. */
const NORMAL_FORMS = { text: rt.normaliseText, code: rt.normaliseCode } as const;

type Element = Record<string, unknown>;

/** The elements bound by enclosing chains: index = element level. */
type Elements = readonly unknown[];
const NO_ELEMENTS: readonly Element[] = [];

export class Evaluator {
  private readonly codeSets: rt.CodeSet[];
  private readonly handles = new Map<string, rt.FieldHandles<Record<string, unknown>>>();

  constructor(
    readonly policy: LoweredPolicy,
    schema: rt.SchemaDescriptor,
  ) {
    this.codeSets = policy.codeSets.map((set) => new rt.CodeSet(set.exact, set.prefixes, set.ranges));
    for (const record of policy.schema.records.keys()) this.handles.set(record, rt.fieldsOf(schema, record));
  }

  /** The handle of a field, as generated code names it (`Procedure.relief`). */
  handle(record: string, field: string): rt.FieldHandle {
    const handle = this.handles.get(record)?.[field];
    if (handle === undefined) throw new Error(`internal error: unknown field \`${record}.${field}\``);
    return handle;
  }

  /** The rule specs built from this evaluator, for `rule as of date` (set once they exist). */
  rules: readonly rt.RuleSpec[] = [];
  private readonly tables = new Map<number, ReadonlyMap<string, unknown>>();

  private table(index: number): ReadonlyMap<string, unknown> {
    let table = this.tables.get(index);
    if (table === undefined) {
      table = new Map(this.policy.tables[index]!.entries);
      this.tables.set(index, table);
    }
    return table;
  }

  codeSet(index: number): rt.CodeSet {
    return this.codeSets[index]!;
  }

  condition(expr: Expr, ctx: Context): Tri {
    return this.value(expr, ctx, []) as Tri;
  }

  value(expr: Expr, ctx: Context, elements: Elements): unknown {
    switch (expr.kind) {
      case "literal":
        return expr.value;
      case "dos":
        return ctx.dos;
      case "case":
        return ctx.input;
      case "item":
        return ctx.item;
      case "element":
        return elements[expr.level];
      case "field":
        return rt.read(ctx, this.value(expr.target, ctx, elements), this.handle(expr.record, expr.field));
      case "computed": {
        const target = this.value(expr.target, ctx, elements);
        // A computed field of a record that is none or unknown is none or unknown itself.
        if (target === null || rt.isUnknown(target)) return target;
        return this.value(this.policy.computed[expr.index]!.body, ctx, [target]);
      }
      case "let": {
        const entry = this.policy.lets[expr.slot]!;
        return ctx.cached(expr.slot, () => this.value(entry.body, ctx, []));
      }
      case "not":
        return rt.not(this.value(expr.operand, ctx, elements) as Tri);
      case "negate":
        return rt.negate(this.value(expr.operand, ctx, elements));
      case "junction":
        return this.junction(expr.operator, expr.operands, ctx, elements);
      case "compare":
        return rt.compare(expr.operator, this.value(expr.left, ctx, elements), this.value(expr.right, ctx, elements));
      case "compareElapsed":
        return rt.compareElapsed(
          this.value(expr.elapsed, ctx, elements) as rt.Elapsed | null | rt.Unknown,
          expr.operator,
          expr.amount,
          expr.unit,
        );
      case "inCodes": {
        const inSet = rt.inCodes(this.value(expr.operand, ctx, elements), this.codeSet(expr.codeSet));
        return expr.negated ? rt.not(inSet) : inSet;
      }
      case "oneOf": {
        // Exactly the disjunction of comparisons it stands for.
        const operand = this.value(expr.operand, ctx, elements);
        return rt.orAll(expr.values.map((value) => rt.compare("==", operand, value)));
      }
      case "asOf":
        return rt.asOf(ctx, this.value(expr.date, ctx, elements), this.rules[expr.rule]!);
      case "asPercent":
        return rt.asPercent(this.value(expr.operand, ctx, elements));
      case "normaliseText":
        return rt.normaliseText(this.value(expr.operand, ctx, elements));
      case "normaliseCode":
        return rt.normaliseCode(this.value(expr.operand, ctx, elements));
      case "rank":
        return rt.rank(this.value(expr.operand, ctx, elements), expr.members);
      case "inList": {
        const normalise = expr.normalise === undefined ? undefined : NORMAL_FORMS[expr.normalise];
        const found = rt.inList(this.value(expr.operand, ctx, elements), this.value(expr.list, ctx, elements), normalise);
        return expr.negated ? rt.not(found) : found;
      }
      case "lookup":
        return rt.lookup(this.value(expr.operand, ctx, elements), this.table(expr.table));
      case "documented":
        return rt.documented(this.value(expr.operand, ctx, elements));
      case "spanDays":
        return rt.spanDays(ctx.dos, expr.amount, expr.unit);
      case "arithmetic":
        return rt.arithmetic(expr.operator, this.value(expr.left, ctx, elements), this.value(expr.right, ctx, elements));
      case "shiftDate":
        return rt.shiftDate(this.value(expr.date, ctx, elements), expr.sign, expr.amount, expr.unit);
      case "shiftDays":
        return rt.shiftDays(this.value(expr.date, ctx, elements), expr.sign, this.value(expr.days, ctx, elements));
      case "dateDifference":
        return rt.dateDifference(this.value(expr.left, ctx, elements), this.value(expr.right, ctx, elements));
      case "since":
        return rt.since(this.value(expr.from, ctx, elements), ctx.dos);
      case "between":
        return rt.between(this.value(expr.from, ctx, elements), this.value(expr.to, ctx, elements));
      case "aggregate":
        return this.aggregate(expr, ctx, elements);
    }
  }

  /** Kleene `and`/`or` of every operand. */
  private junction(operator: "and" | "or", operands: readonly Expr[], ctx: Context, elements: Elements): Tri {
    const values = operands.map((operand) => this.value(operand, ctx, elements));
    return operator === "and" ? rt.andAll(values) : rt.orAll(values);
  }

  private aggregate(expr: Extract<Expr, { kind: "aggregate" }>, ctx: Context, elements: Elements): unknown {
    const { chain } = expr;
    // A shared or keyed table does not scan the list (only a selection's membership reads it), so
    // the other items are not copied for every item.
    const list = (expr.shared !== undefined || expr.keyed !== undefined) && chain.selection === undefined ? NO_ELEMENTS : this.list(chain, ctx, elements);
    const member = this.member(chain, ctx, elements, list);
    const handle = (field: string) => this.handle(chain.record, field);
    if (expr.keyed !== undefined) {
      // Every item's key and the rest of its test once per case, grouped by key.
      const { table, rest: restChain, element: elementSide, item: itemSide } = expr.keyed;
      const rest = this.member(restChain, ctx, elements, list);
      const key = (element: Element): unknown => this.value(elementSide, ctx, [element]);
      const itemKey = (): unknown => this.value(itemSide, ctx, []);
      if (chain.source.kind === "earlierItems") {
        if (expr.operator === "count") return rt.countEarlierKeyed(ctx, table, member, rest, key, itemKey);
        return expr.operator === "some" ? rt.someEarlierKeyed(ctx, table, member, rest, key, itemKey) : rt.noEarlierKeyed(ctx, table, member, rest, key, itemKey);
      }
      if (expr.operator === "count") return rt.countOthersKeyed(ctx, table, member, rest, key, itemKey);
      return expr.operator === "some" ? rt.someOtherKeyed(ctx, table, member, rest, key, itemKey) : rt.noOtherKeyed(ctx, table, member, rest, key, itemKey);
    }
    if (expr.shared !== undefined) {
      // Every item's membership once per case (the interpreter's per-case slots hold only these).
      if (chain.source.kind === "earlierItems") {
        if (expr.operator === "count") return rt.countEarlier(ctx, expr.shared, member);
        return expr.operator === "some" ? rt.someEarlier(ctx, expr.shared, member) : rt.noEarlier(ctx, expr.shared, member);
      }
      if (expr.operator === "count") return rt.countOthers(ctx, expr.shared, member);
      return expr.operator === "some" ? rt.someOther(ctx, expr.shared, member) : rt.noOther(ctx, expr.shared, member);
    }
    switch (expr.operator) {
      case "count":
        return rt.count(list, member);
      case "countDistinct":
        return rt.countDistinct(ctx, list, member, expr.keys!.map(handle), expr.keyForms?.map((form) => (form === undefined ? undefined : NORMAL_FORMS[form])));
      case "some":
        return rt.some(list, member);
      case "none":
        return rt.none(list, member);
      case "latest":
        return rt.latest(ctx, list, member, handle(chain.dated!.start));
      case "earliest":
        return rt.earliest(ctx, list, member, handle(chain.dated!.start));
      case "sum":
        return rt.sumOf(ctx, list, member, handle(expr.summed!.field));
      case "coverage": {
        const window = chain.window === undefined ? null : this.window(chain.window, ctx);
        return rt.coverageOf(ctx, list, member, handle(chain.dated!.start), handle(chain.dated!.end!), window);
      }
    }
  }

  /** The chain's list: an array, or the Unknown standing for a list the case lacks. */
  private list(chain: Chain, ctx: Context, elements: Elements): readonly Element[] | rt.Unknown {
    const source = chain.source;
    switch (source.kind) {
      case "caseList":
        return rt.list(ctx, this.handle("case", source.field));
      case "otherItems":
        return ctx.otherItems;
      case "earlierItems":
        return ctx.earlierItems;
      case "recordList":
        return rt.listIn(ctx, this.value(source.target, ctx, elements), this.handle(source.record, source.field));
    }
  }

  /** Whether an element belongs: the base list's membership, then every filter, conjoined. */
  private member(chain: Chain, ctx: Context, elements: Elements, list: readonly Element[] | rt.Unknown): Member<Context> {
    const { selection } = chain;
    if (selection !== undefined) {
      // The selection over the whole list first, then the chain's own base and filters.
      const inner = this.member(selection.inner, ctx, elements, list);
      const date = this.handle(chain.record, chain.dated!.start);
      const rest = this.member({ ...chain, selection: undefined } as Chain, ctx, elements, list);
      const then = chain.base === undefined && chain.filters.length === 0 ? undefined : rest;
      return rt.select(ctx, list, inner, date, selection.pick, selection.count, then);
    }
    const { filters, level, dated, record } = chain;
    const base = chain.base === undefined ? undefined : this.member(this.policy.lists[chain.base]!.chain, ctx, [], list);
    // What every element's test needs, worked out once per list: the windows (on first use, as
    // generated code reads a plan year's start only when an element is tested) and date fields.
    const windows: (rt.Window | undefined)[] = filters.map(() => undefined);
    const start = dated === undefined ? undefined : this.handle(record, dated.start);
    const end = dated?.end === undefined ? undefined : this.handle(record, dated.end);
    return (element) => {
      const scope = [...elements.slice(0, level), element];
      const first = base === undefined ? [] : [base(element, ctx)];
      const own = filters.map((filter, i): Tri => {
        if (filter.kind === "where") return this.value(filter.condition, ctx, scope) as Tri;
        if (filter.kind === "granted") return rt.granted(ctx, element);
        if (filter.kind === "cut") return rt.cut(ctx, element, start!);
        const from = rt.read(ctx, element, start!);
        const to = end === undefined ? undefined : rt.read(ctx, element, end);
        const window = (windows[i] ??= this.window((filter as { window: number }).window, ctx));
        return end === undefined ? rt.within(from, window) : rt.overlaps(from, to, window);
      });
      const values = [...first, ...own];
      return values.length === 1 ? values[0]! : rt.andAll(values);
    };
  }

  private window(index: number, ctx: Context): rt.Window {
    const window = this.policy.windows[index]!;
    switch (window.kind) {
      case "back":
        return rt.windowBack(ctx.dos, window.amount, window.unit);
      case "calendarYear":
        return rt.calendarYear(ctx.dos);
      case "planYear":
        return rt.planYear(ctx.dos, this.value(window.start, ctx, []));
    }
  }
}
