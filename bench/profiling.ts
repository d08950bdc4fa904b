// CPU profiles of one engine (or of the front end) in a child process run with `node --cpu-prof`,
// summarised as the top frames by self time and the share of time per file.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  name: string;
  location: string;
  selfShare: number;
}

export interface ProfileSummary {
  /** Functions by self time. */
  frames: Frame[];
  /** Self time by file (`(garbage collector)` and other V8 pseudo-frames by name). */
  files: { file: string; selfShare: number }[];
}

/** A profile's self time by function and by file, as shares of all samples (idle included). */
export function summariseProfile(path: string, count: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = byNode.get(id)!.callFrame;
    const file = frame.url.replace(/^.*\/(dist|node_modules)\//, "$1/");
    const key = `${frame.functionName || "(anonymous)"}\t${file}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    const group = file === "" ? frame.functionName : file;
    files.set(group, (files.get(group) ?? 0) + delta);
  });
  const frames = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, time]) => {
      const [name, location] = key.split("\t") as [string, string];
      return { name, location, selfShare: time / total };
    });
  const byFile = [...files.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([file, time]) => ({ file, selfShare: time / total }));
  return { frames, files: byFile };
}

export function printProfileSummary(summary: ProfileSummary): string {
  const lines = ["self time by function:"];
  for (const frame of summary.frames) {
    lines.push(`  ${(frame.selfShare * 100).toFixed(1).padStart(5)}%  ${frame.name.padEnd(28)} ${frame.location}`);
  }
  lines.push("self time by file:");
  for (const { file, selfShare } of summary.files) lines.push(`  ${(selfShare * 100).toFixed(1).padStart(5)}%  ${file}`);
  return lines.join("\n");
}

/** Profile `dist/bench/profile.js TARGET [CASES]` in a fresh process and summarise it. */
export function profileInChild(root: string, target: string, cases: number, frames: number): ProfileSummary {
  const dir = mkdtempSync(join(tmpdir(), "pol-bench-prof-"));
  try {
    const script = fileURLToPath(new URL("./profile.js", import.meta.url));
    const child = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, script, target, String(cases)], {
      cwd: root,
      encoding: "utf8",
    });
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
    if (child.status !== 0 || file === undefined) {
      throw new Error(`profiling ${target} failed (exit ${child.status}):\n${child.stderr}`);
    }
    return summariseProfile(join(dir, file), frames);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
