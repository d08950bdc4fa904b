// The FHIR Questionnaire for pended items: one question per fact still needed, asked with the
// fact's label and typed from its field (boolean, date, decimal with its unit, a duration as a
// quantity, a choice of the enum's members, a repeating group for a list of records). Every
// linkId is the fact's case path, so a QuestionnaireResponse maps straight back into the case
// (response.ts), and re-evaluating the completed case closes the loop.

import type { Determination, FieldDescriptor, FieldType, ItemDetermination, SchemaDescriptor } from "@pol/runtime";
import {
  fieldOf,
  listElement,
  parsePath,
  pathText,
  recordOf,
  resolvePath,
  valueAt,
  type PathStep,
} from "./case-paths.js";
import { UCUM, type Coding, type Extension, type Resource } from "./fhir-types.js";
import { derivedUuid } from "./ids.js";
import { policyName } from "./reasons.js";

export interface QuestionnaireItem {
  linkId: string;
  text: string;
  type: "group" | "display" | "boolean" | "decimal" | "date" | "string" | "choice" | "quantity";
  repeats?: boolean;
  extension?: Extension[];
  answerOption?: { valueCoding: Coding }[];
  item?: QuestionnaireItem[];
}

export interface Questionnaire extends Resource {
  resourceType: "Questionnaire";
  url: string;
  status: "active";
  item: QuestionnaireItem[];
}

export interface QuestionnaireOptions {
  /** The items to ask for (indexes); default: every pended item. */
  items?: readonly number[];
  /** The date the questionnaire is issued, `YYYY-MM-DD`. */
  date?: string;
  /** The questionnaire's canonical URL; default a `urn:uuid:` derived from the policy and the facts asked. */
  url?: string;
}

/** The linkId suffix of the question "there are none" for a list whose entries are asked for. */
export const NONE_SUFFIX = "[]";
/** The step of a repeating group's questions: `procedures[*].date`. */
export const EACH = "[*]";

const UNIT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
const UNIT_OPTION_EXTENSION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption";

/** The fixed-length units a duration is answered in, as UCUM codes (pol's `h`, `d`, `wk`). */
export const DURATION_UNITS: readonly Coding[] = [
  { system: UCUM, code: "h", display: "hours" },
  { system: UCUM, code: "d", display: "days" },
  { system: UCUM, code: "wk", display: "weeks" },
];

/** The facts the chosen pended items still need, each once, in the order the items name them. */
export function neededFacts(determination: Determination, items?: readonly number[]): ItemDetermination["missing"] {
  const seen = new Map<string, ItemDetermination["missing"][number]>();
  for (const item of determination.items) {
    if (item.outcome !== "pended" || (items !== undefined && !items.includes(item.index))) continue;
    for (const missing of item.missing) if (!seen.has(missing.fact)) seen.set(missing.fact, missing);
  }
  return [...seen.values()];
}

/** The canonical URL of the questionnaire asking for `facts` under this policy. */
export function questionnaireUrl(determination: Determination, facts: readonly string[]): string {
  const { policy } = determination;
  return derivedUuid(["questionnaire", policy.id, policy.version, policy.sourceHash, facts]);
}

/**
 * The questionnaire for the pended items of a determination of `caseJson` (the case it was made
 * from, for naming the records a question is about), or undefined when no chosen item is pended
 * for documentation.
 */
