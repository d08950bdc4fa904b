// Names that are Object.prototype members, in every naming position a schema and a policy have
// (schema, enum, enum members, record, record fields, case and item fields, code set, let, rule
// and criterion ids): the policy checks, compiles and imports; the facts are read only from the
// case's own properties, so an omitted fact (or one only inherited) pends in the interpreter and
// the compiled module alike, and the supplied facts approve.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCase, interpret } from "../src/interpret/interpreter.js";
import { checkMemory, importPolicy } from "./fuzz/support.js";
import { property } from "./support/runs.js";

const SCHEMA = `schema __proto__ "prototype names everywhere"

enum toString "an enum named toString" { constructor __proto__ valueOf hasOwnProperty }

record constructor "a record named constructor" dated by valueOf {
  toString: bool "the record's toString flag"
  __proto__: number "the record's __proto__ number"
  valueOf: date "the record's valueOf date"
}

case {
  constructor: list of constructor "records named constructor"
  hasOwnProperty: toString "the case's hasOwnProperty member"
  isPrototypeOf: bool "the case's isPrototypeOf flag"
  propertyIsEnumerable: number "the case's propertyIsEnumerable number"
  __defineGetter__: date "the case's __defineGetter__ date"
  toLocaleString: text "the case's toLocaleString text"
}

item {
  code: code "requested procedure code"
  __proto__: toString "the item's __proto__ member"
  valueOf: bool "the item's valueOf flag"
  isPrototypeOf: text "the item's isPrototypeOf text"
}
`;

const POLICY = `policy t.constructor
  title "Prototype names"
  payer "Test"
  number "T-1"
  version "2025-01-01"
  effective 2025-01-01

use "schema.pol"

codes valueOf "a code set named valueOf" = cpt { 11111 }

let __lookupGetter__ "records named constructor with every fact" =
  some constructor where toString and __proto__ >= 2 and time since valueOf >= 1d

rule constructor "a rule named constructor" [1]
  for valueOf when item.__proto__ == valueOf

  require toString [1.a] "a let named __lookupGetter__"
    __lookupGetter__

  require valueOf [1.b] "an enum field compared with the member __proto__"
    hasOwnProperty == __proto__

  require hasOwnProperty [1.c] "a bool named isPrototypeOf"
    isPrototypeOf

  require __proto__ [1.d] "a number and a date"
    propertyIsEnumerable >= 1 and time since __defineGetter__ >= 1d

  require constructor [1.e] "item facts and a text"
    item.valueOf and item.isPrototypeOf == "x" and toLocaleString == "y"
`;

/** Parsed from JSON so that `__proto__` is an own property, as it is in any JSON case. */
const SUPPLIED_JSON = `{
  "date_of_service": "2025-09-15",
  "items": [{ "code": "11111", "__proto__": "valueOf", "valueOf": true, "isPrototypeOf": "x" }],
  "constructor": [{ "toString": true, "__proto__": 3, "valueOf": "2025-01-01" }],
  "hasOwnProperty": "__proto__",
  "isPrototypeOf": true,
  "propertyIsEnumerable": 2,
  "__defineGetter__": "2025-01-01",
  "toLocaleString": "y"
}`;

/** Every supplied fact, as a path of keys into the case. */
const FACTS: (string | number)[][] = [
  ["items", 0, "__proto__"],
  ["items", 0, "valueOf"],
  ["items", 0, "isPrototypeOf"],
  ["constructor"],
  ["constructor", 0, "toString"],
  ["constructor", 0, "__proto__"],
  ["constructor", 0, "valueOf"],
  ["hasOwnProperty"],
  ["isPrototypeOf"],
  ["propertyIsEnumerable"],
  ["__defineGetter__"],
  ["toLocaleString"],
];

function without(paths: readonly (string | number)[][]): Record<string, unknown> {
  const copy = JSON.parse(SUPPLIED_JSON) as Record<string, unknown>;
  for (const path of paths) {
    let node = copy as Record<string | number, unknown> | undefined;
    for (const key of path.slice(0, -1)) node = node?.[key] as Record<string | number, unknown> | undefined;
    if (node !== undefined) delete node[path[path.length - 1]!];
  }
  return copy;
}

/** An object whose fields are all inherited from its prototype, except `own`. */
function inheriting(fields: Record<string, unknown>, own: Record<string, unknown> = {}): Record<string, unknown> {
  const proto = {};
  for (const [key, value] of Object.entries(fields)) Object.defineProperty(proto, key, { value, enumerable: true });
  const object = Object.create(proto) as Record<string, unknown>;
  for (const [key, value] of Object.entries(own)) Object.defineProperty(object, key, { value, enumerable: true });
  return object;
}

