// Aggregates over the other line items whose test reads nothing of the current item: each item's
// membership is worked out once per case, and every item's answer equals the plain scan of the
// others (`some`/`count`/`none` over `Context.otherItems`), unknowns and their facts included.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Context, MAX_FACTS, count, countOthers, noOther, none, some, someOther, Unknown, type SchemaDescriptor, type Tri } from "@pol/runtime";
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
          const member = memberOf(calls);
          expect(someOther(shared, 0, member)).toEqual(some(plain.otherItems, member));
          expect(noOther(shared, 0, member)).toEqual(none(plain.otherItems, member));
          expect(countOthers(shared, 0, member)).toEqual(count(plain.otherItems, member));
        }
      }),
      property("shared aggregates over other items", 200),
    );
  });

  it("work out each item's membership once per case, not once per item and other item", () => {
    const n = 1000;
    const input = caseOf(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "unknown" : "out")));
    const context = new Context(schema, input, false);
    const calls = { n: 0 };
    const member = memberOf(calls);
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
});

describe("a policy over other line items, through both evaluators", () => {
  const SCHEMA = `schema mem "in-memory cases"
case { }
item { code: code "requested code" }
`;
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
    const policy = checkInMemory(SCHEMA, POLICY);
    const compiled = await compileInMemory(policy);
    for (const n of [100, 1000]) {
      let reads = 0;
      // No injection among the items: every item's test must look at every other item, unless
      // the memberships are shared.
      const items = Array.from({ length: n }, () =>
        new Proxy({ code: "77003" }, { get: (target, key) => (key === "code" && reads++, Reflect.get(target, key)) }),
      );
      const input = { date_of_service: "2025-06-01", items };
      const outcomes = compiled.decide(input);
      expect(outcomes.every((outcome) => outcome === "approved")).toBe(true);
      expect(reads, `compiled, ${n} items`).toBeLessThan(4 * n);
      reads = 0;
      const determination = interpret(policy, input, { trace: false });
      expect(determination.items.map((item) => item.outcome)).toEqual(outcomes);
      expect(reads, `interpreter, ${n} items`).toBeLessThan(4 * n);
      // With the trace too: each item lists at most MAX_FACTS of the others' facts.
      reads = 0;
      const traced = compiled.evaluate(input, { trace: true });
      expect(reads, `compiled with trace, ${n} items`).toBeLessThan(4 * n);
      expect(interpret(policy, input, { trace: true })).toEqual(traced);
      const trace = traced.items[0]!.trace[0]!;
      expect(trace.facts.length).toBe(Math.min(n - 1, MAX_FACTS));
      expect(trace.factsTruncated === true).toBe(n - 1 > MAX_FACTS);
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
