// The reference interpreter: evaluates a checked policy from its lowered form (../lower). It is
// the semantic oracle that compiled evaluators are tested against, and what `pol eval` runs.

import { Evaluator } from "./evaluate.js";
import type { LoweredRule } from "../lower/ir.js";
import { lower } from "../lower/lower.js";
import type { CheckedPolicy } from "../model.js";
import {
  determine,
  validateCase,
  type CaseError,
  type Context,
  type CriterionSpec,
  type Determination,
  type EvaluateOptions,
  type PolicyInfo,
  type RuleSpec,
  type SchemaDescriptor,
} from "@pol/runtime";
import { policyInfo, schemaDescriptor } from "../schema-descriptor.js";

interface Prepared {
  info: PolicyInfo;
  schema: SchemaDescriptor;
  rules: readonly RuleSpec[];
}

/** Everything derived from a policy once, so evaluating many cases only evaluates. */
const prepared = new WeakMap<CheckedPolicy, Prepared>();

function prepare(policy: CheckedPolicy): Prepared {
  let entry = prepared.get(policy);
  if (!entry) {
    const lowered = lower(policy);
    const schema = schemaDescriptor(policy.schema);
    const evaluator = new Evaluator(lowered, schema);
    const rules = lowered.rules.map((rule) => ruleSpec(evaluator, rule));
    evaluator.rules = rules;
    entry = { info: policyInfo(policy), schema, rules };
    prepared.set(policy, entry);
  }
  return entry;
}

export { policyInfo };

function ruleSpec(evaluator: Evaluator, rule: LoweredRule): RuleSpec {
  const when = rule.when;
  return {
    id: rule.id,
    title: rule.title,
    citation: rule.citation,
    codes: rule.codeSets.map((index) => evaluator.codeSet(index)),
    ...(when === undefined ? {} : { when: (ctx: Context) => evaluator.condition(when, ctx) }),
    criteria: rule.criteria.map((criterion): CriterionSpec => {
      const condition = criterion.condition;
      const waiver = rule.criteria.find((other) => other.id === criterion.waivedBy)?.condition;
      return {
        id: criterion.id,
        effect: criterion.effect,
        citation: criterion.citation,
        description: criterion.description,
        line: criterion.line,
        ...(condition === undefined ? {} : { condition: (ctx: Context) => evaluator.condition(condition, ctx) }),
        ...(criterion.waivedBy === undefined || waiver === undefined
          ? {}
          : { waivedBy: criterion.waivedBy, waiver: (ctx: Context) => evaluator.condition(waiver, ctx) }),
        ...(criterion.cost > 0 ? { cost: criterion.cost } : {}),
      };
    }),
  };
}

/** The determination for a case that has already passed `validateCase`. */
export function interpret(
  policy: CheckedPolicy,
  input: Record<string, unknown>,
  options?: EvaluateOptions,
): Determination {
  const { info, schema, rules } = prepare(policy);
  return determine(info, schema, rules, input, options);
}

/** Validate untrusted JSON as a case of the policy's schema, then evaluate it. */
export function evaluateCase(
  policy: CheckedPolicy,
  json: unknown,
  options?: EvaluateOptions,
): { ok: true; determination: Determination } | { ok: false; errors: CaseError[] } {
  const { schema } = prepare(policy);
  const validation = validateCase(json, schema, options);
  if (!validation.ok) return { ok: false, errors: validation.errors };
  return {
    ok: true,
    determination: interpret(policy, validation.value, options),
  };
}
