// The runtime on hostile input. Field names that are Object.prototype members read only the
// case's own properties; malformed dates and non-finite numbers that reach evaluation without
// validation are unknown, never known values, and never throw; validation rejects them all, with
// their JSON paths, and lists with holes.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Context,
  Unknown,
  arithmetic,
  asPercent,
  between,
  compare,
  compareElapsed,
  coverage,
  dateDifference,
  field,
  inWindow,
  isUnknown,
  list,
  negate,
  overlapsWindow,
  parseIsoDate,
  pick,
  shiftDate,
  since,
  sum,
  validateCase,
  type SchemaDescriptor,
} from "@pol/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCase, interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { schemaDescriptor } from "../src/schema-descriptor.js";
import { checkInMemory, compileInMemory } from "./support/compile-in-memory.js";
import { loadCompiled, type CompiledEvaluator } from "./support/compiled.js";
import { checkPolicyFile, policyFiles } from "./support/policy-files.js";

const PROTOTYPE_NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];

const PROTO_SCHEMA = `schema proto "fields named like Object.prototype members"

case {
  constructor: bool "the constructor flag"
  toString: number "the toString score"
  valueOf: date "the valueOf date"
  hasOwnProperty: bool "the hasOwnProperty flag"
  __proto__: bool "the proto flag"
}

item {
  code: code "requested procedure code"
}
`;

const PROTO_POLICY = `policy test.proto
  title "Prototype names"
  payer "Test"
  number "T-1"
  version "2025-01-01"
  effective 2025-01-01

use "schema.pol"

codes c "test codes" = cpt { 11111 }

rule r "Prototype names" [1]
  for c

  require a [1.a] "constructor"
    constructor

  require b [1.b] "toString"
    toString >= 1

  require d [1.d] "valueOf"
    time since valueOf >= 1d

  require e [1.e] "hasOwnProperty"
    hasOwnProperty

  require f [1.f] "proto"
    __proto__
`;

describe("fields named like Object.prototype members", () => {
  const policy = checkInMemory(PROTO_SCHEMA, PROTO_POLICY);
  const omitted = { date_of_service: "2025-09-15", items: [{ code: "11111" }] };
  const supplied = JSON.parse(
    '{ "date_of_service": "2025-09-15", "items": [{ "code": "11111" }], "constructor": true, "toString": 2,' +
      ' "valueOf": "2025-01-01", "hasOwnProperty": true, "__proto__": true }',
  ) as Record<string, unknown>;

  it("are in the schema descriptor as own fields", () => {
    const fields = schemaDescriptor(policy.schema).records.case!.fields;
    for (const name of PROTOTYPE_NAMES) expect(Object.prototype.hasOwnProperty.call(fields, name), name).toBe(true);
  });

  it("omitted, are unknown facts: the interpreter pends and lists every one", () => {
    const result = evaluateCase(policy, omitted);
    expect(result.ok).toBe(true);
    const [item] = result.ok ? result.determination.items : [];
    expect(item!.outcome).toBe("pended");
    expect(item!.missing.map((m) => m.fact).sort()).toEqual([...PROTOTYPE_NAMES].sort());
  });

  it("supplied as own properties, validate and are read", () => {
    const result = evaluateCase(policy, supplied);
    expect(result.ok ? result.determination.items[0]!.outcome : result.errors).toBe("approved");
  });

  it("the compiled evaluator agrees", async () => {
    const compiled = await compileInMemory(policy);
    const pended = compiled.evaluate(omitted).items[0]!;
    expect(pended.outcome).toBe("pended");
    expect(pended.missing.map((m) => m.fact).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect((compiled as unknown as { decide(input: unknown): string[] }).decide(omitted)).toEqual(["pended"]);
    expect(compiled.evaluate(compiled.validate(supplied).ok ? supplied : {}).items[0]!.outcome).toBe("approved");
  });

  it("runtime field reads and lists see only own properties", () => {
    const schema = schemaDescriptor(policy.schema);
    for (const tracing of [false, true]) {
      const context = new Context(schema, { ...omitted }, tracing);
      context.beginItem(0);
      for (const name of PROTOTYPE_NAMES) {
        expect(isUnknown(field(context, "case", context.input, name)), `${name}, tracing ${tracing}`).toBe(true);
        const handle = { record: "case", name, label: name, duration: false, shape: "list" as const, inherited: true };
        expect(isUnknown(list(context, handle)), `list ${name}`).toBe(true);
      }
    }
  });
});

/** A schema with a date, a number and a percent on the case and on list elements. */
const SCHEMA: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "items" },
        onset: { type: "date", label: "onset" },
        score: { type: "number", label: "score" },
        relief: { type: "percent", label: "relief" },
        episodes: { type: { list: "episode" }, label: "episodes" },
      },
    },
    item: { label: "item", fields: { code: { type: "code", label: "code" } } },
    episode: {
      label: "episode",
      fields: { start: { type: "date", label: "start" }, end: { type: "date", label: "end" }, days: { type: "number", label: "days" } },
    },
  },
};

