// `npm run bench:serve -- --as-proposed`: the bench's service serves Northwind's proposed policy
// with `pol serve --as-proposed`, so the proposed policy's orders are decided, not left
// undecided as a policy not in effect. The service is started as the bench starts it.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serveArguments, startService } from "../bench/serve.js";
import { COVERAGE_INFORMATION_URL } from "../src/tools/fhir/davinci/coverage-information.js";
import { hookRequestFromBundle } from "../src/tools/serve/requests.js";

type Json = Record<string, any>;

const COVERAGE = { resourceType: "Coverage", id: "cov-1", status: "active", beneficiary: { reference: "Patient/p" }, payor: [{ display: "payer" }] };
const NORTHWIND = "samples/fhir/northwind-authorization-required.bundle.json";

/** What the bench's service answers `covered` for the Northwind bundle's one order, and its discovery text. */
async function northwindAnswer(asProposed: boolean): Promise<{ covered: string[]; description: string }> {
  const service = await startService(asProposed);
  try {
    const discovery = (await (await fetch(`${service.url}/cds-services`)).json()) as Json;
    const request = hookRequestFromBundle(JSON.parse(readFileSync(NORTHWIND, "utf8")), { hook: "order-sign", hookInstance: "bench-test", coverage: COVERAGE });
    if (typeof request === "string") throw new Error(request);
    const response = await fetch(`${service.url}/cds-services/pol-order-sign`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as Json;
    const infos = (reply.systemActions[0].resource.extension as Json[]).filter((extension) => extension.url === COVERAGE_INFORMATION_URL);
    return {
      covered: infos.map((info) => info.extension.find((part: Json) => part.url === "covered").valueCode),
      description: discovery.services[0].description,
    };
  } finally {
    service.stop();
  }
}

describe("bench:serve --as-proposed", () => {
  it("adds the proposed policy and the flag to the service's command line, and only then", () => {
    const proposed = serveArguments(true);
    expect(proposed).toContain("--as-proposed");
    expect(proposed).toContain("policies/examples/lumbar-facet-interventions.pol");
    const encoded = serveArguments(false);
    expect(encoded).not.toContain("--as-proposed");
    expect(encoded.filter((arg) => arg.endsWith(".pol"))).toEqual(proposed.filter((arg) => arg.endsWith(".pol")).slice(0, 2));
  });

  it("decides the proposed policy's order as if the policy were in effect", async () => {
    const answer = await northwindAnswer(true);
    expect(answer.description).toContain("Northwind");
    expect(answer.covered).toEqual(["covered"]);
  }, 60_000);

  it("without it, serves the encoded policies alone, which do not decide that order", async () => {
    const answer = await northwindAnswer(false);
    expect(answer.description).not.toContain("Northwind");
    expect(answer.covered).not.toContain("covered");
  }, 60_000);
});
