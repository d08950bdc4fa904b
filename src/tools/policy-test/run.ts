// Running policy tests: validate each case, evaluate it with the reference interpreter and the
// compiled evaluator, require the two to agree, and compare every line item with what the test
// expects. The interpreter is the oracle: expectations are checked against its determination.

import { interpret, schemaDescriptor, type CheckedPolicy } from "../../index.js";
import {
  validateCase,
  type CaseError,
  type Determination,
  type ItemDetermination,
  type Outcome,
  type SchemaDescriptor,
  type Status,
} from "@pol/runtime";
import type { CompiledEvaluator } from "./compiled.js";
import type { Coverage } from "./coverage.js";
import { differences, sameSet, type Difference } from "./diff.js";
import type { ItemExpectation, PolicyTest } from "./test-file.js";

export type Engine = "interpreter" | "compiled evaluator";

export interface FieldMismatch {
  field: "outcome" | "reasons" | "missing" | "notes";
  expected: string | string[];
  actual: string | string[];
}

/** A criterion that stands in the way of approval, shown to explain an unexpected outcome. */
export interface CriterionNote {
  rule: string;
  criterion: string;
  citation: string;
  description: string;
  status: Exclude<Status, "met">;
  /** Fact paths read, with their values (`null` when absent). */
  facts: { fact: string; value: unknown }[];
  missing: string[];
}

export type Failure =
  | { kind: "invalid_case"; errors: CaseError[] }
  | { kind: "engine_error"; engine: Engine; message: string }
  | { kind: "engines_disagree"; differences: Difference[] }
  | { kind: "item_count"; expected: number; actual: number }
  | {
      kind: "item";
      index: number;
      code: string;
      mismatches: FieldMismatch[];
      /** For an unexpected outcome: the criteria not met or unknown. */
      criteria: CriterionNote[];
      /** Further hints: why no criterion was evaluated, expected ids the policy does not have. */
      notes: string[];
    };

export interface TestResult {
  name: string;
  source?: string;
  passed: boolean;
  failures: Failure[];
}

const schemas = new WeakMap<CheckedPolicy, SchemaDescriptor>();

function schemaOf(policy: CheckedPolicy): SchemaDescriptor {
  let schema = schemas.get(policy);
  if (!schema) {
    schema = schemaDescriptor(policy.schema);
    schemas.set(policy, schema);
  }
  return schema;
}

/** Run one test; both engines' traces go to `coverage`. */
export function runPolicyTest(
  test: PolicyTest,
  policy: CheckedPolicy,
  compiled: CompiledEvaluator,
  coverage: Coverage,
): TestResult {
  const result = (failures: Failure[]): TestResult => ({
    name: test.name,
    ...(test.source !== undefined ? { source: test.source } : {}),
    passed: failures.length === 0,
    failures,
  });
  const validation = validateCase(test.case, schemaOf(policy));
  if (!validation.ok) return result([{ kind: "invalid_case", errors: validation.errors }]);

  const failures: Failure[] = [];
  const run = (engine: Engine, evaluate: (input: Record<string, unknown>) => Determination) => {
    try {
      // Each engine gets its own copy: neither may see what the other did to its input.
      const determination = evaluate(structuredClone(validation.value));
      coverage.record(policy, determination);
      return determination;
    } catch (error) {
      failures.push({ kind: "engine_error", engine, message: (error as Error)?.message ?? String(error) });
      return undefined;
    }
  };
  const options = { trace: true, ...(test.asProposed ? { asProposed: true } : {}) };
  const expected = run("interpreter", (input) => interpret(policy, input, options));
  const actual = run("compiled evaluator", (input) => compiled.evaluateTrusted(input, options));
  if (expected && actual) {
    const found = differences(expected, actual);
    if (found.length > 0) failures.push({ kind: "engines_disagree", differences: found });
  }
  if (expected) failures.push(...compareItems(test.expect, expected, policy));
  return result(failures);
}

