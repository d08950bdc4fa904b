import { describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import { evaluateCase, interpret, policyInfo } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import type { CriterionTrace, Determination, ItemDetermination, Status } from "@pol/runtime";
import { schemaDescriptor } from "../src/schema-descriptor.js";

// ---------------------------------------------------------------------------------------------
// Fixtures: one schema, policies checked from inline sources through an in-memory host.

const SCHEMA = `
schema spine "Spine test schema"

enum Side "side of the body" { left right bilateral }
enum Purpose "purpose of the request" { diagnostic therapeutic }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  side: Side "side treated"
  relief: percent "percent pain relief after the procedure"
  relief_duration: duration "how long the relief lasted"
  pain_before: number "pain score before the procedure"
  pain_after: number "pain score after the procedure"
  functional_improvement: bool "better function after the procedure"
  score_relief: percent = (pain_before - pain_after) / pain_before as percent
    "pain relief computed from the pain scores"
}

record Therapy "conservative therapy episode" dated by start to end {
  kind: text "kind of therapy"
  start: date "first day of the therapy"
  end: date "last day of the therapy"
}

record Diagnosis "diagnosis" dated by date {
  code: code "diagnosis code"
  date: date "date of the diagnosis"
}

case {
  pain_onset: date "date the pain began"
  pain_score: number "current pain score"
  severe_pain: bool = pain_score >= 7 "current pain score of 7 or more"
  procedures: list of Procedure "prior procedures"
  therapies: list of Therapy "conservative therapies"
  diagnoses: list of Diagnosis "diagnoses"
}

item {
  code: code "requested procedure code"
  purpose: Purpose "diagnostic or therapeutic purpose"
  side: Side "side to be treated"
}
`;

const HEADER = `
policy test.spine
  title "Spine test policy"
  payer "TestPlan"
  number "T-1"
  version "2025-01-01"
  effective 2020-01-01
  expires 2026-12-31

use "schema.pol"
`;

function check(body: string): CheckedPolicy {
  const files = new Map([["mem/schema.pol", SCHEMA]]);
  const result = checkSource(HEADER + body, "mem/policy.pol", {
    readFile: (path) => files.get(path),
  });
  // Warnings (a `true` operand in a Kleene table, an unused let) do not stop a policy.
  if (result.diagnostics.some((d) => d.severity === "error") || !result.policy) {
    throw new Error(
      `policy did not check:\n${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")}`,
    );
  }
  return result.policy;
}

function decide(policy: CheckedPolicy, json: unknown): Determination {
  const result = evaluateCase(policy, json);
  if (!result.ok) throw new Error(`invalid case: ${JSON.stringify(result.errors)}`);
  return result.determination;
}

/** A case on 2025-08-15 with one requested item; `facts` adds or overrides case fields. */
function caseWith(facts: Record<string, unknown>, items: unknown[] = [{ code: "27096" }]) {
  return { date_of_service: "2025-08-15", items, ...facts };
}

const truthPolicies = new Map<string, CheckedPolicy>();

/** The status of `condition` as the only criterion of a rule that applies to every CPT code. */
function truth(condition: string, json: unknown): Status {
  let policy = truthPolicies.get(condition);
  if (!policy) {
    policy = check(`
codes any_code "any CPT code" = cpt { 00000-99999 }
rule probe "Probe" [P]
  for any_code
  require T [P.1] "the probed condition" ${condition}
`);
    truthPolicies.set(condition, policy);
  }
  const trace = decide(policy, json).items[0]!.trace;
  expect(trace).toHaveLength(1);
  return trace[0]!.status;
}

function traceOf(item: ItemDetermination, criterion: string): CriterionTrace {
  const found = item.trace.find((t) => t.criterion === criterion);
  if (!found) throw new Error(`no trace for ${criterion}`);
  return found;
}

const SIJ_POLICY = `
codes sij "sacroiliac joint injection" = cpt { 27096 64451 G0260 }
codes guidance "imaging guidance" = cpt { 77002-77003 }
codes cosmetic "cosmetic procedure" = cpt { 15780 }
codes herpes "herpes zoster" = icd10 { B02.* }

let sij_history "prior SIJ injections" = procedures where code in sij
let last_sij "the latest SIJ injection" = latest sij_history

rule therapeutic "Therapeutic SIJ injection" [D.I.B]
  for sij when item.purpose == therapeutic

  require B1 [D.I.B.1] "the last SIJ injection gave at least 75% relief"
    last_sij.relief >= 75%

  require B4 [D.I.B.4] "at least two months since the last SIJ injection"
    no sij_history or time since last_sij.date >= 2mo

  deny C1 [D.I.C.1] "herpes zoster diagnosed in the last year"
    when some diagnoses where code in herpes within 1y

rule guidance_bundle "Imaging guidance" [D.I.D]
  for guidance
  bundle D1 [D.I.D.1] "guidance billed with an SIJ injection" when some other_items where code in sij

rule cosmetic_rule "Cosmetic procedures" [X]
  for cosmetic
  not covered X1 [X.1] "cosmetic procedures are not covered"
`;

const good = {
  code: "27096",
  date: "2025-05-01",
  relief: 80,
  pain_before: 8,
  pain_after: 2,
};

// ---------------------------------------------------------------------------------------------

describe("outcomes", () => {
  const policy = check(SIJ_POLICY);
  const therapeutic = { code: "27096", purpose: "therapeutic" };
  const outcome = (facts: Record<string, unknown>, items: unknown[] = [therapeutic]) =>
    decide(policy, caseWith(facts, items)).items.map((i) => i.outcome);

  it("approves when every criterion is met", () => {
    expect(outcome({ procedures: [good], diagnoses: [] })).toEqual(["approved"]);
  });

  it("denies when a requirement is not met, citing it", () => {
    const d = decide(
      policy,
      caseWith({ procedures: [{ ...good, relief: 60 }], diagnoses: [] }, [therapeutic]),
    );
    expect(d.items[0]!.outcome).toBe("denied");
    expect(d.items[0]!.reasons).toEqual([
      {
        rule: "therapeutic",
        criterion: "B1",
        effect: "require",
        citation: "D.I.B.1",
        description: "the last SIJ injection gave at least 75% relief",
      },
    ]);
  });

  it("denies on an exclusion that holds", () => {
    const diagnoses = [{ code: "B02.29", date: "2024-08-15" }];
    expect(outcome({ procedures: [good], diagnoses })).toEqual(["denied"]);
    // One day outside the year: the exclusion does not hold.
    expect(
      outcome({
        procedures: [good],
        diagnoses: [{ code: "B02.29", date: "2024-08-14" }],
      }),
    ).toEqual(["approved"]);
  });

  it("pends for a missing fact and says which documentation is needed", () => {
    const d = decide(
      policy,
      caseWith({ procedures: [{ ...good, relief: null }], diagnoses: [] }, [therapeutic]),
    );
    expect(d.items[0]!.outcome).toBe("pended");
    expect(d.items[0]!.missing).toEqual([
      {
        fact: "procedures[0].relief",
        label: "percent pain relief after the procedure",
        criteria: ["B1"],
      },
    ]);
  });

  it("a fact no value of which could change the outcome does not pend", () => {
    // B4 fails on a known date, so the unknown relief (B1) cannot turn the denial into anything else.
    const { relief: _relief, ...unrated } = good;
    const recent = { ...unrated, date: "2025-07-01" };
    expect(outcome({ procedures: [recent], diagnoses: [] })).toEqual(["denied"]);
  });

  it("not covered and not separately billable", () => {
    const items = [{ code: "15780" }, { code: "77003" }, therapeutic];
    expect(outcome({ procedures: [good], diagnoses: [] }, items)).toEqual([
      "not_covered",
      "not_separately_billable",
      "approved",
    ]);
    // Guidance on its own is not bundled: no other item is an SIJ injection.
    expect(outcome({ procedures: [good], diagnoses: [] }, [{ code: "77003" }])).toEqual(["approved"]);
  });

  it("no applicable policy for a code no rule binds, or a rule whose `when` is false", () => {
    expect(outcome({}, [{ code: "99213" }, { code: "27096", purpose: "diagnostic" }])).toEqual([
      "no_applicable_policy",
      "no_applicable_policy",
    ]);
  });

  it("policy not in effect before the effective date and after expiry, in effect at both ends", () => {
    const on = (dos: string) =>
      decide(policy, {
        ...caseWith({ procedures: [good], diagnoses: [] }, [therapeutic]),
        date_of_service: dos,
      }).items[0]!.outcome;
    expect(on("2019-12-31")).toBe("policy_not_in_effect");
    expect(on("2020-01-01")).toBe("denied"); // in effect; the last injection is after the date of service
    expect(on("2026-12-31")).toBe("approved");
    expect(on("2027-01-01")).toBe("policy_not_in_effect");
  });

  it("records the facts each criterion read, with their values", () => {
    const other = { code: "99213", date: "2025-06-01" };
    const procedures = [{ ...good, relief: 60 }, other];
    const d = decide(policy, caseWith({ procedures, diagnoses: [] }, [therapeutic]));
    // In evaluation order, each once; a let's reads are replayed wherever its memo is used.
    expect(traceOf(d.items[0]!, "B1")).toMatchObject({
      status: "not_met",
      missing: [],
      facts: [
        { fact: "procedures", value: procedures },
        { fact: "procedures[0].code", value: "27096" },
        { fact: "procedures[0].date", value: "2025-05-01" },
        { fact: "procedures[1].code", value: "99213" },
        { fact: "procedures[0].relief", value: 60 },
      ],
    });
    expect(traceOf(d.items[0]!, "B4").facts.map((f) => f.fact)).toEqual([
      "procedures",
      "procedures[0].code",
      "procedures[0].date",
      "procedures[1].code",
    ]);
    expect(traceOf(d.items[0]!, "C1")).toMatchObject({
      status: "met",
      facts: [{ fact: "diagnoses", value: [] }],
    });
  });

  it("returns the case errors instead of evaluating an invalid case", () => {
    const result = evaluateCase(policy, {
      date_of_service: "2025-08-15",
      items: [{ code: "27096" }],
      pain_score: "high",
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(["pain_score"]);
    const computed = evaluateCase(policy, caseWith({ procedures: [{ ...good, score_relief: 50 }] }));
    expect(computed.ok).toBe(false);
  });

  it("gives the same determination on repeated evaluation, and without a trace", () => {
    const json = caseWith({ procedures: [good], diagnoses: [] }, [therapeutic]);
    const first = decide(policy, json);
    expect(decide(policy, json)).toEqual(first);
    const quiet = interpret(policy, json as Record<string, unknown>, {
      trace: false,
    });
    expect(quiet.items.map((i) => [i.outcome, i.trace])).toEqual([["approved", []]]);
  });
});

describe("expressions", () => {
  const proc = (date: string, extra: Record<string, unknown> = {}) => ({
    code: "27096",
    date,
    ...extra,
  });

  it("windows are closed at both ends", () => {
    const procedures = [proc("2024-08-14"), proc("2024-08-15"), proc("2025-08-15"), proc("2025-08-16")];
    expect(truth("count procedures within 12mo == 2", caseWith({ procedures }))).toBe("met");
    expect(truth("count procedures within 1y == 2", caseWith({ procedures }))).toBe("met");
    expect(truth("count procedures within 365d == 2", caseWith({ procedures }))).toBe("met");
    // 2025-08-15 - 366d = 2024-08-14.
    expect(truth("count procedures within 366d == 3", caseWith({ procedures }))).toBe("met");
  });

  it("episodes are kept when they overlap the window", () => {
    const therapies = (start: string, end: string) => caseWith({ therapies: [{ kind: "pt", start, end }] });
    // The window of 6wk is [2025-07-04, 2025-08-15].
    expect(truth("some therapies within 6wk", therapies("2025-06-01", "2025-07-04"))).toBe("met");
    expect(truth("some therapies within 6wk", therapies("2025-06-01", "2025-07-03"))).toBe("not_met");
    expect(truth("some therapies within 6wk", therapies("2025-08-15", "2025-09-01"))).toBe("met");
    expect(truth("some therapies within 6wk", therapies("2025-06-01", "2025-09-01"))).toBe("met");
  });

  it("time since uses calendar months that clamp at month ends", () => {
    const since = (onset: string, dos: string) =>
      truth("time since pain_onset >= 1mo", {
        ...caseWith({ pain_onset: onset }),
        date_of_service: dos,
      });
    expect(since("2025-01-31", "2025-02-28")).toBe("met");
    expect(since("2025-01-31", "2025-02-27")).toBe("not_met");
    expect(since("2024-01-31", "2024-02-28")).toBe("not_met"); // leap year: Jan 31 + 1mo = Feb 29
    expect(since("2024-01-31", "2024-02-29")).toBe("met");
    expect(since("2025-02-28", "2025-03-28")).toBe("met");
    expect(since("2025-02-28", "2025-03-27")).toBe("not_met");
    // A date after the date of service: no time has passed.
    expect(since("2025-09-01", "2025-08-15")).toBe("not_met");
  });

  it("a duration literal on the left of an elapsed time flips the comparison", () => {
    const at = (onset: string) => caseWith({ pain_onset: onset });
    expect(truth("2mo <= time since pain_onset", at("2025-06-15"))).toBe("met");
    expect(truth("2mo <= time since pain_onset", at("2025-06-16"))).toBe("not_met");
    expect(truth("2mo > time since pain_onset", at("2025-06-16"))).toBe("met");
    expect(truth("time since pain_onset < 6wk", at("2025-07-05"))).toBe("met");
    expect(truth("time since pain_onset < 6wk", at("2025-07-04"))).toBe("not_met");
  });

  it("time between two dates, in either order", () => {
    const procedures = [proc("2025-01-10"), proc("2025-04-10")];
    const condition = "time between (earliest procedures).date and (latest procedures).date >= 3mo";
    expect(truth(condition, caseWith({ procedures }))).toBe("met");
    expect(truth(condition, caseWith({ procedures: [proc("2025-04-10"), proc("2025-01-11")] }))).toBe(
      "not_met",
    );
    expect(truth("time between pain_onset and dos <= 2wk", caseWith({ pain_onset: "2025-08-01" }))).toBe(
      "met",
    );
  });

  it("a count with an unknown date is unknown only when that date could change the answer", () => {
    const procedures = [proc("2025-01-01"), proc("2025-02-01"), { code: "27096" }];
    expect(truth("count procedures within 12mo <= 4", caseWith({ procedures }))).toBe("met");
    expect(truth("count procedures within 12mo >= 2", caseWith({ procedures }))).toBe("met");
    expect(truth("count procedures within 12mo <= 2", caseWith({ procedures }))).toBe("unknown");
    expect(truth("count procedures within 12mo >= 4", caseWith({ procedures }))).toBe("not_met");
  });

  it("a missing list makes its aggregates unknown, an empty one does not", () => {
    expect(truth("no procedures", caseWith({}))).toBe("unknown");
    expect(truth("no procedures", caseWith({ procedures: [] }))).toBe("met");
  });

  it("a field of the latest of an empty list is none: the criterion is not met", () => {
    expect(truth("(latest procedures).relief >= 75%", caseWith({ procedures: [] }))).toBe("not_met");
    expect(truth("(latest procedures).relief < 75%", caseWith({ procedures: [] }))).toBe("not_met");
    expect(
      truth(
        "(latest procedures).relief >= 75%",
        caseWith({ procedures: [proc("2025-01-01", { relief: 75 })] }),
      ),
    ).toBe("met");
    expect(
      truth(
        "(latest procedures).relief > 75%",
        caseWith({ procedures: [proc("2025-01-01", { relief: 75 })] }),
      ),
    ).toBe("not_met");
  });

  it("latest picks by date, and an undated element that could be latest makes it unknown", () => {
    const procedures = [proc("2025-03-01", { relief: 90 }), proc("2025-01-01", { relief: 10 })];
    expect(truth("(latest procedures).relief >= 75%", caseWith({ procedures }))).toBe("met");
    expect(truth("(earliest procedures).relief >= 75%", caseWith({ procedures }))).toBe("not_met");
    const undated = [...procedures, { code: "27096", relief: 10 }];
    expect(truth("(latest procedures).relief >= 75%", caseWith({ procedures: undated }))).toBe("unknown");
  });

  it("computed fields, with division by zero giving none", () => {
    const scored = (before: unknown, after: unknown) =>
      caseWith({
        procedures: [proc("2025-01-01", { pain_before: before, pain_after: after })],
      });
    expect(truth("(latest procedures).score_relief >= 75%", scored(8, 2))).toBe("met");
    expect(truth("(latest procedures).score_relief == 75%", scored(8, 2))).toBe("met");
    expect(truth("(latest procedures).score_relief > 75%", scored(8, 2))).toBe("not_met");
    expect(truth("(latest procedures).score_relief >= 0%", scored(0, 0))).toBe("not_met");
    expect(truth("(latest procedures).score_relief < 100%", scored(0, 0))).toBe("not_met");
    expect(truth("(latest procedures).score_relief >= 75%", scored(8, null))).toBe("unknown");
    expect(truth("some procedures where score_relief >= 50%", scored(10, 5))).toBe("met");
    expect(truth("(latest procedures).score_relief >= 75%", caseWith({ procedures: [] }))).toBe("not_met");
  });

  it("computed fields of the case are computed, not read", () => {
    expect(truth("severe_pain", caseWith({ pain_score: 7 }))).toBe("met");
    expect(truth("severe_pain", caseWith({ pain_score: 6 }))).toBe("not_met");
    expect(truth("severe_pain", caseWith({}))).toBe("unknown");
    expect(evaluateCase(check(SIJ_POLICY), caseWith({ severe_pain: true })).ok).toBe(false);
  });

  it("lets that depend on the item are evaluated per item", () => {
    const policy = check(`
codes sij "sacroiliac joint injection" = cpt { 27096 }
let same_side "prior procedures on the requested side" = procedures where side == item.side
rule repeat "Repeat injection" [R]
  for sij
  require R1 [R.1] "no more than one prior injection on this side" count same_side <= 1
`);
    const procedures = [proc("2025-01-01", { side: "left" }), proc("2025-02-01", { side: "left" })];
    const items = [{ code: "27096", side: "left" }, { code: "27096", side: "right" }, { code: "27096" }];
    const d = decide(policy, caseWith({ procedures }, items));
    expect(d.items.map((i) => i.outcome)).toEqual(["denied", "approved", "pended"]);
    expect(d.items[2]!.missing.map((m) => m.fact)).toEqual(["items[2].side"]);
  });

  it("other_items are the requested items except the one under decision", () => {
    const items = [{ code: "27096" }, { code: "77003" }];
    expect(truth("some other_items where code in any_code", caseWith({}, [{ code: "27096" }]))).toBe(
      "not_met",
    );
    expect(truth("count other_items == 1", caseWith({}, items))).toBe("met");
    expect(truth("count items == 2", caseWith({}, items))).toBe("met");
    expect(
      truth("some other_items where code == item.code", caseWith({}, [...items, { code: "27096" }])),
    ).toBe("met");
  });

  it("sums and coverage are ranges when elements are uncertain", () => {
    const procedures = [proc("2025-01-01", { relief_duration: "4wk" }), proc("2025-02-01")];
    expect(truth("sum relief_duration of procedures >= 21d", caseWith({ procedures }))).toBe("met");
    expect(truth("sum relief_duration of procedures >= 6wk", caseWith({ procedures }))).toBe("unknown");
    expect(truth("sum relief_duration of procedures < 2wk", caseWith({ procedures }))).toBe("not_met");
    const therapies = [
      { kind: "pt", start: "2025-07-01", end: "2025-07-10" },
      { kind: "pt", start: "2025-07-05", end: "2025-07-20" },
    ];
    // Episodes cover [start, end): the union [07-01, 07-20) is 19 days, and clipped to the 6wk
    // window [07-04, 08-15) it is 16.
    expect(truth("coverage of therapies >= 19d", caseWith({ therapies }))).toBe("met");
    expect(truth("coverage of therapies > 19d", caseWith({ therapies }))).toBe("not_met");
    expect(truth("coverage of therapies within 6wk == 16d", caseWith({ therapies }))).toBe("met");
    // An episode with no end yet covers between nothing and the rest of the window (14 days).
    const open = [...therapies, { kind: "pt", start: "2025-08-01" }];
    expect(truth("coverage of therapies within 6wk >= 16d", caseWith({ therapies: open }))).toBe("met");
    expect(truth("coverage of therapies within 6wk >= 20d", caseWith({ therapies: open }))).toBe("unknown");
    expect(truth("coverage of therapies within 6wk > 30d", caseWith({ therapies: open }))).toBe("not_met");
  });

  it("where conditions see their element, enclosing elements, lets and case fields", () => {
    const procedures = [proc("2025-03-01", { side: "left" })];
    const therapies = [{ kind: "physical therapy", start: "2025-01-01", end: "2025-02-01" }];
    const condition =
      'some procedures where (some therapies where kind == "physical therapy" and end < date)';
    expect(truth(condition, caseWith({ procedures, therapies }))).toBe("met");
    const late = [{ kind: "physical therapy", start: "2025-01-01", end: "2025-03-01" }];
    expect(truth(condition, caseWith({ procedures, therapies: late }))).toBe("not_met");
    expect(
      truth(
        "some procedures where side == left and date > pain_onset",
        caseWith({ procedures, pain_onset: "2025-01-01" }),
      ),
    ).toBe("met");
  });

  it("arithmetic on dates, durations, numbers and percents", () => {
    const facts = caseWith({
      pain_onset: "2025-07-04",
      pain_score: 6,
      procedures: [proc("2025-07-01", { relief_duration: "2wk" })],
    });
    expect(truth("pain_onset + 6wk <= dos", facts)).toBe("met");
    expect(truth("pain_onset + 6wk < dos", facts)).toBe("not_met");
    expect(truth("dos - 1mo >= pain_onset", facts)).toBe("met");
    expect(truth("dos - pain_onset == 42d", facts)).toBe("met");
    expect(truth("date_of_service - pain_onset > 41d", facts)).toBe("met");
    expect(truth("(latest procedures).date + (latest procedures).relief_duration == 2025-07-15", facts)).toBe(
      "met",
    );
    expect(truth("dos - (latest procedures).relief_duration == 2025-08-01", facts)).toBe("met");
    expect(truth("(latest procedures).relief_duration >= 2wk", facts)).toBe("met");
    expect(truth("(latest procedures).relief_duration > 14d", facts)).toBe("not_met");
    expect(truth("pain_score * 2 / 4 == 3 and -pain_score < 0", facts)).toBe("met");
    expect(truth("pain_score / 8 as percent == 75%", facts)).toBe("met");
    expect(truth("pain_score / 0 > 0", facts)).toBe("not_met");
    expect(truth("pain_score - 1 >= 4.5", facts)).toBe("met");
  });

  it("logic is Kleene three-valued over all, any, not, and, or", () => {
    const unknownScore = caseWith({});
    expect(truth("pain_score > 5 or true", unknownScore)).toBe("met");
    expect(truth("pain_score > 5 and false", unknownScore)).toBe("not_met");
    expect(truth("not (pain_score > 5)", unknownScore)).toBe("unknown");
    expect(truth("all(pain_score > 5, true)", unknownScore)).toBe("unknown");
    expect(truth("any(pain_score > 5, dos >= 2025-08-15)", unknownScore)).toBe("met");
    expect(
      truth("all(pain_onset < dos, any(false, not false))", caseWith({ pain_onset: "2025-01-01" })),
    ).toBe("met");
  });

  it("code sets: exact codes, ranges, prefixes, and not in", () => {
    const policy = check(`
codes c "test procedure codes" = cpt { 64490-64495 27096 }
codes dx "test diagnosis codes" = icd10 { M54.* }
codes any_code "any CPT code" = cpt { 00000-99999 }
rule r "Codes" [C]
  for any_code
  require C1 [C.1] "requested code in the set" item.code in c
  require C2 [C.2] "some diagnosis in the set" some diagnoses where code in dx
  require C3 [C.3] "requested code outside the set" item.code not in c
`);
    const statuses = (code: string, diagnosis: string) =>
      decide(
        policy,
        caseWith({ diagnoses: [{ code: diagnosis, date: "2025-01-01" }] }, [{ code }]),
      ).items[0]!.trace.map((t) => t.status);
    expect(statuses("64490", "M54")).toEqual(["met", "met", "not_met"]);
    expect(statuses("64495", "M54.50")).toEqual(["met", "met", "not_met"]);
    expect(statuses("64496", "M5")).toEqual(["not_met", "not_met", "met"]);
    expect(statuses("27096", "M55.1")).toEqual(["met", "not_met", "not_met"]);
  });
});

describe("descriptors", () => {
  const policy = check(SIJ_POLICY);

  it("policy info omits an absent expiry", () => {
    const info = policyInfo(policy);
    expect(info).toMatchObject({
      id: "test.spine",
      payer: "TestPlan",
      number: "T-1",
      expires: "2026-12-31",
    });
    const open = {
      ...policy,
      metadata: { ...policy.metadata, expires: undefined },
    } as CheckedPolicy;
    expect("expires" in policyInfo(open)).toBe(false);
  });

  it("the schema descriptor lists every record in declaration order with built-ins first", () => {
    const schema = schemaDescriptor(policy.schema);
    expect(Object.keys(schema.records).sort()).toEqual(["Diagnosis", "Procedure", "Therapy", "case", "item"]);
    expect(Object.keys(schema.records.case!.fields)).toEqual([
      "date_of_service",
      "items",
      "pain_onset",
      "pain_score",
      "severe_pain",
      "procedures",
      "therapies",
      "diagnoses",
    ]);
    expect(schema.records.case!.fields.items!.type).toEqual({ list: "item" });
    expect(schema.records.Procedure!.dated).toEqual({ start: "date" });
    expect(schema.records.Therapy!.dated).toEqual({
      start: "start",
      end: "end",
    });
    expect(schema.records.Procedure!.fields.side).toEqual({
      type: { enum: ["left", "right", "bilateral"] },
      label: "side treated",
    });
    expect(schema.records.Procedure!.fields.score_relief).toEqual({
      type: "percent",
      label: "pain relief computed from the pain scores",
      computed: true,
    });
    expect(schema.records.Procedure!.fields.relief_duration!.type).toBe("duration");
  });
});
