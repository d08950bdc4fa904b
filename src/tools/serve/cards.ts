// The card pol adds for a pended order (CRD's "Request Form Completion" response type): a
// suggestion that creates the questionnaire and a Task to complete it, so a clinician whose EHR
// has no DTR client can still fill it in. The coverage information itself travels in system
// actions: CRD forbids repeating it in a card.

import type { Determination, ItemDetermination } from "@pol/runtime";
import type { Questionnaire } from "../../index.js";

const SDC_TEMP = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
const CARD_TYPES = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type";

export interface Card {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: "info" | "warning" | "critical";
  source: { label: string; topic: { system: string; code: string; display: string } };
  suggestions?: { label: string; uuid: string; actions: { type: "create"; description: string; resource: object }[] }[];
  selectionBehavior?: "any" | "at-most-one";
  extension?: Record<string, unknown>;
}

const topic = { system: CARD_TYPES, code: "coverage-info", display: "Coverage Information" };

/** A summary fits CDS Hooks' 140 characters. */
function summary(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

/** The Request Form Completion card for a pended order. */
export function formCompletionCard(
  determination: Determination,
  item: ItemDetermination,
  order: { reference: string },
  questionnaire: Questionnaire,
  ids: { card: string; suggestion: string; task: string },
  patientId: string,
  date: string,
): Card {
  const { policy } = determination;
  const name = `${policy.payer} ${policy.number}`;
  const task = {
    resourceType: "Task",
    id: ids.task,
    basedOn: [order],
    status: "ready",
    intent: "order",
    code: { coding: [{ system: SDC_TEMP, code: "complete-questionnaire" }] },
    description: `Complete the ${name} documentation form for code ${item.code}`,
    for: { reference: `Patient/${patientId}` },
    authoredOn: date,
    requester: { display: policy.payer },
    reasonCode: { text: `${name} (${policy.title}) needs this documentation to decide the order` },
    input: [{ type: { coding: [{ system: SDC_TEMP, code: "questionnaire" }], text: "questionnaire" }, valueCanonical: questionnaire.url }],
  };
  return {
    uuid: ids.card,
    summary: summary(`Documentation needed for ${item.code} (${name}): ${item.missing.length} fact${item.missing.length === 1 ? "" : "s"}`),
    detail: `${name} cannot decide the order without:\n\n${item.missing.map((missing) => `- ${missing.label}`).join("\n")}`,
    indicator: "info",
    source: { label: policy.payer, topic },
    suggestions: [
      {
        label: `Add "complete the ${name} documentation form" to the task list`,
        uuid: ids.suggestion,
        actions: [
          { type: "create", description: `Add the ${name} documentation form`, resource: questionnaire },
          { type: "create", description: "Add the task to complete the form", resource: task },
        ],
      },
    ],
    selectionBehavior: "any",
    extension: { "davinci-crd.associated-resource": [order] },
  };
}

/** A card saying why no coverage information could be given (no Coverage, unreadable record). */
export function noticeCard(uuid: string, label: string, text: string, detail?: string): Card {
  return { uuid, summary: summary(text), ...(detail === undefined ? {} : { detail }), indicator: "info", source: { label, topic } };
}
