// The bench's fixed parameters: corpus seeds and sizes, passes, and the targets it checks.

export const CORPUS_SEED = 20250701;
export const CORPUS_SIZE = 100_000;

/** Interleaved rounds over the whole corpus (after one warm-up pass per engine): every engine
 *  but json-rules-engine makes one timed pass in each. */
export const ROUNDS = 5;
/** Each pass is timed in this many parts (10,000 corpus cases, 1,000 of json-rules-engine's),
 *  each engine's part in turn with the others' (bench/interleaved.ts). */
export const PARTS = 10;

/** json-rules-engine is timed on the first N cases of the corpus (it decides all of them once,
 *  for the agreement check): at its speed the full corpus would take minutes per pass. The memory
 *  part measures it on the same cases. */
export const JSON_RULES_CASES = 10_000;
/** Its interleaved rounds, and how many times over `decideTrusted` and the hand-written function
 *  decide those cases in each of their passes beside it. */
export const JSON_RULES_ROUNDS = 7;
export const JSON_RULES_REPEAT = 10;

export const COMPILER_SEED = 1463;
export const COMPILER_MIN_LINES = 12_000;
export const COMPILER_PASSES = 5;
export const PRETTIER_PASSES = 3;
/** prettier is timed on the first N generated modules. */
export const PRETTIER_MODULES = 20;
export const COLD_CHECK_RUNS = 9;

export const TARGETS = {
  /** Compiled, decision only: at most this many times the hand-written function's time per case. */
  decisionVsHandwritten: 1.5,
  /** Compiled, with trace: at most this many times the hand-written function's time per case. */
  traceVsHandwritten: 4,
  /** Compiled, decision only: at least this many times json-rules-engine's throughput. */
  vsJsonRules: 100,
  /** Compiled, decision only: at most this many times the hand-written function's bytes allocated per case. */
  allocationVsHandwritten: 2,
  /** Cold `pol check policies`, fresh node process: at most this many seconds of wall time (median). */
  coldCheckSeconds: 0.4,
  /** Scaling: time per case may grow at most this many times per 10x more items or procedures
   *  (10 is exactly linear), on the steps from 100 upward (below, fixed costs dominate). */
  growthPer10x: 15,
  /** Parse and check: at least this many policy lines per second. */
  frontEndLinesPerSecond: 50_000,
};
