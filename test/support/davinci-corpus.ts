// The cases of every policy test file, evaluated: the corpus the Da Vinci answers are checked on
// (every outcome kind occurs in it), with helpers that answer a questionnaire the way a clinician
// would fill in each question.

import { join } from "node:path";
import type { Determination, SchemaDescriptor } from "@pol/runtime";
import { checkFile } from "../../src/check/checker.js";
import { evaluateCase } from "../../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../../src/model.js";
import { schemaDescriptor } from "../../src/schema-descriptor.js";
import { findTestFiles, readTestFile } from "../../src/tools/policy-test/test-file.js";
import type { Questionnaire, QuestionnaireItem } from "../../src/tools/fhir/davinci/questionnaire.js";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CorpusCase {
  name: string;
  policy: CheckedPolicy;
  schema: SchemaDescriptor;
  caseJson: Record<string, unknown>;
  asProposed: boolean;
  determination: Determination;
}

const policies = new Map<string, CheckedPolicy>();

export function loadPolicy(path: string): CheckedPolicy {
  let policy = policies.get(path);
  if (policy === undefined) {
    const checked = checkFile(path);
    if (checked.policy === undefined) throw new Error(`${path} does not check`);
    policy = checked.policy;
    policies.set(path, policy);
  }
  return policy;
}

export function evaluate(policy: CheckedPolicy, caseJson: unknown, asProposed = false): Determination {
  const evaluated = evaluateCase(policy, caseJson, asProposed ? { asProposed: true } : {});
  if (!evaluated.ok) throw new Error(`invalid case: ${JSON.stringify(evaluated.errors)}`);
  return evaluated.determination;
}

let corpus: CorpusCase[] | undefined;

/** Every test of every policy test file under policies/, evaluated by the interpreter. */
export function corpusCases(): CorpusCase[] {
  if (corpus !== undefined) return corpus;
  corpus = [];
  for (const path of findTestFiles([join(ROOT, "policies")])) {
    const read = readTestFile(path);
    if (!read.ok) throw new Error(read.errors.join("\n"));
    const policy = loadPolicy(read.file.policyPath);
    for (const test of read.file.tests) {
      const caseJson = test.case as Record<string, unknown>;
      const asProposed = test.asProposed === true;
      corpus.push({
        name: `${read.file.path}: ${test.name}`,
        policy,
        schema: schemaDescriptor(policy.schema),
        caseJson,
        asProposed,
        determination: evaluate(policy, caseJson, asProposed),
      });
    }
  }
  return corpus;
}

type Answer = Record<string, unknown>;
interface ResponseItem {
  linkId: string;
  answer?: Answer[];
  item?: ResponseItem[];
}

/** A date `days` before `date`. */
function daysBefore(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) - days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

/** A plausible answer to every question (one entry for each repeating group), as a clinician would give. */
export function fillIn(questionnaire: Questionnaire, dateOfService: string, choose: (options: number) => number = () => 0): object {
  const answer = (question: QuestionnaireItem): Answer | undefined => {
    switch (question.type) {
      case "boolean":
        return { valueBoolean: choose(2) === 0 };
      case "decimal":
        return { valueDecimal: question.extension?.some((e) => e.valueCoding?.code === "%") ? [80, 50][choose(2)] : 3 };
      case "date":
        return { valueDate: daysBefore(dateOfService, [60, 20][choose(2)]!) };
      case "quantity":
        return { valueQuantity: { value: 8, unit: "wk", system: "http://unitsofmeasure.org", code: "wk" } };
      case "choice": {
        const options = question.answerOption ?? [];
        return { valueCoding: options[choose(options.length)]!.valueCoding };
      }
      case "string":
        return { valueString: question.linkId.endsWith("code") ? "27096" : question.linkId.endsWith("diagnosis") ? "M46.1" : "left sacroiliac joint" };
      default:
        return undefined;
    }
  };
  const items = (questions: QuestionnaireItem[]): ResponseItem[] =>
    questions.flatMap((question): ResponseItem[] => {
      if (question.type === "display") return [];
      if (question.type === "group") return [{ linkId: question.linkId, item: items(question.item ?? []) }];
      if (question.linkId.endsWith("[]")) return [];
      const value = answer(question);
      return value === undefined ? [] : [{ linkId: question.linkId, answer: [value] }];
    });
  return {
    resourceType: "QuestionnaireResponse",
    questionnaire: questionnaire.url,
    status: "completed",
    item: items(questionnaire.item),
  };
}
