// `read`'s fast path, for a present, well-formed value of the common field shapes when no trace
// records reads, must give exactly what its full path gives (which a trace always takes), for
// every value a field may hold in a case that skipped validation (absent, null, malformed, of
// another type), for records that are none, unknown or not objects, and for handles made without
// `fieldsOf`. So must the read each handle of `fieldsOf` has for its field's shape
// (`Procedure.code.read(c, procedure)`, what generated code calls), fields named like a member of
// every object included. The same for `latest` and `earliest`, which take the dates a date field's
// read gives without checking them again, and `within`, which compares a date a read already found
// valid without checking it again.

import {
  Context,
  fieldsOf,
  inWindow,
  latest,
  earliest,
  pick,
  read,
  Unknown,
  windowBack,
  within,
  type FieldHandle,
  type Row,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { property } from "./support/runs.js";

const schema: SchemaDescriptor = {
  records: {
    Visit: {
      label: "visit",
      dated: { start: "date" },
      fields: {
        note: { type: "text", label: "note" },
        done: { type: "bool", label: "done" },
        date: { type: "date", label: "date of the visit" },
        side: { type: { enum: ["left", "right", "bilateral"] }, label: "side" },
        code: { type: "code", label: "code" },
        relief: { type: "percent", label: "relief" },
        score: { type: "number", label: "score" },
        level: { type: "duration", label: "level" },
        constructor: { type: "code", label: "constructor" },
        valueOf: { type: "date", label: "value of" },
      },
    },
    case: { label: "case", fields: { visits: { type: { list: "Visit" }, label: "visits" } } },
  },
} as unknown as SchemaDescriptor;

const Visit = fieldsOf<Record<string, unknown>>(schema, "Visit");

const FIELDS = ["note", "done", "date", "side", "code", "relief", "score", "level", "constructor", "valueOf"] as const;

/** The same fields as handles made by hand, without the check and the read `fieldsOf` works out:
 *  `read` reads them in full. */
const byHand: Record<string, FieldHandle> = Object.fromEntries(
  FIELDS.map((name) => {
    const { check: _check, read: _read, ...handle } = Visit[name]!;
    return [name, handle as FieldHandle];
  }),
);

/** Values a field may hold in a case that skipped validation: well formed for some shape, malformed for others. */
const fieldValue = fc.oneof(
  fc.constantFrom(
    "2025-02-28", "2024-02-29", "2025-02-29", "2025-13-01", "2025-1-01", "20250101", "0000-01-01",
    "left", "right", "bilateral", "Left", "", " ", "\t27096", "27096", "b02.9", "é", "\u00a0x",
    0, 50, 100, 100.5, -1, Number.NaN, Number.POSITIVE_INFINITY, -0, 7.25,
    true, false, null, undefined,
  ),
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** A record as generated code may meet it: an object with some of the fields, or none, an unknown, another value. */
const record = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), fieldValue) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, "visit", 3, [], new Unknown([{ fact: "visits[0]", label: "visit" }])) },
);

/** A context of each kind an entry point makes: outcomes only, a determination, a trace. */
function contexts(input: Row): Context[] {
  const outcomes = new Context(schema, input, false);
  outcomes.outcomeOnly = true;
  return [outcomes, new Context(schema, input, false), new Context(schema, input, true)];
}

/** What a read gives, comparable with `toEqual`: an Unknown as its facts. */
function comparable(value: unknown): unknown {
  return value instanceof Unknown ? { unknown: value.missing } : value;
}

