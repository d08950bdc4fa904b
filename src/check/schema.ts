// Building the schema model and the table of top-level names (records, enums, code sets, lets)
// from every file in the program, reporting duplicates, unknown types and malformed records.

import type { CaseDecl, CodeSetDecl, EnumDecl, FieldDecl, ItemDecl, LetDecl, RecordDecl, SourceFile, Span, TableDecl, TypeRef } from "../ast.js";
import { diagnostic, suggest, type Diagnostic, type Suggestion } from "../diagnostics.js";
import { CASE_RECORD, ITEM_RECORD, type FieldModel, type RecordModel, type SchemaModel, type TableModel, type Type } from "../model.js";
import { checkTable } from "./tables.js";
import { location, typeName } from "./format.js";
import { RESERVED_NAMES } from "./scope.js";

/** Everything declared at the top level of the program, visible to every file in it. */
export interface Environment {
  schema: SchemaModel;
  codeSets: Map<string, CodeSetDecl>;
  lets: Map<string, LetDecl>;
  /** Lookup tables, checked once every enum is known (see tables.ts). */
  tables: Map<string, TableModel>;
  /** Whether any file declares `case` or `item`: a policy without either has no schema. */
  hasSchema: boolean;
  /** Computed fields, to be type-checked once every record is known. */
  computed: { record: RecordModel; field: FieldModel; expression: NonNullable<FieldDecl["computed"]> }[];
  /** Names declared where a syntax error struck: a reference to one is not reported again. */
  lost: Set<string>;
}

const PRIMITIVES = ["bool", "number", "percent", "date", "duration", "code", "text"] as const;

const KIND_NAMES = {
  EnumDecl: "an enum",
  RecordDecl: "a record",
  CodeSetDecl: "a code set",
  LetDecl: "a `let`",
  TableDecl: "a table",
} as const;

type NamedDecl = EnumDecl | RecordDecl | CodeSetDecl | LetDecl | TableDecl;

/** `files` in declaration order: used files before their users. */
export function buildEnvironment(files: readonly SourceFile[], diagnostics: Diagnostic[]): Environment {
  const env: Environment = {
    schema: { enums: new Map(), records: new Map() },
    codeSets: new Map(),
    lets: new Map(),
    tables: new Map(),
    hasSchema: false,
    computed: [],
    lost: new Set(files.flatMap((file) => [...(file.recovered?.names ?? [])])),
  };
  const declared = new Map<string, NamedDecl>();
  const recordDecls: [RecordModel, RecordDecl][] = [];
  const tableDecls: TableDecl[] = [];
  let caseDecl: CaseDecl | undefined;
  let itemDecl: ItemDecl | undefined;

  const extensions: (EnumDecl | RecordDecl | CaseDecl | ItemDecl)[] = [];
  for (const file of files) {
    for (const decl of file.declarations) {
      if ((decl.kind === "EnumDecl" || decl.kind === "RecordDecl" || decl.kind === "CaseDecl" || decl.kind === "ItemDecl") && decl.extension) {
        extensions.push(decl);
        continue;
      }
      if (decl.kind === "CaseDecl" || decl.kind === "ItemDecl") {
        const first = decl.kind === "CaseDecl" ? caseDecl : itemDecl;
        const word = decl.kind === "CaseDecl" ? "case" : "item";
        if (first) {
          diagnostics.push(
            diagnostic("POL2005", keywordSpan(decl.span, word.length), { name: word }, { help: "schema", name: word, location: location(first.span) }),
          );
        } else if (decl.kind === "CaseDecl") caseDecl = decl;
        else itemDecl = decl;
        continue;
      }
      if (decl.kind === "RuleDecl" || decl.kind === "ReadDecl") continue;
      const name = decl.name.name;
      if ((decl.kind === "RecordDecl" || decl.kind === "EnumDecl") && (PRIMITIVES as readonly string[]).includes(name)) {
        diagnostics.push(diagnostic("POL2013", decl.name.span, { name }));
        continue;
      }
      const first = declared.get(name);
      if (first) {
        diagnostics.push(
          diagnostic("POL2005", decl.name.span, { name }, { help: "other", location: location(first.name.span), kind: KIND_NAMES[first.kind] }),
        );
        continue;
      }
      declared.set(name, decl);
      switch (decl.kind) {
        case "EnumDecl":
          env.schema.enums.set(name, { name, label: decl.label?.value ?? name, members: enumMembers(decl, diagnostics), ordered: decl.ordered === true });
          break;
        case "RecordDecl": {
          const record: RecordModel = { name, label: decl.label?.value ?? name, fields: new Map() };
          if (decl.dated) record.dated = decl.dated.end ? { start: decl.dated.start.name, end: decl.dated.end.name } : { start: decl.dated.start.name };
          env.schema.records.set(name, record);
          recordDecls.push([record, decl]);
          break;
        }
        case "CodeSetDecl":
          checkCodeRanges(decl, diagnostics);
          env.codeSets.set(name, decl);
          break;
        case "LetDecl":
          if (Object.hasOwn(RESERVED_NAMES, name)) {
            const args = { what: "the `let`", name, hidden: RESERVED_NAMES[name]! };
            diagnostics.push(diagnostic("POL2035", decl.name.span, args, args));
          }
          env.lets.set(name, decl);
          break;
        case "TableDecl":
          tableDecls.push(decl);
          break;
      }
    }
  }

  env.hasSchema = caseDecl !== undefined || itemDecl !== undefined;
  const caseRecord: RecordModel = { name: CASE_RECORD, label: "case", fields: new Map() };
  caseRecord.fields.set("date_of_service", { name: "date_of_service", type: { kind: "date" }, label: "date of service" });
  caseRecord.fields.set("items", { name: "items", type: { kind: "list", element: ITEM_RECORD }, label: "requested line items" });
  const itemRecord: RecordModel = { name: ITEM_RECORD, label: "requested line item", fields: new Map() };
  env.schema.records.set(CASE_RECORD, caseRecord);
  env.schema.records.set(ITEM_RECORD, itemRecord);

  // Extensions, in declaration order (used files first): enum members now, fields with their record's.
  const added = new Map<string, FieldDecl[]>();
  const addTo = (record: string, fields: readonly FieldDecl[]) => added.set(record, [...(added.get(record) ?? []), ...fields]);
  for (const decl of extensions) {
    if (decl.kind === "CaseDecl") addTo(CASE_RECORD, decl.fields);
    else if (decl.kind === "ItemDecl") addTo(ITEM_RECORD, decl.fields);
    else extend(env, declared, decl, addTo, diagnostics);
  }
  if (added.has(CASE_RECORD) || added.has(ITEM_RECORD)) env.hasSchema = true;

  const fill = (record: RecordModel, fields: readonly FieldDecl[]) =>
    addFields(env, record, [...fields, ...(added.get(record.name) ?? [])], diagnostics);
  for (const [record, decl] of recordDecls) {
    fill(record, decl.fields);
    if (decl.dated) checkDatedBy(record, decl, diagnostics);
  }
  if (caseDecl || added.has(CASE_RECORD)) fill(caseRecord, caseDecl?.fields ?? []);
  for (const [name, decl] of env.lets) {
    if (caseRecord.fields.has(name) && !Object.hasOwn(RESERVED_NAMES, name)) {
      const args = { what: "the `let`", name, hidden: `the case field \`${name}\`` };
      diagnostics.push(diagnostic("POL2035", decl.name.span, args, args));
    }
  }
  if (itemDecl) {
    fill(itemRecord, itemDecl.fields);
    checkItemCode(itemRecord, itemDecl, diagnostics);
  } else {
    // Without an `item` declaration a line item still has its code: rules bind on it.
    itemRecord.fields.set("code", { name: "code", type: { kind: "code" }, label: "requested procedure code" });
  }
  for (const decl of tableDecls) env.tables.set(decl.name.name, checkTable(env.schema, decl, diagnostics));
  return env;
}