const MALFORMED_DATES = ["2025-9-15", "garbage", "2025-02-30", "", "2025-13-01", "0000-01-01", "2025-09-15T00:00:00Z", " 2025-09-15"];
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

describe("malformed values through the trusting path", () => {
  const dos = "2025-09-15";

  it("field reads give an Unknown carrying the fact for malformed dates and non-finite numbers", () => {
    for (const tracing of [false, true]) {
      for (const bad of MALFORMED_DATES) {
        const context = new Context(SCHEMA, { date_of_service: dos, items: [{ code: "1" }], onset: bad }, tracing);
        context.beginItem(0);
        const value = field(context, "case", context.input, "onset");
        expect(value, `${bad}`).toBeInstanceOf(Unknown);
        expect((value as Unknown).missing).toEqual([{ fact: "onset", label: "onset" }]);
      }
      for (const bad of NON_FINITE) {
        const input = { date_of_service: dos, items: [{ code: "1" }], score: bad, relief: bad, episodes: [{ days: bad }] };
        const context = new Context(SCHEMA, input, tracing);
        context.beginItem(0);
        expect(field(context, "case", input, "score")).toBeInstanceOf(Unknown);
        expect(field(context, "case", input, "relief")).toBeInstanceOf(Unknown);
        const days = field(context, "episode", input.episodes[0], "days");
        expect((days as Unknown).missing).toEqual([{ fact: "episodes[0].days", label: "days" }]);
      }
    }
  });

  it("calendar functions treat a malformed date as unknown, never as a known value, and never throw", () => {
    for (const bad of MALFORMED_DATES) {
      expect(shiftDate(bad, 1, 2, "mo"), bad).toBeInstanceOf(Unknown);
      expect(dateDifference(bad, dos), bad).toBeInstanceOf(Unknown);
      expect(dateDifference(dos, bad), bad).toBeInstanceOf(Unknown);
      expect(inWindow(bad, "2025-01-01", dos), bad).toBeInstanceOf(Unknown);
      expect(overlapsWindow(bad, dos, "2025-01-01", dos), bad).toBeInstanceOf(Unknown);
      expect(overlapsWindow("2025-02-01", bad, "2025-01-01", dos), bad).toBeInstanceOf(Unknown);
      expect(since(bad, dos), bad).toBeInstanceOf(Unknown);
      expect(since("2025-01-01", bad), bad).toBeInstanceOf(Unknown);
      expect(between(bad, dos), bad).toBeInstanceOf(Unknown);
      for (const operator of [">=", ">", "<=", "<", "==", "!="] as const) {
        expect(compareElapsed({ from: bad, to: dos }, operator, 6, "wk"), `${bad} ${operator}`).toBeInstanceOf(Unknown);
        expect(compareElapsed({ from: "2025-01-01", to: bad }, operator, 1, "mo"), `${bad} ${operator}`).toBeInstanceOf(Unknown);
      }
      for (const operator of ["<", "<=", ">", ">="] as const) {
        expect(compare(operator, bad, dos), `${bad} ${operator}`).toBeInstanceOf(Unknown);
        expect(compare(operator, dos, bad), `${bad} ${operator}`).toBeInstanceOf(Unknown);
      }
      const episodes = [{ start: bad, end: dos }];
      const covered = coverage(episodes, () => true, (e) => e.start, (e) => e.end, { start: "2025-01-01", end: dos });
      expect(covered, bad).toMatchObject({ lo: 0 });
      expect(pick("latest", [{ date: "2025-01-01" }, { date: bad }], () => true, (e) => e.date), bad).toBeInstanceOf(Unknown);
    }
  });

  it("comparisons and arithmetic treat a non-finite number as unknown", () => {
    for (const bad of NON_FINITE) {
      for (const operator of ["==", "!=", "<", "<=", ">", ">="] as const) {
        expect(compare(operator, bad, 3), `${bad} ${operator}`).toBeInstanceOf(Unknown);
        expect(compare(operator, 3, bad), `${bad} ${operator}`).toBeInstanceOf(Unknown);
      }
      for (const operator of ["+", "-", "*", "/"] as const) {
        expect(arithmetic(operator, bad, 2), `${bad} ${operator}`).toBeInstanceOf(Unknown);
        expect(arithmetic(operator, 2, bad), `${bad} ${operator}`).toBeInstanceOf(Unknown);
      }
      expect(negate(bad)).toBeInstanceOf(Unknown);
      expect(asPercent(bad)).toBeInstanceOf(Unknown);
      expect(sum([{ days: 2 }, { days: bad }], () => true, (e) => e.days, true)).toMatchObject({ lo: 2, hi: Infinity });
    }
  });

  it("a malformed date of service pends every item, asking for the date of service", async () => {
    const policy = checkPolicyFile("policies/truecare/sacroiliac-joint-procedures.pol").policy!;
    const seed = seedCases().find((entry) => entry.policy.metadata.id === policy.metadata.id)!.case;
    for (const bad of [...MALFORMED_DATES, undefined]) {
      const input = { ...seed, date_of_service: bad };
      const determination = interpret(policy, input);
      for (const item of determination.items) {
        expect(item.outcome, String(bad)).toBe("pended");
        expect(item.missing.map((m) => m.fact)).toEqual(["date_of_service"]);
      }
    }
  });
});