function compareItems(
  expect: readonly ItemExpectation[],
  determination: Determination,
  policy: CheckedPolicy,
): Failure[] {
  const failures: Failure[] = [];
  const { items } = determination;
  if (expect.length !== items.length)
    failures.push({ kind: "item_count", expected: expect.length, actual: items.length });
  const criteria = new Set(policy.rules.flatMap((rule) => rule.criteria.map((criterion) => criterion.id)));
  for (let index = 0; index < Math.min(expect.length, items.length); index++) {
    const failure = compareItem(expect[index]!, items[index]!, determination, criteria);
    if (failure) failures.push(failure);
  }
  return failures;
}

function compareItem(
  expectation: ItemExpectation,
  item: ItemDetermination,
  determination: Determination,
  criteria: ReadonlySet<string>,
): Failure | undefined {
  const mismatches: FieldMismatch[] = [];
  const notes: string[] = [];
  if (expectation.outcome !== item.outcome) {
    mismatches.push({ field: "outcome", expected: expectation.outcome, actual: item.outcome });
  }
  const reasons = item.reasons.map((reason) => reason.criterion);
  if (expectation.reasons && !sameSet(expectation.reasons, reasons)) {
    mismatches.push({ field: "reasons", expected: expectation.reasons, actual: reasons });
    notes.push(...strangers(expectation.reasons, criteria, determination));
  }
  const missing = item.missing.map((entry) => entry.fact);
  if (expectation.missing && !sameSet(expectation.missing, missing)) {
    mismatches.push({ field: "missing", expected: expectation.missing, actual: missing });
  }
  const itemNotes = item.notes.map((note) => note.criterion);
  if (expectation.notes && !sameSet(expectation.notes, itemNotes)) {
    mismatches.push({ field: "notes", expected: expectation.notes, actual: itemNotes });
    notes.push(...strangers(expectation.notes, criteria, determination));
  }
  if (mismatches.length === 0) return undefined;
  const outcomeWrong = mismatches[0]!.field === "outcome";
  if (outcomeWrong) notes.push(...outcomeNotes(item, determination, expectation.outcome));
  return {
    kind: "item",
    index: item.index,
    code: item.code,
    mismatches,
    criteria: outcomeWrong ? blockingCriteria(item) : [],
    notes,
  };
}

/** Expected criterion ids the policy does not have: likely typos, worth a hint. */
function strangers(ids: readonly string[], criteria: ReadonlySet<string>, determination: Determination): string[] {
  return [...new Set(ids)]
    .filter((id) => !criteria.has(id))
    .map((id) => `\`${id}\` is not a criterion of ${determination.policy.id}`);
}

function blockingCriteria(item: ItemDetermination): CriterionNote[] {
  // Notes never stand in the way of approval, whatever their status.
  return item.trace.flatMap((trace): CriterionNote[] =>
    trace.status === "met" || trace.effect === "note"
      ? []
      : [
          {
            rule: trace.rule,
            criterion: trace.criterion,
            citation: trace.citation,
            description: trace.description,
            status: trace.status,
            facts: trace.facts.map(({ fact, value }) => ({ fact, value })),
            missing: trace.missing.map((entry) => entry.fact),
          },
        ],
  );
}

/** Why an item came out as it did where its criteria do not say: dates and rule applicability. */
function outcomeNotes(item: ItemDetermination, determination: Determination, expected: Outcome): string[] {
  const { policy, dateOfService } = determination;
  if (item.outcome === "policy_not_in_effect") {
    if (policy.proposed) return [`the policy is proposed: give the test \`"asProposed": true\` to evaluate it as if in effect`];
    const period = policy.expires ? `${policy.effective} to ${policy.expires}` : `from ${policy.effective}`;
    return [`the date of service ${dateOfService} is outside the policy's effective period (${period})`];
  }
  // With criteria to show, which rules applied only matters when no rule was expected to.
  if (item.trace.length > 0 && expected !== "no_applicable_policy") return [];
  const words: Record<Status, string> = { met: "applies", not_met: "does not apply", unknown: "may apply", waived: "waived" };
  const notes = item.rules.map((rule) => `rule ${rule.rule} [${rule.citation}] ${words[rule.applies]} to ${item.code}`);
  if (item.rules.length === 0) notes.push(`no rule of ${policy.id} is written for ${item.code}`);
  return notes;
}
