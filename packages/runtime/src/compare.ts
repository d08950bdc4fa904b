// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Comparison and arithmetic. Operands: number | string | boolean | null | Unknown | Range.
// null (none) makes a comparison false and arithmetic null; Unknown propagates; a Range compares
// true/false when every value in it gives the same answer, otherwise it is unknown.

import { isIsoDate } from "./calendar.js";
import { MALFORMED, type Tri, Unknown, isRange, unknownOf } from "./logic.js";
import type { CompareOperator } from "./types.js";

export type { CompareOperator } from "./types.js";

/** A number that is not finite (NaN, ±Infinity): never a value a case can hold. */
function isNonFinite(value: unknown): boolean {
  return typeof value === "number" && value - value !== 0;
}

/** An operand an ordering (`<`, `>=`, ...) cannot order: a non-finite number, or a string (ordered
 *  operands that are strings are dates) that is no valid date. */
function isMalformedOrdered(value: unknown): boolean {
  return typeof value === "number" ? value - value !== 0 : typeof value === "string" && !isIsoDate(value);
}

export function compare(operator: CompareOperator, left: unknown, right: unknown): Tri {
  if (left instanceof Unknown || right instanceof Unknown) return unknownOf(left, right);
  // A comparison involving none is not met, whatever the operator: there is no such event.
  if (left === null || left === undefined || right === null || right === undefined) return false;
  if (operator === "==" || operator === "!=") {
    if (isNonFinite(left) || isNonFinite(right)) return MALFORMED;
  } else if (isMalformedOrdered(left) || isMalformedOrdered(right)) {
    return MALFORMED;
  }
  if (typeof left === "object" || typeof right === "object") return compareRanges(operator, left, right);
  switch (operator) {
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return (left as number) < (right as number);
    case "<=":
      return (left as number) <= (right as number);
    case ">":
      return (left as number) > (right as number);
    case ">=":
      return (left as number) >= (right as number);
  }
}

/**
 * Compare when one side (or both) is a Range, treating each side as the real interval [lo, hi]
 * (a number x is [x, x]): true when every pair of values satisfies the operator, false when none
 * does, otherwise the ranges' unknown.
 */
function compareRanges(operator: CompareOperator, left: unknown, right: unknown): Tri {
  const l = asInterval(left);
  const r = asInterval(right);
  if (l === undefined || r === undefined) return false;
  let always: boolean;
  let never: boolean;
  switch (operator) {
    case "<":
      always = l.hi < r.lo;
      never = l.lo >= r.hi;
      break;
    case "<=":
      always = l.hi <= r.lo;
      never = l.lo > r.hi;
      break;
    case ">":
      always = l.lo > r.hi;
      never = l.hi <= r.lo;
      break;
    case ">=":
      always = l.lo >= r.hi;
      never = l.hi < r.lo;
      break;
    case "==":
    case "!=": {
      const equal = l.lo === l.hi && r.lo === r.hi && l.lo === r.lo;
      const disjoint = l.hi < r.lo || l.lo > r.hi;
      always = operator === "==" ? equal : disjoint;
      never = operator === "==" ? disjoint : equal;
      break;
    }
  }
  if (always) return true;
  if (never) return false;
  return unknownOf(left, right);
}

function asInterval(value: unknown): { lo: number; hi: number } | undefined {
  if (typeof value === "number") return { lo: value, hi: value };
  if (isRange(value)) return value;
  return undefined;
}

export type ArithmeticOperator = "+" | "-" | "*" | "/";

/** Number arithmetic; division by zero gives null (no such value). Ranges use interval arithmetic. */
export function arithmetic(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  if (left instanceof Unknown || right instanceof Unknown) return unknownOf(left, right);
  if (left === null || left === undefined || right === null || right === undefined) return null;
  if (isNonFinite(left) || isNonFinite(right)) return MALFORMED;
  if (typeof left === "number" && typeof right === "number") {
    switch (operator) {
      case "+":
        return left + right;
      case "-":
        return left - right;
      case "*":
        return left * right;
      case "/":
        return right === 0 ? null : left / right;
    }
  }
  return rangeArithmetic(operator, left, right);
}

function rangeArithmetic(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  const l = asInterval(left);
  const r = asInterval(right);
  if (l === undefined || r === undefined) return null;
  const unknown = unknownOf(left, right);
  switch (operator) {
    case "+":
      return { lo: l.lo + r.lo, hi: l.hi + r.hi, unknown };
    case "-":
      return { lo: l.lo - r.hi, hi: l.hi - r.lo, unknown };
    case "*":
    case "/": {
      if (operator === "/") {
        // A divisor that may be zero may give no value at all: nothing definite to say.
        if (r.lo <= 0 && r.hi >= 0) return unknown;
      }
      const candidates = [
        combine(operator, l.lo, r.lo),
        combine(operator, l.lo, r.hi),
        combine(operator, l.hi, r.lo),
        combine(operator, l.hi, r.hi),
      ];
      // Infinity / Infinity has no meaningful corner: fall back to the whole line.
      if (candidates.some(Number.isNaN)) return { lo: -Infinity, hi: Infinity, unknown };
      return { lo: Math.min(...candidates), hi: Math.max(...candidates), unknown };
    }
  }
}

/** x * y or x / y at interval corners, with 0 * Infinity taken as 0 (a bound, not a value). */
function combine(operator: "*" | "/", x: number, y: number): number {
  if (operator === "*") return x === 0 || y === 0 ? 0 : x * y;
  return x / y;
}

export function negate(value: unknown): unknown {
  if (typeof value === "number") return value - value === 0 ? -value : MALFORMED;
  if (value instanceof Unknown) return value;
  if (isRange(value)) return { lo: -value.hi, hi: -value.lo, unknown: value.unknown };
  return null;
}

/** A ratio as a percent: 0.6 -> 60. */
export function asPercent(value: unknown): unknown {
  if (typeof value === "number") return value - value === 0 ? value * 100 : MALFORMED;
  if (value instanceof Unknown) return value;
  if (isRange(value)) return { lo: value.lo * 100, hi: value.hi * 100, unknown: value.unknown };
  return null;
}
