// A completed QuestionnaireResponse back into the case: each answer goes to the case path its
// linkId names (questionnaire.ts), typed by the field it fills. An answer that does not fit (the
// wrong kind of value, a path the schema does not have, a value the case already records
// differently) is an error located in the response and named by its fact; nothing is guessed.

import { validateCase, type FieldDescriptor, type FieldType, type SchemaDescriptor } from "@pol/runtime";
import { fieldOf, listElement, parsePath, pathText, resolvePath, valueAt, type PathStep } from "./case-paths.js";
import { UCUM } from "./fhir-types.js";
import { DURATION_UNITS, EACH, NONE_SUFFIX } from "./questionnaire.js";

export interface AnswerError {
  /** Where in the response: `QuestionnaireResponse.item[2].answer[0]`. */
  location: string;
  /** The case path the answer was for, when the linkId names one. */
  fact?: string;
  message: string;
}

export type ResponseMerge =
  | { ok: true; case: Record<string, unknown>; answered: string[] }
  | { ok: false; errors: AnswerError[] };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `caseJson` with the answers of `response` filled in (a new object; the input is not changed),
 * or every answer that does not fit. The merged case is validated against the schema.
 */
export function applyQuestionnaireResponse(schema: SchemaDescriptor, caseJson: unknown, response: unknown): ResponseMerge {
  const errors: AnswerError[] = [];
  if (!isObject(response) || response.resourceType !== "QuestionnaireResponse") {
    return { ok: false, errors: [{ location: "QuestionnaireResponse", message: "expected a FHIR QuestionnaireResponse (`resourceType` `QuestionnaireResponse`)" }] };
  }
  if (!isObject(caseJson)) return { ok: false, errors: [{ location: "QuestionnaireResponse", message: "the case to complete is not a JSON object" }] };
  const merged = structuredClone(caseJson);
  const answered: string[] = [];
  const locations = new Map<string, string>();
  const merge = new Merge(schema, merged, errors, answered, locations);
  merge.items(response.item, "QuestionnaireResponse");
  if (errors.length > 0) return { ok: false, errors };
  const valid = validateCase(merged, schema, { unknownFields: "ignore" });
  if (!valid.ok) {
    for (const error of valid.errors) {
      const fact = error.path;
      const location = locations.get(fact) ?? [...locations].find(([path]) => fact.startsWith(path))?.[1];
      if (location !== undefined) errors.push({ location, fact, message: error.message });
    }
    if (errors.length > 0) return { ok: false, errors };
  }
  return { ok: true, case: merged, answered };
}

class Merge {
  constructor(
    private readonly schema: SchemaDescriptor,
    private readonly target: Json,
    private readonly errors: AnswerError[],
    private readonly answered: string[],
    private readonly locations: Map<string, string>,
  ) {}

  items(items: unknown, location: string): void {
    if (items === undefined) return;
    if (!Array.isArray(items)) return this.fail(`${location}.item`, undefined, "`item` must be a list");
    // The entries of a list asked for as a repeating group, gathered before they are placed.
    const entries = new Map<string, { location: string; element: Json }[]>();
    const none = new Map<string, string>();
    items.forEach((item: unknown, index) => {
      const here = `${location}.item[${index}]`;
      if (!isObject(item) || typeof item.linkId !== "string") return this.fail(here, undefined, "an item needs a `linkId`");
      const linkId = item.linkId;
      if (linkId.endsWith(NONE_SUFFIX)) {
        const value = this.single(item, here, linkId);
        if (value === undefined) return;
        if (typeof value.valueBoolean !== "boolean") return this.fail(value.location, linkId, "expected `valueBoolean`");
        if (value.valueBoolean) none.set(linkId.slice(0, -NONE_SUFFIX.length), value.location);
        return;
      }
      const steps = parsePath(linkId);
      const resolved = steps === undefined ? undefined : resolvePath(this.schema, steps);
      if (steps === undefined || resolved === undefined || typeof resolved === "string") {
        return this.fail(here, linkId, `\`${linkId}\` names no fact of the case${typeof resolved === "string" ? `: ${resolved}` : ""}`);
      }
      if (resolved.element) return this.items(item.item, here);
      const element = listElement(resolved.field.type);
      if (element !== undefined) {
        const built = this.entry(element, linkId, item.item, here);
        if (built !== undefined) entries.set(linkId, [...(entries.get(linkId) ?? []), { location: here, element: built }]);
        return;
      }
      this.answer(steps, resolved.field, item, here, linkId);
    });
    for (const [path, location] of none) {
      if (entries.has(path)) this.fail(location, path, `\`${path}\` is answered as having none and also has entries`);
      else this.place(parsePath(path)!, [], location, path);
    }
    for (const [path, list] of entries) this.place(parsePath(path)!, list.map((entry) => entry.element), list[0]!.location, path);
  }

