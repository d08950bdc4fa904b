// Binding files that extend another (`extends "base.fhir.pol"`, `extend read`): the extending
// file's bindings are its base's, with the fields `extend read` adds and its own blocks; it never
// changes what the base reads. Chains, cycles across files, a base with errors, lists of values,
// the formatter, and the example policy finding spine-plan.fhir.pol by itself.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFile, defaultFhirBindingsPath, formatPol, loadFhirBindings, readFhirCase, type FhirBindings } from "../src/index.js";

const EXT = "http://example.org/fhir/StructureDefinition/";
const BASE = "policies/schema/spine.fhir.pol";
const PLAN = "policies/schema/spine-plan.fhir.pol";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pol-fhir-extends-"));
  writeFileSync(join(dir, "pol.config.json"), "{}\n");
  for (const name of ["spine.pol", "spine-plan.pol", "spine.fhir.pol"]) {
    writeFileSync(join(dir, name), readFileSync(`policies/schema/${name}`, "utf8"));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const codes = (path: string) => checkFile(path).diagnostics.map((d) => `${d.code} ${d.span.file.slice(d.span.file.lastIndexOf("/") + 1)}:${d.span.start.line}`);

function loaded(path: string): FhirBindings {
  const load = loadFhirBindings(path);
  expect(load.diagnostics.map((d) => d.message)).toEqual([]);
  return load.bindings!;
}

describe("an extending binding file", () => {
  it("holds its base's blocks, the fields `extend read` adds to them, and its own blocks", () => {
    const base = loaded(BASE);
    const plan = loaded(PLAN);
    expect(plan.base).toBe(BASE);
    expect(plan.schemaSource).toBe("policies/schema/spine-plan.pol");
    const own = plan.blocks.filter((block) => block.source === undefined);
    expect(plan.blocks.length).toBe(base.blocks.length + own.length);
    expect(own.map((block) => `${block.target} ${block.resource}`)).toEqual([
      "case Coverage",
      "case QuestionnaireResponse",
      "therapies Procedure",
      "therapies MedicationRequest",
    ]);
    // Each base block is there, from its file, with its own fields first and unchanged.
    base.blocks.forEach((block, index) => {
      const copy = plan.blocks[index]!;
      expect(copy.source).toBe(BASE);
      expect(copy.fields.slice(0, block.fields.length)).toEqual(block.fields);
    });
    const added = (target: string, resource: string) =>
      plan.blocks.find((block) => block.target === target && block.resource === resource && block.source === BASE)!.fields.slice(
        base.blocks.find((block) => block.target === target && block.resource === resource)!.fields.length,
      );
    expect(added("items", "ServiceRequest").map((f) => f.field)).toEqual(["level", "authorization_on_file"]);
    expect(added("procedures", "Procedure").map((f) => [f.field, f.list ?? false])).toEqual([
      ["anesthetic", false],
      ["levels", true],
    ]);
    expect(added("therapies", "Procedure").map((f) => f.field)).toEqual(["visits"]);
    // Loading the extension leaves the base's own bindings as they were.
    expect(loaded(BASE)).toEqual(base);
  });

  it("reads every example bundle of the base schema exactly as its base does", () => {
    const base = loaded(BASE);
    const plan = loaded(PLAN);
    const bundles = readdirSync("samples/fhir").filter((name) => name.endsWith(".bundle.json") && !name.startsWith("northwind-"));
    expect(bundles.length).toBeGreaterThanOrEqual(8);
    for (const name of bundles) {
      const bundle = JSON.parse(readFileSync(`samples/fhir/${name}`, "utf8")) as unknown;
      const fromBase = readFhirCase(base, bundle);
      const fromPlan = readFhirCase(plan, bundle);
      expect(fromPlan.case, name).toEqual(fromBase.case);
      expect(fromPlan.problems, name).toEqual(fromBase.problems);
    }
  });

  it("leaves the fields it does not bind unknown, and the base leaves every added field unknown", () => {
    const bundle = JSON.parse(readFileSync("samples/fhir/northwind-authorization-required.bundle.json", "utf8")) as unknown;
    const fromBase = readFhirCase(loaded(BASE), bundle).case;
    for (const field of ["plan_year_start", "prior_spine_surgery", "pain_severity"]) expect(fromBase).not.toHaveProperty(field);
    expect((fromBase["items"] as object[])[0]).not.toHaveProperty("level");
    // Claim items are read by the base, and nothing here adds a level to them.
    const claim = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          resource: {
            resourceType: "Claim",
            status: "active",
            item: [{ sequence: 1, productOrService: { coding: [{ system: "http://www.ama-assn.org/go/cpt", code: "64635" }] }, servicedDate: "2026-03-02" }],
          },
        },
      ],
    };
    const read = readFhirCase(loaded(PLAN), claim);
    expect(read.problems).toEqual([]);
    expect(read.case["items"]).toEqual([{ code: "64635" }]);
  });

  it("is the file the example policy reads bundles with, found beside its schema", () => {
    const policy = checkFile("policies/examples/lumbar-facet-interventions.pol").policy!;
    expect(defaultFhirBindingsPath("policies/examples/lumbar-facet-interventions.pol", policy)).toBe(join(process.cwd(), PLAN));
  });

  it("builds on a base that extends another: a chain", () => {
    write("plan.fhir.pol", readFileSync(PLAN, "utf8"));
    const top = write(
      "top.fhir.pol",
      `fhir top "On top of the plan bindings"\n  extends "plan.fhir.pol"\n\nuse "spine-plan.pol"\n\nextend read items from Claim "item" {\n  authorization_on_file: "extension('${EXT}auth').value"\n}\n`,
    );
    const plan = loaded(join(dir, "plan.fhir.pol"));
    const bindings = loaded(top);
    expect(bindings.base).toBe("plan.fhir.pol");
    expect(bindings.blocks.length).toBe(plan.blocks.length);
    // The blocks of both bases are there, each from the file that declared it.
    expect(new Set(bindings.blocks.map((block) => block.source))).toEqual(new Set(["spine.fhir.pol", "plan.fhir.pol"]));
    expect(bindings.blocks.find((block) => block.resource === "Claim" && block.target === "items")!.fields.map((f) => f.field)).toContain("authorization_on_file");
    // Already bound by the grand-base: reported with the file that binds it.
    const again = write(
      "again.fhir.pol",
      `fhir again "Again"\n  extends "plan.fhir.pol"\n\nuse "spine-plan.pol"\n\nextend read procedures from Procedure {\n  levels: "extension('${EXT}l').value" {\n    L4_L5 = "L4-L5"\n  }\n  relief: "extension('${EXT}r').value"\n}\n`,
    );
    const diagnostics = checkFile(again).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["POL6044", "POL6044"]);
    expect(diagnostics[0]!.message).toContain("(plan.fhir.pol line");
    expect(diagnostics[1]!.message).toContain("(spine.fhir.pol line");
  });

  it("reports a cycle across files where it closes, and a base's own errors in the base", () => {
    write("a.fhir.pol", `fhir a "A"\n  extends "b.fhir.pol"\n\nuse "spine.pol"\n`);
    write("b.fhir.pol", `fhir b "B"\n  extends "a.fhir.pol"\n\nuse "spine.pol"\n`);
    expect(codes(join(dir, "a.fhir.pol"))).toEqual(["POL6041 b.fhir.pol:2"]);
    expect(checkFile(join(dir, "a.fhir.pol")).diagnostics[0]!.message).toMatch(/a\.fhir\.pol` extends `.*b\.fhir\.pol` extends `.*a\.fhir\.pol`/);
    write("broken.fhir.pol", `fhir broken "Broken"\n\nuse "spine.pol"\n\nread procedures from Procedure {\n  date: "performedDate"\n}\n`);
    const on = write("on-broken.fhir.pol", `fhir on_broken "On a broken base"\n  extends "broken.fhir.pol"\n\nuse "spine.pol"\n`);
    expect(codes(on)).toEqual(["POL6003 broken.fhir.pol:6"]);
    expect(loadFhirBindings(on).bindings).toBeUndefined();
    // An `extends` path follows the rules of a `use` path.
    const outside = write("outside.fhir.pol", `fhir outside "Outside"\n  extends "../elsewhere.fhir.pol"\n\nuse "spine.pol"\n`);
    expect(checkFile(outside).diagnostics.map((d) => d.message)).toEqual(["cannot read the base bindings `../elsewhere.fhir.pol`: the path leaves the project root"]);
  });

  it("extends a block that reads backbone elements by naming the element, and binds twice in one file as POL6010", () => {
    const claim = write(
      "claim.fhir.pol",
      `fhir claim "Claim items"\n  extends "spine.fhir.pol"\n\nuse "spine-plan.pol"\n\nextend read items from Claim "item" {\n  authorization_on_file: "extension('${EXT}auth').value"\n}\n`,
    );
    const block = loaded(claim).blocks.find((b) => b.resource === "Claim" && b.target === "items")!;
    expect(block.fields.map((f) => f.field)).toContain("authorization_on_file");
    const twice = write(
      "twice.fhir.pol",
      `fhir twice "Twice"\n  extends "spine.fhir.pol"\n\nuse "spine-plan.pol"\n\nextend read items from Claim "item" {\n  level: "extension('${EXT}l').value" {\n    L4_L5 = "L4-L5"\n  }\n}\n\nextend read items from Claim "item" {\n  level: "extension('${EXT}l').value" {\n    L4_L5 = "L4-L5"\n  }\n}\n`,
    );
    expect(codes(twice)).toEqual(["POL6010 twice.fhir.pol:13"]);
  });
});

describe("lists of values", () => {
  const bindingsWithLevels = () =>
    loaded(
      write(
        "levels.fhir.pol",
        `fhir levels "Levels"\n\nuse "spine-plan.pol"\n\nread procedures from Procedure {\n  levels: "extension('${EXT}level').value" {\n    L4_L5 = "L4-L5"\n    L5_S1 = "L5-S1"\n  }\n}\n`,
      ),
    );
  const bundleWith = (...levels: unknown[]) => ({
    resourceType: "Bundle",
    type: "collection",
    entry: [{ resource: { resourceType: "Procedure", id: "p", status: "completed", extension: levels.map((value) => ({ url: `${EXT}level`, valueCode: value })) } }],
  });

  it("reads every value, each distinct value once, in order", () => {
    const read = readFhirCase(bindingsWithLevels(), bundleWith("L5-S1", "L4-L5", "L5-S1"));
    expect(read.problems).toEqual([]);
    expect(read.case["procedures"]).toEqual([{ levels: ["L5_S1", "L4_L5"] }]);
    expect(read.sources.filter((s) => s.fact === "procedures[0].levels").map((s) => s.element)).toEqual([
      "Procedure.extension[0].valueCode",
      "Procedure.extension[1].valueCode",
      "Procedure.extension[2].valueCode",
    ]);
  });

  it("leaves the list unknown when a value cannot be read, or when there is none", () => {
    const read = readFhirCase(bindingsWithLevels(), bundleWith("L4-L5", "T12-L1"));
    expect(read.case["procedures"]).toEqual([{}]);
    expect(read.problems.map((p) => [p.kind, p.fact, p.pointer])).toEqual([["unmapped-code", "procedures[0].levels", "/entry/0/resource/extension/1/valueCode"]]);
    expect(readFhirCase(bindingsWithLevels(), bundleWith()).case["procedures"]).toEqual([{}]);
  });

  it("refuses a bare list field or a fixed value for it", () => {
    const path = write("bare.fhir.pol", `fhir bare "Bare"\n\nuse "spine-plan.pol"\n\nread procedures from Procedure {\n  levels\n}\n`);
    expect(codes(path)).toEqual(["POL6011 bare.fhir.pol:6"]);
  });
});

describe("formatting", () => {
  it("puts the base on its own line and keeps `extend read`", async () => {
    const source = readFileSync(PLAN, "utf8");
    expect(await formatPol(source, "spine-plan.fhir.pol")).toBe(source);
    const squeezed = `fhir x "y" extends "spine.fhir.pol"\nuse "spine-plan.pol"\nextend read items from ServiceRequest { authorization_on_file: "extension('a').value" }\n`;
    const formatted = await formatPol(squeezed, "x.fhir.pol");
    expect(formatted).toBe(
      `fhir x "y"\n  extends "spine.fhir.pol"\n\nuse "spine-plan.pol"\n\nextend read items from ServiceRequest {\n  authorization_on_file: "extension('a').value"\n}\n`,
    );
    expect(await formatPol(formatted, "x.fhir.pol")).toBe(formatted);
  });
});
