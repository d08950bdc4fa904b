// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Schema descriptors and case validation (the evaluation context is in context.ts)

import { parseDuration, parseIsoDate } from "./calendar.js";
import { closestName } from "./names.js";

export type FieldType =
  | "bool"
  | "number"
  | "percent"
  | "date"
  | "duration"
  | "code"
  | "text"
  | { enum: readonly string[] }
  | { list: string }
  /** A list of codes, texts or enum members. */
  | { values: "code" | "text" | { enum: readonly string[] } };

export interface FieldDescriptor {
  type: FieldType;
  label: string;
  /** Computed fields may not be supplied in a case. */
  computed?: true;
}

export interface RecordDescriptor {
  label: string;
  dated?: { start: string; end?: string };
  fields: Readonly<Record<string, FieldDescriptor>>;
}

/** Records by name; "case" and "item" are always present. The case record includes
 *  `date_of_service` (date) and `items` ({ list: "item" }). */
export interface SchemaDescriptor {
  records: Readonly<Record<string, RecordDescriptor>>;
}

export interface CaseError {
  /** JSON path, e.g. `procedures[2].date`; `` for the whole case. */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /**
   * What a field the schema does not declare is: `reject` (the default) makes it an error, which
   * catches misspelled fields; `ignore` skips it, for one payload that feeds several policies
   * (a misspelled fact then simply stays unknown, which never approves anything).
   */
  unknownFields?: "reject" | "ignore";
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: CaseError[] };

export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** A schema lookup that never sees Object.prototype (`constructor`, `__proto__`, ...). */
export function ownField(record: RecordDescriptor | undefined, name: string): FieldDescriptor | undefined {
  return record !== undefined && hasOwn(record.fields, name) ? record.fields[name] : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON value as it appears in a message: strings in backticks, lists and objects by kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "an object";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    return "`" + (value.length > 60 ? value.slice(0, 57) + "..." : value) + "`";
  }
  return "`" + String(value) + "`";
}

/** A field name as an error shows it: a hostile, very long one is cut short. */
function shownName(name: string): string {
  return name.length > 80 ? `${name.slice(0, 77)}...` : name;
}

function childPath(parent: string, name: string): string {
  return parent === "" ? name : parent + "." + name;
}


const CALENDAR_DURATION = /^(\d{1,9})(mo|y)$/;

/** What is wrong with a supplied (non-null) value of a field type, or undefined when it is fine. */
function typeError(type: Exclude<FieldType, { list: string } | { values: unknown }>, value: unknown): string | undefined {
  switch (type) {
    case "bool":
      return typeof value === "boolean" ? undefined : `expected \`true\` or \`false\`, found ${shown(value)}`;
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : `expected a number, found ${shown(value)}`;
    case "percent":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return `expected a percent (a number from 0 to 100), found ${shown(value)}`;
      }
      return value >= 0 && value <= 100 ? undefined : `percent must be between 0 and 100, found ${shown(value)}`;
    case "date":
      return typeof value === "string" && parseIsoDate(value) !== undefined
        ? undefined
        : `expected a date \`YYYY-MM-DD\`, found ${shown(value)}`;
    case "duration": {
      if (typeof value === "string" && parseDuration(value) !== undefined) return undefined;
      const calendar = typeof value === "string" ? CALENDAR_DURATION.exec(value) : null;
      if (calendar !== null) {
        // Suggest the nearest fixed durations: a month as 30 days / 4 weeks, a year as 365 / 52.
        const months = calendar[2] === "y" ? Number(calendar[1]) * 12 : Number(calendar[1]);
        const days = calendar[2] === "y" ? Number(calendar[1]) * 365 : months * 30;
        const weeks = calendar[2] === "y" ? Number(calendar[1]) * 52 : months * 4;
        return `\`${value}\` is a calendar duration; record this duration in days or weeks (\`${days}d\`, \`${weeks}wk\`)`;
      }
      return `expected a duration in hours, days or weeks (\`4h\`, \`42d\`, \`6wk\`), found ${shown(value)}`;
    }
    case "code":
      if (typeof value === "string" && value.trim() !== "") return undefined;
      if (typeof value === "number")
        return `expected a code as a string (\`"${value}"\`), found the number ${shown(value)}`;
      return `expected a code, found ${shown(value)}`;
    case "text":
      return typeof value === "string" ? undefined : `expected text, found ${shown(value)}`;
    default:
      return typeof value === "string" && type.enum.includes(value)
        ? undefined
        : `expected one of ${type.enum.map((member) => "`" + member + "`").join(", ")}, found ${shown(value)}`;
  }
}

/**
 * What is wrong with one requested line item, as `validateCase` would report it under
 * `items[index]`: empty for a well-formed item. The runtime asks this of an earlier line whose
 * facts the rules may have misread (see `granted`).
 */
export function itemErrors(schema: SchemaDescriptor, item: unknown, index: number): CaseError[] {
  const path = `items[${index}]`;
  if (!isPlainObject(item)) return [{ path, message: `expected a line item (an object), found ${shown(item)}` }];
  const errors: CaseError[] = [];
  // A field the schema does not declare is never read, so it cannot make a fact misread.
  validateRecord(schema, "item", item, path, ["code"], errors, true);
  return errors;
}

