// Expression evaluation over the checked AST: the semantic oracle the compiled evaluators are
// compared with. It follows the evaluation mapping shared with the code generator exactly:
// every operand is evaluated, left to right, so both record the same reads in the same order.

import type { BinaryExpression, Expression, FieldAccess, LetDecl, NameRef } from "../ast.js";
import { CASE_RECORD, type CheckedPolicy, type FieldModel } from "../model.js";
import * as rt from "@pol/runtime";
import { memo } from "./memo.js";
import type { CompareOperator, Context, Tri } from "@pol/runtime";
import { aggregate } from "./chains.js";
import { codeSetOf, fixedDays, flipped, where, type Elements } from "./support.js";

type Elapsed = rt.Elapsed | null | rt.Unknown;

/** Evaluates one checked policy's expressions; its lookup tables are built once per policy. */
export class Evaluator {
  private readonly codeSets = new Map<string, rt.CodeSet>();
  private readonly lets = new Map<string, LetDecl>();

  constructor(readonly policy: CheckedPolicy) {
    for (const [name, decl] of policy.codeSets) this.codeSets.set(name, codeSetOf(decl));
    for (const entry of policy.lets) this.lets.set(entry.name, entry.decl);
  }

  /** The value of an expression (never a list: lists only feed chains and aggregates). */
  value(expr: Expression, ctx: Context, elements: Elements): unknown {
    switch (expr.kind) {
      case "BooleanLiteral":
      case "NumberLiteral":
      case "PercentLiteral":
      case "DateLiteral":
      case "StringLiteral":
        return expr.value;
      case "DurationLiteral":
        return fixedDays(expr);
      case "NameRef":
        return this.name(expr, ctx, elements);
      case "FieldAccess":
        return this.fieldAccess(expr, ctx, elements);
      case "UnaryExpression": {
        const operand = this.value(expr.operand, ctx, elements);
        return expr.operator === "not" ? rt.not(operand as Tri) : rt.negate(operand);
      }
      case "BinaryExpression":
        return this.binary(expr, ctx, elements);
      case "InCodesExpression": {
        const inSet = rt.inCodes(this.value(expr.operand, ctx, elements), this.codeSet(expr.codes.name));
        return expr.negated ? rt.not(inSet) : inSet;
      }
      case "AsPercentExpression":
        return rt.asPercent(this.value(expr.operand, ctx, elements));
      case "GroupExpression": {
        const operands = expr.operands.map((operand) => this.value(operand, ctx, elements) as Tri);
        return expr.operator === "all" ? rt.and(...operands) : rt.or(...operands);
      }
      case "CountExpression":
      case "QuantifierExpression":
      case "PickExpression":
      case "SumExpression":
      case "CoverageExpression":
        return aggregate(this, expr, ctx, elements);
      case "TimeSinceExpression":
        return rt.since(this.value(expr.from, ctx, elements), ctx.dos);
      case "TimeBetweenExpression": {
        const from = this.value(expr.from, ctx, elements);
        const to = this.value(expr.to, ctx, elements);
        return rt.between(from, to);
      }
      case "WhereExpression":
      case "WithinExpression":
        throw new Error(`internal error: a list chain used as a value at ${where(expr)}`);
    }
  }

  /** Field `field` of `value`, a record of model `record`: computed fields are computed here. */
  read(ctx: Context, record: string, value: unknown, field: FieldModel): unknown {
    if (field.computed) {
      if (value === null || rt.isUnknown(value)) return value;
      return this.value(field.computed, ctx, [value]);
    }
    return rt.field(ctx, record, value, field.name);
  }

  codeSet(name: string): rt.CodeSet {
    const set = this.codeSets.get(name);
    if (!set) throw new Error(`internal error: unknown code set \`${name}\``);
    return set;
  }

  letDecl(name: string): LetDecl {
    const decl = this.lets.get(name);
    if (!decl) throw new Error(`internal error: unknown let \`${name}\``);
    return decl;
  }

  fieldModel(record: string, field: string): FieldModel {
    const model = this.policy.schema.records.get(record)?.fields.get(field);
    if (!model) throw new Error(`internal error: unknown field \`${record}.${field}\``);
    return model;
  }

  /** The record model of the elements of a list-typed expression. */
  elementRecord(list: Expression): string {
    const type = this.policy.typeOf(list);
    if (type.kind !== "list") throw new Error(`internal error: expected a list at ${where(list)}`);
    return type.element;
  }

