// Aggregates over the other (or earlier) line items whose test reads the item under decision in one
// equality (`some earlier_items where code in facet and site == item.site`): every item's key and
// the rest of its test are worked out once per case and grouped by key. Every answer must equal
// the plain scan of the items (`some`/`count`/`none` over `Context.otherItems` or
// `earlierItems`), unknowns and their facts included, and the work must stay linear in line items.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Context,
  and,
  count,
  countEarlierKeyed,
  countOthersKeyed,
  equal,
  granted,
  noEarlierKeyed,
  noOtherKeyed,
  none,
  some,
  someEarlierKeyed,
  someOtherKeyed,
  Unknown,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";
import { property } from "./support/runs.js";

const schema: SchemaDescriptor = {
  records: {
    case: { label: "case", fields: {} },
    item: { label: "line item", fields: { code: { type: "code", label: "code" } } },
  },
};

/** Keys as a case may hold them: texts, a number, a boolean, none, missing (unknown) and malformed. */
const KEYS = ["A", "B", "a", 1, true, null, "missing", Number.NaN, Number.POSITIVE_INFINITY] as const;
const key = fc.constantFrom<unknown>(...KEYS);
const membership = fc.constantFrom<"in" | "out" | "unknown">("in", "out", "unknown");
const itemShape = fc.record({ k: key, j: key, r1: membership, r2: membership });
type ItemShape = { k: unknown; j: unknown; r1: string; r2: string };

function caseOf(shapes: readonly ItemShape[]) {
  return { date_of_service: "2025-01-01", items: shapes.map((shape, id) => ({ code: `C${id}`, id, ...shape })) };
}

function unknownFact(item: Record<string, unknown>, field: string): Unknown {
  return new Unknown([{ fact: `items[${String(item.id)}].${field}`, label: field }]);
}

function tri(item: Record<string, unknown>, field: "r1" | "r2"): Tri {
  const value = item[field];
  return value === "in" ? true : value === "out" ? false : unknownFact(item, field);
}

/** A field as a key: "missing" reads as the unknown naming it, anything else as itself. */
function keyOf(item: Record<string, unknown>, field: "k" | "j"): unknown {
  return item[field] === "missing" ? unknownFact(item, field) : item[field];
}

/** The test `r1 and k == item.j and r2` (with `granted` first over earlier items), its rest
 *  without the equality, and the equality's two sides; `calls` counts every call of each. */
function tests(earlier: boolean) {
  const calls = { member: 0, rest: 0, key: 0, itemKey: 0 };
  const standing = (item: Record<string, unknown>, c: Context): Tri[] => (earlier ? [granted(c, item)] : []);
  return {
    calls,
    member: (item: Record<string, unknown>, c: Context): Tri => {
      calls.member++;
      return and(...standing(item, c), tri(item, "r1"), equal(keyOf(item, "k"), keyOf(c.item, "j")), tri(item, "r2"));
    },
    rest: (item: Record<string, unknown>, c: Context): Tri => {
      calls.rest++;
      return and(...standing(item, c), tri(item, "r1"), tri(item, "r2"));
    },
    key: (item: Record<string, unknown>): unknown => {
      calls.key++;
      return keyOf(item, "k");
    },
    itemKey: (c: Context): unknown => {
      calls.itemKey++;
      return keyOf(c.item, "j");
    },
  };
}

const outcomeOf = (shape: ItemShape): string => (shape.r1 === "in" ? "approved" : shape.r1 === "out" ? "denied" : "pended");

