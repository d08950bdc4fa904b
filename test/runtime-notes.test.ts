// `note` criteria in the decision procedure: cautions that never change the outcome, shown only
// for rules that apply and only when their condition holds (or they have none).
import { describe, expect, it } from "vitest";
import {
  CodeSet,
  Context,
  decideOutcomes,
  determine,
  field,
  inCodes,
  type CriterionEffect,
  type CriterionSpec,
  type PolicyInfo,
  type RuleSpec,
  type SchemaDescriptor,
  type Tri,
} from "@pol/runtime";

/** Every code: these rules apply by their `when` alone. */
const anyCode = new CodeSet([], [""], []);

const schema: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "requested line items" },
        long_term: { type: "bool", label: "long-term management" },
        chronic: { type: "bool", label: "pain is chronic" },
        device: { type: "bool", label: "implanted device" },
      },
    },
    item: {
      label: "requested line item",
      fields: { code: { type: "code", label: "requested procedure code" } },
    },
  },
};

const policy: PolicyInfo = {
  id: "test.notes",
  title: "Notes",
  payer: "TrueCare",
  number: "MM-2",
  version: "1",
  effective: "2025-07-01",
  source: "test.pol",
  sourceHash: "0",
};

const sij = new CodeSet(["27096"], [], []);
const caseBool = (name: string) => (ctx: Context) => field(ctx, "case", ctx.input, name) as Tri;

function criterion(id: string, effect: CriterionEffect, condition?: (ctx: Context) => Tri): CriterionSpec {
  return { id, effect, citation: `C.${id}`, description: `criterion ${id}`, line: 1, ...(condition ? { condition } : {}) };
}

function rule(id: string, applies: (ctx: Context) => Tri, criteria: CriterionSpec[]): RuleSpec {
  return { id, title: `rule ${id}`, citation: `R.${id}`, codes: [anyCode], when: applies, criteria };
}

const injection = rule("injection", (ctx) => inCodes(field(ctx, "item", ctx.item, "code"), sij), [
  criterion("R1", "require", caseBool("chronic")),
  criterion("N_long", "note", caseBool("long_term")),
  criterion("N_always", "note"),
]);
const device = rule("device", caseBool("device"), [criterion("N_device", "note")]);
const rules = [injection, device];

function evaluate(facts: Record<string, unknown>, trace = true) {
  const input = { date_of_service: "2025-08-01", items: [{ code: "27096" }], device: false, ...facts };
  return determine(policy, schema, rules, input, { trace }).items[0]!;
}

describe("determine: notes", () => {
  it("carries the notes that apply, in rule and criterion order, without changing the outcome", () => {
    const item = evaluate({ chronic: true, long_term: true, device: true });
    expect(item.outcome).toBe("approved");
    expect(item.reasons).toEqual([]);
    expect(item.notes).toEqual([
      { rule: "injection", criterion: "N_long", citation: "C.N_long", description: "criterion N_long" },
      { rule: "injection", criterion: "N_always", citation: "C.N_always", description: "criterion N_always" },
      { rule: "device", criterion: "N_device", citation: "C.N_device", description: "criterion N_device" },
    ]);
  });

  it("keeps the notes of a denied item and never makes them reasons", () => {
    const item = evaluate({ chronic: false, long_term: true });
    expect(item.outcome).toBe("denied");
    expect(item.reasons.map((r) => r.criterion)).toEqual(["R1"]);
    expect(item.notes.map((n) => n.criterion)).toEqual(["N_long", "N_always"]);
  });

  it("leaves out a note whose condition is false", () => {
    const item = evaluate({ chronic: true, long_term: false });
    expect(item.notes.map((n) => n.criterion)).toEqual(["N_always"]);
  });

  it("neither shows nor pends on a note whose condition is unknown", () => {
    const item = evaluate({ chronic: true });
    expect(item.outcome).toBe("approved");
    expect(item.missing).toEqual([]);
    expect(item.notes.map((n) => n.criterion)).toEqual(["N_always"]);
  });

  it("does not name an unknown note among the criteria needing a fact another criterion misses", () => {
    const item = evaluate({});
    expect(item.outcome).toBe("pended");
    expect(item.missing).toEqual([{ fact: "chronic", label: "pain is chronic", criteria: ["R1"] }]);
  });

  it("shows only the notes of rules that apply for certain", () => {
    // A rule that may apply but holds only notes cannot change the outcome: no pend either.
    const maybe = evaluate({ chronic: true, long_term: false, device: null });
    expect(maybe.outcome).toBe("approved");
    expect(maybe.rules.map((r) => r.applies)).toEqual(["met", "unknown"]);
    expect(maybe.notes.map((n) => n.criterion)).toEqual(["N_always"]);
    const outside = determine(policy, schema, rules, { date_of_service: "2025-08-01", items: [{ code: "99213" }], device: false });
    expect(outside.items[0]!.outcome).toBe("no_applicable_policy");
    expect(outside.items[0]!.notes).toEqual([]);
  });

  it("traces notes like exclusions: met when it does not apply, not met when it does, else unknown", () => {
    const statuses = (facts: Record<string, unknown>) =>
      evaluate({ chronic: true, ...facts }).trace.filter((t) => t.effect === "note").map((t) => [t.criterion, t.status]);
    expect(statuses({ long_term: false })).toEqual([["N_long", "met"], ["N_always", "not_met"]]);
    expect(statuses({ long_term: true })).toEqual([["N_long", "not_met"], ["N_always", "not_met"]]);
    expect(statuses({})).toEqual([["N_long", "unknown"], ["N_always", "not_met"]]);
  });

  it("gives the same notes without a trace", () => {
    const facts = { chronic: true, long_term: true, device: true };
    expect(evaluate(facts, false).notes).toEqual(evaluate(facts).notes);
  });
});

describe("decideOutcomes: notes", () => {
  it("never evaluates a note and agrees with determine", () => {
    let evaluated = 0;
    const counted = rule("counted", () => true, [
      criterion("R", "require", () => true),
      criterion("N", "note", () => {
        evaluated++;
        return true;
      }),
    ]);
    const input = { date_of_service: "2025-08-01", items: [{ code: "27096" }] };
    expect(decideOutcomes(policy, schema, [counted], input)).toEqual(["approved"]);
    expect(evaluated).toBe(0);
    for (const facts of [{ chronic: true, long_term: true }, { chronic: true }, { chronic: false }, {}]) {
      const full = { ...input, device: true, ...facts };
      expect(decideOutcomes(policy, schema, rules, full)).toEqual(
        determine(policy, schema, rules, full).items.map((i) => i.outcome),
      );
    }
  });
});
