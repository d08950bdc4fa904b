// Lookup tables: `table action_time "how long each anesthetic acts" by Anesthetic { ... }`. A
// table is total over its enum: every member has exactly one value, and all values have one type.

import type { TableDecl, TableEntry } from "../ast.js";
import { diagnostic, suggest, type Diagnostic } from "../diagnostics.js";
import type { SchemaModel, TableModel, Type } from "../model.js";
import { typeName } from "./format.js";

export function checkTable(schema: SchemaModel, decl: TableDecl, diagnostics: Diagnostic[]): TableModel {
  const name = decl.name.name;
  const values = new Map<string, number | string | boolean>();
  const model: TableModel = { name, label: decl.label?.value ?? name, key: decl.key.name, type: { kind: "error" }, values };
  const enumeration = schema.enums.get(decl.key.name);
  if (!enumeration) {
    const help = suggest(decl.key.name, schema.enums.keys());
    diagnostics.push(diagnostic("POL3038", decl.key.span, { name: decl.key.name, table: name }, help));
    return model;
  }
  let type: Type | undefined;
  for (const entry of decl.entries) {
    const member = entry.member.name;
    if (!enumeration.members.includes(member)) {
      const help = suggest(member, enumeration.members) ?? { enum: enumeration.name, members: enumeration.members.map((m) => `\`${m}\``).join(", ") };
      diagnostics.push(diagnostic("POL2009", entry.member.span, { name: member, enum: enumeration.name }, help));
      continue;
    }
    if (values.has(member)) {
      diagnostics.push(diagnostic("POL2026", entry.member.span, { member, table: name }));
      continue;
    }
    const entryType = valueType(entry);
    if (entryType.kind === "calendar") {
      diagnostics.push(diagnostic("POL3039", entry.value.span, { value: text(entry) }));
      continue;
    }
    if (type === undefined) type = entryType;
    else if (type.kind !== entryType.kind) {
      diagnostics.push(diagnostic("POL3040", entry.value.span, { table: name, value: text(entry), type: typeName(entryType), first: typeName(type) }));
      continue;
    }
    values.set(member, value(entry));
  }
  const missing = enumeration.members.filter((member) => !values.has(member) && !decl.entries.some((e) => e.member.name === member));
  if (missing.length > 0) {
    diagnostics.push(
      diagnostic("POL3041", decl.name.span, { table: name, enum: enumeration.name, missing: missing.map((m) => `\`${m}\``).join(", ") }),
    );
  }
  if (type !== undefined) model.type = type;
  return model;
}

function valueType(entry: TableEntry): Type {
  switch (entry.value.kind) {
    case "NumberLiteral":
      return { kind: "number" };
    case "PercentLiteral":
      return { kind: "percent" };
    case "StringLiteral":
      return { kind: "text" };
    case "BooleanLiteral":
      return { kind: "bool" };
    case "DurationLiteral":
      return entry.value.unit === "mo" || entry.value.unit === "y" ? { kind: "calendar" } : { kind: "duration" };
  }
}

/** A value as the evaluators hold it: fixed durations in days. */
function value(entry: TableEntry): number | string | boolean {
  const v = entry.value;
  if (v.kind === "DurationLiteral") return fixedDays(v.amount, v.unit);
  return v.value;
}

/** Days in a fixed duration; hours are a fraction of a day. */
export function fixedDays(amount: number, unit: string): number {
  switch (unit) {
    case "h":
      return amount / 24;
    case "wk":
      return amount * 7;
    default:
      return amount;
  }
}

function text(entry: TableEntry): string {
  const v = entry.value;
  switch (v.kind) {
    case "DurationLiteral":
      return `${v.amount}${v.unit}`;
    case "StringLiteral":
      return JSON.stringify(v.value);
    case "BooleanLiteral":
      return String(v.value);
    default:
      return v.text;
  }
}
