// Part 4 of the bench: how the cost of one case grows with its line items and with its history.
// "Cost must stay linear in history and in line items": cases of 1, 10, 100, 1,000 and 10,000
// line items (with the corpus's usual history), and of 1 to 10,000 prior procedures (with one
// line item), built by the seeded corpus generator (`scaledCase`), for each policy.
//
// Each series (policy x engine x dimension) runs in a child process (`run.js --scaling ...`)
// that measures the sizes in increasing order and prints one JSON line as it starts a size and
// one when it has measured it. The parent kills a child that has not finished a size within
// SCALING_SIZE_LIMIT_S and reports that size, and every larger one, as skipped. Before timing, the
// engines' outcomes on every case of a size are compared (a digest per size): they must agree.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { scaledCase, type CaseInput, type PolicyKey } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { compiledOutcomes } from "./engines/pol.js";
import { CORPUS_SEED } from "./plan.js";

export const SCALING_SIZES = [1, 10, 100, 1_000, 10_000] as const;
/** A size whose measurement (cases built, warm-up and timed rounds) takes longer is given up. */
export const SCALING_SIZE_LIMIT_S = 20;
/**
 * The cases of every size: the same CASES seeds at each size, so that a size's cases are the
 * smaller size's cases grown (more line items, a longer history), not other cases. How much work
 * a case takes depends on which criterion settles it, which its draws decide: cases drawn afresh
 * per size made the growth from one size to the next swing by up to 3x either way.
 */
export const SCALING_CASES = 4;
/** Warm-up, then ROUNDS timed rounds of whole passes over the cases, at least ROUND_S of CPU time
 *  each; the median round gives the time per case. */
const WARMUP_S = 0.15;
const ROUNDS = 5;
const ROUND_S = 0.05;

export type ScalingDimension = "items" | "procedures";
export const SCALING_ENGINES = ["decideTrusted", "evaluateTrusted+trace", "hand-written"] as const;
export type ScalingEngine = (typeof SCALING_ENGINES)[number];

export interface ScalingPoint {
  size: number;
  /** CPU seconds per case (per call: the process's user and system time), median round;
   *  undefined when skipped. */
  perCase?: number;
  /** Wall-clock seconds per case in the same round. */
  wallPerCase?: number;
  /** Field reads of the case's line items and procedures per case (see `readsPerCase`). */
  reads?: number;
  /** perCase / size. */
  perUnit?: number;
  /** perCase over the previous size's perCase (10x the size: about 10 when linear). */
  growth?: number;
  calls?: number;
  cases?: number;
  /** Why the size was not measured: the limit it hit and the time it reached, or not applicable. */
  skipped?: string;
}

export interface ScalingSeries {
  policy: PolicyKey;
  dimension: ScalingDimension;
  engine: ScalingEngine;
  points: ScalingPoint[];
}

export interface ScalingResults {
  series: ScalingSeries[];
  /** Sizes at which the engines' outcomes were compared, and whether all agreed. */
  agreement: { compared: number; disagreements: string[] };
  limitSeconds: number;
}

/** Procedures in an items case, items in a procedures case. */
const FIXED = { items: 1, procedures: 8 };

function casesFor(policy: PolicyKey, dimension: ScalingDimension, size: number): CaseInput[] {
  const cases: CaseInput[] = [];
  for (let k = 0; k < SCALING_CASES; k++) {
    const seed = CORPUS_SEED + 7919 * k;
    cases.push(
      dimension === "items"
        ? scaledCase(policy, seed, size, FIXED.procedures)
        : scaledCase(policy, seed, FIXED.items, size),
    );
  }
  return cases;
}

