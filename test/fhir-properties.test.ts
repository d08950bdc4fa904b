// Missing data never helps, through the FHIR mapping: a bundle with a resource or an element
// removed never decides an item better than the whole bundle (never approves what the whole
// bundle does not), and an item it decides (approved, denied, not covered, ...) keeps that outcome
// when the removed data is put back (information monotonicity, docs/semantics.md "Facts read
// from FHIR"). Checked exhaustively for every single removal from the example bundles, and with
// fast-check for several removals at once. The request itself (ServiceRequest, Claim) is the
// question, not data about the patient: removing it removes a line item and is not tested here.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { checkFile, evaluateCase, loadFhirBindings, readFhirCase, type CheckedPolicy, type FhirBindings } from "../src/index.js";

const SIJ = "policies/truecare/sacroiliac-joint-procedures.pol";
const TPI = "policies/cigna/trigger-point-injections.pol";
const BUNDLES = ["case-a", "case-b", "case-c", "truecare-approval", "truecare-pended", "cigna-approval", "cigna-not-covered", "truecare-not-in-effect"];
const REQUEST = new Set(["ServiceRequest", "Claim"]);
const RUNS = process.env["POL_DEEP"] ? 2000 : 60;

type Json = unknown;
type Path = (string | number)[];

let bindings: FhirBindings;
const policies: CheckedPolicy[] = [];
beforeAll(() => {
  bindings = loadFhirBindings("policies/schema/spine.fhir.pol").bindings!;
  for (const path of [SIJ, TPI]) policies.push(checkFile(path).policy!);
});

const bundleOf = (name: string): Json => JSON.parse(readFileSync(`samples/fhir/${name}.bundle.json`, "utf8"));

/** Every removable part of a bundle: whole entries and every element below their resources, request resources excepted. */
function removable(bundle: Json): Path[] {
  const out: Path[] = [];
  const entries = (bundle as { entry: { resource: Record<string, Json> }[] }).entry;
  entries.forEach((entry, index) => {
    if (REQUEST.has(entry.resource["resourceType"] as string)) return;
    out.push(["entry", index]);
    const walk = (value: Json, path: Path): void => {
      if (Array.isArray(value)) value.forEach((child, i) => (out.push([...path, i]), walk(child, [...path, i])));
      else if (typeof value === "object" && value !== null) {
        for (const [key, child] of Object.entries(value)) {
          if (key === "resourceType") continue;
          out.push([...path, key]);
          walk(child, [...path, key]);
        }
      }
    };
    walk(entry.resource, ["entry", index, "resource"]);
  });
  return out;
}

/** `bundle` without the parts at `paths` (deepest first, so earlier removals keep later paths valid). */
function without(bundle: Json, paths: readonly Path[]): Json {
  const copy = structuredClone(bundle);
  const sorted = [...paths].sort((a, b) => b.length - a.length || compare(b, a));
  for (const path of sorted) {
    let parent: Json = copy;
    for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, Json> | undefined)?.[step];
    const last = path[path.length - 1]!;
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else if (typeof parent === "object" && parent !== null) delete (parent as Record<string, Json>)[last as string];
  }
  return copy;
}

function compare(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return typeof a[i] === "number" && typeof b[i] === "number" ? (a[i] as number) - (b[i] as number) : String(a[i]) < String(b[i]) ? -1 : 1;
  }
  return a.length - b.length;
}

/** Each line item's outcome, by the id of the resource it was read from; undefined when the case does not validate. */
function outcomes(policy: CheckedPolicy, bundle: Json, using: FhirBindings = bindings): Map<string, string> | undefined {
  const read = readFhirCase(using, bundle);
  if (!read.ok) return undefined;
  const evaluated = evaluateCase(policy, read.case);
  if (!evaluated.ok) return undefined;
  const ids = read.sources.filter((source) => /^items\[\d+\]$/.test(source.fact));
  const byId = new Map<string, string>();
  evaluated.determination.items.forEach((item, index) => {
    const id = ids.find((source) => source.fact === `items[${index}]`)!.id!;
    byId.set(id, item.outcome);
  });
  return byId;
}

