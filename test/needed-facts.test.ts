// What a pended item asks for and the values its trace shows (docs/semantics.md, "What a pended
// item asks for", "Values in the trace"), worked through small policies in both evaluators.

import { beforeAll, describe, expect, it } from "vitest";
import { interpret } from "../src/interpret/interpreter.js";
import { renderText } from "../src/tools/report/text.js";
import type { CheckedPolicy } from "../src/model.js";
import { MAX_OPEN_TESTS, type Determination } from "@pol/runtime";
import { checkInMemory, compileInMemory, type CompiledEvaluator } from "./support/compile-in-memory.js";

type Json = Record<string, unknown>;

const SCHEMA = `schema small "Cases for the needed-facts tests"

enum Side "side of the body" { left right }

record Injection "prior injection" dated by date {
  date: date "date of the injection"
  relief: percent "percent pain relief after the injection"
  level: number "spinal level"
}

case {
  a: bool "fact a"
  b: bool "fact b"
  c: bool "fact c"
  d: bool "fact d"
  contraindicated: bool "therapy is contraindicated"
  exempt: bool "exempt from therapy"
  therapy: bool "therapy failed"
  injections: list of Injection "prior injections"
  flags: list of Injection "flags"
}

item {
  code: code "requested procedure code"
  side: Side "side to treat"
  purpose: Side "purpose"
}
`;

const HEADER = `policy small.needed
  title "Small"
  payer "Test Payer"
  number "S-1"
  version "2025-01-01"
  effective 2025-01-01

use "schema.pol"

codes x "requested code" = cpt { 11111 }
`;

/** A policy of `body` (lets and rules) under the header, in both evaluators. */
async function both(body: string): Promise<{ policy: CheckedPolicy; compiled: CompiledEvaluator }> {
  const policy = checkInMemory(SCHEMA, `${HEADER}\n${body}`);
  return { policy, compiled: await compileInMemory(policy) };
}

/** The item's outcome and the facts it asks for, the same in both evaluators. */
function asked(evaluators: { policy: CheckedPolicy; compiled: CompiledEvaluator }, facts: Json): { outcome: string; missing: string[] } {
  const input = { date_of_service: "2025-06-01", items: [{ code: "11111", side: "left" }], ...facts };
  const determination = interpret(evaluators.policy, input);
  expect(evaluators.compiled.evaluate(input)).toEqual(determination);
  const item = determination.items[0]!;
  return { outcome: item.outcome, missing: item.missing.map((m) => m.fact) };
}

describe("a pended item asks only for facts that can change its outcome", () => {
  it("leaves out a fact whose criterion another criterion already settles (the ablation exemption)", async () => {
    const policy = await both(`
rule ablation "Ablation" [A]
  for x

  require active [A.1] "exempt, or active therapy failed or contraindicated"
    exempt or therapy or contraindicated

  require inactive [A.2] "exempt, or inactive therapy failed"
    exempt or d
`);
    // Without therapy on record: denied unless exempt, approved if exempt, whatever the contraindication.
    expect(asked(policy, { therapy: false, d: false })).toEqual({ outcome: "pended", missing: ["exempt"] });
    // With inactive therapy on record the contraindication matters again.
    expect(asked(policy, { therapy: false, d: true })).toEqual({ outcome: "pended", missing: ["exempt", "contraindicated"] });
  });

  it("asks for a fact that changes the outcome only together with others", async () => {
    const policy = await both(`
rule r "Rule" [R]
  for x

  require r1 [R.1] "a, and b or c"
    a and (b or c)
`);
    expect(asked(policy, {})).toEqual({ outcome: "pended", missing: ["a", "b", "c"] });
    expect(asked(policy, { a: true })).toEqual({ outcome: "pended", missing: ["b", "c"] });
    expect(asked(policy, { a: true, b: false })).toEqual({ outcome: "pended", missing: ["c"] });
  });

  /** Not covered when a, requires b, referred when `refer`. */
  const levels = (refer: string) =>
    both(`
rule r "Rule" [R]
  for x

  not covered r0 [R.0] "not covered when a"
    when a

  require r1 [R.1] "b"
    b

  refer r2 [R.2] "referred"
    when ${refer}
`);

  it("does not ask about a weaker level that a known unmet criterion has settled", async () => {
    const policy = await levels("c");
    // b is false: denied unless not covered, whatever c is.
    expect(asked(policy, { b: false })).toEqual({ outcome: "pended", missing: ["a"] });
    // b is true: the referral can still decide.
    expect(asked(policy, { b: true })).toEqual({ outcome: "pended", missing: ["a", "c"] });
  });

  it("asks about a rule that may apply only when it could change the outcome", async () => {
    const policy = await both(`
rule left "Left" [L]
  for x when item.purpose == left

  require l1 [L.1] "a"
    a

rule always "Always" [W]
  for x

  require w1 [W.1] "b"
    b
`);
    expect(asked(policy, { items: [{ code: "11111" }], b: false })).toEqual({ outcome: "denied", missing: [] });
    expect(asked(policy, { items: [{ code: "11111" }], b: true })).toEqual({ outcome: "pended", missing: ["items[0].purpose", "a"] });
    expect(asked(policy, { items: [{ code: "11111" }], b: true, a: true })).toEqual({ outcome: "approved", missing: [] });
  });

  it("treats one test reached through a let in several criteria as one", async () => {
    const policy = await both(`
let recent "a recent injection" = some injections where date >= 2025-05-01

rule r "Rule" [R]
  for x

  require r1 [R.1] "recent or a"
    recent or a

  require r2 [R.2] "recent or b"
    recent or b

  deny r3 [R.3] "denied when recent and not c"
    when recent and not c
`);
    // recent unknown (an undated injection): if recent, r3 decides on c; if not, a and b decide.
    const facts = { injections: [{ relief: 50 }] };
    expect(asked(policy, { ...facts, a: false })).toEqual({ outcome: "pended", missing: ["injections[0].date", "c"] });
    expect(asked(policy, { ...facts, a: false, c: true })).toEqual({ outcome: "pended", missing: ["injections[0].date"] });
  });

  it("asks for every fact its unknown criteria wait for when Kleene's logic cannot settle it", async () => {
    const policy = await both(`
let t "a test" = some injections where relief >= 50%

rule r "Rule" [R]
  for x

  require r1 [R.1] "t or not t"
    t or not t
`);
    // Every value of the relief approves, but with it unknown the condition is unknown.
    expect(asked(policy, { injections: [{ date: "2025-01-01" }] })).toEqual({ outcome: "pended", missing: ["injections[0].relief"] });
  });

  it(`tries at most ${MAX_OPEN_TESTS} open tests, then asks for everything its unknown criteria wait for`, async () => {
    const paths = Array.from({ length: MAX_OPEN_TESTS }, (_, i) => `injections[${i}]`);
    // Referred when an injection at some level gave relief: one open test per level.
    const policy = await levels(paths.map((_, i) => `(count injections where level == ${i} and relief >= 50%) >= 1`).join(" or "));
    const injections = paths.map((_, i) => ({ date: "2025-01-01", level: i }));
    // b is false: denied unless not covered, whatever the reliefs; `a` and the 12 tests are 13 open tests.
    expect(asked(policy, { b: false, injections })).toEqual({ outcome: "pended", missing: ["a", ...paths.map((path) => `${path}.relief`)] });
    // With 12 open tests every combination is tried.
    expect(asked(policy, { b: false, injections: injections.slice(0, MAX_OPEN_TESTS - 1) })).toEqual({ outcome: "pended", missing: ["a"] });
  });
});

