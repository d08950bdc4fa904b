// A schema module gives each field of a common type a read of its own (`Visit.side.read(c, visit)`:
// its own load, `row.side`, and its own check, the members compared one by one). Each must give
// exactly what the runtime's general read gives (`read` with a handle made without `fieldsOf`,
// which always takes the full path), and what a model of a read written apart says, for every
// value a field may hold in a case that skipped validation (absent, null, malformed dates, year
// 0000, non-members, upper case and trailing spaces, `__proto__` and `constructor` as values and
// as field names), for records that are none, unknown or not objects, with and without a trace.
// The module of a schema that extends another takes the base's reads of the fields it inherits,
// so each of its reads is held to the same: an inherited field, a field of an extended enum
// (compared one by one, or by the handle's members), a field of an extended record.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Context, fieldsOf, read, Unknown, type Field, type FieldHandle, type Row, type SchemaDescriptor } from "@pol/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { schemaModuleName } from "../src/generate/schema-module.js";
import { checkMemory, importPolicy } from "./fuzz/support.js";
import { checkExtending } from "./support/extending-fixture.js";
import { monthLength } from "./support/oracle-dates.js";
import { property } from "./support/runs.js";

const SCHEMA = `schema reads "every type a field's own read takes"

enum Side "side" { left right bilateral }
enum Kind "kind" { rest ice heat tens manipulation __proto__ }
enum Odd "odd members" { constructor __proto__ }

record Visit "a visit" dated by date {
  date: date "date of the visit"
  note: text "a note"
  done: bool "done"
  side: Side "side"
  kind: Kind "kind"
  odd: Odd "odd"
  code: code "code"
  relief: percent "relief"
  score: number "score"
  length: duration "length"
  constructor: code "a code named constructor"
  __proto__: Side "a side named __proto__"
  valueOf: date "a date named valueOf"
}

case {
  visits: list of Visit "visits"
}

item {
  code: code "requested procedure code"
}
`;

const POLICY = `policy t.reads
  title "Own reads"
  payer "Test"
  number "T-1"
  version "2025-01-01"
  effective 2025-01-01

use "schema.pol"

codes visit_codes "visit codes" = cpt { 11111 }

rule r "a rule" [1]
  for visit_codes

  require a [1.a] "a visit of the left side"
    some visits where side == left
`;

type Model = { kind: "date" | "text" | "bool" | "percent" | "number" | "code" } | { kind: "enum"; members: readonly string[] } | { kind: "other" };

/** Each field's type, written apart from the schema module and the runtime. */
const FIELDS: { readonly [name: string]: Model } = {
  date: { kind: "date" },
  note: { kind: "text" },
  done: { kind: "bool" },
  side: { kind: "enum", members: ["left", "right", "bilateral"] },
  kind: { kind: "enum", members: ["rest", "ice", "heat", "tens", "manipulation", "__proto__"] },
  odd: { kind: "enum", members: ["constructor", "__proto__"] },
  code: { kind: "code" },
  relief: { kind: "percent" },
  score: { kind: "number" },
  length: { kind: "other" },
  // Computed keys: own properties, where `__proto__: ...` would set the prototype.
  ["constructor"]: { kind: "code" } as Model,
  ["__proto__"]: { kind: "enum", members: ["left", "right", "bilateral"] } as Model,
  ["valueOf"]: { kind: "date" } as Model,
};
const NAMES = Object.keys(FIELDS);

/** A valid date `YYYY-MM-DD`, years 0001-9999: the month's length from `Date`, in a year of the
 *  same place in the 400-year Gregorian cycle (`Date` reads years 0-99 as 1900-1999). */
function isDateModel(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= monthLength(2000 + (year % 400), month);
}

/** What a read of a present value gives, by the model: the value, or undefined for an unknown. */
function modelValue(model: Model, value: unknown): unknown {
  switch (model.kind) {
    case "date":
      return typeof value === "string" && isDateModel(value) ? value : undefined;
    case "text":
      return typeof value === "string" ? value : undefined;
    case "bool":
      return typeof value === "boolean" ? value : undefined;
    case "percent":
      return typeof value === "number" && value >= 0 && value <= 100 ? value : undefined;
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "code":
      return typeof value === "string" && value.trim() !== "" ? value : undefined;
    case "enum":
      return typeof value === "string" && model.members.includes(value) ? value : undefined;
    case "other":
      throw new Error("not modelled");
  }
}

