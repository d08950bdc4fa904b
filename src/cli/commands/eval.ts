// `pol eval <policy> <case.json>`: the determination for one case, as a reviewer's letter or JSON.
// `pol eval <policy> <cases.ndjson | ->`: one determination per line as NDJSON on stdout, every
// core evaluating (src/tools/batch/), bad lines reported on stderr, a summary at the end.

import { createReadStream, statSync, writeFileSync } from "node:fs";
import {
  defaultJobs,
  displayPath,
  evaluateBatch,
  evaluateCase,
  loadPolicy,
  ProgressLine,
  readJsonFile,
  renderJson,
  renderSummary,
  renderText,
  requireFile,
  summaryJson,
  UsageError,
  type BatchOutput,
  type CheckedPolicy,
} from "../../index.js";
import { isClosed } from "../closed-streams.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, writeData, type Io } from "../io.js";

export type ReportFormat = "text" | "json";

export interface EvalOptions {
  explain: boolean;
  /** Evaluate a proposed policy as if it were in effect. */
  asProposed?: boolean;
  format: ReportFormat;
  /** Worker threads for a batch; every core when absent. */
  jobs?: number;
  /** Where to write a batch's summary as JSON. */
  summary?: string;
  /** Accept fields the schema does not declare. */
  ignoreUnknownFields?: boolean;
}

/** Input read as many cases, one per line: NDJSON files and `-` (stdin). */
function isBatchInput(path: string): boolean {
  return path === "-" || path.endsWith(".ndjson") || path.endsWith(".jsonl");
}

export async function runEval(policyPath: string, casePath: string, options: EvalOptions, io: Io): Promise<number> {
  // Only a regular `.pol` file is read as a policy, so no other file is ever shown in a code frame.
  requireFile(policyPath, [".pol"]);
  if (isBatchInput(casePath) && casePath !== "-") requireFile(casePath, [".ndjson", ".jsonl"]);
  const load = loadPolicy(policyPath);
  if (!load.ok) {
    printDiagnostics(load.checked, "human", io);
    if (load.problem !== undefined) io.err(`error: ${load.problem}\n`);
    return EXIT_FAILED;
  }
  const { policy } = load;
  if (isBatchInput(casePath)) return runBatch(policy, casePath, options, io);
  const read = readJsonFile(casePath);
  if (!read.ok) {
    if (read.unreadable) throw new UsageError(read.message);
    io.err(`error: ${read.message}\n`);
    return EXIT_FAILED;
  }
  const evaluated = evaluateCase(policy, read.value, {
    unknownFields: options.ignoreUnknownFields ? "ignore" : "reject",
    ...(options.asProposed ? { asProposed: true } : {}),
  });
  if (!evaluated.ok) {
    io.err(`error: \`${displayPath(casePath)}\` is not a valid case for ${policy.metadata.id}:\n`);
    for (const error of evaluated.errors) io.err(`  ${error.path || "(case)"}: ${error.message}\n`);
    return EXIT_FAILED;
  }
  if (options.format === "json") writeData(io, renderJson(evaluated.determination));
  else io.out(renderText(evaluated.determination, { explain: options.explain }));
  return EXIT_OK;
}

async function runBatch(policy: CheckedPolicy, casePath: string, options: EvalOptions, io: Io): Promise<number> {
  const fromStdin = casePath === "-";
  const input = fromStdin ? (io.stdin ?? process.stdin) : createReadStream(casePath, { highWaterMark: 256 * 1024 });
  const progress = io.errIsTerminal ? new ProgressLine(io.err, fromStdin ? undefined : statSync(casePath).size) : undefined;
  const stop = new AbortController();
  const output = batchOutput(io, () => stop.abort());
  const name = fromStdin ? "stdin" : displayPath(casePath);
  const run = await evaluateBatch(policy, input, output, {
    jobs: options.jobs ?? defaultJobs(),
    explain: options.explain,
    ignoreUnknownFields: options.ignoreUnknownFields === true,
    asProposed: options.asProposed ?? false,
    signal: stop.signal,
    onBadLine(line, errors) {
      progress?.clear();
      const [first, ...rest] = errors;
      const more = rest.length === 0 ? "" : ` (and ${rest.length} more error${rest.length === 1 ? "" : "s"})`;
      io.err(`error: ${name}:${line}: ${first ? `${first.path === "" ? "" : `${first.path}: `}${first.message}` : "invalid case"}${more}\n`);
    },
    onProgress: (bytes, summary) => progress?.update(bytes, summary.cases),
  });
  progress?.clear();
  io.err(renderSummary(run.summary, run.seconds, run.jobs));
  if (options.summary !== undefined) writeFileSync(options.summary, JSON.stringify(summaryJson(run.summary), null, 2) + "\n");
  return run.summary.badLines > 0 ? EXIT_FAILED : EXIT_OK;
}

/** stdout with backpressure; when its reader goes away (`| head`), the run stops reading. */
function batchOutput(io: Io, readerGone: () => void): BatchOutput {
  const stream = io.stdout;
  if (stream === undefined) return { write: (text) => (io.out(text), true), drained: async () => {} };
  const gone = () => (stream === process.stdout || stream === process.stderr) && isClosed(stream as NodeJS.WriteStream);
  return {
    write(text) {
      if (gone()) {
        readerGone();
        return true;
      }
      try {
        return stream.write(text);
      } catch {
        readerGone();
        return true;
      }
    },
    drained: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          stream.off("drain", done);
          stream.off("close", done);
          stream.off("error", done);
          if (gone()) readerGone();
          resolve();
        };
        stream.on("drain", done);
        stream.on("close", done);
        stream.on("error", done);
      }),
  };
}
