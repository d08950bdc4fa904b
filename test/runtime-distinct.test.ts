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
      fc.property(fc.array(event, { maxLength: 40 }), fc.constantFrom(...KEYS), fc.boolean(), fc.constantFrom("as read", "normal", "number"), (events, name, outcomeOnly, compared) => {
        const list = events as Row[];
        const c = contextOf(list, outcomeOnly);
        // Text keys may compare in their normal form (`A` and `a` alike); a form may also give
        // values no read gives (`NaN`, infinities: unknown, as `keyPart` has them).
        const form =
          compared === "normal" && name === "text"
            ? (value: unknown) => normaliseText(value)
            : compared === "number"
              ? (value: unknown) => (typeof value === "string" ? Number(value) / (value.length - 1) : value)
              : undefined;
        expect(countDistinct(c, list, member, [Event[name]], form && [form])).toEqual(general(c, list, Event[name], member, form));
      }),
      property("countDistinct against distinctCount", 300),
    );
  });

  it("takes a key's non-finite value (from its normal form) as unknown, as the general count does", () => {
    // `NaN`, `Infinity` and `-Infinity` are no values a read gives, but a form could.
    const asNumber = (value: unknown) => (typeof value === "string" ? Number(value) / (value.length - 1) : value);
    const numeric = fc.record({ text: fc.constantFrom("a", "b", "1", "2", "", " ", "-1", "10"), member: fc.constantFrom(true, true, false, null) });
    fc.assert(
      fc.property(fc.array(numeric, { maxLength: 12 }), fc.boolean(), (events, outcomeOnly) => {
        const list = events as Row[];
        const c = contextOf(list, outcomeOnly);
        expect(countDistinct(c, list, member, [Event.text], [asNumber])).toEqual(general(c, list, Event.text, member, asNumber));
      }),
      property("countDistinct with non-finite values", 200),
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

// Against models written apart from the runtime: the exact range of `count distinct date of L`
// over every completion of the missing facts (an unknown membership either way, an unknown date
// any date of the list or a new one, shared or not), worked out by trying them all on short lists and with a
// Set of the members' dates on long ones; and the facts the range names, in list order.

/** A dated event as the models see it: membership and date, each known or not. */
interface Modelled {
  member: boolean | "unknown";
  /** A valid date, or undefined when the date is absent or malformed. */
  day: string | undefined;
}

const DAYS = Array.from({ length: 40 }, (_, i) => `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + Math.floor(i / 12)).padStart(2, "0")}`);

/** Events whose `day` is valid, absent, null, malformed or of another type; `member` true, false or unknown. */
const datedEvent = (days: number) =>
  fc.record(
    {
      day: fc.oneof(
        { arbitrary: fc.constantFrom(...DAYS.slice(0, days)), weight: 8 },
        { arbitrary: fc.constantFrom(undefined, null, "2025-02-30", "2025-1-1", 20250101, true), weight: 1 },
      ),
      member: fc.oneof({ arbitrary: fc.boolean(), weight: 6 }, { arbitrary: fc.constantFrom(undefined, null), weight: 1 }),
    },
    { requiredKeys: [] },
  ).map((e) => {
    for (const key of Object.keys(e) as (keyof typeof e)[]) if (e[key] === undefined) delete e[key];
    return e as Row;
  });

function modelled(event: Row): Modelled {
  const day = event.day;
  const valid = typeof day === "string" && DAYS.includes(day);
  return { member: typeof event.member === "boolean" ? event.member : "unknown", day: valid ? day : undefined };
}

/** Every completion tried: the fewest and the most different dates of the members. */
function rangeByCompletions(events: readonly Modelled[]): [number, number] {
  // An unknown date may be any date of the list, or a new one, which other unknown dates may share.
  const fresh = events.filter((e) => e.day === undefined).map((_, i) => `new ${i}`);
  const seen = [...new Set(events.flatMap((e) => (e.day === undefined ? [] : [e.day]))), ...fresh];
  let lo = Infinity;
  let hi = -Infinity;
  const complete = (i: number, dates: string[]): void => {
    if (i === events.length) {
      const count = new Set(dates).size;
      lo = Math.min(lo, count);
      hi = Math.max(hi, count);
      return;
    }
    const { member, day } = events[i]!;
    const memberships = member === "unknown" ? [true, false] : [member];
    for (const belongs of memberships) {
      if (!belongs) complete(i + 1, dates);
      else for (const date of day !== undefined ? [day] : seen) complete(i + 1, [...dates, date]);
    }
  };
  complete(0, []);
  return [lo, hi];
}

/** The same range from Sets: certain members' dates (one more when only undated ones are
 *  certain), and at most every member's date plus a new one per unknown date. */
function rangeBySets(events: readonly Modelled[]): [number, number] {
  const certain = new Set(events.filter((e) => e.member === true && e.day !== undefined).map((e) => e.day));
  const undatedCertain = events.some((e) => e.member === true && e.day === undefined);
  const possible = new Set(events.filter((e) => e.member !== false && e.day !== undefined).map((e) => e.day));
  const undated = events.filter((e) => e.member !== false && e.day === undefined).length;
  return [certain.size + (certain.size === 0 && undatedCertain ? 1 : 0), possible.size + undated];
}

/** The facts an uncertain count names: each element's unknown membership, then its unknown date. */
function factsNamed(events: readonly Modelled[]): string[] {
  return events.flatMap((e, i) => (e.member === false ? [] : [...(e.member === "unknown" ? [`events[${i}].member`] : []), ...(e.day === undefined ? [`events[${i}].day`] : [])]));
}

function expectModelled(events: readonly Row[], counted: unknown, [lo, hi]: [number, number]): void {
  const model = events.map(modelled);
  const uncertain = model.some((e) => e.member !== false && (e.member === "unknown" || e.day === undefined));
  if (!uncertain || lo === hi) {
    expect(counted).toBe(lo);
    return;
  }
  const range = counted as { lo: number; hi: number; unknown: Unknown };
  expect([range.lo, range.hi]).toEqual([lo, hi]);
  expect(range.unknown.missing.map((m) => m.fact)).toEqual(factsNamed(model));
}

describe("count distinct date against models of its own", () => {
  it("is the fewest and the most dates over every completion, on short lists", () => {
    fc.assert(
      fc.property(fc.array(datedEvent(5), { maxLength: 7 }), (events) => {
        const c = contextOf(events, false);
        expectModelled(events, countDistinct(c, events, member, [Event.day]), rangeByCompletions(events.map(modelled)));
      }),
      property("countDistinct against every completion", 300),
    );
  });

  it("is the Set model's range on long lists of many dates, call after call", () => {
    fc.assert(
      fc.property(fc.array(fc.array(datedEvent(40), { maxLength: 70, size: "max" }), { minLength: 1, maxLength: 3 }), (lists) => {
        for (const events of lists) {
          const c = contextOf(events, false);
          expectModelled(events, countDistinct(c, events, member, [Event.day]), rangeBySets(events.map(modelled)));
        }
      }),
      property("countDistinct against Sets", 200),
    );
  });

  it("the two models agree", () => {
    fc.assert(
      fc.property(fc.array(datedEvent(4), { maxLength: 6 }), (events) => {
        const model = events.map(modelled);
        expect(rangeBySets(model)).toEqual(rangeByCompletions(model));
      }),
      property("distinct models agree", 200),
    );
  });
});
