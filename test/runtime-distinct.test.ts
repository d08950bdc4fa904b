// `count distinct k of L` over a case (`countDistinct`) takes a short path when every membership
// is decided and every key is a known value: a scan that compares the values themselves. It must
// give exactly what the general `distinctCount` gives, on any list: memberships true, false or
// unknown; keys of every field type, absent, null, malformed or of the wrong type (read as
// unknown); values equal as keys (`0` and `-0`, `A` and `a` in a text key's normal form) or not
// (`1` and `"1"`); lists long enough for the short path to move from its scan to its set; and a
// count inside another count's membership.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Context,
  Unknown,
  countDistinct,
  distinctCount,
  fieldsOf,
  normaliseText,
  read,
  type FieldHandle,
  type Row,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";
import { property } from "./support/runs.js";

const schema: SchemaDescriptor = {
  records: {
    case: { label: "case", fields: { events: { type: { list: "event" }, label: "events" } } },
    item: { label: "line item", fields: { code: { type: "code", label: "code" } } },
    event: {
      label: "event",
      fields: {
        text: { type: "text", label: "text" },
        amount: { type: "number", label: "amount" },
        flag: { type: "bool", label: "flag" },
        day: { type: "date", label: "day" },
        member: { type: "bool", label: "member" },
      },
    },
  },
};

const Event = fieldsOf<Record<string, unknown>>(schema, "event");
const KEYS = ["text", "amount", "flag", "day"] as const;

/** Whether an event belongs: its `member` flag, unknown when absent. */
const member = (event: Row, c: Context): Tri => {
  const value = read(c, event, Event.member);
  return value instanceof Unknown ? value : value === true;
};

const value = fc.oneof(
  fc.constantFrom("a", "b", "A", "1", "", " ", "2025-01-31", "2025-02-30", "2024-02-29"),
  fc.constantFrom(0, -0, 1, 1.5, 2, Number.NaN, Number.POSITIVE_INFINITY),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant({}),
);

const event = fc.record(
  { text: value, amount: value, flag: value, day: value, member: fc.oneof(fc.boolean(), fc.constant(null)) },
  { requiredKeys: [] },
);

/** The general path's answer, for comparison (`form`: the key's normal form, if any). */
function general(c: Context, list: readonly Row[], key: FieldHandle, memberOf = member, form?: (value: unknown) => unknown) {
  return distinctCount(list, memberOf, (element) => [form === undefined ? read(c, element, key) : form(read(c, element, key))], c);
}

function contextOf(events: readonly Row[], outcomeOnly: boolean): Context {
  const c = new Context(schema, { date_of_service: "2025-06-01", items: [{ code: "1" }], events }, false);
  c.outcomeOnly = outcomeOnly;
  return c;
}

describe("count distinct over a case", () => {
  it("is exactly the general distinct count, whatever the members and keys", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.constantFrom(...KEYS), fc.boolean(), fc.boolean(), (events, name, outcomeOnly, normal) => {
        const list = events as Row[];
        const c = contextOf(list, outcomeOnly);
        // Text keys may compare in their normal form (`A` and `a` alike).
        const form = normal && name === "text" ? (value: unknown) => normaliseText(value) : undefined;
        expect(countDistinct(c, list, member, [Event[name]], form && [form])).toEqual(general(c, list, Event[name], member, form));
      }),
      property("countDistinct against distinctCount", 300),
    );
  });

  it("counts many different values, past its scan of the first few, and forgets them between calls", () => {
    const list = Array.from({ length: 60 }, (_, i) => ({ amount: i % 40, member: true }));
    const c = contextOf(list, true);
    expect(countDistinct(c, list, member, [Event.amount])).toBe(40);
    expect(countDistinct(c, list.slice(0, 3), member, [Event.amount])).toBe(3);
    expect(countDistinct(c, [{ amount: 0, member: true }, { amount: -0, member: true }, { amount: 1, member: true }], member, [Event.amount])).toBe(2);
  });

  it("counts inside another count's membership", () => {
    const list: Row[] = [
      { amount: 1, member: true },
      { amount: 2, member: true },
      { amount: 2, member: true },
    ];
    const c = contextOf(list, true);
    // An element belongs when the whole list has exactly 2 different amounts: every element.
    const nested = (_element: Row, context: Context): Tri => countDistinct(context, list, member, [Event.amount]) === 2;
    expect(countDistinct(c, list, nested, [Event.amount])).toBe(2);
    expect(countDistinct(c, list, nested, [Event.amount])).toEqual(general(c, list, Event.amount, nested));
  });
});