function engineFor(engine: ScalingEngine, policy: PolicyKey): (input: CaseInput) => readonly string[] {
  if (engine === "hand-written") return (input) => [decideByHand({ policy, input, incomplete: false })];
  return compiledOutcomes(policy, engine === "decideTrusted" ? "decide" : "trace");
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** CPU seconds of this process (user and system) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * Field reads of the cases' line items and procedures per case: a measure of the work that no
 * load disturbs (each read of a field of an item or a procedure, through a proxy of it).
 */
function readsPerCase(run: (input: CaseInput) => readonly string[], cases: readonly CaseInput[]): number {
  let reads = 0;
  const counted = (record: Record<string, unknown>) =>
    new Proxy(record, { get: (target, name) => (reads++, Reflect.get(target, name)) });
  for (const input of cases) run({ ...input, items: input.items.map(counted), procedures: input.procedures.map(counted) });
  return reads / cases.length;
}

/** In the child: measure one series, printing a JSON line at the start and end of each size. */
export function measureScalingInChild(policy: PolicyKey, engine: ScalingEngine, dimension: ScalingDimension): void {
  const run = engineFor(engine, policy);
  const print = (value: unknown): void => void process.stdout.write(JSON.stringify(value) + "\n");
  let sink = 0;
  // A fresh process: let the JIT settle on small and middling cases before the first size.
  const warmup = [1, 10, 100].flatMap((size) => casesFor(policy, dimension, size));
  const warmupStart = process.cpuUsage();
  for (let n = 0; cpuSeconds(warmupStart) < WARMUP_S * 2; n++) sink += run(warmup[n % warmup.length]!).length;
  // Whole passes over the cases, so every round times the same mix of cases. CPU time, not
  // wall-clock time: on a shared machine a call of tens of milliseconds is preempted more often
  // than a short one, which made long cases look slower per item than they are.
  const passes = (cases: readonly CaseInput[], budget: number): { calls: number; cpu: number; wall: number } => {
    const wallStart = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    let n = 0;
    do {
      for (const input of cases) sink += run(input).length;
      n += cases.length;
    } while (cpuSeconds(cpuStart) < budget);
    return { calls: n, cpu: cpuSeconds(cpuStart), wall: seconds(wallStart) };
  };
  const measured: { size: number; cases: CaseInput[]; rounds: { cpu: number; wall: number }[]; calls: number }[] = [];
  const round = (size: (typeof measured)[number]): void => {
    const timed = passes(size.cases, ROUND_S);
    size.rounds.push({ cpu: timed.cpu / timed.calls, wall: timed.wall / timed.calls });
    size.calls += timed.calls;
  };
  // Each size in turn, smallest first: its cases, their outcomes, a warm-up and a first round (the
  // parent stops a size that takes too long here).
  for (const size of SCALING_SIZES) {
    print({ start: size });
    const cases = casesFor(policy, dimension, size);
    // Outcomes of every case, for the agreement check in the parent; also the first warm-up.
    const outcomes = cases.map((input) => run(input).join(","));
    const digest = createHash("sha256").update(outcomes.join("\n")).digest("hex").slice(0, 16);
    passes(cases, WARMUP_S);
    const entry: (typeof measured)[number] = { size, cases, rounds: [], calls: 0 };
    round(entry);
    measured.push(entry);
    const first = entry.rounds[0]!;
    const reads = readsPerCase(run, cases);
    print({ size, perCase: first.cpu, wallPerCase: first.wall, calls: entry.calls, cases: cases.length, digest, reads });
  }
  // Then the other rounds, every size in each: a change in the machine's load over the series
  // reaches all sizes alike, instead of the sizes measured while it lasts.
  for (let r = 1; r < ROUNDS; r++) for (const size of measured) round(size);
  for (const { size, rounds, calls } of measured) {
    rounds.sort((a, b) => a.cpu - b.cpu);
    const median = rounds[rounds.length >> 1]!;
    print({ final: size, perCase: median.cpu, wallPerCase: median.wall, calls });
  }
  print({ done: true, sink });
}

interface ChildLine {
  start?: number;
  size?: number;
  /** A size's median over every round, once all sizes are measured. */
  final?: number;
  /** Field reads per case (see `readsPerCase`). */
  reads?: number;
  perCase?: number;
  wallPerCase?: number;
  calls?: number;
  cases?: number;
  digest?: string;
  done?: boolean;
}

/** In the parent: one child per series; a size that exceeds the limit is killed and reported skipped. */
function runSeries(
  policy: PolicyKey,
  engine: ScalingEngine,
  dimension: ScalingDimension,
  log: (line: string) => void,
): Promise<{ points: ScalingPoint[]; digests: Map<number, string> }> {
  const script = fileURLToPath(new URL("./run.js", import.meta.url));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, "--scaling", policy, engine, dimension], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const points: ScalingPoint[] = [];
    const digests = new Map<number, string>();
    let current: number | undefined;
    let startedAt = process.hrtime.bigint();
    let killedAt: number | undefined;
    let buffer = "";
    let stderr = "";
    const timer = setInterval(() => {
      if (current !== undefined && seconds(startedAt) > SCALING_SIZE_LIMIT_S && killedAt === undefined) {
        killedAt = seconds(startedAt);
        child.kill("SIGKILL");
      }
    }, 100);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffer.slice(0, newline)) as ChildLine;
        buffer = buffer.slice(newline + 1);
        if (line.start !== undefined) {
          current = line.start;
          startedAt = process.hrtime.bigint();
        } else if (line.size !== undefined) {
          const previous = points[points.length - 1]?.perCase;
          points.push({
            size: line.size,
            perCase: line.perCase!,
            wallPerCase: line.wallPerCase!,
            perUnit: line.perCase! / line.size,
            growth: previous === undefined ? undefined : line.perCase! / previous,
            calls: line.calls!,
            cases: line.cases!,
            reads: line.reads!,
          });
          digests.set(line.size, line.digest!);
          log(`  ${policy} ${dimension} ${engine} ${line.size}: ${(line.perCase! * 1e6).toFixed(1)} us/case CPU (${(line.wallPerCase! * 1e6).toFixed(1)} us wall)`);
          current = undefined;
        } else if (line.final !== undefined) {
          const point = points.find((p) => p.size === line.final)!;
          Object.assign(point, { perCase: line.perCase!, wallPerCase: line.wallPerCase!, perUnit: line.perCase! / line.final, calls: line.calls! });
        }
      }
    });
    child.on("close", (code) => {
      clearInterval(timer);
      // Growth from the final medians (from the first rounds only for a series that was stopped).
      for (let i = 1; i < points.length; i++) points[i]!.growth = points[i]!.perCase! / points[i - 1]!.perCase!;
      if (killedAt !== undefined) {
        for (const size of SCALING_SIZES) {
          if (points.some((p) => p.size === size)) continue;
          points.push({
            size,
            skipped:
              size === current
                ? `stopped after ${killedAt.toFixed(1)} s (limit ${SCALING_SIZE_LIMIT_S} s)`
                : `not run (${current} already exceeded ${SCALING_SIZE_LIMIT_S} s)`,
          });
        }
        log(`  ${policy} ${dimension} ${engine} ${current}: stopped after ${killedAt.toFixed(1)} s`);
        resolvePromise({ points, digests });
      } else if (code !== 0) {
        reject(new Error(`scaling child (${policy} ${engine} ${dimension}) failed (exit ${code}):\n${stderr}`));
      } else {
        resolvePromise({ points, digests });
      }
    });
  });
}

