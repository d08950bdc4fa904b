// The example bundles (samples/fhir/) against the JSON cases they encode: read through the spine
// bindings (the example policy's through spine-plan.fhir.pol, which extends them), each bundle
// gives exactly the JSON case, without a problem, and so the same determination under its
// policies; together the bundles show every outcome kind of the runtime. The three reference determinations are cases A, B and C
// (docs/reference-cases.md). `pol eval --fhir`, one bundle and NDJSON of bundles, end to end.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTCOMES } from "@pol/runtime";
import { checkFile, evaluateCase, loadFhirBindings, readFhirCase, type CheckedPolicy, type FhirBindings } from "../src/index.js";
import { fhirIssues } from "./support/fhir-validator.js";
import { runPol } from "./support/run-pol.js";

const SIJ = "policies/truecare/sacroiliac-joint-procedures.pol";
const TPI = "policies/cigna/trigger-point-injections.pol";
const NW = "policies/examples/lumbar-facet-interventions.pol";
const BINDINGS = "policies/schema/spine.fhir.pol";
const PLAN_BINDINGS = "policies/schema/spine-plan.fhir.pol";

/** Bundle name -> the JSON case it encodes, the outcomes it shows under each policy, and the
 *  bindings it is read with (spine.fhir.pol unless named). */
const EXAMPLES: Record<string, { json: string; outcomes: Record<string, string[]>; bindings?: string }> = {
  "case-a": { json: "samples/case-a.json", outcomes: { [SIJ]: ["denied", "no_applicable_policy"], [TPI]: ["no_applicable_policy", "denied"] } },
  "case-b": { json: "samples/case-b.json", outcomes: { [SIJ]: ["denied", "not_separately_billable"] } },
  "case-c": {
    json: "samples/case-c.json",
    outcomes: {
      [SIJ]: ["no_applicable_policy", "no_applicable_policy", "no_applicable_policy", "denied", "no_applicable_policy", "no_applicable_policy"],
      [TPI]: ["no_applicable_policy", "no_applicable_policy", "no_applicable_policy", "no_applicable_policy", "approved", "no_applicable_policy"],
    },
  },
  "truecare-pended": { json: "samples/truecare-pended.json", outcomes: { [SIJ]: ["pended"] } },
  "truecare-approval": { json: "samples/truecare-approval.json", outcomes: { [SIJ]: ["approved"] } },
  "cigna-approval": { json: "samples/cigna-approval.json", outcomes: { [TPI]: ["approved"] } },
  "cigna-not-covered": { json: "samples/cigna-not-covered.json", outcomes: { [TPI]: ["approved", "not_covered"] } },
  "truecare-not-in-effect": { json: "samples/truecare-not-in-effect.json", outcomes: { [SIJ]: ["policy_not_in_effect"] } },
  "northwind-authorization-required": {
    json: "samples/northwind-authorization-required.json",
    outcomes: { [NW]: ["authorization_required"] },
    bindings: PLAN_BINDINGS,
  },
  "northwind-pended": { json: "samples/northwind-pended.json", outcomes: { [NW]: ["pended"] }, bindings: PLAN_BINDINGS },
  "northwind-referred-for-review": { json: "samples/northwind-referred-for-review.json", outcomes: { [NW]: ["referred_for_review"] }, bindings: PLAN_BINDINGS },
};
/** The example policy is proposed: its examples are evaluated as proposed. */
const OPTIONS: Record<string, { asProposed?: boolean }> = { [NW]: { asProposed: true } };

function policy(path: string): CheckedPolicy {
  const result = checkFile(path);
  if (!result.policy) throw new Error(`${path} does not check`);
  return result.policy;
}

