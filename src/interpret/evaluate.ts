// The reference interpreter's expression evaluation: a direct walk of the lowered form (../lower),
// as plain as it can be, so it can serve as the oracle the generated evaluators are compared
// with. Junctions and chain filters stop at the first operand that settles them, left to right,
// exactly as generated code does, so both record the same reads in the same order.

import * as rt from "../runtime.js";
import type { Context, Member, Tri } from "../runtime.js";
import type { Chain, Expr, LoweredPolicy } from "../lower/ir.js";

type Element = Record<string, unknown>;

/** The elements bound by enclosing chains: index = element level. */
type Elements = readonly unknown[];

export class Evaluator {
  private readonly codeSets: rt.CodeSet[];

  constructor(readonly policy: LoweredPolicy) {
    this.codeSets = policy.codeSets.map((set) => new rt.CodeSet(set.exact, set.prefixes, set.ranges));
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
        return rt.field(ctx, expr.record, this.value(expr.target, ctx, elements), expr.field);
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
      case "asPercent":
        return rt.asPercent(this.value(expr.operand, ctx, elements));
      case "arithmetic":
        return rt.arithmetic(expr.operator, this.value(expr.left, ctx, elements), this.value(expr.right, ctx, elements));
      case "shiftDate":
        return rt.shiftDate(this.value(expr.date, ctx, elements), expr.sign, expr.amount, expr.unit);
      case "shiftDays": {
        const date = this.value(expr.date, ctx, elements);
        // The runtime takes an unknown or none amount of days too, and propagates it.
        return rt.shiftDate(date, expr.sign, this.value(expr.days, ctx, elements) as number, "d");
      }
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

  /** Kleene `and`/`or`, left to right, stopping at the first operand that decides it. */
  private junction(operator: "and" | "or", operands: readonly Expr[], ctx: Context, elements: Elements): Tri {
    const decisive = operator === "or";
    let unknown: rt.Unknown | undefined;
    for (const operand of operands) {
      const value = this.value(operand, ctx, elements) as Tri;
      if (value === decisive) return decisive;
      if (rt.isUnknown(value)) unknown = unknown === undefined ? value : rt.unknownOf(unknown, value);
    }
    return unknown ?? !decisive;
  }

  private aggregate(expr: Extract<Expr, { kind: "aggregate" }>, ctx: Context, elements: Elements): unknown {
    const { chain } = expr;
    const list = this.list(chain, ctx, elements);
    const member = this.member(chain, ctx, elements);
    const read = (field: string) => (element: Element) => rt.field(ctx, chain.record, element, field);
    switch (expr.operator) {
      case "count":
        return rt.count(list, member);
      case "some":
        return rt.some(list, member);
      case "none":
        return rt.none(list, member);
      case "latest":
      case "earliest":
        return rt.pick(expr.operator, list, member, read(chain.dated!.start));
      case "sum":
        return rt.sum(list, member, read(expr.summed!.field), expr.summed!.duration);
      case "coverage": {
        const window = chain.window === undefined ? null : this.window(chain.window, ctx);
        return rt.coverage(list, member, read(chain.dated!.start), read(chain.dated!.end!), window);
      }
    }
  }

  /** The chain's list: an array, or the Unknown standing for a list the case lacks. */
  private list(chain: Chain, ctx: Context, elements: Elements): readonly Element[] | rt.Unknown {
    const source = chain.source;
    switch (source.kind) {
      case "caseList":
        return rt.list(ctx, source.field);
      case "otherItems":
        return ctx.otherItems;
      case "recordList": {
        const value = rt.field(ctx, source.record, this.value(source.target, ctx, elements), source.field);
        if (Array.isArray(value)) return value as Element[];
        if (rt.isUnknown(value)) return value;
        // A list field of a record that does not exist (none): there are no elements.
        return [];
      }
    }
  }

  /** Whether an element belongs: every filter, in order, stopping at the first not met. */
  private member(chain: Chain, ctx: Context, elements: Elements): Member {
    const { filters, level, dated, record } = chain;
    return (element) => {
      const scope = [...elements.slice(0, level), element];
      let unknown: rt.Unknown | undefined;
      for (const filter of filters) {
        let value: Tri;
        if (filter.kind === "where") {
          value = this.value(filter.condition, ctx, scope) as Tri;
        } else {
          const window = this.window(filter.window, ctx);
          const start = rt.field(ctx, record, element, dated!.start);
          value =
            dated!.end === undefined
              ? rt.inWindow(start, window.start, window.end)
              : rt.overlapsWindow(start, rt.field(ctx, record, element, dated!.end), window.start, window.end);
        }
        if (value === false) return false;
        if (rt.isUnknown(value)) unknown = unknown === undefined ? value : rt.unknownOf(unknown, value);
      }
      return unknown ?? true;
    };
  }

  /** `within N`: from N before the date of service to the date of service, both included. */
  private window(index: number, ctx: Context): { start: string; end: string } {
    const { amount, unit } = this.policy.windows[index]!;
    return { start: rt.windowStart(ctx.dos, amount, unit), end: ctx.dos };
  }
}