/** `extend enum E { ... }` adds members to E; `extend record R { ... }` queues fields for R. */
function extend(
  env: Environment,
  declared: ReadonlyMap<string, NamedDecl>,
  decl: EnumDecl | RecordDecl,
  addTo: (record: string, fields: readonly FieldDecl[]) => void,
  diagnostics: Diagnostic[],
): void {
  const name = decl.name.name;
  const wanted = decl.kind === "EnumDecl" ? "EnumDecl" : "RecordDecl";
  const target = declared.get(name);
  if (target?.kind !== wanted) {
    const candidates = [...declared.values()].filter((d) => d.kind === wanted).map((d) => d.name.name);
    const what = decl.kind === "EnumDecl" ? "enum" : "record";
    const found = target === undefined ? "nothing of that name is declared" : `\`${name}\` is ${KIND_NAMES[target.kind]}`;
    const article = what === "enum" ? "an enum" : "a record";
    diagnostics.push(diagnostic("POL2032", decl.name.span, { what, name, found }, suggest(name, candidates) ?? { article }));
    return;
  }
  if (decl.kind === "RecordDecl") {
    addTo(name, decl.fields);
    return;
  }
  const model = env.schema.enums.get(name)!;
  const spans = new Map((target as EnumDecl).members.map((member) => [member.name, member.span] as const));
  for (const member of decl.members) {
    const first = spans.get(member.name);
    if (first) {
      diagnostics.push(diagnostic("POL2014", member.span, { member: member.name, enum: name }, { location: location(first) }));
      continue;
    }
    spans.set(member.name, member.span);
    model.members.push(member.name);
  }
}

function enumMembers(decl: EnumDecl, diagnostics: Diagnostic[]): string[] {
  const members = new Map<string, Span>();
  for (const member of decl.members) {
    const first = members.get(member.name);
    if (first) {
      diagnostics.push(
        diagnostic("POL2014", member.span, { member: member.name, enum: decl.name.name }, { location: location(first) }),
      );
    } else members.set(member.name, member.span);
  }
  return [...members.keys()];
}