/** What is wrong with the outcomes of a bundle with parts removed, against the whole bundle's. */
function violations(full: Map<string, string>, reduced: Map<string, string> | undefined): string[] {
  if (reduced === undefined) return [];
  const out: string[] = [];
  for (const [id, outcome] of reduced) {
    const whole = full.get(id);
    if (outcome === "approved" && whole !== "approved") out.push(`${id}: approved with data removed, ${whole} with it`);
    if (outcome !== "pended" && outcome !== whole) out.push(`${id}: ${outcome} with data removed, ${whole} once it is back`);
  }
  return out;
}

describe("missing FHIR data never helps", () => {
  for (const name of BUNDLES) {
    it(`${name}: every single removal`, () => {
      const bundle = bundleOf(name);
      const parts = removable(bundle);
      expect(parts.length).toBeGreaterThan(10);
      for (const policy of policies) {
        const full = outcomes(policy, bundle)!;
        const found: string[] = [];
        for (const part of parts) {
          for (const problem of violations(full, outcomes(policy, without(bundle, [part])))) found.push(`${policy.metadata.id}, without ${part.join("/")}: ${problem}`);
        }
        expect(found).toEqual([]);
      }
    });
  }

  it("catches bindings that guess: a missing answer read as `false` approves", () => {
    // The spine bindings with `implanted_device` read as `false` when the questionnaire says nothing.
    const dir = mkdtempSync(join(tmpdir(), "pol-fhir-guess-"));
    try {
      writeFileSync(join(dir, "pol.config.json"), "{}\n");
      writeFileSync(join(dir, "spine.pol"), readFileSync("policies/schema/spine.pol", "utf8"));
      const source = readFileSync("policies/schema/spine.fhir.pol", "utf8");
      const honest = `implanted_device: "repeat(item).where(linkId = 'implanted_device').answer.value"`;
      expect(source).toContain(honest);
      writeFileSync(join(dir, "spine.fhir.pol"), source.replace(honest, `implanted_device: "(repeat(item).where(linkId = 'implanted_device').answer.value | false).first()"`));
      const guessing = loadFhirBindings(join(dir, "spine.fhir.pol")).bindings!;
      // A member with an implanted device and no interrogation report on record.
      const bundle = structuredClone(bundleOf("truecare-approval")) as { entry: { resource: { resourceType: string; item?: { linkId: string; answer: { valueBoolean: boolean }[] }[] } }[] };
      const answers = bundle.entry.find((entry) => entry.resource.resourceType === "QuestionnaireResponse")!.resource.item!;
      answers.find((item) => item.linkId === "implanted_device")!.answer = [{ valueBoolean: true }];
      const index = answers.findIndex((item) => item.linkId === "implanted_device");
      const entry = bundle.entry.findIndex((e) => e.resource.resourceType === "QuestionnaireResponse");
      const withoutAnswer = without(bundle, [["entry", entry, "resource", "item", index]]);
      const sij = policies[0]!;
      const outcome = (b: FhirBindings, json: Json) => outcomes(sij, json, b);
      // The honest bindings: the answer removed, the item still is not approved.
      expect(violations(outcome(bindings, bundle)!, outcome(bindings, withoutAnswer))).toEqual([]);
      // The guessing ones: the answer removed, the item is approved.
      expect(violations(outcome(guessing, bundle)!, outcome(guessing, withoutAnswer))).toContainEqual(expect.stringContaining("approved with data removed"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("several removals at once", () => {
    const bundles = BUNDLES.map((name) => ({ name, bundle: bundleOf(name) }));
    const arbitrary = fc
      .record({ which: fc.nat({ max: bundles.length - 1 }), policy: fc.nat({ max: policies.length - 1 }) })
      .chain(({ which, policy }) => {
        const parts = removable(bundles[which]!.bundle);
        return fc.record({ which: fc.constant(which), policy: fc.constant(policy), parts: fc.subarray(parts, { minLength: 2, maxLength: 12 }) });
      });
    fc.assert(
      fc.property(arbitrary, ({ which, policy, parts }) => {
        const { bundle } = bundles[which]!;
        const checked = policies[policy]!;
        expect(violations(outcomes(checked, bundle)!, outcomes(checked, without(bundle, parts)))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
