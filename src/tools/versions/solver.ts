// Z3 (the `z3-solver` package: Z3 compiled to WebAssembly) loaded once per process, and released
// so the process can exit: the WebAssembly module keeps worker threads alive until they are
// terminated.

import type { Context, Solver } from "z3-solver";

export type Z3 = Context<"main">;

interface Loaded {
  z3: Z3;
  release(): void;
}

let loading: Promise<Loaded> | undefined;

/** The solver context, loaded on first use (about a second and a half). */
export async function loadZ3(): Promise<Z3> {
  loading ??= (async () => {
    const { init } = await import("z3-solver");
    const { Context, em } = await init();
    const threads = (em as { PThread?: { terminateAllThreads?: () => void } }).PThread;
    return { z3: Context("main"), release: () => threads?.terminateAllThreads?.() };
  })();
  return (await loading).z3;
}

/** Stop Z3's worker threads; the next `loadZ3` loads it again. Safe to call when never loaded. */
export async function releaseZ3(): Promise<void> {
  const current = loading;
  loading = undefined;
  if (current === undefined) return;
  (await current).release();
}

/**
 * A solver in Z3's incremental mode, with `timeout` milliseconds per check. A fresh solver first
 * runs Z3's preprocessing tactics over the whole problem; on the diff's questions (a few hundred
 * definitions, month lookups, no quantifiers) that preprocessing costs more than it saves: the
 * incremental core answered the seed policies' questions in a half to a quarter of the CPU time
 * (docs/performance.md). A scope pushed at once is what switches Z3 to that core.
 */
export function incrementalSolver(z3: Z3, timeout: number): Solver<"main"> {
  const solver = new z3.Solver();
  solver.set("timeout", timeout);
  solver.push();
  return solver;
}
