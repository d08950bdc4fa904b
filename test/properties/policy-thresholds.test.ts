// A boundary test for every threshold literal in policies/: each comparison with a literal (a
// number, a percent, a duration, `time since`/`time between` against days, weeks, months or
// years, a count) is evaluated with its other side set just below, at and just above the literal,
// and must flip exactly where its operator says. The comparison is evaluated in place, through
// the interpreter's own evaluator with the non-literal side replaced by the controlled value, so
// thresholds inside lets and `where` conditions are reached too. Where a criterion is nothing but
// the comparison of a case fact, the same boundary is also checked black-box: a case with that
// fact just below, at and above, through the interpreter and the compiled evaluator.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { DurationLiteral, Expression, Span } from "../../src/ast.js";
import { Evaluator } from "../../src/interpret/evaluate.js";
import { interpret } from "../../src/interpret/interpreter.js";
import type { Expr, LoweredPolicy } from "../../src/lower/ir.js";
import { lower } from "../../src/lower/lower.js";
import type { CheckedPolicy } from "../../src/model.js";
import { Context, type CompareOperator, type Determination, type Status } from "@pol/runtime";
import { schemaDescriptor } from "../../src/schema-descriptor.js";
import { caseArbitrary, policyHints } from "../support/arbitraries.js";
import { asked, loadCompiled, type CompiledEvaluator } from "../support/compiled.js";
import { oracleAddDays, oracleAddMonths, oracleDaysBetween } from "../support/oracle-dates.js";
import { checkPolicyFile, policyFiles } from "../support/policy-files.js";
import { property } from "../support/runs.js";
import { ownerName, thresholdsOf, type Threshold } from "../support/threshold-literals.js";

