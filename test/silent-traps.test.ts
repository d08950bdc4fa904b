// The constructs that once type-checked and then meant something an analyst would not expect
// (empty rules, coverage past the date of service, shadowing, text matching, ...): each is now an
// error, a warning, or a documented meaning, evaluated here by both evaluators.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { normaliseCode, normaliseText, type Determination } from "@pol/runtime";
import { loadCompiled } from "./support/compiled.js";

const SCHEMA = `schema traps "Cases for the silent-trap tests"

enum Side "side of the body" { left right bilateral }
enum Kind "kind of therapy" { physical_therapy rest baseline }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  side: Side "side treated"
  muscle: text "muscle injected"
  relief: percent "percent pain relief"
  pain_before: number "pain score before"
  diagnoses: list of code "diagnoses the procedure treated"
  muscles: list of text "muscles injected in the session"
}

record Therapy "conservative therapy episode" dated by start to finish {
  kind: Kind "kind of therapy"
  start: date "first day"
  finish: date "last day"
}

case {
  pain_onset: date "date the pain began"
  low_back_pain: bool "low back pain"
  procedures: list of Procedure "prior procedures"
  therapies: list of Therapy "conservative therapy episodes"
}

item {
  code: code "requested procedure code"
  side: Side "side to treat"
  muscle: text "muscle to inject"
  diagnosis: code "diagnosis to treat"
}
`;

const HEADER = `policy test.traps
  title "Silent traps"
  payer "TestPlan"
  number "T-1"
  version "2025-01-01"
  effective 2020-01-01

use "schema.pol"

`;

/** Check a policy body; its unused code sets and lets (POL4023, POL4024) are left out unless `all`. */
function checkBody(body: string, extraFiles: Record<string, string> = {}, all = false): { policy?: CheckedPolicy; diagnostics: Diagnostic[] } {
  const files = new Map<string, string>([["mem/schema.pol", SCHEMA], ...Object.entries(extraFiles)]);
  const result = checkSource(HEADER + body, "mem/policy.pol", { readFile: (path) => files.get(path) });
  const diagnostics = all ? result.diagnostics : result.diagnostics.filter((d) => d.code !== "POL4023" && d.code !== "POL4024");
  return result.policy ? { policy: result.policy, diagnostics } : { diagnostics };
}

function policyOf(body: string): CheckedPolicy {
  const { policy, diagnostics } = checkBody(body);
  if (!policy) throw new Error(`policy did not check:\n${diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")}`);
  return policy;
}

function codes(body: string): string[] {
  return checkBody(body).diagnostics.map((d) => d.code);
}

/** Both evaluators' determinations of `json`, required to agree. */
async function evaluateBoth(policy: CheckedPolicy, json: Record<string, unknown>): Promise<Determination> {
  const interpreted = interpret(policy, json);
  const compiled = await loadCompiled(policy);
  expect(compiled.evaluate(json)).toEqual(interpreted);
  return interpreted;
}

const CODES = `codes sij "sacroiliac joint injection" = cpt { 27096 }
codes rfa "radiofrequency ablation" = cpt { 64625 }
codes tpi "trigger point injection" = cpt { 20552 }
`;

