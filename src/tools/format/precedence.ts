// Where the formatter must put parentheses. The AST keeps none (see src/syntax), so they are
// recomputed: a child needs them when it binds looser than its slot allows, or when its printed
// text would swallow the token that follows it. The second case comes from the forms whose tail
// is looser than the form itself: the condition of `where` is a whole expression, `time since x`
// takes an additive operand, and `count L` takes a chain that keeps taking `where`/`within` steps.
// The levels follow the precedence table of docs/language.md and the grammar in grammar/parser.ts.

import type { BinaryOperator, Expression } from "../../index.js";

export const Level = {
  or: 1,
  and: 2,
  not: 3,
  comparison: 4,
  asPercent: 5,
  additive: 6,
  multiplicative: 7,
  unary: 8,
  prefix: 9,
  chain: 10,
  access: 11,
} as const;

/** A token that may follow a child inside its parent: an operator of some level, a chain step, a dot. */
export type Follower = number | "step" | "dot";

/** Inside a `where` condition a bare name takes no `where`/`within` steps of its own. */
export type ChainMode = "full" | "noChain";

export interface ChildSlot {
  expression: Expression;
  /** The loosest level the grammar accepts here without parentheses. */
  level: number;
  mode: ChainMode;
  /** The token the parent prints right after this child, if any. */
  follower?: Follower;
  parenthesized: boolean;
}

const OPERATOR_LEVELS = [
  Level.or,
  Level.and,
  Level.comparison,
  Level.asPercent,
  Level.additive,
  Level.multiplicative,
];

export function binaryLevel(operator: BinaryOperator): number {
  switch (operator) {
    case "or":
      return Level.or;
    case "and":
      return Level.and;
    case "+":
    case "-":
      return Level.additive;
    case "*":
    case "/":
      return Level.multiplicative;
    default:
      return Level.comparison;
  }
}

export function levelOf(expression: Expression): number {
  switch (expression.kind) {
    case "BinaryExpression":
      return binaryLevel(expression.operator);
    case "InCodesExpression":
    case "InListExpression":
    case "InSetExpression":
      return Level.comparison;
    case "AsPercentExpression":
    case "AsOfExpression":
      return Level.asPercent;
    case "UnaryExpression":
      return expression.operator === "not" ? Level.not : Level.unary;
    case "CountExpression":
    case "QuantifierExpression":
    case "PickExpression":
    case "SelectExpression":
    case "DocumentedExpression":
    case "LookupExpression":
    case "SumExpression":
    case "CoverageExpression":
    case "TimeSinceExpression":
    case "TimeBetweenExpression":
      return Level.prefix;
    case "WhereExpression":
    case "WithinExpression":
      return Level.chain;
    default:
      return Level.access;
  }
}

/** The operands of a left-associative chain at one level, `a or b or c` -> [a, b, c]. */
export function flattenChain(expression: Expression & { kind: "BinaryExpression" }): {
  operands: Expression[];
  operators: BinaryOperator[];
} {
  const level = binaryLevel(expression.operator);
  const operands: Expression[] = [];
  const operators: BinaryOperator[] = [];
  let current: Expression = expression;
  while (
    current.kind === "BinaryExpression" &&
    binaryLevel(current.operator) === level &&
    level !== Level.comparison
  ) {
    operands.unshift(current.right);
    operators.unshift(current.operator);
    current = current.left;
  }
  operands.unshift(current);
  return { operands, operators };
}

function slot(
  expression: Expression,
  level: number,
  mode: ChainMode,
  follower?: Follower,
  forceParentheses = false,
): ChildSlot {
  const parenthesized =
    forceParentheses ||
    levelOf(expression) < level ||
    (mode === "noChain" && levelOf(expression) === Level.chain) ||
    (follower !== undefined && tailAccepts(expression, mode).has(follower));
  return follower === undefined
    ? { expression, level, mode, parenthesized }
    : { expression, level, mode, follower, parenthesized };
}

/**
 * The child expressions of `expression` in print order, with how each is printed. The printer
 * and the tail analysis both use this, so they always agree on the parentheses.
 */