describe("the values a trace shows", () => {
  let policy: { policy: CheckedPolicy; compiled: CompiledEvaluator };
  beforeAll(async () => {
    policy = await both(`
let last "the latest injection" = latest injections

rule r "Rule" [R]
  for x

  require count_ok [R.1] "at most 2 injections in 12 months"
    count injections within 12mo <= 2

  require relief_ok [R.2] "the last injection gave at least 75% relief"
    last.relief >= 75%

  require interval [R.3] "at least 2 months since the last injection"
    no injections or time since last.date >= 2mo

  deny not_twice [R.4] "denied when more than 2 injections"
    when not (count injections <= 2)

  require side_ok [R.5] "the left side"
    item.side == left
`);
  });

  function determination(facts: Json): Determination {
    const input = { date_of_service: "2025-07-19", items: [{ code: "11111", side: "left" }], ...facts };
    const result = interpret(policy.policy, input);
    expect(policy.compiled.evaluate(input)).toEqual(result);
    return result;
  }

  it("gives each comparison's value, what it is compared with, and whether it holds", () => {
    const d = determination({ injections: [{ date: "2025-06-02", relief: 60 }, { date: "2024-01-10", relief: 90 }] });
    const values = Object.fromEntries(d.items[0]!.trace.map((t) => [t.criterion, t.values]));
    expect(values.count_ok).toEqual([
      { expression: "count injections within 12mo", value: 1, operator: "<=", threshold: "2", holds: true, required: true },
    ]);
    expect(values.relief_ok).toEqual([
      { expression: "last.relief", value: 60, unit: "%", operator: ">=", threshold: "75%", holds: false, required: true },
    ]);
    expect(values.interval).toEqual([
      { expression: "time since last.date", value: 47, unit: "days", from: "2025-06-02", to: "2025-07-19", operator: ">=", threshold: "2mo", holds: false },
    ]);
    // Under `not` the value reads as what the condition asks: `not (count <= 2)` asks for more than 2.
    expect(values.not_twice).toEqual([{ expression: "count injections", value: 2, operator: ">", threshold: "2", holds: false }]);
    // A fact compared with a literal is already in the facts.
    expect(values.side_ok).toEqual([]);
    // The letter, its wrapped lines joined.
    const letter = renderText(d, { explain: false }).replace(/\n\s+/g, " ");
    expect(letter).toContain("last.relief = 60% (needs at least 75%)");
    expect(letter).toContain("time since last.date = 47 days, from 2025-06-02 to 2025-07-19 (at least 2mo)");
  });

  it("shows a range for a count over uncertain members and what an unknown waits for", () => {
    const d = determination({ injections: [{ date: "2025-06-02" }, { relief: 80 }] });
    const values = Object.fromEntries(d.items[0]!.trace.map((t) => [t.criterion, t.values]));
    expect(values.count_ok![0]!.value).toEqual({ min: 1, max: 2 });
    expect(values.relief_ok![0]!).toMatchObject({ value: { missing: ["injections[1].date"] }, holds: "unknown" });
  });

  it("computes nothing without a trace", () => {
    const input = { date_of_service: "2025-07-19", items: [{ code: "11111", side: "left" }], injections: [] };
    expect(interpret(policy.policy, input, { trace: false }).items[0]!.trace).toEqual([]);
  });
});