describe("a rule approves only when it says so", () => {
  it("reports a rule with only notes or no criteria (POL4021)", () => {
    expect(codes(`${CODES}
rule rfa_doc "Radiofrequency ablation" [D.II]
  for rfa
  note R1 [D.II.C] "repeat ablation may be reviewed"
`)).toEqual(["POL4021"]);
    expect(codes(`${CODES}
rule rfa_doc "Radiofrequency ablation" [D.II]
  for rfa
`)).toEqual(["POL4021"]);
  });

  it("accepts exclusions alone, and warns about an approve beside criteria (POL4022)", () => {
    expect(codes(`${CODES}
rule rfa_cap "Radiofrequency ablation" [D.II]
  for rfa
  deny R1 [D.II.C] "more than 2 ablations in 12 months" when count procedures where code in rfa within 12mo > 2
`)).toEqual([]);
    const { policy, diagnostics } = checkBody(`${CODES}
rule rfa_cap "Radiofrequency ablation" [D.II]
  for rfa
  require R1 [D.II.A] "low back pain" low_back_pain
  approve R2 [D.II] "ablation is covered"
`);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["POL4022", "warning"]]);
    expect(policy).toBeDefined();
  });

  it("approves every item an `approve` rule applies to, in both evaluators", async () => {
    const policy = policyOf(`${CODES}
rule rfa_covered "Radiofrequency ablation" [D.II]
  for rfa when item.side == left
  approve R1 [D.II.A] "a left-sided ablation is covered"
  note R2 [D.II.C] "repeat ablation may be reviewed" when some procedures where code in rfa
`);
    const determination = await evaluateBoth(policy, {
      date_of_service: "2025-08-15",
      items: [{ code: "64625", side: "left" }, { code: "64625", side: "right" }, { code: "64625" }],
    });
    expect(determination.items.map((item) => item.outcome)).toEqual(["approved", "no_applicable_policy", "pended"]);
    const trace = determination.items[0]!.trace.find((t) => t.criterion === "R1")!;
    expect([trace.effect, trace.status, trace.facts]).toEqual(["approve", "met", []]);
    expect(determination.items[0]!.reasons).toEqual([]);
  });

  it("lets another applying rule still deny an item an `approve` rule covers", async () => {
    const policy = policyOf(`${CODES}
rule rfa_covered "Radiofrequency ablation" [D.II]
  for rfa
  approve R1 [D.II.A] "ablation is covered"
rule rfa_limits "Limits" [D.II.C]
  for rfa
  require R2 [D.II.C] "low back pain" low_back_pain
`);
    const determination = await evaluateBoth(policy, {
      date_of_service: "2025-08-15",
      low_back_pain: false,
      items: [{ code: "64625" }],
    });
    expect(determination.items[0]!.outcome).toBe("denied");
  });
});

describe("coverage never counts past the date of service", () => {
  it("clips `coverage of L` without `within` at the date of service, in both evaluators", async () => {
    const policy = policyOf(`${CODES}
rule sij_rule "SIJ injection" [D.I]
  for sij
  require A [D.I.A] "6 weeks of therapy" coverage of therapies >= 6wk
`);
    const therapy = (start: string, finish: string | null) => ({ kind: "physical_therapy", start, finish });
    const outcome = async (therapies: unknown[]) =>
      (await evaluateBoth(policy, { date_of_service: "2025-03-01", therapies, items: [{ code: "27096" }] })).items[0]!.outcome;
    // 41 days before the date of service, running on for two more months: not yet 6 weeks.
    expect(await outcome([therapy("2025-01-19", "2025-05-01")])).toBe("denied");
    expect(await outcome([therapy("2025-01-18", "2025-05-01")])).toBe("approved");
    // An unknown end can reach the date of service at most: the same boundary.
    expect(await outcome([therapy("2025-01-19", null)])).toBe("denied");
    expect(await outcome([therapy("2025-01-18", null)])).toBe("pended");
  });
});

describe("built-in names cannot be hidden; enum members can be qualified", () => {
  it("reports a let or a field named like a built-in or a case field (POL2035)", () => {
    expect(codes(`${CODES}
let dos "the latest injection's date" = (latest procedures).date
rule r "R" [D]
  for sij
  require A [D.1] "two months" time since dos >= 2mo
`)).toEqual(["POL2035"]);
    expect(codes(`${CODES}
let pain_onset "the first injection's date" = (earliest procedures).date
rule r "R" [D]
  for sij
  require A [D.1] "three months" time since pain_onset >= 3mo
`)).toEqual(["POL2035"]);
  });

  it("reports a let named like the member of the enum it is compared with (POL2036), not a type error", () => {
    const { diagnostics } = checkBody(`${CODES}
let baseline "the first therapy" = earliest therapies
rule r "R" [D]
  for sij
  require A [D.1] "some baseline therapy" some therapies where kind == baseline
`);
    expect(diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      [
        "POL2036",
        "`baseline` is both the `let` `baseline` and a member of `Kind`",
        "write `Kind.baseline` for the member, or rename the `let` `baseline`",
      ],
    ]);
  });

  it("evaluates a qualified member `Kind.member` as the member, in both evaluators", async () => {
    const policy = policyOf(`${CODES}
let baseline_done "a baseline therapy was done" = some therapies where kind == Kind.baseline
let requested_side "the requested side" = item.side
rule r "R" [D]
  for sij when Side.left == requested_side
  require A [D.1] "a baseline therapy" baseline_done
`);
    const determination = await evaluateBoth(policy, {
      date_of_service: "2025-03-01",
      therapies: [{ kind: "baseline", start: "2025-01-01", finish: "2025-01-10" }],
      items: [{ code: "27096", side: "left" }, { code: "27096", side: "right" }],
    });
    expect(determination.items.map((item) => item.outcome)).toEqual(["approved", "no_applicable_policy"]);
    expect(codes(`${CODES}
rule r "R" [D]
  for sij when item.side == Side.middle
  require A [D.1] "a" low_back_pain
`)).toEqual(["POL2009"]);
  });
});

