// CST -> AST for expressions. Each grammar level folds left to right; parentheses leave no node.

import type { CstNode, IToken } from "chevrotain";
import type {
  BinaryOperator,
  DurationLiteral,
  Expression,
  Identifier,
  Span,
  StringLiteral,
} from "../ast.js";
import { node, nodes, onlyToken, optionalNode, optionalToken, token, tokens } from "./cst.js";
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
  constructor(private readonly positions: SourcePositions) {}

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
  expression(cst: CstNode): Expression {
    return this.binaryLevel(node(cst, "orExpression"), "andExpression", Level.And);
  }

  /**
   * `a op b op c`: operands under `operandKey`, operators labelled `operator`, left-assoc.
   * The operand level is an enum rather than a callback so that no closure is made per node.
   */
  private binaryLevel(cst: CstNode, operandKey: string, operandLevel: Level): Expression {
    const operands = cst.children[operandKey] ?? [];
    const operators = cst.children["operator"];
    let result = this.operand(operands[0] as CstNode, operandLevel);
    if (operators === undefined) return result;
    for (let index = 0; index < operators.length; index++) {
      const operator = operators[index] as IToken;
      const right = this.operand(operands[index + 1] as CstNode, operandLevel);
      result = {
        kind: "BinaryExpression",
        operator: operator.image as BinaryOperator,
        operatorSpan: this.positions.tokenSpan(operator),
        left: result,
        right,
        span: this.positions.join(result.span, right.span),
      };
    }
    return result;
  }

  private operand(cst: CstNode, level: Level): Expression {
    switch (level) {
      case Level.And:
        return this.binaryLevel(cst, "notExpression", Level.Not);
      case Level.Not:
        return this.not(cst);
      case Level.Multiplicative:
        return this.binaryLevel(cst, "unary", Level.Unary);
      case Level.Unary:
        return this.unary(cst);
    }
  }

  private not(cst: CstNode): Expression {
    const keyword = optionalToken(cst, "Not");
    if (keyword === undefined) return this.comparison(node(cst, "comparison"));
    const operand = this.not(node(cst, "notExpression"));
    return {
      kind: "UnaryExpression",
      operator: "not",
      operand,
      span: this.positions.join(this.positions.tokenSpan(keyword), operand.span),
    };
  }

  private comparison(cst: CstNode): Expression {
    const [leftCst, rightCst] = nodes(cst, "asPercent");
    const left = this.asPercent(leftCst!);
    const operator = optionalToken(cst, "operator");
    if (operator !== undefined) {
      const right = this.asPercent(rightCst!);
      return {
        kind: "BinaryExpression",
        operator: operator.image as BinaryOperator,
        operatorSpan: this.positions.tokenSpan(operator),
        left,
        right,
        span: this.positions.join(left.span, right.span),
      };
    }
    const codes = optionalToken(cst, "Identifier");
    if (codes === undefined) return left;
    return {
      kind: "InCodesExpression",
      operand: left,
      codes: this.identifier(codes),
      negated: optionalToken(cst, "Not") !== undefined,
      span: this.positions.join(left.span, this.positions.tokenSpan(codes)),
    };
  }

  private asPercent(cst: CstNode): Expression {
    const operand = this.additive(node(cst, "additive"));
    const percent = optionalToken(cst, "Percent");
    if (percent === undefined) return operand;
    return {
      kind: "AsPercentExpression",
      operand,
      span: this.positions.join(operand.span, this.positions.tokenSpan(percent)),
    };
  }

  private additive(cst: CstNode): Expression {
    return this.binaryLevel(cst, "multiplicative", Level.Multiplicative);
  }

  private unary(cst: CstNode): Expression {
    const minus = optionalToken(cst, "Minus");
    if (minus === undefined) return this.prefix(node(cst, "prefix"));
    const operand = this.unary(node(cst, "unary"));
    return {
      kind: "UnaryExpression",
      operator: "-",
      operand,
      span: this.positions.join(this.positions.tokenSpan(minus), operand.span),
    };
  }

  private prefix(cst: CstNode): Expression {
    const start = cst.location!.startOffset;
    const spanTo = (last: Expression): Span => this.positions.spanFrom(start, last.span);
    const listPrefix = optionalNode(cst, "listPrefix");
    if (listPrefix !== undefined) {
      const keyword = token(listPrefix, "operator");
      const source = this.chain(node(listPrefix, "chain"));
      const span = spanTo(source);
      switch (keyword.image) {
        case "count":
          return { kind: "CountExpression", source, span };
        case "some":
        case "no":
          return { kind: "QuantifierExpression", quantifier: keyword.image, source, span };
        default:
          return {
            kind: "PickExpression",
            pick: keyword.image === "latest" ? "latest" : "earliest",
            source,
            span,
          };
      }
    }
    if (optionalToken(cst, "Sum") !== undefined) {
      const source = this.chain(node(cst, "chain"));
      return {
        kind: "SumExpression",
        field: this.identifier(token(cst, "Identifier")),
        source,
        span: spanTo(source),
      };
    }
    if (optionalToken(cst, "Coverage") !== undefined) {
      const source = this.chain(node(cst, "chain"));
      return { kind: "CoverageExpression", source, span: spanTo(source) };
    }
    if (optionalToken(cst, "Since") !== undefined) {
      const from = this.additive(node(cst, "additive"));
      return { kind: "TimeSinceExpression", from, span: spanTo(from) };
    }
    if (optionalToken(cst, "Between") !== undefined) {
      const [fromCst, toCst] = nodes(cst, "additive");
      const from = this.additive(fromCst!);
      const to = this.additive(toCst!);
      return { kind: "TimeBetweenExpression", from, to, span: spanTo(to) };
    }
    return this.chain(node(cst, "chain"));
  }

  /** `L where C within 12mo ...`: steps nest left to right. */
  private chain(cst: CstNode): Expression {
    let result = this.access(node(cst, "access"));
    for (const step of nodes(cst, "chainStep")) {
      const condition = optionalNode(step, "expression");
      if (condition !== undefined) {
        const built = this.expression(condition);
        result = {
          kind: "WhereExpression",
          source: result,
          condition: built,
          span: this.positions.join(result.span, built.span),
        };
      } else {
        const window = this.duration(token(step, "DurationLiteral"));
        result = {
          kind: "WithinExpression",
          source: result,
          window,
          span: this.positions.join(result.span, window.span),
        };
      }
    }
    return result;
  }

  private access(cst: CstNode): Expression {
    let result = this.primary(node(cst, "primary"));
    for (const field of tokens(cst, "fields")) {
      const name = this.identifier(field);
      result = {
        kind: "FieldAccess",
        target: result,
        field: name,
        span: this.positions.join(result.span, name.span),
      };
    }
    return result;
  }

  private primary(cst: CstNode): Expression {
    const inner = optionalNode(cst, "expression");
    if (inner !== undefined) return this.expression(inner);
    const group = optionalNode(cst, "group");
    if (group !== undefined) {
      const operator = token(group, "operator").image === "all" ? "all" : "any";
      const operands = nodes(group, "expression").map((operand) => this.expression(operand));
      return {
        kind: "GroupExpression",
        operator,
        operands,
        span: this.positions.span(group.location!.startOffset, group.location!.endOffset! + 1),
      };
    }
    return this.literalOrName(onlyToken(cst));
  }

  private literalOrName(literal: IToken): Expression {
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
      case "Note": // a contextual keyword, a name everywhere but at the start of a criterion
      case "Item":
        return { kind: "NameRef", name: text, span };
      default:
        throw new Error(`unexpected primary token ${literal.tokenType.name}`);
    }
  }
}
