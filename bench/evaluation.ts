// Part 1 and 2 of the bench: the engines on one corpus, in one process, in turn.

import type { CheckedPolicy } from "../src/model.js";
import type { BenchCase, PolicyKey } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { decideByHandChecked } from "./engines/handwritten-checked.js";
import { jsonRulesEngine } from "./engines/json-rules.js";
import { compiledDecisionEngine, compiledEngine, interpreterEngine } from "./engines/pol.js";
import { measure, measureAsync, type Throughput } from "./timing.js";
import { verifyAgreement, type Agreement } from "./verify.js";

export interface EvaluationResults {
  agreement: Agreement;
  handwritten: Throughput;
  /** The hand-written function with every read checked as pol checks it. */
  handwrittenChecked: Throughput;
  /** `decide`: the outcomes only. */
  compiled: Throughput;
  /** `evaluate(case, { trace: false })`: the determination (reasons, missing facts), no trace. */
  compiledFull: Throughput;
  /** `evaluate(case, { trace: true })`. */
  compiledTrace: Throughput;
  interpreter: Throughput;
  jsonRules: Throughput;
}

export interface EvaluationPlan {
  /** Timed passes for the fast engines and for the slow ones (interpreter, json-rules-engine). */
  passes: number;
  slowPasses: number;
  /** json-rules-engine is timed on this many cases of the corpus (the first N). */
  jsonRulesCases: number;
}

export async function runEvaluation(
  cases: readonly BenchCase[],
  policies: Record<PolicyKey, CheckedPolicy>,
  plan: EvaluationPlan,
  log: (line: string) => void,
): Promise<EvaluationResults> {
  const compiled = compiledDecisionEngine();
  const compiledFull = compiledEngine(false);
  const compiledTrace = compiledEngine(true);
  const interpreter = interpreterEngine(policies, false);
  const jsonRules = jsonRulesEngine();

  log(`verifying that all engines agree on all ${cases.length} cases...`);
  const agreement = await verifyAgreement(cases, [
    { name: "compiled decide", decide: compiled },
    { name: "compiled evaluate, without trace", decide: compiledFull },
    { name: "compiled, with trace", decide: compiledTrace },
    { name: "reference interpreter", decide: interpreter },
    { name: "hand-written", decide: decideByHand },
    { name: "hand-written, with pol's checks", decide: decideByHandChecked },
    { name: "json-rules-engine", decide: jsonRules },
  ]);

  const timed = (name: string, run: () => Throughput): Throughput => {
    const result = run();
    log(`  ${name}: ${Math.round(result.casesPerSecond).toLocaleString("en-US")} cases/s`);
    return result;
  };
  log("timing...");
  const handwritten = timed("hand-written", () => measure("hand-written", decideByHand, cases, plan.passes));
  const checkedResult = timed("hand-written, with pol's checks", () => measure("hand-written, checked", decideByHandChecked, cases, plan.passes));
  const compiledResult = timed("compiled", () => measure("compiled", compiled, cases, plan.passes));
  const fullResult = timed("compiled, full", () => measure("compiled, full", compiledFull, cases, plan.passes));
  const traceResult = timed("compiled+trace", () => measure("compiled+trace", compiledTrace, cases, plan.passes));
  const interpreterResult = timed("interpreter", () => measure("interpreter", interpreter, cases, plan.slowPasses));
  const slice = cases.slice(0, plan.jsonRulesCases);
  const jsonRulesResult = await measureAsync("json-rules-engine", jsonRules, slice, plan.slowPasses, Math.min(5000, slice.length));
  log(`  json-rules-engine: ${Math.round(jsonRulesResult.casesPerSecond).toLocaleString("en-US")} cases/s`);
  return {
    agreement,
    handwritten,
    handwrittenChecked: checkedResult,
    compiled: compiledResult,
    compiledFull: fullResult,
    compiledTrace: traceResult,
    interpreter: interpreterResult,
    jsonRules: jsonRulesResult,
  };
}
