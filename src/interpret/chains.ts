// List chains and aggregates: `L where C`, `L within N`, and count / some / no / latest /
// earliest / sum / coverage over them. A chain is a View whose membership fuses every step, so
// an aggregate scans the list once and the runtime can bound the result exactly.

import type {
  CountExpression,
  CoverageExpression,
  Expression,
  NameRef,
  PickExpression,
  QuantifierExpression,
  SumExpression,
} from "../ast.js";
import * as rt from "@pol/runtime";
import { memo } from "./memo.js";
import type { Context, Member, Tri } from "@pol/runtime";
import type { Evaluator } from "./evaluate.js";
import { baseView, listValue, where, type Elements, type View } from "./support.js";

export type Aggregate =
  CountExpression | QuantifierExpression | PickExpression | SumExpression | CoverageExpression;

export function aggregate(ev: Evaluator, expr: Aggregate, ctx: Context, elements: Elements): unknown {
  const view = viewOf(ev, expr.source, ctx, elements);
  switch (expr.kind) {
    case "CountExpression":
      return rt.count(view.list, view.member);
    case "QuantifierExpression":
      return expr.quantifier === "some" ? rt.some(view.list, view.member) : rt.none(view.list, view.member);
    case "PickExpression": {
      const { record, start } = ev.datedFields(ev.elementRecord(expr.source));
      return rt.pick(expr.pick, view.list, view.member, (e) => ev.read(ctx, record, e, start));
    }
    case "SumExpression": {
      const record = ev.elementRecord(expr.source);
      const summed = ev.fieldModel(record, expr.field.name);
      const durations = summed.type.kind === "duration";
      return rt.sum(view.list, view.member, (e) => ev.read(ctx, record, e, summed), durations);
    }
    case "CoverageExpression": {
      const { record, start, end } = ev.datedFields(ev.elementRecord(expr.source));
      if (!end) throw new Error(`internal error: coverage over \`${record}\`, which is not an episode`);
      return rt.coverage(
        view.list,
        view.member,
        (e) => ev.read(ctx, record, e, start),
        (e) => ev.read(ctx, record, e, end),
        view.window,
      );
    }
  }
}

/** A list-typed expression as a view: the base of a chain, a `where` or `within` step, or a list let. */
export function viewOf(ev: Evaluator, expr: Expression, ctx: Context, elements: Elements): View {
  switch (expr.kind) {
    case "WhereExpression": {
      const source = viewOf(ev, expr.source, ctx, elements);
      const condition = expr.condition;
      const member: Member = (e) =>
        rt.and(source.member(e), ev.value(condition, ctx, [...elements, e]) as Tri);
      return { list: source.list, member, window: source.window };
    }
    case "WithinExpression": {
      const source = viewOf(ev, expr.source, ctx, elements);
      const start = rt.windowStart(ctx.dos, expr.window.amount, expr.window.unit);
      const end = ctx.dos;
      const dated = ev.datedFields(ev.elementRecord(expr.source));
      const episodeEnd = dated.end;
      const dateOf = (e: Record<string, unknown>) => ev.read(ctx, dated.record, e, dated.start);
      const member: Member =
        episodeEnd === undefined
          ? (e) => rt.and(source.member(e), rt.inWindow(dateOf(e), start, end))
          : (e) =>
              rt.and(
                source.member(e),
                rt.overlapsWindow(dateOf(e), ev.read(ctx, dated.record, e, episodeEnd), start, end),
              );
      return { list: source.list, member, window: { start, end } };
    }
    case "NameRef":
      return nameView(ev, expr, ctx, elements);
    case "FieldAccess":
      // A list field of a record value (the case's own lists are reached through bare names).
      return baseView(listValue(ev.value(expr, ctx, elements)));
    default:
      throw new Error(`internal error: \`${expr.kind}\` used as a list at ${where(expr)}`);
  }
}

function nameView(ev: Evaluator, ref: NameRef, ctx: Context, elements: Elements): View {
  const binding = ev.policy.resolve(ref);
  switch (binding.kind) {
    case "caseField":
      return baseView(rt.list(ctx, binding.field));
    case "items":
      return baseView(rt.list(ctx, "items"));
    case "otherItems":
      return baseView(ctx.otherItems);
    case "let": {
      // List lets are memoised as views, so their reads are recorded once and replayed.
      const decl = ev.letDecl(binding.name);
      return memo(ctx, binding.name, () => viewOf(ev, decl.value, ctx, []));
    }
    case "element":
      return baseView(listValue(ev.value(ref, ctx, elements)));
    default:
      throw new Error(`internal error: \`${ref.name}\` used as a list at ${where(ref)}`);
  }
}
