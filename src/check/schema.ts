// Building the schema model and the table of top-level names (records, enums, code sets, lets)
// from every file in the program, reporting duplicates, unknown types and malformed records.

import type { CaseDecl, CodeSetDecl, EnumDecl, FieldDecl, ItemDecl, LetDecl, RecordDecl, SourceFile, Span, TypeRef } from "../ast.js";
import { error, suggest, type Diagnostic } from "../diagnostics.js";
import { CASE_RECORD, ITEM_RECORD, type FieldModel, type RecordModel, type SchemaModel, type Type } from "../model.js";
import { location, typeName } from "./format.js";

/** Everything declared at the top level of the program, visible to every file in it. */
export interface Environment {
  schema: SchemaModel;
  codeSets: Map<string, CodeSetDecl>;
  lets: Map<string, LetDecl>;
  /** Whether any file declares `case` or `item`: a policy without either has no schema. */
  hasSchema: boolean;
  /** Computed fields, to be type-checked once every record is known. */
  computed: { record: RecordModel; field: FieldModel; expression: NonNullable<FieldDecl["computed"]> }[];
}

const PRIMITIVES = ["bool", "number", "percent", "date", "duration", "code", "text"] as const;

const KIND_NAMES = {
  EnumDecl: "an enum",
  RecordDecl: "a record",
  CodeSetDecl: "a code set",
  LetDecl: "a `let`",
} as const;

type NamedDecl = EnumDecl | RecordDecl | CodeSetDecl | LetDecl;

