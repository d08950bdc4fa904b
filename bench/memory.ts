// Peak memory per engine. Heap and RSS are process-wide, so each engine runs in a fresh child
// process (`run.js --memory ENGINE`) that builds the same corpus, loads the engine, collects
// garbage and records a baseline, then decides every case once while sampling the heap. What is
// reported is the growth over that baseline: the engine's own code and data plus the garbage it
// leaves between collections (decisions are not retained). Because peak heap mostly reflects
// the young generation's size, the child also measures bytes allocated per decision.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PerformanceObserver } from "node:perf_hooks";
import { buildCorpus, type BenchCase } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { jsonRulesEngine } from "./engines/json-rules.js";
import { compiledDecisionEngine, compiledEngine, interpreterEngine, loadPolicies } from "./engines/pol.js";
import { CORPUS_SEED, CORPUS_SIZE, JSON_RULES_CASES } from "./plan.js";

export const MEMORY_ENGINES = [
  "hand-written",
  "compiled",
  "compiled-full",
  "compiled+trace",
  "interpreter",
  "json-rules-engine",
] as const;
export type MemoryEngine = (typeof MEMORY_ENGINES)[number];

export interface MemoryResult {
  engine: MemoryEngine;
  cases: number;
  /** MB above the baseline taken after the corpus was built and the engine loaded. */
  peakHeapGrowth: number;
  peakRssGrowth: number;
  /** MB, whole child process. */
  peakRss: number;
  baselineRss: number;
  /** Bytes allocated per decision, from heap growth over ALLOCATION_CASES cases with a young
   *  generation large enough that no collection runs (`gcsDuringAllocation` says if one did):
   *  the fewest of the measured passes; `medianBytesPerCase` is their median. */
  bytesPerCase: number;
  medianBytesPerCase: number;
  gcsDuringAllocation: number;
}

/** Cases decided while measuring allocation; the child's semi-space is sized to hold them. */
const ALLOCATION_CASES = 2_000;
const SEMI_SPACE_MB = 256;

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function engineFor(engine: MemoryEngine, root: string): (c: BenchCase) => string | Promise<string> {
  switch (engine) {
    case "hand-written":
      return decideByHand;
    case "compiled":
      return compiledDecisionEngine();
    case "compiled-full":
      return compiledEngine(false);
    case "compiled+trace":
      return compiledEngine(true);
    case "interpreter":
      return interpreterEngine(loadPolicies(root), false);
    case "json-rules-engine":
      return jsonRulesEngine();
  }
}

/** In a child started with a large young generation: bytes allocated per decision, as JSON. */
export async function measureAllocationInChild(engine: MemoryEngine, root: string): Promise<void> {
  const cases = buildCorpus(ALLOCATION_CASES, CORPUS_SEED);
  const decide = engineFor(engine, root);
  // Warm-up: lazily built state, and code optimised before measuring (optimising compilation
  // allocates on the heap too: with one warm-up pass repeated runs ranged from 0.9 to 2 KB per
  // case for the same code).
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) await allocationPerCase(decide, cases);
  const passes: { bytesPerCase: number; gcs: number }[] = [];
  for (let pass = 0; pass < MEASURED_PASSES; pass++) passes.push(await allocationPerCase(decide, cases));
  const gcs = passes.reduce((sum, pass) => sum + pass.gcs, 0);
  const sorted = passes.map((pass) => pass.bytesPerCase).sort((a, b) => a - b);
  // The fewest bytes of any pass. Every pass decides the same cases the same way, so each one
  // allocates at least what the engine does; what some passes add on top is the VM's own work
  // (optimising compilation, and every second pass or so an extra 20 to 250 KB even for the
  // hand-written function, whose work is the same in every pass), which moved the median of
  // five by up to 1.5x from run to run. The median is printed beside it.
  process.stdout.write(JSON.stringify({ allocation: { bytesPerCase: sorted[0]!, medianBytesPerCase: sorted[sorted.length >> 1]!, gcs } }) + "\n");
}

