// What the module of a schema that extends another (`use "spine.pol"` with `extend record`,
// `extend enum`, `extend case`, `extend item`) takes from the base's module, and what it writes
// itself. Taken as they are: the date types, `Duration`, the enums it does not extend and the
// records whose fields and field types are all the same (their type, reads and handles). Written:
// an extended enum as the base's members and its own, a record with new fields as the base's type
// and those fields (fields whose type changes, an extended enum's or record's, written again), and
// the descriptor whole: validation and every handle read it, so it stays the schema's one
// definition of what a case holds.

import type { FieldModel, RecordModel, SchemaFile, SchemaModel, Type } from "../model.js";
import { schemaDescriptor } from "../schema-descriptor.js";
import type { Ts } from "./ts.js";

export interface Inheritance {
  base: SchemaFile;
  /** The base's module as this one imports it whole (`import * as spine`). */
  module: Ts;
  /** The TypeScript names of the types taken as they are (the records' among them). */
  types: ReadonlySet<string>;
  /** Records taken whole, by pol name: their type, their reads and their handles. */
  records: ReadonlySet<string>;
  /** The TypeScript names of those records. */
  recordTypes: ReadonlySet<string>;
  /** What this module exports of those records: `Visit, visitReads`. */
  recordExports: readonly string[];
  /** The records' TypeScript names that this module's own declarations refer to. */
  referenced: ReadonlySet<string>;
  /** Enums with members added: how many members the base has. */
  extendedEnums: ReadonlyMap<string, number>;
  /** Records of the base with fields added: the fields this module writes (those added, and those
   *  whose type changes, which `retyped` names). */
  extendedRecords: ReadonlyMap<string, { fields: FieldModel[]; retyped: string[] }>;
}

/** How a schema module names things: its types' and its reads' names. */
export interface SchemaNames {
  types(schema: SchemaModel): ReadonlyMap<string, string>;
  reads(schema: SchemaModel): ReadonlyMap<string, string>;
}

/** The date types every schema module declares. */
const DATE_TYPES = ["IsoDate", "IsoMonth", "IsoDay"];

export function inheritanceOf(schema: SchemaModel, base: SchemaFile, module: Ts, names: SchemaNames): Inheritance {
  const typeNames = names.types(schema);
  const baseTypeNames = names.types(base.schema);
  const sameName = (name: string) => baseTypeNames.has(name) && baseTypeNames.get(name) === typeNames.get(name);

  const enums = new Set<string>();
  const extendedEnums = new Map<string, number>();
  for (const model of schema.enums.values()) {
    const old = base.schema.enums.get(model.name);
    if (old === undefined || !sameName(model.name) || old.label !== model.label || !startsWith(model.members, old.members)) continue;
    if (old.members.length === model.members.length) enums.add(model.name);
    else if (old.members.length > 0) extendedEnums.set(model.name, old.members.length);
  }

  // Records whose descriptor is the same (labels, field types, enum members, computed fields) and
  // whose types' names are the same, until no record refers to one that is not.
  const descriptor = schemaDescriptor(schema).records;
  const baseDescriptor = schemaDescriptor(base.schema).records;
  const records = new Set(
    [...schema.records.keys()].filter(
      (name) => base.schema.records.has(name) && sameName(name) && JSON.stringify(descriptor[name]) === JSON.stringify(baseDescriptor[name]),
    ),
  );
  const sameType = (type: Type): boolean => referencedTypes(type).every((name) => enums.has(name) || records.has(name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of records) {
      if (![...schema.records.get(name)!.fields.values()].every((field) => sameType(field.type))) {
        records.delete(name);
        changed = true;
      }
    }
  }

  const extendedRecords = new Map<string, { fields: FieldModel[]; retyped: string[] }>();
  for (const record of schema.records.values()) {
    const old = base.schema.records.get(record.name);
    if (records.has(record.name) || old === undefined || !sameName(record.name) || old.label !== record.label) continue;
    const fields = suppliable(record);
    const oldFields = suppliable(old);
    const kept = oldFields.every((field, i) => fields[i]?.name === field.name && fields[i]!.label === field.label);
    if (!kept) continue;
    const retyped = fields.slice(0, oldFields.length).filter((field, i) => !sameType(field.type) || !sameKind(field.type, oldFields[i]!.type));
    extendedRecords.set(record.name, { fields: [...retyped, ...fields.slice(oldFields.length)], retyped: retyped.map((field) => field.name) });
  }

  const types = new Set<string>(DATE_TYPES);
  if (declaresDuration(base.schema)) types.add("Duration");
  for (const name of [...enums, ...records]) types.add(typeNames.get(name)!);
  const recordTypes = new Set([...records].map((name) => typeNames.get(name)!));
  const readsNames = names.reads(schema);
  const baseReadsNames = names.reads(base.schema);
  const recordExports = [...records].flatMap((name) => {
    const reads = readsNames.get(name);
    const baseReads = baseReadsNames.get(name);
    const exported = reads === undefined || baseReads === undefined ? [] : [reads === baseReads ? reads : `${baseReads} as ${reads}`];
    return [typeNames.get(name)!, ...exported];
  });
  const written = [...schema.records.values()]
    .filter((record) => !records.has(record.name))
    .flatMap((record) => extendedRecords.get(record.name)?.fields ?? suppliable(record));
  const referenced = new Set(written.flatMap((field) => referencedTypes(field.type).flatMap((name) => (records.has(name) ? [typeNames.get(name)!] : []))));
  return { base, module, types, records, recordTypes, recordExports, referenced, extendedEnums, extendedRecords };
}

/** A record's fields a case may hold: all but the computed ones. */
export function suppliable(record: RecordModel): FieldModel[] {
  return [...record.fields.values()].filter((field) => !field.computed);
}

function startsWith(members: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((member, i) => members[i] === member);
}

/** The records and enums a field's type names. */
function referencedTypes(type: Type): string[] {
  switch (type.kind) {
    case "enum":
      return [type.name];
    case "list":
      return [type.element];
    case "values":
      return referencedTypes(type.element);
    default:
      return [];
  }
}

/** The same type, whatever the types it names hold. */
function sameKind(a: Type, b: Type): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a schema's module declares `Duration`: a field a case may hold is a duration. */
export function declaresDuration(schema: SchemaModel): boolean {
  return [...schema.records.values()].some((record) => suppliable(record).some((field) => field.type.kind === "duration"));
}
