// Monotonicity of criteria: raising a number, percent or duration fact never turns a met `>=`
// (or `>`) criterion into a not-met one. Which criteria are monotone in which fact is read off the
// checked AST by a small polarity analysis (below); the property then raises a random occurrence
// of the fact in a random case and checks that every such criterion's status moves only the way
// its polarity allows (not met < unknown < met), in the interpreter and the compiled evaluator.
// Targets: every policy under policies/, and an inline policy mixing the forms thresholds take.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Expression } from "../../src/ast.js";
import { interpret } from "../../src/interpret/interpreter.js";
import { CASE_RECORD, ITEM_RECORD, type CheckedPolicy } from "../../src/model.js";
import type { Determination, SchemaDescriptor, Status } from "@pol/runtime";
import { caseArbitrary, policyHints } from "../support/arbitraries.js";
import { checkInMemory, compileInMemory, type CompiledEvaluator } from "../support/compile-in-memory.js";
import { asked, inEffectAsAsked } from "../support/compiled.js";
import { checkPolicyFile, policyFiles } from "../support/policy-files.js";
import { constructsPolicy } from "../support/constructs-fixture.js";
import { property } from "../support/runs.js";

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Polarity: +1 when the condition can only become truer as the fact grows, -1 when only falser;
// 0 (mixed) for any use the analysis does not follow (picks, arithmetic, equality, `when`...).

const LITERALS = new Set(["NumberLiteral", "PercentLiteral", "DurationLiteral", "DateLiteral"]);
const DIRECTION: Record<string, number> = { ">=": 1, ">": 1, "<=": -1, "<": -1, "==": 0, "!=": 0 };

type Polarities = Map<string, Set<number>>;

function polarities(policy: CheckedPolicy, condition: Expression): Polarities {
  const found: Polarities = new Map();
  const note = (record: string, field: string, sign: number) => {
    const key = `${record}.${field}`;
    if (!found.has(key)) found.set(key, new Set());
    found.get(key)!.add(sign);
  };
  /** The field a plain read refers to, if `expr` is one. */
  const readOf = (expr: Expression): { record: string; field: string; computed?: Expression } | undefined => {
    if (expr.kind === "FieldAccess") {
      const { record, field } = policy.fieldOf(expr);
      return { record, field: field.name, ...(field.computed ? { computed: field.computed } : {}) };
    }
    if (expr.kind !== "NameRef") return undefined;
    const binding = policy.resolve(expr);
    if (binding.kind !== "element" && binding.kind !== "caseField") return undefined;
    const record = binding.kind === "element" ? binding.record : CASE_RECORD;
    const model = policy.schema.records.get(record)?.fields.get(binding.field);
    return { record, field: binding.field, ...(model?.computed ? { computed: model.computed } : {}) };
  };
  const walkRead = (expr: Expression, sign: number): void => {
    const read = readOf(expr)!;
    note(read.record, read.field, sign);
    if (read.computed) walk(read.computed, 0);
    if (expr.kind === "FieldAccess") walk(expr.target, 0);
  };
  const walk = (expr: Expression, sign: number): void => {
    switch (expr.kind) {
      case "BinaryExpression": {
        if (expr.operator === "and" || expr.operator === "or") {
          walk(expr.left, sign);
          walk(expr.right, sign);
          return;
        }
        const direction = DIRECTION[expr.operator];
        const literalFirst = LITERALS.has(expr.left.kind);
        if (direction !== undefined && (literalFirst || LITERALS.has(expr.right.kind))) {
          const side = literalFirst ? expr.right : expr.left;
          const along = sign * direction * (literalFirst ? -1 : 1);
          if (readOf(side)) return walkRead(side, along);
          if (side.kind === "CountExpression" || side.kind === "SumExpression" || side.kind === "CoverageExpression") {
            return walk(side.source, along);
          }
        }
        walk(expr.left, 0);
        walk(expr.right, 0);
        return;
      }
      case "GroupExpression":
        for (const operand of expr.operands) walk(operand, sign);
        return;
      case "UnaryExpression":
        return walk(expr.operand, expr.operator === "not" ? -sign : 0);
      case "QuantifierExpression":
        return walk(expr.source, expr.quantifier === "some" ? sign : -sign);
      case "WhereExpression":
        walk(expr.source, sign);
        return walk(expr.condition, sign);
      case "WithinExpression":
        return walk(expr.source, sign);
      case "NameRef": {
        const binding = policy.resolve(expr);
        if (binding.kind === "let") return walk(policy.lets.find((l) => l.name === binding.name)!.decl.value, sign);
        if (readOf(expr)) walkRead(expr, 0);
        return;
      }
      case "FieldAccess":
        return walkRead(expr, 0);
      case "PickExpression":
      case "CountExpression":
      case "SumExpression":
      case "CoverageExpression":
        return walk(expr.source, 0);
      case "InCodesExpression":
      case "AsPercentExpression":
        return walk(expr.operand, 0);
      case "TimeSinceExpression":
        return walk(expr.from, 0);
      case "TimeBetweenExpression":
        walk(expr.from, 0);
        return walk(expr.to, 0);
      default:
        return; // literals
    }
  };
  walk(condition, 1);
  return found;
}

