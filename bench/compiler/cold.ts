// The cold start of `pol check policies`: wall time of fresh node processes, and where one
// spends its time. On a shared machine the absolute time moves with the load, so the same rounds
// also time a bare `node -e 0` (the floor no change to pol can lower) and `pol --version` (the
// CLI's own start-up: commander and the facade's core, no checking); the time above bare node is
// the part that is pol's. The three commands run in turn within each round, so all three see the
// same load.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "../timing.js";
import { summariseStartup, type StartupProfile } from "../profiling.js";

export interface ColdTiming {
  command: string;
  passes: number[];
  median: number;
}

export interface ColdCheck {
  /** `pol check policies`. */
  passes: number[];
  median: number;
  files: number;
  /** `node -e 0`, `pol --version` and `pol check policies`, timed in the same rounds. */
  commands: ColdTiming[];
  /** The median of `pol check policies` less the median of `node -e 0`. */
  aboveNode: number;
  /** `node --cpu-prof bin/pol.js check policies`, once (not timed). */
  profile: StartupProfile;
}

/** Each command in a fresh node process, in turn, `runs` rounds after one untimed round (disk cache). */
export function coldCheck(root: string, runs: number): ColdCheck {
  const pol = resolve(root, "bin/pol.js");
  const commands: { command: string; args: string[] }[] = [
    { command: "node -e 0", args: ["-e", "0"] },
    { command: "pol --version", args: [pol, "--version"] },
    { command: "pol check policies", args: [pol, "check", "policies"] },
  ];
  const run = (args: string[], nodeFlags: string[] = []): { seconds: number; output: string } => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [...nodeFlags, ...args], { cwd: root, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) throw new Error(`${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    return { seconds, output: result.stdout };
  };
  const first = commands.map(({ args }) => run(args));
  const passes = commands.map((): number[] => []);
  for (let round = 0; round < runs; round++) commands.forEach(({ args }, i) => passes[i]!.push(run(args).seconds));
  const timings = commands.map(({ command }, i) => ({ command, passes: passes[i]!, median: median(passes[i]!) }));
  const check = timings[2]!;
  const files = Number(/checked (\d+) files?/.exec(first[2]!.output)?.[1] ?? NaN);
  const dir = mkdtempSync(join(tmpdir(), "pol-bench-cold-"));
  try {
    run(commands[2]!.args, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"))!;
    return {
      passes: check.passes,
      median: check.median,
      files,
      commands: timings,
      aboveNode: check.median - timings[0]!.median,
      profile: summariseStartup(join(dir, file), 16),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