export function questionnaireFor(
  determination: Determination,
  schema: SchemaDescriptor,
  caseJson: unknown,
  options: QuestionnaireOptions = {},
): Questionnaire | undefined {
  const facts = neededFacts(determination, options.items);
  if (facts.length === 0) return undefined;
  const url = options.url ?? questionnaireUrl(determination, facts.map((fact) => fact.fact));
  const items: QuestionnaireItem[] = [];
  const groups = new Map<string, QuestionnaireItem>();
  for (const fact of facts) {
    const steps = parsePath(fact.fact);
    const resolved = steps === undefined ? "it is no case path" : resolvePath(schema, steps);
    if (steps === undefined || typeof resolved === "string" || resolved.element) {
      // A fact no answer can supply (it names no field): shown, so the form still lists it.
      items.push({ linkId: fact.fact, text: `${fact.label} (cannot be answered in this form)`, type: "display" });
      continue;
    }
    const questions = questionsFor(schema, fact.fact, resolved.field, fact.label);
    const owner = steps.length > 1 ? steps.slice(0, -1) : undefined;
    if (owner === undefined) {
      items.push(...questions);
      continue;
    }
    const key = pathText(owner);
    let group = groups.get(key);
    if (group === undefined) {
      group = { linkId: key, text: elementTitle(schema, caseJson, owner), type: "group", item: [] };
      groups.set(key, group);
      items.push(group);
    }
    group.item!.push(...questions);
  }
  const { policy } = determination;
  const codes = [...new Set(determination.items.filter((item) => item.outcome === "pended").map((item) => item.code))];
  return {
    resourceType: "Questionnaire",
    id: url.slice(url.lastIndexOf(":") + 1),
    url,
    version: policy.version,
    title: `Documentation for ${policyName(determination)} (${policy.title}): ${codes.join(", ")}`,
    status: "active",
    subjectType: ["Patient"],
    ...(options.date === undefined ? {} : { date: options.date }),
    publisher: policy.payer,
    description: `The facts ${policyName(determination)} still needs to decide the requested items; each question's linkId is the fact's path in the case.`,
    item: items,
  };
}

/** `prior procedure 1 (27096, 2025-06-02)`: the element a group of questions is about. */
function elementTitle(schema: SchemaDescriptor, caseJson: unknown, steps: readonly PathStep[]): string {
  let record = "case";
  for (const step of steps) record = listElement(fieldOf(schema, record, step.field)?.type ?? "text") ?? record;
  const last = steps[steps.length - 1]!;
  const descriptor = recordOf(schema, record);
  const label = record === "item" ? "requested line" : (descriptor?.label ?? record);
  const element = valueAt(caseJson, steps);
  const shown: string[] = [];
  if (typeof element === "object" && element !== null) {
    const values = element as Record<string, unknown>;
    const keys = ["code", descriptor?.dated?.start].filter((key): key is string => key !== undefined);
    for (const key of keys) if (typeof values[key] === "string") shown.push(values[key] as string);
  }
  return `${label} ${(last.index ?? 0) + 1}${shown.length > 0 ? ` (${shown.join(", ")})` : ""}`;
}

/** The question (or the questions, for a list of records) asking for one fact. */
function questionsFor(schema: SchemaDescriptor, linkId: string, field: FieldDescriptor, label: string): QuestionnaireItem[] {
  const type = field.type;
  if (typeof type !== "object" || !("list" in type)) return [question(linkId, label, type)];
  const element = type.list;
  const record = recordOf(schema, element);
  const children = Object.entries(record?.fields ?? {})
    .filter(([, child]) => !child.computed)
    .flatMap(([name, child]) => questionsFor(schema, `${linkId}${EACH}.${name}`, child, child.label));
  return [
    { linkId: `${linkId}${NONE_SUFFIX}`, text: `None: no ${label} to record`, type: "boolean" },
    { linkId, text: label, type: "group", repeats: true, item: children },
  ];
}

function question(linkId: string, text: string, type: Exclude<FieldType, { list: string }>): QuestionnaireItem {
  if (typeof type === "object" && "values" in type) return { ...question(linkId, text, type.values), repeats: true };
  if (typeof type === "object") {
    return {
      linkId,
      text,
      type: "choice",
      answerOption: type.enum.map((member) => ({ valueCoding: { code: member, display: member.replace(/_/g, " ") } })),
    };
  }
  switch (type) {
    case "bool":
      return { linkId, text, type: "boolean" };
    case "number":
      return { linkId, text, type: "decimal" };
    case "percent":
      return { linkId, text, type: "decimal", extension: [{ url: UNIT_EXTENSION, valueCoding: { system: UCUM, code: "%", display: "%" } }] };
    case "date":
      return { linkId, text, type: "date" };
    case "duration":
      return { linkId, text, type: "quantity", extension: DURATION_UNITS.map((unit) => ({ url: UNIT_OPTION_EXTENSION, valueCoding: unit })) };
    case "code":
    case "text":
      return { linkId, text, type: "string" };
  }
}
