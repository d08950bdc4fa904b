// `pol eval POLICY cases.ndjson`: many cases on worker threads. Every output line is the very
// determination `pol eval --format json` gives for that case, in input order whatever the number
// of workers; bad lines are reported by number and do not stop the run; the summary adds up; and
// the number of cases between reading and writing stays bounded when the output is slow.
// The workers run the built code (dist/): `npm test` builds before running the tests.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";
import type { Io } from "../src/cli/io.js";
import { checkFile, displayPath, evaluateBatch, MAX_LINE_CHARS, type BatchOutput } from "../src/index.js";

const SIJ = "policies/truecare/sacroiliac-joint-procedures.pol";
const SAMPLES = ["case-a", "case-b", "case-c", "truecare-approval"].map((name) => `samples/${name}.json`);

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "pol-batch-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pol(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (text) => void (out += text), err: (text) => void (err += text) };
  if (stdin !== undefined) io.stdin = Readable.from([Buffer.from(stdin)]);
  const code = await main(args, io);
  return { code, out, err };
}

/** What `pol eval --format json` prints for one case, parsed; the trace left out unless `explain`. */
async function single(casePath: string, explain: boolean): Promise<unknown> {
  const { code, out } = await pol(["eval", SIJ, casePath, "--format", "json"]);
  expect(code).toBe(0);
  const determination = JSON.parse(out) as { items: { trace: unknown[] }[] };
  if (!explain) for (const item of determination.items) item.trace = [];
  return determination;
}

const compact = (path: string) => JSON.stringify(JSON.parse(readFileSync(path, "utf8")));

