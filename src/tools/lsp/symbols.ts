// Every name written in a checked program, as occurrences of symbols: the declaration of a
// field, let, code set, enum, member, record, rule or criterion, and each reference to it. A
// symbol's key names its kind, its name and the file that declares it, so two policies that each
// declare a `let x` never share references, while a schema field used from several policies does.
// Hover, definition, references, rename and completion all read this one index.

import type {
  CodeSetDecl,
  Criterion,
  Expression,
  FieldDecl,
  Identifier,
  Node,
  ProgramAnalysis,
  RuleDecl,
  SourceFile,
  Span,
} from "../../index.js";
import { CASE_RECORD, ITEM_RECORD } from "../../index.js";

export type SymbolKind = "field" | "let" | "codes" | "table" | "enum" | "member" | "record" | "rule" | "criterion";

export interface Occurrence {
  /** `kind:name@declaring file`; undefined for what has no declaration (a literal, a built-in). */
  key?: string;
  kind: SymbolKind | "literal" | "builtin";
  /** The name as written, or the literal's text. */
  name: string;
  span: Span;
  /** The host path of the file the occurrence is in. */
  path: string;
  declaration: boolean;
  /** For fields and members: the record or enum; for criteria: the rule. */
  owner?: string;
  /** What a hover shows for literals and built-ins. */
  node?: Node;
}

export interface SymbolIndex {
  /** Every occurrence in every file of the program, in source order per file. */
  occurrences: Occurrence[];
  /** Declarations by key. */
  declarations: Map<string, Occurrence>;
}

const BUILT_INS = new Set(["item", "items", "other_items", "dos"]);

export function indexProgram(analysis: ProgramAnalysis): SymbolIndex {
  const declaredIn = declaringFiles(analysis);
  const keyOf = (kind: SymbolKind, name: string): string | undefined => {
    const file = declaredIn.get(`${kind}:${name}`);
    return file === undefined ? undefined : `${kind}:${name}@${file}`;
  };
  const occurrences: Occurrence[] = [];

  for (const { ast, hostPath } of analysis.files) {
    const add = (kind: Occurrence["kind"], name: string, span: Span, declaration: boolean, qualified: string, owner?: string, node?: Node) => {
      const key = kind === "literal" || kind === "builtin" ? undefined : keyOf(kind, qualified);
      const occurrence: Occurrence = { kind, name, span, path: hostPath, declaration };
      if (key !== undefined) occurrence.key = key;
      if (owner !== undefined) occurrence.owner = owner;
      if (node !== undefined) occurrence.node = node;
      occurrences.push(occurrence);
    };
    const fieldRef = (record: string, name: Identifier, declaration: boolean) =>
      add("field", name.name, name.span, declaration, `${record}.${name.name}`, record);
    const typeRef = (name: Identifier) => {
      if (analysis.schema.records.has(name.name)) add("record", name.name, name.span, false, name.name);
      else if (analysis.schema.enums.has(name.name)) add("enum", name.name, name.span, false, name.name);
    };
    const fields = (record: string, decls: readonly FieldDecl[]) => {
      for (const field of decls) {
        fieldRef(record, field.name, true);
        typeRef(field.type.name);
        if (field.computed) expression(field.computed);
      }
    };
    const expression = (node: Expression): void => {
      switch (node.kind) {
        case "NameRef": {
          const binding = analysis.resolve(node);
          if (!binding) return;
          switch (binding.kind) {
            case "element":
              add("field", node.name, node.span, false, `${binding.record}.${binding.field}`, binding.record);
              return;
            case "caseField":
              add("field", node.name, node.span, false, `${CASE_RECORD}.${binding.field}`, CASE_RECORD);
              return;
            case "let":
              add("let", node.name, node.span, false, node.name);
              return;
            case "enumMember":
              add("member", node.name, node.span, false, `${binding.enum}.${binding.member}`, binding.enum);
              return;
            case "namedElement":
              add("builtin", node.name, node.span, false, node.name, binding.record, node);
              return;
            default:
              if (BUILT_INS.has(node.name)) add("builtin", node.name, node.span, false, node.name, undefined, node);
              return;
          }
        }
        case "FieldAccess": {
          expression(node.target);
          const resolved = analysis.fieldOf(node);
          if (resolved) fieldRef(resolved.record, node.field, false);
          return;
        }
        case "InSetExpression": {
          expression(node.operand);
          const operand = analysis.typeOf(node.operand);
          const members = operand?.kind === "enum" ? analysis.schema.enums.get(operand.name)?.members : undefined;
          for (const member of node.members) {
            if (member.kind === "Identifier" && members?.includes(member.name)) {
              add("member", member.name, member.span, false, `${operand!.kind === "enum" ? operand.name : ""}.${member.name}`, operand!.kind === "enum" ? operand.name : undefined);
            }
          }
          return;
        }
        case "CountExpression": {
          expression(node.source);
          const source = analysis.typeOf(node.source);
          if (source?.kind === "list") for (const key of node.distinct ?? []) fieldRef(source.element, key, false);
          return;
        }
        case "InCodesExpression":
          expression(node.operand);
          add("codes", node.codes.name, node.codes.span, false, node.codes.name);
          return;
        case "LookupExpression":
          add("table", node.table.name, node.table.span, false, node.table.name);
          expression(node.key);
          return;
        case "SumExpression": {
          expression(node.source);
          const source = analysis.typeOf(node.source);
          if (source?.kind === "list") fieldRef(source.element, node.field, false);
          return;
        }
        case "WithinExpression":
          expression(node.source);
          // A year window (`within plan year`) is words, not a literal with a value to show.
          if (node.window.kind === "DurationLiteral") {
            add("literal", node.window.amount + node.window.unit, node.window.span, false, "", undefined, node.window);
          }
          return;
        case "DurationLiteral":
        case "PercentLiteral":
        case "DateLiteral":
          add("literal", "", node.span, false, "", undefined, node);
          return;
        default:
          for (const child of children(node)) expression(child);
      }
    };
    const rule = (decl: RuleDecl) => {
      add("rule", decl.id.name, decl.id.span, true, decl.id.name);
      for (const codes of decl.codes) add("codes", codes.name, codes.span, false, codes.name);
      if (decl.when) expression(decl.when);
      for (const criterion of decl.criteria) {
        add("criterion", criterion.id.name, criterion.id.span, true, `${decl.id.name}.${criterion.id.name}`, decl.id.name, criterion);
        if (criterion.condition) expression(criterion.condition);
      }
    };

    for (const decl of ast.declarations) {
      switch (decl.kind) {
        case "EnumDecl":
          add("enum", decl.name.name, decl.name.span, true, decl.name.name);
          for (const member of decl.members) add("member", member.name, member.span, true, `${decl.name.name}.${member.name}`, decl.name.name);
          break;
        case "RecordDecl":
          add("record", decl.name.name, decl.name.span, true, decl.name.name);
          if (decl.dated) {
            fieldRef(decl.name.name, decl.dated.start, false);
            if (decl.dated.end) fieldRef(decl.name.name, decl.dated.end, false);
          }
          fields(decl.name.name, decl.fields);
          break;
        case "CaseDecl":
          fields(CASE_RECORD, decl.fields);
          break;
        case "ItemDecl":
          fields(ITEM_RECORD, decl.fields);
          break;
        case "CodeSetDecl":
          add("codes", decl.name.name, decl.name.span, true, decl.name.name);
          break;
        case "TableDecl":
          add("table", decl.name.name, decl.name.span, true, decl.name.name);
          add("enum", decl.key.name, decl.key.span, false, decl.key.name);
          for (const entry of decl.entries) add("member", entry.member.name, entry.member.span, false, `${decl.key.name}.${entry.member.name}`, decl.key.name);
          break;
        case "LetDecl":
          add("let", decl.name.name, decl.name.span, true, decl.name.name);
          expression(decl.value);
          break;
        case "RuleDecl":
          rule(decl);
          break;
      }
    }
  }
  occurrences.sort((a, b) => (a.path === b.path ? a.span.start.offset - b.span.start.offset : 0));
  const declarations = new Map<string, Occurrence>();
  for (const occurrence of occurrences) {
    if (occurrence.declaration && occurrence.key !== undefined && !declarations.has(occurrence.key)) {
      declarations.set(occurrence.key, occurrence);
    }
  }
  return { occurrences, declarations };
}

