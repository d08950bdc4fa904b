// The reference interpreter: evaluates a checked policy from its lowered form (../lower). It is
// the semantic oracle that compiled evaluators are tested against, and what `pol eval` runs.

import { Evaluator } from "./evaluate.js";
import type { LoweredParts, LoweredRule } from "../lower/ir.js";
import { lower } from "../lower/lower.js";
import { singleTest } from "../lower/parts.js";
import type { CheckedPolicy } from "../model.js";
import {
  determine,
  validateCase,
  type CaseError,
  type ConditionParts,
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
    ...(rule.whenParts === undefined ? {} : partsOrKey(evaluator, rule.whenParts, "whenParts", "whenKey")),
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
        ...(criterion.parts === undefined ? {} : partsOrKey(evaluator, criterion.parts, "parts", "key")),
      };
    }),
  };
}

/** A condition's parts as the runtime takes them, or only its key when it is one test showing nothing. */
function partsOrKey<P extends string, K extends string>(
  evaluator: Evaluator,
  lowered: LoweredParts,
  parts: P,
  key: K,
): { [name in P]?: ConditionParts } & { [name in K]?: string } {
  const single = singleTest(lowered);
  return (single === undefined ? { [parts]: conditionParts(evaluator, lowered) } : { [key]: single }) as { [name in P]?: ConditionParts } & { [name in K]?: string };
}

/** A condition's parts as the runtime takes them: a comparison it shows gives its two sides too. */
function conditionParts(evaluator: Evaluator, lowered: LoweredParts): ConditionParts {
  return {
    shape: lowered.shape,
    parts: lowered.parts.map(({ key, shows }) => {
      if (shows === undefined) return { key };
      const { left: _left, right: _right, ...shown } = shows;
      return { key, shows: shown };
    }),
    values: (ctx) =>
      lowered.parts.map(({ expr, shows }) =>
        shows === undefined
          ? evaluator.condition(expr, ctx)
          : [
              evaluator.condition(expr, ctx),
              evaluator.value(shows.left, ctx, []),
              shows.right === undefined ? undefined : evaluator.value(shows.right, ctx, []),
            ],
      ),
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
