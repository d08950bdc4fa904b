// The decision as a Da Vinci PAS-style ClaimResponse (use `preauthorization`): one item per
// requested line, in request order, adjudicated with PAS's reviewAction extension (X12 306 action
// codes: certified, not certified, pended, contact payer), and the deciding criteria with their
// citations as the item's process notes: the specific reasons a denial must give.

import type { Determination, ItemDetermination, Outcome } from "@pol/runtime";
import type { CodeableConcept, Extension, Reference, Resource } from "./fhir-types.js";
import { authorizationNumber, derivedUuid } from "./ids.js";
import { approvalText, decidingReasons, documentationText, reasonText, undecidedText } from "./reasons.js";

const PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition";
export const REVIEW_ACTION_URL = `${PAS}/extension-reviewAction`;
export const REVIEW_ACTION_CODE_URL = `${PAS}/extension-reviewActionCode`;
const X12_ACTION_CODES = "https://codesystem.x12.org/005010/306";

export interface ClaimResponseOptions {
  patient: Reference;
  /** Default: the policy's payer, by name. */
  insurer?: Reference;
  /** The Claim (the prior authorization request) this answers. */
  request?: Reference;
  /** When the response was made: a FHIR dateTime. */
  created: string;
  /** The canonical URL of the questionnaire for a pended item, to name in its note. */
  questionnaire?: (item: ItemDetermination) => string | undefined;
}

/** X12 306 (HCR01) action codes, as PAS's reviewActionCode carries them. */
const ACTIONS: Record<"A1" | "A3" | "A4" | "CT", string> = {
  A1: "Certified in total",
  A3: "Not Certified",
  A4: "Pended",
  CT: "Contact Payer",
};

const ACTION_OF: Record<Outcome, keyof typeof ACTIONS> = {
  approved: "A1",
  denied: "A3",
  not_covered: "A3",
  not_separately_billable: "A3",
  pended: "A4",
  authorization_required: "A4",
  referred_for_review: "A4",
  policy_not_in_effect: "CT",
  no_applicable_policy: "CT",
};

const OUTCOME_WORDS: Record<Outcome, string> = {
  approved: "approved",
  denied: "denied: not medically necessary",
  not_covered: "denied: not covered",
  not_separately_billable: "denied: not separately billable",
  pended: "pended for documentation",
  authorization_required: "pended: prior authorization required",
  referred_for_review: "pended: referred for clinical review",
  policy_not_in_effect: "not decided: the policy is not in effect",
  no_applicable_policy: "not decided: no applicable policy",
};

export interface ClaimResponse extends Resource {
  resourceType: "ClaimResponse";
}

/** The notes an item's adjudication carries, most important first. */
function itemNotes(determination: Determination, item: ItemDetermination, questionnaire: string | undefined): string[] {
  const line = `line ${item.index + 1} (${item.code}): ${OUTCOME_WORDS[item.outcome]}`;
  const notes: string[] = [];
  switch (item.outcome) {
    case "approved":
      notes.push(`${line}; ${approvalText(determination, item)}`);
      break;
    case "pended":
      notes.push(`${line}; ${documentationText(item)}`);
      if (questionnaire !== undefined) notes.push(`line ${item.index + 1}: answer questionnaire ${questionnaire}`);
      break;
    case "policy_not_in_effect":
    case "no_applicable_policy":
      notes.push(`${line}; ${undecidedText(determination, item)}`);
      break;
    default:
      notes.push(line, ...decidingReasons(item).map((reason) => `line ${item.index + 1}: ${reasonText(determination, reason)}`));
  }
  for (const note of item.notes) notes.push(`line ${item.index + 1}, caution: [${note.citation}] ${note.description}`);
  return notes;
}

function reviewAction(determination: Determination, item: ItemDetermination): Extension {
  const code = ACTION_OF[item.outcome];
  const action: CodeableConcept = { coding: [{ system: X12_ACTION_CODES, code, display: ACTIONS[code] }] };
  return {
    url: REVIEW_ACTION_URL,
    extension: [
      { url: REVIEW_ACTION_CODE_URL, valueCodeableConcept: action },
      ...(item.outcome === "approved" ? [{ url: "number", valueString: authorizationNumber(determination, item) }] : []),
    ],
  };
}

/** The ClaimResponse for every item of a determination. */
export function claimResponseFor(determination: Determination, options: ClaimResponseOptions): ClaimResponse {
  const { policy } = determination;
  const processNote: { number: number; type: "display"; text: string }[] = [];
  const items = determination.items.map((item) => {
    const noteNumber: number[] = [];
    for (const text of itemNotes(determination, item, options.questionnaire?.(item))) {
      processNote.push({ number: processNote.length + 1, type: "display", text });
      noteNumber.push(processNote.length);
    }
    return {
      itemSequence: item.index + 1,
      noteNumber,
      adjudication: [
        {
          extension: [reviewAction(determination, item)],
          category: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/adjudication", code: "submitted" }] },
        },
      ],
    };
  });
  const counts = new Map<string, number>();
  for (const item of determination.items) counts.set(item.outcome, (counts.get(item.outcome) ?? 0) + 1);
  const id = derivedUuid(["claim-response", policy.id, policy.sourceHash, determination.dateOfService, determination.items]);
  return {
    resourceType: "ClaimResponse",
    id: id.slice("urn:uuid:".length),
    status: "active",
    type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/claim-type", code: "professional" }] },
    use: "preauthorization",
    patient: options.patient,
    created: options.created,
    insurer: options.insurer ?? { display: policy.payer },
    ...(options.request === undefined ? {} : { request: options.request }),
    outcome: "complete",
    disposition: `${policy.payer} ${policy.number} (${policy.title}), version ${policy.version}: ${[...counts].map(([outcome, count]) => `${count} ${outcome.replace(/_/g, " ")}`).join(", ")}`,
    item: items,
    processNote,
  };
}