describe("validation rejects what the trusting path would have to guess", () => {
  it("malformed dates and non-finite numbers, each with its JSON path", () => {
    for (const bad of MALFORMED_DATES) {
      const result = validateCase({ date_of_service: "2025-09-15", items: [{ code: "1" }], onset: bad, episodes: [{ start: bad }] }, SCHEMA);
      expect(result.ok ? [] : result.errors.map((e) => e.path), bad).toEqual(["onset", "episodes[0].start"]);
    }
    for (const bad of NON_FINITE) {
      const result = validateCase({ date_of_service: "2025-09-15", items: [{ code: "1" }], score: bad, relief: bad, episodes: [{ days: bad }] }, SCHEMA);
      expect(result.ok ? [] : result.errors.map((e) => e.path), String(bad)).toEqual(["score", "relief", "episodes[0].days"]);
    }
    const dos = validateCase({ date_of_service: "2025-02-30", items: [{ code: "1" }] }, SCHEMA);
    expect(dos.ok ? [] : dos.errors.map((e) => e.path)).toEqual(["date_of_service"]);
  });

  it("lists with holes", () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = [, { start: "2025-01-01" }];
    const result = validateCase({ date_of_service: "2025-09-15", items: [{ code: "1" }], episodes: holes }, SCHEMA);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([{ path: "episodes[0]", message: "expected a episode (an object), found a hole in the list" }]);
    // eslint-disable-next-line no-sparse-arrays
    const items = validateCase({ date_of_service: "2025-09-15", items: [{ code: "1" }, , { code: "2" }] }, SCHEMA);
    expect(items.ok ? [] : items.errors.map((e) => e.path)).toEqual(["items[1]"]);
  });
});

// ---------------------------------------------------------------------------------------------
// The property: a malformed value never approves what leaving the fact out would not approve.

interface Seed {
  policy: CheckedPolicy;
  case: Record<string, unknown>;
}

let seeds: Seed[] | undefined;

/** Every case of every policy test file, with its checked policy. */
function seedCases(): Seed[] {
  if (seeds) return seeds;
  const policies = new Map(policyFiles().map((file) => [join(file), checkPolicyFile(file).policy!]));
  seeds = [];
  for (const folder of ["policies/truecare/tests", "policies/cigna/tests"]) {
    for (const file of readdirSync(folder).filter((name) => name.endsWith(".test.json")).sort()) {
      const suite = JSON.parse(readFileSync(join(folder, file), "utf8")) as { policy: string; tests: { case: Record<string, unknown> }[] };
      const policy = policies.get(join(folder, suite.policy));
      if (!policy) throw new Error(`no policy ${suite.policy} for ${folder}/${file}`);
      for (const test of suite.tests) seeds.push({ policy, case: test.case });
    }
  }
  return seeds;
}

