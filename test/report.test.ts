import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderJson } from "../src/tools/report/json.js";
import { renderText } from "../src/tools/report/text.js";
import type { CriterionTrace, Determination, ItemDetermination, PolicyInfo } from "@pol/runtime";
import { runs } from "./support/runs.js";

const policy: PolicyInfo = {
  id: "truecare.sij",
  title: "Sacroiliac joint procedures",
  payer: "TrueCare",
  number: "MM-1463",
  version: "2025-02-26",
  effective: "2025-07-01",
  source: "policies/truecare/sij.pol",
  sourceHash: "ab12",
};

const therapeuticRule = {
  rule: "therapeutic_sij",
  title: "Therapeutic SIJ injection",
  citation: "D.I.B",
  applies: "met" as const,
};

const b1: CriterionTrace = {
  rule: "therapeutic_sij",
  criterion: "B1",
  effect: "require",
  citation: "D.I.B.1",
  description: "the last SIJ injection gave at least 75% relief and better function",
  line: 14,
  status: "not_met",
  facts: [
    { fact: "procedures[1].relief", value: 60 },
    { fact: "procedures[1].functional_improvement", value: true },
  ],
  missing: [],
  values: [
    { expression: "last_sij.relief", value: 60, unit: "%", operator: ">=", threshold: "75%", holds: false, required: true },
  ],
};

const b4: CriterionTrace = {
  rule: "therapeutic_sij",
  criterion: "B4",
  effect: "require",
  citation: "D.I.B.4",
  description: "at least two months since the last SIJ injection",
  line: 17,
  status: "met",
  facts: [{ fact: "procedures[1].date", value: "2025-05-02" }],
  missing: [],
  values: [],
};

const denied: ItemDetermination = {
  index: 0,
  code: "27096",
  outcome: "denied",
  rules: [therapeuticRule],
  reasons: [
    {
      rule: "therapeutic_sij",
      criterion: "B1",
      effect: "require",
      citation: "D.I.B.1",
      description: b1.description,
    },
  ],
  missing: [],
  notes: [],
  trace: [b1, b4],
};

const pended: ItemDetermination = {
  index: 1,
  code: "G0260",
  outcome: "pended",
  rules: [therapeuticRule],
  reasons: [],
  missing: [
    {
      fact: "procedures[1].date",
      label: "date of the procedure",
      criteria: ["B4", "B5"],
    },
  ],
  notes: [],
  trace: [
    {
      ...b4,
      status: "unknown",
      facts: [{ fact: "procedures[1].date", value: null }],
      missing: [{ fact: "procedures[1].date", label: "date of the procedure" }],
      values: [],
    },
  ],
};

const bundled: ItemDetermination = {
  index: 2,
  code: "77003",
  outcome: "not_separately_billable",
  rules: [
    {
      rule: "guidance",
      title: "Imaging guidance",
      citation: "D.I.D",
      applies: "met",
    },
    {
      rule: "rfa",
      title: "Radiofrequency ablation",
      citation: "D.II",
      applies: "not_met",
    },
  ],
  reasons: [
    {
      rule: "guidance",
      criterion: "D1",
      effect: "bundle",
      citation: "D.I.D.1",
      description: "fluoroscopic guidance billed with an SIJ injection",
    },
  ],
  missing: [],
  notes: [],
  trace: [
    {
      rule: "guidance",
      criterion: "D1",
      effect: "bundle",
      citation: "D.I.D.1",
      description: "fluoroscopic guidance billed with an SIJ injection",
      line: 40,
      status: "not_met",
      facts: [{ fact: "items[0].code", value: "27096" }],
      missing: [],
      values: [],
    },
  ],
};

const determination: Determination = {
  policy,
  dateOfService: "2025-08-01",
  items: [denied, pended, bundled],
};

