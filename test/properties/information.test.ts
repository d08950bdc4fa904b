// Information monotonicity (docs/language.md: "A decision reached with unknown facts is one that
// no value of those facts could change"). For every policy under policies/, random cases lose a
// random subset of their facts (never date_of_service, items or an item's code); the removed
// facts are then filled back with other random values. Whenever the partial case gets a decided
// outcome for an item, the original case and the refilled one get that same outcome, so an item
// is never approved (or denied) while a fact it needs is missing. A pended item asks only for
// facts the case lacks. Interpreter and compiled evaluator alike.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { interpret } from "../../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../../src/model.js";
import type { Determination, FieldType, SchemaDescriptor } from "@pol/runtime";
import { caseArbitrary, policyHints, type CaseHints } from "../support/arbitraries.js";
import { asked, inEffectAsAsked, loadCompiled, type CompiledEvaluator } from "../support/compiled.js";
import { oracleAddDays } from "../support/oracle-dates.js";
import { checkPolicyFile, policyFiles } from "../support/policy-files.js";
import { constructsPolicy } from "../support/constructs-fixture.js";
import { property } from "../support/runs.js";

type Json = Record<string, unknown>;

/** A removable fact: a case field, or a field of an element of a case-level list (items included). */
interface FactPath {
  list?: string;
  index?: number;
  field: string;
  type: FieldType;
}

function describePath(path: FactPath): string {
  return path.list === undefined ? path.field : `${path.list}[${path.index}].${path.field}`;
}

/** Every fact present in `input` that may be removed. */
function factPaths(input: Json, schema: SchemaDescriptor): FactPath[] {
  const paths: FactPath[] = [];
  const caseFields = schema.records.case!.fields;
  for (const [field, value] of Object.entries(input)) {
    if (field === "date_of_service" || value === undefined || value === null) continue;
    const type = field === "items" ? { list: "item" } : caseFields[field]?.type;
    if (type === undefined) continue;
    if (field !== "items") paths.push({ field, type });
    if (typeof type !== "object" || !("list" in type) || !Array.isArray(value)) continue;
    const record = schema.records[type.list]!;
    value.forEach((element: Json, index) => {
      for (const [name, fieldValue] of Object.entries(element)) {
        if ((type.list === "item" && name === "code") || fieldValue === undefined || fieldValue === null) continue;
        const descriptor = record.fields[name];
        if (descriptor) paths.push({ list: field, index, field: name, type: descriptor.type });
      }
    });
  }
  return paths;
}

/** `input` with the facts at `paths` set to `values` (undefined removes the key); `input` is untouched. */
function withValues(input: Json, paths: readonly FactPath[], values: readonly unknown[]): Json {
  const copy: Json = { ...input };
  // Case fields first (a removed list takes its elements' facts with it), then element fields.
  paths.forEach((path, i) => {
    if (path.list !== undefined) return;
    if (values[i] === undefined) delete copy[path.field];
    else copy[path.field] = values[i];
  });
  for (const [key, value] of Object.entries(copy)) if (Array.isArray(value)) copy[key] = value.map((e: Json) => ({ ...e }));
  paths.forEach((path, i) => {
    if (path.list === undefined) return;
    const target = (copy[path.list] as Json[] | undefined)?.[path.index!];
    if (target === undefined) return;
    if (values[i] === undefined) delete target[path.field];
    else target[path.field] = values[i];
  });
  return copy;
}

/** Another value for a removed fact (a list keeps its original: refilling it is not a value change). */
function otherValue(type: FieldType, original: unknown, hints: CaseHints, dos: string): fc.Arbitrary<unknown> {
  if (typeof type === "object") {
    if ("enum" in type) return fc.constantFrom(...type.enum);
    // A list of values refilled with another list of its values.
    if ("values" in type) return fc.array(otherValue(type.values, undefined, hints, dos), { maxLength: 3 });
    return fc.constant(original);
  }
  const hinted = <T>(values: T[], fallback: fc.Arbitrary<T>) => (values.length > 0 ? fc.oneof(fc.constantFrom(...values), fallback) : fallback);
  switch (type) {
    case "bool":
      return fc.boolean();
    case "number":
      return hinted(hints.numbers, fc.integer({ min: 0, max: 12 }));
    case "percent":
      return hinted(hints.percents, fc.integer({ min: 0, max: 100 }));
    case "date":
      return fc.integer({ min: -800, max: 5 }).map((days) => oracleAddDays(dos, days));
    case "duration":
      return hinted(hints.durations, fc.integer({ min: 0, max: 120 })).map((days) => `${days}d`);
    case "code":
      return hinted(hints.codes, fc.constant("99213"));
    case "text":
      return hinted(hints.texts, fc.constant("other"));
  }
}