describe("read's fast path", () => {
  it("gives exactly what the full read gives, for every value and record", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (rows) => {
        // The case lists the rows that are records (a list holding anything else is not read
        // element by element: `list` finds it unknown), so each is named by its path.
        const input: Row = { visits: rows.filter((row) => typeof row === "object" && row !== null && Object.getPrototypeOf(row) === Object.prototype) };
        const [outcomes, determination, tracing] = contexts(input);
        tracing!.beginReads();
        for (const row of rows) {
          for (const name of FIELDS) {
            // Twice: a date read once is remembered as valid, and the second read takes the fast path.
            for (let round = 0; round < 2; round++) {
              // A handle made by hand has no check: its read is the full path.
              const full = comparable(read(determination!, row, byHand[name]!));
              const about = `${name} of ${JSON.stringify(row)}`;
              expect(comparable(read(determination!, row, Visit[name]!)), about).toEqual(full);
              // The handle's own read, for its field's shape: the same.
              expect(comparable(Visit[name]!.read(determination!, row)), about).toEqual(full);
              // Traced, and outcomes only: the same value, or an unknown (named as the context names it).
              for (const c of [tracing!, outcomes!]) {
                for (const value of [read(c, row, Visit[name]!), Visit[name]!.read(c, row)]) {
                  if (value instanceof Unknown) expect(full, about).toHaveProperty("unknown");
                  else expect(value, about).toEqual(full);
                }
              }
            }
          }
        }
      }),
      property("read's fast path equals its full path", 300),
    );
  });
});

/** Memberships as aggregates see them: true, false or an Unknown naming the element. */
const membership = fc.oneof(fc.constant<Tri>(true), fc.constant<Tri>(false), fc.constant<Tri>(new Unknown([{ fact: "visits[0].code", label: "code" }])));

const dated = fc.array(
  fc.record({
    date: fc.oneof(fc.constantFrom<unknown>("2025-01-31", "2025-02-28", "2025-02-29", "2024-12-31", "2025-01-31", null, undefined, 5, "soon")),
    member: membership,
  }),
  { maxLength: 6 },
);

describe("latest and earliest over a date field", () => {
  it("pick exactly what a pick that checks every date picks", () => {
    fc.assert(
      fc.property(dated, fc.boolean(), (elements, checkFirst) => {
        // `note` holds the same values in a text field, whose read does not check them as dates.
        const rows: Row[] = elements.map(({ date }) => (date === undefined ? {} : { date, note: date }));
        const memberships = new Map(rows.map((row, i) => [row, elements[i]!.member] as const));
        const member = (row: Row): Tri => memberships.get(row)!;
        for (const c of contexts({ visits: rows })) {
          const unchecked = (which: "latest" | "earliest") =>
            pick(which, rows, member, (element: Row, context: Context, handle: FieldHandle) => read(context, element, handle), c, Visit.date!);
          // Either order: the dates may or may not have been read (and remembered valid) before.
          const [first, second] = checkFirst ? [unchecked("latest"), latest(c, rows, member, Visit.date!)] : [latest(c, rows, member, Visit.date!), unchecked("latest")];
          expect(comparable(first)).toEqual(comparable(second));
          expect(comparable(earliest(c, rows, member, Visit.date!))).toEqual(comparable(unchecked("earliest")));
          const byNote = pick("latest", rows, member, (element: Row, context: Context, handle: FieldHandle) => read(context, element, handle), c, Visit.note!);
          expect(comparable(latest(c, rows, member, Visit.note!))).toEqual(comparable(byNote));
        }
      }),
      property("latest with read dates equals pick checking them", 300),
    );
  });
});

describe("within a window", () => {
  const window = windowBack("2025-06-30", 6, "mo");
  it("is the same for a date before and after a read found it valid, and agrees with inWindow", () => {
    const days = fc.date({ min: new Date("2024-10-01T00:00:00Z"), max: new Date("2025-08-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.oneof(days, fc.constantFrom<unknown>("2025-02-30", "2024-12-31", "2025-06-30", "2025-07-01", null, 3)), (date) => {
        const before = within(date, window);
        const c = new Context(schema, {}, false);
        read(c, { date }, Visit.date!);
        const after = within(date, window);
        expect(comparable(after)).toEqual(comparable(before));
        expect(comparable(after)).toEqual(comparable(inWindow(date, window.start, window.end)));
        // The oracle: ISO dates in calendar order are in string order.
        if (typeof date === "string" && before !== false && !(before instanceof Unknown)) {
          expect(window.start <= date && date <= window.end).toBe(true);
        }
      }),
      property("within before and after a read", 300),
    );
  });
});