describe("`use` of a policy file", () => {
  it("is an error at the `use` (POL2037), whose rules would otherwise be dropped", () => {
    const used = `policy test.other
  title "Other"
  payer "TestPlan"
  number "T-2"
  version "2025-01-01"
  effective 2020-01-01

use "schema.pol"

codes rfa "radiofrequency ablation" = cpt { 64625 }
rule rfa_rule "RFA" [D]
  for rfa
  require A [D.1] "low back pain" low_back_pain
`;
    const { policy, diagnostics } = checkBody(
      `use "other.pol"\n${CODES.replace(/^codes rfa.*\n/m, "")}\nrule r "R" [D]\n  for sij\n  require B [D.2] "low back pain" low_back_pain\n`,
      { "mem/other.pol": used },
    );
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["POL2037", "`use` names `other.pol`, the policy `test.other`: its rules would not apply here"],
    ]);
    expect(policy).toBeUndefined();
  });
});

describe("free text compares by a normalised form", () => {
  it("counts sessions of one muscle whatever the case and spacing, in both evaluators", async () => {
    const policy = policyOf(`${CODES}
let same_muscle "prior injections of the requested muscle" = procedures where code in tpi and muscle == item.muscle
rule tpi_cap "Trigger point injections" [TP.2]
  for tpi
  require TP2 [TP.2] "at most 6 sessions per muscle in all" count same_muscle <= 5
`);
    const session = (muscle: string) => ({ code: "20552", date: "2025-01-02", muscle });
    const procedures = [
      ...["gluteus medius", "gluteus medius", "Gluteus medius", " gluteus  medius", "GLUTEUS MEDIUS"].map(session),
      session("gluteus\tmedius"),
    ];
    const determination = await evaluateBoth(policy, {
      date_of_service: "2025-03-01",
      procedures,
      items: [{ code: "20552", muscle: "Gluteus Medius" }, { code: "20552", muscle: "gluteus minimus" }],
    });
    expect(determination.items.map((item) => item.outcome)).toEqual(["denied", "approved"]);
    // The trace shows the facts as the case recorded them.
    expect(determination.items[0]!.trace[0]!.facts.some((fact) => fact.value === "Gluteus Medius")).toBe(true);
  });

  it("counts distinct texts and tests member sets and lists of texts in the same normal form, in both evaluators", async () => {
    const policy = policyOf(`${CODES}
rule r "R" [TP]
  for tpi
  deny A [TP.1] "more than one muscle was injected before" when count distinct muscle of procedures > 1
  deny B [TP.2] "the gluteus medius is not injected" when item.muscle in {"Gluteus Medius"}
  deny C [TP.3] "the muscle was injected in an earlier session" when some procedures where item.muscle in muscles
`);
    const determination = await evaluateBoth(policy, {
      date_of_service: "2025-03-01",
      procedures: [
        { code: "20552", date: "2025-01-02", muscle: "Piriformis", muscles: ["Gluteus  minimus"] },
        { code: "20552", date: "2025-01-09", muscle: " piriformis", muscles: [] },
      ],
      items: [
        { code: "20552", muscle: "gluteus medius" },
        { code: "20552", muscle: "GLUTEUS MINIMUS" },
        { code: "20552", muscle: "psoas" },
      ],
    });
    expect(determination.items.map((item) => [item.outcome, item.reasons.map((r) => r.criterion)])).toEqual([
      ["denied", ["B"]],
      ["denied", ["C"]],
      ["approved", []],
    ]);
  });

  it("warns where free text is compared with a string (POL3055), and matches it normalised", async () => {
    const body = `${CODES}
rule r "R" [D]
  for sij
  require A [D.1] "the injected muscle is the piriformis" item.muscle == "Piriformis "
`;
    const { policy, diagnostics } = checkBody(body);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["POL3055", "warning"]]);
    const determination = await evaluateBoth(policy!, {
      date_of_service: "2025-03-01",
      items: [{ code: "27096", muscle: "piriformis" }, { code: "27096", muscle: "piriform" }],
    });
    expect(determination.items.map((item) => item.outcome)).toEqual(["approved", "denied"]);
  });

  it("normalises text idempotently, and equally for texts that differ in case and white space only", () => {
    const word = fc.stringMatching(/^[a-z\u00e0-\u00fe]{1,6}$/);
    const gap = fc.constantFrom(" ", "  ", "\t", "\n ", " \u00a0");
    fc.assert(
      fc.property(fc.array(fc.tuple(word, gap, fc.boolean()), { minLength: 1, maxLength: 4 }), gap, gap, (words, before, after) => {
        const plain = words.map(([w]) => w).join(" ");
        const written = before + words.map(([w, g, upper], i) => (upper ? w.toUpperCase() : w) + (i < words.length - 1 ? g : "")).join("") + after;
        expect(normaliseText(written)).toBe(normaliseText(plain));
        expect(normaliseText(normaliseText(written))).toBe(normaliseText(written));
      }),
    );
    expect(normaliseText("  Gluteus \t Medius ")).toBe("gluteus medius");
    expect(normaliseText("gluteus medius")).toBe("gluteus medius");
    expect(normaliseText("Cafe\u0301")).toBe(normaliseText("caf\u00e9"));
    expect(normaliseText(null)).toBe(null);
  });
});

