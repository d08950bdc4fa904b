// Aggregates over the other line items whose test reads nothing of the current item: each item's
// membership is worked out once per case, and every item's answer equals the plain scan of the
// others (`some`/`count`/`none` over `Context.otherItems`), unknowns and their facts included.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Context,
  MAX_FACTS,
  count,
  countEarlier,
  countOthers,
  granted,
  noEarlier,
  noOther,
  none,
  some,
  someEarlier,
  someOther,
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

/** A membership per item: in, out, or unknown naming that item's own fact. */
const membership = fc.constantFrom<"in" | "out" | "unknown">("in", "out", "unknown");

function caseOf(memberships: readonly string[]) {
  const items = memberships.map((m, index) => ({ code: `C${index}`, m }));
  return { date_of_service: "2025-01-01", items };
}

function memberOf(calls: { n: number }) {
  return (item: Record<string, unknown>): Tri => {
    calls.n++;
    if (item.m === "in") return true;
    if (item.m === "out") return false;
    return new Unknown([{ fact: `items[${String(item.code).slice(1)}].m`, label: "membership" }]);
  };
}

type Shared = (c: Context, slot: number, member: (item: Record<string, unknown>) => Tri) => unknown;

/** `some`, `no` and `count` from a shared table give, for the current item, what a scan of `list` gives. */
function expectScanAnswers(c: Context, list: readonly Record<string, unknown>[], member: (item: Record<string, unknown>) => Tri, shared: Shared[]) {
  const [someShared, noShared, countShared] = shared;
  expect(someShared!(c, 0, member)).toEqual(some(list, member));
  expect(noShared!(c, 0, member)).toEqual(none(list, member));
  expect(countShared!(c, 0, member)).toEqual(count(list, member));
}

/** Line items whose `code` reads are counted. */
function itemsCountingCodeReads(n: number, code: string) {
  const counter = { reads: 0 };
  const items = Array.from({ length: n }, () =>
    new Proxy({ code }, { get: (target, key) => (key === "code" && counter.reads++, Reflect.get(target, key)) }),
  );
  return { counter, items };
}

/** The schema of the in-memory policies below: line items with a code. */
const ITEM_SCHEMA = `schema mem "in-memory cases"
case { }
item { code: code "requested code" }
`;

/** A context over `n` items whose memberships are "unknown" every 7th item from the first, else
 *  `other`, and a membership test counting its calls. */
function manyItems(n: number, other: "in" | "out") {
  const context = new Context(schema, caseOf(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "unknown" : other))), false);
  const calls = { n: 0 };
  return { context, calls, member: memberOf(calls) };
}

describe("someOther, noOther and countOthers", () => {
  it("give every item the answer of a scan over the other items", () => {
    fc.assert(
      fc.property(fc.array(membership, { minLength: 1, maxLength: 12 }), (memberships) => {
        const input = caseOf(memberships);
        const shared = new Context(schema, input, false);
        const plain = new Context(schema, input, false);
        const calls = { n: 0 };
        for (let index = 0; index < memberships.length; index++) {
          shared.beginItem(index);
          plain.beginItem(index);
          expectScanAnswers(shared, plain.otherItems, memberOf(calls), [someOther, noOther, countOthers]);
        }
      }),
      property("shared aggregates over other items", 200),
    );
  });

  it("work out each item's membership once per case, not once per item and other item", () => {
    const n = 1000;
    const { context, calls, member } = manyItems(n, "out");
    for (let index = 0; index < n; index++) {
      context.beginItem(index);
      countOthers(context, 0, member);
    }
    // A scan of the others for every item would call the test n * (n - 1) = 999,000 times.
    expect(calls.n).toBe(n);
  });

  it("when tracing, list the reads of the other items' tests, each item's own left out", () => {
    const input = caseOf(["out", "out", "in"]);
    const schemaWithM: SchemaDescriptor = {
      records: { ...schema.records, item: { label: "line item", fields: { code: { type: "code", label: "code" }, m: { type: "text", label: "m" } } } },
    };
    const context = new Context(schemaWithM, input, true);
    const calls = { n: 0 };
    const member = (item: Record<string, unknown>): Tri => {
      calls.n++;
      context.recordField(item, "m", item.m);
      return item.m === "in";
    };
    const traces: string[][] = [];
    for (let index = 0; index < 3; index++) {
      context.beginItem(index);
      context.beginReads();
      someOther(context, 0, member);
      traces.push(context.endReads().map((fact) => fact.fact));
    }
    expect(calls.n).toBe(3);
    expect(traces).toEqual([
      ["items[1].m", "items[2].m"],
      ["items[0].m", "items[2].m"],
      ["items[0].m", "items[1].m"],
    ]);
  });

  it("when tracing, say an item's list is cut short where another item's test left reads out", () => {
    // Item 0's test reads more fields than a log keeps: its kept reads are the first MAX_FACTS,
    // and a criterion that lists them says it left some out, though they alone fill it.
    const input = caseOf(["out", "in"]);
    const context = new Context(schema, input, true);
    const member = (item: Record<string, unknown>): Tri => {
      const fields = item.code === "C0" ? MAX_FACTS + 50 : 1;
      for (let k = 0; k < fields; k++) context.recordField(item, `f${k}`, k);
      return item.m === "in";
    };
    const listed: { facts: number; truncated: boolean }[] = [];
    for (let index = 0; index < 2; index++) {
      context.beginItem(index);
      context.beginReads();
      someOther(context, 0, member);
      listed.push({ facts: context.endReads().length, truncated: context.readsTruncated });
    }
    expect(listed).toEqual([
      { facts: 1, truncated: false },
      { facts: MAX_FACTS, truncated: true },
    ]);
  });
});

