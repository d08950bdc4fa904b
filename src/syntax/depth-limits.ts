// Limits on how deeply expressions nest, checked on the tokens before parsing. The parser and
// every later pass over expressions (AST building, checking, formatting, the evaluators) recurse
// once per level of the tree, so a tree deep enough would exhaust the stack: a parser written for
// people, not for hostile input. Rather than make each pass iterative, the front end refuses
// trees deeper than the limits below with POL1014 at the token that crosses them, and no later
// pass ever sees such a tree. The limits lie far beyond what a person writes (docs/language.md,
// "Limits").

import type { IToken } from "chevrotain";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { SourcePositions } from "./positions.js";

/** Levels of parentheses, `all(`/`any(` groups and prefix operators (`not`, `-`, `count`, ...). */
export const MAX_NESTING = 64;

/**
 * Operators in one expression, counted along every path from its root: a chain `a or b or c`
 * builds a left-nested tree as deep as it has operators, and `where` steps nest likewise.
 */
export const MAX_OPERATORS = 500;

/**
 * Operators that make a binary node (or a chain step) of the tree, by precedence class (lowest
 * first). A chain of one class nests as deep as it is long; an operator of a lower class ends the
 * runs of the higher classes (its right operand starts afresh), and `,` ends them all.
 */
const CLASS = new Map<string, number>([
  ["Comma", -1],
  ["Or", 0],
  ["And", 1],
  ["EqualEqual", 2], ["NotEqual", 2], ["LessEqual", 2], ["GreaterEqual", 2], ["Less", 2], ["Greater", 2], ["In", 2],
  ["As", 3],
  ["Plus", 4], ["Minus", 4],
  ["Star", 5], ["Slash", 5],
  ["Where", 6], ["Within", 6], ["Dot", 6],
]);
const CLASSES = 7;

/** Prefix operators: each nests its operand one level deeper. */
const PREFIX = new Set(["Not", "Count", "Some", "No", "Latest", "Earliest", "Sum", "Coverage", "Time", "All", "Any"]);

/** Tokens after which a `-` is binary (the end of an operand). */
const OPERAND_END = new Set([
  "Identifier", "Item", "RParen", "NumberLiteral", "PercentLiteral", "DurationLiteral", "DateLiteral",
  "StringLiteral", "True", "False", "Percent",
]);

/** Tokens that start a new expression (or leave one) outside parentheses. */
const BOUNDARY = new Set([
  "Equals", "Require", "Deny", "NotCovered", "Bundle", "PriorAuthorization", "Refer", "Note", "Waive", "When", "Let", "Rule", "For", "Record", "Enum",
  "Codes", "Case", "Item", "Use", "Policy", "Schema", "LBrace", "RBrace", "Citation", "Colon",
]);

interface Frame {
  /** Binary operators of the current run of each class in this frame, and their sum. */
  runs: number[];
  operators: number;
  /** Prefix operators since the last binary operator of this frame. */
  prefixes: number;
}

/**
 * POL1014 at the first token of each expression that nests deeper than `MAX_NESTING` or holds
 * more than `MAX_OPERATORS` operators along a path. Linear in the number of tokens.
 */
export function depthDiagnostics(tokens: readonly IToken[], positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const newFrame = (): Frame => ({ runs: new Array<number>(CLASSES).fill(0), operators: 0, prefixes: 0 });
  const frames: Frame[] = [newFrame()];
  // Running sums over the open frames, so that each token costs O(1).
  let nesting = 0; // parentheses plus prefix runs
  let operators = 0; // binary operators of the open frames
  let reported = false; // one diagnostic per expression
  let previous: string | undefined;
  for (const token of tokens) {
    const name = token.tokenType.name;
    const top = frames[frames.length - 1]!;
    let crossed: number | undefined;
    if (name === "LParen") {
      frames.push(newFrame());
      nesting++;
      if (nesting > MAX_NESTING) crossed = MAX_NESTING;
    } else if (name === "RParen") {
      if (frames.length > 1) {
        frames.pop();
        nesting -= 1 + top.prefixes;
        operators -= top.operators;
      }
    } else if (frames.length === 1 && BOUNDARY.has(name) && !(name === "Item" && previous === "Dot")) {
      frames[0] = newFrame();
      nesting = 0;
      operators = 0;
      reported = false;
    } else if (PREFIX.has(name) || (name === "Minus" && !OPERAND_END.has(previous ?? ""))) {
      top.prefixes++;
      nesting++;
      if (nesting > MAX_NESTING) crossed = MAX_NESTING;
    } else if (CLASS.has(name)) {
      const level = CLASS.get(name)!;
      nesting -= top.prefixes;
      top.prefixes = 0;
      for (let higher = level + 1; higher < CLASSES; higher++) {
        operators -= top.runs[higher]!;
        top.operators -= top.runs[higher]!;
        top.runs[higher] = 0;
      }
      if (level >= 0) {
        top.runs[level]!++;
        top.operators++;
        operators++;
        if (operators > MAX_OPERATORS) crossed = MAX_OPERATORS;
      }
    }
    if (crossed !== undefined && !reported) {
      reported = true;
      const help = crossed === MAX_NESTING ? "nesting" : "operators";
      const what = crossed === MAX_NESTING ? "levels of nesting" : "operators";
      diagnostics.push(diagnostic("POL1014", positions.tokenSpan(token), { limit: crossed, what }, { help }));
    }
    previous = name;
  }
  return diagnostics;
}
