// A blank code (empty, or only white space) is no code: validation rejects it, and a case that
// skipped validation reads it as unknown, exactly as if the code were left out. So a blank code
// of the requested line item pends the item for its code (it does not make the item one that no
// rule applies to), and a blank code of a prior procedure is an unknown code. White space around
// a code is not part of it: `" 27096"` is 27096 everywhere. Both evaluators, every entry point.
//
// The item's code is read by name (the runtime's `field`), every other code through its field's
// handle: `field` reads a field the schema declares exactly as that field's handle reads it.

import { Context, field, fieldsOf, read, type Row, type SchemaDescriptor } from "@pol/runtime";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateCase, interpret } from "../src/interpret/interpreter.js";
import { checkInMemory, compileInMemory, type CompiledEvaluator } from "./support/compile-in-memory.js";
import { property } from "./support/runs.js";

const SCHEMA = `schema blank "blank codes"

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
}

case {
  procedures: list of Procedure "prior procedures"
}

item {
  code: code "requested procedure code"
}
`;

const POLICY = `policy test.blank
  title "Blank codes"
  payer "Test"
  number "T-1"
  version "2025-01-01"
  effective 2025-01-01

use "schema.pol"

codes sij "SIJ injection" = cpt { 27096 }

let sij_history = procedures where code in sij

rule r "SIJ injections" [1]
  for sij

  require once [1.a] "no earlier injection in 12 months"
    no sij_history within 12mo
`;

/** The outcome and the facts asked for: what must not depend on how a code is left out. */
type Answer = { outcome: string; missing: string[] };

const BLANKS = ["", " ", "\t", "\u00a0", "\u3000", " \n "];

describe("blank codes", () => {
  const policy = checkInMemory(SCHEMA, POLICY);
  let compiled: CompiledEvaluator & { decideTrusted?: never };
  let decide: (input: unknown) => string[];
  beforeAll(async () => {
    compiled = await compileInMemory(policy);
    decide = compiled.decide as unknown as (input: unknown) => string[];
  });

  /** What each trusting entry point answers for the first item, traced and not, in both evaluators. */
  function answers(input: Record<string, unknown>): Record<string, Answer | string> {
    const first = (determination: { items: { outcome: string; missing: { fact: string }[] }[] }): Answer => {
      const item = determination.items[0]!;
      return { outcome: item.outcome, missing: item.missing.map((m) => m.fact) };
    };
    return {
      interpreted: first(interpret(policy, input)),
      "interpreted, no trace": first(interpret(policy, input, { trace: false })),
      compiled: first(compiled.evaluate(input)),
      "compiled, no trace": first(compiled.evaluate(input, { trace: false })),
      decided: decide(input)[0]!,
    };
  }

  const dos = "2025-09-15";
  const history = [{ code: "27096", date: "2024-01-10" }];

  it("an item's blank code is an unknown code: the item pends for it, as with the code left out", () => {
    const omitted = answers({ date_of_service: dos, items: [{}], procedures: history });
    expect(omitted.interpreted).toEqual({ outcome: "pended", missing: ["items[0].code"] });
    for (const blank of BLANKS) {
      const input = { date_of_service: dos, items: [{ code: blank }], procedures: history };
      expect(answers(input), JSON.stringify(blank)).toEqual(omitted);
      for (const checked of [evaluateCase(policy, input), compiled.evaluateJson(input)]) {
        expect(checked.ok ? checked.determination : checked.errors, JSON.stringify(blank)).toEqual([
          { path: "items[0].code", message: expect.stringMatching(/^expected a code, found /) },
        ]);
      }
    }
  });

  it("an item's code that is not text is an unknown code too, as every other code field reads it", () => {
    const omitted = answers({ date_of_service: dos, items: [{}], procedures: history });
    for (const value of [27096, 0, {}, [], true]) {
      const input = { date_of_service: dos, items: [{ code: value }], procedures: history };
      expect(answers(input), JSON.stringify(value)).toEqual(omitted);
    }
  });

  it("white space around an item's code is not part of it", () => {
    const plain = { date_of_service: dos, items: [{ code: "27096" }], procedures: history };
    expect(answers(plain).interpreted).toEqual({ outcome: "approved", missing: [] });
    for (const padded of [" 27096", "27096 ", "\u00a027096\t", "2709.6"]) {
      const input = { ...plain, items: [{ code: padded }] };
      expect(answers(input), JSON.stringify(padded)).toEqual(answers(plain));
      const checked = compiled.evaluateJson(input);
      expect(checked.ok && checked.determination.items[0]!.outcome, JSON.stringify(padded)).toBe("approved");
    }
  });

  it("a prior procedure's blank code is an unknown code, as with the code left out", () => {
    const recent = { date_of_service: dos, items: [{ code: "27096" }], procedures: [{ code: "27096", date: "2025-03-01" }] };
    expect(answers(recent).interpreted).toEqual({ outcome: "denied", missing: [] });
    const omitted = answers({ ...recent, procedures: [{ date: "2025-03-01" }] });
    expect(omitted.interpreted).toEqual({ outcome: "pended", missing: ["procedures[0].code"] });
    for (const blank of BLANKS) {
      const input = { ...recent, procedures: [{ code: blank, date: "2025-03-01" }] };
      expect(answers(input), JSON.stringify(blank)).toEqual(omitted);
      expect(compiled.evaluateJson(input).ok, JSON.stringify(blank)).toBe(false);
    }
  });
});

