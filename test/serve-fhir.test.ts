// `pol serve` as users run it: the command started in its own process for both encoded policies,
// reading each example record (samples/fhir/) through the policies' FHIR bindings. Every order's
// coverage information agrees with `pol eval --fhir` on the same bundle, every system action is a
// valid R4 ServiceRequest keeping the CRD profile, and the command says what is wrong when it
// cannot start.

import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COVERAGE_INFORMATION_URL } from "../src/tools/fhir/davinci/coverage-information.js";
import { hookRequestFromBundle } from "../src/tools/serve/requests.js";
import { profileProblems } from "./support/crd-profile.js";
import { fhirIssues } from "./support/fhir-validator.js";
import { runPol } from "./support/run-pol.js";

const POLICIES = ["policies/truecare/sacroiliac-joint-procedures.pol", "policies/cigna/trigger-point-injections.pol"];
const BUNDLES = readdirSync("samples/fhir").filter((file) => file.endsWith(".bundle.json")).sort();
const COVERAGE = { resourceType: "Coverage", id: "cov-1", status: "active", beneficiary: { reference: "Patient/p" }, payor: [{ display: "payer" }] };

type Json = Record<string, any>;

/** `pol serve` in a child process; resolves with its first line of output once it listens, or its exit. */
function startPolServe(args: string[]): Promise<{ child: ChildProcess; line: string; code?: number | null; err: string }> {
  const child = spawn(process.execPath, ["bin/pol.js", "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("\n")) resolve({ child, line: out.split("\n")[0]!, err });
    });
    child.stderr!.on("data", (chunk: Buffer) => void (err += chunk.toString("utf8")));
    child.on("exit", (code) => resolve({ child, line: out, code, err }));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code))));
}

let service: { child: ChildProcess; url: string };

beforeAll(async () => {
  const started = await startPolServe([...POLICIES, "--port", "0"]);
  const url = /(http:\/\/\S+)\/cds-services/.exec(started.line)?.[1];
  if (url === undefined) throw new Error(`pol serve did not start: ${started.line}${started.err}`);
  service = { child: started.child, url };
}, 60_000);

afterAll(async () => {
  service.child.kill("SIGTERM");
  await exited(service.child);
});