describe("someOtherKeyed, noOtherKeyed and countOthersKeyed", () => {
  it("give every item, asked in any order on a reused context, the answer of a scan over the other items", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(itemShape, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (cases, reverse) => {
          const keyed = new Context(schema, caseOf(cases[0]!), false);
          const { member, rest, key: elementKey, itemKey } = tests(false);
          for (const shapes of cases) {
            const input = caseOf(shapes);
            keyed.beginCase(input);
            const plain = new Context(schema, input, false);
            const order = shapes.map((_, index) => index);
            if (reverse) order.reverse();
            for (const index of order) {
              keyed.beginItem(index);
              plain.beginItem(index);
              const others = plain.otherItems;
              expect(someOtherKeyed(keyed, 0, member, rest, elementKey, itemKey)).toEqual(some(others, member, plain));
              expect(noOtherKeyed(keyed, 0, member, rest, elementKey, itemKey)).toEqual(none(others, member, plain));
              expect(countOthersKeyed(keyed, 0, member, rest, elementKey, itemKey)).toEqual(count(others, member, plain));
            }
          }
        },
      ),
      property("keyed aggregates over other items", 300),
    );
  });

  it("work out each item's key and rest once per case, not once per item and other item", () => {
    const n = 2000;
    // Ten keys, every item a member of the rest: each item's group holds a tenth of the items.
    const shapes = Array.from({ length: n }, (_, i): ItemShape => ({ k: `K${i % 10}`, j: `K${i % 10}`, r1: "in", r2: "in" }));
    const context = new Context(schema, caseOf(shapes), false);
    const { calls, member, rest, key: elementKey, itemKey } = tests(false);
    for (let index = 0; index < n; index++) {
      context.beginItem(index);
      expect(countOthersKeyed(context, 0, member, rest, elementKey, itemKey)).toBe(n / 10 - 1);
    }
    // A scan would ask the whole test n * (n - 1) = 3,998,000 times.
    expect(calls).toEqual({ member: 0, rest: n, key: n, itemKey: n });
  });

  it("ask the whole test only of the items whose key is not a plain value, and scan for an item whose own key is not", () => {
    const n = 1000;
    const shapes = Array.from({ length: n }, (_, i): ItemShape => ({ k: i === 5 ? "missing" : "A", j: i === 7 ? null : "A", r1: "out", r2: "in" }));
    const context = new Context(schema, caseOf(shapes), false);
    const { calls, member, rest, key: elementKey, itemKey } = tests(false);
    for (let index = 0; index < n; index++) {
      context.beginItem(index);
      someOtherKeyed(context, 0, member, rest, elementKey, itemKey);
    }
    // The rest is false for every item, so no key is read and nothing is unkeyed; item 7's key is
    // none, which the groups cannot answer: one scan of the n - 1 others.
    expect(calls).toEqual({ member: n - 1, rest: n, key: 0, itemKey: n });
  });
});

describe("someEarlierKeyed, noEarlierKeyed and countEarlierKeyed", () => {
  it("give every item the answer of a scan over the items before it: decided in order, not decided yet, asked again in reverse", () => {
    fc.assert(
      fc.property(fc.array(fc.array(itemShape, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 3 }), (cases) => {
        const keyed = new Context(schema, caseOf(cases[0]!), false);
        const { member, rest, key: elementKey, itemKey } = tests(true);
        const expectScan = (plain: Context) => {
          const earlier = plain.earlierItems;
          expect(someEarlierKeyed(keyed, 0, member, rest, elementKey, itemKey)).toEqual(some(earlier, member, plain));
          expect(noEarlierKeyed(keyed, 0, member, rest, elementKey, itemKey)).toEqual(none(earlier, member, plain));
          expect(countEarlierKeyed(keyed, 0, member, rest, elementKey, itemKey)).toEqual(count(earlier, member, plain));
        };
        for (const shapes of cases) {
          const input = caseOf(shapes);
          keyed.beginCase(input);
          const plain = new Context(schema, input, false);
          // The last item first, while no item is decided: whether they stand is not known yet.
          const last = shapes.length - 1;
          keyed.beginItem(last);
          plain.beginItem(last);
          expectScan(plain);
          for (let index = 0; index < shapes.length; index++) {
            keyed.beginItem(index);
            plain.beginItem(index);
            expectScan(plain);
            const decided = { outcome: outcomeOf(shapes[index]!), missing: [] };
            keyed.decided.push(decided);
            plain.decided.push({ ...decided });
          }
          for (let index = last; index >= 0; index--) {
            keyed.beginItem(index);
            plain.beginItem(index);
            expectScan(plain);
          }
        }
      }),
      property("keyed aggregates over earlier items", 300),
    );
  });

  it("work out each item's key and rest once per case", () => {
    const n = 2000;
    const shapes = Array.from({ length: n }, (_, i): ItemShape => ({ k: `K${i % 10}`, j: `K${i % 10}`, r1: "in", r2: "in" }));
    const context = new Context(schema, caseOf(shapes), false);
    const { calls, member, rest, key: elementKey, itemKey } = tests(true);
    for (let index = 0; index < n; index++) {
      context.beginItem(index);
      expect(countEarlierKeyed(context, 0, member, rest, elementKey, itemKey)).toBe(Math.floor(index / 10));
      context.decided.push({ outcome: "approved", missing: [] });
    }
    // A scan would ask the whole test n * (n - 1) / 2 = 1,999,000 times.
    expect(calls).toEqual({ member: 0, rest: n - 1, key: n - 1, itemKey: n });
  });
});