const MATH: Record<CompareOperator, (a: number, b: number) => boolean> = {
  ">=": (a, b) => a >= b,
  ">": (a, b) => a > b,
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

/** Whether `threshold` should hold when its operand is `sign` (-1 below, 0 at, 1 above) the literal. */
function expected(threshold: Threshold, sign: number): boolean {
  return threshold.literalFirst ? MATH[threshold.operator](0, sign) : MATH[threshold.operator](sign, 0);
}

/** The interpreter's evaluator with the lowered node of one source span answered by a controlled value. */
class Substituting extends Evaluator {
  constructor(
    policy: LoweredPolicy,
    schema: ReturnType<typeof schemaDescriptor>,
    private readonly target: Span,
    private readonly replacement: unknown,
  ) {
    super(policy, schema);
  }

  override value(expr: Expr, ctx: Context, elements: readonly unknown[]): unknown {
    return expr.span === this.target ? this.replacement : super.value(expr, ctx, elements);
  }
}

const loweredPolicies = new WeakMap<CheckedPolicy, LoweredPolicy>();

/** The lowered node a source span became (lowering keeps each node's span object). */
function loweredAt(policy: LoweredPolicy, span: Span): Expr {
  let found: Expr | undefined;
  const visit = (value: unknown): void => {
    if (found !== undefined || typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) return value.forEach(visit);
    const node = value as Record<string, unknown>;
    if (node.span === span && (node.kind === "compare" || node.kind === "compareElapsed")) {
      found = node as unknown as Expr;
      return;
    }
    for (const [key, child] of Object.entries(node)) if (key !== "span") visit(child);
  };
  visit([policy.lets, policy.lists, policy.computed, policy.rules]);
  if (found === undefined) throw new Error(`no lowered comparison at ${span.start.line}:${span.start.column}`);
  return found;
}

function evaluateWith(policy: CheckedPolicy, threshold: Threshold, operand: unknown): unknown {
  let lowered = loweredPolicies.get(policy);
  if (lowered === undefined) loweredPolicies.set(policy, (lowered = lower(policy)));
  const schema = schemaDescriptor(policy.schema);
  const context = new Context(schema, { date_of_service: "2025-07-01", items: [{ code: "00000" }] }, false);
  context.beginItem(0);
  const comparison = loweredAt(lowered, threshold.comparison.span);
  return new Substituting(lowered, schema, threshold.operand.span, operand).value(comparison, context, []);
}

/** `from + literal`, by the date oracle. */
function reached(from: string, literal: DurationLiteral, sign: 1 | -1 = 1): string {
  const amount = sign * literal.amount;
  switch (literal.unit) {
    case "d":
      return oracleAddDays(from, amount);
    case "wk":
      return oracleAddDays(from, amount * 7);
    case "mo":
      return oracleAddMonths(from, amount);
    case "y":
      return oracleAddMonths(from, amount * 12);
    case "h":
      throw new Error("a date is never shifted by hours (POL3043)");
  }
}

/** A scalar operand's samples: [value, sign] just below, at and just above, then the adjacent doubles. */
function scalarSamples(threshold: Threshold, literal: number): { named: number[]; all: [number, number][] } {
  const step = threshold.operand.kind === "CountExpression" || threshold.literal.kind === "DurationLiteral" ? 1 : 0.1;
  const named = [literal - step, literal, literal + step];
  const ulp = (Math.abs(literal) || 1) * Number.EPSILON;
  const all: [number, number][] = [
    [named[0]!, -1],
    [literal, 0],
    [named[2]!, 1],
    [literal - ulp, -1],
    [literal + ulp, 1],
  ];
  return { named: named.map((n) => Number(n.toFixed(6))), all };
}

/** The literal's value in the operand's unit (days for fixed durations). */
function literalValue(threshold: Threshold): number | string {
  const literal = threshold.literal;
  switch (literal.kind) {
    case "NumberLiteral":
    case "PercentLiteral":
      return literal.value;
    case "DateLiteral":
      return literal.value;
    case "DurationLiteral":
      if (literal.unit === "mo" || literal.unit === "y") throw new Error(`a calendar literal outside \`time since\`: ${threshold.text}`);
      return literal.unit === "wk" ? literal.amount * 7 : literal.amount;
  }
}

/** Dates where month arithmetic clamps, or does not. */
const FROM_DATES = ["2025-01-31", "2024-02-29", "2023-12-31", "2025-03-15"];

interface Case {
  name: string;
  check(): void;
}

function casesOf(policy: CheckedPolicy, threshold: Threshold): Case {
  const where = `${ownerName(threshold.owner)} ${threshold.text}`;
  const kind = policy.typeOf(threshold.operand).kind;
  const fail = (value: unknown, want: boolean, got: unknown) => `${threshold.text} with ${JSON.stringify(value)}: expected ${want}, got ${JSON.stringify(got)}`;
  if (kind === "elapsed") {
    if (threshold.literal.kind !== "DurationLiteral") throw new Error(`elapsed time compared with a non-duration: ${where}`);
    const literal = threshold.literal;
    const to = reached(FROM_DATES[0]!, literal);
    return {
      name: `${where}: from ${FROM_DATES[0]} to ${oracleAddDays(to, -1)} / ${to} / ${oracleAddDays(to, 1)}`,
      check() {
        const problems: string[] = [];
        fc.assert(
          fc.property(fc.oneof(fc.constantFrom(...FROM_DATES), fc.date({ min: new Date("2000-01-01"), max: new Date("2030-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))), fc.integer({ min: -3, max: 3 }), (from, nudge) => {
            const elapsed = { from, to: oracleAddDays(reached(from, literal), nudge) };
            const want = expected(threshold, Math.sign(nudge));
            const got = evaluateWith(policy, threshold, elapsed);
            if (got !== want) problems.push(fail(elapsed, want, got));
            expect(got).toBe(want);
          }),
          property(`policy threshold ${where}`, 40),
        );
        expect(problems).toEqual([]);
      },
    };
  }
  if (kind === "date") {
    const date = literalValue(threshold) as string;
    const samples: [string, number][] = [[oracleAddDays(date, -1), -1], [date, 0], [oracleAddDays(date, 1), 1]];
    return {
      name: `${where}: ${samples.map(([d]) => d).join(" / ")}`,
      check() {
        for (const [value, sign] of samples) expect(evaluateWith(policy, threshold, value), fail(value, expected(threshold, sign), "")).toBe(expected(threshold, sign));
      },
    };
  }
  if (kind === "number" || kind === "percent" || kind === "duration") {
    const literal = literalValue(threshold) as number;
    const { named, all } = scalarSamples(threshold, literal);
    return {
      name: `${where}: ${named.join(" / ")}`,
      check() {
        const problems = all.flatMap(([value, sign]) => {
          const got = evaluateWith(policy, threshold, value);
          return got === expected(threshold, sign) ? [] : [fail(value, expected(threshold, sign), got)];
        });
        expect(problems).toEqual([]);
      },
    };
  }
  throw new Error(`a threshold this test does not know how to drive (operand of type ${kind}): ${where}`);
}

/** The expression a criterion's condition stands for, looking through lets. */
function unwrapLets(policy: CheckedPolicy, expr: Expression): Expression {
  let current = expr;
  for (;;) {
    if (current.kind !== "NameRef") return current;
    const binding = policy.resolve(current);
    if (binding.kind !== "let") return current;
    const entry = policy.lets.find((l) => l.name === binding.name);
    if (!entry) return current;
    current = entry.decl.value;
  }
}

/** A case fact the threshold compares directly: `fact OP literal` or `time since fact OP literal`. */
function directFact(policy: CheckedPolicy, threshold: Threshold): { field: string; since: boolean } | undefined {
  const read = threshold.operand.kind === "TimeSinceExpression" ? threshold.operand.from : threshold.operand;
  if (read.kind !== "NameRef") return undefined;
  const binding = policy.resolve(read);
  return binding.kind === "caseField" ? { field: binding.field, since: read !== threshold.operand } : undefined;
}

/** Criteria whose whole condition (through lets) is one threshold on a case fact. */
function directCriteria(policy: CheckedPolicy, thresholds: Threshold[]) {
  return policy.rules.flatMap((rule) =>
    rule.criteria.flatMap((criterion) => {
      const condition = criterion.condition && unwrapLets(policy, criterion.condition);
      const threshold = thresholds.find((t) => t.comparison === condition);
      const fact = threshold && directFact(policy, threshold);
      if (!threshold || !fact) return [];
      const name = `${criterion.citation} ${criterion.id} ${threshold.text}`;
      return [{ name, threshold, fact, rule: rule.id, criterion: criterion.id }];
    }),
  );
}

/** A representative code of the rule's (first) code set, so its first item is one the rule is for. */
function codeFor(policy: CheckedPolicy, rule: string): string {
  const codeSet = policy.codeSets.get(policy.rules.find((r) => r.id === rule)!.codeSets[0]!)!;
  const entry = codeSet.entries[0]!;
  return entry.kind === "CodeExact" ? entry.code : entry.kind === "CodeRange" ? entry.from : entry.prefix;
}

function statusIn(determination: Determination, rule: string, criterion: string): Status | undefined {
  return determination.items[0]?.trace.find((t) => t.rule === rule && t.criterion === criterion)?.status;
}

const policies = policyFiles().map((file) => {
  const checked = checkPolicyFile(file);
  if (!checked.policy) throw new Error(checked.failure);
  // Coverage compared with months (`>= 3mo`) has a boundary that moves with the date of service
  // (the days of that many months back from it): its own month-end properties pin it, not this
  // fixed-literal walk.
  const thresholds = thresholdsOf(checked.policy, checked.sources).filter(
    (t) => !(t.literal.kind === "DurationLiteral" && (t.literal.unit === "mo" || t.literal.unit === "y") && checked.policy!.typeOf(t.operand).kind !== "elapsed"),
  );
  return { file, policy: checked.policy, thresholds };
});

describe.each(policies)("$file", ({ policy, thresholds }) => {
  it("states thresholds (the walk finds them)", () => {
    expect(thresholds.length).toBeGreaterThan(0);
  });

  it.each(thresholds.map((t) => [casesOf(policy, t).name, t] as const))("%s", (_name, threshold) => {
    casesOf(policy, threshold).check();
  });

  const direct = directCriteria(policy, thresholds);
  if (direct.length === 0) return;

  describe("criteria that are one comparison of a case fact, black-box", () => {
    let compiled: CompiledEvaluator;
    beforeAll(async () => {
      compiled = await loadCompiled(policy);
    });

    it.each(direct.map((d) => [d.name, d] as const))("%s", (name, { threshold, fact, rule, criterion }) => {
      const hints = policyHints(policy);
      const applying = caseArbitrary(compiled.schema, hints)
        .map((input) => {
          const items = input.items as Record<string, unknown>[];
          return { ...input, items: [{ ...items[0], code: codeFor(policy, rule) }, ...items.slice(1)] } as Record<string, unknown>;
        })
        .filter((input) => interpret(policy, input, asked(policy)).items[0]?.rules.find((r) => r.rule === rule)?.applies === "met");
      fc.assert(
        fc.property(applying, fc.integer({ min: -2, max: 2 }), (base, nudge) => {
          let value: unknown;
          let sign: number;
          if (fact.since) {
            const literal = threshold.literal as DurationLiteral;
            const dos = base.date_of_service as string;
            value = oracleAddDays(reached(dos, literal, -1), nudge);
            sign = Math.sign(oracleDaysBetween(reached(value as string, literal), dos));
          } else {
            const literal = literalValue(threshold) as number;
            value = literal + nudge * 0.5;
            sign = Math.sign(nudge);
          }
          const input = { ...base, [fact.field]: value };
          const want = expected(threshold, sign) ? "met" : "not_met";
          expect(statusIn(interpret(policy, input, asked(policy)), rule, criterion), `interpreter, ${name} with ${JSON.stringify(value)}`).toBe(want);
          expect(statusIn(compiled.evaluate(input, asked(policy)), rule, criterion), `compiled, ${name} with ${JSON.stringify(value)}`).toBe(want);
        }),
        property(`policy threshold (black-box) ${name}`, 20),
      );
    });
  });
});