describe("codes compare as codes", () => {
  it("compares codes upper-case and without dots in `==`, member sets and lists of codes, in both evaluators", async () => {
    const policy = policyOf(`${CODES}codes g_sij "SIJ injection (HCPCS)" = hcpcs { G0260 }
rule r "R" [D]
  for sij, g_sij
  deny A [D.1] "the requested code was billed before" when some procedures where code == item.code
  deny B [D.2] "the pain is from herpes zoster" when item.diagnosis in {"B02.9", "B02.21"}
  deny C [D.3] "the diagnosis was treated before" when some procedures where item.diagnosis in diagnoses
  deny E [D.4] "the diagnosis is not given as spondylosis" when item.diagnosis != "m47.816"
  deny F [D.5] "two different codes were billed before" when count distinct code of procedures >= 2
`);
    const determination = await evaluateBoth(policy, {
      date_of_service: "2025-03-01",
      procedures: [
        { code: "g0260", date: "2025-01-02", diagnoses: ["m46.1"] },
        { code: "G0260", date: "2025-01-09", diagnoses: [] },
      ],
      items: [
        { code: "G0260", diagnosis: "M47.816" },
        { code: "27096", diagnosis: "b029" },
        { code: "27096", diagnosis: "M461" },
        { code: "27096", diagnosis: " M47816" },
      ],
    });
    expect(determination.items.map((item) => [item.outcome, item.reasons.map((r) => r.criterion)])).toEqual([
      ["denied", ["A"]],
      ["denied", ["B", "E"]],
      ["denied", ["C", "E"]],
      ["approved", []],
    ]);
  });

  it("normalises codes idempotently, and equally for codes that differ in case, dots and surrounding space only", () => {
    const code = fc.stringMatching(/^[A-Z][0-9]{2}[0-9A-Z]{0,4}$/);
    fc.assert(
      fc.property(code, fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.constantFrom("", " ", "\t"), (plain, dot, lower, space) => {
        const dotted = plain.length > dot ? `${plain.slice(0, dot)}.${plain.slice(dot)}` : plain;
        const written = space + (lower ? dotted.toLowerCase() : dotted) + space;
        expect(normaliseCode(written)).toBe(plain);
        expect(normaliseCode(normaliseCode(written))).toBe(plain);
      }),
    );
    expect(normaliseCode(null)).toBe(null);
  });
});

