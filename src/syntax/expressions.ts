// CST -> AST for expressions. Each grammar level folds left to right; parentheses leave no node,
// but a node built around a parenthesised operand spans its parentheses (see `outer`).

import type { CstNode, IToken } from "chevrotain";
import type {
  AccessCstNode,
  AdditiveCstNode,
  AndExpressionCstNode,
  AsPercentCstNode,
  ChainCstNode,
  ComparisonCstNode,
  ExpressionCstNode,
  MultiplicativeCstNode,
  NotExpressionCstNode,
  PrefixCstNode,
  PrimaryCstNode,
  UnaryCstNode,
} from "../../grammar/cst.js";
import type {
  BinaryOperator,
  DurationLiteral,
  YearWindow,
  Expression,
  Identifier,
  Span,
  StringLiteral,
} from "../ast.js";
import { at, one, onlyToken } from "./cst.js";
import { durationParts, stringValue } from "./literals.js";
import type { SourcePositions } from "./positions.js";

/** The operand of a binary level: which builder `binaryLevel` hands each operand to. */
const enum Level {
  And,
  Not,
  Multiplicative,
  Unary,
}

export class ExpressionBuilder {
  /** The span of each parenthesised expression with its parentheses: the expression keeps its own
   *  span (diagnostics point at it), and a node built around it spans the parentheses too, so its
   *  source text (`(a + b) >= 10`) is whole. */
  private readonly bracketed = new WeakMap<Expression, Span>();

  constructor(private readonly positions: SourcePositions) {}

  private outer(e: Expression): Span {
    return this.bracketed.get(e) ?? e.span;
  }

  identifier(name: IToken): Identifier {
    return { kind: "Identifier", name: name.image, span: this.positions.tokenSpan(name) };
  }

  string(literal: IToken): StringLiteral {
    return {
      kind: "StringLiteral",
      value: stringValue(literal.image),
      span: this.positions.tokenSpan(literal),
    };
  }

  duration(literal: IToken): DurationLiteral {
    return {
      kind: "DurationLiteral",
      ...durationParts(literal.image),
      span: this.positions.tokenSpan(literal),
    };
  }

  /** `expression` */
  expression(cst: ExpressionCstNode): Expression {
    const or = one(cst.children.orExpression).children;
    return this.binaryLevel(or.andExpression, or.operator, Level.And);
  }

  /**
   * `a op b op c`: the operands of one level and the operators between them (labelled
   * `operator` in every binary rule), left-assoc. The operand level is an enum rather than a
   * callback so that no closure is made per node.
   */
  private binaryLevel(operands: readonly CstNode[], operators: readonly IToken[] | undefined, operandLevel: Level): Expression {
    let result = this.operand(one(operands), operandLevel);
    if (operators === undefined) return result;
    for (let index = 0; index < operators.length; index++) {
      const operator = operators[index]!;
      const right = this.operand(at(operands, index + 1), operandLevel);
      result = {
        kind: "BinaryExpression",
        operator: operator.image as BinaryOperator,
        operatorSpan: this.positions.tokenSpan(operator),
        left: result,
        right,
        span: this.positions.join(this.outer(result), this.outer(right)),
      };
    }
    return result;
  }

  /** `cst` is a node of the rule `level` names (the caller took it from that rule's operands). */
  private operand(cst: CstNode, level: Level): Expression {
    switch (level) {
      case Level.And: {
        const and = (cst as AndExpressionCstNode).children;
        return this.binaryLevel(and.notExpression, and.operator, Level.Not);
      }
      case Level.Not:
        return this.not(cst as NotExpressionCstNode);
      case Level.Multiplicative: {
        const multiplicative = (cst as MultiplicativeCstNode).children;
        return this.binaryLevel(multiplicative.unary, multiplicative.operator, Level.Unary);
      }
      case Level.Unary:
        return this.unary(cst as UnaryCstNode);
    }
  }

  private not(cst: NotExpressionCstNode): Expression {
    const children = cst.children;
    const keyword = children.Not?.[0];
    if (keyword === undefined) return this.comparison(one(children.comparison));
    const operand = this.not(one(children.notExpression));
    return {
      kind: "UnaryExpression",
      operator: "not",
      operand,
      span: this.positions.join(this.positions.tokenSpan(keyword), this.outer(operand)),
    };
  }