/** Every shape of field, on an element record and on the case (cast: TypeScript types a property
 *  named `constructor` in an object literal as the object's constructor). */
const FIELDS = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "requested line items" },
        visits: { type: { list: "visit" }, label: "visits" },
        chronic: { type: "bool", label: "pain is chronic" },
      },
    },
    item: { label: "line item", fields: { code: { type: "code", label: "requested procedure code" } } },
    visit: {
      label: "visit",
      fields: {
        code: { type: "code", label: "code" },
        note: { type: "text", label: "note" },
        done: { type: "bool", label: "done" },
        date: { type: "date", label: "date" },
        side: { type: { enum: ["left", "right"] }, label: "side" },
        relief: { type: "percent", label: "relief" },
        score: { type: "number", label: "score" },
        lasted: { type: "duration", label: "how long it lasted" },
        codes: { type: { values: "code" }, label: "codes" },
        constructor: { type: "code", label: "constructor" },
      },
    },
  },
} as unknown as SchemaDescriptor;

/** Values a field may hold in a case that skipped validation. */
const anyValue = fc.oneof(
  fc.constantFrom("", " ", "\t", "\u00a0", " 27096", "27096", "left", "Left", "2025-02-28", "2025-02-30", "6wk", "42d", "2mo"),
  fc.constantFrom(0, 50, 100, 101, -1, Number.NaN, Number.POSITIVE_INFINITY, true, false, null, undefined),
  fc.string({ maxLength: 6 }),
  fc.array(fc.constantFrom("27096", "", " "), { maxLength: 2 }),
);

describe("the runtime's `field`", () => {
  it("reads a declared field exactly as its handle does, traced or not", () => {
    const records: [string, string[]][] = [
      ["visit", Object.keys(FIELDS.records.visit!.fields)],
      ["item", ["code"]],
      ["case", ["chronic", "date_of_service"]],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...records), fc.nat(), anyValue, fc.boolean(), ([record, names], pick, value, tracing) => {
        const name = names[pick % names.length]!;
        const row: Row = value === undefined ? {} : { [name]: value };
        const input = { date_of_service: "2025-09-15", items: [record === "item" ? row : { code: "1" }], visits: [record === "visit" ? row : {}] };
        const target = record === "case" ? { ...input, ...row } : row;
        const byName = new Context(FIELDS, record === "case" ? target : input, tracing);
        const byHandle = new Context(FIELDS, record === "case" ? target : input, tracing);
        byName.beginItem(0);
        byHandle.beginItem(0);
        const handle = fieldsOf<Record<string, unknown>>(FIELDS, record)[name]!;
        expect(field(byName, record, target, name)).toEqual(read(byHandle, target, handle));
      }),
      property("field reads as the field's handle", 2000),
    );
  });

  it("reads a field the schema does not declare as it is: unknown when absent or not a finite number", () => {
    const context = new Context(FIELDS, { date_of_service: "2025-09-15", items: [{ code: "1" }] }, false);
    context.beginItem(0);
    const row = { other: " ", count: 3, flag: "yes", wide: Number.NaN };
    expect(field(context, "visit", row, "other")).toBe(" ");
    expect(field(context, "visit", row, "count")).toBe(3);
    expect(field(context, "visit", row, "flag")).toBe("yes");
    expect(field(context, "visit", row, "wide")).toMatchObject({ missing: [{ fact: "?.wide", label: "wide" }] });
    expect(field(context, "visit", row, "absent")).toMatchObject({ missing: [{ fact: "?.absent", label: "absent" }] });
  });
});