/** A read by the model: none of a record that is none, unknown of one that is unknown, the own
 *  property's value when present and well formed, otherwise unknown. */
function modelRead(model: Model, row: unknown, name: string): unknown {
  if (row === null || row === undefined) return null;
  if (row instanceof Unknown) return "unknown";
  const value = Object.prototype.hasOwnProperty.call(row, name) ? (row as Row)[name] : undefined;
  const known = value === null || value === undefined ? undefined : modelValue(model, value);
  return known === undefined ? "unknown" : known;
}

/** What a read gives, comparable with the model: an Unknown as its facts, or `"unknown"` for a
 *  field's own (which names the field). */
function comparable(value: unknown, unknownFacts: boolean): unknown {
  if (!(value instanceof Unknown)) return value;
  return unknownFacts ? { unknown: value.missing } : "unknown";
}

/** Each member of each enum, and texts near one: upper case, a space before or after, a prefix, longer. */
function nearMembers(fields: { readonly [name: string]: Model }): string[] {
  return [...new Set(Object.values(fields).flatMap((model) => (model.kind === "enum" ? model.members : [])))].flatMap(
    (member) => [member, member.toUpperCase(), `${member} `, ` ${member}`, member.slice(0, -1), `${member}x`],
  );
}

/** A value a field may hold in a case that skipped validation. */
const fieldValueOf = (fields: { readonly [name: string]: Model }) => fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(
      ...nearMembers(fields), "2025-02-28", "2024-02-29", "2023-02-29", "2100-02-29", "2000-02-29", "2025-02-30", "2025-04-31",
      "2025-13-01", "2025-00-10", "2025-01-00", "2025-1-01", "20250101", "0000-01-01", "0001-01-01", "9999-12-31",
      "2025-02-28 ", " 2025-02-28", "2025-02-2x", "2025/02/28", "toString", "", " ", "\t", "\u00a0", "\t27096", "27096",
      "27096 ", "b02.9", "é", "\u00a0x", "x\u00a0", 0, 50, 100, 100.5, -1, -0, 7.25, 1e308, Number.NaN, Infinity, -Infinity,
      true, false, null, undefined, "6wk", "42d",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
      ([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 11 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 })) },
);

/** A record as generated code may meet it: a JSON object holding most fields (`__proto__` an own
 *  property, as in any parsed case), or none, an unknown, another value. */
const absent = Symbol("absent");

const recordOf = (fields: { readonly [name: string]: Model }) => {
  const names = Object.keys(fields);
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.array(fc.option(fieldValueOf(fields), { freq: 4, nil: absent }), { minLength: names.length, maxLength: names.length }).map((values) => {
        const row: Row = {};
        // Own data properties, `__proto__` too (as `JSON.parse` makes them); values JSON cannot hold
        // (NaN, infinities, undefined) as well.
        names.forEach((name, i) => {
          if (values[i] !== absent) Object.defineProperty(row, name, { value: values[i], enumerable: true, writable: true, configurable: true });
        });
        return row;
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, "visit", 3, [], new Unknown([{ fact: "visits[0]", label: "visit" }])) },
  );
};

type Handles = Record<string, Field>;

