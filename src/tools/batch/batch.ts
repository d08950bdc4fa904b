// `pol eval POLICY cases.ndjson`: many cases through the compiled evaluator on worker threads.
//
// The main thread reads the input, cuts it into chunks of lines and hands each to the next idle
// worker; results come back in any order and are written in input order. At most `window`
// chunks are between reading and writing at any time: when the output is slow (a full pipe) the
// window fills and reading stops, so memory depends on the window, never on the input's length.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CaseError } from "@pol/runtime";
import { writeLoadableModules, type CheckedPolicy, type FhirBindings } from "../../index.js";
import { LineSplitter } from "./lines.js";
import type { ChunkRequest, ChunkResult, WorkerSetup } from "./protocol.js";
import { addSummary, emptySummary, type BatchSummary } from "./summary.js";

/** Longest line read as a case: the limit `pol eval` puts on a single case file. */
export const MAX_LINE_CHARS = 1024 * 1024;
/** Lines per chunk: large enough that messaging costs little next to evaluating. */
const CHUNK_LINES = 256;
/** Characters per chunk, so a chunk of long lines stays small too. */
const CHUNK_CHARS = 1024 * 1024;

/** Where the output goes: `write` returns false when the reader is behind (as a stream's does). */
export interface BatchOutput {
  write(text: string): boolean;
  /** Resolves when a write that returned false has been taken up. */
  drained(): Promise<void>;
}

export interface BatchOptions {
  /** Worker threads; default: every core. */
  jobs?: number;
  /** Include each criterion's trace with its facts. */
  explain?: boolean;
  /** Accept fields the schema does not declare. */
  ignoreUnknownFields?: boolean;
  /** Evaluate a proposed policy as if it were in effect. */
  asProposed?: boolean;
  /** Each line is a FHIR bundle, read into a case with these bindings. */
  fhir?: FhirBindings;
  /** Called in input order for every bad line. */
  onBadLine?(line: number, errors: CaseError[]): void;
  /** Called after each chunk is written, with the bytes read so far and the running summary. */
  onProgress?(bytesRead: number, summary: BatchSummary): void;
  /** Stops reading when aborted (the output's reader has gone); what was read is finished. */
  signal?: AbortSignal;
}

export interface BatchRun {
  summary: BatchSummary;
  jobs: number;
  seconds: number;
}

export function defaultJobs(): number {
  return availableParallelism();
}

/** The built worker: beside this file in dist/, and there too when this file runs from source (tests). */
function workerUrl(): URL {
  const here = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL("../../../dist/src/tools/batch/worker.js", import.meta.url);
}

export async function evaluateBatch(
  policy: CheckedPolicy,
  input: AsyncIterable<Buffer | string>,
  output: BatchOutput,
  options: BatchOptions = {},
): Promise<BatchRun> {
  const started = process.hrtime.bigint();
  const jobs = Math.max(1, Math.floor(options.jobs ?? defaultJobs()));
  const folder = mkdtempSync(join(tmpdir(), "pol-eval-"));
  const workers: Worker[] = [];
  try {
    const moduleUrl = await writeLoadableModules(policy, folder);
    const setup: WorkerSetup = {
      moduleUrl,
      explain: options.explain ?? false,
      ignoreUnknownFields: options.ignoreUnknownFields ?? false,
      asProposed: options.asProposed ?? false,
      maxLineChars: MAX_LINE_CHARS,
      ...(options.fhir ? { fhir: options.fhir } : {}),
    };
    for (let i = 0; i < jobs; i++) workers.push(new Worker(workerUrl(), { workerData: setup }));
    const pipeline = new Pipeline(workers, output, options);
    const splitter = new LineSplitter(MAX_LINE_CHARS);
    let bytesRead = 0;
    let chunk: ChunkRequest = { seq: 0, first: 1, lines: [] };
    let chunkChars = 0;
    const take = async (lines: ReturnType<LineSplitter["push"]>) => {
      for (const line of lines) {
        chunk.lines.push("text" in line ? line.text : null);
        chunkChars += "text" in line ? line.text.length : 0;
        if (chunk.lines.length >= CHUNK_LINES || chunkChars >= CHUNK_CHARS) {
          await pipeline.submit(chunk, bytesRead);
          chunk = { seq: chunk.seq + 1, first: line.number + 1, lines: [] };
          chunkChars = 0;
        }
      }
    };
    for await (const data of input) {
      if (options.signal?.aborted) break;
      bytesRead += typeof data === "string" ? Buffer.byteLength(data) : data.length;
      await take(splitter.push(data));
    }
    if (!options.signal?.aborted) await take(splitter.end());
    if (chunk.lines.length > 0) await pipeline.submit(chunk, bytesRead);
    const summary = await pipeline.finish();
    return { summary, jobs, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Chunks out to idle workers, results back in order, at most `window` chunks in between. */
class Pipeline {
  private readonly window: number;
  private readonly idle: Worker[];
  private readonly queue: ChunkRequest[] = [];
  private readonly done = new Map<number, ChunkResult>();
  private readonly summary = emptySummary();
  private submitted = 0;
  private written = 0;
  private bytesRead = 0;
  private writing = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    workers: Worker[],
    private readonly output: BatchOutput,
    private readonly options: BatchOptions,
  ) {
    this.window = workers.length * 4;
    this.idle = [...workers];
    for (const worker of workers) {
      worker.on("message", (result: ChunkResult) => {
        this.done.set(result.seq, result);
        this.idle.push(worker);
        this.dispatch();
        void this.flush();
      });
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`a worker stopped with exit code ${code}`));
      });
    }
  }

  async submit(chunk: ChunkRequest, bytesRead: number): Promise<void> {
    this.bytesRead = bytesRead;
    while (this.submitted - this.written >= this.window && this.failure === undefined) await this.sleep();
    this.check();
    this.submitted++;
    this.queue.push(chunk);
    this.dispatch();
  }

  /** The summary, once every chunk submitted is written. */
  async finish(): Promise<BatchSummary> {
    while (this.written < this.submitted && this.failure === undefined) await this.sleep();
    this.check();
    return this.summary;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) this.idle.pop()!.postMessage(this.queue.shift()!);
  }

  /** Write every result that is next in order; waits for the output to drain when it is full. */
  private async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      for (let result = this.done.get(this.written); result !== undefined; result = this.done.get(this.written)) {
        this.done.delete(this.written);
        for (const { line, errors } of result.bad) this.options.onBadLine?.(line, errors);
        addSummary(this.summary, result.summary);
        const flowing = result.output === "" || this.output.write(result.output);
        if (!flowing) await this.output.drained();
        this.written++;
        this.options.onProgress?.(this.bytesRead, this.summary);
        this.notify();
      }
    } catch (error) {
      this.fail(error as Error);
    } finally {
      this.writing = false;
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
