// Engines timed interleaved: in every round each engine makes one pass over its cases, in parts
// taken in turn with the other engines' parts, the order reversed at every step, a forced GC
// between them. An engine's time relative to another's
// is the median over rounds of the ratio of their times per case in the same round, so a change in
// the machine's load reaches both sides of every ratio alike. Timed in turn (each engine's passes
// one after the other, minutes apart), two runs of one commit gave `decideTrusted` 3.18x and 3.98x
// the hand-written function: more than the targets' margins (docs/performance.md, "Method").

import { median, summary, type Throughput } from "./timing.js";

/** One timed pass: wall-clock seconds and the process's CPU seconds (user + system, GC threads included). */
export interface TimedPass {
  wall: number;
  cpu: number;
}

export interface InterleavedEngine {
  name: string;
  /** Cases one pass decides (a slice decided several times over counts every time). */
  cases: number;
  /** The pass in parts, each a share of its cases: a round times every engine's first part, then
   *  every engine's second part, and so on, so that both sides of a ratio meet the same load even
   *  when one engine's pass takes seconds and the other's a tenth of that. */
  parts: readonly (() => void | Promise<void>)[];
  /** The untimed first pass; the parts in order unless given (json-rules-engine warms up on fewer cases). */
  warmUp?: () => void | Promise<void>;
}

/** A ratio over rounds: its median, and its least and greatest round. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/** The engines' order at one step (a part of a round): as given at even steps, reversed at odd
 *  ones, so no engine always follows the same one (a part pays for the cold caches its predecessor
 *  leaves). */
export function stepOrder(engines: number, step: number): number[] {
  const order = Array.from({ length: engines }, (_, i) => i);
  return step % 2 === 0 ? order : order.reverse();
}

/**
 * `numerator`'s time per case over `denominator`'s, round by round, summarised: the median over
 * rounds of the ratio within each round (never a ratio of medians, which pairs passes run at
 * different loads). Both arrays hold one time per case for each round, in round order.
 */
export function ratioOverRounds(numerator: readonly number[], denominator: readonly number[]): Spread {
  if (numerator.length !== denominator.length || numerator.length === 0) {
    throw new Error(`ratioOverRounds: ${numerator.length} rounds against ${denominator.length}`);
  }
  const ratios = numerator.map((time, round) => time / denominator[round]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

/** A rate from interleaved rounds, with its time per case relative to the hand-written function's. */
export type InterleavedThroughput = Throughput & Required<Pick<Throughput, "cpuPasses" | "vsHandwritten">>;

/** An engine's timed passes, with the cases each pass decides. */
export interface TimedEngine {
  name: string;
  cases: number;
  passes: readonly TimedPass[];
}

/** CPU seconds per case of each round's pass: the clock the ratios use (the machine's other
 *  processes take the wall clock, not this process's CPU time; docs/performance.md, "Method"). */
function perCase(engine: TimedEngine): number[] {
  return engine.passes.map((pass) => pass.cpu / engine.cases);
}

/** Each engine's rate (its median pass, wall clock) and its time per case over the first engine's
 *  (the hand-written function's), round by round. */
export function throughputs(engines: readonly TimedEngine[]): InterleavedThroughput[] {
  const base = perCase(engines[0]!);
  return engines.map((engine) => ({
    ...summary(engine.name, engine.cases, engine.passes.map((pass) => pass.wall)),
    cpuPasses: engine.passes.map((pass) => pass.cpu),
    vsHandwritten: ratioOverRounds(perCase(engine), base),
  }));
}

/** How many times faster `fast` is than `slow` (its rate over the other's), round by round. */
export function timesFaster(fast: TimedEngine, slow: TimedEngine): Spread {
  return ratioOverRounds(perCase(slow), perCase(fast));
}

/** A full collection, or a young-generation one (the garbage the previous engine left), when `node --expose-gc`. */
function collectGarbage(type: "major" | "minor"): void {
  const gc = (globalThis as { gc?: (options?: { type: string }) => void }).gc;
  if (gc) gc({ type });
}

async function timePart(part: () => void | Promise<void>): Promise<TimedPass> {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const pending = part();
  if (pending !== undefined) await pending;
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/**
 * One untimed pass per engine, then `rounds` rounds. Each round starts with a full collection; each
 * part with a young-generation one. Returns the engines with their passes in round order (a pass:
 * the sum of its parts' times in that round).
 */
export async function runInterleaved(
  engines: readonly InterleavedEngine[],
  rounds: number,
  log: (line: string) => void,
): Promise<TimedEngine[]> {
  const parts = engines[0]!.parts.length;
  if (engines.some((engine) => engine.parts.length !== parts)) throw new Error("runInterleaved: engines split into different numbers of parts");
  for (const engine of engines) {
    collectGarbage("major");
    if (engine.warmUp) await engine.warmUp();
    else for (const part of engine.parts) await part();
  }
  const timed = engines.map((engine) => ({ name: engine.name, cases: engine.cases, passes: [] as TimedPass[] }));
  for (let round = 0; round < rounds; round++) {
    collectGarbage("major");
    const sums = engines.map((): TimedPass => ({ wall: 0, cpu: 0 }));
    for (let part = 0; part < parts; part++) {
      for (const index of stepOrder(engines.length, round * parts + part)) {
        collectGarbage("minor");
        const time = await timePart(engines[index]!.parts[part]!);
        sums[index]!.wall += time.wall;
        sums[index]!.cpu += time.cpu;
      }
    }
    sums.forEach((sum, index) => timed[index]!.passes.push(sum));
    log(`  round ${round + 1} of ${rounds}: ` + engines.map((e, i) => `${e.name} ${(sums[i]!.wall * 1000).toFixed(0)} ms`).join(", "));
  }
  return timed;
}