describe("countEarlier, someEarlier and noEarlier", () => {
  const outcome = (m: string) => (m === "in" ? "approved" : m === "out" ? "denied" : "pended");

  it("give every item the answer of a scan over the items before it, on a reused context", () => {
    fc.assert(
      fc.property(fc.array(fc.array(membership, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }), (cases) => {
        const running = new Context(schema, caseOf(cases[0]!), false);
        for (const memberships of cases) {
          const input = caseOf(memberships);
          running.beginCase(input);
          const plain = new Context(schema, input, false);
          const calls = { n: 0 };
          const member = memberOf(calls);
          for (let index = 0; index < memberships.length; index++) {
            running.beginItem(index);
            plain.beginItem(index);
            expectScanAnswers(running, plain.earlierItems, member, [someEarlier, noEarlier, countEarlier]);
            running.decided.push({ outcome: outcome(memberships[index]!), missing: [] });
          }
          // Asked again about any item once all are decided: the totals before it.
          for (let index = memberships.length - 1; index >= 0; index--) {
            running.beginItem(index);
            plain.beginItem(index);
            expect(countEarlier(running, 0, member)).toEqual(count(plain.earlierItems, member));
          }
        }
      }),
      property("running totals over earlier items", 200),
    );
  });

  it("work out each item's membership once per case", () => {
    const n = 1000;
    const { context, calls, member } = manyItems(n, "in");
    for (let index = 0; index < n; index++) {
      context.beginItem(index);
      const counted = countEarlier(context, 0, member);
      const unknowns = Math.floor((index + 6) / 7);
      expect(counted).toEqual(unknowns === 0 ? index : expect.objectContaining({ lo: index - unknowns, hi: index }));
      context.decided.push({ outcome: "approved", missing: [] });
    }
    // A scan of the earlier items for every item would call the test n * (n - 1) / 2 = 499,500 times.
    expect(calls.n).toBe(n - 1);
  });

  it("scan the earlier items while one of them is not decided yet, and keep no totals of that", () => {
    const input = caseOf(["in", "in", "in"]);
    const context = new Context(schema, input, false);
    const member = (item: Record<string, unknown>, c: Context): Tri => granted(c, item);
    context.beginItem(2);
    // Not decided: whether they stand is not known yet.
    expect(countEarlier(context, 0, member)).toEqual(count(context.earlierItems, member, context));
    expect(countEarlier(context, 0, member)).toEqual(expect.objectContaining({ lo: 0, hi: 2 }));
    context.decided.push({ outcome: "approved", missing: [] }, { outcome: "denied", missing: [] });
    expect(countEarlier(context, 0, member)).toBe(1);
  });
});

