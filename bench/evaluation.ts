// Part 1 and 2 of the bench: the engines on one corpus, in one process, timed interleaved
// (interleaved.ts): every engine one pass per round, so each ratio pairs passes run at the same load.
// json-rules-engine takes ~0.45 ms a case, so it has a group of its own on the corpus's first cases,
// interleaved with `decideTrusted` and the hand-written function over the same cases.

import type { CheckedPolicy } from "../src/model.js";
import type { BenchCase, PolicyKey } from "./corpus.js";
import type { Decide } from "./engines/decision.js";
import { decideByHand } from "./engines/handwritten.js";
import { decideByHandChecked } from "./engines/handwritten-checked.js";
import { jsonRulesEngine, type DecideAsync } from "./engines/json-rules.js";
import { compiledDecisionEngine, compiledEngine, interpreterEngine } from "./engines/pol.js";
import { runInterleaved, throughputs, timesFaster, type InterleavedEngine, type InterleavedThroughput, type Spread } from "./interleaved.js";
import { passOver, passOverAsync } from "./timing.js";
import { verifyAgreement, type Agreement } from "./verify.js";

export interface EvaluationResults {
  agreement: Agreement;
  handwritten: InterleavedThroughput;
  /** The hand-written function with every read checked as pol checks it. */
  handwrittenChecked: InterleavedThroughput;
  /** `decide`: the outcomes only. */
  compiled: InterleavedThroughput;
  /** `evaluate(case, { trace: false })`: the determination (reasons, missing facts), no trace. */
  compiledFull: InterleavedThroughput;
  /** `evaluate(case, { trace: true })`. */
  compiledTrace: InterleavedThroughput;
  interpreter: InterleavedThroughput;
  jsonRules: InterleavedThroughput;
  /** json-rules-engine's group: the hand-written function and `decideTrusted` on its cases, in its rounds. */
  jsonRulesGroup: { handwritten: InterleavedThroughput; compiled: InterleavedThroughput };
  /** `decideTrusted`'s rate over json-rules-engine's, round by round (the target's figure). */
  compiledVsJsonRules: Spread;
  /** `decideTrusted`'s time per case over the checked hand-written function's, round by round. */
  compiledVsHandwrittenChecked: Spread;
}

export interface EvaluationPlan {
  /** Rounds over the whole corpus (every engine but json-rules-engine one pass per round). */
  rounds: number;
  /** Each pass is timed in this many parts, taken in turn with the other engines' parts. */
  parts: number;
  /** json-rules-engine's group: the corpus's first N cases, in this many rounds... */
  jsonRulesCases: number;
  jsonRulesRounds: number;
  /** ...with `decideTrusted` and the hand-written function deciding them this many times a pass
   *  (their pass over 10,000 cases alone is too short to time at json-rules-engine's load). */
  jsonRulesRepeat: number;
}

export interface EvaluationEngines {
  compiled: Decide;
  compiledFull: Decide;
  compiledTrace: Decide;
  interpreter: Decide;
  jsonRules: DecideAsync;
}

export function evaluationEngines(policies: Record<PolicyKey, CheckedPolicy>): EvaluationEngines {
  return {
    compiled: compiledDecisionEngine(),
    compiledFull: compiledEngine(false),
    compiledTrace: compiledEngine(true),
    interpreter: interpreterEngine(policies, false),
    jsonRules: jsonRulesEngine(),
  };
}

export async function runEvaluation(
  cases: readonly BenchCase[],
  policies: Record<PolicyKey, CheckedPolicy>,
  plan: EvaluationPlan,
  log: (line: string) => void,
): Promise<EvaluationResults> {
  const engines = evaluationEngines(policies);
  log(`verifying that all engines agree on all ${cases.length} cases...`);
  const agreement = await verifyAgreement(cases, [
    { name: "compiled decide", decide: engines.compiled },
    { name: "compiled evaluate, without trace", decide: engines.compiledFull },
    { name: "compiled, with trace", decide: engines.compiledTrace },
    { name: "reference interpreter", decide: engines.interpreter },
    { name: "hand-written", decide: decideByHand },
    { name: "hand-written, with pol's checks", decide: decideByHandChecked },
    { name: "json-rules-engine", decide: engines.jsonRules },
  ]);
  return { agreement, ...(await timeEvaluation(cases, engines, plan, log)) };
}

/** The timing alone (after the agreement check, or in a study of the method itself). */
export async function timeEvaluation(
  cases: readonly BenchCase[],
  engines: EvaluationEngines,
  plan: EvaluationPlan,
  log: (line: string) => void,
): Promise<Omit<EvaluationResults, "agreement">> {
  const split = (list: readonly BenchCase[]): BenchCase[][] => {
    const size = Math.ceil(list.length / plan.parts);
    return Array.from({ length: plan.parts }, (_, part) => list.slice(part * size, (part + 1) * size));
  };
  const parts = split(cases);
  const corpusEngine = (name: string, decide: Decide): InterleavedEngine => ({
    name,
    cases: cases.length,
    parts: parts.map((part) => passOver(decide, part)),
  });
  const corpusEngines: InterleavedEngine[] = [
    corpusEngine("hand-written", decideByHand),
    corpusEngine("hand-written, checked", decideByHandChecked),
    corpusEngine("compiled", engines.compiled),
    corpusEngine("compiled, full", engines.compiledFull),
    corpusEngine("compiled+trace", engines.compiledTrace),
    corpusEngine("interpreter", engines.interpreter),
  ];
  log(`timing, interleaved: ${plan.rounds} rounds over the ${cases.length.toLocaleString("en-US")} cases, each pass in ${plan.parts} parts...`);
  const timedCorpus = await runInterleaved(corpusEngines, plan.rounds, log);
  const corpus = throughputs(timedCorpus);

  const first = cases.slice(0, plan.jsonRulesCases);
  const sliceParts = split(first);
  const repeat = plan.jsonRulesRepeat;
  const repeated = (name: string, decide: Decide): InterleavedEngine => ({
    name,
    cases: first.length * repeat,
    parts: sliceParts.map((part) => passOver(decide, part, repeat)),
  });
  const sliceEngines: InterleavedEngine[] = [
    repeated("hand-written", decideByHand),
    repeated("compiled", engines.compiled),
    {
      name: "json-rules-engine",
      cases: first.length,
      parts: sliceParts.map((part) => passOverAsync(engines.jsonRules, part)),
      warmUp: passOverAsync(engines.jsonRules, first.slice(0, 5000)),
    },
  ];
  log(`timing json-rules-engine, interleaved: ${plan.jsonRulesRounds} rounds over the first ${first.length.toLocaleString("en-US")} cases...`);
  const timedSlice = await runInterleaved(sliceEngines, plan.jsonRulesRounds, log);
  const slice = throughputs(timedSlice);
  return {
    handwritten: corpus[0]!,
    handwrittenChecked: corpus[1]!,
    compiled: corpus[2]!,
    compiledFull: corpus[3]!,
    compiledTrace: corpus[4]!,
    interpreter: corpus[5]!,
    jsonRules: slice[2]!,
    jsonRulesGroup: { handwritten: slice[0]!, compiled: slice[1]! },
    compiledVsJsonRules: timesFaster(timedSlice[1]!, timedSlice[2]!),
    // How many times faster the checked function is than decideTrusted: decideTrusted's time over its.
    compiledVsHandwrittenChecked: timesFaster(timedCorpus[1]!, timedCorpus[2]!),
  };
}
