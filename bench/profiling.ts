// CPU profiles of one engine (or of the front end) in a child process run with `node --cpu-prof`,
// summarised as the top frames by self and inclusive time and the share of time per file.

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
  /** Functions by inclusive time (themselves and what they call), inside the measured work. */
  inclusive: Frame[];
  /** Self time by file (`(garbage collector)` and other V8 pseudo-frames by name). */
  files: { file: string; selfShare: number }[];
  /** Time inside passes over lists, by the outermost pass on the stack (see `passOf`). */
  passes: { pass: string; share: number }[];
}

/** The function profile.js runs the measured work in; setup before it is left out. */
export const MEASURED_WORK = "measuredWork";

function top(map: Map<string, number>, total: number, count: number): Frame[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, time]) => {
      const [name, location] = key.split("\t") as [string, string];
      return { name, location, selfShare: time / total };
    });
}

/**
 * A profile's time by function (self and inclusive) and by file, as shares of the measured work:
 * samples under `measuredWork`, and the GC and VM samples between its first and last sample.
 */
export function summariseProfile(path: string, count: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = (node: ProfileNode): string => {
    const frame = node.callFrame;
    return `${frame.functionName || "(anonymous)"}\t${fileOf(frame.url)}:${frame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  const passes = new Map<string, number>();
  const stacks = profile.samples.map((id) => {
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byNode.get(at)!);
    return stack;
  });
  const measured = stacks.map((stack) => stack.some((frame) => frame.callFrame.functionName === MEASURED_WORK));
  const first = measured.indexOf(true);
  const last = measured.lastIndexOf(true);
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byNode.get(id)!;
    const stack = stacks[i]!;
    const vm = stack.length <= 2 && node.callFrame.url === "" && node.callFrame.functionName !== "(idle)";
    if (!(measured[i] || (vm && i > first && i < last))) return;
    total += delta;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + delta);
    // Inclusive time only for frames inside the measured work, not the frames that call it.
    const inside = stack.findIndex((frame) => frame.callFrame.functionName === MEASURED_WORK);
    const below = inside < 0 ? stack : stack.slice(0, inside);
    for (const name of new Set(below.map(keyOf))) inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
    const file = fileOf(node.callFrame.url);
    const group = file === "" ? node.callFrame.functionName : file;
    files.set(group, (files.get(group) ?? 0) + delta);
    let pass: string | undefined;
    for (let at = below.length - 1; at >= 0 && pass === undefined; at--) pass = passOf(below[at]!.callFrame);
    if (pass !== undefined) passes.set(pass, (passes.get(pass) ?? 0) + delta);
  });
  const byFile = [...files.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([file, time]) => ({ file, selfShare: time / total }));
  const byPass = [...passes.entries()].sort((a, b) => b[1] - a[1]).map(([pass, time]) => ({ pass, share: time / total }));
  return { frames: top(self, total, count), inclusive: top(inclusive, total, count), files: byFile, passes: byPass };
}

/**
 * The pass over a list a frame of the runtime runs, if it runs one: the elements of a list whose
 * code may be in a set, a `ListScan`, a general aggregate, a distinct count or selection, the
 * other line items. A sample is the outermost one's: a `ListScan` that works out the candidates
 * it passes over counts as the scan. What is in no pass is the decide walk, the criteria and lets,
 * and their reads of the case and item.
 */
function passOf(frame: ProfileNode["callFrame"]): string | undefined {
  const file = /\/runtime\/dist\/([a-z]+)\.js$/.exec(frame.url)?.[1];
  if (file === "candidates") return "candidates";
  if (file === "others") return "other line items";
  if (file === "scan") return "ListScan";
  if (file === "selection") return "count distinct, selection";
  if (file === "aggregates" && AGGREGATES.has(frame.functionName)) return frame.functionName;
  return undefined;
}

/** The general aggregates of aggregates.ts, each a pass of its own. */
const AGGREGATES = new Set(["count", "some", "none", "pick", "sum", "coverage"]);

function fileOf(url: string): string {
  return url.replace(/^.*\/(dist|node_modules)\//, "$1/");
}

export function printProfileSummary(summary: ProfileSummary): string {
  const inPasses = summary.passes.reduce((sum, { share }) => sum + share, 0);
  const row = (frame: Frame) => `  ${(frame.selfShare * 100).toFixed(1).padStart(5)}%  ${frame.name.padEnd(28)} ${frame.location}`;
  return [
    "self time by function:",
    ...summary.frames.map(row),
    "inclusive time by function (inside the measured work):",
    ...summary.inclusive.map(row),
    "self time by file:",
    ...summary.files.map(({ file, selfShare }) => `  ${(selfShare * 100).toFixed(1).padStart(5)}%  ${file}`),
    `time inside passes over lists, by the outermost pass (${(inPasses * 100).toFixed(1)}% in all):`,
    ...summary.passes.map(({ pass, share }) => `  ${(share * 100).toFixed(1).padStart(5)}%  ${pass}`),
  ].join("\n");
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

/** Where a package or file group's time goes at start-up: node_modules packages by name, pol's
 *  own files by folder (the bundled CLI as one), Node's module loader as one group, V8 pseudo-frames by name. */
function startupGroup(url: string, functionName: string, lineNumber: number): string {
  if (url === "") return functionName;
  // A bundle of dist/cli/ that holds packages (check.cjs): the package of the code at that line.
  const input = bundledInput(url, lineNumber);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input ?? url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node internals (module loading, fs)";
  // bin/pol.js runs the CLI bundled into dist/cli/ (scripts/bundle-cli.mjs): its chunks are one group.
  if (/\/dist\/cli\//.test(url)) return "dist/cli/ (pol, bundled)";
  const own = /\/(dist\/(?:src|grammar)(?:\/[^/]+\/)?)/.exec(url);
  return own ? own[1]! : url.replace(/^.*\//, "");
}

/** For each bundle of dist/cli/, the first line of each module in it (esbuild heads each with `// PATH`). */
const bundleModules = new Map<string, { line: number; input: string }[]>();

/** The module of the bundle at `url` that holds line `lineNumber` (0-based), if `url` is a bundle. */
function bundledInput(url: string, lineNumber: number): string | undefined {
  if (!/\/dist\/cli\/[^/]+\.c?js$/.test(url)) return undefined;
  let modules = bundleModules.get(url);
  if (modules === undefined) {
    modules = [];
    try {
      readFileSync(url.startsWith("file:") ? fileURLToPath(url) : url, "utf8")
        .split("\n")
        .forEach((text, line) => {
          const marker = /^\/\/ ((?:node_modules|dist|packages)\/\S+\.(?:m?js|cjs|json))$/.exec(text);
          if (marker) modules!.push({ line, input: marker[1]! });
        });
    } catch {
      // Not readable: the whole file is one group.
    }
    bundleModules.set(url, modules);
  }
  let found: string | undefined;
  for (const module of modules) {
    if (module.line > lineNumber) break;
    found = module.input;
  }
  return found;
}

export interface StartupProfile {
  totalMs: number;
  /** Self time by group, largest first. */
  groups: { group: string; ms: number; share: number }[];
  /** Inclusive time of the largest frames (loading chevrotain, building the parser, checking). */
  inclusive: { name: string; ms: number; share: number }[];
}

/** A cold process's profile, summarised by package (self time) and by frame (inclusive time). */
export function summariseStartup(path: string, count: number): StartupProfile {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byNode.get(id)!;
    if (node.callFrame.functionName === "(idle)") return;
    total += delta;
    const group = startupGroup(node.callFrame.url, node.callFrame.functionName, node.callFrame.lineNumber);
    self.set(group, (self.get(group) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byNode.get(at)!.callFrame;
      if (frame.url === "" || frame.url.startsWith("node:")) continue;
      const key = `${frame.functionName || "(anonymous or top level)"} ${fileOf(frame.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  const rows = (map: Map<string, number>) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, time]) => ({ name, ms: time / 1000, share: time / total }));
  return {
    totalMs: total / 1000,
    groups: rows(self).map(({ name, ms, share }) => ({ group: name, ms, share })),
    inclusive: rows(inclusive),
  };
}

export function printStartupProfile(summary: StartupProfile): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;
  return [
    `${summary.totalMs.toFixed(0)} ms sampled (the process, less idle time)`,
    "self time by package or folder:",
    ...summary.groups.map((g) => `  ${pct(g.share)} ${ms(g.ms)}  ${g.group}`),
    "inclusive time by frame (JavaScript frames):",
    ...summary.inclusive.map((f) => `  ${pct(f.share)} ${ms(f.ms)}  ${f.name}`),
  ].join("\n");
}
