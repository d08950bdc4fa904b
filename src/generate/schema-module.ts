// The schema module: one per schema, shared by every policy module compiled over it. It holds the
// case types (string-literal unions for enums, one interface per record), the schema descriptor
// the runtime validates cases with, and one table of field handles per record, through which
// policy modules read facts (a handle carries the field's name, record, label and kind, so a read
// of an absent fact can say what is missing without any lookup). The module of a schema that
// extends another imports from the base's module what is the same in both (schema-inheritance.ts).

import { CASE_RECORD, ITEM_RECORD, type FieldModel, type RecordModel, type SchemaFile, type SchemaModel } from "../model.js";
import { schemaDescriptor } from "../schema-descriptor.js";
import { camelCase, Names, pascalCase } from "./names.js";
import { declaresDuration, inheritanceOf, suppliable, type Inheritance } from "./schema-inheritance.js";
import { RUNTIME_PACKAGE, type RuntimeValue } from "./runtime-api.js";
import { comment, data, doc, ident, join, PRINT_WIDTH, str, ts, type Ts } from "./ts.js";

/** Fields every valid case has: `date_of_service`, `items`, and each item's `code`. */
const REQUIRED: Record<string, readonly string[]> = {
  [CASE_RECORD]: ["date_of_service", "items"],
  [ITEM_RECORD]: ["code"],
};

/** The runtime's pieces of the fields' own reads, in the order they are imported. */
const READ_HELPERS = ["isCheckedDate", "isMemberOf", "isPlainCode", "readInFull", "readsAsIs"] as const satisfies readonly RuntimeValue[];
type ReadHelper = (typeof READ_HELPERS)[number];

/** Names the schema module declares besides the schema's own types. */
const SCHEMA_MODULE_NAMES = [
  "Duration", "IsoDate", "IsoMonth", "IsoDay", "schema", "fieldsOf", "FieldReads", "SchemaDescriptor",
  // The standard type an extending module's interfaces leave inherited fields out with.
  "Omit",
  ...READ_HELPERS,
];

/** The names a field's own read declares, which the base module's name must not shadow. */
const READ_LOCALS = ["c", "row", "value"];

const typeNamesBySchema = new WeakMap<SchemaModel, Map<string, string>>();

/**
 * The TypeScript names of a schema's records and enums: `Case`, `LineItem`, `Procedure`, `Side`.
 * Claimed in a fixed order (the case, the item, the other records, the enums), so a record that
 * is itself called `Case` gets `Case2` and every module over the schema agrees on the names.
 */
export function schemaTypeNames(schema: SchemaModel): ReadonlyMap<string, string> {
  let names = typeNamesBySchema.get(schema);
  if (names === undefined) {
    const claimed = new Names(SCHEMA_MODULE_NAMES);
    names = new Map();
    for (const record of emittedRecords(schema)) {
      const preferred = record.name === CASE_RECORD ? "Case" : record.name === ITEM_RECORD ? "LineItem" : pascalCase(record.name);
      names.set(record.name, claimed.claim(preferred));
    }
    for (const model of schema.enums.values()) names.set(model.name, claimed.claim(pascalCase(model.name)));
    typeNamesBySchema.set(schema, names);
  }
  return names;
}

/** The TypeScript name of one record or enum of the schema. */
export function schemaTypeName(schema: SchemaModel, name: string): string {
  const type = schemaTypeNames(schema).get(name);
  if (type === undefined) throw new Error(`internal error: no type name for \`${name}\``);
  return type;
}

/** The file name of a schema's module, without extension: `spine` -> `spine`. */
export function schemaModuleName(schemaName: string): string {
  const name = schemaName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return `${name === "" ? "schema" : name}.schema`;
}

/** Records in the order they are emitted: the case, its line items, then the rest in declaration order. */
export function emittedRecords(schema: SchemaModel): RecordModel[] {
  const rank = (name: string) => (name === CASE_RECORD ? 0 : name === ITEM_RECORD ? 1 : 2);
  return [...schema.records.values()].sort((a, b) => rank(a.name) - rank(b.name));
}

const readsNamesBySchema = new WeakMap<SchemaModel, Map<string, string>>();

/**
 * The names of the records' own reads, for the records that have any: `caseReads`,
 * `procedureReads`. Exported, so that the module of a schema extending this one reads the fields
 * it inherits by the same functions.
 */
export function readsNames(schema: SchemaModel): ReadonlyMap<string, string> {
  let names = readsNamesBySchema.get(schema);
  if (names === undefined) {
    const claimed = new Names([...SCHEMA_MODULE_NAMES, ...schemaTypeNames(schema).values()]);
    names = new Map();
    for (const record of emittedRecords(schema)) {
      if (ownReads(schema, record).length > 0) names.set(record.name, claimed.claim(`${camelCase(schemaTypeName(schema, record.name))}Reads`));
    }
    readsNamesBySchema.set(schema, names);
  }
  return names;
}