describe("warnings", () => {
  const rule = (condition: string) => `${CODES}
let sij_history "prior SIJ injections" = procedures where code in sij
rule r "R" [D]
  for sij
  require A [D.1] "the condition" ${condition}
`;
  const warnings = (body: string) => checkBody(body, {}, true).diagnostics.map((d) => `${d.severity} ${d.code}`);

  it("reports unused lets and code sets, through lets that rules use", () => {
    expect(warnings(rule("some sij_history"))).toEqual(["warning POL4024", "warning POL4024"]);
    expect(warnings(`codes sij "SIJ" = cpt { 27096 }
let a "a" = procedures where code in sij
let b "b" = some a
let c "c" = count a
rule r "R" [D]
  for sij
  require A [D.1] "b" b
`)).toEqual(["warning POL4023"]);
  });

  it("reports conditions decided by their form, flattening chains", () => {
    const codesOf = (condition: string) => warnings(rule(condition)).filter((w) => w === "warning POL4025");
    expect(codesOf("true or low_back_pain")).toEqual(["warning POL4025"]);
    expect(codesOf("low_back_pain and some sij_history and false")).toEqual(["warning POL4025"]);
    expect(codesOf("low_back_pain and some sij_history and not low_back_pain")).toEqual(["warning POL4025"]);
    expect(codesOf("low_back_pain or not (low_back_pain)")).toEqual(["warning POL4025"]);
    expect(codesOf("any(false, low_back_pain)")).toEqual(["warning POL4025"]);
    expect(codesOf("low_back_pain or not some sij_history")).toEqual([]);
    expect(codesOf("true")).toEqual([]);
  });

  it("reports a comparison swallowed by a count's where unless parentheses say which is meant", () => {
    const letted = (value: string) => `${CODES}
let n "n" = ${value}
rule r "R" [D]
  for sij
  require A [D.1] "at most 4" n <= 4
`;
    const codesOf = (value: string) => warnings(letted(value)).filter((w) => w !== "warning POL4024");
    expect(codesOf("count procedures where code in sij and pain_before >= 2")).toEqual(["warning POL4026"]);
    expect(codesOf("count procedures where code in sij and relief >= 50%")).toEqual([]);
    expect(codesOf("count procedures where code in sij and muscle == item.muscle")).toEqual([]);
    expect(codesOf("count procedures where (code in sij and pain_before >= 2)")).toEqual([]);
    // The comparison of another count at the end of the condition is swallowed all the same.
    const { diagnostics } = checkBody(letted("count therapies where kind == rest or count procedures >= 2"));
    expect(diagnostics.map((d) => d.code)).toEqual(["POL4026"]);
  });
});

describe("`not` over an absent event", () => {
  it("keeps the none semantics in both evaluators and warns unless the absence is written (POL4027)", async () => {
    const body = (condition: string) => `${CODES}
let sij_history "prior SIJ injections" = procedures where code in sij
let prev_sij "the previous SIJ injection" = latest sij_history
rule r "R" [D]
  for sij
  require A [D.1] "the previous injection did not treat the left side" ${condition}
`;
    const implicit = checkBody(body("not (prev_sij.side == left)"));
    expect(implicit.diagnostics.map((d) => [d.code, d.severity])).toEqual([["POL4027", "warning"]]);
    expect(implicit.diagnostics[0]!.help).toContain("no sij_history or not (prev_sij.side == left)");
    const explicit = checkBody(body("no sij_history or not (prev_sij.side == left)"));
    expect(explicit.diagnostics).toEqual([]);
    for (const policy of [implicit.policy!, explicit.policy!]) {
      const determination = await evaluateBoth(policy, {
        date_of_service: "2025-03-01",
        procedures: [],
        items: [{ code: "27096" }],
      });
      expect(determination.items[0]!.outcome).toBe("approved");
    }
  });
});