describe("a schema module's own reads", () => {
  const result = checkMemory(POLICY, { "mem/schema.pol": SCHEMA });
  let loaded: { Visit: Handles; schema: SchemaDescriptor; source: string } | undefined;
  const schemaModule = async () => {
    if (loaded === undefined) {
      const { directory } = await importPolicy(result.policy!);
      const path = join(directory, `${schemaModuleName("reads")}.js`);
      const module = (await import(pathToFileURL(path).href)) as { Visit: Handles; schema: SchemaDescriptor };
      loaded = { ...module, source: readFileSync(path, "utf8") };
    }
    return loaded;
  };

  it("the schema checks, and each field of a common type other than those named like a member of every object has a read of its own", async () => {
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const { Visit, schema, source } = await schemaModule();
    // Not even written for those (`row.constructor` would read the prototype's); the runtime
    // would not take one anyway.
    for (const name of ["constructor", "__proto__", "valueOf", "length"]) expect(source).not.toContain(`${name}(c, row)`);
    // The runtime's reads by shape are shared by every handle of one shape; an own read is not.
    const shared = new Set(Object.values(fieldsOf<Record<string, unknown>>(schema, "Visit")).map((handle) => handle.read));
    const own = NAMES.filter((name) => !shared.has(Visit[name]!.read));
    expect(own.sort()).toEqual(["code", "date", "done", "kind", "note", "odd", "relief", "score", "side"]);
  });

  it("give exactly what the general read gives and what the model says, for every value and record", async () => {
    const { Visit, schema } = await schemaModule();
    readsAgree(Visit, schema, FIELDS, "visits");
  });
});

// The schemas of test/support/extending-fixture.ts: `Side` gains a member (compared one by one),
// `Kind` gains one (compared by the handle's members), `Tone` stays; `Visit` gains fields, `Note`
// does not and is taken whole.
const SIDES = ["left", "right", "bilateral"];
const KINDS = ["rest", "ice", "heat", "tens", "manipulation"];
const TONES = ["low", "high"];

/** The extended schema's `Visit`, written apart from both modules. */
const EXTENDED_VISIT: { readonly [name: string]: Model } = {
  date: { kind: "date" },
  side: { kind: "enum", members: [...SIDES, "unilateral"] },
  kind: { kind: "enum", members: [...KINDS, "massage"] },
  tone: { kind: "enum", members: TONES },
  score: { kind: "number" },
  length: { kind: "other" },
  relief: { kind: "percent" },
  level: { kind: "enum", members: [...SIDES, "unilateral"] },
};

const BASE_VISIT: { readonly [name: string]: Model } = {
  date: { kind: "date" },
  side: { kind: "enum", members: SIDES },
  kind: { kind: "enum", members: KINDS },
  tone: { kind: "enum", members: TONES },
  score: { kind: "number" },
  length: { kind: "other" },
};

const NOTE: { readonly [name: string]: Model } = { date: { kind: "date" }, tone: { kind: "enum", members: TONES } };

const EXTENDED_SCAN: { readonly [name: string]: Model } = {
  date: { kind: "date" },
  side: { kind: "enum", members: [...SIDES, "unilateral"] },
  kind: { kind: "enum", members: [...KINDS, "massage"] },
};

type SchemaModule = { Visit: Handles; Scan: Handles; Note: Handles; schema: SchemaDescriptor; source: string };

