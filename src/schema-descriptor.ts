// The schema descriptor: the plain-data form of a checked schema that the runtime validates
// cases against and reads field labels from. The interpreter builds it at evaluation time and
// the code generator embeds the same object in every compiled evaluator, so both see one shape.

import type { CodeSetDecl } from "./ast.js";
import { CASE_RECORD, type CheckedPolicy, type PolicyMetadata, type FieldModel, type RecordModel, type SchemaModel, type Type } from "./model.js";
import type { FieldDescriptor, FieldType, PolicyInfo, RecordDescriptor, SchemaDescriptor } from "@pol/runtime";

/** The case record's built-in fields, always listed first. */
const CASE_BUILT_INS: readonly [string, FieldDescriptor][] = [
  ["date_of_service", { type: "date", label: "date of service" }],
  ["items", { type: { list: "item" }, label: "requested line items" }],
];

export function schemaDescriptor(schema: SchemaModel): SchemaDescriptor {
  // Built with Object.fromEntries: every name becomes an own property, even one such as
  // `constructor` or `__proto__` (an assignment would set the object's prototype instead).
  const records = Object.fromEntries([...schema.records].map(([name, record]) => [name, recordDescriptor(schema, record)]));
  return { records };
}

function recordDescriptor(schema: SchemaModel, record: RecordModel): RecordDescriptor {
  const entries: [string, FieldDescriptor][] = [];
  if (record.name === CASE_RECORD) {
    // The checker's case model holds the built-ins already; the descriptor must have them first
    // whatever the model's order, because validation and codegen rely on them being there.
    for (const [name, fallback] of CASE_BUILT_INS) {
      const model = record.fields.get(name);
      entries.push([name, model ? fieldDescriptor(schema, model) : fallback]);
    }
  }
  for (const [name, model] of record.fields) {
    if (!entries.some(([seen]) => seen === name)) entries.push([name, fieldDescriptor(schema, model)]);
  }
  const descriptor: RecordDescriptor = { label: record.label, fields: Object.fromEntries(entries) };
  if (record.dated) {
    descriptor.dated =
      record.dated.end === undefined
        ? { start: record.dated.start }
        : { start: record.dated.start, end: record.dated.end };
  }
  return descriptor;
}

function fieldDescriptor(schema: SchemaModel, model: FieldModel): FieldDescriptor {
  const descriptor: FieldDescriptor = {
    type: fieldType(schema, model.type, model.name),
    label: model.label,
  };
  if (model.computed) descriptor.computed = true;
  return descriptor;
}

function fieldType(schema: SchemaModel, type: Type, fieldName: string): FieldType {
  switch (type.kind) {
    case "bool":
    case "number":
    case "percent":
    case "date":
    case "duration":
    case "code":
    case "text":
      return type.kind;
    case "enum": {
      const members = schema.enums.get(type.name)?.members;
      if (!members)
        throw new Error(`internal error: field \`${fieldName}\` has unknown enum \`${type.name}\``);
      return { enum: [...members] };
    }
    case "list":
      return { list: type.element };
    case "values":
      return { values: fieldType(schema, type.element, fieldName) as "code" | "text" | { enum: readonly string[] } };
    default:
      // The checker never gives a field any other type; reaching here is a checker bug.
      throw new Error(
        `internal error: field \`${fieldName}\` has type \`${type.kind}\`, which no field can have`,
      );
  }
}

/** The policy's metadata as the runtime reports it; `expires` only when the policy has one. */
export function policyInfo(policy: CheckedPolicy): PolicyInfo {
  return policyInfoOf(policy.metadata);
}

export function policyInfoOf(m: PolicyMetadata): PolicyInfo {
  return {
    id: m.id,
    title: m.title,
    payer: m.payer,
    number: m.number,
    version: m.version,
    ...(m.effective !== undefined ? { effective: m.effective } : {}),
    ...(m.proposed ? { proposed: true as const } : {}),
    ...(m.expires !== undefined ? { expires: m.expires } : {}),
    source: m.source,
    sourceHash: m.sourceHash,
  };
}

/** A code set's entries split the way the runtime's `CodeSet` takes them, in declaration order. */
export function codeSetEntries(decl: CodeSetDecl): { exact: string[]; prefixes: string[]; ranges: [string, string][] } {
  const exact: string[] = [];
  const prefixes: string[] = [];
  const ranges: [string, string][] = [];
  for (const entry of decl.entries) {
    if (entry.kind === "CodeExact") exact.push(entry.code);
    else if (entry.kind === "CodePrefix") prefixes.push(entry.prefix);
    else ranges.push([entry.from, entry.to]);
  }
  return { exact, prefixes, ranges };
}
