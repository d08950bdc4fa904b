// The determination without the trace, against a model of docs/language.md's "Outcomes" written
// here from the text: on random rule tables (every effect, waivers, unconditional exclusions and
// notes, rules whose code sets or `when` leave them unknown) and requests of one to three line
// items (codes in and out of the rules' sets, absent, or a number from a case that skipped
// validation), each item's outcome, rule applications, reasons and notes are what the model says;
// what a pended item asks for, which relevance works out, is what the traced determination asks
// for. The untraced path builds none of the traced path's objects, so the two are checked
// against each other as well as against the model, and through one set of entry points reused
// from case to case.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  and,
  CodeSet,
  type ConditionParts,
  type CriterionEffect,
  type CriterionSpec,
  type Determination,
  determine,
  evaluators,
  LEVEL_OUTCOMES,
  type Missing,
  or,
  type Outcome,
  type PolicyInfo,
  type RuleSpec,
  type SchemaDescriptor,
  type Tri,
  Unknown,
} from "@pol/runtime";
import { property } from "./support/runs.js";

const schema: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "requested line items" },
      },
    },
    item: { label: "requested line item", fields: { code: { type: "code", label: "code" } } },
  },
};

const policy: PolicyInfo = {
  id: "test.determination",
  title: "determination",
  payer: "test",
  number: "1",
  version: "1",
  effective: "2025-01-01",
  source: "test.pol",
  sourceHash: "0",
};

const missing = (...facts: string[]): Missing[] => facts.map((fact) => ({ fact, label: `the ${fact}` }));
const UNKNOWNS = [new Unknown(missing("a", "b")), new Unknown(missing("b")), new Unknown(missing("c"))];
/** true, false or one of the unknowns: drawn so that about a third of the values are unknown. */
const truthArbitrary: fc.Arbitrary<Tri> = fc.oneof(fc.boolean(), fc.constantFrom(...UNKNOWNS));

const EFFECTS: CriterionEffect[] = ["require", "deny", "not_covered", "bundle", "authorization", "refer", "note", "waive", "approve"];
const CODES = ["1", "2", "3"];

interface CriterionDraft {
  effect: CriterionEffect;
  /** undefined: no condition (an unconditional exclusion or note; `approve` never has one). */
  condition: Tri | undefined;
  /** When drawn, the condition is `and` or `or` of `condition` and `other`, with those two tests as
   *  its parts (keyed by their value, as a let's test met again is the same test). */
  split: { junction: "and" | "or"; other: Tri } | undefined;
  /** Which criterion of the rule waives this one, if that one is a `waive`. */
  waivedBy: number | undefined;
}

interface RuleDraft {
  codes: string[];
  when: Tri | undefined;
  criteria: CriterionDraft[];
}

