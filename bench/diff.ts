// `npm run bench:diff`: `pol diff` of each seed policy against its copy with one threshold, one
// window or duration and one code changed (test/fixtures/versions/*-next.pol), at the default
// bounds, as the command runs it: both policies loaded and checked, the structural and semantic
// diff, every counterexample confirmed by both versions' evaluators. Prints each solver question's
// wall-clock time, the whole diff's wall-clock and CPU time (the process's, Z3's threads
// included) and the load average before and after, as a row of docs/performance.md's table. The
// target is under 10 s of wall-clock time per pair; the machine is shared, so the CPU time and
// the load are printed beside it.

import { loadavg } from "node:os";
import { DEFAULT_SEMANTIC, diffVersions, loadPolicy, type CheckedPolicy } from "../src/index.js";
import { describeMachine } from "./machine.js";

const PAIRS = [
  { name: "Cigna 0139", old: "policies/cigna/trigger-point-injections.pol", new: "test/fixtures/versions/tpi-next.pol" },
  { name: "TrueCare MM-1463", old: "policies/truecare/sacroiliac-joint-procedures.pol", new: "test/fixtures/versions/sij-next.pol" },
];
const TARGET_MS = 10_000;

function load(path: string): CheckedPolicy {
  const loaded = loadPolicy(path);
  if (!loaded.ok) throw new Error(`${path} does not check: ${loaded.problem ?? "see pol check"}`);
  return loaded.policy;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load1 = () => loadavg()[0]!.toFixed(1);

const machine = describeMachine();
console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
const { bounds } = DEFAULT_SEMANTIC;
console.log(`bounds: lists of up to ${bounds.list} elements, up to ${bounds.items} other line items (the command's defaults)`);
console.log("| pair | load average (before, after) | queries (wall) | total wall | total CPU | result |");
console.log("| --- | --- | --- | --- | --- | --- |");
let missed = 0;
for (const pair of PAIRS) {
  const loadBefore = load1();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await diffVersions(load(pair.old), load(pair.new));
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  const findings = report.semantic?.findings ?? [];
  const queries = findings
    .filter((finding) => !(finding.kind === "same" && finding.unchanged))
    .map((finding) => `${finding.codes[0]}${finding.codes.length > 1 ? ` (+${finding.codes.length - 1})` : ""}: ${seconds(finding.milliseconds)}`);
  const unchanged = findings.filter((finding) => finding.kind === "same" && finding.unchanged).length;
  if (unchanged > 0) queries.push(`${unchanged} unchanged classes: no query`);
  const differing = findings.filter((finding) => finding.kind === "difference").length;
  const undecided = findings.filter((finding) => finding.kind === "timeout").length;
  const result = `${differing} of ${findings.length} classes decided differently, each case confirmed${undecided > 0 ? `; ${undecided} undecided (POL5002)` : ""}`;
  const cpuSeconds = seconds((used.user + used.system) / 1000);
  console.log(`| ${pair.name} | ${loadBefore}, ${load1()} | ${queries.join(", ")} | ${seconds(wall)} | ${cpuSeconds} | ${result} |`);
  if (wall >= TARGET_MS) missed++;
}
console.log(missed === 0 ? "every pair under 10 s" : `${missed} of ${PAIRS.length} pairs at or over 10 s of wall-clock time (see the load average)`);