/** `files` in declaration order: used files before their users. */
export function buildEnvironment(files: readonly SourceFile[], diagnostics: Diagnostic[]): Environment {
  const env: Environment = {
    schema: { enums: new Map(), records: new Map() },
    codeSets: new Map(),
    lets: new Map(),
    hasSchema: false,
    computed: [],
  };
  const declared = new Map<string, NamedDecl>();
  const recordDecls: [RecordModel, RecordDecl][] = [];
  let caseDecl: CaseDecl | undefined;
  let itemDecl: ItemDecl | undefined;

  for (const file of files) {
    for (const decl of file.declarations) {
      if (decl.kind === "CaseDecl" || decl.kind === "ItemDecl") {
        const first = decl.kind === "CaseDecl" ? caseDecl : itemDecl;
        const word = decl.kind === "CaseDecl" ? "case" : "item";
        if (first) {
          diagnostics.push(
            error("POL2005", `\`${word}\` is already declared`, keywordSpan(decl.span, word.length), `the first \`${word}\` declaration is at ${location(first.span)}; declare all its fields there`),
          );
        } else if (decl.kind === "CaseDecl") caseDecl = decl;
        else itemDecl = decl;
        continue;
      }
      if (decl.kind === "RuleDecl") continue;
      const name = decl.name.name;
      if ((decl.kind === "RecordDecl" || decl.kind === "EnumDecl") && (PRIMITIVES as readonly string[]).includes(name)) {
        diagnostics.push(error("POL2005", `\`${name}\` is a built-in type`, decl.name.span, "choose another name"));
        continue;
      }
      const first = declared.get(name);
      if (first) {
        diagnostics.push(
          error("POL2005", `\`${name}\` is already declared`, decl.name.span, `the first declaration is at ${location(first.name.span)} (${KIND_NAMES[first.kind]})`),
        );
        continue;
      }
      declared.set(name, decl);
      switch (decl.kind) {
        case "EnumDecl":
          env.schema.enums.set(name, { name, label: decl.label?.value ?? name, members: enumMembers(decl, diagnostics) });
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
          env.lets.set(name, decl);
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

  const fill = (record: RecordModel, fields: readonly FieldDecl[]) => addFields(env, record, fields, diagnostics);
  for (const [record, decl] of recordDecls) {
    fill(record, decl.fields);
    if (decl.dated) checkDatedBy(record, decl, diagnostics);
  }
  if (caseDecl) fill(caseRecord, caseDecl.fields);
  if (itemDecl) {
    fill(itemRecord, itemDecl.fields);
    checkItemCode(itemRecord, itemDecl, diagnostics);
  } else {
    // Without an `item` declaration a line item still has its code: rules bind on it.
    itemRecord.fields.set("code", { name: "code", type: { kind: "code" }, label: "requested procedure code" });
  }
  return env;
}

function enumMembers(decl: EnumDecl, diagnostics: Diagnostic[]): string[] {
  const members = new Map<string, Span>();
  for (const member of decl.members) {
    const first = members.get(member.name);
    if (first) {
      diagnostics.push(
        error("POL2005", `\`${member.name}\` is already a member of \`${decl.name.name}\``, member.span, `the first is at ${location(first)}`),
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
        error("POL2005", `\`${name}\` is a built-in field of the case`, decl.name.span, "every case has `date_of_service` and `items`; remove this field or rename it"),
      );
      continue;
    }
    const first = spans.get(name);
    if (first) {
      diagnostics.push(
        error("POL2005", `field \`${name}\` is already declared in \`${record.name}\``, decl.name.span, `the first declaration is at ${location(first)}`),
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
    const help = primitive || env.schema.enums.has(name) ? "a list holds records, e.g. `list of Procedure`" : suggestType(env, name, true);
    const message = primitive || env.schema.enums.has(name) ? `a list must hold records, not \`${name}\`` : `unknown record \`${name}\``;
    diagnostics.push(error("POL2004", message, ref.name.span, help));
    return { kind: "error" };
  }
  if (primitive) return { kind: name } as Type;
  if (env.schema.enums.has(name)) return { kind: "enum", name };
  if (env.schema.records.has(name)) {
    diagnostics.push(error("POL2004", `a field cannot hold a single \`${name}\` record`, ref.name.span, `use \`list of ${name}\``));
    return { kind: "error" };
  }
  diagnostics.push(error("POL2004", `unknown type \`${name}\``, ref.name.span, suggestType(env, name, false)));
  return { kind: "error" };
}

function suggestType(env: Environment, name: string, recordsOnly: boolean): string {
  const records = [...env.schema.records.keys()].filter((r) => r !== CASE_RECORD && r !== ITEM_RECORD);
  const candidates = recordsOnly ? records : [...PRIMITIVES, ...env.schema.enums.keys(), ...records];
  return (
    suggest(name, candidates) ??
    (recordsOnly
      ? "declare it with `record NAME \"label\" { ... }`"
      : "a field type is one of `bool number percent date duration code text`, an enum, or `list of RECORD`")
  );
}

function checkDatedBy(record: RecordModel, decl: RecordDecl, diagnostics: Diagnostic[]): void {
  for (const ref of decl.dated?.end ? [decl.dated.start, decl.dated.end] : decl.dated ? [decl.dated.start] : []) {
    const field = record.fields.get(ref.name);
    if (!field) {
      const help = suggest(ref.name, record.fields.keys()) ?? `add a field \`${ref.name}: date\` to \`${record.name}\``;
      diagnostics.push(error("POL3014", `\`dated by\` names \`${ref.name}\`, which is not a field of \`${record.name}\``, ref.span, help));
    } else if (field.type.kind !== "date" && field.type.kind !== "error") {
      diagnostics.push(
        error("POL3014", `\`dated by\` needs a date field, but \`${ref.name}\` is \`${typeName(field.type)}\``, ref.span, `declare \`${ref.name}: date\``),
      );
    }
  }
}

function checkItemCode(record: RecordModel, decl: ItemDecl, diagnostics: Diagnostic[]): void {
  const code = record.fields.get("code");
  if (!code) {
    diagnostics.push(
      error("POL3013", "the item declaration has no `code: code` field", keywordSpan(decl.span, "item".length), 'add `code: code "requested procedure code"`: rules bind to line items by code'),
    );
  } else if (code.type.kind !== "code" && code.type.kind !== "error") {
    diagnostics.push(error("POL3013", "the item field `code` must have type `code`", code.decl?.type.span ?? decl.span, "declare it as `code: code`"));
  }
}

function checkCodeRanges(decl: CodeSetDecl, diagnostics: Diagnostic[]): void {
  for (const entry of decl.entries) {
    if (entry.kind !== "CodeRange") continue;
    const text = `${entry.from}-${entry.to}`;
    if (entry.from.length !== entry.to.length) {
      diagnostics.push(
        error("POL3009", `the ends of code range \`${text}\` have different lengths`, entry.span, "a range runs between codes of equal length, e.g. `64490-64495`"),
      );
    } else if (entry.from > entry.to) {
      diagnostics.push(error("POL3009", `code range \`${text}\` runs backwards`, entry.span, `write \`${entry.to}-${entry.from}\``));
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
