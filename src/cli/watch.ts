// `--watch` for `pol check` and `pol test`: run once, then again whenever a `.pol` or `.json`
// file under the watched paths changes, until interrupted (Ctrl-C) or, in tests, aborted. Bursts
// of changes (an editor saving several files, `pol fmt`) make one run; a change during a run
// makes one more run after it.

import { watch, type FSWatcher } from "node:fs";
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Io } from "./io.js";

export interface WatchOptions {
  /** Ends the watch (tests); without it the watch ends with the process. */
  signal?: AbortSignal;
  /** Quiet time after a change before the next run, in milliseconds. */
  settleMs?: number;
  /** Called after each run with its exit code (tests wait on it). */
  onRun?: (exitCode: number) => void;
}

const WATCHED = /\.(pol|json)$/;

/** Run `run` now and after every change under `paths`; resolves with the last exit code once aborted. */
export async function watchPaths(paths: readonly string[], run: () => Promise<number>, io: Io, options: WatchOptions = {}): Promise<number> {
  const settleMs = options.settleMs ?? 150;
  let last = await run();
  options.onRun?.(last);
  const announce = () => io.err(`\nwatching ${paths.map((path) => `\`${path}\``).join(", ")} for changes (Ctrl-C to stop)\n`);
  announce();

  return await new Promise<number>((resolvePromise) => {
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    const watchers: FSWatcher[] = [];
    const rerun = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      do {
        again = false;
        if (process.stdout.isTTY && options.signal === undefined) io.out("\u001bc");
        last = await run();
        options.onRun?.(last);
      } while (again);
      running = false;
      announce();
    };
    const changed = (file: string | null) => {
      if (file !== null && !WATCHED.test(file)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void rerun(), settleMs);
    };
    for (const path of paths) {
      const absolute = resolve(path);
      const folder = isFolder(absolute);
      const watcher = watch(folder ? absolute : dirname(absolute), { recursive: folder, persistent: true }, (_event, file) =>
        changed(file === null ? null : String(file)),
      );
      watcher.on("error", () => undefined);
      watchers.push(watcher);
    }
    const stop = () => {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      resolvePromise(last);
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener("abort", stop, { once: true });
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