const ruleArbitrary: fc.Arbitrary<RuleDraft> = fc.record({
  codes: fc.subarray(CODES, { minLength: 1 }),
  when: fc.option(truthArbitrary, { nil: undefined, freq: 2 }),
  criteria: fc.array(
    fc.record({
      effect: fc.constantFrom(...EFFECTS),
      condition: fc.option(truthArbitrary, { nil: undefined, freq: 4 }),
      split: fc.option(fc.record({ junction: fc.constantFrom<"and" | "or">("and", "or"), other: truthArbitrary }), { nil: undefined }),
      waivedBy: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

/** An item's code: in some rules' sets, absent, or a number (a case that skipped validation):
 *  unknown either way. */
const codeArbitrary = fc.oneof(fc.constantFrom<unknown>(...CODES), fc.constant(undefined), fc.constant(2), fc.constant("9"));

function waiverOf(rule: RuleDraft, draft: CriterionDraft): CriterionDraft | undefined {
  const waiver = draft.waivedBy === undefined ? undefined : rule.criteria[draft.waivedBy];
  const waivable = waiver !== undefined && waiver.effect === "waive" && draft.effect !== "waive" && draft.effect !== "note";
  return waivable ? waiver : undefined;
}

/** A test's key: the same for the same value. */
const keyOf = (value: Tri): string => (value instanceof Unknown ? `unknown ${UNKNOWNS.indexOf(value)}` : String(value));

/** A criterion's condition and parts as a generated module gives them. */
function conditionOf(draft: CriterionDraft): Pick<CriterionSpec, "condition" | "parts"> {
  const { condition, split } = draft;
  if (draft.effect === "approve" || condition === undefined) return {};
  if (split === undefined) return { condition: () => condition };
  const value = split.junction === "and" ? and(condition, split.other) : or(condition, split.other);
  const values = [condition, split.other];
  const parts: ConditionParts = { shape: [split.junction, 0, 1], parts: values.map((test) => ({ key: keyOf(test) })), values: () => values };
  return { condition: () => value, parts };
}

function rulesOf(table: RuleDraft[]): RuleSpec[] {
  return table.map((rule, r) => ({
    id: `r${r}`,
    title: `rule ${r}`,
    citation: `R.${r}`,
    codes: [new CodeSet(rule.codes, [], [])],
    ...(rule.when === undefined ? {} : { when: () => rule.when! }),
    criteria: rule.criteria.map((draft, c): CriterionSpec => {
      const waiver = waiverOf(rule, draft);
      const waives = waiver === undefined ? undefined : conditionOf(waiver).condition;
      return {
        id: `c${r}_${c}`,
        effect: draft.effect,
        citation: `C.${r}.${c}`,
        description: `criterion ${c} of rule ${r}`,
        line: c + 1,
        ...conditionOf(draft),
        ...(waiver === undefined ? {} : { waivedBy: `c${r}_${draft.waivedBy}`, waiver: waives ?? (() => false) }),
      };
    }),
  }));
}

// ---------------------------------------------------------------------------------------------
// The model, from the text: three truth values as "yes", "no", "unknown".

type Truth = "yes" | "no" | "unknown";
type Status = "met" | "not_met" | "unknown" | "waived";

const truthOf = (value: Tri | undefined): Truth => (value === true ? "yes" : value instanceof Unknown ? "unknown" : "no");

function conjunction(a: Truth, b: Truth): Truth {
  return a === "no" || b === "no" ? "no" : a === "unknown" || b === "unknown" ? "unknown" : "yes";
}

function disjunction(a: Truth, b: Truth): Truth {
  return a === "yes" || b === "yes" ? "yes" : a === "unknown" || b === "unknown" ? "unknown" : "no";
}

/** A criterion's condition: undefined when it has none. */
function conditionTruth(draft: CriterionDraft): Truth | undefined {
  if (draft.effect === "approve" || draft.condition === undefined) return undefined;
  const own = truthOf(draft.condition);
  if (draft.split === undefined) return own;
  return (draft.split.junction === "and" ? conjunction : disjunction)(own, truthOf(draft.split.other));
}

/** Whether a rule applies to an item with code `code`: its code sets, then its `when`. */
function applicability(rule: RuleDraft, code: unknown): Truth {
  // A code is text that is not blank (docs/semantics.md, "Text"); anything else is not known.
  const inSet: Truth = typeof code !== "string" || code.trim() === "" ? "unknown" : rule.codes.includes(code) ? "yes" : "no";
  return inSet === "no" ? "no" : conjunction(inSet, rule.when === undefined ? "yes" : truthOf(rule.when));
}

const LEVEL: Record<CriterionEffect, number | undefined> = {
  not_covered: 0,
  bundle: 1,
  require: 2,
  deny: 2,
  approve: 2,
  authorization: 3,
  refer: 4,
  note: undefined,
  waive: undefined,
};

/**
 * A criterion's status: `approve` is met; `require` (and a `waive`) is met when its condition
 * holds; the others stand in the way when their condition holds or when they have none. A waiver
 * that holds waives a criterion not met or unknown; one that is unknown leaves it unknown.
 */
function statusOf(rule: RuleDraft, draft: CriterionDraft): Status {
  let own: Status;
  const condition = conditionTruth(draft);
  if (draft.effect === "approve") own = "met";
  else if (condition === "unknown") own = "unknown";
  else if (draft.effect === "require" || draft.effect === "waive") own = condition === "yes" ? "met" : "not_met";
  else own = condition === undefined || condition === "yes" ? "not_met" : "met";
  const waiver = waiverOf(rule, draft);
  if (waiver === undefined || own === "met") return own;
  const holds = conditionTruth(waiver) ?? "no";
  return holds === "yes" ? "waived" : holds === "unknown" ? "unknown" : own;
}

/** The outcome of a set of rules: the strongest level with a criterion not met, unless a stronger one is unknown. */
function outcomeOf(rules: RuleDraft[]): Outcome {
  if (rules.length === 0) return "no_applicable_policy";
  let notMet = Infinity;
  let unknown = Infinity;
  for (const rule of rules) {
    for (const draft of rule.criteria) {
      const level = LEVEL[draft.effect];
      if (level === undefined) continue;
      const status = statusOf(rule, draft);
      if (status === "not_met") notMet = Math.min(notMet, level);
      if (status === "unknown") unknown = Math.min(unknown, level);
    }
  }
  if (unknown < notMet) return "pended";
  return notMet === Infinity ? "approved" : LEVEL_OUTCOMES[notMet]!;
}

interface ModelItem {
  outcome: Outcome;
  rules: { rule: string; applies: Status }[];
  reasons: { rule: string; criterion: string; pending: boolean }[];
  notes: { rule: string; criterion: string }[];
}

function modelItem(table: RuleDraft[], code: unknown): ModelItem {
  const applies = table.map((rule) => applicability(rule, code));
  const rules = applies.map((truth, r) => ({ rule: `r${r}`, applies: (truth === "yes" ? "met" : truth === "no" ? "not_met" : "unknown") as Status }));
  const definite = table.filter((_, r) => applies[r] === "yes");
  const relevant = table.filter((_, r) => applies[r] !== "no");
  if (relevant.length === 0) return { outcome: "no_applicable_policy", rules, reasons: [], notes: [] };
  const certain = outcomeOf(definite);
  const outcome = certain === outcomeOf(relevant) && certain !== "pended" ? certain : "pended";
  const pending = outcome === "pended";
  const reasons: ModelItem["reasons"] = [];
  const notes: ModelItem["notes"] = [];
  table.forEach((rule, r) => {
    rule.criteria.forEach((draft, c) => {
      if (statusOf(rule, draft) !== "not_met") return;
      const criterion = { rule: `r${r}`, criterion: `c${r}_${c}` };
      if (LEVEL[draft.effect] !== undefined && (applies[r] === "yes" || (pending && applies[r] === "unknown"))) reasons.push({ ...criterion, pending });
      if (draft.effect === "note" && applies[r] === "yes") notes.push(criterion);
    });
  });
  return { outcome, rules, reasons, notes };
}

/** What the model speaks of in a determination's item. */
function observed(determination: Determination): ModelItem[] {
  return determination.items.map((item) => ({
    outcome: item.outcome,
    rules: item.rules.map(({ rule, applies }) => ({ rule, applies })),
    reasons: item.reasons.map(({ rule, criterion, pending }) => ({ rule, criterion, pending: pending === true })),
    notes: item.notes.map(({ rule, criterion }) => ({ rule, criterion })),
  }));
}

/** The traced determination with its trace left out: what the untraced one must be, byte for byte. */
function withoutTrace(determination: Determination): string {
  return JSON.stringify({ ...determination, items: determination.items.map((item) => ({ ...item, trace: [] })) });
}

describe("the determination without the trace", () => {
  it("is the model's outcome, rules, reasons and notes, and the traced determination without its trace", () => {
    let pended = 0;
    let items = 0;
    fc.assert(
      fc.property(
        fc.array(ruleArbitrary, { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(codeArbitrary, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        (table, requests) => {
          const rules = rulesOf(table);
          // One set of entry points for every request: their context and working space are reused.
          const entry = evaluators<Record<string, unknown>>(policy, schema, rules);
          for (const codes of requests) {
            const input = { date_of_service: "2025-08-01", items: codes.map((code) => (code === undefined ? {} : { code })) };
            const untraced = entry.evaluateTrusted(input, { trace: false });
            expect(observed(untraced)).toEqual(codes.map((code) => modelItem(table, code)));
            expect(untraced.items.map((item) => item.code)).toEqual(codes.map((code) => String(code)));
            expect(JSON.stringify(untraced)).toBe(withoutTrace(entry.evaluateTrusted(input, { trace: true })));
            expect(JSON.stringify(determine(policy, schema, rules, input, { trace: false }))).toBe(JSON.stringify(untraced));
            items += untraced.items.length;
            pended += untraced.items.filter((item) => item.outcome === "pended").length;
          }
        },
      ),
      // Stops at the first counterexample rather than shrinking it at length (the failure's seed
      // replays it: POL_SEED, POL_PATH).
      { ...property("the determination without the trace", 300), endOnFailure: true },
    );
    // Pended items are where what is asked for comes from relevance: enough of them must be drawn.
    expect(pended).toBeGreaterThan(items / 10);
  });
});