  private comparison(cst: ComparisonCstNode): Expression {
    const children = cst.children;
    const [leftCst, rightCst] = children.asPercent;
    const left = this.asPercent(leftCst!);
    const operator = children.operator?.[0];
    if (operator !== undefined) {
      const right = this.asPercent(rightCst!);
      return {
        kind: "BinaryExpression",
        operator: operator.image as BinaryOperator,
        operatorSpan: this.positions.tokenSpan(operator),
        left,
        right,
        span: this.positions.join(this.outer(left), this.outer(right)),
      };
    }
    const negated = children.Not !== undefined;
    const set = children.memberSet?.[0];
    if (set !== undefined) {
      const members = (set.children.members ?? []).map((token) =>
        token.tokenType.name === "Identifier" ? this.identifier(token) : this.string(token),
      );
      const end = this.positions.tokenSpan(one(set.children.RBrace));
      return { kind: "InSetExpression", operand: left, members, negated, span: this.positions.join(this.outer(left), end) };
    }
    const target = children.target?.[0];
    if (target === undefined) return left;
    const list = this.access(target);
    const span = this.positions.join(this.outer(left), this.outer(list));
    if (list.kind === "NameRef") {
      const codes: Identifier = { kind: "Identifier", name: list.name, span: list.span };
      return { kind: "InCodesExpression", operand: left, codes, negated, span };
    }
    return { kind: "InListExpression", operand: left, list, negated, span };
  }

  private asPercent(cst: AsPercentCstNode): Expression {
    const [operandCst, dateCst] = cst.children.additive;
    const operand = this.additive(operandCst!);
    if (dateCst !== undefined) {
      const date = this.additive(dateCst);
      return { kind: "AsOfExpression", rule: operand, date, span: this.positions.join(this.outer(operand), this.outer(date)) };
    }
    const percent = cst.children.Percent?.[0];
    if (percent === undefined) return operand;
    return {
      kind: "AsPercentExpression",
      operand,
      span: this.positions.join(this.outer(operand), this.positions.tokenSpan(percent)),
    };
  }

  private additive(cst: AdditiveCstNode): Expression {
    return this.binaryLevel(cst.children.multiplicative, cst.children.operator, Level.Multiplicative);
  }

  private unary(cst: UnaryCstNode): Expression {
    const children = cst.children;
    const minus = children.Minus?.[0];
    if (minus === undefined) return this.prefix(one(children.prefix));
    const operand = this.unary(one(children.unary));
    return {
      kind: "UnaryExpression",
      operator: "-",
      operand,
      span: this.positions.join(this.positions.tokenSpan(minus), this.outer(operand)),
    };
  }

  private prefix(cst: PrefixCstNode): Expression {
    const children = cst.children;
    const start = cst.location!.startOffset;
    const spanTo = (last: Expression): Span => this.positions.spanFrom(start, this.outer(last));
    const listPrefix = children.listPrefix?.[0];
    if (listPrefix !== undefined) {
      const parts = listPrefix.children;
      const keyword = one(parts.operator);
      const source = this.chain(one(parts.chain));
      const span = spanTo(source);
      const name = parts.element?.[0];
      const element = name === undefined ? {} : { element: this.identifier(name) };
      const ordinal = parts.ordinal?.[0];
      switch (keyword.image) {
        case "count": {
          const distinct = parts.keys === undefined ? {} : { distinct: parts.keys.map((key) => this.identifier(key)) };
          return { kind: "CountExpression", source, ...distinct, ...element, span };
        }
        case "some":
        case "no":
          return { kind: "QuantifierExpression", quantifier: keyword.image, source, ...element, span };
        default: {
          const pick = keyword.image === "latest" ? "latest" : "earliest";
          if (ordinal === undefined) return { kind: "PickExpression", pick, source, ...element, span };
          const count = this.literalOrName(ordinal);
          if (count.kind !== "NumberLiteral") throw new Error("an ordinal that is not a number");
          return { kind: "SelectExpression", pick, count, source, ...element, span };
        }
      }
    }
    const table = children.table?.[0];
    if (table !== undefined) {
      const key = this.access(one(children.key));
      return { kind: "LookupExpression", table: this.identifier(table), key, span: spanTo(key) };
    }
    if (children.Documented !== undefined) {
      const operand = this.access(one(children.access));
      return { kind: "DocumentedExpression", operand, span: spanTo(operand) };
    }
    if (children.Sum !== undefined) {
      const source = this.chain(one(children.chain));
      return {
        kind: "SumExpression",
        field: this.identifier(one(children.Identifier)),
        source,
        span: spanTo(source),
      };
    }
    if (children.Coverage !== undefined) {
      const source = this.chain(one(children.chain));
      return { kind: "CoverageExpression", source, span: spanTo(source) };
    }
    if (children.Since !== undefined) {
      const from = this.additive(one(children.additive));
      return { kind: "TimeSinceExpression", from, span: spanTo(from) };
    }
    if (children.Between !== undefined) {
      const [fromCst, toCst] = children.additive ?? [];
      const from = this.additive(fromCst!);
      const to = this.additive(toCst!);
      return { kind: "TimeBetweenExpression", from, to, span: spanTo(to) };
    }
    return this.chain(one(children.chain));
  }

