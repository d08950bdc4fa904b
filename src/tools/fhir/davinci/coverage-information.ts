// The Da Vinci CRD coverage-information extension for each requested item (CRD STU 2.2,
// StructureDefinition ext-coverage-information): whether the item is covered, whether prior
// authorization is needed or already satisfied, and, for a pended item, which documentation is
// needed and the questionnaire that collects it. docs/fhir.md gives the mapping from outcomes.

import type { Determination, ItemDetermination } from "@pol/runtime";
import type { CodeableConcept, Extension, Reference } from "./fhir-types.js";
import { assertionId, authorizationNumber } from "./ids.js";
import { approvalText, decidingReasons, documentationText, reasonText, undecidedText } from "./reasons.js";

export const COVERAGE_INFORMATION_URL = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
const DETAIL_CODES = "http://terminology.hl7.org/CodeSystem/crd-coverage-detail";

export type Covered = "covered" | "not-covered" | "conditional" | "indeterminate";
export type PaNeeded = "no-auth" | "auth-needed" | "satisfied" | "performpa" | "conditional" | "indeterminate";

export interface CoverageInformationOptions {
  /** The member's Coverage the assertion is about (CRD requires it). */
  coverage: Reference;
  /** The date the assertion is made, `YYYY-MM-DD`. */
  date: string;
  /** The canonical URL of the questionnaire that collects a pended item's documentation. */
  questionnaire?: (item: ItemDetermination) => string | undefined;
}

/** What an item's outcome asserts, before it is written as an extension. */
export interface CoverageAssertion {
  covered: Covered;
  paNeeded?: PaNeeded;
  /** For a pended item: the documentation is clinical, gathered with the questionnaire, sent with the authorization request. */
  documentation?: { questionnaire?: string };
  /** For a pended item: which information is needed (CRD's info-needed codes). */
  infoNeeded?: ("timeframe" | "OTH")[];
  reasons: string[];
  /** For a pended item: what to do, as a CRD `detail` of code `instructions`. */
  instructions?: string;
  satisfiedPaId?: string;
}

/** The assertion an item's outcome makes (see docs/fhir.md, "The CRD answer"). */
export function coverageAssertion(determination: Determination, item: ItemDetermination, questionnaire?: string): CoverageAssertion {
  const reasons = decidingReasons(item).map((reason) => reasonText(determination, reason));
  switch (item.outcome) {
    case "approved":
      return {
        covered: "covered",
        paNeeded: "satisfied",
        satisfiedPaId: authorizationNumber(determination, item),
        reasons: [approvalText(determination, item)],
      };
    case "denied":
    case "not_covered":
    case "not_separately_billable":
      return { covered: "not-covered", reasons };
    case "authorization_required":
    case "referred_for_review":
      return { covered: "covered", paNeeded: "auth-needed", reasons };
    case "pended": {
      const timing = item.missing.some((missing) => missing.fact === "date_of_service");
      return {
        covered: "conditional",
        documentation: questionnaire === undefined ? {} : { questionnaire },
        infoNeeded: timing ? ["timeframe", "OTH"] : ["OTH"],
        reasons: [documentationText(item)],
        instructions:
          questionnaire === undefined
            ? "Send the documentation listed in the reason with the prior authorization request."
            : "Complete the questionnaire and send the response with the prior authorization request.",
      };
    }
    case "policy_not_in_effect":
    case "no_applicable_policy":
      return { covered: "indeterminate", reasons: [undecidedText(determination, item)] };
  }
}

const text = (value: string): CodeableConcept => ({ text: value });

/** The coverage-information extension of one item. */
export function coverageInformation(
  determination: Determination,
  item: ItemDetermination,
  options: CoverageInformationOptions,
): Extension {
  const assertion = coverageAssertion(determination, item, options.questionnaire?.(item));
  const parts: Extension[] = [
    { url: "coverage", valueReference: options.coverage },
    { url: "covered", valueCode: assertion.covered },
  ];
  if (assertion.paNeeded !== undefined) parts.push({ url: "pa-needed", valueCode: assertion.paNeeded });
  if (assertion.documentation !== undefined) {
    parts.push({ url: "doc-needed", valueCode: "clinical" }, { url: "doc-purpose", valueCode: "withpa" });
  }
  for (const code of assertion.infoNeeded ?? []) parts.push({ url: "info-needed", valueCode: code });
  for (const reason of assertion.reasons) parts.push({ url: "reason", valueCodeableConcept: text(reason) });
  if (assertion.instructions !== undefined) {
    parts.push({
      url: "detail",
      extension: [
        { url: "category", valueCode: "cat-other" },
        { url: "code", valueCodeableConcept: { coding: [{ system: DETAIL_CODES, code: "instructions" }] } },
        { url: "value", valueString: assertion.instructions },
      ],
    });
  }
  if (assertion.documentation?.questionnaire !== undefined)
    parts.push({ url: "questionnaire", valueCanonical: assertion.documentation.questionnaire });
  parts.push({ url: "date", valueDate: options.date }, { url: "coverage-assertion-id", valueString: assertionId(determination, item) });
  if (assertion.satisfiedPaId !== undefined) parts.push({ url: "satisfied-pa-id", valueString: assertion.satisfiedPaId });
  return { url: COVERAGE_INFORMATION_URL, extension: parts };
}

/** The coverage-information extension of every item, in item order. */
export function coverageInformationAll(determination: Determination, options: CoverageInformationOptions): Extension[] {
  return determination.items.map((item) => coverageInformation(determination, item, options));
}
