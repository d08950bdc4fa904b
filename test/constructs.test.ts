// The counting, ordering and naming constructs evaluated on hand-made cases of the constructs
// fixture, criterion by criterion, by the interpreter and the compiled evaluator alike.
import { beforeAll, describe, expect, it } from "vitest";
import { interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { constructsPolicy } from "./support/constructs-fixture.js";
import { loadCompiled, type CompiledEvaluator } from "./support/compiled.js";

type Json = Record<string, unknown>;

const BASE: Json = {
  date_of_service: "2025-06-30",
  severity: "moderate",
  injections: [],
  visits: [],
  therapies: [],
  blocks: [],
  items: [{ code: "62321", level: "L4_L5", levels: ["L4_L5"], muscle: "multifidus" }],
};

let policy: CheckedPolicy;
let compiled: CompiledEvaluator;

beforeAll(async () => {
  policy = constructsPolicy();
  compiled = await loadCompiled(policy);
});

/** The status of one criterion for the first item, by both evaluators (which must agree). */
function status(criterion: string, changes: Json): string {
  const input = { ...BASE, ...changes };
  const statusIn = (determination: ReturnType<typeof interpret>) =>
    determination.items[0]!.trace!.find((entry) => entry.criterion === criterion)!.status;
  const expected = statusIn(interpret(policy, input));
  expect(statusIn(compiled.evaluate(input) as ReturnType<typeof interpret>)).toBe(expected);
  return expected;
}

const injection = (date: string, extra: Json = {}): Json => ({ date, level: "L5_S1", relief: 10, drug_class: "steroid", muscles: [], ...extra });
const visit = (date: string): Json => ({ date, kind: "physical_therapy" });

describe("constructs on hand-made cases", () => {
  it("ordered enums: at least moderate", () => {
    expect(status("E1", { severity: "moderate" })).toBe("met");
    expect(status("E1", { severity: "mild" })).toBe("not_met");
    expect(status("E1", { severity: undefined })).toBe("unknown");
  });

  it("months of coverage at a month's end, with a member set", () => {
    // dos 2025-05-31: 3 months back is 2025-02-28, 92 days.
    const therapy = (start: string, end: string, kind = "chiropractic") => ({ kind, start, end });
    expect(status("E2", { date_of_service: "2025-05-31", therapies: [therapy("2025-02-28", "2025-05-31")] })).toBe("met");
    expect(status("E2", { date_of_service: "2025-05-31", therapies: [therapy("2025-03-01", "2025-05-31")] })).toBe("not_met");
    expect(status("E2", { date_of_service: "2025-05-31", therapies: [therapy("2025-02-28", "2025-05-31", "massage")] })).toBe("not_met");
    expect(status("E2", { date_of_service: "2025-05-31", therapies: [{ start: "2025-02-28", end: "2025-05-31" }] })).toBe("unknown");
  });

  it("ordinal selection: the first three injections, whatever order the case lists them in", () => {
    const three = [injection("2025-03-01"), injection("2025-01-01"), injection("2025-02-01")];
    expect(status("E3", { injections: three })).toBe("not_met"); // a deny whose condition holds
    const reliefFourth = [...three, injection("2025-04-01", { relief: 90 })];
    expect(status("E3", { injections: reliefFourth })).toBe("not_met");
    const reliefFirst = [injection("2025-01-01", { relief: 90 }), injection("2025-02-01"), injection("2025-03-01")];
    expect(status("E3", { injections: reliefFirst })).toBe("met");
    // An undated injection could be among the first three.
    expect(status("E3", { injections: [...three, { level: "L5_S1", relief: 90 }] })).toBe("unknown");
  });

  it("distinct counts: both sides at one level on one date count once", () => {
    const sessions = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"].flatMap((date) => [injection(date), injection(date)]);
    expect(status("E4", { injections: sessions })).toBe("met"); // 4 sessions: not more than 4
    expect(status("E4", { injections: [...sessions, injection("2025-05-01")] })).toBe("not_met");
    expect(status("E4", { injections: [...sessions, injection("2025-05-01", { level: undefined })] })).toBe("not_met");
    expect(status("E4", { injections: [...sessions, { level: "L5_S1" }] })).toBe("unknown");
  });

  it("named elements: 4 visits within some 6-week span", () => {
    const dense = ["2025-01-01", "2025-01-15", "2025-01-29", "2025-02-12"].map(visit);
    expect(status("E5", { visits: dense })).toBe("met");
    const spread = ["2025-01-01", "2025-01-15", "2025-01-29", "2025-02-13"].map(visit);
    expect(status("E5", { visits: spread })).toBe("not_met");
  });

  it("documented: pends, never denies", () => {
    const two = [injection("2025-01-01"), injection("2025-02-01")];
    expect(status("E6", { injections: two })).toBe("met");
    expect(status("E6", { injections: [injection("2025-01-01", { relief: undefined }), injection("2025-02-01")] })).toBe("unknown");
    expect(status("E6", { injections: [injection("2025-01-01")] })).toBe("met");
  });

  it("tables and hours: relief as long as the anesthetic acts", () => {
    const block = (anesthetic: string, relief_duration: string) => ({ date: "2025-06-01", anesthetic, relief: 90, relief_duration });
    expect(status("E10", { blocks: [block("bupivacaine", "8h")] })).toBe("met");
    expect(status("E10", { blocks: [block("bupivacaine", "7h")] })).toBe("not_met");
    expect(status("E10", { blocks: [block("lidocaine", "1d")] })).toBe("met");
    expect(status("E10", { blocks: [{ date: "2025-06-01", relief: 90, relief_duration: "8h" }] })).toBe("unknown");
    // Sums of hours are exact: 24 blocks of 1h are a day.
    const hours = Array.from({ length: 24 }, () => block("lidocaine", "1h"));
    expect(status("E11", { blocks: hours })).toBe("not_met"); // a note that applies reads as not met
    expect(status("E11", { blocks: hours.slice(1) })).toBe("met");
  });

  it("lists of values: a requested level or muscle injected within 6 weeks", () => {
    const recent = (extra: Json) => injection("2025-06-01", extra);
    expect(status("E12", { injections: [recent({ level: "L4_L5" })] })).toBe("not_met");
    expect(status("E12", { injections: [recent({ muscles: ["trapezius", "multifidus"] })] })).toBe("not_met");
    expect(status("E12", { injections: [recent({ muscles: ["trapezius"] })] })).toBe("met");
    expect(status("E12", { injections: [recent({ muscles: undefined })] })).toBe("unknown");
  });
});
