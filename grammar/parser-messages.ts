// Parser error messages in pol's voice: "expected a criterion id but found `[D.1]`", one lowercase
// sentence, user input in backticks. Chevrotain calls these builders while parsing; the
// diagnostic code (POL1002, or POL1007 at end of input) is chosen when errors become diagnostics.

import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "./chevrotain.js";
import * as T from "./lexer.js";

export const END_OF_FILE_PREFIX = "unexpected end of file: ";

/** What a name means after a given keyword or punctuation, e.g. `for` is followed by a code set. */
const nameAfter = new Map<TokenType, string>([
  [T.Rule, "a rule name"],
  [T.For, "a code set name"],
  [T.In, "a code set name"],
  [T.Codes, "a code set name"],
  [T.Require, "a criterion id"],
  [T.Deny, "a criterion id"],
  [T.NotCovered, "a criterion id"],
  [T.Bundle, "a criterion id"],
  [T.Note, "a criterion id"],
  [T.PriorAuthorization, "a criterion id"],
  [T.Refer, "a criterion id"],
  [T.Waive, "a criterion id"],
  [T.Sum, "a field name"],
  [T.By, "a date field name"],
  [T.To, "a date field name"],
  [T.Of, "a record name"],
  [T.Colon, "a type"],
  [T.Enum, "an enum name"],
  [T.Record, "a record name"],
  [T.Let, "a name"],
  [T.Policy, "a policy id"],
  [T.Schema, "a schema name"],
]);

export class PolErrorMessages implements IParserErrorMessageProvider {
  /** Set once the parser exists: the names of the rules being parsed, outermost first. */
  ruleStack: () => string[] = () => [];

  buildMismatchTokenMessage(options: {
    expected: TokenType;
    actual: IToken;
    previous: IToken;
    ruleName: string;
  }): string {
    return expectedButFound(
      this.describe(options.expected, options.previous, options.ruleName),
      options.actual,
    );
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    return expectedButFound("a declaration", options.firstRedundant);
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const what =
      options.customUserDescription === "an expression"
        ? this.expressionOrCondition()
        : (options.customUserDescription ??
          oneOf(options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]))));
    return expectedButFound(what, options.actual[0]);
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const what =
      options.customUserDescription ?? oneOf(options.expectedIterationPaths.map((path) => path[0]));
    return expectedButFound(what, options.actual[0]);
  }

  private describe(expected: TokenType, previous: IToken, ruleName: string): string {
    // Only the top-level loop expects the end of input: anything else there should have been
    // a declaration.
    if (expected === EOF) return "a declaration";
    if (expected === T.Identifier) {
      if (ruleName === "enumDecl" && previous.tokenType !== T.Enum) return "an enum member";
      if (ruleName === "access") return "a field name";
      if (ruleName === "policyHeader") return "a name";
      if (ruleName === "field" || ruleName === "fieldBlock") return "a field name";
      return nameAfter.get(previous.tokenType) ?? "a name";
    }
    if (expected === T.RBrace && (ruleName === "fieldBlock" || ruleName === "field")) {
      return "a field or `}`";
    }
    return labelOf(expected);
  }

  /** An operand where a condition is expected reads better as "a condition". */
  private expressionOrCondition(): string {
    const stack = this.ruleStack();
    const innermost = stack.lastIndexOf("expression");
    const caller = innermost > 0 ? stack[innermost - 1] : undefined;
    return caller === "criterion" || caller === "ruleDecl" || caller === "chainStep"
      ? "a condition"
      : "an expression";
  }
}

function expectedButFound(what: string, actual: IToken | undefined): string {
  if (actual === undefined || actual.tokenType === EOF)
    return `${END_OF_FILE_PREFIX}expected ${what}`;
  return `expected ${what} but found \`${shown(actual.image)}\``;
}

/** A token image as it appears in a one-line message. */
export function shown(image: string): string {
  const oneLine = image.replace(/\s+/g, " ");
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}

function labelOf(token: TokenType): string {
  return token.LABEL ?? `\`${token.name}\``;
}

function oneOf(tokens: readonly (TokenType | undefined)[]): string {
  const labels = [...new Set(tokens.filter((t): t is TokenType => t !== undefined).map(labelOf))];
  if (labels.length === 0) return "more input";
  if (labels.length === 1) return labels[0]!;
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}
