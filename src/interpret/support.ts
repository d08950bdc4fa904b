// Small pieces the interpreter's evaluation shares: value shapes, literal conversions, code sets.

import type { CodeSetDecl, DurationLiteral, Expression } from "../ast.js";
import * as rt from "@pol/runtime";
import type { CompareOperator, Member } from "@pol/runtime";
import { codeSetEntries } from "../schema-descriptor.js";

export type Element = Record<string, unknown>;

/**
 * The records bound by enclosing `where` conditions, innermost last (binding depth 0), or the
 * record a computed field is being computed for.
 */
export type Elements = readonly unknown[];

/** A list chain in progress: the elements, which of them belong, and the window (for coverage). */
export interface View {
  list: readonly Element[] | rt.Unknown;
  member: Member;
  window: { start: string; end: string } | null;
}

/** The base of a chain: every element belongs, no window. */
export function baseView(list: readonly Element[] | rt.Unknown): View {
  return { list, member: everyElement, window: null };
}

const everyElement: Member = () => true;

/** `2mo <= time since x` is `time since x >= 2mo`. */
export const flipped: Record<CompareOperator, CompareOperator> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/** A fixed duration literal as a value: days. Calendar literals are never values. */
export function fixedDays(literal: DurationLiteral): number {
  if (literal.unit === "d") return literal.amount;
  if (literal.unit === "wk") return literal.amount * 7;
  throw new Error(`internal error: the calendar duration at ${where(literal)} used as a value`);
}

/** A list read from a record field: the array, or the Unknown that stands for it. */
export function listValue(value: unknown): readonly Element[] | rt.Unknown {
  if (Array.isArray(value)) return value as Element[];
  if (rt.isUnknown(value)) return value;
  // A list field of a record that does not exist (none): there are no elements.
  return [];
}

/** The runtime code set of a declaration, entries in declaration order. */
export function codeSetOf(decl: CodeSetDecl): rt.CodeSet {
  const { exact, prefixes, ranges } = codeSetEntries(decl);
  return new rt.CodeSet(exact, prefixes, ranges);
}

/** `file:line:column` of an expression, for internal errors (a checked policy never hits them). */
export function where(expr: Expression): string {
  const { file, start } = expr.span;
  return `${file}:${start.line}:${start.column}`;
}
