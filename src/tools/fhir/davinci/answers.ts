// `pol eval --format crd|questionnaire|claim-response`: a determination as the Da Vinci resource
// asked for, with the references and dates the caller gives (and honest stand-ins when a JSON case
// names no Coverage or Patient).

import type { Determination, SchemaDescriptor } from "@pol/runtime";
import { claimResponseFor } from "./claim-response.js";
import { coverageInformationAll } from "./coverage-information.js";
import type { Reference } from "./fhir-types.js";
import { neededFacts, questionnaireFor, questionnaireUrl } from "./questionnaire.js";

export type AnswerFormat = "crd" | "questionnaire" | "claim-response";
export const ANSWER_FORMATS: readonly AnswerFormat[] = ["crd", "questionnaire", "claim-response"];

export interface AnswerOptions {
  /** The member's Coverage; default a reference that only says none was given. */
  coverage?: Reference;
  /** The member; default a reference that only says none was given. */
  patient?: Reference;
  /** The date of the answer, `YYYY-MM-DD` (CRD's assertion date, the questionnaire's date, the ClaimResponse's `created`). */
  date: string;
}

/** `Coverage/123` or an absolute URL as a Reference; undefined when it is neither. */
export function parseReference(text: string, type: string): Reference | undefined {
  if (new RegExp(`^${type}/[A-Za-z0-9\\-.]{1,64}$`).test(text)) return { reference: text };
  return /^(https?|urn):\S+$/.test(text) ? { reference: text, type } : undefined;
}

/** The Coverage and the Patient a FHIR bundle holds (the first of each with an id), as references. */
export function referencesIn(bundle: unknown): { coverage?: Reference; patient?: Reference } {
  const found: { coverage?: Reference; patient?: Reference } = {};
  if (typeof bundle !== "object" || bundle === null || !Array.isArray((bundle as { entry?: unknown }).entry)) return found;
  for (const entry of (bundle as { entry: unknown[] }).entry) {
    const resource = typeof entry === "object" && entry !== null ? (entry as { resource?: { resourceType?: unknown; id?: unknown } }).resource : undefined;
    if (resource === undefined || typeof resource.id !== "string") continue;
    if (resource.resourceType === "Coverage") found.coverage ??= { reference: `Coverage/${resource.id}` };
    if (resource.resourceType === "Patient") found.patient ??= { reference: `Patient/${resource.id}` };
  }
  return found;
}

/**
 * The answer in `format` as JSON text, or undefined for a questionnaire when no item is pended
 * for documentation. `caseJson` is the case the determination was made from.
 */
export function renderAnswer(
  format: AnswerFormat,
  determination: Determination,
  schema: SchemaDescriptor,
  caseJson: unknown,
  options: AnswerOptions,
): string | undefined {
  // One questionnaire for the whole request: the facts every pended item still needs.
  const facts = neededFacts(determination).map((fact) => fact.fact);
  const url = facts.length === 0 ? undefined : questionnaireUrl(determination, facts);
  const questionnaire = () => url;
  let answer: unknown;
  switch (format) {
    case "crd":
      answer = coverageInformationAll(determination, {
        coverage: options.coverage ?? { display: "coverage not identified in the request" },
        date: options.date,
        questionnaire,
      });
      break;
    case "questionnaire":
      answer = questionnaireFor(determination, schema, caseJson, { date: options.date });
      if (answer === undefined) return undefined;
      break;
    case "claim-response":
      answer = claimResponseFor(determination, {
        patient: options.patient ?? { display: "patient not identified in the request" },
        created: options.date,
        questionnaire,
      });
      break;
  }
  return JSON.stringify(answer, null, 2) + "\n";
}
