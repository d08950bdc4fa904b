// TypeScript types for the cases a policy takes: string-literal unions for enums and one interface
// per record. A missing fact is unknown, so every field is optional and nullable except the few a
// case cannot do without. Computed fields are left out: a case may not supply them.

import { CASE_RECORD, ITEM_RECORD, type FieldModel, type RecordModel, type SchemaModel } from "../model.js";
import { commentText, quote } from "./names.js";
import type { Symbols } from "./symbols.js";

/** Fields every valid case has: `date_of_service`, `items`, and each item's `code`. */
const REQUIRED: Record<string, readonly string[]> = {
  [CASE_RECORD]: ["date_of_service", "items"],
  [ITEM_RECORD]: ["code"],
};

export function schemaTypes(schema: SchemaModel, symbols: Symbols): string {
  const suppliable = (record: RecordModel) => [...record.fields.values()].filter((field) => !field.computed);
  const records = [...schema.records.values()].sort((a, b) => rank(a.name) - rank(b.name));
  const blocks: string[] = [];
  if (records.some((record) => suppliable(record).some((field) => field.type.kind === "duration"))) {
    blocks.push("/** A fixed length of time: days or weeks, e.g. `42d`, `6wk`. */\nexport type Duration = `${number}d` | `${number}wk`;");
  }
  for (const model of schema.enums.values()) {
    const members = model.members.length === 0 ? "never" : model.members.map(quote).join(" | ");
    blocks.push(`/** ${commentText(model.label)} */\nexport type ${typeName(symbols, model.name)} = ${members};`);
  }
  for (const record of records) {
    const required = REQUIRED[record.name] ?? [];
    const fields = suppliable(record).map((field) => {
      const optional = !required.includes(field.name);
      const type = fieldType(symbols, field);
      const declaration = optional ? `${field.name}?: ${type} | null;` : `${field.name}: ${type};`;
      return `  /** ${commentText(field.label)} */\n  ${declaration}`;
    });
    blocks.push(
      `/** ${commentText(record.label)} */\nexport interface ${typeName(symbols, record.name)} {\n${fields.join("\n")}\n}`,
    );
  }
  return blocks.join("\n\n");
}

/** The case first, then its line items, then the other records in declaration order. */
function rank(name: string): number {
  return name === CASE_RECORD ? 0 : name === ITEM_RECORD ? 1 : 2;
}

function fieldType(symbols: Symbols, field: FieldModel): string {
  const type = field.type;
  switch (type.kind) {
    case "bool":
      return "boolean";
    case "number":
    case "percent":
      return "number";
    case "date":
    case "code":
    case "text":
      return "string";
    case "duration":
      return "Duration";
    case "enum":
      return typeName(symbols, type.name);
    case "list":
      return `${typeName(symbols, type.element)}[]`;
    default:
      throw new Error(`internal error: field \`${field.name}\` has type \`${type.kind}\`, which no field can have`);
  }
}

function typeName(symbols: Symbols, name: string): string {
  const type = symbols.types.get(name);
  if (type === undefined) throw new Error(`internal error: no type name for \`${name}\``);
  return type;
}