/** A criterion whose status can move only one way as `field` grows: +1 towards met, -1 away. */
interface Monotone {
  rule: string;
  criterion: string;
  record: string;
  field: string;
  towardsMet: 1 | -1;
}

const SCALAR = new Set(["number", "percent", "duration"]);

function monotoneCriteria(policy: CheckedPolicy): Monotone[] {
  const found: Monotone[] = [];
  for (const rule of policy.rules) {
    for (const criterion of rule.criteria) {
      if (!criterion.condition) continue;
      for (const [key, signs] of polarities(policy, criterion.condition)) {
        const [record, field] = key.split(".") as [string, string];
        const type = policy.schema.records.get(record)?.fields.get(field);
        if (!type || type.computed || !SCALAR.has(type.type.kind) || signs.size !== 1 || signs.has(0)) continue;
        const sign = [...signs][0]!;
        // An exclusion is met when its condition does not hold.
        const towardsMet = (criterion.effect === "require" ? sign : -sign) as 1 | -1;
        found.push({ rule: rule.id, criterion: criterion.id, record, field, towardsMet });
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Raising a fact in a case

/** Every place in `input` holding a known value of `record.field`: [list name or "", index]. */
function occurrences(input: Json, schema: SchemaDescriptor, record: string, field: string): [string, number][] {
  const present = (element: unknown) => {
    const value = (element as Json)[field];
    return value !== undefined && value !== null;
  };
  if (record === CASE_RECORD) return present(input) ? [["", 0]] : [];
  const lists = record === ITEM_RECORD
    ? ["items"]
    : Object.entries(schema.records.case!.fields).flatMap(([name, d]) => (typeof d.type === "object" && "list" in d.type && d.type.list === record ? [name] : []));
  return lists.flatMap((list) => ((input[list] as Json[] | undefined) ?? []).flatMap((e, i): [string, number][] => (present(e) ? [[list, i]] : [])));
}

function raised(value: unknown, type: string, step: number): unknown {
  if (type === "percent") return Math.min(100, (value as number) + step);
  if (type === "number") return (value as number) + step / 2;
  return `${parseDays(value as string) + step}d`;
}

/** A valid case's fixed duration (`42d`, `6wk`) in days. */
function parseDays(text: string): number {
  const [, amount, unit] = /^(\d+)(d|wk)$/.exec(text)!;
  return Number(amount) * (unit === "wk" ? 7 : 1);
}

/** A code of the rule's (first) code set. */
function codeFor(policy: CheckedPolicy, rule: string): string {
  const entry = policy.codeSets.get(policy.rules.find((r) => r.id === rule)!.codeSets[0]!)!.entries[0]!;
  return entry.kind === "CodeExact" ? entry.code : entry.kind === "CodeRange" ? entry.from : entry.prefix;
}

/**
 * The case with its first item in the code set of `rule`; when `resemble`, its history resembles
 * the request too: every event gets the requested code and the item's values of the fields they
 * share (purpose, side, muscle...), which is where the thresholds of repeat requests apply.
 */
function steered(policy: CheckedPolicy, rule: string, generated: Json, resemble: boolean): Json {
  const items = generated.items as Json[];
  const item: Json = { ...items[0], code: codeFor(policy, rule) };
  const input: Json = { ...generated, items: [item, ...items.slice(1)] };
  if (!resemble) return input;
  for (const [name, value] of Object.entries(input)) {
    if (name === "items" || !Array.isArray(value)) continue;
    input[name] = value.map((element: Json) => {
      const copy = { ...element };
      for (const field of Object.keys(copy)) if (field in item) copy[field] = item[field];
      return copy;
    });
  }
  return input;
}

/** A case, and which occurrences of a fact to raise by how much (none when the case has none). */
interface Scenario {
  input: Json;
  raise?: { m: Monotone; at: [string, number][]; step: number };
}

// A waived criterion stands out of the way like a met one.
const RANK: Record<Status, number> = { not_met: 0, unknown: 1, met: 2, waived: 2 };

function status(determination: Determination, item: number, m: Monotone): Status | undefined {
  return determination.items[item]?.trace.find((t) => t.rule === m.rule && t.criterion === m.criterion)?.status;
}

// ---------------------------------------------------------------------------------------------
// Targets

const INLINE_SCHEMA = `schema mono "Monotonicity tests"
record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  relief: percent "percent relief"
  relief_duration: duration "how long the relief lasted"
}
case {
  score: number "a score"
  relief: percent "current relief"
  wait: duration "a waiting time"
  procedures: list of Procedure "prior procedures"
}
item {
  code: code "requested procedure code"
}
`;

const INLINE_POLICY = `policy test.mono
  title "Monotonicity"
  payer "Test"
  number "M-1"
  version "1"
  effective 2000-01-01

use "schema.pol"

codes any_code "requested codes" = cpt { 10000-10010 }
let strong "procedures with strong relief" = procedures where relief >= 62.5% within 12mo
let last "the latest procedure" = latest procedures

rule r "inline thresholds" [R]
  for any_code
  require score_min [R.1] "score of at least 7" score >= 7
  require score_flipped [R.2] "4 below the score" 4 < score
  require both [R.3] "score and relief" score > 3.5 and relief >= 50%
  require either [R.4] "score or wait" not (score < 2) or wait >= 2wk
  require some_strong [R.5] "a strong procedure" some strong
  require two_strong [R.6] "two strong procedures" count strong >= 2
  require last_relief [R.7] "the latest procedure gave relief" last.relief > 0%
  require lasting [R.8] "lasting relief" some procedures where relief_duration >= 30d and relief > 50%
  deny capped [R.9] "too much waiting" when wait > 90d
  deny too_few [R.10] "no strong procedure" when no strong
`;

const targets: [string, () => Promise<{ policy: CheckedPolicy; compiled: CompiledEvaluator }>][] = [
  [
    "inline policy",
    async () => {
      const policy = checkInMemory(INLINE_SCHEMA, INLINE_POLICY);
      return { policy, compiled: await compileInMemory(policy) };
    },
  ],
  [
    "the constructs fixture",
    async () => {
      const policy = constructsPolicy();
      return { policy, compiled: await compileInMemory(policy) };
    },
  ],
  ...policyFiles().map((file): [string, () => Promise<{ policy: CheckedPolicy; compiled: CompiledEvaluator }>] => [
    file,
    async () => {
      const checked = checkPolicyFile(file);
      if (!checked.policy) throw new Error(checked.failure);
      return { policy: checked.policy, compiled: await compileInMemory(checked.policy) };
    },
  ]),
];

describe.each(targets)("%s", (name, load) => {
  let policy: CheckedPolicy;
  let compiled: CompiledEvaluator;
  let monotone: Monotone[];
  beforeAll(async () => {
    ({ policy, compiled } = await load());
    monotone = monotoneCriteria(policy);
  });

  it("has criteria monotone in a scalar fact (the analysis finds them)", () => {
    expect(monotone.length).toBeGreaterThan(0);
    if (name === "inline policy") {
      // The analysis itself: each inline criterion is found, with the direction it must have.
      const found = monotone.map((m) => `${m.criterion} ${m.record}.${m.field} ${m.towardsMet}`).sort();
      expect(found).toEqual(
        [
          "both case.relief 1", "both case.score 1", "capped case.wait -1", "either case.score 1", "either case.wait 1",
          "last_relief Procedure.relief 1", "lasting Procedure.relief 1", "lasting Procedure.relief_duration 1",
          "score_flipped case.score 1", "score_min case.score 1", "some_strong Procedure.relief 1", "too_few Procedure.relief 1",
          "two_strong Procedure.relief 1",
        ].sort(),
      );
    }
  });

  it("raising a fact never moves a criterion against its polarity (interpreter and compiled)", () => {
    let exercised = 0;
    let moved = 0;
    // Cases in effect, their first item steered into the code set of the chosen criterion's rule,
    // so the criterion is evaluated often.
    const inEffect = caseArbitrary(compiled.schema, policyHints(policy)).filter((c) => inEffectAsAsked(policy, c.date_of_service as string));
    const scenario = fc.constantFrom(...monotone).chain((m) =>
      fc.record({ generated: inEffect, resemble: fc.boolean() }).chain(({ generated, resemble }): fc.Arbitrary<Scenario> => {
        const input = steered(policy, m.rule, generated, resemble);
        if (interpret(policy, input, { trace: false, ...asked(policy) }).items[0]?.rules.find((r) => r.rule === m.rule)?.applies !== "met") {
          return fc.constant({ input });
        }
        const at = occurrences(input, compiled.schema, m.record, m.field);
        if (at.length === 0) return fc.constant({ input });
        return fc
          .record({ at: fc.subarray(at, { minLength: 1 }), step: fc.integer({ min: 1, max: 60 }) })
          .map(({ at, step }) => ({ input, raise: { m, at, step } }));
      }),
    ).filter((s) => s.raise !== undefined);
    fc.assert(
      fc.property(scenario, ({ input, raise }) => {
        const { m, at, step } = raise!;
        const type = policy.schema.records.get(m.record)!.fields.get(m.field)!.type.kind;
        const higher: Json = { ...input };
        for (const [list, index] of at) {
          if (list === "") higher[m.field] = raised(input[m.field], type, step);
          else {
            const elements = [...(higher[list] as Json[])];
            elements[index] = { ...elements[index], [m.field]: raised(elements[index]![m.field], type, step) };
            higher[list] = elements;
          }
        }
        const where = at.map(([list, index]) => (list === "" ? "the case" : `${list}[${index}]`)).join(", ");
        for (const [evaluator, evaluate] of [
          ["interpreter", (c: Json) => interpret(policy, c, asked(policy))],
          ["compiled", (c: Json) => compiled.evaluate(c, asked(policy))],
        ] as const) {
          const before = evaluate(input);
          const after = evaluate(higher);
          for (const other of monotone.filter((o) => o.record === m.record && o.field === m.field)) {
            before.items.forEach((_, item) => {
              const from = status(before, item, other);
              const to = status(after, item, other);
              if (from === undefined || to === undefined) return;
              exercised++;
              if (from !== to) moved++;
              const ok = other.towardsMet === 1 ? RANK[to] >= RANK[from] : RANK[to] <= RANK[from];
              expect(ok, `${evaluator}: ${other.criterion} went ${from} -> ${to} when ${m.record}.${m.field} rose by ${step} at ${where}`).toBe(true);
            });
          }
        }
      }),
      property(`monotonicity of criteria ${name}`, 60),
    );
    // Not vacuous: the criteria were evaluated around raised facts; in the inline policy, whose
    // facts all sit next to its thresholds, raising them did move statuses. (In the real policies
    // a move needs a history that matches the request closely, which random cases rarely build.)
    expect(exercised).toBeGreaterThan(0);
    if (name === "inline policy") expect(moved).toBeGreaterThan(0);
  });
});
