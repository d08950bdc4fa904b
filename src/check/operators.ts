// The unit and type rules of the operators, as pure functions from operand types to a result type
// or a complaint. Months and years never convert to days, so fixed and calendar durations meet
// only through dates and through `time since` / `time between`.

import type { BinaryOperator } from "../ast.js";
import type { HelpArgs, Problem } from "../diagnostics.js";
import type { Type } from "../model.js";
import { typeName } from "./format.js";

export interface Operand {
  type: Type;
  /** The operand as written, for quoting in messages. */
  text: string;
  /** What kind of literal the operand is, when it is one: the runtime compares elapsed time only
   *  with an amount and a unit written in the policy. */
  literal?: "duration" | "number" | "percent";
}

export type OperatorResult = { type: Type } | Problem;

const ORDERED = new Set<Type["kind"]>(["number", "percent", "date", "duration"]);
const EQUATABLE = new Set<Type["kind"]>(["bool", "number", "percent", "date", "duration", "code", "text", "enum"]);

const BOOL: OperatorResult = { type: { kind: "bool" } };

export function comparison(operator: BinaryOperator, left: Operand, right: Operand): OperatorResult {
  const l = left.type;
  const r = right.type;
  if (l.kind === "elapsed" || r.kind === "elapsed") {
    const other = l.kind === "elapsed" ? right : left;
    if (other.literal === "duration") return BOOL;
    return { code: "POL3001", args: { left: "elapsed time", right: typeName(other.type) }, help: { help: "elapsed" } };
  }
  if ((l.kind === "duration" && r.kind === "calendar") || (l.kind === "calendar" && r.kind === "duration")) {
    const [fixed, calendar] = l.kind === "duration" ? [left, right] : [right, left];
    const help = fixed.text.startsWith("coverage ") ? "coverage" : fixed.literal === undefined ? "field" : "general";
    return { code: "POL3003", args: { fixed: fixed.text, calendar: calendar.text }, help: { help } };
  }
  if (l.kind === "calendar" || r.kind === "calendar") {
    return { code: "POL3001", args: { left: typeName(l), right: typeName(r) }, help: { help: "calendar" } };
  }
  const equality = operator === "==" || operator === "!=";
  if (equality && (sameType(l, r) ? EQUATABLE.has(l.kind) : isCodeAndText(l, r))) return BOOL;
  if (!equality && sameType(l, r) && ORDERED.has(l.kind)) return BOOL;
  if (!equality && sameType(l, r)) {
    return { code: "POL3024", args: { operator, type: typeName(l) } };
  }
  const help = mismatchHelp(left, right) ?? mismatchHelp(right, left);
  return { code: "POL3001", args: { left: typeName(l), right: typeName(r) }, ...(help ? { help } : {}) };
}

/** A likely fix when `operand` looks like the side written in the wrong unit. */
function mismatchHelp(operand: Operand, other: Operand): HelpArgs<"POL3001"> | undefined {
  if (operand.type.kind === "number" && other.type.kind === "percent") {
    if (operand.literal === "number") return { help: "percent", text: operand.text };
    // `count L < 20%`: the number is a count or an amount, and the `%` is the mistake.
    if (other.literal === "percent") return { help: "dropPercent", text: operand.text, number: other.text.replace(/%$/, "") };
    return { help: "ratio" };
  }
  if (operand.type.kind === "date" && other.literal === "number") return { help: "date", text: operand.text };
  if (operand.type.kind === "list" && (other.type.kind === "number" || other.literal === "number")) {
    return { help: "count", text: operand.text };
  }
  return undefined;
}

export function arithmetic(operator: "+" | "-" | "*" | "/", left: Type, right: Type): OperatorResult {
  const l = left.kind;
  const r = right.kind;
  if (operator === "*" || operator === "/") {
    if (l === "number" && r === "number") return { type: { kind: "number" } };
    const verb = operator === "*" ? "multiply" : "divide";
    return { code: "POL3025", args: { verb, left: typeName(left), right: typeName(right) } };
  }
  if (l === r && (l === "number" || l === "percent" || l === "duration")) return { type: left };
  const isLength = (kind: Type["kind"]) => kind === "duration" || kind === "calendar";
  if (l === "date" && isLength(r)) return { type: { kind: "date" } };
  if (operator === "+" && isLength(l) && r === "date") {
    // One spelling only: the evaluators shift a date by a length, never the other way round.
    return { code: "POL3026", args: { type: typeName(left) } };
  }
  if (operator === "-" && l === "date" && r === "date") return { type: { kind: "duration" } };
  const args = { left: typeName(left), right: typeName(right) };
  const help = isLength(l) && isLength(r) ? { help: "calendar" as const } : undefined;
  if (operator === "+") return { code: "POL3027", args, ...(help ? { help } : {}) };
  return { code: "POL3028", args, ...(help ? { help } : {}) };
}

export function negation(operand: Type): OperatorResult {
  if (operand.kind === "number" || operand.kind === "percent" || operand.kind === "duration") return { type: operand };
  return { code: "POL3029", args: { type: typeName(operand) } };
}

export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "enum" && b.kind === "enum") return a.name === b.name;
  if (a.kind === "record" && b.kind === "record") return a.name === b.name;
  if (a.kind === "list" && b.kind === "list") return a.element === b.element;
  return true;
}

/** Codes are text: a code may be compared with a string such as `"27096"`. */
function isCodeAndText(a: Type, b: Type): boolean {
  return (a.kind === "code" && b.kind === "text") || (a.kind === "text" && b.kind === "code");
}
