// `npm run bench:serve`: the CRD service under a bounded local load. It starts `pol serve` for the
// two encoded policies in its own process (as a deployment runs it), makes order-sign requests
// from the example bundles (samples/fhir/: approvals, denials, a pended order, several lines),
// and sends REQUESTS of them, CONCURRENCY at a time over keep-alive connections, after a warm-up.
// It reports requests per second and the latency percentiles as a client sees them, and checks
// that every answer was a 200 with one system action per draft order. docs/performance.md
// records a run. The client and the server share the machine: on 2 cores each has about one.
// `--as-proposed` (`npm run bench:serve -- --as-proposed`) serves Northwind's proposed lumbar facet
// policy beside them with `pol serve --as-proposed`, so its orders are decided as if it were in effect.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { hookRequestFromBundle } from "../src/index.js";
import { describeMachine } from "./machine.js";

const POLICIES = ["policies/truecare/sacroiliac-joint-procedures.pol", "policies/cigna/trigger-point-injections.pol"];
const PROPOSED = "policies/examples/lumbar-facet-interventions.pol";
const SAMPLES = "samples/fhir";
const WARM_UP = 300;
const REQUESTS = 5_000;
const CONCURRENCY = 8;

const COVERAGE = { resourceType: "Coverage", id: "bench-coverage", status: "active", beneficiary: { reference: "Patient/bench" }, payor: [{ display: "bench payer" }] };

interface Prepared {
  name: string;
  body: string;
  orders: number;
}

function requests(): Prepared[] {
  return readdirSync(SAMPLES)
    .filter((file) => file.endsWith(".bundle.json"))
    .sort()
    .map((file) => {
      const bundle = JSON.parse(readFileSync(join(SAMPLES, file), "utf8"));
      const made = hookRequestFromBundle(bundle, { hook: "order-sign", hookInstance: `bench-${file}`, coverage: COVERAGE });
      if (typeof made === "string") throw new Error(`${file}: ${made}`);
      const orders = ((made.context as { draftOrders: { entry: unknown[] } }).draftOrders.entry).length;
      return { name: file, body: JSON.stringify(made), orders };
    });
}

/** CPU seconds a process has used (user + system), from /proc; undefined where there is none. */
function cpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The `pol serve` command line: the encoded policies, or with the proposed one decided as if in effect. */
export function serveArguments(asProposed: boolean): string[] {
  return ["bin/pol.js", "serve", ...POLICIES, ...(asProposed ? [PROPOSED, "--as-proposed"] : []), "--port", "0"];
}

/** `pol serve` in a child process; resolves with its URL and a way to stop it. */
export function startService(asProposed: boolean): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, serveArguments(asProposed), { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const url = /(http:\/\/\S+)\/cds-services/.exec(output)?.[1];
      if (url !== undefined) resolve({ url, pid: child.pid!, stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`pol serve exited with ${code} before listening: ${output}`)));
  });
}

function post(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/cds-services/pol-order-sign`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Send `count` requests, `CONCURRENCY` at a time, cycling through `prepared`; latencies in ms. */
async function load(agent: Agent, url: string, prepared: readonly Prepared[], count: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < count) {
      const one = prepared[next++ % prepared.length]!;
      const sent = process.hrtime.bigint();
      const reply = await post(agent, url, one.body);
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      if (reply.status !== 200) throw new Error(`${one.name}: HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
      const actions = (JSON.parse(reply.text) as { systemActions: unknown[] }).systemActions.length;
      if (actions !== one.orders) throw new Error(`${one.name}: ${actions} system actions for ${one.orders} draft orders`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(asProposed: boolean): Promise<void> {
  const prepared = requests();
  const service = await startService(asProposed);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await load(agent, service.url, prepared, WARM_UP);
    const cpuBefore = cpuSeconds(service.pid);
    const { latencies, seconds } = await load(agent, service.url, prepared, REQUESTS);
    const cpuAfter = cpuSeconds(service.pid);
    const sorted = [...latencies].sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    const machine = describeMachine();
    if (asProposed) console.log(`serving ${PROPOSED} too, with --as-proposed (decided as if in effect)`);
    console.log(`pol serve under load: ${REQUESTS} order-sign requests (${prepared.length} example bundles, ${prepared.reduce((n, p) => n + p.orders, 0)} draft orders per cycle), ${CONCURRENCY} at a time, after ${WARM_UP} to warm up`);
    console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage}`);
    console.log(`throughput: ${(REQUESTS / seconds).toFixed(0)} requests/s (${seconds.toFixed(2)} s)`);
    if (cpuBefore !== undefined && cpuAfter !== undefined && cpuAfter > cpuBefore)
      console.log(`server CPU: ${(cpuAfter - cpuBefore).toFixed(1)} s, ${(REQUESTS / (cpuAfter - cpuBefore)).toFixed(0)} requests per CPU-second (the steadier figure on a shared machine)`);
    console.log(`latency: p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1]!)}`);
  } finally {
    agent.destroy();
    service.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const unknown = process.argv.slice(2).filter((arg) => arg !== "--as-proposed");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: serve.js [--as-proposed]`);
    process.exitCode = 2;
  } else {
    main(process.argv.includes("--as-proposed")).catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
  }
}
