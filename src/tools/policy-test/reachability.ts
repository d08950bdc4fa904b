// Which states a criterion can be driven to at all (docs/testing.md, "Coverage"). An exclusion
// or note without a condition is never met nor unknown (a note's states read as an exclusion's). A condition can only be unknown when it reads a
// fact a case may leave out: everything except the date of service and line items' codes (the
// validator requires those), found by walking the condition through the lets and computed fields
// it uses, as the checker resolved them.

import { CASE_RECORD, ITEM_RECORD, type CheckedCriterion, type CheckedPolicy, type Expression } from "../../index.js";
import type { Status } from "@pol/runtime";

export function reachableStates(criterion: CheckedCriterion, facts: OptionalFactReads): Set<Status> {
  if (criterion.effect === "approve") return new Set(["met"]);
  if (!criterion.condition) return new Set(criterion.effect === "require" ? ["met", "not_met"] : ["not_met"]);
  const states = new Set<Status>(["met", "not_met"]);
  if (facts.mayRead(criterion.condition)) states.add("unknown");
  return states;
}

/** Answers whether an expression of one policy may read a fact that a valid case can omit. */
export class OptionalFactReads {
  private readonly lets = new Map<string, boolean>();
  private readonly computed = new Map<string, boolean>();
  /** Lets and computed fields being walked: a cycle (already an error) reads nothing new. */
  private readonly active = new Set<string>();

  constructor(private readonly policy: CheckedPolicy) {}

  mayRead(expression: Expression): boolean {
    switch (expression.kind) {
      case "BooleanLiteral":
      case "NumberLiteral":
      case "PercentLiteral":
      case "DurationLiteral":
      case "DateLiteral":
      case "StringLiteral":
        return false;
      case "NameRef":
        return this.name(expression);
      case "FieldAccess": {
        if (this.policy.memberOf(expression)) return false;
        const { record, field } = this.policy.fieldOf(expression);
        return this.mayRead(expression.target) || this.field(record, field.name);
      }
      case "UnaryExpression":
      case "InCodesExpression":
      case "InSetExpression":
      case "DocumentedExpression":
      case "AsPercentExpression":
        return this.mayRead(expression.operand);
      case "AsOfExpression":
        // The rule it names reads facts of the case's history.
        return true;
      case "BinaryExpression":
        return this.mayRead(expression.left) || this.mayRead(expression.right);
      case "GroupExpression":
        return expression.operands.some((operand) => this.mayRead(operand));
      case "WhereExpression":
        return this.mayRead(expression.source) || this.mayRead(expression.condition);
      case "CountExpression":
      case "QuantifierExpression":
        return this.mayRead(expression.source);
      case "TimeSinceExpression":
        return this.mayRead(expression.from);
      case "TimeBetweenExpression":
        return this.mayRead(expression.from) || this.mayRead(expression.to);
      // Windows, latest/earliest, sums and coverage read events' dates or fields, all optional.
      case "WithinExpression":
      case "PickExpression":
      case "SumExpression":
      case "CoverageExpression":
        return true;
      default:
        return true;
    }
  }

  private name(expression: Expression & { kind: "NameRef" }): boolean {
    const binding = this.policy.resolve(expression);
    switch (binding.kind) {
      case "dos":
      case "enumMember":
      case "item":
      case "items":
      case "otherItems":
      case "earlierItems":
      case "namedElement":
        return false;
      case "caseField":
        return this.field(CASE_RECORD, binding.field);
      case "element":
        return this.field(binding.record, binding.field);
      case "let":
        return this.let(binding.name);
    }
  }

  /** Reading `record.field` directly: only the required fields are always there. */
  private field(record: string, field: string): boolean {
    if (record === ITEM_RECORD && field === "code") return false;
    if (record === CASE_RECORD && (field === "date_of_service" || field === "items")) return false;
    const computed = this.policy.schema.records.get(record)?.fields.get(field)?.computed;
    if (!computed) return true;
    return this.memo(this.computed, `${record}.${field}`, () => this.mayRead(computed));
  }

  private let(name: string): boolean {
    const entry = this.policy.lets.find((candidate) => candidate.name === name);
    if (!entry) return true;
    return this.memo(this.lets, name, () => this.mayRead(entry.decl.value));
  }

  private memo(cache: Map<string, boolean>, key: string, compute: () => boolean): boolean {
    const known = cache.get(key);
    if (known !== undefined) return known;
    if (this.active.has(key)) return false;
    this.active.add(key);
    const result = compute();
    this.active.delete(key);
    cache.set(key, result);
    return result;
  }
}