let bindings: FhirBindings;
const bindingsByPath = new Map<string, FhirBindings>();
const bindingsOf = (path: string | undefined): FhirBindings => bindingsByPath.get(path ?? BINDINGS)!;
const policies = new Map<string, CheckedPolicy>();
let dir: string;
beforeAll(() => {
  for (const path of [BINDINGS, PLAN_BINDINGS]) {
    const load = loadFhirBindings(path);
    expect(load.diagnostics).toEqual([]);
    bindingsByPath.set(path, load.bindings!);
  }
  bindings = bindingsOf(BINDINGS);
  for (const path of [SIJ, TPI, NW]) policies.set(path, policy(path));
  dir = mkdtempSync(join(tmpdir(), "pol-fhir-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

/** Objects with their keys sorted, so two cases compare whatever order their fields came in. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
  }
  return value;
}

const pol = (args: string[]) => runPol(...args);

describe("example bundles", () => {
  for (const [name, example] of Object.entries(EXAMPLES)) {
    const bundlePath = `samples/fhir/${name}.bundle.json`;

    it(`${name}: the bundle is valid FHIR R4`, () => {
      expect(fhirIssues(readJson(bundlePath))).toEqual([]);
    });

    it(`${name}: the bundle reads as exactly its JSON case, every fact with its source`, () => {
      const read = readFhirCase(bindingsOf(example.bindings), readJson(bundlePath));
      expect(read.ok).toBe(true);
      expect(read.problems).toEqual([]);
      expect(sorted(read.case)).toEqual(sorted(readJson(example.json)));
      // Every fact of the case names the resource it came from.
      const facts = new Set(read.sources.map((source) => source.fact));
      const json = readJson(example.json) as Record<string, unknown>;
      for (const [field, value] of Object.entries(json)) {
        if (!Array.isArray(value)) expect(facts, field).toContain(field);
        else value.forEach((element, index) => {
          for (const key of Object.keys(element as object)) expect(facts, `${field}[${index}].${key}`).toContain(`${field}[${index}].${key}`);
        });
      }
    });

    for (const [path, outcomes] of Object.entries(example.outcomes)) {
      it(`${name}: the same determination from the bundle as from the JSON case under ${path}`, () => {
        const checked = policies.get(path)!;
        const fromJson = evaluateCase(checked, readJson(example.json), OPTIONS[path]);
        const fromBundle = evaluateCase(checked, readFhirCase(bindingsOf(example.bindings), readJson(bundlePath)).case, OPTIONS[path]);
        expect(fromJson.ok && fromBundle.ok).toBe(true);
        if (!fromJson.ok || !fromBundle.ok) return;
        expect(fromBundle.determination).toEqual(fromJson.determination);
        expect(fromBundle.determination.items.map((item) => item.outcome)).toEqual(outcomes);
      });
    }
  }

  it("every outcome kind of the runtime is reached by an example bundle", () => {
    const shown = new Set(Object.values(EXAMPLES).flatMap((example) => Object.values(example.outcomes).flat()));
    expect(OUTCOMES.filter((outcome) => !shown.has(outcome))).toEqual([]);
    // The outcomes listed are those the bundles give (checked above), and every bundle is listed.
    const bundles = readdirSync("samples/fhir").filter((name) => name.endsWith(".bundle.json")).map((name) => name.slice(0, -".bundle.json".length));
    expect(bundles.sort()).toEqual(Object.keys(EXAMPLES).sort());
  });
});

describe("the R4 validator on bundles", () => {
  it("finds a resource inside a bundle that breaks R4 (a Procedure without its status)", () => {
    const bundle = readJson("samples/fhir/case-a.bundle.json") as { entry: { resource: Record<string, unknown> }[] };
    delete bundle.entry.find((entry) => entry.resource["resourceType"] === "Procedure")!.resource["status"];
    expect(fhirIssues(bundle).join("\n")).toContain("status");
  });
});

describe("the loop through a questionnaire", () => {
  it("a pended bundle, its questionnaire answered inside the bundle, reads as the approved case", async () => {
    const pended = await pol(["eval", SIJ, "--fhir", "samples/fhir/truecare-pended.bundle.json", "--format", "questionnaire", "--answer-date", "2025-09-15"]);
    expect(pended.code).toBe(0);
    const questionnaire = JSON.parse(pended.out) as { url: string; item: { linkId: string }[] };
    expect(questionnaire.item.map((item) => item.linkId)).toEqual(["return_of_pain", "functional_deterioration", "conservative_therapy_planned"]);
    // The clinician answers two of the three questions; the response travels in the bundle.
    const response = {
      resourceType: "QuestionnaireResponse",
      id: "answers",
      questionnaire: questionnaire.url,
      status: "completed",
      item: [
        { linkId: "return_of_pain", answer: [{ valueBoolean: true }] },
        { linkId: "conservative_therapy_planned", answer: [{ valueBoolean: true }] },
      ],
    };
    const bundle = readJson("samples/fhir/truecare-pended.bundle.json") as { entry: unknown[] };
    bundle.entry.push({ fullUrl: "http://example.org/fhir/QuestionnaireResponse/answers", resource: response });
    const read = readFhirCase(bindings, bundle);
    expect(read.problems).toEqual([]);
    const evaluated = evaluateCase(policies.get(SIJ)!, read.case);
    expect(evaluated.ok && evaluated.determination.items.map((item) => item.outcome)).toEqual(["approved"]);
    expect(read.sources.find((source) => source.fact === "return_of_pain")).toMatchObject({ resourceType: "QuestionnaireResponse", id: "answers" });
    // The same answers given with --response complete the case read from the bundle.
    const path = join(dir, "response.json");
    writeFileSync(path, JSON.stringify(response));
    const approved = await pol(["eval", SIJ, "--fhir", "samples/fhir/truecare-pended.bundle.json", "--response", path]);
    expect(approved.code).toBe(0);
    expect(approved.out).toContain("CPT 27096: APPROVED");
  });
});

describe("pol eval --fhir", () => {
  it("prints the letter and where each fact came from", async () => {
    const { code, out, err } = await pol(["eval", SIJ, "--fhir", "samples/fhir/case-a.bundle.json"]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("CPT 27096: DENIED");
    expect(out).toContain("Facts read from the FHIR bundle samples/fhir/case-a.bundle.json:");
    expect(out).toContain("procedures[0].relief <- Procedure/case-a-procedure-1 Procedure.extension[0].valueQuantity");
    expect(out).toContain("low_back_pain <- Condition/case-a-condition-1");
  });

  it("gives the JSON determination with its sources and problems", async () => {
    const { code, out } = await pol(["eval", SIJ, "--fhir", "samples/fhir/case-b.bundle.json", "--format", "json"]);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { items: { outcome: string }[]; fhir: { sources: { fact: string; resourceType: string; id: string }[]; problems: unknown[] } };
    expect(json.items.map((item) => item.outcome)).toEqual(["denied", "not_separately_billable"]);
    expect(json.fhir.problems).toEqual([]);
    expect(json.fhir.sources).toContainEqual(expect.objectContaining({ fact: "procedures[1].relief", resourceType: "Procedure", id: "case-b-procedure-2" }));
  });

  it("reports data it cannot read with its resource and path, and leaves the fact unknown", async () => {
    const bundle = readJson("samples/fhir/truecare-approval.bundle.json") as { entry: { resource: Record<string, unknown> }[] };
    const procedure = bundle.entry.find((entry) => entry.resource["resourceType"] === "Procedure")!.resource;
    (procedure["extension"] as { url: string; valueQuantity?: unknown }[])[0]!.valueQuantity = { value: 0.8, unit: "1", system: "http://unitsofmeasure.org", code: "1" };
    const path = join(dir, "ratio.json");
    writeFileSync(path, JSON.stringify(bundle));
    const { code, out } = await pol(["eval", SIJ, "--fhir", path]);
    expect(code).toBe(0);
    expect(out).toContain("PENDED");
    expect(out).toMatch(/procedures\[0\]\.relief: `relief` is a percent: the quantity's unit must be UCUM `%`, found `1` \[Procedure\/truecare-approval-procedure-1 at \/entry\/\d+\/resource\/extension\/0\/valueQuantity\]/);
  });

  it("refuses a malformed bundle with a located error and exit code 1", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "Procedur", id: "x" } }] }));
    const { code, out, err } = await pol(["eval", SIJ, "--fhir", path]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("/entry/0/resource/resourceType: `Procedur` is not a FHIR R4 resource type");
  });

  it("refuses text that is not JSON, a case given twice, and bindings without --fhir", async () => {
    const path = join(dir, "text.json");
    writeFileSync(path, "{ not json");
    const notJson = await pol(["eval", SIJ, "--fhir", path]);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/^error: .*is not valid JSON/);
    expect((await pol(["eval", SIJ, "samples/case-a.json", "--fhir", "samples/fhir/case-a.bundle.json"])).code).toBe(2);
    expect((await pol(["eval", SIJ, "samples/case-a.json", "--bindings", BINDINGS])).code).toBe(2);
  });

  it("reads NDJSON of bundles on worker threads, one determination with its sources per line", async () => {
    const names = ["case-a", "case-b", "truecare-approval"];
    const path = join(dir, "bundles.ndjson");
    writeFileSync(path, names.map((name) => JSON.stringify(readJson(`samples/fhir/${name}.bundle.json`))).join("\n") + "\n" + '{"resourceType":"Patient"}\n');
    const { code, out, err } = await pol(["eval", SIJ, "--fhir", path, "--jobs", "2"]);
    expect(code).toBe(1); // the last line is no bundle
    const lines = out.trim().split("\n").map((line) => JSON.parse(line) as { items?: { outcome: string }[]; fhir?: { sources: unknown[] }; errors?: unknown[] });
    expect(lines.slice(0, 3).map((line) => line.items!.map((item) => item.outcome))).toEqual([["denied", "no_applicable_policy"], ["denied", "not_separately_billable"], ["approved"]]);
    for (const line of lines.slice(0, 3)) expect(line.fhir!.sources.length).toBeGreaterThan(0);
    expect(lines[3]!.errors).toEqual([{ path: "/resourceType", message: "expected a Bundle, found a `Patient` resource" }]);
    expect(err).toContain(":4: /resourceType: expected a Bundle, found a `Patient` resource");
  });
});
