// Load a generated evaluator the way a user would run it: the module transpiled to JavaScript and
// imported, its `@pol/runtime` import naming the very runtime the interpreter uses (by URL: the
// temporary folder has no node_modules).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLoadableModules } from "../../src/generate/loadable.js";
import type { CheckedPolicy } from "../../src/model.js";
import { schemaDescriptor } from "../../src/schema-descriptor.js";
import type { CaseError, DecideOptions, Determination, EvaluateOptions, Outcome, PolicyInfo, SchemaDescriptor, Validation } from "@pol/runtime";

/** How the tests evaluate a policy: a proposed one (`effective proposed`) as proposed, so its
 *  criteria are exercised; any other as it is. */
export function asked(policy: CheckedPolicy): { asProposed?: true } {
  return policy.metadata.proposed ? { asProposed: true } : {};
}

/** Whether the policy is in effect on `dos` when evaluated as the tests ask (see `asked`). */
export function inEffectAsAsked(policy: CheckedPolicy, dos: string): boolean {
  const { effective, expires } = policy.metadata;
  return (effective === undefined || dos >= effective) && (expires === undefined || dos <= expires);
}

/** The exports of a generated module, typed loosely: the tests feed it arbitrary JSON. */
export interface CompiledEvaluator {
  policy: PolicyInfo;
  schema: SchemaDescriptor;
  evaluate(input: unknown, options?: EvaluateOptions): Determination;
  decide(input: unknown, options?: DecideOptions): Outcome[];
  validate(json: unknown): Validation<unknown>;
  evaluateJson(
    json: unknown,
    options?: EvaluateOptions,
  ): { ok: true; determination: Determination } | { ok: false; errors: CaseError[] };
}

/** The exports a generated policy module has, and its schema module's descriptor. */
export interface GeneratedModule {
  policy: PolicyInfo;
  evaluate(json: unknown, options?: EvaluateOptions): { ok: true; determination: Determination } | { ok: false; errors: CaseError[] };
  decide(json: unknown): { ok: true; outcomes: Outcome[] } | { ok: false; errors: CaseError[] };
  validate(json: unknown): Validation<unknown>;
  evaluateTrusted(input: unknown, options?: EvaluateOptions): Determination;
  decideTrusted(input: unknown, options?: DecideOptions): Outcome[];
}

/** Generate, transpile and import the evaluator for `policy`; the temporary files are removed. */
export async function loadCompiled(policy: CheckedPolicy): Promise<CompiledEvaluator> {
  const directory = mkdtempSync(join(tmpdir(), "pol-codegen-"));
  try {
    return asEvaluator(policy, (await import(await writeLoadableModules(policy, directory))) as GeneratedModule);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * A generated module as the tests call it. They name the trusting entry points after what they
 * do: `evaluate` a valid case, `evaluateJson` untrusted JSON.
 */
export function asEvaluator(policy: CheckedPolicy, module: GeneratedModule): CompiledEvaluator {
  return {
    policy: module.policy,
    schema: schemaDescriptor(policy.schema),
    evaluate: module.evaluateTrusted,
    decide: module.decideTrusted,
    validate: module.validate,
    evaluateJson: module.evaluate,
  };
}
