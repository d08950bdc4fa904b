// The reference interpreter: evaluates a checked policy directly from its AST. It is the semantic
// oracle that compiled evaluators are tested against, and what `pol eval` runs.

import { Evaluator } from "./interpret/evaluate.js";
import { ITEM_RECORD, type CheckedPolicy, type CheckedRule } from "./model.js";
import {
  and,
  determine,
  field,
  inCodes,
  or,
  validateCase,
  type CaseError,
  type CodeSet,
  type CriterionSpec,
  type Determination,
  type EvaluateOptions,
  type PolicyInfo,
  type RuleSpec,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";
import { policyInfo, schemaDescriptor } from "./schema-descriptor.js";

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
    const evaluator = new Evaluator(policy);
    entry = {
      info: policyInfo(policy),
      schema: schemaDescriptor(policy.schema),
      rules: policy.rules.map((rule) => ruleSpec(evaluator, rule)),
    };
    prepared.set(policy, entry);
  }
  return entry;
}

export { policyInfo };

function ruleSpec(evaluator: Evaluator, rule: CheckedRule): RuleSpec {
  const codeSets = rule.codeSets.map((name) => evaluator.codeSet(name));
  const when = rule.decl.when;
  return {
    id: rule.id,
    title: rule.title,
    citation: rule.citation,
    applies: (ctx) =>
      and(
        inAnyCodeSet(field(ctx, ITEM_RECORD, ctx.item, "code"), codeSets),
        when ? (evaluator.value(when, ctx, []) as Tri) : true,
      ),
    criteria: rule.criteria.map((criterion): CriterionSpec => {
      const spec: CriterionSpec = {
        id: criterion.id,
        effect: criterion.effect,
        citation: criterion.citation,
        description: criterion.description,
        line: criterion.line,
      };
      const condition = criterion.condition;
      if (condition) spec.condition = (ctx) => evaluator.value(condition, ctx, []) as Tri;
      return spec;
    }),
  };
}

/** Whether a code is in any of a rule's code sets (`for a, b`). */
function inAnyCodeSet(code: unknown, codeSets: readonly CodeSet[]): Tri {
  return codeSets.length === 1 ? inCodes(code, codeSets[0]!) : or(...codeSets.map((set) => inCodes(code, set)));
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
  const validation = validateCase(json, schema);
  if (!validation.ok) return { ok: false, errors: validation.errors };
  return {
    ok: true,
    determination: interpret(policy, validation.value, options),
  };
}
