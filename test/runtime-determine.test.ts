import { describe, expect, it } from "vitest";
import {
  CodeSet,
  Context,
  Scans,
  and,
  count,
  none,
  compare,
  decideOutcomes,
  determine,
  field,
  inCodes,
  list,
  fieldsOf,
  perCase,
  perItem,
  not,
  pick,
  some,
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
        chronic: { type: "bool", label: "pain is chronic" },
        malignancy: { type: "bool", label: "active malignancy" },
        procedures: { type: { list: "procedure" }, label: "prior procedures" },
      },
    },
    item: {
      label: "requested line item",
      fields: {
        code: { type: "code", label: "requested procedure code" },
        purpose: { type: { enum: ["diagnostic", "therapeutic"] }, label: "purpose of the request" },
      },
    },
    procedure: {
      label: "prior procedure",
      dated: { start: "date" },
      fields: {
        date: { type: "date", label: "date of the procedure" },
        relief: { type: "percent", label: "percent pain relief" },
        relief_duration: { type: "duration", label: "how long the relief lasted" },
      },
    },
  },
};

const policy: PolicyInfo = {
  id: "test.sij",
  title: "SIJ",
  payer: "TrueCare",
  number: "MM-1",
  version: "1",
  effective: "2025-07-01",
  expires: "2025-12-31",
  source: "test.pol",
  sourceHash: "0",
};

const sij = new CodeSet(["27096"], [], []);
const imaging = new CodeSet(["77003"], [], []);

const caseField = (ctx: Context, name: string) => field(ctx, "case", ctx.input, name);
const itemField = (ctx: Context, name: string) => field(ctx, "item", ctx.item, name);
const lastProcedure = perItem(0, (ctx: Context) =>
  pick(
    "latest",
    list(ctx, fieldsOf<{ procedures: unknown }>(schema, "case").procedures),
    () => true,
    (p) => field(ctx, "procedure", p, "date"),
  ),
);

function criterion(id: string, effect: CriterionEffect, condition?: (ctx: Context) => Tri): CriterionSpec {
  return {
    id,
    effect,
    citation: `[${id}]`,
    description: `criterion ${id}`,
    line: 1,
    ...(condition ? { condition } : {}),
  };
}

function rule(id: string, applies: (ctx: Context) => Tri, criteria: CriterionSpec[]): RuleSpec {
  return { id, title: `rule ${id}`, citation: `[${id}]`, codes: [anyCode], when: applies, criteria };
}

const isSij = (ctx: Context) => inCodes(itemField(ctx, "code"), sij);
const therapeutic = rule(
  "therapeutic",
  (ctx) => and(isSij(ctx), compare("==", itemField(ctx, "purpose"), "therapeutic")),
  [
    criterion("B1", "require", (ctx) => compare(">=", field(ctx, "procedure", lastProcedure(ctx), "relief"), 75)),
    criterion("B2", "require", (ctx) =>
      compare(">=", field(ctx, "procedure", lastProcedure(ctx), "relief_duration"), 42),
    ),
    criterion("X1", "deny", (ctx) => not(caseField(ctx, "chronic") as Tri)),
    criterion("NC", "not_covered", (ctx) => caseField(ctx, "malignancy") as Tri),
  ],
);
const bundled = rule("imaging", (ctx) => inCodes(itemField(ctx, "code"), imaging), [
  criterion("BU", "bundle", (ctx) => some(ctx.otherItems, (other) => inCodes(field(ctx, "item", other, "code"), sij))),
]);
const rules = [therapeutic, bundled];

function makeCase(patch: Record<string, unknown> = {}, procedure: Record<string, unknown> = {}) {
  return {
    date_of_service: "2025-08-01",
    items: [{ code: "27096", purpose: "therapeutic" }],
    chronic: true,
    malignancy: false,
    procedures: [
      { date: "2025-01-01", relief: 40, relief_duration: "1wk" },
      { date: "2025-03-01", relief: 80, relief_duration: "6wk", ...procedure },
    ],
    ...patch,
  };
}

const decide = (input: Record<string, unknown>, trace = true) => determine(policy, schema, rules, input, { trace });
const outcomeOf = (input: Record<string, unknown>) => decide(input).items.map((item) => item.outcome);

