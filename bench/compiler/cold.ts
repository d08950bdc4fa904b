// The cold start of `pol check policies`: wall time of fresh node processes, and where one
// spends its time. On a shared machine the absolute time moves with the load, so the same rounds
// also time a bare `node -e 0` (the floor no change to pol can lower) and `pol --version` (the
// CLI's own start-up: commander and the facade's core, no checking); the time above bare node is
// the part that is pol's. The three commands run in turn within each round, so all three see the
// same load. Each run's CPU time (user + system, from /proc on Linux) is kept beside its wall
// time: on a shared machine it moves much less with the load.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "../timing.js";
import { summariseStartup, type StartupProfile } from "../profiling.js";

export interface ColdTiming {
  command: string;
  passes: number[];
  median: number;
  /** CPU seconds (user + system) of each pass, when the system says (Linux). */
  cpu?: number[];
  cpuMedian?: number;
}

/**
 * The CPU time (user + system, seconds) of this process's children reaped so far, from
 * /proc/self/stat (fields 16 and 17, in clock ticks of 1/100 s); undefined where there is no /proc.
 */
function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
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
  const run = (args: string[], nodeFlags: string[] = []): { seconds: number; cpu: number | undefined; output: string } => {
    const cpuBefore = childrenCpu();
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [...nodeFlags, ...args], { cwd: root, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuAfter = childrenCpu();
    if (result.status !== 0) throw new Error(`${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    return { seconds, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore, output: result.stdout };
  };
  const first = commands.map(({ args }) => run(args));
  const passes = commands.map((): number[] => []);
  const cpu = commands.map((): (number | undefined)[] => []);
  for (let round = 0; round < runs; round++) {
    commands.forEach(({ args }, i) => {
      const { seconds, cpu: used } = run(args);
      passes[i]!.push(seconds);
      cpu[i]!.push(used);
    });
  }
  const timings = commands.map(({ command }, i): ColdTiming => {
    const used = cpu[i]!;
    const timing: ColdTiming = { command, passes: passes[i]!, median: median(passes[i]!) };
    if (used.every((value) => value !== undefined)) Object.assign(timing, { cpu: used, cpuMedian: median(used as number[]) });
    return timing;
  });
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
