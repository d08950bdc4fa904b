// `pol serve` over HTTP (node's http client): CDS Hooks discovery, the order hooks answering with
// system actions that carry the coverage information (valid R4 ServiceRequests keeping the CRD
// profile of the extension) and form-completion cards for pended orders, the questionnaires they
// name, and bad requests answered with a 4xx OperationOutcome while the server keeps serving.
// The record is read by a small reader defined here (the FHIR bindings' own reader is exercised
// in test/serve-fhir.test.ts); this file is about the service and the protocol.

import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaDescriptor } from "../src/schema-descriptor.js";
import { COVERAGE_INFORMATION_URL } from "../src/tools/fhir/davinci/coverage-information.js";
import { startServer, type RunningServer } from "../src/tools/serve/server.js";
import type { CaseRead, ServedPolicy } from "../src/tools/serve/service.js";
import { loadPolicy } from "./support/davinci-corpus.js";
import { profileProblems } from "./support/crd-profile.js";
import { fhirIssues } from "./support/fhir-validator.js";

const TRUECARE = new URL("../policies/truecare/sacroiliac-joint-procedures.pol", import.meta.url).pathname;
const CASE_EXTENSION = "urn:test:pol-case";

type Json = Record<string, any>;

/** The record's facts from a Basic resource holding the case's JSON; items from the ServiceRequests in order. */
function testReader(bundle: object): CaseRead {
  const resources = ((bundle as Json).entry as Json[]).map((entry) => entry.resource as Json);
  const basic = resources.find((resource) => resource.resourceType === "Basic");
  const facts = basic === undefined ? {} : JSON.parse(basic.extension[0].valueString);
  const orders = resources.filter((resource) => resource.resourceType === "ServiceRequest");
  return {
    ok: true,
    case: { ...facts, items: orders.map((order) => ({ code: order.code.coding[0].code, ...(order.note === undefined ? {} : JSON.parse(order.note[0].text)) })) },
    problems: [],
    sources: orders.map((order, index) => ({ fact: `items[${index}]`, resourceType: "ServiceRequest", id: order.id })),
  };
}

const order = (id: string, code: string, details: object = {}) => ({
  resourceType: "ServiceRequest",
  id,
  status: "draft",
  intent: "order",
  code: { coding: [{ system: "http://www.ama-assn.org/go/cpt", code }] },
  subject: { reference: "Patient/p1" },
  note: [{ text: JSON.stringify(details) }],
});

function hookRequest(hook: string, facts: object, orders: object[], extra: Json = {}) {
  return {
    hook,
    hookInstance: "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    context: { userId: "Practitioner/1", patientId: "p1", draftOrders: { resourceType: "Bundle", type: "collection", entry: orders.map((resource) => ({ resource })) }, ...extra },
    prefetch: {
      patient: { resourceType: "Patient", id: "p1" },
      coverage: { resourceType: "Bundle", type: "searchset", entry: [{ resource: { resourceType: "Coverage", id: "cov1", status: "active", beneficiary: { reference: "Patient/p1" }, payor: [{ display: "TrueCare" }] } }] },
      record: { resourceType: "Basic", id: "facts", code: { text: "case" }, extension: [{ url: CASE_EXTENSION, valueString: JSON.stringify(facts) }] },
    },
  };
}