describe("the own reads of a schema module that extends another", () => {
  const result = checkExtending();
  let loaded: { base: SchemaModule; extended: SchemaModule } | undefined;
  const modules = async () => {
    if (loaded === undefined) {
      const { directory } = await importPolicy(result.policy!);
      const load = async (name: string): Promise<SchemaModule> => {
        const path = join(directory, `${schemaModuleName(name)}.js`);
        return { ...((await import(pathToFileURL(path).href)) as Omit<SchemaModule, "source">), source: readFileSync(path, "utf8") };
      };
      loaded = { base: await load("reads_base"), extended: await load("reads_plan") };
    }
    return loaded;
  };

  it("the schemas check; the extending module takes the base's reads where the check is the same, and writes the others", async () => {
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const { base, extended } = await modules();
    // Taken whole: a record whose fields and their types are the same; not one whose enums gain members.
    expect(extended.Note).toBe(base.Note);
    expect(extended.Scan).not.toBe(base.Scan);
    // The same function where the check is the same: an inherited field, and an extended enum's
    // field checked by its handle's members (which are the extending schema's).
    for (const name of ["date", "kind", "tone", "score"]) expect(extended.Visit[name]!.read, name).toBe(base.Visit[name]!.read);
    // Written again: an extended enum's field compared member by member; and the new fields.
    for (const name of ["side", "relief", "level"]) expect(extended.Visit[name]!.read, name).not.toBe(base.Visit[name]?.read);
    expect(extended.Visit.kind!.members).toEqual(new Set([...KINDS, "massage"]));
    expect(extended.source).toContain('import * as readsBase from "./reads-base.schema.js";');
    // Every field of a common type has a read of its own, none the runtime's read of its shape.
    const shared = new Set(Object.values(fieldsOf<Record<string, unknown>>(extended.schema, "Visit")).map((handle) => handle.read));
    expect(Object.keys(EXTENDED_VISIT).filter((name) => !shared.has(extended.Visit[name]!.read))).toEqual(["date", "side", "kind", "tone", "score", "relief", "level"]);
  });

  it("an enum field's read takes every member, the extended enum's new ones too, as it is: the field is loaded once", async () => {
    const { extended } = await modules();
    const c = new Context(extended.schema, {}, false);
    for (const [handles, fields] of [[extended.Visit, EXTENDED_VISIT], [extended.Scan, EXTENDED_SCAN]] as const) {
      for (const [name, model] of Object.entries(fields)) {
        if (model.kind !== "enum") continue;
        for (const member of model.members) {
          // A value the read does not take as it is goes on to the full read, which loads it again.
          let loads = 0;
          const row = new Proxy({ [name]: member } as Row, { get: (target, key) => (key === name && loads++, target[key as string]) });
          expect(handles[name]!.read(c, row), `${name} ${member}`).toBe(member);
          expect(loads, `${name} ${member}`).toBe(1);
        }
      }
    }
  });

  it("every read of the extending module gives what the general read gives and the model of the extended schema says", async () => {
    const { extended } = await modules();
    readsAgree(extended.Visit, extended.schema, EXTENDED_VISIT, "visits");
    readsAgree(extended.Note, extended.schema, NOTE, "notes");
    readsAgree(extended.Scan, extended.schema, EXTENDED_SCAN, "scans");
  });

  it("every read of the base module still gives what the model of the base schema says", async () => {
    const { base } = await modules();
    readsAgree(base.Visit, base.schema, BASE_VISIT, "visits");
  });
});

/** Every read of `handles` (a record's fields, listed in the case field `list`) gives exactly what
 *  the general read gives and, for the fields `fields` models, what the model says. */
function readsAgree(handles: Handles, schema: SchemaDescriptor, fields: { readonly [name: string]: Model }, list: string): void {
  const names = Object.keys(fields);
  // The same fields as handles made by hand, without the check and read `fieldsOf` works out:
  // `read` reads them in full.
  const byHand: Record<string, FieldHandle> = Object.fromEntries(
    names.map((name) => {
      const { check: _check, read: _read, ...handle } = handles[name]!;
      return [name, handle as FieldHandle];
    }),
  );
  fc.assert(
    fc.property(fc.array(recordOf(fields), { minLength: 1, maxLength: 4 }), (rows) => {
      const input: Row = { [list]: rows.filter((row) => typeof row === "object" && row !== null && !Array.isArray(row) && !(row instanceof Unknown)) };
      const outcomes = new Context(schema, input, false);
      outcomes.outcomeOnly = true;
      const determination = new Context(schema, input, false);
      const tracing = new Context(schema, input, true);
      tracing.beginReads();
      for (const row of rows) {
        for (const name of names) {
          // Twice: a valid date read once is remembered, and the second read takes the fast path.
          for (let round = 0; round < 2; round++) {
            const about = `${name} of ${JSON.stringify(row)}`;
            const general = comparable(read(determination, row, byHand[name]!), true);
            expect(comparable(handles[name]!.read(determination, row), true), about).toEqual(general);
            if (fields[name]!.kind !== "other") {
              const model = modelRead(fields[name]!, row, name);
              expect(comparable(handles[name]!.read(determination, row), false), about).toEqual(model);
            }
            for (const c of [tracing, outcomes]) {
              const value = handles[name]!.read(c, row);
              if (value instanceof Unknown) expect(general, about).toHaveProperty("unknown");
              else expect(value, about).toEqual(general);
            }
          }
        }
      }
    }),
    property("a field's own read equals the general read and the model", 300),
  );
}
