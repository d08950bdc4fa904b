// Throughput measurement: one warm-up pass, then N timed passes over the whole corpus; the
// median pass gives cases per second. A GC between passes (node --expose-gc) keeps one engine's
// garbage from being collected on the next one's clock.

import type { BenchCase } from "./corpus.js";

export interface Throughput {
  engine: string;
  cases: number;
  /** Seconds of each timed pass, in order. */
  passes: number[];
  median: number;
  casesPerSecond: number;
}

/** Results are folded into this so no engine call is dead code. */
let sink = 0;

export function sinkValue(): number {
  return sink;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summary(engine: string, cases: number, passes: number[]): Throughput {
  const m = median(passes);
  return { engine, cases, passes, median: m, casesPerSecond: cases / m };
}

export function measure(
  engine: string,
  decide: (c: BenchCase) => string,
  cases: readonly BenchCase[],
  passes: number,
): Throughput {
  const pass = (): number => {
    const start = process.hrtime.bigint();
    let acc = 0;
    for (let i = 0; i < cases.length; i++) acc += decide(cases[i]!).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    sink += acc;
    return seconds;
  };
  collect();
  pass(); // warm-up: lets the JIT settle on the hot paths
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    collect();
    times.push(pass());
  }
  return summary(engine, cases.length, times);
}

export async function measureAsync(
  engine: string,
  decide: (c: BenchCase) => Promise<string>,
  cases: readonly BenchCase[],
  passes: number,
  warmupCases: number,
): Promise<Throughput> {
  const pass = async (slice: readonly BenchCase[]): Promise<number> => {
    const start = process.hrtime.bigint();
    let acc = 0;
    for (let i = 0; i < slice.length; i++) acc += (await decide(slice[i]!)).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    sink += acc;
    return seconds;
  };
  collect();
  await pass(cases.slice(0, warmupCases));
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    collect();
    times.push(await pass(cases));
  }
  return summary(engine, cases.length, times);
}