function call(method: string, url: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Json; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let running: RunningServer;

beforeAll(async () => {
  const policy = loadPolicy(TRUECARE);
  const served: ServedPolicy = { policy, schema: schemaDescriptor(policy.schema), reader: { read: testReader } };
  running = await startServer({ policies: [served], port: 0, today: () => "2025-09-15", maxBodyBytes: 64 * 1024 });
});
afterAll(async () => running.close());

const post = (service: string, body: unknown) => call("POST", `${running.url}/cds-services/${service}`, JSON.stringify(body));

const approvedFacts = {
  return_of_pain: true,
  conservative_therapy_planned: true,
  implanted_device: false,
  procedures: [{ code: "27096", date: "2025-06-02", side: "left", purpose: "diagnostic", relief: 80, functional_improvement: true }],
};

describe("pol serve", () => {
  it("lists its services with their prefetch templates", async () => {
    const reply = await call("GET", `${running.url}/cds-services`);
    expect(reply.status).toBe(200);
    expect(reply.json.services.map((s: Json) => [s.hook, s.id])).toEqual([
      ["order-select", "pol-order-select"],
      ["order-sign", "pol-order-sign"],
    ]);
    for (const service of reply.json.services) {
      expect(service.description).toContain("TrueCare MM-1463");
      expect(service.prefetch.coverage).toBe("Coverage?patient={{context.patientId}}&status=active");
      expect(service.prefetch.patient).toBe("Patient/{{context.patientId}}");
    }
  });

  it("answers order-sign with a system action per order carrying its coverage information", async () => {
    const reply = await post("pol-order-sign", hookRequest("order-sign", approvedFacts, [order("o1", "27096", { side: "left", purpose: "therapeutic", diagnosis: "M46.1" }), order("o2", "77003")]));
    expect(reply.status).toBe(200);
    expect(reply.json.cards).toEqual([]);
    const actions = reply.json.systemActions as Json[];
    expect(actions.map((a) => [a.type, a.resource.id])).toEqual([["update", "o1"], ["update", "o2"]]);
    const info = (action: Json) => action.resource.extension.find((e: Json) => e.url === COVERAGE_INFORMATION_URL);
    const parts = (action: Json) => Object.fromEntries(info(action).extension.map((e: Json) => [e.url, e.valueCode ?? e.valueReference?.reference ?? e.valueString ?? e.valueDate]));
    expect(parts(actions[0]!)).toMatchObject({ covered: "covered", "pa-needed": "satisfied", coverage: "Coverage/cov1", date: "2025-09-15" });
    expect(parts(actions[1]!)).toMatchObject({ covered: "not-covered" });
    for (const action of actions) {
      expect(fhirIssues(action.resource)).toEqual([]);
      expect(profileProblems(info(action))).toEqual([]);
    }
    // Nothing but the extension changes (CRD resp-37).
    const { extension: _added, ...rest } = actions[0]!.resource;
    const { extension: _none, ...original } = order("o1", "27096", { side: "left", purpose: "therapeutic", diagnosis: "M46.1" }) as Json;
    expect(rest).toEqual(original);
  });

  it("offers the questionnaire of a pended order in a card, and serves it at its canonical URL", async () => {
    const facts = { procedures: [{ code: "27096", date: "2025-06-02", side: "left", purpose: "diagnostic" }] };
    const reply = await post("pol-order-sign", hookRequest("order-sign", facts, [order("o1", "27096", { side: "left", purpose: "therapeutic" })]));
    expect(reply.status).toBe(200);
    const [card] = reply.json.cards as Json[];
    expect(card!.summary).toMatch(/^Documentation needed for 27096 \(TrueCare MM-1463\)/);
    const [questionnaireAction, taskAction] = card!.suggestions[0].actions as Json[];
    const questionnaire = questionnaireAction!.resource;
    expect(fhirIssues(questionnaire)).toEqual([]);
    expect(fhirIssues(taskAction!.resource)).toEqual([]);
    expect(taskAction!.resource.input[0].valueCanonical).toBe(questionnaire.url);
    const info = reply.json.systemActions[0].resource.extension[0];
    expect(info.extension.find((e: Json) => e.url === "questionnaire").valueCanonical).toBe(questionnaire.url);
    expect(questionnaire.url.startsWith(`${running.url}/Questionnaire/`)).toBe(true);
    const served = await call("GET", questionnaire.url);
    expect(served.status).toBe(200);
    expect(served.json).toEqual(questionnaire);
  });

  it("answers order-select only for the selected orders, deciding with every draft order", async () => {
    const reply = await post("pol-order-select", hookRequest("order-select", approvedFacts, [order("o1", "27096", { side: "left", purpose: "therapeutic", diagnosis: "M46.1" }), order("o2", "64493")], { selections: ["ServiceRequest/o1"] }));
    expect(reply.status).toBe(200);
    expect(reply.json.systemActions.map((a: Json) => a.resource.id)).toEqual(["o1"]);
    // 64493 (a facet block) the same day: the SIJ injection is denied under D.I.C.3.
    const reasons = reply.json.systemActions[0].resource.extension[0].extension.filter((e: Json) => e.url === "reason").map((e: Json) => e.valueCodeableConcept.text);
    expect(reasons.join("\n")).toContain("[D.I.C.3]");
  });

  it("says why it asserts nothing when the request names no Coverage", async () => {
    const body = hookRequest("order-sign", approvedFacts, [order("o1", "27096")]);
    delete (body.prefetch as Json).coverage;
    const reply = await post("pol-order-sign", body);
    expect(reply.status).toBe(200);
    expect(reply.json.systemActions).toEqual([]);
    expect(reply.json.cards[0].summary).toContain("no active Coverage");
  });
});

describe("pol serve refuses bad requests with a located OperationOutcome and keeps serving", () => {
  const refused = async (reply: Awaited<ReturnType<typeof call>>, status: number, text: RegExp) => {
    expect(reply.status).toBe(status);
    expect(reply.json.resourceType).toBe("OperationOutcome");
    expect(JSON.stringify(reply.json.issue)).toMatch(text);
  };

  it("answers each kind of bad request", async () => {
    await refused(await call("POST", `${running.url}/cds-services/pol-order-sign`, "{not json"), 400, /not JSON/);
    await refused(await post("pol-order-sign", [1, 2]), 400, /expected a CDS Hooks request/);
    await refused(await post("pol-order-sign", { ...hookRequest("order-sign", {}, []), hook: "order-select" }), 400, /answers `order-sign`/);
    const noOrders = hookRequest("order-sign", {}, []);
    (noOrders.context as Json).draftOrders = "none";
    await refused(await post("pol-order-sign", noOrders), 400, /context\.draftOrders/);
    await refused(await post("pol-order-select", hookRequest("order-select", {}, [])), 400, /context\.selections/);
    await refused(await post("pol-order-sign", { hook: "order-sign", context: { draftOrders: { resourceType: "Bundle" } } }), 400, /hookInstance.*context\.patientId|context\.patientId/s);
    const anonymous = hookRequest("order-sign", {}, [{ ...order("o1", "27096"), id: undefined }]);
    await refused(await post("pol-order-sign", anonymous), 400, /context\.draftOrders\.entry\[0\]\.resource\.id/);
    await refused(await post("no-such-service", {}), 404, /no CDS service/);
    await refused(await call("GET", `${running.url}/cds-services/pol-order-sign`), 405, /POST/);
    await refused(await call("DELETE", `${running.url}/cds-services`), 405, /GET/);
    await refused(await call("GET", `${running.url}/nowhere`), 404, /nothing at/);
    await refused(await call("GET", `${running.url}/Questionnaire/unknown-id`), 404, /no questionnaire/);
    await refused(await call("POST", `${running.url}/cds-services/pol-order-sign`, Buffer.alloc(70 * 1024, 32)), 413, /larger than/);
    // A case the record makes invalid (a percent over 100) is the request's fault, not the server's.
    const invalid = hookRequest("order-sign", { procedures: [{ code: "27096", relief: 140 }] }, [order("o1", "27096")]);
    await refused(await post("pol-order-sign", invalid), 400, /procedures\[0\]\.relief/);
    expect((await call("GET", `${running.url}/cds-services`)).status).toBe(200);
  });

  it("answers CORS preflight", async () => {
    const reply = await call("OPTIONS", `${running.url}/cds-services/pol-order-sign`);
    expect(reply.status).toBe(204);
    expect(reply.headers["access-control-allow-origin"]).toBe("*");
  });
});
