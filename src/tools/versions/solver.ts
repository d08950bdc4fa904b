// Z3 (the `z3-solver` package: Z3 compiled to WebAssembly) loaded once per process, and released
// so the process can exit: the WebAssembly module keeps worker threads alive until they are
// terminated.

import type { Context } from "z3-solver";

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