interface Scenario {
  complete: Json;
  removed: FactPath[];
  refill: unknown[];
}

/** Cases in the policy's effective dates losing a few facts (decisions survive that often) or many. */
function scenarios(policy: CheckedPolicy, schema: SchemaDescriptor, hints: CaseHints): fc.Arbitrary<Scenario> {
  const inEffect = (dos: string) => inEffectAsAsked(policy, dos);
  return caseArbitrary(schema, hints).filter((c) => inEffect(c.date_of_service as string)).chain((complete) => {
    const paths = factPaths(complete, schema);
    // A case may hold fewer than three removable facts: never ask for more than there are.
    return fc.oneof(fc.shuffledSubarray(paths, { maxLength: Math.min(3, paths.length) }), fc.subarray(paths)).chain((removed) =>
      fc
        .tuple(...removed.map((path) => otherValue(path.type, originalOf(complete, path), hints, complete.date_of_service as string)))
        .map((refill) => ({ complete, removed, refill })),
    );
  });
}

function originalOf(input: Json, path: FactPath): unknown {
  return path.list === undefined ? input[path.field] : ((input[path.list] as Json[])[path.index!] as Json)[path.field];
}

/** Whether the fact at a determination's path (`procedures[2].relief`, `pain_onset`) is absent. */
function isAbsent(input: Json, fact: string): boolean {
  let value: unknown = input;
  for (const part of fact.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (value === null || typeof value !== "object") return true;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined || value === null;
}

/** Outcomes the criteria decide (not the effective dates or the absence of an applying rule). */
const DECIDED_BY_CRITERIA = new Set(["approved", "denied", "not_covered", "not_separately_billable"]);

const policies = [
  { file: "the constructs fixture", policy: constructsPolicy() },
  ...policyFiles().map((file) => {
    const checked = checkPolicyFile(file);
    if (!checked.policy) throw new Error(checked.failure);
    return { file, policy: checked.policy };
  }),
];

describe.each(policies)("$file", ({ policy }) => {
  let compiled: CompiledEvaluator;
  beforeAll(async () => {
    compiled = await loadCompiled(policy);
  });

  const evaluators: [string, (p: CheckedPolicy, input: Json) => Determination][] = [
    ["interpreter", (p, input) => interpret(p, input, asked(p))],
    ["compiled evaluator", (p, input) => compiled.evaluate(input, asked(p))],
  ];

  it.each(evaluators)("%s: a decision on a partial case holds for every completion of it", (name, evaluate) => {
    let decidedWithGaps = 0;
    fc.assert(
      fc.property(scenarios(policy, compiled.schema, policyHints(policy)), ({ complete, removed, refill }) => {
        const partial = withValues(complete, removed, removed.map(() => undefined));
        const refilled = withValues(complete, removed, refill);
        const before = evaluate(policy, partial);
        const completions = [evaluate(policy, complete), evaluate(policy, refilled)];
        before.items.forEach((item, i) => {
          if (item.outcome === "pended") return;
          if (removed.length > 0 && DECIDED_BY_CRITERIA.has(item.outcome)) decidedWithGaps++;
          for (const completion of completions) {
            expect(completion.items[i]!.outcome, `${name}: item ${i} without ${removed.map(describePath).join(", ")}`).toBe(item.outcome);
          }
        });
      }),
      property(`information monotonicity (${name}) ${policy.metadata.id}`, 100),
    );
    // Not vacuous: criteria decided items with facts missing.
    expect(decidedWithGaps).toBeGreaterThan(0);
  });

  it.each(evaluators)("%s: a pended item asks only for facts the case lacks", (name, evaluate) => {
    fc.assert(
      fc.property(scenarios(policy, compiled.schema, policyHints(policy)), ({ complete, removed }) => {
        const partial = withValues(complete, removed, removed.map(() => undefined));
        for (const item of evaluate(policy, partial).items) {
          if (item.outcome !== "pended") continue;
          expect(item.missing.length, `${name}: item ${item.index} pended with nothing missing`).toBeGreaterThan(0);
          for (const missing of item.missing) expect(isAbsent(partial, missing.fact), `${name}: asks for ${missing.fact}, which the case has`).toBe(true);
        }
      }),
      property(`pended asks only for absent facts (${name}) ${policy.metadata.id}`, 40),
    );
  });
});
