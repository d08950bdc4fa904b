// Peak memory per engine. Heap and RSS are process-wide, so each engine runs in a fresh child
// process (`run.js --memory ENGINE`) that builds the same corpus, loads the engine, collects
// garbage and records a baseline, then decides every case once while sampling the heap. What is
// reported is the growth over that baseline: the engine's own code and data plus the garbage it
// leaves between collections (decisions are not retained).

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CheckedPolicy } from "../src/model.js";
import { buildCorpus, type BenchCase, type PolicyKey } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { jsonRulesEngine } from "./engines/json-rules.js";
import { compiledEngine, interpreterEngine, loadPolicies } from "./engines/pol.js";
import { CORPUS_SEED, CORPUS_SIZE, JSON_RULES_CASES } from "./plan.js";

export const MEMORY_ENGINES = ["hand-written", "compiled", "compiled+trace", "interpreter", "json-rules-engine"] as const;
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
}

const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** In the child: measure one engine and print its MemoryResult as JSON. */
export async function measureMemoryInChild(engine: MemoryEngine, root: string): Promise<void> {
  let cases: BenchCase[] = buildCorpus(CORPUS_SIZE, CORPUS_SEED);
  if (engine === "json-rules-engine") cases = cases.slice(0, JSON_RULES_CASES);
  const needsPolicies = engine === "interpreter";
  const policies: Record<PolicyKey, CheckedPolicy> | undefined = needsPolicies ? loadPolicies(root) : undefined;
  const decide =
    engine === "hand-written"
      ? decideByHand
      : engine === "compiled"
        ? compiledEngine(false)
        : engine === "compiled+trace"
          ? compiledEngine(true)
          : engine === "interpreter"
            ? interpreterEngine(policies!, false)
            : jsonRulesEngine();
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
  };
  process.stdout.write(JSON.stringify({ memory: result, acc }) + "\n");
}

/** In the parent: one child per engine, in turn. */
export function measureMemory(root: string): MemoryResult[] {
  const script = fileURLToPath(new URL("./run.js", import.meta.url));
  return MEMORY_ENGINES.map((engine) => {
    const child = spawnSync(process.execPath, ["--expose-gc", script, "--memory", engine], { cwd: root, encoding: "utf8" });
    const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
    if (child.status !== 0 || line === undefined) {
      throw new Error(`memory measurement of ${engine} failed (exit ${child.status}):\n${child.stderr}`);
    }
    return (JSON.parse(line) as { memory: MemoryResult }).memory;
  });
}
