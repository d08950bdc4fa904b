// FHIR bindings, kind by kind: what `pol check` accepts and how the reader turns each kind of
// FHIR value into a fact, with the problems it reports instead of guessing. Hostile bundles
// (wrong JSON, too many entries, too deep) are refused with a located problem.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_LIMITS, checkFile, formatPol, readFhirCase, type FhirBindings, type FhirCaseRead } from "../src/index.js";

const CPT = "http://www.ama-assn.org/go/cpt";
const ICD = "http://hl7.org/fhir/sid/icd-10-cm";
const SCT = "http://snomed.info/sct";
const UCUM = "http://unitsofmeasure.org";
const EXT = "http://example.org/fhir/StructureDefinition/";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pol-fhir-bindings-"));
  writeFileSync(join(dir, "pol.config.json"), "{}\n");
  for (const name of ["spine.pol", "spine-plan.pol", "spine.fhir.pol"]) writeFileSync(join(dir, name), readFileSync(`policies/schema/${name}`, "utf8"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Check a binding file made of `body` (after the header and the `use` of the spine schema). */
function check(body: string) {
  const path = join(dir, `b${counter++}.fhir.pol`);
  writeFileSync(path, `fhir test "Test bindings"\n\nuse "spine.pol"\n\n${body}\n`);
  return checkFile(path);
}

function bindingsOf(body: string): FhirBindings {
  const result = check(body);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.fhir!;
}

function bundle(...resources: Record<string, unknown>[]): unknown {
  return { resourceType: "Bundle", type: "collection", entry: resources.map((resource) => ({ resource })) };
}

const procedure = (id: string, extra: Record<string, unknown> = {}) => ({
  resourceType: "Procedure",
  id,
  status: "completed",
  subject: { reference: "Patient/p" },
  code: { coding: [{ system: CPT, code: "27096" }] },
  ...extra,
});

function relief(valueQuantity: unknown): FhirCaseRead {
  const b = bindingsOf(`read procedures from Procedure {\n  relief: "extension('${EXT}pain-relief').value"\n}`);
  return readFhirCase(b, bundle(procedure("p1", { extension: [{ url: `${EXT}pain-relief`, valueQuantity }] })));
}

function duration(valueQuantity: unknown): FhirCaseRead {
  const b = bindingsOf(`read procedures from Procedure {\n  relief_duration: "extension('${EXT}d').value"\n}`);
  return readFhirCase(b, bundle(procedure("p1", { extension: [{ url: `${EXT}d`, valueQuantity }] })));
}

const first = (read: FhirCaseRead, list: string) => (read.case[list] as Record<string, unknown>[])[0]!;

describe("pol check on bindings", () => {
  it("accepts every kind of binding", () => {
    const b = bindingsOf(`
read items from Claim "item" where "%resource.status = 'active'" {
  code: "productOrService" in cpt, hcpcs
  side: "bodySite" {
    left = snomed "7771000"
    bilateral = snomed "51440002"
  }
}

read procedures from Procedure where "status = 'completed'" {
  date: "performed"
  purpose: "category" {
    diagnostic = snomed "103693007"
  }
  relief: "%related.ofType(Observation).where(code.coding.where(system = %loinc and code = '38208-5').exists()).value"
  functional_improvement: "extension('${EXT}f').value"
}

read therapies from MedicationStatement {
  kind = pharmacotherapy
  start: "effective.start"
  stopped_for_physical_reason = false
}

read case from Condition {
  low_back_pain
  pain_onset: "onset"
}`);
    expect(b.blocks.map((block) => [block.target, block.resource, block.elementBase ?? ""])).toEqual([
      ["items", "Claim", "Claim.item"],
      ["procedures", "Procedure", ""],
      ["therapies", "MedicationStatement", ""],
      ["case", "Condition", ""],
    ]);
    expect(b.blocks[0]!.fields[0]).toMatchObject({ field: "code", kind: "code", systems: [CPT, "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"] });
    expect(b.blocks[2]!.fields).toMatchObject([{ constant: "pharmacotherapy" }, { path: "effective.start" }, { constant: false }]);
    expect(b.blocks[3]!.fields[0]).toEqual({ field: "low_back_pain", kind: "bool", line: expect.any(Number) });
  });

  it("types choices, type filters and function results against the field", () => {
    expect(check(`read procedures from Procedure {\n  date: "performed.ofType(dateTime)"\n}`).diagnostics).toEqual([]);
    expect(check(`read procedures from Procedure {\n  relief: "performed.ofType(Period)"\n}`).diagnostics.map((d) => d.code)).toEqual(["POL6004"]);
    expect(check(`read procedures from Procedure {\n  functional_improvement: "code.exists()"\n}`).diagnostics).toEqual([]);
    expect(check(`read procedures from Procedure {\n  pain_before: "code.coding.count()"\n}`).diagnostics).toEqual([]);
  });

  it("formats a binding file and keeps it the same when formatted again", async () => {
    const source = readFileSync("policies/schema/spine.fhir.pol", "utf8");
    const once = await formatPol(source, "spine.fhir.pol");
    expect(once).toBe(source);
    const squeezed = `fhir x "y"\nuse "spine.pol"\nread procedures from Procedure where "status = 'completed'" { code: "code" in cpt,hcpcs side: "bodySite" { left = snomed "7771000" } kind_x = true low }\n`;
    const formatted = await formatPol(squeezed, "x.fhir.pol");
    expect(formatted).toBe(
      `fhir x "y"\n\nuse "spine.pol"\n\nread procedures from Procedure where "status = 'completed'" {\n  code: "code" in cpt, hcpcs\n  side: "bodySite" {\n    left = snomed "7771000"\n  }\n  kind_x = true\n  low\n}\n`,
    );
    expect(await formatPol(formatted, "x.fhir.pol")).toBe(formatted);
  });

  it("checks the pol blocks of docs/fhir.md", () => {
    const doc = readFileSync("docs/fhir.md", "utf8");
    const blocks = [...doc.matchAll(/^```pol\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const folder = mkdtempSync(join(dir, "doc-"));
      const text = block.replace('"../schema/spine.pol"', '"../spine.pol"').replace('"spine.fhir.pol"', '"../spine.fhir.pol"').replace('"spine-plan.pol"', '"../spine-plan.pol"');
      writeFileSync(join(folder, "b.fhir.pol"), text);
      const result = checkFile(join(folder, "b.fhir.pol"), undefined, { root: dir });
      expect(result.diagnostics.map((d) => d.message)).toEqual([]);
      expect(result.fhir).toBeDefined();
    }
  });
});

describe("reading values", () => {
  it("percent: a UCUM `%` quantity, nothing else", () => {
    expect(first(relief({ value: 60, unit: "%", system: UCUM, code: "%" }), "procedures")).toEqual({ relief: 60 });
    const fraction = relief({ value: 0.6, unit: "1", system: UCUM, code: "1" });
    expect(first(fraction, "procedures")).toEqual({});
    expect(fraction.problems).toMatchObject([{ kind: "unit", fact: "procedures[0].relief", resourceType: "Procedure", id: "p1", pointer: "/entry/0/resource/extension/0/valueQuantity" }]);
    expect(relief({ value: 120, unit: "%", system: UCUM, code: "%" }).problems).toMatchObject([{ kind: "wrong-type" }]);
    expect(relief({ value: 60, unit: "%" }).problems).toMatchObject([{ kind: "unit" }]);
  });

  it("duration: fixed UCUM units exactly, calendar units never", () => {
    const read = (value: number, code: string) => duration({ value, unit: code, system: UCUM, code });
    expect(first(read(8, "wk"), "procedures")).toEqual({ relief_duration: "8wk" });
    expect(first(read(14, "d"), "procedures")).toEqual({ relief_duration: "14d" });
    expect(first(read(1.5, "wk"), "procedures")).toEqual({ relief_duration: "252h" });
    expect(first(read(1.5, "d"), "procedures")).toEqual({ relief_duration: "36h" });
    expect(first(read(120, "min"), "procedures")).toEqual({ relief_duration: "2h" });
    expect(first(read(20160, "min"), "procedures")).toEqual({ relief_duration: "2wk" });
    for (const [value, code] of [[2, "mo"], [1, "a"], [90, "min"], [0.1, "h"], [3, "kg"]] as const) {
      const problems = read(value, code).problems;
      expect(problems, `${value} ${code}`).toMatchObject([{ kind: "unit", fact: "procedures[0].relief_duration" }]);
    }
    expect(read(2, "mo").problems[0]!.message).toContain("calendar unit");
  });

  it("date: the calendar date as written; partial dates and periods are refused", () => {
    const b = bindingsOf(`read procedures from Procedure {\n  date: "performed"\n}`);
    const read = (extra: Record<string, unknown>) => readFhirCase(b, bundle(procedure("p1", extra)));
    expect(first(read({ performedDateTime: "2025-06-02T23:30:00-05:00" }), "procedures")).toEqual({ date: "2025-06-02" });
    expect(first(read({ performedDateTime: "2025-06-02" }), "procedures")).toEqual({ date: "2025-06-02" });
    expect(read({ performedDateTime: "2025-06" }).problems).toMatchObject([{ kind: "wrong-type", message: expect.stringContaining("only a month") }]);
    expect(read({ performedPeriod: { start: "2025-06-02" } }).problems).toMatchObject([{ kind: "wrong-type", pointer: "/entry/0/resource/performedPeriod" }]);
  });

  it("codes: matched with their systems; other systems and two codes are reported", () => {
    const b = bindingsOf(`read procedures from Procedure {\n  code: "code" in cpt\n}`);
    const read = (coding: unknown[]) => readFhirCase(b, bundle(procedure("p1", { code: { coding } })));
    expect(first(read([{ system: SCT, code: "1234" }, { system: CPT, code: "27096" }]), "procedures")).toEqual({ code: "27096" });
    expect(read([{ system: SCT, code: "1234" }]).problems).toMatchObject([{ kind: "unknown-system", fact: "procedures[0].code" }]);
    expect(read([{ code: "27096" }]).problems).toMatchObject([{ kind: "unknown-system" }]);
    expect(read([{ system: CPT, code: "27096" }, { system: CPT, code: "64451" }]).problems).toMatchObject([{ kind: "ambiguous" }]);
    expect(read([]).problems).toEqual([]);
  });

  it("enums: coded members, plain members, unmapped codes", () => {
    const b = bindingsOf(`read procedures from Procedure {
  side: "bodySite" {
    left = snomed "7771000"
    right = snomed "24028007"
  }
  purpose: "status" {
    therapeutic = "completed"
  }
}`);
    const read = (bodySite: unknown) => readFhirCase(b, bundle(procedure("p1", { bodySite: [bodySite] })));
    expect(first(read({ coding: [{ system: SCT, code: "24028007" }] }), "procedures")).toEqual({ side: "right", purpose: "therapeutic" });
    expect(read({ coding: [{ system: SCT, code: "51440002" }] }).problems).toMatchObject([{ kind: "unmapped-code", fact: "procedures[0].side" }]);
    expect(read({ coding: [{ system: CPT, code: "27096" }] }).problems).toMatchObject([{ kind: "unknown-system" }]);
    expect(read({ coding: [{ system: SCT, code: "7771000" }, { system: SCT, code: "24028007" }] }).problems).toMatchObject([{ kind: "ambiguous" }]);
    expect(first(read({ text: "left sacroiliac joint" }), "procedures")).toEqual({ purpose: "therapeutic" });
  });

  it("numbers: integers, decimals and unit-free quantities", () => {
    const b = bindingsOf(`read procedures from Procedure {\n  pain_before: "extension('${EXT}s').value"\n}`);
    const read = (value: Record<string, unknown>) => readFhirCase(b, bundle(procedure("p1", { extension: [{ url: `${EXT}s`, ...value }] })));
    expect(first(read({ valueInteger: 7 }), "procedures")).toEqual({ pain_before: 7 });
    expect(first(read({ valueDecimal: 6.5 }), "procedures")).toEqual({ pain_before: 6.5 });
    expect(first(read({ valueQuantity: { value: 7, system: UCUM, code: "{score}" } }), "procedures")).toEqual({ pain_before: 7 });
    expect(read({ valueQuantity: { value: 7, system: UCUM, code: "mg" } }).problems).toMatchObject([{ kind: "unit" }]);
    expect(read({ valueString: "seven" }).problems).toMatchObject([{ kind: "wrong-type" }]);
  });

  it("booleans: only a value that says false is false", () => {
    const b = bindingsOf(`read case from QuestionnaireResponse {\n  pain_persists: "item.where(linkId = 'pain_persists').answer.value"\n}\n\nread case from Condition {\n  low_back_pain\n}`);
    const qr = (answer: unknown) => ({ resourceType: "QuestionnaireResponse", id: "q", status: "completed", item: [{ linkId: "pain_persists", answer: [answer] }] });
    expect(readFhirCase(b, bundle(qr({ valueBoolean: false }))).case).toEqual({ pain_persists: false });
    expect(readFhirCase(b, bundle(qr({ valueString: "no" }))).problems).toMatchObject([{ kind: "wrong-type", fact: "pain_persists" }]);
    // Nothing in the bundle: both facts unknown (absent), never false.
    expect(readFhirCase(b, bundle()).case).toEqual({});
    expect(readFhirCase(b, bundle({ resourceType: "Condition", id: "c", subject: { reference: "Patient/p" } })).case).toEqual({ low_back_pain: true });
  });
});

describe("reading a bundle", () => {
  it("a case fact from several resources: one value when they agree, unknown and reported when not", () => {
    const b = bindingsOf(`read case from Condition {\n  pain_onset: "onset"\n}`);
    const condition = (id: string, onsetDateTime: string) => ({ resourceType: "Condition", id, subject: { reference: "Patient/p" }, onsetDateTime });
    const agree = readFhirCase(b, bundle(condition("c1", "2025-05-01"), condition("c2", "2025-05-01")));
    expect(agree.case).toEqual({ pain_onset: "2025-05-01" });
    expect(agree.sources.map((s) => s.id)).toEqual(["c1", "c2"]);
    const differ = readFhirCase(b, bundle(condition("c1", "2025-05-01"), condition("c2", "2015-01-01")));
    expect(differ.case).toEqual({});
    expect(differ.problems).toMatchObject([{ kind: "ambiguous", fact: "pain_onset", message: expect.stringContaining("Condition/c2") }]);
  });

  it("list elements in bundle order across blocks, with their facts renumbered", () => {
    const b = bindingsOf(`read therapies from MedicationStatement {\n  kind = pharmacotherapy\n}\n\nread therapies from Procedure {\n  kind = physical_therapy\n  start: "performed.start"\n}`);
    const read = readFhirCase(
      b,
      bundle(
        procedure("pt1", { performedPeriod: { start: "2025-01-01" } }),
        { resourceType: "MedicationStatement", id: "m1", status: "active", medicationCodeableConcept: { text: "ibuprofen" }, subject: { reference: "Patient/p" } },
        procedure("pt2", { performedPeriod: { start: "2025-03-01" } }),
      ),
    );
    expect(read.case["therapies"]).toEqual([{ kind: "physical_therapy", start: "2025-01-01" }, { kind: "pharmacotherapy" }, { kind: "physical_therapy", start: "2025-03-01" }]);
    expect(read.sources.filter((s) => s.fact.endsWith(".start")).map((s) => [s.fact, s.id])).toEqual([
      ["therapies[0].start", "pt1"],
      ["therapies[2].start", "pt2"],
    ]);
  });

  it("%related: the resources that refer to the one read", () => {
    const b = bindingsOf(`read procedures from Procedure {\n  relief: "%related.ofType(Observation).where(code.coding.where(system = %loinc and code = '38208-5').exists()).value"\n}`);
    const observation = { resourceType: "Observation", id: "o1", status: "final", partOf: [{ reference: "Procedure/p1" }], code: { coding: [{ system: "http://loinc.org", code: "38208-5" }] }, valueQuantity: { value: 80, unit: "%", system: UCUM, code: "%" } };
    const read = readFhirCase(b, bundle(procedure("p1"), procedure("p2"), observation));
    expect(read.case["procedures"]).toEqual([{ relief: 80 }, {}]);
    expect(read.sources.find((s) => s.fact === "procedures[0].relief")).toMatchObject({ resourceType: "Procedure", id: "p1" });
  });

  it("claim items: one line item per item, diagnoses through their sequence", () => {
    const b = bindingsOf(`read items from Claim "item" {\n  code: "productOrService" in cpt\n  diagnosis: "%resource.diagnosis.where(sequence in %context.diagnosisSequence).diagnosis" in icd10\n}`);
    const claim = {
      resourceType: "Claim",
      id: "cl",
      status: "active",
      diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code: "M46.1" }] } }, { sequence: 2, diagnosisCodeableConcept: { coding: [{ system: ICD, code: "M54.50" }] } }],
      item: [
        { sequence: 1, diagnosisSequence: [2], productOrService: { coding: [{ system: CPT, code: "27096" }] } },
        { sequence: 2, productOrService: { coding: [{ system: CPT, code: "77003" }] } },
      ],
    };
    const read = readFhirCase(b, bundle(claim));
    expect(read.case["items"]).toEqual([{ code: "27096", diagnosis: "M54.50" }, { code: "77003" }]);
    expect(read.sources.find((s) => s.fact === "items[1].code")).toMatchObject({ element: "Claim.item[1].productOrService" });
  });
});

describe("hostile bundles", () => {
  const b = (): FhirBindings => bindingsOf(`read procedures from Procedure {\n  date: "performed"\n}`);

  it("refuses what is no bundle, at the JSON pointer of the mistake", () => {
    const cases: [unknown, string, string][] = [
      [[], "", "found a list"],
      [null, "", "found null"],
      ["Bundle", "", "found a string"],
      [{ resourceType: "Patient" }, "/resourceType", "found a `Patient` resource"],
      [{ resourceType: "Bundle", entry: {} }, "/entry", "must be a list"],
      [{ resourceType: "Bundle", entry: [null] }, "/entry/0", "must be an object"],
      [{ resourceType: "Bundle", entry: [{ resource: "Procedure" }] }, "/entry/0/resource", "must be an object"],
      [{ resourceType: "Bundle", entry: [{ resource: { resourceType: 7 } }] }, "/entry/0/resource/resourceType", "needs its `resourceType`"],
      [{ resourceType: "Bundle", entry: [{ resource: { resourceType: "__proto__" } }] }, "/entry/0/resource/resourceType", "not a FHIR R4 resource type"],
      [{ resourceType: "Bundle", entry: [{ resource: { resourceType: "Procedure", id: 5 } }] }, "/entry/0/resource/id", "must be a string"],
    ];
    for (const [input, pointer, message] of cases) {
      const read = readFhirCase(b(), input);
      expect(read.ok, JSON.stringify(input)).toBe(false);
      expect(read.case).toEqual({});
      expect(read.problems).toMatchObject([{ kind: "malformed", pointer, message: expect.stringContaining(message) }]);
    }
  });

  it("refuses a bundle nested past the limit without exhausting the stack", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const read = readFhirCase(b(), { resourceType: "Bundle", entry: [{ resource: { ...procedure("p1"), extension: [{ url: "u", valueString: "v", deep }] } }] });
    expect(read.ok).toBe(false);
    expect(read.problems[0]!.message).toContain(`deeper than ${BUNDLE_LIMITS.depth} levels`);
  });

  it("refuses more entries than the limit, and reads the most it allows", () => {
    const many = (n: number) => ({ resourceType: "Bundle", entry: Array.from({ length: n }, (_, i) => ({ resource: procedure(`p${i}`, { performedDateTime: "2025-01-01" }) })) });
    const over = readFhirCase(b(), many(BUNDLE_LIMITS.entries + 1));
    expect(over.ok).toBe(false);
    expect(over.problems[0]).toMatchObject({ pointer: "/entry" });
    const at = readFhirCase(b(), many(BUNDLE_LIMITS.entries));
    expect(at.ok).toBe(true);
    expect((at.case["procedures"] as unknown[]).length).toBe(BUNDLE_LIMITS.entries);
  });

  it("reads odd but valid values without harm: long strings, unknown elements, keys like __proto__", () => {
    const read = readFhirCase(b(), bundle(procedure("p1", { performedDateTime: "2025-01-01", note: [{ text: "x".repeat(1_000_000) }], __proto__: { polluted: true }, constructor: "c" })));
    expect(read.ok).toBe(true);
    expect(read.case).toEqual({ procedures: [{ date: "2025-01-01" }] });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