describe("pol eval over NDJSON", () => {
  it("writes each case's determination in input order, the same on 1 and on 3 workers", async () => {
    // 700 lines in a fixed shuffled order: several chunks per worker, finishing out of order.
    const order = Array.from({ length: 700 }, (_, i) => (i * 7 + (i >> 3)) % SAMPLES.length);
    const file = join(dir, "cases.ndjson");
    writeFileSync(file, order.map((s) => compact(SAMPLES[s]!)).join("\n") + "\n");
    for (const explain of [false, true]) {
      const expected = await Promise.all(SAMPLES.map((path) => single(path, explain)));
      const outputs: string[] = [];
      for (const jobs of ["1", "3"]) {
        const { code, out, err } = await pol(["eval", SIJ, file, "--jobs", jobs, ...(explain ? ["--explain"] : [])]);
        expect(code, err).toBe(0);
        const lines = out.trimEnd().split("\n");
        expect(lines).toHaveLength(order.length);
        lines.forEach((line, i) => expect(JSON.parse(line)).toEqual(expected[order[i]!]));
        expect(err).toMatch(/^700 cases \(/);
        expect(err).toContain("no bad lines");
        outputs.push(out);
      }
      expect(outputs[0]).toBe(outputs[1]);
    }
  });

  it("reports every bad line by number, keeps going, and exits 1", async () => {
    const good = compact(SAMPLES[3]!);
    const lines = [
      "\ufeff" + good, // 1: a byte order mark before the first line is not part of the case
      "{not json", // 2
      "", // 3: blank, skipped
      good + "\r", // 4: CRLF line end
      JSON.stringify({ date_of_service: "2025-02-30", items: [{ code: "27096" }] }), // 5
      "[1, 2]", // 6
      `{"pad": "${"x".repeat(MAX_LINE_CHARS)}"}`, // 7: too long
      good, // 8
    ];
    const file = join(dir, "bad.ndjson");
    writeFileSync(file, lines.join("\n")); // no newline at the end
    const { code, out, err } = await pol(["eval", SIJ, file, "--jobs", "2"]);
    expect(code).toBe(1);
    const shown = displayPath(file); // as pol shows it: relative to the working directory

    expect(err).toContain(`${shown}:2: not valid JSON:`);
    expect(err).toContain(`${shown}:5: date_of_service: expected a date \`YYYY-MM-DD\`, found \`2025-02-30\``);
    expect(err).toContain(`${shown}:6: expected a case object`);
    expect(err).toContain(`${shown}:7: the line is longer than 1,048,576 characters`);
    expect(err).not.toMatch(/:(1|3|4|8): /);
    expect(err).toContain("4 bad lines");
    const records = out.trimEnd().split("\n").map((line) => JSON.parse(line) as { line?: number; items?: unknown[] });
    // One record per non-blank line, bad ones as `{ line, errors }`.
    expect(records.map((r) => r.line ?? "ok")).toEqual(["ok", 2, "ok", 5, 6, 7, "ok"]);
  });

  it("reads `-` from stdin and writes a summary that adds up to the determinations", async () => {
    const text = [0, 1, 2, 3, 0, 2, 2, 1].map((s) => compact(SAMPLES[s]!)).join("\n") + "\n";
    const summaryFile = join(dir, "summary.json");
    const { code, out, err } = await pol(["eval", SIJ, "-", "--jobs", "2", "--summary", summaryFile], text);
    expect(code, err).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as {
      cases: number;
      items: number;
      outcomes: Record<string, number>;
      criteriaNotMet: { rule: string; criterion: string; count: number }[];
      missingFacts: { fact: string; count: number }[];
    };
    // The same counts, worked out from the determinations themselves.
    const outcomes: Record<string, number> = {};
    const notMet: Record<string, number> = {};
    const missing: Record<string, number> = {};
    let items = 0;
    for (const line of out.trimEnd().split("\n")) {
      const d = JSON.parse(line) as { items: { outcome: string; reasons: { rule: string; criterion: string }[]; missing: { fact: string }[] }[] };
      for (const item of d.items) {
        items++;
        outcomes[item.outcome] = (outcomes[item.outcome] ?? 0) + 1;
        for (const r of item.reasons) notMet[`${r.rule}/${r.criterion}`] = (notMet[`${r.rule}/${r.criterion}`] ?? 0) + 1;
        for (const m of item.missing) missing[m.fact] = (missing[m.fact] ?? 0) + 1;
      }
    }
    expect(summary.cases).toBe(8);
    expect(summary.items).toBe(items);
    expect(summary.outcomes).toEqual(outcomes);
    expect(Object.fromEntries(summary.criteriaNotMet.map((c) => [`${c.rule}/${c.criterion}`, c.count]))).toEqual(notMet);
    expect(Object.fromEntries(summary.missingFacts.map((m) => [m.fact, m.count]))).toEqual(missing);
    expect(Object.keys(notMet).length + Object.keys(missing).length).toBeGreaterThan(0);
    for (const outcome of Object.keys(outcomes)) expect(err).toMatch(new RegExp(`^  ${outcome} +[\\d,]+ +[\\d.]+%$`, "m"));
  });

  it("rejects a bad --jobs", async () => {
    expect((await pol(["eval", SIJ, "-", "--jobs", "0"], "")).code).toBe(2);
  });
});

describe("evaluateBatch", () => {
  it("holds a bounded number of lines between reading and writing when the output is slow", async () => {
    const checked = checkFile(SIJ);
    const line = compact(SAMPLES[3]!) + "\n";
    const total = 20_000;
    let read = 0;
    let written = 0;
    let most = 0;
    async function* input(): AsyncGenerator<string> {
      for (let i = 0; i < total; i += 100) {
        read += 100;
        most = Math.max(most, read - written);
        yield line.repeat(100);
      }
    }
    // A reader that takes every write late: each write reports a full buffer.
    const output: BatchOutput = {
      write: (text) => {
        written += text.split("\n").length - 1;
        return false;
      },
      drained: () => new Promise((resolve) => setTimeout(resolve, 1)),
    };
    const run = await evaluateBatch(checked.policy!, input(), output, { jobs: 2 });
    expect(run.summary.cases).toBe(total);
    expect(written).toBe(total);
    // The window: 4 chunks of 256 lines per worker, plus the chunk being filled and one read.
    expect(most).toBeLessThanOrEqual(2 * 4 * 256 + 256 + 100);
  });
});
