// The JSON Schemas `pol compile` writes against the runtime's own validator: on a large random
// set of cases, most of them broken in some way (wrong types, impossible dates, percents out of
// range, calendar durations, blank codes, missing required fields, unknown and computed fields,
// non-objects in lists), ajv with the generated schema and `validateCase` must give the same
// verdict on every one, both rejecting unknown fields and ignoring them. The test-file schema
// accepts every test file of the repository.

import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateCase, type SchemaDescriptor } from "@pol/runtime";
import { caseJsonSchema, findTestFiles, ISO_DATE_PATTERN, schemaDescriptor, testFileJsonSchema, type CheckedPolicy } from "../src/index.js";
import { caseArbitrary, policyHints } from "./support/arbitraries.js";
import { checkPolicyFile } from "./support/policy-files.js";
import { property } from "./support/runs.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const POLICIES = ["policies/truecare/sacroiliac-joint-procedures.pol", "policies/cigna/trigger-point-injections.pol", "tutorial/lumbar-mri.pol"];

function ajv(): Ajv2020 {
  // strict: a schema keyword ajv does not know, or a format it cannot check, is an error here.
  return addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false }));
}

function load(path: string): CheckedPolicy {
  const result = checkPolicyFile(path);
  if (!result.policy) throw new Error(`${path} does not check: ${result.failure ?? ""}`);
  return result.policy;
}

// ---------------------------------------------------------------------------------------------
// Broken cases: a valid case with up to four mutations anywhere in it.

/** Values that are right for some field type and wrong for the others, and borderline ones. */
const TRICKY: readonly unknown[] = [
  null, true, false, 0, -1, 1, 42, 75, 100, 100.5, -0.5, 1e308, -1e-9,
  "", " ", "\t", "\u00a0", "\ufeff", "\u2028", "x", "27096", " 27096", "M46.1",
  "2024-02-29", "2023-02-29", "2100-02-29", "2000-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2025-04-31",
  "2025-1-01", "2025-01-1", " 2025-01-01", "2025-01-01 ", "2025-01-01\n", "2025-13-01", "2025-00-10", "20250101", "２０２５-01-01",
  "42d", "6wk", "2mo", "1y", "0d", "1.5d", "-3d", "1234567890d", "123456789wk", "42 d", "42D",
  "left", "right", "bilateral", "diagnostic", "therapeutic", "physical_therapy",
  [], [{}], [1], [null], {}, { code: "27096" }, { code: null },
];

const UNKNOWN_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "unknown_field", "Code", "date_of_servic", "itemz", ""];

/** Every field name of the schema (any record's), so a mutation hits known fields of other records too. */
function fieldNames(schema: SchemaDescriptor): string[] {
  return [...new Set(Object.values(schema.records).flatMap((record) => Object.keys(record.fields)))].sort();
}

type Mutation =
  | { kind: "set"; target: number; key: string; value: unknown }
  | { kind: "delete"; target: number; key: string }
  | { kind: "element"; target: number; value: unknown };

/** The objects of a case, depth first: the case, its items, list elements. */
function objectsOf(value: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const element of value) objectsOf(element, found);
  else if (typeof value === "object" && value !== null) {
    found.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) objectsOf(child, found);
  }
  return found;
}

function listsOf(value: unknown, found: unknown[][] = []): unknown[][] {
  if (Array.isArray(value)) {
    found.push(value);
    for (const element of value) listsOf(element, found);
  } else if (typeof value === "object" && value !== null) for (const child of Object.values(value)) listsOf(child, found);
  return found;
}

function mutate(input: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  const json = structuredClone(input);
  for (const mutation of mutations) {
    if (mutation.kind === "element") {
      const lists = listsOf(json);
      if (lists.length > 0) {
        const list = lists[mutation.target % lists.length]!;
        list[list.length === 0 ? 0 : mutation.target % list.length] = structuredClone(mutation.value);
      }
      continue;
    }
    const objects = objectsOf(json);
    const target = objects[mutation.target % objects.length]!;
    if (mutation.kind === "delete") delete target[mutation.key];
    // Defined, not assigned: `__proto__` must become an own property, as JSON.parse makes it.
    else Object.defineProperty(target, mutation.key, { value: structuredClone(mutation.value), enumerable: true, writable: true, configurable: true });
  }
  // What a service receives: JSON text, parsed.
  return JSON.parse(JSON.stringify(json));
}

function brokenCases(policy: CheckedPolicy): fc.Arbitrary<unknown> {
  const schema = schemaDescriptor(policy.schema);
  const names = [...fieldNames(schema), ...UNKNOWN_NAMES];
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), target: fc.nat(50), key: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 4 })), value: fc.constantFrom(...TRICKY) }),
    fc.record({ kind: fc.constant("delete" as const), target: fc.nat(50), key: fc.constantFrom(...names) }),
    fc.record({ kind: fc.constant("element" as const), target: fc.nat(50), value: fc.constantFrom(...TRICKY) }),
  );
  // Valid cases are costly to generate; a fixed sample of them, each mutated anew, is not.
  const valid = fc.sample(caseArbitrary(schema, policyHints(policy)), { numRuns: 80, seed: 1463 });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], "case", 1, {}, { date_of_service: "2025-01-01", items: [] }) },
    { weight: 12, arbitrary: fc.tuple(fc.constantFrom(...valid), fc.array(mutation, { maxLength: 4 })).map(([c, m]) => mutate(c, m)) },
  );
}

