// Expressions -> prettier Doc. Everything stays on one line except `and`/`or` chains, which fill
// the line and break before the operator, continuation lines indented one step further (nested
// chains in parentheses indent again), and `all(...)`/`any(...)`, which put one operand per line
// when they do not fit.

import { doc, type Doc } from "prettier";
import type { Comment, Expression, StringLiteral } from "../../index.js";
import { commentText, trailingComment, type CommentQueue } from "./comments.js";
import {
  binaryLevel,
  childSlots,
  flattenChain,
  Level,
  type ChainMode,
  type ChildSlot,
} from "./precedence.js";

const { fill, group, hardline, ifBreak, indent, join, line, softline } = doc.builders;

export function quote(literal: StringLiteral | string): string {
  const value = typeof literal === "string" ? literal : literal.value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * A printed expression and the comments to put just before its first token. They bubble up the
 * left edge (`a` in `a or b`, `L` in `L where c`, through parentheses) to the outermost
 * expression that starts there, so a comment never sits between `(` and what follows: a second
 * formatting finds every comment where the first one put it.
 */
interface Printed {
  above: Comment[];
  doc: Doc;
}

function plain(doc: Doc): Printed {
  return { above: [], doc };
}

/** Own-line comments, each followed by a line break. */
function ownLines(comments: readonly Comment[]): Doc[] {
  return comments.flatMap((comment) => [commentText(comment), hardline]);
}

/** A printed expression after a keyword or operator: its comments go right there. */
function inline(printed: Printed): Doc {
  return [...ownLines(printed.above), printed.doc];
}

export class ExpressionPrinter {
  constructor(private readonly comments: CommentQueue) {}

  /** A whole expression in a statement position (let value, condition, computed field). */
  print(expression: Expression): Doc {
    return inline(this.expression(expression, "full"));
  }

  /** The leftmost token of `expression` as printed, when it is a string literal. */
  startsWithString(expression: Expression): boolean {
    let current: Expression = expression;
    for (;;) {
      if (current.kind === "StringLiteral") return true;
      const [first] = childSlots(current, "full");
      if (!startsWithChild(current) || first === undefined || first.parenthesized) return false;
      current = first.expression;
    }
  }

  private child(slot: ChildSlot): Printed {
    if (!slot.parenthesized) return this.expression(slot.expression, slot.mode);
    const inner = this.expression(slot.expression, "full");
    return { above: inner.above, doc: ["(", inner.doc, ")"] };
  }

  private expression(expression: Expression, mode: ChainMode): Printed {
    const slots = childSlots(expression, mode);
    if (expression.kind === "BinaryExpression" && binaryLevel(expression.operator) <= Level.and) {
      return this.logicalChain(expression, slots);
    }
    if (expression.kind === "GroupExpression") {
      const operands = slots.map((slot) => {
        const printed = this.operand(slot, slot.expression.span.start.offset);
        return [...ownLines(printed.above), printed.doc];
      });
      return plain(this.layout(expression, operands));
    }
    if (startsWithChild(expression)) {
      // The first child's comments become this expression's; the rest print in line.
      const [first, ...rest] = slots.map((slot) => this.child(slot));
      const docs = [first!.doc, ...rest.map(inline)];
      return { above: first!.above, doc: this.layout(expression, docs) };
    }
    return plain(
      this.layout(
        expression,
        slots.map((slot) => inline(this.child(slot))),
      ),
    );
  }

  /** The text of one expression around its printed children. */
  private layout(expression: Expression, children: Doc[]): Doc {
    const [first, second] = children;
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
        return [first!, ".", expression.field.name];
      case "UnaryExpression":
        return [expression.operator === "not" ? "not " : "-", first!];
      case "BinaryExpression": {
        // Arithmetic and comparisons stay on one line (`and`/`or` chains never get here).
        const operators =
          binaryLevel(expression.operator) === Level.comparison
            ? [expression.operator]
            : flattenChain(expression).operators;
        return children.map((child, index) =>
          index === 0 ? child : [" ", operators[index - 1]!, " ", child],
        );
      }
      case "InCodesExpression":
        return [first!, expression.negated ? " not in " : " in ", expression.codes.name];
      case "InListExpression":
        return [first!, expression.negated ? " not in " : " in ", second!];
      case "InSetExpression":
        return [
          first!,
          expression.negated ? " not in " : " in ",
          "{",
          join(", ", expression.members.map((member) => (member.kind === "Identifier" ? member.name : quote(member)))),
          "}",
        ];
      case "DocumentedExpression":
        return ["documented ", first!];
      case "LookupExpression":
        return [expression.table.name, " of ", first!];
      case "AsPercentExpression":
        return [first!, " as percent"];
      case "AsOfExpression":
        return [first!, " as of ", children[1]!];
      case "GroupExpression":
        return group([
          expression.operator,
          "(",
          indent([softline, join([",", line], children)]),
          ifBreak(","),
          softline,
          ")",
        ]);
      case "WhereExpression":
        return [first!, " where ", second!];
      case "WithinExpression":
        return [
          first!,
          " within ",
          expression.window.kind === "YearWindow"
            ? `${expression.window.year} year`
            : `${expression.window.amount}${expression.window.unit}`,
        ];
      case "CountExpression":
        return [
          "count ",
          expression.distinct ? ["distinct ", expression.distinct.map((key) => key.name).join(", "), " of "] : "",
          named(expression.element),
          first!,
        ];
      case "QuantifierExpression":
        return [expression.quantifier, " ", named(expression.element), first!];
      case "PickExpression":
        return [expression.pick, " ", named(expression.element), first!];
      case "SelectExpression":
        return [expression.pick, " ", expression.count.text, " of ", named(expression.element), first!];
      case "SumExpression":
        return ["sum ", expression.field.name, " of ", first!];
      case "CoverageExpression":
        return ["coverage of ", first!];
      case "TimeSinceExpression":
        return ["time since ", first!];
      case "TimeBetweenExpression":
        return ["time between ", first!, " and ", second!];
    }
  }

  /** One operand of a chain or group with its comments: those before it and the one trailing it. */
  private operand(
    slot: ChildSlot,
    start: number,
    claimTrailing = true,
  ): { above: Comment[]; doc: Doc; hasTrailing: boolean } {
    const before = this.comments.takeBefore(start);
    const trailing = claimTrailing ? this.comments.takeTrailing(slot.expression.span.end.offset) : undefined;
    const printed = this.child(slot);
    const settled = this.comments.settle(trailing);
    return {
      above: [...before, ...printed.above],
      doc: [printed.doc, trailingComment(settled)],
      hasTrailing: settled !== undefined,
    };
  }

  /**
   * `a or b or c`: as many operands per line as fit, breaking before the operator, continuation
   * lines indented. A comment forces a line break after it (or before the operand it precedes).
   * The last operand claims no trailing comment: when the chain ends its line, the statement has
   * claimed it already; when more follows (`L where a and b # c` + `within 6d`), a comment printed
   * there would be carried to the end of the printed line and run into the comment ending it, so
   * it waits for the next slot instead.
   */
  private logicalChain(expression: Expression & { kind: "BinaryExpression" }, slots: ChildSlot[]): Printed {
    const { operators, operands } = flattenChain(expression);
    const parts: Doc[] = [];
    let above: Comment[] = [];
    let breakBefore = false;
    slots.forEach((slot, index) => {
      const start = index === 0 ? operands[0]!.span.start.offset : operatorStart(expression, index);
      const printed = this.operand(slot, start, index < slots.length - 1);
      if (index === 0) {
        above = printed.above;
        parts.push(printed.doc);
      } else {
        parts.push(breakBefore || printed.above.length > 0 ? hardline : line);
        parts.push([...ownLines(printed.above), operators[index - 1]!, " ", printed.doc]);
      }
      breakBefore = printed.hasTrailing;
    });
    return { above, doc: indent(fill(parts)) };
  }
}

/** `v in ` before a chain whose element is named. */
function named(element: { name: string } | undefined): string {
  return element === undefined ? "" : `${element.name} in `;
}

/** Whether the printed form of `expression` begins with its first child (not a keyword). */
function startsWithChild(expression: Expression): boolean {
  switch (expression.kind) {
    case "BinaryExpression":
    case "InCodesExpression":
    case "InListExpression":
    case "InSetExpression":
    case "AsPercentExpression":
    case "WhereExpression":
    case "WithinExpression":
    case "FieldAccess":
      return true;
    default:
      return false;
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
