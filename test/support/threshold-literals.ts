// The thresholds a checked policy states: every comparison with a literal on one side, found by
// walking its lets, rule conditions and criteria, with where it sits and its source text.

import type {
  BinaryExpression,
  DateLiteral,
  DurationLiteral,
  Expression,
  NumberLiteral,
  PercentLiteral,
} from "../../src/ast.js";
import type { CheckedPolicy } from "../../src/model.js";
import type { CompareOperator } from "@pol/runtime";

export type ThresholdLiteral = NumberLiteral | PercentLiteral | DurationLiteral | DateLiteral;

export type Owner =
  | { kind: "criterion"; rule: string; criterion: string; citation: string; condition: Expression }
  | { kind: "let"; name: string }
  | { kind: "when"; rule: string };

export interface Threshold {
  comparison: BinaryExpression;
  operator: CompareOperator;
  /** The side that is not the literal. */
  operand: Expression;
  literal: ThresholdLiteral;
  /** `75% <= relief` rather than `relief >= 75%`. */
  literalFirst: boolean;
  owner: Owner;
  /** The comparison as written, whitespace collapsed. */
  text: string;
}

const COMPARISONS = new Set<string>(["==", "!=", "<", "<=", ">", ">="]);
const LITERALS = new Set<string>(["NumberLiteral", "PercentLiteral", "DurationLiteral", "DateLiteral"]);

/** Every expression node under `root` (itself included), in source order. */
export function expressionsUnder(root: Expression | undefined): Expression[] {
  const found: Expression[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.kind === "string" && record.kind !== "Identifier") found.push(record as unknown as Expression);
    for (const [key, child] of Object.entries(record)) if (key !== "span" && key !== "operatorSpan") visit(child);
  };
  visit(root);
  return found;
}

function thresholdOf(expr: Expression, owner: Owner, sources: ReadonlyMap<string, string>): Threshold | undefined {
  if (expr.kind !== "BinaryExpression" || !COMPARISONS.has(expr.operator)) return undefined;
  const literalFirst = LITERALS.has(expr.left.kind);
  if (!literalFirst && !LITERALS.has(expr.right.kind)) return undefined;
  if (literalFirst && LITERALS.has(expr.right.kind)) return undefined; // two literals: no threshold
  const text = sources.get(expr.span.file)?.slice(expr.span.start.offset, expr.span.end.offset) ?? "";
  return {
    comparison: expr,
    operator: expr.operator as CompareOperator,
    operand: literalFirst ? expr.right : expr.left,
    literal: (literalFirst ? expr.left : expr.right) as ThresholdLiteral,
    literalFirst,
    owner,
    text: text.replace(/\s+/g, " ").trim(),
  };
}

/** Every threshold of the policy's own file and the files it uses, lets first, then rules in order. */
export function thresholdsOf(policy: CheckedPolicy, sources: ReadonlyMap<string, string>): Threshold[] {
  const found: Threshold[] = [];
  const collect = (root: Expression | undefined, owner: Owner): void => {
    for (const expr of expressionsUnder(root)) {
      const threshold = thresholdOf(expr, owner, sources);
      if (threshold) found.push(threshold);
    }
  };
  for (const entry of policy.lets) collect(entry.decl.value, { kind: "let", name: entry.name });
  for (const rule of policy.rules) {
    collect(rule.decl.when, { kind: "when", rule: rule.id });
    for (const criterion of rule.criteria) {
      if (!criterion.condition) continue;
      collect(criterion.condition, {
        kind: "criterion",
        rule: rule.id,
        criterion: criterion.id,
        citation: criterion.citation,
        condition: criterion.condition,
      });
    }
  }
  return found;
}

/** Where a threshold sits, for test names: `D.I.B.1 B1_relief` or `let positive_diagnostic_sij`. */
export function ownerName(owner: Owner): string {
  switch (owner.kind) {
    case "criterion":
      return `${owner.citation} ${owner.criterion}`;
    case "let":
      return `let ${owner.name}`;
    case "when":
      return `rule ${owner.rule} when`;
  }
}
