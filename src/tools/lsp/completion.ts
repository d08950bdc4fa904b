// Completion from what is written before the cursor and the program's last analysis: the fields
// of a record after `name.`, code sets after `in` and `for`, enum members after `==` and `!=`,
// units after a number, types after `:` in a declaration, and otherwise the names in scope (the
// fields of each enclosing `where`'s element, lets, case fields, built-ins) and the keywords.

import { CompletionItemKind, type CompletionItem, type Range } from "vscode-languageserver";
import type { Expression, ProgramAnalysis, Type } from "../../index.js";
import { CASE_RECORD, ITEM_RECORD, keywordSpellings, typeName } from "../../index.js";

const PRIMITIVE_TYPES = ["bool", "number", "percent", "date", "duration", "code", "text"];
const BUILT_INS: [string, string][] = [
  ["item", "the requested line item"],
  ["items", "every requested line item"],
  ["other_items", "the other requested line items"],
  ["dos", "the date of service"],
];
const UNITS: [string, string][] = [
  ["d", "days (a fixed length)"],
  ["wk", "weeks (a fixed length of 7 days)"],
  ["mo", "calendar months"],
  ["y", "calendar years"],
  ["%", "percent"],
];

export interface CompletionContext {
  /** The text of the line before the cursor. */
  before: string;
  /** The cursor's line (0-based) and character. */
  line: number;
  character: number;
  /** The document's offset of the cursor. */
  offset: number;
  path: string;
}

export function complete(analysis: ProgramAnalysis | undefined, context: CompletionContext): CompletionItem[] {
  const { before } = context;
  const number = /(\d+(?:\.\d+)?)([A-Za-z%]*)$/.exec(before);
  if (number && !/[A-Za-z_]\d*$/.test(before.slice(0, number.index))) {
    const range: Range = {
      start: { line: context.line, character: context.character - number[0].length },
      end: { line: context.line, character: context.character },
    };
    return UNITS.map(([unit, detail], i) => ({
      label: `${number[1]}${unit}`,
      kind: CompletionItemKind.Unit,
      detail,
      sortText: String(i),
      textEdit: { range, newText: `${number[1]}${unit}` },
    }));
  }
  if (!analysis) return keywords();

  const dotted = /([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*[A-Za-z0-9_]*$/.exec(before);
  if (dotted) {
    const record = recordOfName(analysis, dotted[1]!, context);
    return record ? fieldsOf(analysis, record) : [];
  }
  if (/(?:^|[^A-Za-z0-9_])(?:in|for)\s+[A-Za-z0-9_]*$/.test(before) || /\bfor\s+[A-Za-z0-9_, ]*,\s*[A-Za-z0-9_]*$/.test(before)) {
    return [...analysis.codeSets.values()].map((decl) => ({
      label: decl.name.name,
      kind: CompletionItemKind.Constant,
      detail: `codes: ${decl.system}`,
      documentation: decl.label?.value,
    }));
  }
  const compared = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:==|!=)\s*[A-Za-z0-9_]*$/.exec(before);
  if (compared) {
    const type = typeOfName(analysis, compared[1]!, context);
    const enums = type?.kind === "enum" ? [analysis.schema.enums.get(type.name)!] : [...analysis.schema.enums.values()];
    return enums.flatMap((model) =>
      model.members.map((member) => ({ label: member, kind: CompletionItemKind.EnumMember, detail: model.name })),
    );
  }
  if (/^\s+[A-Za-z_][A-Za-z0-9_]*\s*:\s*(?:list\s+of\s+)?[A-Za-z0-9_]*$/.test(before)) {
    return [
      ...PRIMITIVE_TYPES.map((name) => ({ label: name, kind: CompletionItemKind.TypeParameter, detail: "type" })),
      ...[...analysis.schema.records.keys()]
        .filter((name) => name !== CASE_RECORD && name !== ITEM_RECORD)
        .map((name) => ({ label: name, kind: CompletionItemKind.Struct, detail: "record" })),
      ...[...analysis.schema.enums.keys()].map((name) => ({ label: name, kind: CompletionItemKind.Enum, detail: "enum" })),
    ];
  }
  return [...namesInScope(analysis, context), ...keywords()];
}

function keywords(): CompletionItem[] {
  return keywordSpellings.map((word) => ({ label: word, kind: CompletionItemKind.Keyword, sortText: `~${word}` }));
}

function fieldsOf(analysis: ProgramAnalysis, record: string): CompletionItem[] {
  const model = analysis.schema.records.get(record);
  if (!model) return [];
  return [...model.fields.values()].map((field) => ({
    label: field.name,
    kind: CompletionItemKind.Field,
    detail: typeName(field.type),
    documentation: field.label !== field.name ? field.label : undefined,
  }));
}

function namesInScope(analysis: ProgramAnalysis, context: CompletionContext): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const push = (item: CompletionItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push(item);
  };
  for (const record of enclosingElements(analysis, context).reverse()) {
    for (const item of fieldsOf(analysis, record)) push({ ...item, sortText: `0${item.label}` });
  }
  for (const [name, decl] of analysis.lets) {
    const type = analysis.typeOf(decl.value);
    push({ label: name, kind: CompletionItemKind.Variable, detail: type ? `let: ${typeName(type)}` : "let", documentation: decl.label?.value, sortText: `1${name}` });
  }
  for (const item of fieldsOf(analysis, CASE_RECORD)) {
    if (item.label !== "items") push({ ...item, sortText: `2${item.label}` });
  }
  for (const [name, detail] of BUILT_INS) push({ label: name, kind: CompletionItemKind.Variable, detail, sortText: `3${name}` });
  return items;
}

