// `decide` is `determine` without the explanation: on every policy (and the code generator's
// fixture) the compiled `decide(case)` gives exactly the outcomes of the compiled `evaluate(case)`
// and of the interpreter; and on synthetic rule tables, where every applicability and condition
// is chosen freely, the runtime's `decideOutcomes` agrees with `determine` outcome for outcome.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { interpret } from "../../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../../src/model.js";
import {
  decideOutcomes,
  determine,
  Unknown,
  type CriterionEffect,
  type CriterionSpec,
  type Outcome,
  type RuleSpec,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";
import { CodeSet as AnyCodeSet } from "@pol/runtime";
import { caseArbitrary, policyHints } from "../support/arbitraries.js";
import { fixturePolicy } from "../support/codegen-fixture.js";
import { constructsPolicy } from "../support/constructs-fixture.js";
import { asked, inEffectAsAsked, loadCompiled, type CompiledEvaluator } from "../support/compiled.js";
import { checkPolicyFile, policyFiles } from "../support/policy-files.js";
import { runs } from "../support/runs.js";
import { syntheticPolicy } from "../support/synthetic-policy.js";

/** Every code: these rules apply by their `when` alone. */
const anyCode = new AnyCodeSet([], [""], []);

/** About 60 ms per case on a slow, busy machine; never less than the suite's default. */
const TIMEOUT = Math.max(60_000, runs(100) * 60);

/** A generated module's `decide`, beside what `loadCompiled` types. */
type WithDecide = CompiledEvaluator & { decide(input: unknown): Outcome[] };

const targets: [string, () => CheckedPolicy][] = [
  ["the code generator fixture", fixturePolicy],
  ["the constructs fixture", constructsPolicy],
  ...policyFiles().map((file): [string, () => CheckedPolicy] => [
    file,
    () => {
      const checked = checkPolicyFile(file);
      if (!checked.policy) throw new Error(checked.failure);
      return checked.policy;
    },
  ]),
];

describe.each(targets)("%s", (_name, load) => {
  let policy: CheckedPolicy;
  let compiled: WithDecide;

  beforeAll(async () => {
    policy = load();
    compiled = (await loadCompiled(policy)) as WithDecide;
  });

  it("compiled decide gives the outcomes of compiled evaluate and of the interpreter", () => {
    const seen = new Set<Outcome>();
    fc.assert(
      fc.property(caseArbitrary(compiled.schema, policyHints(policy)), (input) => {
        const outcomes = compiled.decide(input, asked(policy));
        expect(outcomes).toEqual(compiled.evaluate(input, asked(policy)).items.map((item) => item.outcome));
        expect(outcomes).toEqual(interpret(policy, input, { trace: false, ...asked(policy) }).items.map((item) => item.outcome));
        for (const outcome of outcomes) seen.add(outcome);
      }),
      { numRuns: runs(100) },
    );
    // Several outcomes are reached, so agreement is not agreement on one trivial answer.
    expect(seen.size).toBeGreaterThanOrEqual(3);
  }, TIMEOUT);
});

describe("decideOutcomes on synthetic rule tables", () => {
  const policy = syntheticPolicy("synthetic", "Synthetic");
  const schema: SchemaDescriptor = {
    records: {
      case: { label: "case", fields: {} },
      item: { label: "requested line item", fields: { code: { type: "code", label: "code" } } },
    },
  };
  const unknown = new Unknown([{ fact: "x", label: "x" }]);
  const tri = fc.constantFrom<Tri>(true, false, unknown);
  const effect = fc.constantFrom<CriterionEffect>("require", "deny", "not_covered", "bundle", "authorization", "refer");
  // A condition per line item (the case has two), or none: an unconditional exclusion; and a
  // waiver's condition per line item, or none.
  const criterion = fc.record({
    effect,
    conditions: fc.option(fc.tuple(tri, tri), { nil: undefined }),
    waiver: fc.option(fc.tuple(tri, tri), { nil: undefined }),
  });
  const rule = fc.record({ applies: fc.tuple(tri, tri), criteria: fc.array(criterion, { maxLength: 4 }) });

  /** RuleSpecs whose applicability and conditions for item i are the i-th chosen values. */
  function specs(
    table: { applies: [Tri, Tri]; criteria: { effect: CriterionEffect; conditions?: [Tri, Tri]; waiver?: [Tri, Tri] }[] }[],
  ): RuleSpec[] {
    return table.map((entry, r) => ({
      id: `r${r}`,
      title: `rule ${r}`,
      citation: "",
      codes: [anyCode],
      when: (context) => entry.applies[context.itemIndex]!,
      criteria: entry.criteria.map(({ effect: kind, conditions, waiver }, i): CriterionSpec => {
        let spec: CriterionSpec = { id: `r${r}c${i}`, effect: kind, citation: "", description: "", line: i + 1 };
        if (waiver !== undefined) spec = { ...spec, waivedBy: "w", waiver: (context) => waiver[context.itemIndex]! };
        return conditions === undefined ? spec : { ...spec, condition: (context) => conditions[context.itemIndex]! };
      }),
    }));
  }

  it("agrees with determine for every combination of applicability and criterion status", () => {
    const seen = new Set<Outcome>();
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), fc.constantFrom("2024-06-01", "2025-06-01"), (table, dos) => {
        const rules = specs(table);
        const input = { date_of_service: dos, items: [{ code: "A" }, { code: "B" }] };
        const outcomes = decideOutcomes(policy, schema, rules, input);
        expect(outcomes).toEqual(determine(policy, schema, rules, input, { trace: false }).items.map((i) => i.outcome));
        for (const outcome of outcomes) seen.add(outcome);
      }),
      { numRuns: runs(1000) },
    );
    expect([...seen].sort()).toEqual(
      [
        "approved",
        "authorization_required",
        "denied",
        "no_applicable_policy",
        "not_covered",
        "not_separately_billable",
        "pended",
        "policy_not_in_effect",
        "referred_for_review",
      ],
    );
  });

  it("stops at the first definitely unmet criterion", () => {
    let evaluated = 0;
    const counted = (value: Tri) => () => {
      evaluated++;
      return value;
    };
    const rules: RuleSpec[] = [
      {
        id: "r",
        title: "r",
        citation: "",
        codes: [anyCode],
        when: () => true,
        criteria: [
          { id: "a", effect: "require", citation: "", description: "", line: 1, condition: counted(false) },
          { id: "b", effect: "require", citation: "", description: "", line: 2, condition: counted(true) },
        ],
      },
    ];
    const input = { date_of_service: "2025-06-01", items: [{ code: "A" }] };
    expect(decideOutcomes(policy, schema, rules, input)).toEqual(["denied"]);
    expect(evaluated).toBe(1);
  });
});