describe("renderText", () => {
  it("writes a determination letter with rationale and documentation needed", () => {
    expect(renderText(determination, { explain: false })).toBe(
      [
        'TrueCare MM-1463 "Sacroiliac joint procedures", version 2025-02-26 — date of service 2025-08-01',
        "",
        "Line 1 — CPT 27096: DENIED (not medically necessary)",
        "  Rationale:",
        "    [D.I.B.1] the last SIJ injection gave at least 75% relief and better function — not met:",
        "      last_sij.relief = 60% (needs at least 75%) (procedures[1].relief = 60,",
        "      procedures[1].functional_improvement = true)",
        "",
        "Line 2 — HCPCS G0260: PENDED for documentation",
        "  Rationale:",
        "    [D.I.B.4] at least two months since the last SIJ injection — unknown (procedures[1].date not",
        "      documented)",
        "  Documentation needed:",
        "    - date of the procedure (procedures[1].date), needed for B4, B5",
        "",
        "Line 3 — CPT 77003: NOT SEPARATELY BILLABLE",
        "  Rationale:",
        "    [D.I.D.1] fluoroscopic guidance billed with an SIJ injection — applies (items[0].code = 27096)",
        "",
      ].join("\n"),
    );
  });

  it("adds the full trace of every criterion when explaining", () => {
    const text = renderText({ ...determination, items: [denied, bundled] }, { explain: true });
    expect(text).toBe(
      [
        'TrueCare MM-1463 "Sacroiliac joint procedures", version 2025-02-26 — date of service 2025-08-01',
        "",
        "Line 1 — CPT 27096: DENIED (not medically necessary)",
        "  Rationale:",
        "    [D.I.B.1] the last SIJ injection gave at least 75% relief and better function — not met:",
        "      last_sij.relief = 60% (needs at least 75%) (procedures[1].relief = 60,",
        "      procedures[1].functional_improvement = true)",
        "  Trace:",
        '    Rule therapeutic_sij [D.I.B] "Therapeutic SIJ injection": applies',
        "      not met  [D.I.B.1] require B1: the last SIJ injection gave at least 75% relief and better",
        "               function",
        "               facts: procedures[1].relief = 60, procedures[1].functional_improvement = true",
        "               values: last_sij.relief = 60% (needs at least 75%)",
        "      met      [D.I.B.4] require B4: at least two months since the last SIJ injection",
        "               facts: procedures[1].date = 2025-05-02",
        "",
        "Line 3 — CPT 77003: NOT SEPARATELY BILLABLE",
        "  Rationale:",
        "    [D.I.D.1] fluoroscopic guidance billed with an SIJ injection — applies (items[0].code = 27096)",
        "  Trace:",
        '    Rule guidance [D.I.D] "Imaging guidance": applies',
        "      not met  [D.I.D.1] bundle D1: fluoroscopic guidance billed with an SIJ injection",
        "               facts: items[0].code = 27096",
        "    Rules that do not apply: rfa [D.II]",
        "",
      ].join("\n"),
    );
  });

  it("explains outcomes decided before any criterion", () => {
    const early: Determination = {
      policy: { ...policy, expires: "2026-06-30" },
      dateOfService: "2025-06-30",
      items: [
        {
          index: 0,
          code: "27096",
          outcome: "policy_not_in_effect",
          rules: [],
          reasons: [],
          missing: [],
          notes: [],
          trace: [],
        },
        {
          index: 1,
          code: "99213",
          outcome: "no_applicable_policy",
          rules: [],
          reasons: [],
          missing: [],
          notes: [],
          trace: [],
        },
      ],
    };
    expect(renderText(early, { explain: true })).toBe(
      [
        'TrueCare MM-1463 "Sacroiliac joint procedures", version 2025-02-26 — date of service 2025-06-30',
        "",
        "Line 1 — CPT 27096: POLICY NOT IN EFFECT",
        "  Rationale:",
        "    The date of service 2025-06-30 is before the policy's effective date 2025-07-01.",
        "  Trace:",
        "    No rule was evaluated.",
        "",
        "Line 2 — CPT 99213: NO APPLICABLE POLICY",
        "  Rationale:",
        "    No rule of this policy applies to CPT 99213.",
        "  Trace:",
        "    No rule was evaluated.",
        "",
      ].join("\n"),
    );
    const late = renderText(
      { ...early, dateOfService: "2026-07-01", items: [early.items[0]!] },
      { explain: false },
    );
    expect(late).toContain("The date of service 2026-07-01 is after the policy's expiry date 2026-06-30.");
  });

  it("lists the met criteria of an approval, or the rules when there is no trace", () => {
    const approved: ItemDetermination = {
      ...denied,
      outcome: "approved",
      reasons: [],
      trace: [
        {
          ...b1,
          status: "met",
          facts: [{ fact: "procedures[1].relief", value: 80 }],
          values: [{ ...b1.values[0]!, value: 80, holds: true }],
        },
        b4,
      ],
    };
    expect(renderText({ ...determination, items: [approved] }, { explain: false })).toBe(
      [
        'TrueCare MM-1463 "Sacroiliac joint procedures", version 2025-02-26 — date of service 2025-08-01',
        "",
        "Line 1 — CPT 27096: APPROVED",
        "  Rationale:",
        "    [D.I.B.1] the last SIJ injection gave at least 75% relief and better function — met:",
        "      last_sij.relief = 80% (needs at least 75%) (procedures[1].relief = 80)",
        "    [D.I.B.4] at least two months since the last SIJ injection — met (procedures[1].date =",
        "      2025-05-02)",
        "",
      ].join("\n"),
    );
    const untraced = renderText(
      { ...determination, items: [{ ...approved, trace: [] }] },
      { explain: false },
    );
    expect(untraced).toContain("    [D.I.B] Therapeutic SIJ injection — every criterion met\n");
  });

  it("names the criteria of the deciding level only, and pends without a trace from the missing facts", () => {
    const coveredB1 = {
      rule: "therapeutic_sij",
      criterion: "B1",
      effect: "require" as const,
      citation: "D.I.B.1",
      description: b1.description,
    };
    const cosmetic = {
      rule: "cosmetic",
      criterion: "X1",
      effect: "not_covered" as const,
      citation: "X.1",
      description: "cosmetic procedures",
    };
    const notCovered: ItemDetermination = {
      ...denied,
      outcome: "not_covered",
      reasons: [coveredB1, cosmetic],
      trace: [],
    };
    const untracedPend: ItemDetermination = {
      ...pended,
      // On a pended item nothing is decided: an exclusion whose condition holds does not "apply" yet.
      reasons: [
        { ...coveredB1, pending: true },
        { ...cosmetic, pending: true },
      ],
      rules: [
        therapeuticRule,
        {
          rule: "rfa",
          title: "Radiofrequency ablation",
          citation: "D.II",
          applies: "unknown",
        },
      ],
      trace: [],
    };
    expect(renderText({ ...determination, items: [notCovered, untracedPend] }, { explain: false })).toBe(
      [
        'TrueCare MM-1463 "Sacroiliac joint procedures", version 2025-02-26 — date of service 2025-08-01',
        "",
        "Line 1 — CPT 27096: NOT COVERED",
        "  Rationale:",
        "    [X.1] cosmetic procedures — applies",
        "",
        "Line 2 — HCPCS G0260: PENDED for documentation",
        "  Rationale:",
        "    [D.I.B.1] the last SIJ injection gave at least 75% relief and better function — not met",
        "    [X.1] cosmetic procedures — its condition holds",
        "    Undecided without the documentation below: B4, B5.",
        "    [D.II] Radiofrequency ablation — whether the rule applies is unknown",
        "  Documentation needed:",
        "    - date of the procedure (procedures[1].date), needed for B4, B5",
        "",
      ].join("\n"),
    );
  });

  it("lists the notes that apply as cautions, apart from the criteria that decided", () => {
    const longTerm: CriterionTrace = {
      rule: "therapeutic_sij",
      criterion: "C4",
      effect: "note",
      citation: "D.I.C.4",
      description: "long-term continuation may be subject to medical necessity review",
      line: 30,
      status: "not_met",
      facts: [],
      missing: [],
      values: [],
    };
    const approved: ItemDetermination = {
      ...denied,
      outcome: "approved",
      reasons: [],
      notes: [
        {
          rule: "therapeutic_sij",
          criterion: "C4",
          citation: "D.I.C.4",
          description: longTerm.description,
        },
      ],
      trace: [{ ...b4 }, longTerm],
    };
    // A pended item's rationale lists what is not known to be met: never a note, even an unknown one.
    const pendedWithNote: ItemDetermination = {
      ...pended,
      trace: [...pended.trace, { ...longTerm, status: "unknown" }],
    };
    expect(renderText({ ...determination, items: [approved, pendedWithNote] }, { explain: true })).toBe(
      [
        'TrueCare MM-1463 "Sacroiliac joint procedures", version 2025-02-26 — date of service 2025-08-01',
        "",
        "Line 1 — CPT 27096: APPROVED",
        "  Rationale:",
        "    [D.I.B.4] at least two months since the last SIJ injection — met (procedures[1].date =",
        "      2025-05-02)",
        "  Cautions:",
        "    - [D.I.C.4] long-term continuation may be subject to medical necessity review (note C4)",
        "  Trace:",
        '    Rule therapeutic_sij [D.I.B] "Therapeutic SIJ injection": applies',
        "      met      [D.I.B.4] require B4: at least two months since the last SIJ injection",
        "               facts: procedures[1].date = 2025-05-02",
        "      not met  [D.I.C.4] note C4: long-term continuation may be subject to medical necessity review",
        "",
        "Line 2 — HCPCS G0260: PENDED for documentation",
        "  Rationale:",
        "    [D.I.B.4] at least two months since the last SIJ injection — unknown (procedures[1].date not",
        "      documented)",
        "  Documentation needed:",
        "    - date of the procedure (procedures[1].date), needed for B4, B5",
        "  Trace:",
        '    Rule therapeutic_sij [D.I.B] "Therapeutic SIJ injection": applies',
        "      unknown  [D.I.B.4] require B4: at least two months since the last SIJ injection",
        "               facts: procedures[1].date not documented",
        "      unknown  [D.I.C.4] note C4: long-term continuation may be subject to medical necessity review",
        "",
      ].join("\n"),
    );
    const json = JSON.parse(renderJson({ ...determination, items: [approved] }));
    expect(json.items[0].notes).toEqual(approved.notes);
    expect(Object.keys(json.items[0].notes[0])).toEqual(["rule", "criterion", "citation", "description"]);
  });

  it("shows lists read whole by their size and long text shortened", () => {
    const listed: ItemDetermination = {
      ...denied,
      trace: [
        {
          ...b1,
          facts: [
            {
              fact: "procedures",
              value: [{ code: "27096" }, { code: "64451" }],
            },
            { fact: "diagnoses", value: [] },
            { fact: "therapies", value: [{}] },
            { fact: "note", value: "word ".repeat(20) },
          ],
        },
      ],
    };
    const text = renderText({ ...determination, items: [listed] }, { explain: false });
    expect(text.replace(/\n +/g, " ")).toContain(
      `(procedures = 2 entries, diagnoses = none, therapies = 1 entry, note = "${"word ".repeat(11)}w...)`,
    );
  });

  it("never writes a line wider than 100 columns", () => {
    const word = fc.string({ minLength: 1, maxLength: 130 }).map((s) => s.replace(/\s/g, "x"));
    const text = fc.array(word, { maxLength: 12 }).map((words) => words.join(" "));
    fc.assert(
      fc.property(text, text, fc.jsonValue(), (title, description, value) => {
        const item: ItemDetermination = {
          ...denied,
          reasons: [{ ...denied.reasons[0]!, description }],
          trace: [
            {
              ...b1,
              description,
              facts: [{ fact: "procedures[0].note", value }],
            },
          ],
        };
        const rendered = renderText(
          { ...determination, policy: { ...policy, title }, items: [item] },
          { explain: true },
        );
        for (const line of rendered.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: runs(200) },
    );
  });
});

describe("renderJson", () => {
  it("prints keys in a fixed order whatever order the objects were built in", () => {
    const shuffled = JSON.parse(JSON.stringify(determination), (_key, value) =>
      value && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) as Determination;
    expect(renderJson(shuffled)).toBe(renderJson(determination));
    const json = renderJson(determination);
    expect(json.endsWith("}\n")).toBe(true);
    expect(JSON.parse(json)).toEqual(determination);
    expect(Object.keys(JSON.parse(json))).toEqual(["policy", "dateOfService", "items"]);
    expect(Object.keys(JSON.parse(json).items[0])).toEqual([
      "index",
      "code",
      "outcome",
      "rules",
      "reasons",
      "missing",
      "notes",
      "trace",
    ]);
  });

  it("renders a small determination exactly, omitting an absent expiry", () => {
    const small: Determination = {
      policy,
      dateOfService: "2025-08-01",
      items: [
        {
          index: 0,
          code: "99213",
          outcome: "no_applicable_policy",
          rules: [],
          reasons: [],
          missing: [],
          notes: [],
          trace: [],
        },
      ],
    };
    expect(renderJson(small)).toBe(`{
  "policy": {
    "id": "truecare.sij",
    "title": "Sacroiliac joint procedures",
    "payer": "TrueCare",
    "number": "MM-1463",
    "version": "2025-02-26",
    "effective": "2025-07-01",
    "source": "policies/truecare/sij.pol",
    "sourceHash": "ab12"
  },
  "dateOfService": "2025-08-01",
  "items": [
    {
      "index": 0,
      "code": "99213",
      "outcome": "no_applicable_policy",
      "rules": [],
      "reasons": [],
      "missing": [],
      "notes": [],
      "trace": []
    }
  ]
}
`);
  });

  it("sorts the keys of object fact values", () => {
    const withObject: Determination = {
      ...determination,
      items: [
        {
          ...denied,
          trace: [
            {
              ...b1,
              facts: [{ fact: "x", value: { b: 1, a: [{ d: 2, c: 3 }] } }],
            },
          ],
        },
      ],
    };
    expect(renderJson(withObject)).toContain('"value": {\n');
    const value = JSON.parse(renderJson(withObject)).items[0].trace[0].facts[0].value;
    expect(JSON.stringify(value)).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