  /** One entry of a repeating group: a record built from its questions `path[*].field`. */
  private entry(record: string, path: string, items: unknown, location: string): Json | undefined {
    const element: Json = {};
    if (!Array.isArray(items)) return element;
    const prefix = `${path}${EACH}.`;
    items.forEach((item: unknown, index) => {
      const here = `${location}.item[${index}]`;
      if (!isObject(item) || typeof item.linkId !== "string") return this.fail(here, undefined, "an item needs a `linkId`");
      const name = item.linkId.startsWith(prefix) ? item.linkId.slice(prefix.length) : undefined;
      const field = name === undefined || record === "case" ? undefined : fieldOf(this.schema, record, name);
      if (name === undefined || field === undefined || field.computed) {
        return this.fail(here, item.linkId, `\`${item.linkId}\` is not a field of an entry of \`${path}\``);
      }
      if (listElement(field.type) !== undefined) return this.fail(here, item.linkId, "lists inside a list entry are not answered in this form");
      const values = this.values(item, here, item.linkId, field);
      if (values !== undefined) element[name] = values.value;
    });
    return element;
  }

  /** A field's answer (or answers, for a list of values) placed at its path. */
  private answer(steps: PathStep[], field: FieldDescriptor, item: Json, location: string, fact: string): void {
    if (field.computed) return this.fail(location, fact, `\`${fact}\` is computed from other facts; answer those instead`);
    const values = this.values(item, location, fact, field);
    if (values !== undefined) this.place(steps, values.value, values.location, fact);
  }

  private values(item: Json, location: string, fact: string, field: FieldDescriptor): { value: unknown; location: string } | undefined {
    const type = field.type;
    if (typeof type === "object" && "values" in type) {
      const answers = Array.isArray(item.answer) ? item.answer : [];
      const converted = answers.map((answer: unknown, index) => convert(type.values, answer, `${location}.answer[${index}]`));
      const bad = converted.find((value): value is Problem => value instanceof Problem);
      if (bad !== undefined) return void this.fail(bad.location, fact, bad.message);
      return answers.length === 0 ? undefined : { value: converted, location: `${location}.answer[0]` };
    }
    const answer = this.single(item, location, fact);
    if (answer === undefined) return undefined;
    const value = convert(type as Exclude<FieldType, { list: string } | { values: unknown }>, answer, answer.location);
    if (value instanceof Problem) return void this.fail(value.location, fact, value.message);
    return { value, location: answer.location };
  }

  /** The one answer of a question; undefined (and nothing to do) when it has none. */
  private single(item: Json, location: string, fact: string): (Json & { location: string }) | undefined {
    if (item.answer === undefined) return undefined;
    if (!Array.isArray(item.answer)) return void this.fail(`${location}.answer`, fact, "`answer` must be a list");
    if (item.answer.length === 0) return undefined;
    if (item.answer.length > 1) return void this.fail(`${location}.answer[1]`, fact, "the question takes one answer");
    const answer: unknown = item.answer[0];
    if (!isObject(answer)) return void this.fail(`${location}.answer[0]`, fact, "an answer must be an object");
    return { ...answer, location: `${location}.answer[0]` };
  }