const WARM_UP_PASSES = 20;
const MEASURED_PASSES = 11;

/** In the child: measure one engine and print its MemoryResult as JSON. */
export async function measureMemoryInChild(engine: MemoryEngine, root: string): Promise<void> {
  let cases: BenchCase[] = buildCorpus(CORPUS_SIZE, CORPUS_SEED);
  if (engine === "json-rules-engine") cases = cases.slice(0, JSON_RULES_CASES);
  const decide = engineFor(engine, root);
  // One decision first, so lazily built engine state counts in the baseline, not as growth.
  await decide(cases[0]!);
  collect();
  const baselineHeap = process.memoryUsage().heapUsed;
  const baselineRss = process.memoryUsage().rss;
  let peakHeap = baselineHeap;
  let acc = 0;
  for (let i = 0; i < cases.length; i++) {
    acc += (await decide(cases[i]!)).length;
    if ((i & 255) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const peakRss = (process.resourceUsage().maxRSS * 1024) / MB;
  const result: MemoryResult = {
    engine,
    cases: cases.length,
    peakHeapGrowth: (peakHeap - baselineHeap) / MB,
    peakRssGrowth: peakRss - baselineRss / MB,
    peakRss,
    baselineRss: baselineRss / MB,
    bytesPerCase: NaN,
    medianBytesPerCase: NaN,
    gcsDuringAllocation: 0,
  };
  process.stdout.write(JSON.stringify({ memory: result, acc }) + "\n");
}

/** Heap growth over a run short enough to fit the young generation: allocation, not retention. */
async function allocationPerCase(
  decide: (c: BenchCase) => string | Promise<string>,
  cases: readonly BenchCase[],
): Promise<{ bytesPerCase: number; gcs: number }> {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  // An engine that answers synchronously is called without `await`: awaiting a value that is no
  // promise still allocates for the resumption, about 290 B per case, which counted for every
  // engine and so brought every ratio toward 1.
  const asynchronous = decide(cases[0]!) instanceof Promise;
  collect();
  observer.observe({ entryTypes: ["gc"] });
  const before = process.memoryUsage().heapUsed;
  // An indexed loop: a `for ... of` loop that is not yet optimised allocates a 40-byte iterator
  // result per case, which counted for every engine alike (the hand-written function's 152 B
  // were 113 B of its own).
  if (asynchronous) for (let i = 0; i < cases.length; i++) await decide(cases[i]!);
  else for (let i = 0; i < cases.length; i++) decide(cases[i]!);
  const after = process.memoryUsage().heapUsed;
  await new Promise((resolve) => setImmediate(resolve)); // let the observer deliver
  observer.disconnect();
  return { bytesPerCase: (after - before) / cases.length, gcs };
}

/** Run `run.js` in a child with `args` and parse the JSON line it prints. */
function childJson<T>(root: string, nodeFlags: string[], args: string[]): T {
  const script = fileURLToPath(new URL("./run.js", import.meta.url));
  const child = spawnSync(process.execPath, [...nodeFlags, script, ...args], { cwd: root, encoding: "utf8" });
  const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
  if (child.status !== 0 || line === undefined) {
    throw new Error(`\`run.js ${args.join(" ")}\` failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(line) as T;
}

/** In the parent: two children per engine, in turn (peak memory; allocation per decision). */
export function measureMemory(root: string): MemoryResult[] {
  return MEMORY_ENGINES.map((engine) => {
    const { memory } = childJson<{ memory: MemoryResult }>(root, ["--expose-gc"], ["--memory", engine]);
    const { allocation } = childJson<{ allocation: { bytesPerCase: number; medianBytesPerCase: number; gcs: number } }>(
      root,
      ["--expose-gc", `--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`],
      ["--allocation", engine],
    );
    return {
      ...memory,
      bytesPerCase: allocation.bytesPerCase,
      medianBytesPerCase: allocation.medianBytesPerCase,
      gcsDuringAllocation: allocation.gcs,
    };
  });
}