/** The element records of the `where`s (and computed field) around the cursor, outermost first. */
function enclosingElements(analysis: ProgramAnalysis, context: CompletionContext): string[] {
  const main = analysis.files.find((file) => file.hostPath === context.path);
  if (!main) return [];
  const records: string[] = [];
  const visit = (node: Expression) => {
    const { start, end } = node.span;
    if (context.offset < start.offset || context.offset > end.offset) return;
    if (node.kind === "WhereExpression" && context.offset >= node.condition.span.start.offset) {
      const source = analysis.typeOf(node.source);
      if (source?.kind === "list") records.push(source.element);
    }
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === "object" && "kind" in child && "span" in child && child.kind !== "Identifier") visit(child as Expression);
      }
    }
  };
  for (const decl of main.ast.declarations) {
    if (decl.kind === "LetDecl") visit(decl.value);
    if (decl.kind === "RuleDecl") {
      if (decl.when) visit(decl.when);
      for (const criterion of decl.criteria) if (criterion.condition) visit(criterion.condition);
    }
    if (decl.kind === "RecordDecl" && context.offset >= decl.span.start.offset && context.offset <= decl.span.end.offset) {
      records.push(decl.name.name);
      for (const field of decl.fields) if (field.computed) visit(field.computed);
    }
  }
  return records;
}

/** The record a name before `.` holds: `item`, a let, a case field or a field of an element. */
function recordOfName(analysis: ProgramAnalysis, name: string, context: CompletionContext): string | undefined {
  const type = typeOfName(analysis, name, context);
  if (type?.kind === "record") return type.name;
  return undefined;
}

function typeOfName(analysis: ProgramAnalysis, name: string, context: CompletionContext): Type | undefined {
  if (name === "item") return { kind: "record", name: ITEM_RECORD, optional: false };
  for (const record of enclosingElements(analysis, context).reverse()) {
    const field = analysis.schema.records.get(record)?.fields.get(name);
    if (field) return field.type;
  }
  const decl = analysis.lets.get(name);
  if (decl) return analysis.typeOf(decl.value);
  const caseField = analysis.schema.records.get(CASE_RECORD)?.fields.get(name);
  if (caseField) return caseField.type;
  for (const record of analysis.schema.records.values()) {
    const field = record.fields.get(name);
    if (field) return field.type;
  }
  return undefined;
}
