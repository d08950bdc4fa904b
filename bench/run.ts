// `npm run bench`: pol's evaluators against a hand-written function and json-rules-engine, then
// the compiler's stages, with the targets printed beside the figures. docs/performance.md
// explains the method and records a run. `run.js --evaluation` runs parts 1 and 2 alone (the
// agreement check and the interleaved timing). `run.js --memory ENGINE` and `run.js --allocation
// ENGINE` are the child modes that measure one engine's memory in a fresh process;
// `run.js --scaling POLICY ENGINE DIMENSION` measures one scaling series (bench/scaling.ts).

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildCompilerCorpus } from "./compiler/corpus.js";
import { runCompilerBench } from "./compiler/stages.js";
import { buildCorpus } from "./corpus.js";
import { loadPolicies, POLICY_FILES } from "./engines/pol.js";
import { runEvaluation } from "./evaluation.js";
import { describeMachine } from "./machine.js";
import { MEMORY_ENGINES, measureAllocationInChild, measureMemory, measureMemoryInChild, type MemoryEngine } from "./memory.js";
import {
  COLD_CHECK_RUNS,
  COMPILER_MIN_LINES,
  COMPILER_PASSES,
  COMPILER_SEED,
  CORPUS_SEED,
  CORPUS_SIZE,
  JSON_RULES_CASES,
  JSON_RULES_REPEAT,
  JSON_RULES_ROUNDS,
  PARTS,
  PRETTIER_PASSES,
  ROUNDS,
} from "./plan.js";
import { printProfileSummary, profileInChild } from "./profiling.js";
import { compilerReport, evaluationReport, machineReport, memoryReport, scalingReport, targetChecks, targetsReport } from "./report.js";
import { measureScalingInChild, runScaling, SCALING_ENGINES, type ScalingDimension, type ScalingEngine } from "./scaling.js";
import { Disagreement } from "./verify.js";

const root = process.cwd();
const log = (line: string): void => void process.stderr.write(line + "\n");
const section = (title: string, body: string): void => void process.stdout.write(`\n== ${title}\n\n${body}\n`);

async function main(evaluationOnly: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  const machine = describeMachine();
  section("machine", `${machineReport(machine)}\ncommit ${commitOf(root)}`);

  log(`building the corpus: ${CORPUS_SIZE.toLocaleString("en-US")} cases, seed ${CORPUS_SEED}...`);
  const cases = buildCorpus(CORPUS_SIZE, CORPUS_SEED);
  const policies = loadPolicies(root);
  const evaluation = await runEvaluation(
    cases,
    policies,
    { rounds: ROUNDS, parts: PARTS, jsonRulesCases: JSON_RULES_CASES, jsonRulesRounds: JSON_RULES_ROUNDS, jsonRulesRepeat: JSON_RULES_REPEAT },
    log,
  );
  section("1-2. evaluation throughput (one process, engines interleaved)", evaluationReport(evaluation));
  if (evaluationOnly) return 0;

  log("memory: one fresh process per engine...");
  const memory = measureMemory(root);
  section("memory (one fresh process per engine; growth over the loaded baseline)", memoryReport(memory));

  log("compiler: generating the corpus and timing each stage...");
  const compilerCorpus = buildCompilerCorpus(root, Object.values(POLICY_FILES), COMPILER_MIN_LINES, COMPILER_SEED);
  const compiler = await runCompilerBench(root, compilerCorpus, COMPILER_PASSES, PRETTIER_PASSES, COLD_CHECK_RUNS);
  section("3. compiler", compilerReport(compiler));

  log("scaling: line items and prior procedures, one child process per series...");
  const scaling = await runScaling(log);
  section("4. scaling (time per case against line items and prior procedures)", scalingReport(scaling));
  if (scaling.agreement.disagreements.length > 0) {
    throw new Disagreement(`engines disagree on scaled cases:\n${scaling.agreement.disagreements.join("\n")}`);
  }

  const checks = targetChecks(evaluation, compiler, memory, scaling);
  section("5. targets", targetsReport(checks));

  // Where a target is missed, the profile that shows why.
  const profiles: Record<string, string> = {};
  const missed = (prefix: string) => checks.some((c) => !c.met && c.name.startsWith(prefix));
  const wanted: [string, string][] = [];
  if (missed("compiled, decision")) wanted.push(["compiled", "compiled"]);
  if (missed("compiled, with trace")) wanted.push(["compiled+trace", "compiled+trace"]);
  if (missed("parse")) wanted.push(["check", "check"]);
  for (const [name, target] of wanted) {
    log(`profiling ${name} (node --cpu-prof)...`);
    profiles[name] = printProfileSummary(profileInChild(root, target, 20_000, 15));
    section(`6. profile: ${name} (node --cpu-prof, 5 passes over 20,000 cases or the compiler corpus)`, profiles[name]!);
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  section("done", `bench took ${seconds.toFixed(0)} s; results also in dist/bench/results.json`);
  writeFileSync(
    fileURLToPath(new URL("./results.json", import.meta.url)),
    JSON.stringify({ machine, commit: commitOf(root), evaluation: { ...evaluation, agreement: { ...evaluation.agreement, outcomes: Object.fromEntries(evaluation.agreement.outcomes) } }, memory, compiler, scaling, targets: checks, profiles }, null, 2),
  );
  return 0;
}

/** The commit the figures come from (with `+changes` when the work tree differs), or "unknown". */
function commitOf(root: string): string {
  const git = (args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" });
  const head = git(["rev-parse", "--short=12", "HEAD"]);
  if (head.status !== 0) return "unknown";
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]).stdout.trim() !== "";
  return head.stdout.trim() + (dirty ? "+changes" : "");
}

async function child(mode: string, engine: string): Promise<number> {
  if (!(MEMORY_ENGINES as readonly string[]).includes(engine)) {
    log(`unknown engine \`${engine}\`; expected one of ${MEMORY_ENGINES.join(", ")}`);
    return 2;
  }
  if (mode === "--memory") await measureMemoryInChild(engine as MemoryEngine, root);
  else await measureAllocationInChild(engine as MemoryEngine, root);
  return 0;
}

try {
  const [mode, engine, ...rest] = process.argv.slice(2);
  if (mode === "--scaling") {
    const [scalingEngine, dimension] = rest as [ScalingEngine, ScalingDimension];
    if (!(engine === "sij" || engine === "tpi") || !SCALING_ENGINES.includes(scalingEngine) || !(dimension === "items" || dimension === "procedures")) {
      throw new Error("usage: run.js --scaling sij|tpi ENGINE items|procedures");
    }
    measureScalingInChild(engine, scalingEngine, dimension);
  } else {
    process.exitCode = mode === "--memory" || mode === "--allocation" ? await child(mode, engine ?? "") : await main(mode === "--evaluation");
  }
} catch (failure) {
  if (failure instanceof Disagreement) {
    log(`\nbench stopped: ${failure.message}`);
  } else {
    log(`\nbench failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
  process.exitCode = 1;
}
