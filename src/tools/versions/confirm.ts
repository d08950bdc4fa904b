// Every case the solver finds is evaluated by both versions' evaluators (the reference
// interpreter and the compiled module) before it is reported. If an evaluator disagrees with the
// solver, or the two evaluators with each other, the encoding or an evaluator has a bug: that is
// an error of pol (`SolverDisagreement`), never a result.

import type { CheckedPolicy, ItemDetermination } from "../../index.js";
import type { Outcome } from "./encode.js";

/** What the determination of the item under decision says, in a diff's terms. */
export interface ItemSummary {
  outcome: Outcome;
  /** `rule.criterion` of each reason. */
  reasons: string[];
  /** The facts a pended item asks for. */
  missing: string[];
}

/** Loads a policy's compiled evaluator (src/tools/policy-test's CompiledEvaluators). */
export interface Confirmer {
  load(policy: CheckedPolicy): Promise<{
    evaluateTrusted(input: Record<string, unknown>, options?: { asProposed?: boolean }): { items: ItemDetermination[] };
  }>;
}

export class SolverDisagreement extends Error {}

/** How every analysis evaluates: a proposed version as if it were in effect. */
export const AS_PROPOSED = { asProposed: true } as const;

export function summary(item: ItemDetermination): ItemSummary {
  return {
    outcome: item.outcome,
    reasons: item.reasons.map((reason) => `${reason.rule}.${reason.criterion}`),
    missing: item.missing.map((missing) => missing.fact),
  };
}

/**
 * The determination of item `index` (the item under decision) under each policy, from the
 * interpreter, after checking that the case is valid, that the compiled evaluator gives the same
 * determination, and that the outcome is the one the solver predicted (`expected[i]`, when given).
 * A proposed policy is evaluated as if in effect, as the analysis encodes it.
 */
export async function confirmCase(
  json: Record<string, unknown>,
  index: number,
  policies: readonly CheckedPolicy[],
  expected: readonly (Outcome | undefined)[],
  confirmer: Confirmer,
): Promise<ItemSummary[]> {
  const { evaluateCase } = await import("../../index.js");
  const summaries: ItemSummary[] = [];
  for (const [i, policy] of policies.entries()) {
    const evaluated = evaluateCase(policy, json, AS_PROPOSED);
    if (!evaluated.ok) {
      const errors = evaluated.errors.map((error) => `${error.path}: ${error.message}`).join("; ");
      throw new SolverDisagreement(`the solver's case is not a valid case of ${policy.metadata.id}: ${errors}\n${JSON.stringify(json)}`);
    }
    const interpreted = evaluated.determination.items[index]!;
    const compiled = (await confirmer.load(policy)).evaluateTrusted(json, AS_PROPOSED).items[index]!;
    const a = summary(interpreted);
    const b = summary(compiled);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new SolverDisagreement(
        `the interpreter and the compiled evaluator of ${policy.metadata.id} disagree: ${JSON.stringify(a)} vs ${JSON.stringify(b)}\n${JSON.stringify(json)}`,
      );
    }
    const want = expected[i];
    if (want !== undefined && a.outcome !== want) {
      throw new SolverDisagreement(
        `the solver predicted \`${want}\` from ${policy.metadata.id} but its evaluators give \`${a.outcome}\`\n${JSON.stringify(json)}`,
      );
    }
    summaries.push(a);
  }
  return summaries;
}
