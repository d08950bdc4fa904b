// A condition taken apart into its parts (the runtime's explain.ts): the `and`/`or`/`not`
// skeleton, through lets, over the tests it is made of. Both evaluators evaluate the parts only
// for a trace (to show the values comparisons computed) and for criteria left unknown (to find
// the facts that can still change a pended item's outcome).

import type { Shape, Shows } from "@pol/runtime";
import type { Span } from "../ast.js";
import type { Expr, LoweredLet, LoweredParts, LoweredPart } from "./ir.js";

export interface PartsSource {
  lets: readonly LoweredLet[];
  /** The source of a span on one line. */
  text(span: Span): string;
  /** The unit a comparison's values are in. */
  unitOf(compare: Expr): "%" | "days" | undefined;
  /** The keys given so far to tests by where they are written, shared by every condition of a policy. */
  keys: Map<string, string>;
}

/** Whether a condition is one test that shows nothing: evaluators then give only its key. */
export function singleTest(parts: LoweredParts): string | undefined {
  const only = parts.parts[0];
  return parts.shape === 0 && parts.parts.length === 1 && only!.shows === undefined ? only!.key : undefined;
}

/** `condition` taken apart; `requires`: for a `require` criterion. */
export function partsOf(condition: Expr, requires: boolean, source: PartsSource): LoweredParts {
  const parts: LoweredPart[] = [];
  const byKey = new Map<string, number>();
  const part = (expr: Expr, positive: boolean, conjunctive: boolean): Shape => {
    const key = keyOf(expr, source.keys);
    const seen = byKey.get(key);
    if (seen !== undefined) return seen;
    const index = parts.length;
    byKey.set(key, index);
    const shows = showsOf(expr, positive, requires && conjunctive, source);
    parts.push({ key, expr, ...(shows === undefined ? {} : { shows }) });
    return index;
  };
  // `conjunctive`: the part must hold (or, under a `not`, fail) for the whole condition to hold.
  const walk = (expr: Expr, positive: boolean, conjunctive: boolean): Shape => {
    switch (expr.kind) {
      case "junction": {
        const stays = conjunctive && (expr.operator === "and") === positive;
        return [expr.operator, ...expr.operands.map((operand) => walk(operand, positive, stays))];
      }
      case "not":
        return ["not", walk(expr.operand, !positive, conjunctive)];
      case "let":
        return walk(source.lets[expr.slot]!.body, positive, conjunctive);
      default:
        return part(expr, positive, conjunctive);
    }
  };
  return { shape: walk(condition, true, true), parts };
}

/**
 * Parts with one key have one value for a line item. A fact of the case or the line item read as a
 * condition is keyed by the fact, so every read of it is one part; any other test by where it is
 * written, so a test reached through a let is one part in every criterion that uses the let.
 */
function keyOf(expr: Expr, keys: Map<string, string>): string {
  if (isFact(expr)) return `${expr.target.kind}.${expr.field}`;
  // `item.side == right` written in two criteria is one test, as a bare fact is.
  if (expr.kind === "compare" && isFact(expr.left) && expr.right.kind === "literal") {
    return `${keyOf(expr.left, keys)} ${expr.operator} ${JSON.stringify(expr.right.value)}`;
  }
  // The lowering writes three or more `x == "a"` in an `or` as one set test: keyed by its values,
  // so it is the test `x == "a"` when they are one value, and one test wherever it is written.
  if (expr.kind === "oneOf" && isFact(expr.operand)) {
    const values = [...new Set(expr.values)].sort();
    const fact = keyOf(expr.operand, keys);
    return values.length === 1 ? `${fact} == ${JSON.stringify(values[0])}` : `${fact} in ${JSON.stringify(values)}`;
  }
  const { file, start, end } = expr.span;
  const where = `${file}:${start.offset}-${end.offset}`;
  let key = keys.get(where);
  if (key === undefined) {
    key = `test ${keys.size + 1}`;
    keys.set(where, key);
  }
  return key;
}

/** A field of the case or of the line item under decision: one fact wherever it is read. */
function isFact(expr: Expr): expr is Extract<Expr, { kind: "field" }> & { target: { kind: "case" | "item" } } {
  return expr.kind === "field" && (expr.target.kind === "case" || expr.target.kind === "item");
}

const NEGATED = { "==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<" } as const;

function showsOf(expr: Expr, positive: boolean, required: boolean, source: PartsSource): (Shows & { left: Expr; right?: Expr }) | undefined {
  if (expr.kind === "compareElapsed") {
    return {
      expression: source.text(expr.elapsed.span),
      operator: positive ? expr.operator : NEGATED[expr.operator],
      ...(positive ? {} : { negated: true as const }),
      threshold: `${expr.amount}${expr.unit}`,
      unit: "days",
      elapsed: true,
      ...(required ? { required: true as const } : {}),
      left: expr.elapsed,
    };
  }
  if (expr.kind !== "compare" || (isRead(expr.left) && isRead(expr.right))) return undefined;
  const right = expr.right;
  const unit = source.unitOf(expr);
  const members = expr.left.kind === "rank" ? expr.left.members : undefined;
  return {
    expression: source.text(expr.left.span),
    operator: positive ? expr.operator : NEGATED[expr.operator],
    ...(positive ? {} : { negated: true as const }),
    threshold: right.kind === "spanDays" ? `${right.amount}${right.unit}` : source.text(right.span),
    ...(unit === undefined ? {} : { unit }),
    ...(right.kind === "literal" ? {} : { computedThreshold: true as const }),
    ...(members === undefined ? {} : { members }),
    ...(required ? { required: true as const } : {}),
    left: expr.left,
    ...(right.kind === "literal" ? {} : { right }),
  };
}

/** A literal, or a fact of the case or the line item as recorded: the trace already lists it. */
function isRead(expr: Expr): boolean {
  switch (expr.kind) {
    case "literal":
    case "dos":
      return true;
    case "field":
      return expr.target.kind === "case" || expr.target.kind === "item";
    case "rank":
    case "normaliseText":
    case "asPercent":
      return isRead(expr.operand);
    default:
      return false;
  }
}
