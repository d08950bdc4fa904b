// Case paths as determinations name facts (`pain_onset`, `items[0].side`, `procedures[1].relief`)
// resolved against the schema descriptor: what a questionnaire asks for and where an answer goes.

import type { FieldDescriptor, FieldType, RecordDescriptor, SchemaDescriptor } from "@pol/runtime";

export interface PathStep {
  field: string;
  /** The list element the step goes into (`procedures[1]`), when it names one. */
  index?: number;
}

const STEP = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{1,9})\])?$/;

/** `procedures[1].relief` -> steps, or undefined when it is no case path. */
export function parsePath(path: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  for (const part of path.split(".")) {
    const match = STEP.exec(part);
    if (match === null) return undefined;
    steps.push(match[2] === undefined ? { field: match[1]! } : { field: match[1]!, index: Number(match[2]) });
  }
  return steps;
}

export function pathText(steps: readonly PathStep[]): string {
  return steps.map((step) => (step.index === undefined ? step.field : `${step.field}[${step.index}]`)).join(".");
}

const BUILT_IN: Record<string, FieldDescriptor> = {
  date_of_service: { type: "date", label: "date of service" },
  items: { type: { list: "item" }, label: "requested line items" },
};

export function recordOf(schema: SchemaDescriptor, name: string): RecordDescriptor | undefined {
  return Object.prototype.hasOwnProperty.call(schema.records, name) ? schema.records[name] : undefined;
}

/** A record's own field (never one of Object.prototype's names). */
export function fieldOf(schema: SchemaDescriptor, record: string, name: string): FieldDescriptor | undefined {
  const fields = recordOf(schema, record)?.fields;
  if (fields !== undefined && Object.prototype.hasOwnProperty.call(fields, name)) return fields[name];
  return record === "case" && Object.prototype.hasOwnProperty.call(BUILT_IN, name) ? BUILT_IN[name] : undefined;
}

export const listElement = (type: FieldType): string | undefined =>
  typeof type === "object" && "list" in type ? type.list : undefined;

export interface ResolvedPath {
  /** The record holding the last field. */
  record: string;
  field: FieldDescriptor;
  /** The last step indexes into a list (`procedures[1]`): the path names an element, not a field. */
  element: boolean;
}

/** What a path names in the schema, or a sentence saying why it names nothing. */
export function resolvePath(schema: SchemaDescriptor, steps: readonly PathStep[]): ResolvedPath | string {
  let record = "case";
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const field = fieldOf(schema, record, step.field);
    if (field === undefined) return `\`${step.field}\` is not a field of ${record === "case" ? "the case" : `a ${recordOf(schema, record)?.label ?? record}`}`;
    const element = listElement(field.type);
    if (step.index !== undefined && element === undefined) return `\`${step.field}\` is not a list`;
    if (i === steps.length - 1) return { record, field, element: step.index !== undefined };
    if (step.index === undefined || element === undefined) return `\`${step.field}\` has no fields of its own`;
    record = element;
  }
  return "the path is empty";
}

/** The value at a path in a case, or undefined when it (or a record on the way) is absent. */
export function valueAt(json: unknown, steps: readonly PathStep[]): unknown {
  let value = json;
  for (const step of steps) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = Object.prototype.hasOwnProperty.call(value, step.field) ? (value as Record<string, unknown>)[step.field] : undefined;
    if (step.index !== undefined) value = Array.isArray(value) ? value[step.index] : undefined;
  }
  return value;
}