describe("determine: outcomes", () => {
  it("approves when every criterion is met", () => {
    const [item] = decide(makeCase()).items;
    expect(item).toMatchObject({ index: 0, code: "27096", outcome: "approved", reasons: [], missing: [] });
    expect(item!.rules).toEqual([
      { rule: "therapeutic", title: "rule therapeutic", citation: "[therapeutic]", applies: "met" },
      { rule: "imaging", title: "rule imaging", citation: "[imaging]", applies: "not_met" },
    ]);
  });

  it.each([
    ["2025-06-30", "policy_not_in_effect"],
    ["2025-07-01", "approved"],
    ["2025-12-31", "approved"],
    ["2026-01-01", "policy_not_in_effect"],
  ])("on %s the policy's dates give %s", (dos, outcome) => {
    const result = decide(makeCase({ date_of_service: dos }));
    expect(result.dateOfService).toBe(dos);
    expect(result.items[0]).toMatchObject({
      outcome,
      ...(outcome === "policy_not_in_effect" ? { rules: [], trace: [] } : {}),
    });
  });

  it("has no applicable policy when no rule applies", () => {
    const [item] = decide(makeCase({ items: [{ code: "99213" }] })).items;
    expect(item).toMatchObject({ outcome: "no_applicable_policy", reasons: [], missing: [], trace: [] });
    expect(item!.rules.map((r) => r.applies)).toEqual(["not_met", "not_met"]);
  });

  it("denies with every unmet criterion as a reason", () => {
    const [item] = decide(makeCase({}, { relief: 60, relief_duration: "2wk" })).items;
    expect(item!.outcome).toBe("denied");
    expect(item!.reasons).toEqual([
      { rule: "therapeutic", criterion: "B1", effect: "require", citation: "[B1]", description: "criterion B1" },
      { rule: "therapeutic", criterion: "B2", effect: "require", citation: "[B2]", description: "criterion B2" },
    ]);
  });

  it("ranks not covered over denied, and not separately billable over approved", () => {
    expect(outcomeOf(makeCase({ malignancy: true, chronic: false }))).toEqual(["not_covered"]);
    const two = makeCase({ items: [{ code: "27096", purpose: "therapeutic" }, { code: "77003" }] });
    expect(outcomeOf(two)).toEqual(["approved", "not_separately_billable"]);
    expect(outcomeOf(makeCase({ items: [{ code: "77003" }] }))).toEqual(["approved"]);
  });

  it("lists every unmet criterion of the decided rules, whatever its level", () => {
    const [item] = decide(makeCase({ malignancy: true, chronic: false })).items;
    expect(item!.reasons.map((r) => r.criterion)).toEqual(["X1", "NC"]);
  });
});

describe("determine: pended and missing documentation", () => {
  it("pends when a criterion is unknown, naming the fact, its label and the criteria needing it", () => {
    const [item] = decide(makeCase({}, { relief: null })).items;
    expect(item).toMatchObject({ outcome: "pended", reasons: [] });
    expect(item!.missing).toEqual([{ fact: "procedures[1].relief", label: "percent pain relief", criteria: ["B1"] }]);
  });

  it("collects each missing fact once with all the criteria that need it", () => {
    const [item] = decide(makeCase({ chronic: null }, { date: null })).items;
    expect(item!.outcome).toBe("pended");
    expect(item!.missing).toEqual([
      { fact: "procedures[1].date", label: "date of the procedure", criteria: ["B1", "B2"] },
      { fact: "chronic", label: "pain is chronic", criteria: ["X1"] },
    ]);
  });

  it("decides with an unknown when a stronger level already decides", () => {
    const [item] = decide(makeCase({ malignancy: true }, { relief: null })).items;
    expect(item).toMatchObject({ outcome: "not_covered", missing: [] });
  });

  it("pends when a stronger level is unknown, even if a weaker one is not met", () => {
    const [item] = decide(makeCase({ malignancy: null, chronic: false })).items;
    expect(item!.outcome).toBe("pended");
    expect(item!.reasons.map((r) => r.criterion)).toEqual(["X1"]);
    expect(item!.missing).toEqual([{ fact: "malignancy", label: "active malignancy", criteria: ["NC"] }]);
  });

  it("pends on an unknown rule applicability, naming the rule", () => {
    const [item] = decide(makeCase({ items: [{ code: "27096" }] }, { relief: 10 })).items;
    expect(item!.outcome).toBe("pended");
    expect(item!.rules[0]!.applies).toBe("unknown");
    expect(item!.reasons.map((r) => r.criterion)).toEqual(["B1"]);
    expect(item!.missing).toEqual([
      { fact: "items[0].purpose", label: "purpose of the request", criteria: ["therapeutic"] },
    ]);
  });

  it("pends when a rule that may apply would approve where none applies for certain", () => {
    expect(outcomeOf(makeCase({ items: [{ code: "27096" }] }))).toEqual(["pended"]);
  });

  it("decides when the rules that may apply cannot change the outcome", () => {
    const always = rule("always", () => true, [criterion("N0", "not_covered")]);
    const result = determine(
      policy,
      schema,
      [always, therapeutic],
      makeCase({ items: [{ code: "27096" }] }, { relief: 10 }),
    );
    expect(result.items[0]).toMatchObject({ outcome: "not_covered", missing: [] });
    expect(result.items[0]!.reasons.map((r) => r.criterion)).toEqual(["N0"]);
  });

  it("is monotone: a decision reached with unknowns survives every value of them", () => {
    // relief unknown but the deny criterion already decides denied.
    const decided = (relief: unknown) => outcomeOf(makeCase({ chronic: false }, { relief }));
    expect(decided(null)).toEqual(["denied"]);
    for (const relief of [0, 74, 75, 100]) expect(decided(relief)).toEqual(["denied"]);
    // relief alone is missing: pended, and the values it could take lead to different outcomes.
    const pending = (relief: unknown) => outcomeOf(makeCase({}, { relief }));
    expect(pending(null)).toEqual(["pended"]);
    expect(pending(74)).toEqual(["denied"]);
    expect(pending(75)).toEqual(["approved"]);
  });
});

