// Expressions -> prettier Doc. Everything stays on one line except `and`/`or` chains, which fill
// the line and break before the operator, continuation lines indented one step further (nested
// chains in parentheses indent again), and `all(...)`/`any(...)`, which put one operand per line
// when they do not fit.

import { doc, type Doc } from "prettier";
import type { Expression, StringLiteral } from "../ast.js";
import { withComments, type CommentQueue } from "./comments.js";
import { binaryLevel, childSlots, flattenChain, Level, type ChainMode, type ChildSlot } from "./precedence.js";

const { fill, group, hardline, ifBreak, indent, join, line, softline } = doc.builders;

export function quote(literal: StringLiteral | string): string {
  const value = typeof literal === "string" ? literal : literal.value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export class ExpressionPrinter {
  constructor(private readonly comments: CommentQueue) {}

  /** A whole expression in a statement position (let value, condition, computed field). */
  print(expression: Expression): Doc {
    return this.expression(expression, "full");
  }

  /** The leftmost token of `expression` as printed, when it is a string literal. */
  startsWithString(expression: Expression): boolean {
    let current: Expression = expression;
    for (;;) {
      if (current.kind === "StringLiteral") return true;
      const [first] = childSlots(current, "full");
      const opensWithChild =
        current.kind === "BinaryExpression" ||
        current.kind === "InCodesExpression" ||
        current.kind === "AsPercentExpression" ||
        current.kind === "WhereExpression" ||
        current.kind === "WithinExpression" ||
        current.kind === "FieldAccess";
      if (!opensWithChild || first === undefined || first.parenthesized) return false;
      current = first.expression;
    }
  }

  private child(slot: ChildSlot): Doc {
    if (!slot.parenthesized) return this.expression(slot.expression, slot.mode);
    return ["(", this.expression(slot.expression, "full"), ")"];
  }

  private expression(expression: Expression, mode: ChainMode): Doc {
    const slots = childSlots(expression, mode);
    const [first, second] = slots;
    switch (expression.kind) {
      case "BooleanLiteral":
        return expression.value ? "true" : "false";
      case "NumberLiteral":
      case "PercentLiteral":
        return expression.text;
      case "DurationLiteral":
        return `${expression.amount}${expression.unit}`;
      case "DateLiteral":
        return expression.value;
      case "StringLiteral":
        return quote(expression);
      case "NameRef":
        return expression.name;
      case "FieldAccess":
        return [this.child(first!), ".", expression.field.name];
      case "UnaryExpression":
        return [expression.operator === "not" ? "not " : "-", this.child(first!)];
      case "BinaryExpression":
        return binaryLevel(expression.operator) <= Level.and
          ? this.logicalChain(expression, slots)
          : this.operatorChain(expression, slots);
      case "InCodesExpression":
        return [this.child(first!), expression.negated ? " not in " : " in ", expression.codes.name];
      case "AsPercentExpression":
        return [this.child(first!), " as percent"];
      case "GroupExpression":
        return this.group(expression.operator, slots);
      case "WhereExpression":
        return [this.child(first!), " where ", this.child(second!)];
      case "WithinExpression":
        return [this.child(first!), " within ", `${expression.window.amount}${expression.window.unit}`];
      case "CountExpression":
        return ["count ", this.child(first!)];
      case "QuantifierExpression":
        return [expression.quantifier, " ", this.child(first!)];
      case "PickExpression":
        return [expression.pick, " ", this.child(first!)];
      case "SumExpression":
        return ["sum ", expression.field.name, " of ", this.child(first!)];
      case "CoverageExpression":
        return ["coverage of ", this.child(first!)];
      case "TimeSinceExpression":
        return ["time since ", this.child(first!)];
      case "TimeBetweenExpression":
        return ["time between ", this.child(first!), " and ", this.child(second!)];
    }
  }

  /** `a + b - c`, `a * b`, `a >= b`: always on one line. */
  private operatorChain(expression: Expression & { kind: "BinaryExpression" }, slots: ChildSlot[]): Doc {
    if (binaryLevel(expression.operator) === Level.comparison) {
      return [this.child(slots[0]!), " ", expression.operator, " ", this.child(slots[1]!)];
    }
    const { operators } = flattenChain(expression);
    return slots.map((slot, index) => (index === 0 ? this.child(slot) : [" ", operators[index - 1]!, " ", this.child(slot)]));
  }

  /**
   * `a or b or c`: as many operands per line as fit, breaking before the operator. Each operand is
   * a comment slot; a comment forces a line break after it (or before the operand it precedes).
   */
  private logicalChain(expression: Expression & { kind: "BinaryExpression" }, slots: ChildSlot[]): Doc {
    const { operators, operands } = flattenChain(expression);
    const parts: Doc[] = [];
    let breakBefore = false;
    slots.forEach((slot, index) => {
      const operand = operands[index]!;
      const start = index === 0 ? operand.span.start.offset : operatorStart(expression, index);
      const { leading, body, hasTrailing } = withComments(
        this.comments,
        { start, end: operand.span.end.offset },
        { keepBlankLines: false },
        () => (index === 0 ? this.child(slot) : [operators[index - 1]!, " ", this.child(slot)]),
      );
      if (index > 0) parts.push(breakBefore || leading.length > 0 ? hardline : line);
      parts.push([...leading, body]);
      breakBefore = hasTrailing;
    });
    return indent(fill(parts));
  }

  /** `all(a, b)`; broken: one operand per line, with a trailing comma. */
  private group(operator: "all" | "any", slots: ChildSlot[]): Doc {
    const operands = slots.map((slot) => {
      const span = slot.expression.span;
      const { leading, body } = withComments(
        this.comments,
        { start: span.start.offset, end: span.end.offset },
        { keepBlankLines: false },
        () => this.child(slot),
      );
      return [...leading, body];
    });
    return group([operator, "(", indent([softline, join([",", line], operands)]), ifBreak(","), softline, ")"]);
  }
}

/** Offset of the operator before operand `index` of a flattened chain. */
function operatorStart(expression: Expression & { kind: "BinaryExpression" }, index: number): number {
  const { operands } = flattenChain(expression);
  let node: Expression = expression;
  for (let depth = operands.length - 1; depth > index; depth--) {
    if (node.kind !== "BinaryExpression") break;
    node = node.left;
  }
  return node.kind === "BinaryExpression" ? node.operatorSpan.start.offset : node.span.start.offset;
}