function addFields(env: Environment, record: RecordModel, fields: readonly FieldDecl[], diagnostics: Diagnostic[]): void {
  const builtIn = record.name === CASE_RECORD ? new Set(record.fields.keys()) : new Set<string>();
  const spans = new Map<string, Span>();
  for (const decl of fields) {
    const name = decl.name.name;
    if (builtIn.has(name)) {
      diagnostics.push(
        diagnostic("POL2015", decl.name.span, { field: name }),
      );
      continue;
    }
    if (Object.hasOwn(RESERVED_NAMES, name)) {
      const what = record.name === CASE_RECORD ? "the case field" : record.name === ITEM_RECORD ? "the item field" : `the field of \`${record.name}\``;
      const args = { what, name, hidden: RESERVED_NAMES[name]! };
      diagnostics.push(diagnostic("POL2035", decl.name.span, args, args));
    }
    const first = spans.get(name);
    if (first) {
      diagnostics.push(
        diagnostic("POL2016", decl.name.span, { field: name, record: record.name }, { location: location(first) }),
      );
      continue;
    }
    spans.set(name, decl.name.span);
    const field: FieldModel = { name, type: resolveTypeRef(env, decl.type, diagnostics), label: decl.label?.value ?? name, decl };
    if (decl.computed) {
      field.computed = decl.computed;
      env.computed.push({ record, field, expression: decl.computed });
    }
    record.fields.set(name, field);
  }
}

function resolveTypeRef(env: Environment, ref: TypeRef, diagnostics: Diagnostic[]): Type {
  const name = ref.name.name;
  const primitive = (PRIMITIVES as readonly string[]).includes(name);
  if (ref.list) {
    if (env.schema.records.has(name) && name !== CASE_RECORD) return { kind: "list", element: name };
    if (env.schema.enums.has(name)) return { kind: "values", element: { kind: "enum", name } };
    if (name === "code" || name === "text") return { kind: "values", element: { kind: name } };
    if (primitive) diagnostics.push(diagnostic("POL3016", ref.name.span, { name }));
    else diagnostics.push(diagnostic("POL2012", ref.name.span, { name }, suggestType(env, name, true)));
    return { kind: "error" };
  }
  if (primitive) return { kind: name } as Type;
  if (env.schema.enums.has(name)) return { kind: "enum", name };
  if (env.schema.records.has(name)) {
    diagnostics.push(diagnostic("POL3017", ref.name.span, { record: name }, { record: name }));
    return { kind: "error" };
  }
  diagnostics.push(diagnostic("POL2004", ref.name.span, { name }, suggestType(env, name, false)));
  return { kind: "error" };
}

/** "did you mean" a known type, or nothing (the code's own help then shows). */
function suggestType(env: Environment, name: string, recordsOnly: boolean): Suggestion | undefined {
  const records = [...env.schema.records.keys()].filter((r) => r !== CASE_RECORD && r !== ITEM_RECORD);
  const candidates = recordsOnly ? records : [...PRIMITIVES, ...env.schema.enums.keys(), ...records];
  return suggest(name, candidates);
}

function checkDatedBy(record: RecordModel, decl: RecordDecl, diagnostics: Diagnostic[]): void {
  for (const ref of decl.dated?.end ? [decl.dated.start, decl.dated.end] : decl.dated ? [decl.dated.start] : []) {
    const field = record.fields.get(ref.name);
    if (!field) {
      const args = { field: ref.name, record: record.name };
      diagnostics.push(diagnostic("POL2018", ref.span, args, suggest(ref.name, record.fields.keys()) ?? args));
    } else if (field.type.kind !== "date" && field.type.kind !== "error") {
      diagnostics.push(
        diagnostic("POL3014", ref.span, { field: ref.name, type: typeName(field.type) }, { field: ref.name }),
      );
    }
  }
}

function checkItemCode(record: RecordModel, decl: ItemDecl, diagnostics: Diagnostic[]): void {
  const code = record.fields.get("code");
  if (!code) {
    diagnostics.push(
      diagnostic("POL3013", keywordSpan(decl.span, "item".length), {}),
    );
  } else if (code.type.kind !== "code" && code.type.kind !== "error") {
    diagnostics.push(diagnostic("POL3018", code.decl?.type.span ?? decl.span, { type: typeName(code.type) }));
  }
}

function checkCodeRanges(decl: CodeSetDecl, diagnostics: Diagnostic[]): void {
  for (const entry of decl.entries) {
    if (entry.kind !== "CodeRange") continue;
    const text = `${entry.from}-${entry.to}`;
    if (entry.from.length !== entry.to.length) {
      diagnostics.push(
        diagnostic("POL3009", entry.span, { range: text }),
      );
    } else if (entry.from > entry.to) {
      diagnostics.push(diagnostic("POL3019", entry.span, { range: text }, { reversed: `${entry.to}-${entry.from}` }));
    }
  }
}

/** The span of a declaration's leading keyword (`case`, `item`), for declarations without a name. */
function keywordSpan(span: Span, length: number): Span {
  return {
    file: span.file,
    start: span.start,
    end: { offset: span.start.offset + length, line: span.start.line, column: span.start.column + length },
  };
}
