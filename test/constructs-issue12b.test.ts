// Waivers, administrative outcomes, proposed policies, calendar and plan years, schema extension,
// line order within a request and rules as of an earlier date, each through the interpreter and
// the compiled evaluator: the cases a reader of docs/language.md would try first, boundaries
// included.

import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import { interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import type { Determination, EvaluateOptions } from "@pol/runtime";
import { loadCompiled, type CompiledEvaluator } from "./support/compiled.js";

const SCHEMA = `
schema base "Base cases"

enum Side "side of the body" { left right bilateral }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
}

record Therapy "therapy episode" dated by start to end {
  start: date "first day"
  end: date "day after the last day"
}

case {
  surgery: bool "whether the member had spine surgery"
  pain_months: number "months of pain"
  procedures: list of Procedure "prior procedures"
  therapies: list of Therapy "therapy episodes"
}

item {
  code: code "requested procedure code"
  side: Side "side to treat"
}
`;

const EXTENSION = `
schema extended "Base cases with the plan year"

use "base.pol"

extend enum Side { midline }

extend case {
  plan_year_start: date "first day of the plan year"
}

extend item {
  authorized: bool "whether prior authorization is on file"
}
`;

const POLICY = `
policy test.issue12b
  title "Constructs"
  payer "Test"
  number "T-12"
  version "1"
  effective proposed

use "extended.pol"

codes injection "injection" = cpt { 27096 }

let history "prior injections" = procedures where code in injection

rule initial "Initial injection" [A]
  for injection

  require A1 [A.1] "three months of pain" pain_months >= 3
  require A2 [A.2] "a side" item.side == left or item.side == right or item.side == midline
  waive W [A.3] "spine surgery bypasses the initial criteria" for A1 when surgery

  require L1 [B.1] "at most 3 per plan year, with the lines already granted"
    count history within plan year + count earlier_items where code in injection < 3
  require L2 [B.2] "at most 5 per calendar year" count history within calendar year < 5
  require L3 [B.3] "at most 60 days of therapy this plan year" coverage of therapies within plan year <= 60d

  prior authorization P1 [C.1] "authorization must be on file" when not item.authorized
  refer R1 [C.2] "bilateral requests are reviewed case by case" when item.side == bilateral
`;

function checked(): CheckedPolicy {
  const files = new Map([
    ["mem/base.pol", SCHEMA],
    ["mem/extended.pol", EXTENSION],
  ]);
  const result = checkSource(POLICY, "mem/policy.pol", { readFile: (path) => files.get(path) });
  if (!result.policy) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return result.policy;
}

const asProposed: EvaluateOptions = { asProposed: true };

describe("the constructs of issue 12, items 9 to 14, in both evaluators", () => {
  let policy: CheckedPolicy;
  let compiled: CompiledEvaluator;
  beforeAll(async () => {
    policy = checked();
    compiled = await loadCompiled(policy);
  });

  /** The determination of both evaluators, which must agree. */
  function both(input: Record<string, unknown>, options: EvaluateOptions = asProposed): Determination {
    const expected = interpret(policy, structuredClone(input), options);
    expect(compiled.evaluate(structuredClone(input), options)).toEqual(expected);
    expect(compiled.decide(structuredClone(input))).toEqual(interpret(policy, structuredClone(input), { trace: false }).items.map((i) => i.outcome));
    return expected;
  }

  const base = {
    date_of_service: "2025-08-01",
    surgery: false,
    pain_months: 4,
    plan_year_start: "2019-07-01",
    procedures: [],
    therapies: [],
  };
  const line = (side: string, authorized = true) => ({ code: "27096", side, authorized });

  it("evaluates a proposed policy only when asked", () => {
    const input = { ...base, items: [line("left")] };
    expect(both(input, { trace: true }).items[0]!.outcome).toBe("policy_not_in_effect");
    expect(both(input).items[0]!.outcome).toBe("approved");
  });

  it("waives a criterion when the waiver holds, shown as waived", () => {
    const input = { ...base, pain_months: 1, surgery: true, items: [line("left")] };
    const item = both(input).items[0]!;
    expect(item.outcome).toBe("approved");
    expect(item.trace.find((t) => t.criterion === "A1")).toMatchObject({ status: "waived", waivedBy: "W" });
    expect(both({ ...input, surgery: false }).items[0]!.outcome).toBe("denied");
    const pended = both({ ...input, surgery: undefined }).items[0]!;
    expect(pended.outcome).toBe("pended");
    expect(pended.missing.map((m) => m.fact)).toEqual(["surgery"]);
    // A met criterion needs no waiver: an unknown waiver changes nothing.
    expect(both({ ...base, surgery: undefined, items: [line("left")] }).items[0]!.outcome).toBe("approved");
  });

  it("gives the administrative outcomes only after every clinical criterion passes", () => {
    expect(both({ ...base, items: [line("left", false)] }).items[0]!.outcome).toBe("authorization_required");
    expect(both({ ...base, items: [line("bilateral")] }).items[0]!.outcome).toBe("denied"); // A2 fails first
    expect(both({ ...base, pain_months: 1, items: [line("left", false)] }).items[0]!.outcome).toBe("denied");
  });

  it("reads extension fields and members like the schema's own", () => {
    expect(both({ ...base, items: [line("midline")] }).items[0]!.outcome).toBe("approved");
  });

  it("counts plan and calendar years from their first day up to the date of service", () => {
    const at = (...dates: string[]) => dates.map((date) => ({ code: "27096", date }));
    // Plan year from 2025-07-01: two in it, one the day before.
    const two = { ...base, procedures: at("2025-07-01", "2025-07-15", "2025-06-30"), items: [line("left")] };
    expect(both(two).items[0]!.outcome).toBe("approved");
    const three = { ...two, procedures: at("2025-07-01", "2025-07-15", "2025-08-01") };
    expect(both(three).items[0]!.reasons.map((r) => r.criterion)).toEqual(["L1"]);
    // Calendar year: five this year, the first on January 1.
    const calendar = { ...base, plan_year_start: "2020-03-15", procedures: at("2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"), items: [line("left")] };
    expect(both(calendar).items[0]!.reasons.map((r) => r.criterion)).toEqual(["L2"]);
    expect(both({ ...calendar, procedures: at("2024-12-31", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01") }).items[0]!.outcome).toBe("approved");
  });

  it("with no plan year start, pends only when a member could change the count", () => {
    const at = (...dates: string[]) => dates.map((date) => ({ code: "27096", date }));
    const { plan_year_start: _, ...unknownStart } = base;
    // Dated a year or more before the date of service: out of every possible plan year.
    expect(both({ ...unknownStart, procedures: at("2024-08-01", "2024-07-01", "2025-08-01"), items: [line("left")] }).items[0]!.outcome).toBe("approved");
    const pended = both({ ...unknownStart, procedures: at("2024-09-01", "2025-02-01", "2025-08-01"), items: [line("left")] }).items[0]!;
    expect(pended.outcome).toBe("pended");
    expect(pended.missing.map((m) => m.fact)).toEqual(["plan_year_start"]);
  });

  it("clips coverage to the plan year, a range when its start is unknown", () => {
    const episode = (start: string, end: string) => ({ start, end });
    // 2025-07-01 .. 2025-08-01 is 31 days of the plan year; the 40 days before it are not.
    const input = { ...base, therapies: [episode("2025-05-21", "2025-08-01")], items: [line("left")] };
    expect(both(input).items[0]!.outcome).toBe("approved");
    const { plan_year_start: _, ...unknownStart } = input;
    expect(both(unknownStart).items[0]!.missing.map((m) => m.fact)).toEqual(["plan_year_start"]);
  });

  it("decides the lines of one request in order: the lines beyond the limit are denied, the rest approved", () => {
    const input = { ...base, procedures: [{ code: "27096", date: "2025-07-10" }], items: [line("left"), line("right"), line("left"), line("right")] };
    expect(both(input).items.map((i) => i.outcome)).toEqual(["approved", "approved", "denied", "denied"]);
    // A refused line does not count against the lines after it.
    const refused = { ...input, items: [line("up" as never), line("left"), line("right"), line("left")] };
    refused.items[0] = { code: "27096", side: "bilateral", authorized: true };
    expect(both(refused).items.map((i) => i.outcome)).toEqual(["denied", "approved", "approved", "denied"]);
    // A line awaiting authorization stands: it counts.
    const waiting = { ...input, items: [line("left", false), line("right"), line("left")] };
    expect(both(waiting).items.map((i) => i.outcome)).toEqual(["authorization_required", "approved", "denied"]);
  });

  it("pends a later line on an earlier pended one only when that line could change its count", () => {
    const input = { ...base, procedures: [{ code: "27096", date: "2025-07-10" }], items: [{ code: "27096", authorized: true }, line("left"), line("right")] };
    const items = both(input).items;
    expect(items.map((i) => i.outcome)).toEqual(["pended", "approved", "pended"]);
    // The third line waits for the first line's missing side, not for a fact of its own.
    expect(items[2]!.missing.map((m) => m.fact)).toEqual(["items[0].side"]);
  });

  it("counts a malformed earlier line as an uncertain member, never as refused", () => {
    // `code: 0` is no valid code: it is read as unknown, as if left out, so the first line pends
    // for it; and a line whose facts the rules cannot read may still stand, so the third line
    // pends on it.
    const input = { ...base, procedures: [{ code: "27096", date: "2025-07-10" }], items: [{ code: 0, side: "left", authorized: true }, line("left"), line("right")] };
    const items = both(input).items;
    expect(items.map((i) => i.outcome)).toEqual(["pended", "approved", "pended"]);
    expect(items[2]!.missing).toEqual([{ fact: "items[0].code", label: "requested procedure code", criteria: ["L1"] }]);
    // The same line with its code left out pends the same way.
    const omitted = { ...input, items: [{ side: "left", authorized: true }, line("left"), line("right")] };
    expect(both(omitted).items.map((i) => i.outcome)).toEqual(["pended", "approved", "pended"]);
  });
});

const AS_OF = `
policy test.as_of
  title "As of"
  payer "Test"
  number "T-15"
  version "1"
  effective 2020-01-01

use "base.pol"

codes block "medial branch block" = cpt { 64493 }
codes ablation "radiofrequency ablation" = cpt { 64635 }

let blocks "prior blocks" = procedures where code in block
let necessary_blocks "prior blocks that were themselves medically necessary" =
  blocks where initial_block as of date

rule initial_block "Diagnostic block" [B]
  for block

  require B1 [B.1] "three months of pain before the block" pain_months >= 3
  require B2 [B.2] "at most one block before it in the year before" count blocks within 12mo <= 1
  waive BW [B.3] "spine surgery bypasses the pain criterion" for B1 when surgery

rule rfa "Radiofrequency ablation" [R]
  for ablation

  require R1 [R.1] "three blocks, each itself medically necessary" count necessary_blocks >= 3
`;

describe("a rule as of an earlier date, in both evaluators", () => {
  let policy: CheckedPolicy;
  let compiled: CompiledEvaluator;
  beforeAll(async () => {
    const files = new Map([["mem/base.pol", SCHEMA]]);
    const result = checkSource(AS_OF, "mem/policy.pol", { readFile: (path) => files.get(path) });
    if (!result.policy) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
    policy = result.policy;
    compiled = await loadCompiled(policy);
  });

  function both(input: Record<string, unknown>): Determination {
    const expected = interpret(policy, structuredClone(input));
    expect(compiled.evaluate(structuredClone(input))).toEqual(expected);
    expect(compiled.decide(structuredClone(input))).toEqual(expected.items.map((i) => i.outcome));
    return expected;
  }
  const block = (date: string) => ({ code: "64493", date });
  const request = { date_of_service: "2025-08-01", surgery: false, pain_months: 4, items: [{ code: "64635" }] };

  it("sets the date of service to each block's date and cuts the history there", () => {
    // As of its own date, each block sees the blocks before it in the 12 months before it: the
    // one of 2024-01-01 is out of the window of 2025-06-01, and no block counts itself.
    const spaced = { ...request, procedures: [block("2024-01-01"), block("2025-03-01"), block("2025-06-01")] };
    expect(both(spaced).items[0]!.outcome).toBe("approved");
    // Three within a year: the third saw two before it and was not necessary.
    const close = { ...request, procedures: [block("2025-01-01"), block("2025-03-01"), block("2025-06-01")] };
    expect(both(close).items[0]!.outcome).toBe("denied");
    // Listed in any order: the cut is by date, not by position.
    expect(both({ ...spaced, procedures: [...spaced.procedures].reverse() }).items[0]!.outcome).toBe("approved");
    // Two on one date: neither sees the other (strictly before), both with the first are necessary.
    const sameDay = { ...request, procedures: [block("2024-01-01"), block("2025-03-01"), block("2025-03-01")] };
    expect(both(sameDay).items[0]!.outcome).toBe("approved");
  });

  it("applies the rule's waivers as of the earlier date too", () => {
    const input = { ...request, pain_months: 1, procedures: [block("2023-01-01"), block("2024-01-01"), block("2025-03-01")] };
    expect(both(input).items[0]!.outcome).toBe("denied");
    expect(both({ ...input, surgery: true }).items[0]!.outcome).toBe("approved");
  });

  it("is unknown for a block whose date is unknown, and asks for it", () => {
    const input = { ...request, procedures: [block("2023-01-01"), block("2024-01-01"), { code: "64493" }] };
    const item = both(input).items[0]!;
    expect(item.outcome).toBe("pended");
    expect(item.missing.map((m) => m.fact)).toEqual(["procedures[2].date"]);
  });
});