export function childSlots(expression: Expression, mode: ChainMode): ChildSlot[] {
  switch (expression.kind) {
    case "BinaryExpression": {
      const level = binaryLevel(expression.operator);
      if (level === Level.comparison) {
        return [
          // `(count L where c) >= 2`: the parentheses show that the comparison is not part of the
          // `where` condition, although the grammar would not need them.
          slot(expression.left, Level.asPercent, mode, Level.comparison, endsInWhere(expression.left)),
          slot(expression.right, Level.asPercent, mode),
        ];
      }
      const { operands } = flattenChain(expression);
      // `and` inside `or` is always parenthesized: analysts should not need the precedence table.
      const mixed = (operand: Expression) =>
        level === Level.or && operand.kind === "BinaryExpression" && operand.operator === "and";
      return operands.map((operand, index) =>
        slot(
          operand,
          index === 0 ? level : level + 1,
          mode,
          index < operands.length - 1 ? level : undefined,
          mixed(operand),
        ),
      );
    }
    case "InCodesExpression":
    case "InSetExpression":
      return [slot(expression.operand, Level.asPercent, mode, Level.comparison, endsInBareList(expression.operand))];
    case "InListExpression":
      return [
        slot(expression.operand, Level.asPercent, mode, Level.comparison, endsInBareList(expression.operand)),
        slot(expression.list, Level.access, mode),
      ];
    case "DocumentedExpression":
      return [slot(expression.operand, Level.access, mode)];
    case "LookupExpression":
      return [slot(expression.key, Level.access, mode)];
    case "AsPercentExpression":
      return [slot(expression.operand, Level.additive, mode, Level.asPercent)];
    case "AsOfExpression":
      return [slot(expression.rule, Level.additive, mode, Level.asPercent), slot(expression.date, Level.additive, mode)];
    case "UnaryExpression":
      return [slot(expression.operand, expression.operator === "not" ? Level.not : Level.unary, mode)];
    case "CountExpression":
    case "QuantifierExpression":
    case "PickExpression":
    case "SelectExpression":
    case "SumExpression":
    case "CoverageExpression":
      return [slot(expression.source, Level.chain, "full")];
    case "TimeSinceExpression":
      return [slot(expression.from, Level.additive, mode)];
    case "TimeBetweenExpression":
      return [
        slot(expression.from, Level.additive, mode, Level.and),
        slot(expression.to, Level.additive, mode),
      ];
    case "WhereExpression":
      return [
        slot(expression.source, Level.chain, "full", "step"),
        slot(expression.condition, Level.or, "noChain"),
      ];
    case "WithinExpression":
      return [slot(expression.source, Level.chain, "full", "step")];
    case "FieldAccess":
      return [slot(expression.target, Level.access, mode, "dot")];
    case "GroupExpression":
      return expression.operands.map((operand) => slot(operand, Level.or, "full"));
    default:
      return [];
  }
}

/**
 * Whether `expression` prints as `count NAME` (or `some`, `latest`, `earliest 3 of` ... a bare
 * list name): followed by `in`, the parser would read `NAME in ...` as naming the element.
 */
function endsInBareList(expression: Expression): boolean {
  switch (expression.kind) {
    case "CountExpression":
    case "QuantifierExpression":
    case "PickExpression":
    case "SelectExpression":
      return expression.element === undefined && expression.source.kind === "NameRef";
    default:
      return false;
  }
}

/** Whether the printed form of `expression` ends with the condition of a `where`. */
function endsInWhere(expression: Expression): boolean {
  switch (expression.kind) {
    case "WhereExpression":
      return true;
    case "BinaryExpression":
      return binaryLevel(expression.operator) !== Level.comparison && endsInWhere(expression.right);
    case "CountExpression":
    case "QuantifierExpression":
    case "PickExpression":
    case "SumExpression":
    case "CoverageExpression":
      return endsInWhere(expression.source);
    case "UnaryExpression":
    case "AsPercentExpression":
      return endsInWhere(expression.operand);
    default:
      return false;
  }
}

/** Whether the printed form ends with a child expression (rather than a keyword or token). */
function endsWithChild(expression: Expression): boolean {
  switch (expression.kind) {
    case "BinaryExpression":
    case "UnaryExpression":
    case "CountExpression":
    case "QuantifierExpression":
    case "PickExpression":
    case "SelectExpression":
    case "DocumentedExpression":
    case "LookupExpression":
    case "SumExpression":
    case "CoverageExpression":
    case "TimeSinceExpression":
    case "TimeBetweenExpression":
    case "WhereExpression":
      return true;
    default:
      return false;
  }
}

// The analysis walks right spines again for every slot above them: remember each answer.
const tailCache = {
  full: new WeakMap<Expression, Set<Follower>>(),
  noChain: new WeakMap<Expression, Set<Follower>>(),
};

/** Tokens that the last child of `expression` would take if they followed it. */
function tailAccepts(expression: Expression, mode: ChainMode): Set<Follower> {
  const cached = tailCache[mode].get(expression);
  if (cached !== undefined) return cached;
  let accepted = new Set<Follower>();
  if (endsWithChild(expression)) {
    const children = childSlots(expression, mode);
    accepted = acceptsAfter(children[children.length - 1]!);
  }
  tailCache[mode].set(expression, accepted);
  return accepted;
}

/**
 * Tokens that would be taken inside a child printed in its slot: by the grammar rules between
 * the slot's level and the child's own (a name in an `and` slot still sits in a comparison, so a
 * following `==` joins it), by the child's own loop, and by its tail.
 */
function acceptsAfter(child: ChildSlot): Set<Follower> {
  const own = child.parenthesized ? Level.access : levelOf(child.expression);
  const mode = child.mode;
  const accepted = new Set<Follower>();
  for (const level of OPERATOR_LEVELS) if (child.level <= level && level < own) accepted.add(level);
  if (mode === "full" && child.level <= Level.chain && own > Level.chain) accepted.add("step");
  if (own === Level.access) accepted.add("dot");
  if (child.parenthesized) return accepted;
  const expression = child.expression;
  if (expression.kind === "BinaryExpression" && own !== Level.comparison) accepted.add(own);
  if (expression.kind === "WhereExpression" || expression.kind === "WithinExpression") accepted.add("step");
  for (const follower of tailAccepts(expression, mode)) accepted.add(follower);
  return accepted;
}