describe("determine: trace", () => {
  it("records the facts each criterion read, in order and deduplicated, with raw values", () => {
    const [item] = decide(makeCase({}, { relief_duration: null })).items;
    const b1 = item!.trace.find((t) => t.criterion === "B1")!;
    expect(b1).toMatchObject({ rule: "therapeutic", effect: "require", status: "met", line: 1, missing: [] });
    expect(b1.facts.map((f) => f.fact)).toEqual([
      "procedures",
      "procedures[0].date",
      "procedures[1].date",
      "procedures[1].relief",
    ]);
    expect(b1.facts.at(-1)).toEqual({ fact: "procedures[1].relief", value: 80 });
    const b2 = item!.trace.find((t) => t.criterion === "B2")!;
    // The memoised `last` replays the reads it made for B1.
    expect(b2.facts.map((f) => f.fact)).toEqual([
      "procedures",
      "procedures[0].date",
      "procedures[1].date",
      "procedures[1].relief_duration",
    ]);
    expect(b2.facts.at(-1)).toEqual({ fact: "procedures[1].relief_duration", value: null });
    expect(b2).toMatchObject({
      status: "unknown",
      missing: [{ fact: "procedures[1].relief_duration", label: "how long the relief lasted" }],
    });
    expect(item!.trace.map((t) => [t.criterion, t.status])).toEqual([
      ["B1", "met"],
      ["B2", "unknown"],
      ["X1", "met"],
      ["NC", "met"],
    ]);
  });

  it("traces other items by their own paths", () => {
    const input = makeCase({ items: [{ code: "77003" }, { code: "27096", purpose: "therapeutic" }] });
    const [imagingItem] = decide(input).items;
    expect(imagingItem!.trace[0]!.facts).toEqual([{ fact: "items[1].code", value: "27096" }]);
  });

  it("leaves the trace empty when not tracing, with the same outcome", () => {
    const input = makeCase({}, { relief: null });
    const [traced] = decide(input).items;
    const [plain] = decide(input, false).items;
    expect(plain!.trace).toEqual([]);
    expect({ ...plain, trace: [] }).toEqual({ ...traced, trace: [] });
  });
});