  /** Set the value at `steps`: the record it belongs to must exist, and a recorded value must agree. */
  private place(steps: PathStep[], value: unknown, location: string, fact: string): void {
    const parent = steps.length === 1 ? this.target : valueAt(this.target, steps.slice(0, -1));
    if (!isObject(parent)) return this.fail(location, fact, `the case has no ${pathText(steps.slice(0, -1))} to record this answer in`);
    const name = steps[steps.length - 1]!.field;
    const recorded = Object.prototype.hasOwnProperty.call(parent, name) ? parent[name] : undefined;
    if (recorded !== undefined && recorded !== null && JSON.stringify(recorded) !== JSON.stringify(value)) {
      return this.fail(location, fact, `the case already records ${JSON.stringify(recorded)} for \`${fact}\`; the answer says ${JSON.stringify(value)}`);
    }
    parent[name] = value;
    this.answered.push(fact);
    this.locations.set(fact, location);
  }

  private fail(location: string, fact: string | undefined, message: string): void {
    this.errors.push(fact === undefined ? { location, message } : { location, fact, message });
  }
}

class Problem {
  constructor(
    readonly location: string,
    readonly message: string,
  ) {}
}

const KINDS: Record<string, string> = {
  bool: "`valueBoolean`",
  number: "`valueDecimal` or `valueInteger`",
  percent: "`valueDecimal`, `valueInteger` or a `valueQuantity` in `%`",
  date: "`valueDate` (a full date, `YYYY-MM-DD`)",
  duration: "`valueQuantity` in hours, days or weeks (UCUM `h`, `d`, `wk`)",
  code: "`valueString` or `valueCoding`",
  text: "`valueString`",
  enum: "`valueCoding` or `valueString` with one of the choices",
};

/** An answer as the JSON value the case holds for a field of `type`. */
function convert(type: Exclude<FieldType, { list: string } | { values: unknown }>, answer: unknown, location: string): unknown {
  const expected = () => new Problem(location, `expected ${KINDS[typeof type === "object" ? "enum" : type]}`);
  if (!isObject(answer)) return expected();
  const number = typeof answer.valueDecimal === "number" ? answer.valueDecimal : answer.valueInteger;
  if (typeof type === "object") {
    const code = isObject(answer.valueCoding) ? answer.valueCoding.code : answer.valueString;
    if (typeof code !== "string") return expected();
    return type.enum.includes(code) ? code : new Problem(location, `\`${code}\` is not one of ${type.enum.map((m) => `\`${m}\``).join(", ")}`);
  }
  switch (type) {
    case "bool":
      return typeof answer.valueBoolean === "boolean" ? answer.valueBoolean : expected();
    case "number":
      return typeof number === "number" ? number : expected();
    case "percent": {
      if (typeof number === "number") return number;
      const quantity = answer.valueQuantity;
      if (isObject(quantity) && typeof quantity.value === "number" && (quantity.code === "%" || quantity.unit === "%")) return quantity.value;
      return expected();
    }
    case "date":
      return typeof answer.valueDate === "string" && /^\d{4}-\d{2}-\d{2}$/.test(answer.valueDate) ? answer.valueDate : expected();
    case "duration": {
      const quantity = answer.valueQuantity;
      if (!isObject(quantity) || typeof quantity.value !== "number") return expected();
      if (quantity.system !== undefined && quantity.system !== UCUM) return new Problem(location, `the duration's unit must be a UCUM code (\`${UCUM}\`)`);
      const unit = DURATION_UNITS.find((option) => option.code === (quantity.code ?? quantity.unit));
      if (unit === undefined) return new Problem(location, `a duration is answered in hours, days or weeks (\`h\`, \`d\`, \`wk\`), found \`${String(quantity.code ?? quantity.unit)}\``);
      if (!Number.isInteger(quantity.value) || quantity.value < 0) return new Problem(location, "a duration is a whole number of hours, days or weeks");
      return `${quantity.value}${unit.code}`;
    }
    case "code": {
      const code = isObject(answer.valueCoding) ? answer.valueCoding.code : answer.valueString;
      return typeof code === "string" && code.trim() !== "" ? code : expected();
    }
    case "text":
      return typeof answer.valueString === "string" ? answer.valueString : expected();
  }
}
