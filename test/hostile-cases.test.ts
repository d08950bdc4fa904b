// Invalid cases through the generated modules' entry points. `evaluate(json)` and `decide(json)`
// validate: a malformed date, a non-finite number, a wrongly typed field or a list with a hole
// is `ok: false` with errors (the interpreter's `evaluateCase` reports the same ones), never a
// determination. `evaluateTrusted` and `decideTrusted`, which skip validation, never throw on
// JSON-shaped input, and a malformed date, a non-finite number or a hole never approves an
// item that the case with that fact (or list) omitted would not approve.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateCase, interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { importPolicy } from "./fuzz/support.js";
import { checkPolicyFile, policyFiles } from "./support/policy-files.js";
import { property } from "./support/runs.js";

type Outcomes = { items: { outcome: string }[] };
type Checked<T> = { ok: true } & T | { ok: false; errors: { path: string; message: string }[] };

interface Module {
  evaluate(json: unknown): Checked<{ determination: Outcomes }>;
  decide(json: unknown): Checked<{ outcomes: string[] }>;
  validate(json: unknown): Checked<{ value: unknown }>;
  evaluateTrusted(input: unknown): Outcomes;
  decideTrusted(input: unknown): string[];
}

interface Seed {
  policy: CheckedPolicy;
  module: Module;
  case: Record<string, unknown>;
}

const seeds: Seed[] = [];

beforeAll(async () => {
  const modules = new Map<string, { policy: CheckedPolicy; module: Module }>();
  for (const file of policyFiles()) {
    const policy = checkPolicyFile(file).policy!;
    modules.set(file, { policy, module: (await importPolicy(policy)).module as unknown as Module });
  }
  for (const folder of new Set(policyFiles().map((file) => join(file, "..", "tests")))) {
    for (const name of readdirSync(folder).filter((entry) => entry.endsWith(".test.json")).sort()) {
      const suite = JSON.parse(readFileSync(join(folder, name), "utf8")) as { policy: string; tests: { case: Record<string, unknown> }[] };
      const entry = modules.get(join(folder, suite.policy))!;
      for (const test of suite.tests) seeds.push({ ...entry, case: test.case });
    }
  }
});

type Path = (string | number)[];

/** Every place in a case: each key of each object (field) and each element of each list. */
function places(value: unknown, path: Path = []): { path: Path; kind: "field" | "element" }[] {
  const found: { path: Path; kind: "field" | "element" }[] = [];
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      found.push({ path: [...path, index], kind: "element" });
      found.push(...places(element, [...path, index]));
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      found.push({ path: [...path, key], kind: "field" });
      found.push(...places(field, [...path, key]));
    }
  }
  return found;
}

/** A deep copy with the value at `path` replaced (or, with `hole`, the list element removed
 *  leaving a hole; with no value, the field deleted). */
function edited(input: unknown, path: Path, change: { value: unknown } | { delete: true } | { hole: true }): Record<string, unknown> {
  const copy = structuredClone(input) as Record<string, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if ("value" in change) node[last] = change.value;
  else delete node[last];
  return copy;
}

/** The fact a corruption at `path` stands in for: the field itself, or the list an element is in. */
function factOf(path: Path): Path {
  let end = path.length;
  while (end > 0 && typeof path[end - 1] === "number") end--;
  return path.slice(0, end);
}

const MALFORMED_DATES = ["2025-9-15", "garbage", "2025-02-30", "2023-02-29", "", "2025-13-01", "2025-09-15T00:00:00Z", " 2025-09-15", "20250915", "2025/09/15"];
const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** A date-valued place, a number-valued place, or any place. */
function placesOfKind(input: unknown, kind: "date" | "number" | "any") {
  return places(input).filter(({ path, kind: placeKind }) => {
    if (kind === "any") return true;
    let value = input as Record<string | number, unknown>;
    for (const key of path) value = value[key] as Record<string | number, unknown>;
    if (placeKind !== "field") return false;
    return kind === "date" ? typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) : typeof value === "number";
  });
}

function outcomes(result: Checked<{ determination: Outcomes }>): string[] | "invalid" {
  return result.ok ? result.determination.items.map((item) => item.outcome) : "invalid";
}

