import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { validateCase, type CaseError, type SchemaDescriptor } from "@pol/runtime";
import { runs } from "./support/runs.js";

const side = { enum: ["left", "right", "bilateral"] } as const;

const schema: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "requested line items" },
        pain_onset: { type: "date", label: "date the pain began" },
        chronic: { type: "bool", label: "pain is chronic" },
        procedures: { type: { list: "procedure" }, label: "prior procedures" },
      },
    },
    item: {
      label: "requested line item",
      fields: {
        code: { type: "code", label: "requested procedure code" },
        site: { type: side, label: "side" },
        note: { type: "text", label: "note" },
      },
    },
    procedure: {
      label: "prior procedure",
      dated: { start: "date" },
      fields: {
        code: { type: "code", label: "procedure code" },
        date: { type: "date", label: "date of the procedure" },
        side: { type: side, label: "side treated" },
        relief: { type: "percent", label: "percent pain relief" },
        relief_duration: { type: "duration", label: "how long the relief lasted" },
        pain_before: { type: "number", label: "pain before" },
        score_relief: { type: "percent", label: "computed relief", computed: true },
      },
    },
  },
};

const valid = {
  date_of_service: "2025-07-15",
  items: [{ code: "27096", site: "left" }],
  pain_onset: "2024-01-01",
  chronic: true,
  procedures: [
    { code: "27096", date: "2025-01-10", side: "left", relief: 80, relief_duration: "6wk", pain_before: 7 },
    { code: "27096", date: null, relief: null },
  ],
};

function errorsOf(json: unknown): CaseError[] {
  const result = validateCase(json, schema);
  return result.ok ? [] : result.errors;
}

describe("validateCase", () => {
  it("accepts a valid case and returns the same object", () => {
    const result = validateCase(valid, schema);
    expect(result).toEqual({ ok: true, value: valid });
    expect(result.ok && result.value).toBe(valid);
  });

  it("allows absent facts and nulls", () => {
    expect(
      errorsOf({ date_of_service: "2025-07-15", items: [{ code: "1" }], pain_onset: null, procedures: [{}] }),
    ).toEqual([]);
  });

  it("reports each problem at its precise path, all at once", () => {
    const errors = errorsOf({
      date_of_service: "2025-07-15",
      items: [{ code: "27096", site: "middle" }],
      procedures: [
        { date: "2025-01-01" },
        { date: "2025-01-01", relief: 120, releif: 50 },
        { date: "2025-13-01", relief_duration: "2mo", score_relief: 40 },
      ],
    });
    expect(errors).toEqual([
      { path: "items[0].site", message: "expected one of `left`, `right`, `bilateral`, found `middle`" },
      { path: "procedures[1].relief", message: "percent must be between 0 and 100, found `120`" },
      { path: "procedures[1].releif", message: "unknown field `releif`; did you mean `relief`?" },
      { path: "procedures[2].date", message: "expected a date `YYYY-MM-DD`, found `2025-13-01`" },
      {
        path: "procedures[2].relief_duration",
        message: "`2mo` is a calendar duration; record this duration in days or weeks (`60d`, `8wk`)",
      },
      {
        path: "procedures[2].score_relief",
        message: "`score_relief` is computed from other fields and cannot be supplied",
      },
    ]);
  });

  it("requires the date of service, the items and each item's code", () => {
    expect(errorsOf({})).toEqual([
      { path: "date_of_service", message: "missing required field `date_of_service`" },
      { path: "items", message: "missing required field `items`" },
    ]);
    expect(errorsOf({ date_of_service: null, items: [{ site: "left" }, { code: null }] }).map((e) => e.path)).toEqual([
      "date_of_service",
      "items[0].code",
      "items[1].code",
    ]);
  });

  it.each([
    [{ chronic: "yes" }, "chronic", "expected `true` or `false`, found `yes`"],
    [{ pain_onset: 20250101 }, "pain_onset", "expected a date `YYYY-MM-DD`, found `20250101`"],
    [{ pain_onset: "2025-02-29" }, "pain_onset", "expected a date `YYYY-MM-DD`, found `2025-02-29`"],
    [{ procedures: {} }, "procedures", "expected a list of prior procedures, found an object"],
    [{ procedures: [3] }, "procedures[0]", "expected a prior procedure (an object), found `3`"],
    [{ procedures: [{ pain_before: "7" }] }, "procedures[0].pain_before", "expected a number, found `7`"],
    [
      { procedures: [{ relief: "80%" }] },
      "procedures[0].relief",
      "expected a percent (a number from 0 to 100), found `80%`",
    ],
    [{ procedures: [{ relief: -1 }] }, "procedures[0].relief", "percent must be between 0 and 100, found `-1`"],
    [
      { procedures: [{ relief_duration: 42 }] },
      "procedures[0].relief_duration",
      "expected a duration in hours, days or weeks (`4h`, `42d`, `6wk`), found `42`",
    ],
    [
      { procedures: [{ relief_duration: "1y" }] },
      "procedures[0].relief_duration",
      "`1y` is a calendar duration; record this duration in days or weeks (`365d`, `52wk`)",
    ],
    [
      { procedures: [{ code: 27096 }] },
      "procedures[0].code",
      'expected a code as a string (`"27096"`), found the number `27096`',
    ],
    [{ items: [{ code: "" }] }, "items[0].code", "expected a code, found an empty string"],
    [{ items: [{ code: "1", note: [] }] }, "items[0].note", "expected text, found a list"],
    [{ items: [{ code: "1", constructor: 1 }] }, "items[0].constructor", "unknown field `constructor`"],
    [{ reliefs: 1 }, "reliefs", "unknown field `reliefs`"],
    [{ pain_onst: "2025-01-01" }, "pain_onst", "unknown field `pain_onst`; did you mean `pain_onset`?"],
  ])("rejects %j", (patch, path, message) => {
    expect(errorsOf({ date_of_service: "2025-07-15", items: [{ code: "1" }], ...patch })).toEqual([{ path, message }]);
  });

  it.each([null, [], "case", 42, true])("rejects a top-level %j with one error at the root", (json) => {
    expect(errorsOf(json)).toEqual([{ path: "", message: expect.stringMatching(/^expected a case object/) }]);
  });

  it("never throws on any JSON value", () => {
    const keys = fc.constantFrom(
      "date_of_service",
      "items",
      "procedures",
      "code",
      "relief",
      "date",
      "__proto__",
      "side",
      "x",
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue(),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(keys, tie("value"), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const result = validateCase(value, schema);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("validateCase on hostile keys", () => {
  it("reports a megabyte-long unknown key cut short, without comparing it with every field", () => {
    const key = "k".repeat(1_000_000);
    const result = validateCase({ date_of_service: "2025-08-01", items: [{ code: "27096" }], [key]: 1 }, schema);
    expect(result.ok).toBe(false);
    const [error] = (result as { errors: CaseError[] }).errors;
    expect(error!.message).toBe(`unknown field \`${"k".repeat(77)}...\``);
    expect(error!.path.length).toBeLessThan(100);
  });

  it("still suggests the field a short unknown key was meant to be", () => {
    const result = validateCase({ date_of_service: "2025-08-01", items: [{ code: "27096" }], dte_of_service: 1 }, schema);
    expect((result as { errors: CaseError[] }).errors.map((e) => e.message)).toContain(
      "unknown field `dte_of_service`; did you mean `date_of_service`?",
    );
  });
});