/** Validates one record (the case, an item, a list element) and everything under it. */
function validateRecord(
  schema: SchemaDescriptor,
  recordName: string,
  value: Record<string, unknown>,
  path: string,
  required: readonly string[],
  errors: CaseError[],
  ignoreUnknown: boolean,
): void {
  const record = hasOwn(schema.records, recordName) ? schema.records[recordName] : undefined;
  for (const name of required) {
    if (!hasOwn(value, name) || value[name] === null || value[name] === undefined) {
      errors.push({ path: childPath(path, name), message: `missing required field \`${name}\`` });
    }
  }
  for (const name of Object.keys(value)) {
    const fieldPath = childPath(path, name);
    const descriptor = ownField(record, name) ?? builtInCaseField(recordName, name);
    if (descriptor === undefined) {
      if (ignoreUnknown) continue;
      const suppliable =
        record === undefined ? [] : Object.keys(record.fields).filter((f) => !record.fields[f]!.computed);
      const suggestion = closestName(name, suppliable);
      errors.push({
        path: childPath(path, shownName(name)),
        message: `unknown field \`${shownName(name)}\`` + (suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`),
      });
      continue;
    }
    if (descriptor.computed) {
      errors.push({ path: fieldPath, message: `\`${name}\` is computed from other fields and cannot be supplied` });
      continue;
    }
    const fieldValue = value[name];
    if (fieldValue === null || fieldValue === undefined) continue; // an unknown fact, allowed
    const type = descriptor.type;
    if (typeof type === "object" && "list" in type) {
      validateList(schema, type.list, descriptor.label, fieldValue, fieldPath, errors, ignoreUnknown);
      continue;
    }
    if (typeof type === "object" && "values" in type) {
      if (!Array.isArray(fieldValue)) {
        errors.push({ path: fieldPath, message: `expected a list of ${descriptor.label}, found ${shown(fieldValue)}` });
        continue;
      }
      for (let index = 0; index < fieldValue.length; index++) {
        const element: unknown = fieldValue[index];
        const problem = index in fieldValue ? typeError(type.values, element) : "expected a value, found a hole in the list";
        if (problem !== undefined) errors.push({ path: `${fieldPath}[${index}]`, message: problem });
      }
      continue;
    }
    const problem = typeError(type, fieldValue);
    if (problem !== undefined) errors.push({ path: fieldPath, message: problem });
  }
}

function validateList(
  schema: SchemaDescriptor,
  elementRecord: string,
  label: string,
  value: unknown,
  path: string,
  errors: CaseError[],
  ignoreUnknown: boolean,
): void {
  if (!Array.isArray(value)) {
    errors.push({ path, message: `expected a list of ${label}, found ${shown(value)}` });
    return;
  }
  const elementLabel = hasOwn(schema.records, elementRecord) ? schema.records[elementRecord]!.label : elementRecord;
  const required = elementRecord === "item" ? ["code"] : [];
  // By index, not forEach: a hole (`[, {...}]`) is an error too, not an element skipped.
  for (let index = 0; index < value.length; index++) {
    const elementPath = `${path}[${index}]`;
    const element: unknown = value[index];
    if (!(index in value)) errors.push({ path: elementPath, message: `expected a ${elementLabel} (an object), found a hole in the list` });
    else if (isPlainObject(element)) validateRecord(schema, elementRecord, element, elementPath, required, errors, ignoreUnknown);
    else errors.push({ path: elementPath, message: `expected a ${elementLabel} (an object), found ${shown(element)}` });
  }
}

/** `date_of_service` and `items` exist on every case even if a descriptor forgot them. */
export function builtInCaseField(recordName: string, name: string): FieldDescriptor | undefined {
  if (recordName !== "case") return undefined;
  if (name === "date_of_service") return { type: "date", label: "date of service" };
  if (name === "items") return { type: { list: "item" }, label: "requested line items" };
  return undefined;
}

/**
 * Check untrusted JSON against the schema: every error with its path, never a throw. Absent
 * fields and nulls are allowed (unknown facts) except `date_of_service`, `items` and each item's
 * `code`. Unknown fields, wrong types, invalid dates, percents outside 0-100, calendar durations
 * (`2mo`) in duration fields, and supplied computed fields are errors; unknown fields are ignored
 * instead with `{ unknownFields: "ignore" }`.
 */
export function validateCase(
  json: unknown,
  schema: SchemaDescriptor,
  options?: ValidateOptions,
): Validation<Record<string, unknown>> {
  if (!isPlainObject(json)) {
    return { ok: false, errors: [{ path: "", message: `expected a case object \`{ ... }\`, found ${shown(json)}` }] };
  }
  const errors: CaseError[] = [];
  validateRecord(schema, "case", json, "", ["date_of_service", "items"], errors, options?.unknownFields === "ignore");
  return errors.length === 0 ? { ok: true, value: json } : { ok: false, errors };
}
