// The profile of CRD's coverage-information extension (CRD STU 2.2, ext-coverage-information) as
// test checks: the slices' cardinalities, value types and required codes, and the invariants
// crd-ci-q1..q9 evaluated as FHIRPath, as the guide writes them.

import { COVERAGE_INFORMATION_URL } from "../../src/tools/fhir/davinci/coverage-information.js";
import type { Extension } from "../../src/tools/fhir/davinci/fhir-types.js";
import { fhirPath } from "./fhir-validator.js";

// The invariants of ext-coverage-information (CRD STU 2.2), as the guide writes them.
const INVARIANTS: Record<string, string> = {
  "crd-ci-q1": "extension.where(url='questionnaire').exists() implies extension.where(url = 'doc-needed').exists()",
  "crd-ci-q2": "extension.where(url = 'covered' and value = 'not-covered').exists() implies extension.where(url = 'pa-needed').exists().not()",
  "crd-ci-q3":
    "extension.where((url = 'covered' or url = 'pa-needed' or url = 'doc-needed') and value = 'conditional').count() >= 1 implies extension.where(url = 'info-needed').exists()",
  // crd-ci-q4 uses a collection of one extension as a boolean (FHIRPath's singleton evaluation),
  // which the validator's evaluator refuses: `.exists()` says the same explicitly.
  "crd-ci-q4":
    "extension.where(url = 'pa-needed' and (value = 'satisfied' or value = 'noauth' or value = 'not-covered')).exists() and extension.where(url = 'doc-purpose').exists() implies extension.where(url = 'doc-purpose').all(value != 'withpa')",
  "crd-ci-q5": "extension.where(url = 'pa-needed' and value = 'satisfied').exists() = extension.where(url = 'satisfied-pa-id').exists()",
  "crd-ci-q6": "extension.where(url = 'info-needed' and value = 'OTH').exists() implies extension.where(url = 'reason').exists()",
  // crd-ci-q7 ends with `or ...value.memberOf(coverageAssertionReasons)`, a terminology lookup; every
  // reason pol writes has text, which satisfies the invariant's second branch on its own.
  "crd-ci-q7": "extension.where(url = 'reason').empty() or extension.where(url = 'reason').value.text.exists()",
  "crd-ci-q8": "extension.where(url = 'doc-purpose' and value != 'conditional').exists() implies extension.where(url = 'reason').exists()",
  "crd-ci-q9":
    "extension.where((url = 'covered' or url = 'pa-needed' or url = 'doc-needed') and value = 'indeterminate').count() >= 1 implies extension.where(url = 'reason').exists()",
};

// The slices of ext-coverage-information: cardinality, value type and required codes.
const CODES = {
  covered: ["covered", "not-covered", "conditional", "indeterminate"],
  "pa-needed": ["no-auth", "auth-needed", "satisfied", "performpa", "conditional", "indeterminate"],
  "doc-needed": ["clinical", "admin", "patient", "conditional", "indeterminate"],
  "doc-purpose": ["withpa", "withclaim", "withorder", "retain-doc", "OTH"],
  "info-needed": ["performer", "location", "timeframe", "contract-window", "detail-code", "OTH"],
};
const SLICES: Record<string, { min: number; max: number; value: string }> = {
  coverage: { min: 1, max: 1, value: "valueReference" },
  covered: { min: 1, max: 1, value: "valueCode" },
  "pa-needed": { min: 0, max: 1, value: "valueCode" },
  "doc-needed": { min: 0, max: Infinity, value: "valueCode" },
  "doc-purpose": { min: 0, max: Infinity, value: "valueCode" },
  "info-needed": { min: 0, max: Infinity, value: "valueCode" },
  billingCode: { min: 0, max: Infinity, value: "valueCoding" },
  reason: { min: 0, max: Infinity, value: "valueCodeableConcept" },
  detail: { min: 0, max: Infinity, value: "extension" },
  dependency: { min: 0, max: Infinity, value: "valueReference" },
  questionnaire: { min: 0, max: Infinity, value: "valueCanonical" },
  date: { min: 1, max: 1, value: "valueDate" },
  "coverage-assertion-id": { min: 1, max: 1, value: "valueString" },
  "satisfied-pa-id": { min: 0, max: 1, value: "valueString" },
  contact: { min: 0, max: Infinity, value: "valueContactDetail" },
  "expiry-date": { min: 0, max: 1, value: "valueDate" },
};

/** What the CRD profile says is wrong with a coverage-information extension. */
export function profileProblems(extension: Extension): string[] {
  const problems: string[] = [];
  if (extension.url !== COVERAGE_INFORMATION_URL) problems.push(`url ${extension.url}`);
  const parts = extension.extension ?? [];
  for (const part of parts) {
    const slice = SLICES[part.url];
    if (slice === undefined) {
      problems.push(`unknown slice ${part.url}`);
      continue;
    }
    const keys = Object.keys(part).filter((key) => key !== "url");
    if (keys.length !== 1 || keys[0] !== slice.value) problems.push(`${part.url} holds ${keys.join(", ")}, not ${slice.value}`);
    const codes = CODES[part.url as keyof typeof CODES];
    if (codes !== undefined && !codes.includes(part.valueCode ?? "")) problems.push(`${part.url} = ${part.valueCode}`);
    if (part.url === "detail") {
      const urls = (part.extension ?? []).map((sub) => sub.url).sort();
      if (!["category", "code", "value"].every((url) => urls.includes(url))) problems.push(`detail has ${urls.join(", ")}`);
      const category = part.extension?.find((sub) => sub.url === "category")?.valueCode;
      if (!["cat-limitation", "cat-decisional", "cat-other"].includes(category ?? "")) problems.push(`detail category ${category}`);
    }
  }
  for (const [url, slice] of Object.entries(SLICES)) {
    const count = parts.filter((part) => part.url === url).length;
    if (count < slice.min || count > slice.max) problems.push(`${url} occurs ${count} times`);
  }
  for (const [key, expression] of Object.entries(INVARIANTS)) {
    const result = fhirPath(expression, extension);
    if (!(result.length === 1 && result[0] === true)) problems.push(`${key} fails (${JSON.stringify(result)})`);
  }
  return problems;
}