describe("a policy over other line items, through both evaluators", () => {
  const POLICY = `policy mem.others
  title "Other items" payer "P" number "1" version "1" effective 2025-01-01
use "schema.pol"
codes guidance "image guidance" = cpt { 77003 }
codes injection "injection" = cpt { 27096 }
rule bundled "Guidance billed with an injection" [1]
  for guidance
  bundle G [1] "guidance is part of an injection on the same day"
    when some other_items where code in injection
`;

  it("read each item's code a number of times linear in the number of items", async () => {
    const { checkInMemory, compileInMemory } = await import("./support/compile-in-memory.js");
    const { interpret } = await import("../src/interpret/interpreter.js");
    const policy = checkInMemory(ITEM_SCHEMA, POLICY);
    const compiled = await compileInMemory(policy);
    for (const n of [100, 1000]) {
      // No injection among the items: every item's test must look at every other item, unless
      // the memberships are shared.
      const { counter, items } = itemsCountingCodeReads(n, "77003");
      const input = { date_of_service: "2025-06-01", items };
      const outcomes = compiled.decide(input);
      expect(outcomes.every((outcome) => outcome === "approved")).toBe(true);
      expect(counter.reads, `compiled, ${n} items`).toBeLessThan(4 * n);
      counter.reads = 0;
      const determination = interpret(policy, input, { trace: false });
      expect(determination.items.map((item) => item.outcome)).toEqual(outcomes);
      expect(counter.reads, `interpreter, ${n} items`).toBeLessThan(4 * n);
      // With the trace too: each item lists at most MAX_FACTS of the others' facts.
      counter.reads = 0;
      const traced = compiled.evaluate(input, { trace: true });
      expect(counter.reads, `compiled with trace, ${n} items`).toBeLessThan(4 * n);
      expect(interpret(policy, input, { trace: true })).toEqual(traced);
      const trace = traced.items[0]!.trace[0]!;
      expect(trace.facts.length).toBe(Math.min(n - 1, MAX_FACTS));
      expect(trace.factsTruncated === true).toBe(n - 1 > MAX_FACTS);
    }
  });
});

describe("a policy over earlier line items, through both evaluators", () => {
  const POLICY = `policy mem.earlier
  title "Earlier items" payer "P" number "1" version "1" effective 2025-01-01
use "schema.pol"
codes injection "injection" = cpt { 27096 }
rule cap "At most 3 injections a request" [1]
  for injection
  deny CAP [1] "3 injections were already granted on this request"
    when count earlier_items where code in injection >= 3
`;

  it("read each item's code a number of times linear in the number of items", async () => {
    const { checkInMemory, compileInMemory } = await import("./support/compile-in-memory.js");
    const { interpret } = await import("../src/interpret/interpreter.js");
    const policy = checkInMemory(ITEM_SCHEMA, POLICY);
    const compiled = await compileInMemory(policy);
    for (const n of [100, 1000]) {
      const { counter, items } = itemsCountingCodeReads(n, "27096");
      const input = { date_of_service: "2025-06-01", items };
      const outcomes = compiled.decide(input);
      // A scan of the earlier items for every item reads n * (n - 1) / 2 codes.
      // The first 3 are approved; every later one finds 3 granted before it.
      expect(outcomes).toEqual(items.map((_, index) => (index < 3 ? "approved" : "denied")));
      expect(counter.reads, `compiled, ${n} items`).toBeLessThan(8 * n);
      counter.reads = 0;
      const determination = interpret(policy, input, { trace: false });
      expect(determination.items.map((item) => item.outcome)).toEqual(outcomes);
      expect(counter.reads, `interpreter, ${n} items`).toBeLessThan(8 * n);
      expect(compiled.evaluate(input, { trace: false })).toEqual(determination);
      // With the trace too: each item's criterion lists the codes of the items before it, in
      // order, as a scan of them reads them, at most MAX_FACTS of them.
      counter.reads = 0;
      const traced = compiled.evaluate(input, { trace: true });
      expect(counter.reads, `compiled with trace, ${n} items`).toBeLessThan(8 * n);
      expect(interpret(policy, input, { trace: true })).toEqual(traced);
      for (const index of [0, 1, 3, MAX_FACTS, MAX_FACTS + 1, n - 1]) {
        if (index >= n) continue;
        const trace = traced.items[index]!.trace[0]!;
        const codes = Array.from({ length: Math.min(index, MAX_FACTS) }, (_, earlier) => ({ fact: `items[${earlier}].code`, value: "27096" }));
        expect(trace.facts, `item ${index} of ${n}`).toEqual(codes);
        expect(trace.factsTruncated === true, `item ${index} of ${n}`).toBe(index > MAX_FACTS);
      }
    }
  });
});

describe("the position of an earlier line item (for `granted`)", () => {
  it("is `items.indexOf`, for every item of every case a reused context sees", () => {
    const shared = { code: "S" };
    const cases = [
      { date_of_service: "2025-01-01", items: [{ code: "A" }, shared, { code: "B" }, shared] },
      { date_of_service: "2025-01-01", items: [shared, { code: "C" }] },
      { date_of_service: "2025-01-01", items: [null, 1, "x", { code: "D" }] },
    ];
    const context = new Context(schema, cases[0]!, false);
    for (const input of cases) {
      context.beginCase(input as unknown as Record<string, unknown>);
      const items = input.items as unknown[];
      for (const item of [...items, { code: "A" }, null, 2, "x"]) expect(context.indexOfItem(item)).toBe(items.indexOf(item));
    }
  });
});