  /** The date field of an event record, or the start and end fields of an episode record. */
  datedFields(record: string): { record: string; start: FieldModel; end?: FieldModel } {
    const dated = this.policy.schema.records.get(record)?.dated;
    if (!dated) throw new Error(`internal error: record \`${record}\` has no date`);
    const start = this.fieldModel(record, dated.start);
    return dated.end === undefined
      ? { record, start }
      : { record, start, end: this.fieldModel(record, dated.end) };
  }

  private name(ref: NameRef, ctx: Context, elements: Elements): unknown {
    const binding = this.policy.resolve(ref);
    switch (binding.kind) {
      case "element": {
        const record = elements[elements.length - 1 - binding.depth];
        return this.read(ctx, binding.record, record, this.fieldModel(binding.record, binding.field));
      }
      case "let": {
        const decl = this.letDecl(binding.name);
        return memo(ctx, binding.name, () => this.value(decl.value, ctx, []));
      }
      case "caseField":
        return this.read(ctx, CASE_RECORD, ctx.input, this.fieldModel(CASE_RECORD, binding.field));
      case "item":
        return ctx.item;
      case "dos":
        return ctx.dos;
      case "enumMember":
        return binding.member;
      case "items":
      case "otherItems":
        throw new Error(`internal error: the list \`${ref.name}\` used as a value at ${where(ref)}`);
    }
  }

  private fieldAccess(access: FieldAccess, ctx: Context, elements: Elements): unknown {
    const target = this.value(access.target, ctx, elements);
    const { record, field } = this.policy.fieldOf(access);
    return this.read(ctx, record, target, field);
  }

  private binary(expr: BinaryExpression, ctx: Context, elements: Elements): unknown {
    const { operator, left, right } = expr;
    switch (operator) {
      case "and":
      case "or": {
        const l = this.value(left, ctx, elements) as Tri;
        const r = this.value(right, ctx, elements) as Tri;
        return operator === "and" ? rt.and(l, r) : rt.or(l, r);
      }
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return this.comparison(operator, left, right, ctx, elements);
      case "+":
      case "-":
        return this.additive(operator, left, right, ctx, elements);
      case "*":
      case "/": {
        const l = this.value(left, ctx, elements);
        const r = this.value(right, ctx, elements);
        return rt.arithmetic(operator, l, r);
      }
    }
  }

  /** Elapsed times compare with calendar-aware duration literals; everything else with `compare`. */
  private comparison(
    operator: CompareOperator,
    left: Expression,
    right: Expression,
    ctx: Context,
    elements: Elements,
  ): unknown {
    if (right.kind === "DurationLiteral" && this.policy.typeOf(left).kind === "elapsed") {
      const elapsed = this.value(left, ctx, elements) as Elapsed;
      return rt.compareElapsed(elapsed, operator, right.amount, right.unit);
    }
    if (left.kind === "DurationLiteral" && this.policy.typeOf(right).kind === "elapsed") {
      const elapsed = this.value(right, ctx, elements) as Elapsed;
      return rt.compareElapsed(elapsed, flipped[operator], left.amount, left.unit);
    }
    const l = this.value(left, ctx, elements);
    const r = this.value(right, ctx, elements);
    return rt.compare(operator, l, r);
  }

  /** Dates shift by durations (calendar units included) and subtract to days; numbers add. */
  private additive(
    operator: "+" | "-",
    left: Expression,
    right: Expression,
    ctx: Context,
    elements: Elements,
  ): unknown {
    const sign = operator === "+" ? 1 : -1;
    const leftType = this.policy.typeOf(left).kind;
    if (leftType === "date" && right.kind === "DurationLiteral") {
      return rt.shiftDate(this.value(left, ctx, elements), sign, right.amount, right.unit);
    }
    const rightType = this.policy.typeOf(right).kind;
    const l = this.value(left, ctx, elements);
    const r = this.value(right, ctx, elements);
    // The runtime takes an unknown or none amount of days and propagates it.
    if (leftType === "date" && rightType === "duration") return rt.shiftDate(l, sign, r as number, "d");
    if (leftType === "date" && rightType === "date" && operator === "-") return rt.dateDifference(l, r);
    return rt.arithmetic(operator, l, r);
  }
}