describe("the case schema pol compile writes", () => {
  for (const path of POLICIES) {
    it(`gives ajv and validateCase the same verdict on every random case: ${path}`, () => {
      const policy = load(path);
      const descriptor = schemaDescriptor(policy.schema);
      const validator = ajv();
      const strict = validator.compile(caseJsonSchema(policy, "strict.json") as object);
      const lenient = validator.compile(caseJsonSchema(policy, "lenient.json", { unknownFields: "ignore" }) as object);
      let valid = 0;
      let lenientOnly = 0;
      fc.assert(
        fc.property(brokenCases(policy), (json) => {
          const verdict = validateCase(json, descriptor).ok;
          const ignoring = validateCase(json, descriptor, { unknownFields: "ignore" }).ok;
          expect(strict(json), JSON.stringify(strict.errors)).toBe(verdict);
          expect(lenient(json), JSON.stringify(lenient.errors)).toBe(ignoring);
          if (verdict) valid++;
          if (ignoring && !verdict) lenientOnly++;
        }),
        property(`json schema ${path}`, 5000),
      );
      // The set is a mix: valid cases, invalid ones, and ones only unknown fields make invalid.
      expect(valid).toBeGreaterThan(0);
      expect(lenientOnly).toBeGreaterThan(0);
    });
  }

  it("encodes the calendar in its date pattern: month lengths, leap years, years 0001-9999", () => {
    const pattern = new RegExp(ISO_DATE_PATTERN, "u");
    const isDate = (text: string) => {
      const [y, m, d] = text.split("-").map(Number) as [number, number, number];
      const date = new Date(Date.UTC(2000, m - 1, d));
      date.setUTCFullYear(y);
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    };
    const texts = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    fc.assert(
      fc.property(texts, (text) => {
        expect(pattern.test(text), text).toBe(isDate(text));
      }),
      property("date pattern", 20000),
    );
    for (const year of [4, 100, 400, 1900, 2000, 2024, 2100, 9996]) expect(pattern.test(`${String(year).padStart(4, "0")}-02-29`)).toBe(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  });
});

describe("the test-file schema", () => {
  it("accepts every test file of the repository and rejects broken ones", () => {
    const validator = ajv();
    const schemas = new Map<string, ReturnType<Ajv2020["compile"]>>();
    for (const file of findTestFiles(["policies", "tutorial"])) {
      const json = JSON.parse(readFileSync(file, "utf8")) as { policy: string };
      const policyPath = new URL(json.policy, `file://${process.cwd()}/${file}`).pathname.slice(process.cwd().length + 1);
      let validate = schemas.get(policyPath);
      if (validate === undefined) {
        validate = validator.compile(testFileJsonSchema(load(policyPath), `${policyPath}.test.json`) as object);
        schemas.set(policyPath, validate);
      }
      expect(validate(json), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const tests = (json as unknown as { tests: { case: Record<string, unknown>; expect: unknown[] }[] }).tests;
      expect(validate({ ...json, tests: [{ ...tests[0], expect: [{ outcome: "maybe" }] }] })).toBe(false);
      expect(validate({ ...json, tests: [{ ...tests[0], case: { ...tests[0]!.case, date_of_service: "2025-02-30" } }] })).toBe(false);
      expect(validate({ ...json, extra: 1 })).toBe(false);
    }
    expect(schemas.size).toBeGreaterThanOrEqual(3);
  });

  it("takes a file's base case with per-test changes, and a whole case per test without one", () => {
    const policyPath = "policies/truecare/sacroiliac-joint-procedures.pol";
    const validate = ajv().compile(testFileJsonSchema(load(policyPath), `${policyPath}.test.json`) as object);
    const whole = { date_of_service: "2025-03-01", items: [{ code: "27096" }] };
    const expectOne = [{ outcome: "pended" }];
    const withBase = (tests: unknown[]) => ({ policy: "x.pol", base: whole, tests });
    expect(validate(withBase([{ name: "as is", expect: expectOne }]))).toBe(true);
    expect(validate(withBase([{ name: "later", case: { date_of_service: "2025-04-01" }, expect: expectOne }]))).toBe(true);
    expect(validate(withBase([{ name: "not a patch", case: [1], expect: expectOne }]))).toBe(false);
    expect(validate({ policy: "x.pol", base: "case", tests: [{ name: "t", expect: expectOne }] })).toBe(false);
    expect(validate({ policy: "x.pol", tests: [{ name: "no case", expect: expectOne }] })).toBe(false);
    expect(validate({ policy: "x.pol", tests: [{ name: "whole", case: whole, expect: expectOne }] })).toBe(true);
  });
});