describe("the validating entry points of generated modules", () => {
  it("reject malformed dates, non-finite numbers, wrongly typed fields and holes, as the interpreter does", () => {
    expect(seeds.length).toBeGreaterThan(20);
    const rejected = (seed: Seed, input: unknown, what: string) => {
      const evaluated = seed.module.evaluate(input);
      const decided = seed.module.decide(input);
      const interpreted = evaluateCase(seed.policy, input);
      expect(evaluated.ok, what).toBe(false);
      expect(decided.ok, what).toBe(false);
      expect(evaluated.ok ? [] : evaluated.errors.length, what).toBeGreaterThan(0);
      expect(decided.ok ? undefined : decided.errors, what).toEqual(evaluated.ok ? undefined : evaluated.errors);
      expect(interpreted.ok ? undefined : interpreted.errors, what).toEqual(evaluated.ok ? undefined : evaluated.errors);
    };
    for (const seed of seeds) {
      expect(seed.module.validate(seed.case).ok).toBe(true);
      for (const bad of MALFORMED_DATES) {
        rejected(seed, { ...seed.case, date_of_service: bad }, `date_of_service ${bad}`);
        for (const { path } of placesOfKind(seed.case, "date")) rejected(seed, edited(seed.case, path, { value: bad }), `${path.join(".")} ${bad}`);
      }
      for (const bad of NON_FINITE) {
        for (const { path } of placesOfKind(seed.case, "number")) rejected(seed, edited(seed.case, path, { value: bad }), `${path.join(".")} ${bad}`);
      }
      for (const { path } of placesOfKind(seed.case, "any")) {
        const wrong = typeof path[path.length - 1] === "number" ? 7 : { not: "a value of any field type" };
        rejected(seed, edited(seed.case, path, { value: wrong }), `${path.join(".")} ${JSON.stringify(wrong)}`);
      }
      const holes = structuredClone(seed.case) as { items: unknown[] };
      holes.items.length += 1; // a hole at the end
      rejected(seed, holes, "a hole in items");
      for (const whole of [null, "case", 42, true, [], [seed.case]]) rejected(seed, whole, `the case ${JSON.stringify(whole)}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Random corruption of the policies' test cases.

/** JSON-shaped values (and the non-JSON values a JavaScript caller may pass). */
const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...MALFORMED_DATES, ...NON_FINITE, "6wk", "2mo", "-3d", "27096", "left", "", "__proto__", "constructor", 0, -1, 1e308, true, false, null, [], {}) },
  // eslint-disable-next-line no-sparse-arrays
  { weight: 1, arbitrary: fc.constantFrom<unknown>([, {}], [, ,], [undefined], { __proto__: null }, JSON.parse('{"__proto__": {"code": "27096"}}')) },
);

/** A seed, a place in its case, and what happens there. */
const corruption = fc
  .integer({ min: 0, max: 10_000 })
  .chain((n) => {
    const seed = n % seeds.length;
    const all = places(seeds[seed]!.case);
    return fc.record({
      seed: fc.constant(seed),
      place: fc.constantFrom(...all),
      change: fc.oneof(
        { weight: 6, arbitrary: jsonish.map((value) => ({ value })) },
        { weight: 1, arbitrary: fc.constant({ delete: true as const }) },
      ),
    });
  });

describe("property: corrupted cases", () => {
  it("the validating entry points never throw, agree with the interpreter, and determine only what validates", () => {
    fc.assert(
      fc.property(corruption, ({ seed: index, place, change }) => {
        const seed = seeds[index]!;
        const input = edited(seed.case, place.path, change);
        const validation = seed.module.validate(input);
        const evaluated = seed.module.evaluate(input);
        const decided = seed.module.decide(input);
        const interpreted = evaluateCase(seed.policy, input);
        expect(evaluated.ok).toBe(validation.ok);
        expect(decided.ok).toBe(validation.ok);
        expect(interpreted.ok).toBe(validation.ok);
        if (evaluated.ok && interpreted.ok && decided.ok) {
          expect(evaluated.determination.items.map((item) => item.outcome)).toEqual(decided.outcomes);
          expect(interpreted.determination.items.map((item) => item.outcome)).toEqual(decided.outcomes);
        } else {
          expect(evaluated.ok ? [] : evaluated.errors).toEqual(interpreted.ok ? [] : interpreted.errors);
        }
      }),
      property("corrupted cases: the validating entry points agree and never throw", 300),
    );
  });

  it("the trusting entry points never throw on JSON-shaped input, and agree with the interpreter", () => {
    fc.assert(
      fc.property(corruption, ({ seed: index, place, change }) => {
        const seed = seeds[index]!;
        const input = edited(seed.case, place.path, change);
        const trusted = seed.module.evaluateTrusted(input).items.map((item) => item.outcome);
        expect(seed.module.decideTrusted(input)).toEqual(trusted);
        expect(interpret(seed.policy, input).items.map((item) => item.outcome)).toEqual(trusted);
      }),
      property("corrupted cases: the trusting entry points never throw", 300),
    );
  });

  it("the trusting entry points never throw on a case that is not an object, or has no usable items", () => {
    const seed = seeds[0]!;
    const wholes: unknown[] = [null, "case", 42, true, [], {}, { items: null }, { items: "x" }, { items: [null, 1, "a", [], {}] }, { date_of_service: 5, items: [{}] }];
    for (const whole of wholes) {
      expect(() => seed.module.evaluateTrusted(whole), JSON.stringify(whole)).not.toThrow();
      expect(() => seed.module.decideTrusted(whole), JSON.stringify(whole)).not.toThrow();
      expect(() => interpret(seed.policy, whole as Record<string, unknown>), JSON.stringify(whole)).not.toThrow();
    }
  });

  it("any value validation rejects, in any field, never approves what omitting the field would not", () => {
    const scenario = fc.integer({ min: 0, max: 10_000 }).chain((n) => {
      const index = n % seeds.length;
      const fields = places(seeds[index]!.case).filter((place) => place.kind === "field");
      return fc.record({ seed: fc.constant(index), place: fc.constantFrom(...fields), value: jsonish });
    });
    fc.assert(
      fc.property(scenario, ({ seed: index, place, value }) => {
        const seed = seeds[index]!;
        const input = edited(seed.case, place.path, { value });
        // A valid value is another fact, which may rightly approve.
        if (seed.module.validate(input).ok) return;
        const trusted = seed.module.evaluateTrusted(input).items.map((item) => item.outcome);
        const without = seed.module.evaluateTrusted(edited(seed.case, factOf(place.path), { delete: true })).items.map((item) => item.outcome);
        trusted.forEach((outcome, item) => {
          if (outcome === "approved") expect(without[item], `${place.path.join(".")} = ${JSON.stringify(value)}`).toBe("approved");
        });
        expect(interpret(seed.policy, input).items.map((item) => item.outcome)).toEqual(trusted);
      }),
      property("corrupted cases: invalid values never approve what omission would not", 1000),
    );
  });

  it("examples: a blank code, a percent outside 0-100, an object without a prototype", () => {
    const seed = seeds.find((entry) => entry.policy.metadata.id === "cigna.tpi" && (entry.case.procedures as unknown[] | undefined)?.length === 10)!;
    expect(seed.module.evaluateTrusted(seed.case).items[0]!.outcome).toBe("denied");
    // Ten injections in the window deny; one of them with a blank code must not approve.
    const blank = edited(seed.case, ["procedures", 9, "code"], { value: " " });
    expect(seed.module.evaluateTrusted(blank).items[0]!.outcome).not.toBe("approved");
    for (const hole of [{ hole: true } as const, { value: null }, { value: 7 }]) {
      const holed = edited(seed.case, ["procedures", 9], hole);
      expect(seed.module.evaluateTrusted(holed).items[0]!.outcome, JSON.stringify(hole)).toBe("pended");
      expect(interpret(seed.policy, holed).items[0]!.outcome, JSON.stringify(hole)).toBe("pended");
    }
    const bare = Object.create(null) as Record<string, unknown>;
    for (const path of [["items", 0, "code"], ["items", 0], ["procedures", 0, "code"], ["pain_onset"]]) {
      const input = edited(seed.case, path, { value: bare });
      expect(() => seed.module.evaluateTrusted(input), path.join(".")).not.toThrow();
      expect(() => seed.module.decideTrusted(input), path.join(".")).not.toThrow();
    }
  });

  it("a malformed date, a non-finite number or a hole never approves what omitting the fact would not", () => {
    const malformed = fc.oneof(
      fc.constantFrom(...MALFORMED_DATES).map((value) => ({ value, kind: "date" as const })),
      fc.constantFrom(...NON_FINITE).map((value) => ({ value, kind: "number" as const })),
      fc.constant({ hole: true as const, kind: "element" as const }),
    );
    const scenario = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), malformed)
      .chain(([n, bad]) => {
        const index = n % seeds.length;
        const seed = seeds[index]!;
        const candidates = bad.kind === "element" ? places(seed.case).filter((p) => p.kind === "element") : placesOfKind(seed.case, bad.kind);
        return candidates.length === 0 ? fc.constant(undefined) : fc.record({ seed: fc.constant(index), place: fc.constantFrom(...candidates), bad: fc.constant(bad) });
      })
      .filter((scenario) => scenario !== undefined);
    fc.assert(
      fc.property(scenario, ({ seed: index, place, bad }) => {
        const seed = seeds[index]!;
        const input = edited(seed.case, place.path, "hole" in bad ? { hole: true } : { value: bad.value });
        const trusted = seed.module.evaluateTrusted(input).items.map((item) => item.outcome);
        const what = `${place.path.join(".")} = ${String("value" in bad ? bad.value : "hole")}`;
        const fact = factOf(place.path);
        if (fact.length === 1 && fact[0] === "items") {
          // A hole among the line items: that item is decided on nothing, so it is never approved.
          expect(trusted[place.path[1] as number], what).not.toBe("approved");
        } else {
          const omitted = edited(seed.case, fact, { delete: true });
          const without = seed.module.evaluateTrusted(omitted).items.map((item) => item.outcome);
          trusted.forEach((outcome, item) => {
            if (outcome === "approved") expect(without[item], what).toBe("approved");
          });
        }
        expect(interpret(seed.policy, input).items.map((item) => item.outcome)).toEqual(trusted);
      }),
      property("corrupted cases: malformed values never approve what omission would not", 300),
    );
  });
});