describe("a policy with keyed tests over other and earlier line items, through both evaluators", () => {
  const SCHEMA = `schema mem "in-memory cases"
case { }
item { code: code "requested code" site: text "site" }
`;
  const POLICY = `policy mem.keyed
  title "Keyed" payer "P" number "1" version "1" effective 2025-01-01
use "schema.pol"
codes guidance "image guidance" = cpt { 77003 }
codes injection "injection" = cpt { 27096 }
rule bundled "Guidance billed with an injection at its site" [1]
  for guidance
  bundle G [1] "guidance is part of an injection at the same site"
    when some other_items where code in injection and site == item.site
rule repeat "One injection a site" [2]
  for injection
  deny R [2] "an injection at this site was already granted on this request"
    when (count earlier_items where site == item.site and code in injection) >= 1
`;

  /** Items alternating guidance and injection over `sites` sites, counting the reads of `site`. */
  function countingItems(n: number, sites: number) {
    const counter = { reads: 0 };
    const items = Array.from({ length: n }, (_, i) => {
      const item = { code: i % 2 === 0 ? "77003" : "27096", site: `S${Math.floor(i / 2) % sites}` };
      return new Proxy(item, { get: (target, name) => (name === "site" && counter.reads++, Reflect.get(target, name)) });
    });
    return { counter, items };
  }

  it("decide as a scan would, reading each item's site a number of times linear in the number of items", async () => {
    const { checkInMemory, compileInMemory } = await import("./support/compile-in-memory.js");
    const { interpret } = await import("../src/interpret/interpreter.js");
    const policy = checkInMemory(SCHEMA, POLICY);
    const compiled = await compileInMemory(policy);
    for (const n of [200, 2000]) {
      const { counter, items } = countingItems(n, 50);
      const input = { date_of_service: "2025-06-01", items };
      const outcomes = compiled.decide(input);
      // Guidance at a site with an injection is bundled; the first injection at a site is approved,
      // the later ones denied. Each guidance shares its site with the injection after it; sites
      // repeat every 50 pairs, so the first 100 items open them.
      const expected = items.map((_, i) => (i % 2 === 0 ? "not_separately_billable" : i < 100 ? "approved" : "denied"));
      expect(outcomes).toEqual(expected);
      // A scan would read n * n sites or so (4,000,000 at 2,000 items).
      expect(counter.reads, `compiled, ${n} items`).toBeLessThan(6 * n);
      counter.reads = 0;
      const determination = interpret(policy, input, { trace: false });
      expect(determination.items.map((item) => item.outcome)).toEqual(outcomes);
      expect(counter.reads, `interpreter, ${n} items`).toBeLessThan(6 * n);
      counter.reads = 0;
      expect(compiled.evaluate(input, { trace: false })).toEqual(determination);
      expect(counter.reads, `compiled determination, ${n} items`).toBeLessThan(6 * n);
    }
  });

  it("give the same determinations as the trace's scans, with missing and none sites", async () => {
    const { checkInMemory, compileInMemory } = await import("./support/compile-in-memory.js");
    const { interpret } = await import("../src/interpret/interpreter.js");
    const policy = checkInMemory(SCHEMA, POLICY);
    const compiled = await compileInMemory(policy);
    const sites = [undefined, null, "S1", "s1 ", "S2"];
    const items = Array.from({ length: 15 }, (_, i) => {
      const site = sites[i % sites.length];
      return { code: i % 3 === 0 ? "77003" : "27096", ...(site === undefined ? {} : { site }) };
    });
    const input = { date_of_service: "2025-06-01", items };
    const traced = compiled.evaluate(input, { trace: true });
    const untraced = compiled.evaluate(input, { trace: false });
    expect(untraced.items.map(({ trace: _, ...item }) => item)).toEqual(traced.items.map(({ trace: _, ...item }) => item));
    expect(interpret(policy, input, { trace: true })).toEqual(traced);
    expect(compiled.decide(input)).toEqual(traced.items.map((item) => item.outcome));
  });
});
