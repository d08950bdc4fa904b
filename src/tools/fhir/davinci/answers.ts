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