describe("Context", () => {
  const input = makeCase({ items: [{ code: "a" }, { code: "b" }, { code: "c" }] });
  it("tracks the current item and the others", () => {
    const ctx = new Context(schema, input, false);
    ctx.beginItem(1);
    expect(ctx.item).toBe(input.items[1]);
    expect(ctx.otherItems.map((i) => i.code)).toEqual(["a", "c"]);
    expect(ctx.dos).toBe("2025-08-01");
  });
  it("caches a let per item (perItem) or per case (perCase), by slot", () => {
    const ctx = new Context(schema, input, false);
    let computed = 0;
    const x = perItem(0, () => ++computed);
    const y = perItem(1, () => 10 * ++computed);
    const z = perCase(0, () => 100 * ++computed);
    ctx.beginItem(0);
    expect(x(ctx)).toBe(1);
    expect(x(ctx)).toBe(1);
    expect(y(ctx)).toBe(20);
    expect(z(ctx)).toBe(300);
    ctx.beginItem(1);
    expect(x(ctx)).toBe(4);
    expect(z(ctx)).toBe(300);
    expect(perItem(0, () => "fresh")(new Context(schema, input, false))).toBe("fresh");
  });
  it("remembers memberships of a full scan for the item, with `scans`, and reads them again", () => {
    const ctx = new Context(schema, input, false);
    ctx.scans = new Scans();
    const rows = input.procedures as Record<string, unknown>[];
    let tested = 0;
    const member = (row: Record<string, unknown>): boolean => (tested++, row.side === "left");
    ctx.beginItem(0);
    const counted = count(rows, member, ctx);
    expect(tested).toBe(rows.length);
    // `no` and `latest` over the same list and membership read what `count` remembered.
    expect(none(rows, member, ctx)).toBe(counted === 0);
    expect(pick("latest", rows, member, (row) => row.date, ctx)).toBe(pick("latest", rows, member, (row) => row.date));
    expect(tested).toBe(2 * rows.length); // the second pick passed no context
    // Another membership function, another list or the next item: tested again.
    count(rows, (row) => member(row), ctx);
    count(rows.slice(), member, ctx);
    expect(tested).toBe(4 * rows.length);
    ctx.beginItem(1);
    count(rows, member, ctx);
    expect(tested).toBe(5 * rows.length);
    // `some` stops at the first member: it reads remembered memberships but remembers none.
    ctx.beginItem(2);
    some(rows, member, ctx);
    const afterSome = tested;
    some(rows, member, ctx);
    expect(tested).toBeGreaterThan(afterSome);
  });
  it("uses remembered memberships in a tracing context only while no read is recorded", () => {
    const ctx = new Context(schema, input, true);
    ctx.scans = new Scans();
    const rows = input.procedures as Record<string, unknown>[];
    let tested = 0;
    const member = (row: Record<string, unknown>, c: Context): boolean => {
      tested++;
      c.recordField(row, "side", row.side);
      return row.side === "left";
    };
    ctx.beginItem(0);
    // Outside a criterion's reads (the values a trace shows): the second count reuses the first's.
    count(rows, member, ctx);
    count(rows, member, ctx);
    expect(tested).toBe(rows.length);
    // A criterion's trace lists its own reads: it tests every element again.
    ctx.beginReads();
    count(rows, member, ctx);
    expect(ctx.endReads().map((fact) => fact.fact)).toEqual(rows.map((_, i) => `procedures[${i}].side`));
    expect(tested).toBe(2 * rows.length);
    // Memberships worked out while reads were recorded serve the values shown after them.
    ctx.beginItem(1);
    ctx.beginReads();
    count(rows, member, ctx);
    ctx.endReads();
    count(rows, member, ctx);
    expect(tested).toBe(3 * rows.length);
  });
  it("lists a fact once per criterion, as one object across criteria, by the current item's position", () => {
    const shared = { code: "a" };
    const twice = makeCase({ items: [shared, shared, { code: "b" }] });
    const ctx = new Context(schema, twice, true);
    const traced = (index: number) => {
      ctx.beginItem(index);
      ctx.beginReads();
      ctx.recordField(ctx.item, "code", ctx.item.code);
      ctx.recordField(twice.items[2]!, "code", "b");
      ctx.recordField(ctx.item, "code", ctx.item.code);
      return ctx.endReads();
    };
    const first = traced(0);
    expect(first).toEqual([
      { fact: "items[0].code", value: "a" },
      { fact: "items[2].code", value: "b" },
    ]);
    expect(traced(0)[1]).toBe(first[1]);
    // The same object listed again at position 1 is read there as items[1].
    expect(traced(1).map((fact) => fact.fact)).toEqual(["items[1].code", "items[2].code"]);
  });
  it("remembers no memberships without `scans` (the interpreter, and traces)", () => {
    const ctx = new Context(schema, input, true);
    const rows = input.procedures as Record<string, unknown>[];
    let tested = 0;
    const member = (row: Record<string, unknown>): boolean => (tested++, row.side === "left");
    ctx.beginItem(0);
    count(rows, member, ctx);
    count(rows, member, ctx);
    expect(tested).toBe(2 * rows.length);
  });
  it("names the paths of records and never throws for strangers", () => {
    const ctx = new Context(schema, input, false);
    expect(ctx.pathOf(input)).toBe("");
    expect(ctx.pathOf(input.items[2]!)).toBe("items[2]");
    expect(ctx.pathOf(input.procedures[1]!)).toBe("procedures[1]");
    expect(ctx.pathOf({})).toBe("?");
  });
  it("names a record listed twice by its first place, asked for a few paths or many", () => {
    const shared = { date: "2025-01-02" };
    const twice = makeCase({ items: [{ code: "a" }, shared], procedures: [{ date: "2025-01-01" }, shared] });
    const ctx = new Context(schema, twice, true);
    expect(ctx.pathOf(shared)).toBe("items[1]");
    expect(ctx.pathOf(twice.procedures[0]!)).toBe("procedures[0]");
    expect(ctx.pathOf({})).toBe("?");
    // Past a few paths a case's elements are indexed: the same answers.
    for (let i = 0; i < 20; i++) ctx.pathOf({});
    expect(ctx.pathOf(shared)).toBe("items[1]");
    expect(ctx.pathOf(twice.procedures[0]!)).toBe("procedures[0]");
  });
  it("names the paths of elements of lists nested in records", () => {
    const nested: SchemaDescriptor = {
      records: {
        case: { label: "case", fields: { visits: { type: { list: "visit" }, label: "office visits" } } },
        item: { label: "line item", fields: { code: { type: "code", label: "code" } } },
        visit: { label: "visit", fields: { diagnoses: { type: { list: "diagnosis" }, label: "diagnoses" } } },
        diagnosis: { label: "diagnosis", fields: { code: { type: "code", label: "diagnosis code" } } },
      },
    };
    const diagnosis = { code: "B02.9" };
    const visits = [{ diagnoses: [] }, { diagnoses: [{ code: "M54.5" }, diagnosis] }];
    const ctx = new Context(nested, { date_of_service: "2025-08-01", items: [{ code: "a" }], visits }, false);
    expect(ctx.pathOf(diagnosis)).toBe("visits[1].diagnoses[1]");
    expect(field(ctx, "diagnosis", { code: null }, "code")).toMatchObject({ missing: [{ fact: "?.code" }] });
  });
  it("reads fields: none, unknown records, durations in days, absent facts", () => {
    const ctx = new Context(schema, input, false);
    expect(field(ctx, "procedure", null, "relief")).toBeNull();
    expect(field(ctx, "procedure", input.procedures[1], "relief_duration")).toBe(42);
    expect(field(ctx, "procedure", input.procedures[0], "relief_duration")).toBe(7);
    expect(field(ctx, "case", input, "chronic")).toBe(true);
    expect(field(ctx, "case", { ...input }, "nothing")).toMatchObject({
      missing: [{ fact: "?.nothing", label: "nothing" }],
    });
    const missingList = list(ctx, { record: "case", name: "absent", label: "absent records", duration: false, shape: "list", inherited: false });
    expect(missingList).toMatchObject({ missing: [{ fact: "absent", label: "absent records" }] });
    expect(field(ctx, "procedure", missingList, "relief")).toBe(missingList);
  });
});

describe("decideOutcomes tries cheaper criteria first", () => {
  it("within a level, where the order cannot change the outcome, and gives determine's outcome", () => {
    const evaluated: string[] = [];
    const criterion = (id: string, cost: number): CriterionSpec => ({
      id,
      effect: "require",
      citation: id,
      description: id,
      line: 1,
      cost,
      condition: () => {
        evaluated.push(id);
        return false;
      },
    });
    const rules: RuleSpec[] = [
      { id: "r", title: "r", citation: "r", codes: [sij], criteria: [criterion("scans the history", 3), criterion("reads a fact", 0)] },
    ];
    const input = makeCase();
    expect(decideOutcomes(policy, schema, rules, input)).toEqual(determine(policy, schema, rules, input).items.map((i) => i.outcome));
    evaluated.length = 0;
    decideOutcomes(policy, schema, rules, input);
    expect(evaluated).toEqual(["reads a fact"]);
  });
});