type Module = {
  evaluate(json: unknown): { ok: boolean; determination?: { items: { outcome: string; missing: { fact: string }[] }[] } };
  decide(json: unknown): { ok: boolean; outcomes?: string[] };
  evaluateTrusted(input: unknown): { items: { outcome: string; missing: { fact: string }[] }[] };
  decideTrusted(input: unknown): string[];
};

describe("Object.prototype member names in every naming position", () => {
  const result = checkMemory(POLICY, { "mem/schema.pol": SCHEMA });

  it("check clean (free text compared with strings is only a warning)", () => {
    expect(result.diagnostics.filter((d) => d.code !== "POL3055").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });

  const policy = result.policy!;
  let module: Module;
  const compiled = async () => (module ??= (await importPolicy(policy)).module as unknown as Module);

  it("supplied, are read: both evaluators approve, through every entry point", async () => {
    const m = await compiled();
    const input = JSON.parse(SUPPLIED_JSON);
    expect(Object.hasOwn(input.items[0], "__proto__")).toBe(true);
    const interpreted = evaluateCase(policy, input);
    expect(interpreted.ok ? interpreted.determination.items[0]!.outcome : interpreted.errors).toBe("approved");
    const evaluated = m.evaluate(input);
    expect(evaluated.ok ? evaluated.determination!.items[0]!.outcome : evaluated).toBe("approved");
    expect(m.decide(input)).toEqual({ ok: true, outcomes: ["approved"] });
    expect(m.decideTrusted(input)).toEqual(["approved"]);
    expect(m.evaluateTrusted(input).items[0]!.outcome).toBe("approved");
  });

  it("inherited rather than own, are not supplied: both evaluators pend", async () => {
    const m = await compiled();
    const { date_of_service, items, constructor: records, ...rest } = JSON.parse(SUPPLIED_JSON);
    const { code, ...itemFacts } = items[0];
    const hosted = inheriting({ ...rest, constructor: records.map((record: Record<string, unknown>) => inheriting(record)) }, {
      date_of_service,
      items: [inheriting(itemFacts, { code })],
    });
    expect(interpret(policy, hosted).items[0]!.outcome).toBe("pended");
    expect(m.evaluateTrusted(hosted).items[0]!.outcome).toBe("pended");
    expect(m.decideTrusted(hosted)).toEqual(["pended"]);
    const checked = m.evaluate(hosted);
    expect(checked.ok ? checked.determination!.items[0]!.outcome : "invalid").not.toBe("approved");
  });

  it("any of them omitted: both evaluators pend (never approve) and ask for what is missing", async () => {
    const m = await compiled();
    await fc.assert(
      fc.asyncProperty(fc.subarray(FACTS, { minLength: 1 }), async (removed) => {
        const input = without(removed);
        const interpreted = interpret(policy, input).items[0]!;
        const evaluated = m.evaluateTrusted(input).items[0]!;
        const checked = m.evaluate(input);
        // Removing the item's `__proto__` leaves the rule's applicability unknown: pended still.
        expect(interpreted.outcome).toBe("pended");
        expect(evaluated.outcome).toBe("pended");
        expect(checked.ok ? checked.determination!.items[0]!.outcome : checked).toBe("pended");
        expect(m.decideTrusted(input)).toEqual(["pended"]);
        expect(evaluated.missing).toEqual(interpreted.missing);
        expect(evaluated.missing.length).toBeGreaterThan(0);
      }),
      property("prototype names: any omitted fact pends in both evaluators", 100),
    );
  });
});

describe("Object.prototype member names that name nothing", () => {
  const NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "isPrototypeOf", "propertyIsEnumerable", "__defineGetter__"];
  const schema = `schema s "s"\n\nenum E "e" { a b }\n\ncase {\n  f: bool "f"\n  e: E "e"\n}\n\nitem {\n  code: code "c"\n}\n`;
  const policy = (condition: string) =>
    `policy t.p\n  title "t"\n  payer "p"\n  number "n"\n  version "v"\n  effective 2025-01-01\n\nuse "schema.pol"\n\ncodes c "c" = cpt { 11111 }\n\nrule r "r" [1]\n  for c\n\n  require a [1.a] "d"\n    ${condition}\n`;

  it.each(NAMES)("`%s` as a bare name is an unknown name, and as an enum value not a member", (name) => {
    const bare = checkMemory(policy(name), { "mem/schema.pol": schema });
    expect(bare.diagnostics.map((d) => d.code)).toEqual(["POL2001"]);
    const compared = checkMemory(policy(`e == ${name}`), { "mem/schema.pol": schema });
    expect(compared.diagnostics.map((d) => d.code)).toEqual(["POL2009"]);
    const reversed = checkMemory(policy(`${name} == e`), { "mem/schema.pol": schema });
    expect(reversed.diagnostics.map((d) => d.code)).toEqual(["POL2009"]);
  });
});