async function post(body: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${service.url}/cds-services/pol-order-sign`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Json };
}

describe("pol serve, reading records through the FHIR bindings", () => {
  it("prints its URL and lists both order hooks", async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = (await (await fetch(`${service.url}/cds-services`)).json()) as Json;
    expect(discovery.services.map((s: Json) => s.id)).toEqual(["pol-order-select", "pol-order-sign"]);
    expect(discovery.services[0].description).toContain("TrueCare MM-1463");
    expect(discovery.services[0].description).toContain("Cigna 0139");
  });

  it.each(BUNDLES)("answers the orders of %s as pol eval --fhir decides them", async (file) => {
    const bundle = JSON.parse(readFileSync(join("samples/fhir", file), "utf8"));
    const request = hookRequestFromBundle(bundle, { hook: "order-sign", hookInstance: `test-${file}`, coverage: COVERAGE });
    if (typeof request === "string") throw new Error(request);
    const reply = await post(request);
    expect(reply.status).toBe(200);
    // What each policy decides for each line, from the command line.
    const decided = new Map<string, string[]>();
    for (const policy of POLICIES) {
      const run = await runPol("eval", policy, "--fhir", join("samples/fhir", file), "--format", "crd", "--coverage", "Coverage/cov-1");
      expect(run.code, run.err).toBe(0);
      (JSON.parse(run.out) as Json[]).forEach((extension, index) => {
        const covered = extension.extension.find((part: Json) => part.url === "covered").valueCode;
        decided.set(`${index}`, [...(decided.get(`${index}`) ?? []), covered]);
      });
    }
    const actions = reply.json.systemActions as Json[];
    expect(actions.length).toBe(((request.context as Json).draftOrders.entry as unknown[]).length);
    actions.forEach((action, index) => {
      expect(fhirIssues(action.resource), file).toEqual([]);
      const infos = (action.resource.extension as Json[]).filter((extension) => extension.url === COVERAGE_INFORMATION_URL);
      for (const info of infos) expect(profileProblems(info as never), file).toEqual([]);
      const served = infos.map((info) => info.extension.find((part: Json) => part.url === "covered").valueCode);
      // The service keeps the answers of the policies that decide the order, else every policy's.
      const fromEval = decided.get(`${index}`)!;
      const deciding = fromEval.filter((covered) => covered !== "indeterminate");
      expect(served.sort(), `${file} line ${index + 1}`).toEqual((deciding.length > 0 ? deciding : fromEval).sort());
    });
    for (const card of reply.json.cards as Json[]) for (const action of card.suggestions?.[0]?.actions ?? []) expect(fhirIssues(action.resource)).toEqual([]);
  });
});

describe("pol serve for a proposed policy on the extended schema", () => {
  const NW = "policies/examples/lumbar-facet-interventions.pol";

  it.each([
    ["northwind-authorization-required", "auth-needed"],
    ["northwind-referred-for-review", "auth-needed"],
  ])("reads %s through spine-plan.fhir.pol and answers as pol eval --fhir --as-proposed does", async (name, paNeeded) => {
    const file = join("samples/fhir", `${name}.bundle.json`);
    const started = await startPolServe([NW, "--port", "0", "--as-proposed"]);
    const url = /(http:\/\/\S+)\/cds-services/.exec(started.line)?.[1];
    if (url === undefined) throw new Error(`pol serve did not start: ${started.line}${started.err}`);
    try {
      const request = hookRequestFromBundle(JSON.parse(readFileSync(file, "utf8")), { hook: "order-sign", hookInstance: `test-${name}`, coverage: COVERAGE });
      if (typeof request === "string") throw new Error(request);
      const response = await fetch(`${url}/cds-services/pol-order-sign`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
      expect(response.status).toBe(200);
      const reply = (await response.json()) as Json;
      const info = (reply.systemActions[0].resource.extension as Json[]).find((extension) => extension.url === COVERAGE_INFORMATION_URL)!;
      expect(profileProblems(info as never)).toEqual([]);
      const run = await runPol("eval", NW, "--as-proposed", "--fhir", file, "--format", "crd", "--coverage", "Coverage/cov-1");
      expect(run.code, run.err).toBe(0);
      const fromEval = (JSON.parse(run.out) as Json[])[0]!;
      const part = (extension: Json, url: string) => extension.extension.find((p: Json) => p.url === url)?.valueCode;
      expect([part(info, "covered"), part(info, "pa-needed")]).toEqual(["covered", paNeeded]);
      expect([part(info, "covered"), part(info, "pa-needed")]).toEqual([part(fromEval, "covered"), part(fromEval, "pa-needed")]);
      // Without --as-proposed the proposed policy decides nothing: it is not in effect.
      const notInEffect = await runPol("eval", NW, "--fhir", file, "--format", "crd", "--coverage", "Coverage/cov-1");
      expect(part((JSON.parse(notInEffect.out) as Json[])[0]!, "covered")).toBe("indeterminate");
    } finally {
      started.child.kill("SIGTERM");
      await exited(started.child);
    }
  }, 60_000);
});

describe("the pol serve command", () => {
  it("says what is wrong when it cannot start", async () => {
    expect((await runPol("serve")).code).toBe(2);
    expect((await runPol("serve", POLICIES[0]!, "--port", "70000")).code).toBe(2);
    expect((await runPol("serve", "samples/case-a.json")).code).toBe(2);
    // A port already taken: exit 1 with the fix.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const busy = await startPolServe([POLICIES[0]!, "--port", String(port)]);
    blocker.close();
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect(busy.err).toContain("help: choose another port");
  }, 60_000);

  it("stops cleanly on SIGTERM", async () => {
    const started = await startPolServe([POLICIES[0]!, "--port", "0"]);
    expect(started.line).toContain("/cds-services");
    started.child.kill("SIGTERM");
    expect(await exited(started.child)).toBe(0);
  }, 60_000);
});
