// pol's two engines behind the bench's `Decide` signature: the compiled evaluators (emitted by
// `pol compile` into bench/generated/ and built by tsc like any user's code) and the reference
// interpreter. The bench times the entry points that trust their input (the corpus is well formed
// by construction, and validation is a separate, per-request cost): `evaluateTrusted` returns the
// full determination and the bench reads the one item's outcome; `decideTrusted` (decision only)
// returns just the outcomes.

import { resolve } from "node:path";
import { checkFile } from "../../src/check/checker.js";
import { interpret } from "../../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../../src/model.js";
import { decideTrusted as decideTpi, evaluateTrusted as evaluateTpi } from "../generated/cigna-tpi.js";
import type { Case as TpiCase } from "../generated/cigna-tpi.js";
import { decideTrusted as decideSij, evaluateTrusted as evaluateSij } from "../generated/truecare-sij.js";
import type { Case as SijCase } from "../generated/truecare-sij.js";
import type { BenchCase, CaseInput, PolicyKey } from "../corpus.js";
import type { Decide } from "./decision.js";

export const POLICY_FILES: Readonly<Record<PolicyKey, string>> = {
  sij: "policies/truecare/sacroiliac-joint-procedures.pol",
  tpi: "policies/cigna/trigger-point-injections.pol",
};

/** The generated modules' `decideTrusted`: outcomes only, short-circuited. */
export function compiledDecisionEngine(): Decide {
  return (c: BenchCase) =>
    c.policy === "sij" ? decideSij(c.input as unknown as SijCase)[0]! : decideTpi(c.input as unknown as TpiCase)[0]!;
}

/** The generated modules' `evaluateTrusted`: the full determination, with or without the trace. */
export function compiledEngine(trace: boolean): Decide {
  const options = { trace };
  return (c: BenchCase) =>
    c.policy === "sij"
      ? evaluateSij(c.input as unknown as SijCase, options).items[0]!.outcome
      : evaluateTpi(c.input as unknown as TpiCase, options).items[0]!.outcome;
}

/** Every line item's outcome of one policy's case: `decideTrusted`, or `evaluateTrusted` with the trace. */
export function compiledOutcomes(policy: PolicyKey, mode: "decide" | "trace"): (input: CaseInput) => readonly string[] {
  const options = { trace: true };
  if (policy === "sij") {
    return mode === "decide"
      ? (input) => decideSij(input as unknown as SijCase)
      : (input) => evaluateSij(input as unknown as SijCase, options).items.map((item) => item.outcome);
  }
  return mode === "decide"
    ? (input) => decideTpi(input as unknown as TpiCase)
    : (input) => evaluateTpi(input as unknown as TpiCase, options).items.map((item) => item.outcome);
}

export function loadPolicies(root: string): Record<PolicyKey, CheckedPolicy> {
  const load = (key: PolicyKey): CheckedPolicy => {
    const result = checkFile(resolve(root, POLICY_FILES[key]));
    if (!result.policy) {
      const first = result.diagnostics[0];
      throw new Error(`${POLICY_FILES[key]} does not check: ${first ? first.message : "no policy"}`);
    }
    return result.policy;
  };
  return { sij: load("sij"), tpi: load("tpi") };
}

export function interpreterEngine(policies: Record<PolicyKey, CheckedPolicy>, trace: boolean): Decide {
  const options = { trace };
  return (c: BenchCase) => interpret(policies[c.policy], c.input, options).items[0]!.outcome;
}