/** The schema's module. `base` is the schema it extends, whose module it imports what the two share from. */
export function schemaModuleSource(schemaName: string, source: string, schema: SchemaModel, base?: SchemaFile): string {
  const inherited = base === undefined ? undefined : inheritanceOf(schema, base, baseModuleName(schema, base), { types: schemaTypeNames, reads: readsNames });
  const records = emittedRecords(schema).filter((record) => !inherited?.records.has(record.name));
  const extending = base === undefined ? "" : `, which extends the schema ${base.name} (${base.source})`;
  const blocks: Ts[] = [
    comment(`Generated by pol from the schema ${schemaName} (${source})${extending}. Do not edit: change the .pol file and run \`pol compile\`.`),
  ];
  const reads = new Map(records.map((record) => [record, readsOf(schema, record, inherited)]));
  const used = new Set([...reads.values()].flatMap((own) => own.written.flatMap((read) => read.helpers)));
  const withReads = [...reads.values()].some((own) => own.name !== undefined);
  const imported = [
    "fieldsOf",
    ...READ_HELPERS.filter((helper) => used.has(helper)),
    ...(withReads ? ["type FieldReads"] : []),
    "type SchemaDescriptor",
  ] as Ts[];
  const runtimeImport = ts`import { ${join(imported, ", ")} } from ${str(RUNTIME_PACKAGE)};`;
  if (inherited === undefined) blocks.push(runtimeImport);
  else {
    const usesModule = inherited.extendedEnums.size > 0 || inherited.extendedRecords.size > 0 || [...reads.values()].some((own) => own.spread);
    const { imports, kept } = inheritedImports(schemaName, inherited, usesModule);
    blocks.push(join([runtimeImport, ...imports], "\n"), ...kept);
  }
  // Every case has a date: its date of service.
  if (inherited === undefined) blocks.push(ISO_DATE_TYPES);
  if (!inherited?.types.has("Duration") && declaresDuration(schema)) {
    blocks.push(ts`${doc("A fixed length of time: days or weeks, e.g. `42d`, `6wk`.")}\nexport type Duration = \`\${number}d\` | \`\${number}wk\`;`);
  }
  for (const model of schema.enums.values()) {
    const name = schemaTypeName(schema, model.name);
    if (inherited?.types.has(name)) continue;
    const extended = inherited?.extendedEnums.get(model.name);
    const members =
      extended !== undefined
        ? join([ts`${inherited!.module}.${ident(name)}`, ...model.members.slice(extended).map(str)], " | ")
        : model.members.length === 0
          ? ts`never`
          : join(model.members.map(str), " | ");
    blocks.push(ts`${doc(model.label)}\nexport type ${ident(name)} = ${members};`);
  }
  for (const record of records) blocks.push(recordInterface(schema, record, inherited));
  blocks.push(ts`export const schema: SchemaDescriptor = ${data(schemaDescriptor(schema))};`);
  blocks.push(FIELD_HANDLES_COMMENT);
  const spread = [...reads.values()].filter((own) => own.spread !== undefined);
  if (spread.length > 0) blocks.push(inheritedReadsComment(inherited!, spread.some((own) => own.rewritten)));
  for (const record of records) {
    const name = ident(schemaTypeName(schema, record.name));
    const own = reads.get(record)!;
    if (own.name === undefined) {
      blocks.push(ts`export const ${name} = fieldsOf<${name}>(schema, ${str(record.name)});`);
      continue;
    }
    const entries = [...(own.spread === undefined ? [] : [ts`  ...${own.spread},`]), ...own.written.map((read) => read.source)];
    blocks.push(ts`export const ${ident(own.name)}: FieldReads<${name}> = {\n${join(entries, "\n")}\n};
export const ${name} = fieldsOf<${name}>(schema, ${str(record.name)}, ${ident(own.name)});`);
  }
  return join(blocks, "\n\n") + "\n";
}

/** The name the base's module is imported under (`import * as spine`): the base schema's, as an
 *  identifier no name of this module takes. */
function baseModuleName(schema: SchemaModel, base: SchemaFile): Ts {
  const taken = new Names([...SCHEMA_MODULE_NAMES, ...READ_LOCALS, ...schemaTypeNames(schema).values(), ...readsNames(schema).values()]);
  return ident(taken.claim(camelCase(base.name)));
}

