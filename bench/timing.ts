// Throughput measurement: one warm-up pass, then N timed passes over the whole corpus; the
// median pass gives cases per second. A GC between passes (node --expose-gc) keeps one engine's
// garbage from being collected on the next one's clock. The full bench times its engines
// interleaved (interleaved.ts) with the passes built here; `measure` times one engine's passes
// in turn (focus.ts).

import type { BenchCase } from "./corpus.js";
import type { Spread } from "./interleaved.js";

export interface Throughput {
  engine: string;
  cases: number;
  /** Seconds of each timed pass, in order. */
  passes: number[];
  median: number;
  casesPerSecond: number;
  /** Interleaved timing: CPU seconds of each timed pass (user + system). */
  cpuPasses?: number[];
  /** Interleaved timing: time per case over the hand-written function's in the same round. */
  vsHandwritten?: Spread;
}

/** Results are folded into this so no engine call is dead code. */
let sink = 0;

export function sinkValue(): number {
  return sink;
}

export function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summary(engine: string, cases: number, passes: number[]): Throughput {
  const m = median(passes);
  return { engine, cases, passes, median: m, casesPerSecond: cases / m };
}

/** One pass over `cases`, `repeat` times over; the outcomes are folded into the sink. */
export function passOver(decide: (c: BenchCase) => string, cases: readonly BenchCase[], repeat = 1): () => void {
  return () => {
    let acc = 0;
    for (let r = 0; r < repeat; r++) for (let i = 0; i < cases.length; i++) acc += decide(cases[i]!).length;
    sink += acc;
  };
}

/** One pass over `cases` for an engine that answers asynchronously (json-rules-engine). */
export function passOverAsync(decide: (c: BenchCase) => Promise<string>, cases: readonly BenchCase[]): () => Promise<void> {
  return async () => {
    let acc = 0;
    for (let i = 0; i < cases.length; i++) acc += (await decide(cases[i]!)).length;
    sink += acc;
  };
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