/** `kind:qualified name` -> host path of the file that declares it (the first, for duplicates). */
function declaringFiles(analysis: ProgramAnalysis): Map<string, string> {
  const files = new Map<string, string>();
  const declare = (key: string, path: string) => {
    if (!files.has(key)) files.set(key, path);
  };
  for (const { ast, hostPath } of [...analysis.files].reverse()) {
    for (const decl of ast.declarations) {
      switch (decl.kind) {
        case "EnumDecl":
          declare(`enum:${decl.name.name}`, hostPath);
          for (const member of decl.members) declare(`member:${decl.name.name}.${member.name}`, hostPath);
          break;
        case "RecordDecl":
          declare(`record:${decl.name.name}`, hostPath);
          for (const field of decl.fields) declare(`field:${decl.name.name}.${field.name.name}`, hostPath);
          break;
        case "CaseDecl":
        case "ItemDecl": {
          const record = decl.kind === "CaseDecl" ? CASE_RECORD : ITEM_RECORD;
          for (const field of decl.fields) declare(`field:${record}.${field.name.name}`, hostPath);
          break;
        }
        case "CodeSetDecl":
          declare(`codes:${decl.name.name}`, hostPath);
          break;
        case "TableDecl":
          declare(`table:${decl.name.name}`, hostPath);
          break;
        case "LetDecl":
          declare(`let:${decl.name.name}`, hostPath);
          break;
        case "RuleDecl":
          declare(`rule:${decl.id.name}`, hostPath);
          for (const criterion of decl.criteria) declare(`criterion:${decl.id.name}.${criterion.id.name}`, hostPath);
          break;
      }
    }
  }
  return files;
}

/** The sub-expressions of an expression, whatever its kind. */
function children(node: Expression): Expression[] {
  const found: Expression[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "span" || value === null || typeof value !== "object") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object" && "kind" in child && child.kind !== "Identifier") found.push(child as Expression);
    }
  }
  return found;
}

/** The occurrence whose span holds `offset` in the file at `path` (an end touching counts). */
export function occurrenceAt(index: SymbolIndex, path: string, offset: number): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const occurrence of index.occurrences) {
    if (occurrence.path !== path) continue;
    const { start, end } = occurrence.span;
    if (start.offset <= offset && offset <= end.offset) {
      // Prefer the innermost (shortest) occurrence, and a name over a literal.
      if (!best || end.offset - start.offset < best.span.end.offset - best.span.start.offset) best = occurrence;
    }
  }
  return best;
}

/** The declarations of the main file that an outline shows. */
export type OutlineDecl = SourceFile["declarations"][number];
export type { CodeSetDecl, Criterion };