type Kind = "date" | "number";

/** A place a date or number fact can be: a record object of the case and a field name. */
interface Slot {
  path: (string | number)[];
  name: string;
  kind: Kind;
}

/** Every date, number and percent field (present or not) of every record object in the case. */
function slotsOf(policy: CheckedPolicy, input: Record<string, unknown>): Slot[] {
  const schema = schemaDescriptor(policy.schema);
  const slots: Slot[] = [];
  const visit = (record: Record<string, unknown>, recordName: string, path: (string | number)[]): void => {
    const fields = schema.records[recordName]?.fields ?? {};
    for (const [name, descriptor] of Object.entries(fields)) {
      if (descriptor.computed) continue;
      const type = descriptor.type;
      if (type === "date") slots.push({ path, name, kind: "date" });
      else if (type === "number" || type === "percent") slots.push({ path, name, kind: "number" });
      else if (typeof type === "object" && "list" in type && Array.isArray(record[name])) {
        (record[name] as Record<string, unknown>[]).forEach((element, index) => visit(element, type.list, [...path, name, index]));
      }
    }
  };
  visit(input, "case", []);
  return slots;
}

/** A deep copy of `input` with the slot's field set to `value`, or removed when `value` is omitted. */
function withSlot(input: Record<string, unknown>, slot: Slot, value?: unknown): Record<string, unknown> {
  const copy = structuredClone(input);
  let record = copy as Record<string, unknown>;
  for (let i = 0; i < slot.path.length; i += 2) {
    record = (record[slot.path[i] as string] as Record<string, unknown>[])[slot.path[i + 1] as number]!;
  }
  if (arguments.length < 3) delete record[slot.name];
  else record[slot.name] = value;
  return copy;
}

const malformedDate = fc.oneof(
  fc.constantFrom(...MALFORMED_DATES, "2025-9-1", "2024-02-29x", "9999-99-99", "2023-02-29"),
  fc.string({ maxLength: 12 }).filter((text) => !/^\d{4}-\d{2}-\d{2}$/.test(text)),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
    .map(([y, m, d]) => `${y}-${m}-${d}`)
    .filter((text) => parseIsoDate(text) === undefined),
  fc.constantFrom<unknown>(20250915, true, {}, []),
);
// Non-finite numbers only: a value of another JSON type in a number field (`true`, `"12"`) is
// rejected by validation but not yet recognised by the trusting path (see the field reads).
const malformedNumber = fc.constantFrom<unknown>(...NON_FINITE);

describe("property: malformed facts never approve", () => {
  it("the interpreter without validation never throws and never approves an item the case without that fact would not; compiled evaluators agree", async () => {
    const all = seedCases();
    expect(all.length).toBeGreaterThan(20);
    const compiled = new Map<CheckedPolicy, CompiledEvaluator>();
    for (const seed of all) if (!compiled.has(seed.policy)) compiled.set(seed.policy, await loadCompiled(seed.policy));
    const scenario = fc
      .integer({ min: 0, max: all.length - 1 })
      .chain((index) => {
        const seed = all[index]!;
        const slots = slotsOf(seed.policy, seed.case);
        return fc.tuple(fc.constant(seed), fc.constantFrom(...slots));
      })
      .chain(([seed, slot]) => fc.tuple(fc.constant(seed), fc.constant(slot), slot.kind === "date" ? malformedDate : malformedNumber));
    fc.assert(
      fc.property(scenario, ([seed, slot, bad]) => {
        const input = withSlot(seed.case, slot, bad);
        const malformed = interpret(seed.policy, input);
        const omitted = interpret(seed.policy, withSlot(seed.case, slot));
        expect(compiled.get(seed.policy)!.evaluate(input).items.map((item) => item.outcome)).toEqual(
          malformed.items.map((item) => item.outcome),
        );
        malformed.items.forEach((item, index) => {
          if (item.outcome === "approved") expect(omitted.items[index]!.outcome, `${slot.path.join(".")}.${slot.name} = ${String(bad)}`).toBe("approved");
        });
      }),
      { numRuns: process.env.POL_DEEP ? 20_000 : 300 },
    );
  });
});