  /** `L where C within 12mo ...`: steps nest left to right. */
  private chain(cst: ChainCstNode): Expression {
    let result = this.access(one(cst.children.access));
    for (const step of cst.children.chainStep ?? []) {
      const condition = step.children.expression?.[0];
      if (condition !== undefined) {
        const built = this.expression(condition);
        result = {
          kind: "WhereExpression",
          source: result,
          condition: built,
          span: this.positions.join(this.outer(result), this.outer(built)),
        };
      } else {
        const duration = step.children.DurationLiteral?.[0];
        const year = step.children.year?.[0];
        const window: DurationLiteral | YearWindow =
          duration !== undefined
            ? this.duration(duration)
            : {
                kind: "YearWindow",
                year: year!.image === "plan" ? "plan" : "calendar",
                span: this.positions.join(this.positions.tokenSpan(year!), this.positions.tokenSpan(one(step.children.Year))),
              };
        result = {
          kind: "WithinExpression",
          source: result,
          window,
          span: this.positions.join(this.outer(result), window.span),
        };
      }
    }
    return result;
  }

  private access(cst: AccessCstNode): Expression {
    let result = this.primary(one(cst.children.primary));
    for (const field of cst.children.fields ?? []) {
      const name = this.identifier(field);
      result = {
        kind: "FieldAccess",
        target: result,
        field: name,
        span: this.positions.join(this.outer(result), name.span),
      };
    }
    return result;
  }

  private primary(cst: PrimaryCstNode): Expression {
    const inner = cst.children.expression?.[0];
    if (inner !== undefined) {
      const built = this.expression(inner);
      this.bracketed.set(built, this.positions.span(cst.location!.startOffset, cst.location!.endOffset! + 1));
      return built;
    }
    const group = cst.children.group?.[0];
    if (group !== undefined) {
      const operator = one(group.children.operator).image === "all" ? "all" : "any";
      const operands = group.children.expression.map((operand) => this.expression(operand));
      return {
        kind: "GroupExpression",
        operator,
        operands,
        span: this.positions.span(group.location!.startOffset, group.location!.endOffset! + 1),
      };
    }
    // Whichever literal or name the alternative consumed (a contextual keyword among them).
    return this.literalOrName(onlyToken(cst));
  }

  literalOrName(literal: IToken): Expression {
    const span = this.positions.tokenSpan(literal);
    const text = literal.image;
    switch (literal.tokenType.name) {
      case "True":
        return { kind: "BooleanLiteral", value: true, span };
      case "False":
        return { kind: "BooleanLiteral", value: false, span };
      case "NumberLiteral":
        return { kind: "NumberLiteral", value: Number(text), text, span };
      case "PercentLiteral":
        return { kind: "PercentLiteral", value: Number(text.slice(0, -1)), text, span };
      case "DurationLiteral":
        return this.duration(literal);
      case "DateLiteral":
        return { kind: "DateLiteral", value: text, span };
      case "StringLiteral":
        return this.string(literal);
      case "Identifier":
      case "Note": // contextual keywords, names everywhere but at the start of a criterion
      case "Refer":
      case "Waive":
      case "Table": // a contextual keyword, a name everywhere but at the start of a declaration
      case "Item":
        return { kind: "NameRef", name: text, span };
      default:
        throw new Error(`unexpected primary token ${literal.tokenType.name}`);
    }
  }
}