/** The imports of the base's module, and the types and records taken from it as they are. */
function inheritedImports(schemaName: string, inherited: Inheritance, usesModule: boolean): { imports: Ts[]; kept: Ts[] } {
  const from = str(`./${schemaModuleName(inherited.base.name)}.js`);
  const imports: Ts[] = usesModule ? [ts`import * as ${inherited.module} from ${from};`] : [];
  const types = [...inherited.types].filter((name) => !inherited.recordTypes.has(name)).sort(compareNames);
  const locals = [...types, ...[...inherited.recordTypes].filter((name) => inherited.referenced.has(name))].sort(compareNames);
  if (locals.length > 0) imports.push(ts`import type { ${join(locals.map(ident), ", ")} } from ${from};`);
  const exports: Ts[] = [];
  if (types.length > 0) exports.push(ts`export type { ${join(types.map(ident), ", ")} };`);
  const records = [...inherited.recordExports].sort(compareNames);
  if (records.length > 0) exports.push(ts`export { ${join(records as Ts[], ", ")} } from ${from};`);
  const kept = comment(`What the schema ${schemaName} keeps of ${inherited.base.name} as it is.`);
  return { imports, kept: exports.length === 0 ? [] : [join([kept, ...exports], "\n")] };
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A record's interface; for a record of the base, the base's type with the fields this schema
 *  adds, and those whose type it changes written again. */
function recordInterface(schema: SchemaModel, record: RecordModel, inherited: Inheritance | undefined): Ts {
  const extension = inherited?.extendedRecords.get(record.name);
  const fields = extension === undefined ? suppliable(record) : extension.fields;
  const declarations = fields.map((field) => fieldDeclaration(schema, record, field));
  const name = ident(schemaTypeName(schema, record.name));
  let heading = ts`export interface ${name}`;
  if (extension !== undefined) {
    const baseType = ts`${inherited!.module}.${name}`;
    heading =
      extension.retyped.length === 0
        ? ts`${heading} extends ${baseType}`
        : ts`${heading} extends Omit<${baseType}, ${join(extension.retyped.map(str), " | ")}>`;
  }
  return ts`${doc(record.label)}\n${heading} {\n${join(declarations, "\n")}\n}`;
}

/** One field of a record's interface, with its label. */
function fieldDeclaration(schema: SchemaModel, record: RecordModel, field: FieldModel): Ts {
  // Own properties only: a record may be called `constructor` or `__proto__`.
  const required = Object.hasOwn(REQUIRED, record.name) ? REQUIRED[record.name]! : [];
  const type = fieldType(schema, field);
  const declaration = required.includes(field.name) ? ts`${ident(field.name)}: ${type};` : ts`${ident(field.name)}?: ${type} | null;`;
  return ts`  ${doc(field.label)}\n  ${declaration}`;
}

/** A record's own reads as its module writes them: `name` the object holding them (none when the
 *  record has none), `spread` the base's reads it starts from, `written` the reads written here. */
interface RecordReads {
  name?: string;
  spread?: Ts;
  written: OwnRead[];
  /** Whether a read of a field the base declares is among those written. */
  rewritten?: boolean;
}

function readsOf(schema: SchemaModel, record: RecordModel, inherited: Inheritance | undefined): RecordReads {
  const own = ownReads(schema, record);
  const name = readsNames(schema).get(record.name);
  const base = inherited?.base.schema.records.get(record.name);
  const baseName = base === undefined ? undefined : readsNames(inherited!.base.schema).get(record.name);
  if (name === undefined || base === undefined || baseName === undefined) return { ...(name === undefined ? {} : { name }), written: own };
  // The base's reads are taken whole when each has a read here: those whose source is the same
  // are the same function (a read names its field's handle as `this`, never the schema).
  const baseSources = new Map(ownReads(inherited!.base.schema, base).map((read) => [read.field, read.source]));
  const sources = new Map(own.map((read) => [read.field, read.source]));
  if (![...baseSources.keys()].every((field) => sources.has(field))) return { name, written: own };
  const written = own.filter((read) => baseSources.get(read.field) !== read.source);
  return { name, spread: ts`${inherited!.module}.${ident(baseName)}`, written, rewritten: written.some((read) => baseSources.has(read.field)) };
}

/** The own reads of a record's fields, in declaration order. */
function ownReads(schema: SchemaModel, record: RecordModel): OwnRead[] {
  return suppliable(record).flatMap((field) => ownRead(schema, field) ?? []);
}

/** Where an extending module's reads of the base's fields come from. */
function inheritedReadsComment(inherited: Inheritance, rewritten: boolean): Ts {
  const base = inherited.base.name;
  const text = [
    `The records of ${base} start from ${base}'s reads, each called on this schema's handle (\`this\`), so one`,
    "function serves both schemas.",
    ...(rewritten ? ["A read whose check is not the same here (an extended enum's members compared one by one) is written again."] : []),
  ].join(" ");
  return join(wrapped(text, PRINT_WIDTH - 10).map(comment), "\n");
}

/** Text in lines of at most `width` characters, broken between words. */
function wrapped(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

const FIELD_HANDLES_COMMENT = ts`${comment("Field handles: each record's fields as policy modules read them (`Procedure.purpose.read(c, procedure)`).")}
${comment("A field of a common type has a read of its own: a present, well-formed value read without a trace is")}
${comment("returned as it is, anything else as the runtime's full read gives it. Each being a function of its own,")}
${comment("its load sees one field and its check is the field's own (an enum's members compared directly).")}`;

/** Enums with more members than this are checked by the handle's member set, not member by member. */
const MEMBERS_COMPARED = 4;

/** A field's own read: its source, and the runtime's pieces it uses. */
interface OwnRead {
  field: string;
  source: Ts;
  helpers: readonly ReadHelper[];
}

/**
 * A field's own read (see the runtime's `fieldsOf`), for the types whose present values it can take
 * as they are; none for the others (durations, lists) and for a field named like a member of every
 * object (`constructor`, `__proto__`), which the runtime reads as an own property only.
 */
function ownRead(schema: SchemaModel, field: FieldModel): OwnRead | undefined {
  if (field.name in Object.prototype) return undefined;
  const asIs = takenAsIs(schema, field);
  if (asIs === undefined) return undefined;
  const name = ident(field.name);
  const source = ts`  ${name}(c, row) {
    const value = readsAsIs(c, row) ? row[${str(field.name)}] : undefined;
    return ${asIs.check} ? value : readInFull(c, row, this);
  },`;
  return { field: field.name, source, helpers: ["readsAsIs", "readInFull", ...(asIs.helper === undefined ? [] : [asIs.helper])] };
}

/** The test of a present value (`value`) that the field's read takes as it is: exactly the
 *  runtime's test for the field's shape, written out or by a runtime piece (`helper`). */
function takenAsIs(schema: SchemaModel, field: FieldModel): { check: Ts; helper?: ReadHelper } | undefined {
  const type = field.type;
  switch (type.kind) {
    case "bool":
      return { check: ts`typeof value === "boolean"` };
    case "number":
      return { check: ts`typeof value === "number" && value - value === 0` };
    case "percent":
      return { check: ts`typeof value === "number" && value >= 0 && value <= 100` };
    case "date":
      return { check: ts`isCheckedDate(value)`, helper: "isCheckedDate" };
    case "code":
      return { check: ts`isPlainCode(value)`, helper: "isPlainCode" };
    case "text":
      return { check: ts`typeof value === "string"` };
    case "enum": {
      const members = schema.enums.get(type.name)?.members ?? [];
      if (members.length === 0) return undefined;
      if (members.length > MEMBERS_COMPARED) return { check: ts`isMemberOf(value, this)`, helper: "isMemberOf" };
      return { check: join(members.map((member) => ts`value === ${str(member)}`), " || ") };
    }
    default:
      return undefined;
  }
}

const MONTHS = Array.from({ length: 12 }, (_, i) => str(String(i + 1).padStart(2, "0")));
const DAYS = Array.from({ length: 31 }, (_, i) => str(String(i + 1).padStart(2, "0")));

/**
 * Dates checked as far as the type system allows: the form `YYYY-MM-DD` with a month from 01 to
 * 12 and a day from 01 to 31 (a union of every year would be too large for TypeScript). Month
 * lengths, leap years and the year's four digits are checked by `validate`.
 */
const ISO_DATE_TYPES = ts`${doc(
  "A calendar date `YYYY-MM-DD`, e.g. `2025-09-15`. The type checks the form, the month and the day's range;",
  "`validate` checks the rest (`2025-02-30` is not a date).",
)}
export type IsoDate = \`\${number}-\${IsoMonth}-\${IsoDay}\`;

${doc("A month as an ISO date writes it: `01` to `12`.")}
export type IsoMonth = ${join(MONTHS, " | ")};

${doc("A day of the month as an ISO date writes it: `01` to `31`.")}
export type IsoDay = ${join(DAYS, " | ")};`;

function fieldType(schema: SchemaModel, field: FieldModel): Ts {
  const type = field.type;
  switch (type.kind) {
    case "bool":
      return ts`boolean`;
    case "number":
    case "percent":
      return ts`number`;
    case "date":
      return ts`IsoDate`;
    case "code":
    case "text":
      return ts`string`;
    case "duration":
      return ts`Duration`;
    case "enum":
      return ident(schemaTypeName(schema, type.name));
    case "list":
      return ts`${ident(schemaTypeName(schema, type.element))}[]`;
    case "values":
      return type.element.kind === "enum" ? ts`${ident(schemaTypeName(schema, type.element.name))}[]` : ts`string[]`;
    default:
      throw new Error(`internal error: field \`${field.name}\` has type \`${type.kind}\`, which no field can have`);
  }
}
