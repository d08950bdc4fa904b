// `npm run bench:batch` (also the last part of `npm run bench`): batch evaluation, what `pol eval
// POLICY cases.ndjson` runs. It writes 1,000,000 generated TrueCare SIJ cases (the evaluation
// corpus's generator, bench/corpus.ts) to an NDJSON file, then evaluates them in a fresh process
// per run: on 1 worker, on every core, and 100,000 of them on every core, to show that peak
// memory does not grow with the number of cases. Each child hashes its output, so the runs also
// check that every job count writes the same bytes in the same order. docs/performance.md
// records a run. `batch.js --child FILE JOBS` is the child mode.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkFile } from "../src/check/checker.js";
import { evaluateBatch, summaryJson } from "../src/index.js";
import { buildCorpus } from "./corpus.js";
import { describeMachine } from "./machine.js";
import { POLICY_FILES } from "./engines/pol.js";

export const BATCH_CASES = 1_000_000;
export const SMALL_BATCH_CASES = 100_000;
const SEED = 20270101;

interface ChildResult {
  cases: number;
  badLines: number;
  seconds: number;
  /** CPU seconds of the whole process (every thread): on a shared machine, the steadier figure. */
  cpuSeconds: number;
  peakRssMb: number;
  outputSha1: string;
  outcomes: Record<string, number>;
}

/** Write `count` SIJ cases, one per line, in slices so the generator never holds them all. */
function writeCases(path: string, count: number): void {
  const file = openSync(path, "w");
  let written = 0;
  for (let slice = 0; written < count; slice++) {
    let text = "";
    for (const c of buildCorpus(20_000, SEED + slice)) {
      if (c.policy !== "sij" || written >= count) continue;
      text += JSON.stringify(c.input) + "\n";
      written++;
    }
    writeSync(file, text);
  }
  closeSync(file);
}

async function child(file: string, jobs: number, limit: number): Promise<void> {
  const checked = checkFile(POLICY_FILES.sij);
  if (!checked.policy) throw new Error("the SIJ policy does not check");
  const hash = createHash("sha1");
  const output = { write: (text: string) => (hash.update(text), true), drained: async () => {} };
  const run = await evaluateBatch(checked.policy, firstLines(file, limit), output, { jobs });
  const result: ChildResult = {
    cases: run.summary.cases,
    badLines: run.summary.badLines,
    seconds: run.seconds,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    outputSha1: hash.digest("hex"),
    outcomes: (summaryJson(run.summary) as { outcomes: Record<string, number> }).outcomes,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

/** The file's first `limit` lines, as the chunks a read stream gives. */
async function* firstLines(file: string, limit: number): AsyncGenerator<Buffer> {
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let end = 0;
    while (end < chunk.length && lines < limit) {
      const newline = chunk.indexOf(10, end);
      if (newline === -1) {
        end = chunk.length;
        break;
      }
      end = newline + 1;
      lines++;
    }
    yield chunk.subarray(0, end);
    if (lines >= limit) return;
  }
}

function runChild(file: string, jobs: number, limit: number): ChildResult {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [script, "--child", file, String(jobs), String(limit)], {
    encoding: "utf8",
    maxBuffer: 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`batch child failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as ChildResult;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1]!, Number(args[2]), Number(args[3]));
  const cores = availableParallelism();
  const machine = describeMachine();
  const folder = mkdtempSync(join(tmpdir(), "pol-bench-batch-"));
  const file = join(folder, "cases.ndjson");
  try {
    process.stderr.write(`batch: writing ${BATCH_CASES.toLocaleString("en-US")} cases...\n`);
    writeCases(file, BATCH_CASES);
    const runs: [string, ChildResult][] = [];
    for (const [label, jobs, limit] of [
      ["1M cases, 1 worker", 1, BATCH_CASES],
      [`1M cases, ${cores} workers (every core)`, cores, BATCH_CASES],
      [`100k cases, ${cores} workers`, cores, SMALL_BATCH_CASES],
    ] as const) {
      process.stderr.write(`batch: ${label}...\n`);
      runs.push([label, runChild(file, jobs, limit)]);
    }
    const rows = runs.map(([label, r]) =>
      `${label.padEnd(36)} ${r.cases.toLocaleString("en-US").padStart(10)} ${r.seconds.toFixed(1).padStart(8)} s ${Math.round(r.cases / r.seconds).toLocaleString("en-US").padStart(9)} cases/s ${Math.round(r.cases / r.cpuSeconds).toLocaleString("en-US").padStart(9)} cases per CPU-s ${r.peakRssMb.toFixed(0).padStart(6)} MB peak RSS`,
    );
    const [one, all, small] = runs.map(([, r]) => r) as [ChildResult, ChildResult, ChildResult];
    const sameOutput = one.outputSha1 === all.outputSha1;
    process.stdout.write(
      [
        "",
        "== batch evaluation (pol eval POLICY cases.ndjson; one fresh process per run)",
        "",
        `machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAverage}, Node ${machine.node}`,
        "",
        ...rows,
        "",
        `speed-up on ${cores} workers: ${((all.cases / all.seconds) / (one.cases / one.seconds)).toFixed(2)}x`,
        `peak memory, 1M against 100k cases on ${cores} workers: ${(all.peakRssMb / small.peakRssMb).toFixed(2)}x (bounded: it should not grow)`,
        `outcomes (1M): ${JSON.stringify(all.outcomes)}`,
        `output of 1 worker and of ${cores} workers: ${sameOutput ? "identical" : "DIFFERENT"} (sha1 ${one.outputSha1.slice(0, 12)})`,
        "",
      ].join("\n"),
    );
    if (!sameOutput || one.badLines + all.badLines > 0) process.exitCode = 1;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