export async function runScaling(log: (line: string) => void): Promise<ScalingResults> {
  const series: ScalingSeries[] = [];
  const disagreements: string[] = [];
  let compared = 0;
  for (const policy of ["sij", "tpi"] as const) {
    for (const dimension of ["items", "procedures"] as const) {
      const digests = new Map<ScalingEngine, Map<number, string>>();
      for (const engine of SCALING_ENGINES) {
        // The hand-written function decides the first line item only: it has no items series.
        if (engine === "hand-written" && dimension === "items") continue;
        const result = await runSeries(policy, engine, dimension, log);
        digests.set(engine, result.digests);
        series.push({ policy, dimension, engine, points: result.points });
      }
      for (const size of SCALING_SIZES) {
        const answers = [...digests.entries()].filter(([, bySize]) => bySize.has(size));
        if (answers.length < 2) continue;
        compared++;
        const first = answers[0]![1].get(size);
        if (answers.some(([, bySize]) => bySize.get(size) !== first)) {
          disagreements.push(`${policy} ${dimension} ${size}: ${answers.map(([e, b]) => `${e} ${b.get(size)}`).join(", ")}`);
        }
      }
    }
  }
  return { series, agreement: { compared, disagreements }, limitSeconds: SCALING_SIZE_LIMIT_S };
}
