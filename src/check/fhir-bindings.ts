// The checker of FHIR bindings: a `fhir` file's `read` blocks against the schema it uses and the
// FHIR R4 model. Every FHIRPath must parse and evaluate, every resource type exist in R4, every
// bound field exist, and the path's result type fit the field where the model determines it.
// The result is the plain-data `FhirBindings` the reader (src/tools/fhir/bindings/) runs.

import type { ReadDecl, ReadField, SourceFile, Span, StringLiteral } from "../ast.js";
import { diagnostic, suggest, type Diagnostic } from "../diagnostics.js";
import {
  CASE_RECORD,
  ITEM_RECORD,
  type FhirBindings,
  type FhirBlock,
  type FhirFieldBinding,
  type FhirValueKind,
  type RecordModel,
  type SchemaModel,
  type Type,
} from "../model.js";
import { fhirpathEngine, type FhirpathEngine, type FhirpathNode } from "./fhirpath-engine.js";
import { FhirpathTypes } from "./fhirpath-types.js";

/** The code systems a binding may name, by the word it names them with. */
export const FHIR_CODE_SYSTEMS: Readonly<Record<string, string>> = {
  cpt: "http://www.ama-assn.org/go/cpt",
  hcpcs: "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
  icd10: "http://hl7.org/fhir/sid/icd-10-cm",
  snomed: "http://snomed.info/sct",
  loinc: "http://loinc.org",
  rxnorm: "http://www.nlm.nih.gov/research/umls/rxnorm",
  ucum: "http://unitsofmeasure.org",
};

/**
 * The `%variables` every binding's FHIRPath may use: each code system by its word (and `%sct`,
 * FHIRPath's own name for SNOMED CT), and per resource `%resource` (the resource read),
 * `%bundle` (the whole bundle) and `%related` (the resources of the bundle that refer to it).
 */
export const FHIRPATH_SYSTEM_VARIABLES: Readonly<Record<string, string>> = { ...FHIR_CODE_SYSTEMS, sct: FHIR_CODE_SYSTEMS["snomed"]! };
export const FHIRPATH_RESOURCE_VARIABLES = ["resource", "bundle", "related"] as const;

/** The FHIR types a field of each kind can be read from. */
const ACCEPTED: Record<FhirValueKind, readonly string[]> = {
  bool: ["boolean"],
  number: ["integer", "decimal", "positiveInt", "unsignedInt", "Quantity", "Count"],
  percent: ["Quantity"],
  date: ["date", "dateTime", "instant"],
  duration: ["Quantity", "Duration", "Age"],
  code: ["Coding", "CodeableConcept"],
  text: ["string", "markdown", "code", "id", "uri"],
  enum: ["Coding", "CodeableConcept"],
};
/** An enum whose codes have no system reads plain values. */
const ENUM_PLAIN: readonly string[] = ["code", "string", "boolean"];

const KIND_WORDS: Record<FhirValueKind, string> = {
  bool: "boolean",
  number: "number",
  percent: "percent",
  date: "date",
  duration: "duration",
  code: "code",
  text: "text",
  enum: "enum",
};

const LIST_OF = (names: readonly string[]): string =>
  names.length === 0 ? "none" : names.map((name) => `\`${name}\``).join(", ");

export interface FhirCheckInput {
  file: SourceFile;
  schema: SchemaModel;
  /** Whether a schema with a case is visible. */
  hasSchema: boolean;
  /** Root-relative paths of the file and of the schema file it uses. */
  source: string;
  schemaSource: string;
  /** The checked bindings of the base (`extends`), and the root-relative paths of every file this
   *  file's program read: the base's schema must be among them. */
  base?: FhirBindings;
  programFiles?: readonly string[];
}

/** Check a `fhir` file; the bindings are meaningful only when nothing was reported. */
export function checkFhirBindings(input: FhirCheckInput, diagnostics: Diagnostic[]): FhirBindings {
  const { file } = input;
  const header = file.header;
  const name = header.kind === "FhirHeader" ? header.name.name : "";
  const bindings: FhirBindings = {
    name,
    ...(header.kind === "FhirHeader" && header.title ? { title: header.title.value } : {}),
    source: input.source,
    schemaSource: input.schemaSource,
    blocks: [],
  };
  if (!input.hasSchema) {
    diagnostics.push(diagnostic("POL6014", header.kind === "FhirHeader" ? header.name.span : header.span, { name }));
    return bindings;
  }
  const base = input.base;
  if (base !== undefined && header.kind === "FhirHeader" && header.base !== undefined) {
    if (!(input.programFiles ?? []).includes(base.schemaSource)) {
      diagnostics.push(
        diagnostic("POL6043", header.base.span, { schema: input.schemaSource, baseSchema: base.schemaSource, base: base.name }, { baseSchema: base.schemaSource }),
      );
      return bindings;
    }
    bindings.base = base.source;
  }
  const checker = new BindingChecker(input.schema, diagnostics, fhirpathEngine());
  const extension = base ? new Extension(base, input.source, diagnostics) : undefined;
  for (const decl of file.declarations) {
    if (decl.kind !== "ReadDecl") {
      diagnostics.push(
        diagnostic("POL6013", declarationKeywordSpan(decl.span), {
          problem: "a `fhir` file holds only `read` blocks",
        }, { help: "declare the schema in a schema file, which this file uses, and rules in a policy" }),
      );
      continue;
    }
    if (decl.extension) {
      if (extension === undefined) {
        diagnostics.push(diagnostic("POL6046", keywordSpan(decl.span, "extend".length), { name }, { name }));
        continue;
      }
      extension.extend(decl, checker);
      continue;
    }
    if (extension && !extension.readsAnew(decl)) continue;
    const block = checker.block(decl);
    if (block) bindings.blocks.push(block);
  }
  if (extension) bindings.blocks.unshift(...extension.blocks);
  return bindings;
}

/** The base's blocks, and the fields `extend read` blocks add to them. */
class Extension {
  /** Copies of the base's blocks, each naming the file that declared it. */
  readonly blocks: FhirBlock[];
  /** Per block, the fields this file added, with their lines. */
  private readonly added = new Map<FhirBlock, Map<string, number>>();

  constructor(
    private readonly base: FhirBindings,
    /** This file, root-relative: the source of the fields it adds. */
    private readonly source: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.blocks = base.blocks.map((block) => ({ ...block, fields: [...block.fields], source: block.source ?? base.source }));
  }

  /** Add the fields of `extend read` block `decl` to the base's block it names. */
  extend(decl: ReadDecl, checker: BindingChecker): void {
    const target = decl.target.name;
    const resource = decl.resource.name;
    const element = decl.element?.value;
    if (decl.filter) this.diagnostics.push(diagnostic("POL6048", decl.filter.span, {}));
    const matches = this.blocks.filter((block) => block.target === target && block.resource === resource && block.element === element);
    if (matches.length !== 1) {
      const others = this.blocks.filter((block) => block.target === target).map((block) => `\`${block.resource}${block.element !== undefined ? ` "${block.element}"` : ""}\``);
      let found = matches.length === 0 ? "it has none" : `it has ${matches.length}, on lines ${matches.map((block) => block.line).join(", ")} of \`${matches[0]!.source}\``;
      // Facts of the case from several blocks combine: a block of its own adds to them.
      if (target === "case") found += "; write `read case` instead: facts of the case read by several blocks combine";
      this.diagnostics.push(
        diagnostic(
          "POL6047",
          keywordSpan(decl.span, "extend".length),
          { target, resource, element: element !== undefined ? ` "${element}"` : "", base: this.base.name, found },
          { target, blocks: others.length === 0 ? "no resource" : [...new Set(others)].join(", ") },
        ),
      );
      return;
    }
    const block = matches[0]!;
    const added = this.added.get(block) ?? new Map<string, number>();
    let clash = false;
    for (const field of decl.fields) {
      const name = field.field.name;
      const own = added.get(name);
      if (own !== undefined) {
        this.diagnostics.push(diagnostic("POL6010", field.field.span, { field: name, line: own }));
        clash = true;
        continue;
      }
      const inherited = block.fields.find((f) => f.field === name);
      if (inherited !== undefined) {
        this.diagnostics.push(diagnostic("POL6044", field.field.span, { field: name, base: this.base.name, file: inherited.source ?? block.source!, line: inherited.line }));
        clash = true;
      }
    }
    if (decl.filter || clash) return;
    const checked = checker.block(decl);
    if (checked === undefined) return;
    for (const field of checked.fields) {
      block.fields.push({ ...field, source: this.source });
      added.set(field.field, field.line);
    }
    this.added.set(block, added);
  }

  /** Whether a list block of this file reads resources other than a base block's (else reported). */
  readsAnew(decl: ReadDecl): boolean {
    const target = decl.target.name;
    if (target === "case") return true;
    const element = decl.element?.value;
    const same = this.blocks.find(
      (block) =>
        block.target === target &&
        block.resource === decl.resource.name &&
        block.element === element &&
        (decl.filter === undefined || decl.filter.value === block.filter),
    );
    if (same === undefined) return true;
    this.diagnostics.push(
      diagnostic(
        "POL6045",
        decl.target.span,
        { base: this.base.name, target, resource: same.resource, file: same.source!, line: same.line, element: target === "items" ? "line item" : "element" },
        { target, resource: same.resource, element: target === "items" ? "line item" : "element" },
      ),
    );
    return false;
  }
}

/** `read` blocks outside a `fhir` file. */
export function misplacedReads(file: SourceFile, diagnostics: Diagnostic[]): void {
  if (file.header.kind === "FhirHeader") return;
  for (const decl of file.declarations) {
    if (decl.kind !== "ReadDecl") continue;
    diagnostics.push(
      diagnostic("POL6013", declarationKeywordSpan(decl.span), {
        problem: "`read` blocks belong in a `fhir` file, not in a schema or policy",
      }, { help: 'move the block into a file that starts `fhir NAME "title"` and uses this schema' }),
    );
  }
}

function declarationKeywordSpan(span: Span): Span {
  return keywordSpan(span, 4);
}

/** The first `length` characters of a declaration: its keyword. */
function keywordSpan(span: Span, length: number): Span {
  return { file: span.file, start: span.start, end: { ...span.start, offset: span.start.offset + length, column: span.start.column + length } };
}

class BindingChecker {
  private readonly types: FhirpathTypes;
  private readonly variables: Record<string, unknown>;

  constructor(
    private readonly schema: SchemaModel,
    private readonly diagnostics: Diagnostic[],
    private readonly engine: FhirpathEngine,
  ) {
    this.types = new FhirpathTypes(engine.model);
    this.variables = { ...FHIRPATH_SYSTEM_VARIABLES, resource: {}, bundle: {}, related: [] };
  }

  block(decl: ReadDecl): FhirBlock | undefined {
    const resource = decl.resource.name;
    const resourceOk = this.types.isResource(resource);
    if (!resourceOk) {
      const resources = Object.keys(this.engine.model.type2Parent).filter((type) => this.types.isResource(type));
      this.diagnostics.push(diagnostic("POL6002", decl.resource.span, { name: resource }, suggest(resource, resources)));
    }
    const record = this.target(decl);
    // Without a known resource type, paths cannot be typed: only the target is checked.
    if (!resourceOk) return undefined;
    let ok = record !== undefined;
    // The context the fields are evaluated on: the resource, or the backbone element it picks.
    let context = resource;
    let elementBase: string | undefined;
    if (decl.element) {
      const element = this.elementBase(decl.element, resource);
      if (element === undefined) ok = false;
      else context = elementBase = element;
    }
    if (decl.filter && !this.filter(decl.filter, resource, context, elementBase)) ok = false;
    const fields: FhirFieldBinding[] = [];
    const seen = new Map<string, number>();
    if (record !== undefined && (decl.element === undefined || elementBase !== undefined)) {
      for (const field of decl.fields) {
        const first = seen.get(field.field.name);
        if (first !== undefined) {
          this.diagnostics.push(diagnostic("POL6010", field.field.span, { field: field.field.name, line: first }));
          ok = false;
          continue;
        }
        seen.set(field.field.name, field.span.start.line);
        const binding = this.field(field, record, resource, context, elementBase);
        if (binding) fields.push(binding);
        else ok = false;
      }
    }
    if (!ok || record === undefined) return undefined;
    return {
      target: decl.target.name,
      record: record.name,
      resource,
      ...(decl.element ? { element: decl.element.value } : {}),
      ...(elementBase ? { elementBase } : {}),
      ...(decl.filter ? { filter: decl.filter.value } : {}),
      fields,
      line: decl.span.start.line,
    };
  }

  /** The R4 path of the backbone elements a block reads (`Claim.item`), or undefined (reported). */
  private elementBase(element: StringLiteral, resource: string): string | undefined {
    const tree = this.parse(element);
    if (tree === undefined) return undefined;
    const inferred = this.types.infer(tree, resource);
    if (inferred.kind === "unknownElement") {
      this.reportUnknownElement(element, inferred);
      return undefined;
    }
    const path = backbonePath(this.engine, resource, element.value);
    if (path === undefined) {
      this.diagnostics.push(
        diagnostic(
          "POL6011",
          element.span,
          { problem: `\`${element.value}\` does not name backbone elements of \`${resource}\`` },
          { help: `name repeating elements of the resource, e.g. \`read items from Claim "item"\`` },
        ),
      );
    }
    return path;
  }

  /** Whether a block's filter parses, evaluates and is a condition (else reported). */
  private filter(filter: StringLiteral, resource: string, context: string, elementBase: string | undefined): boolean {
    const tree = this.parse(filter);
    if (tree === undefined || !this.evaluates(filter, tree, resource, elementBase)) return false;
    const inferred = this.types.infer(tree, context);
    if (inferred.kind === "unknownElement") {
      this.reportUnknownElement(filter, inferred);
      return false;
    }
    if (inferred.kind === "types" && !inferred.types.includes("boolean")) {
      this.problem(filter.span, `the filter \`${filter.value}\` gives ${typesText(inferred.types)}, not \`true\` or \`false\``, "a filter is a condition on the resource, e.g. `status = 'completed'`");
      return false;
    }
    return true;
  }

  /** The record a block's fields belong to. */
  private target(decl: ReadDecl): RecordModel | undefined {
    const name = decl.target.name;
    const caseRecord = this.schema.records.get(CASE_RECORD)!;
    if (name === "case") return caseRecord;
    if (name === "items") return this.schema.records.get(ITEM_RECORD);
    const field = caseRecord.fields.get(name);
    if (field?.type.kind === "list" && field.type.element !== ITEM_RECORD) return this.schema.records.get(field.type.element);
    const lists = [...caseRecord.fields.values()].filter((f) => f.type.kind === "list" && f.type.element !== ITEM_RECORD).map((f) => f.name);
    this.diagnostics.push(
      diagnostic("POL6008", decl.target.span, { target: name }, suggest(name, [...lists, "items", "case"]) ?? { lists: LIST_OF(lists) }),
    );
    return undefined;
  }

  private field(field: ReadField, record: RecordModel, resource: string, context: string, elementBase: string | undefined): FhirFieldBinding | undefined {
    const name = field.field.name;
    const model = record.fields.get(name);
    const recordName = record.name === CASE_RECORD ? "case" : record.name;
    if (model === undefined || name === "items") {
      const names = [...record.fields.keys()].filter((n) => n !== "items");
      this.diagnostics.push(diagnostic("POL6009", field.field.span, { record: recordName, field: name }, suggest(name, names) ?? { record: recordName, fields: LIST_OF(names) }));
      return undefined;
    }
    if (model.computed) {
      this.diagnostics.push(diagnostic("POL6012", field.field.span, { field: name }));
      return undefined;
    }
    // A list of values (`levels: list of Level`) is bound as its element is, each value one entry.
    const list = model.type.kind === "values";
    const type = model.type.kind === "values" ? model.type.element : model.type;
    const kind = valueKind(type);
    if (kind === undefined) {
      const help =
        model.type.kind === "list"
          ? `read the list with a block of its own: \`read ${name} from RESOURCE { ... }\``
          : "bind each value with a block of its own";
      this.problem(field.field.span, `\`${name}\` is a list, which a binding cannot read as one value`, help);
      return undefined;
    }
    const binding: FhirFieldBinding = { field: name, kind, ...(list ? { list: true as const } : {}), line: field.span.start.line };
    if (list && !field.path) {
      return this.problem(field.field.span, `\`${name}\` is a list of values, read from a FHIRPath`, `give its FHIRPath: \`${name}: "..."\`; every value it gives is one entry`);
    }
    if (field.constant) {
      const constant = field.constant;
      if (constant.kind === "BooleanLiteral") {
        if (kind !== "bool") return this.problem(constant.span, `\`${name}\` is a ${KIND_WORDS[kind]} field, not a boolean`, "give a value of the field's type");
        binding.constant = constant.value;
      } else {
        const members = type.kind === "enum" ? this.schema.enums.get(type.name)?.members ?? [] : [];
        if (kind !== "enum") return this.problem(constant.span, `\`${name}\` is a ${KIND_WORDS[kind]} field: only enum fields take a fixed member`, "bind it to a FHIRPath instead");
        if (!members.includes(constant.name)) {
          return this.problem(constant.span, `\`${constant.name}\` is not a member of \`${typeLabel(type)}\``, `the members are ${LIST_OF(members)}`);
        }
        binding.constant = constant.name;
      }
      return binding;
    }
    if (!field.path) {
      if (kind !== "bool") {
        return this.problem(field.field.span, `a bare \`${name}\` means "true for every resource read", but \`${name}\` is a ${KIND_WORDS[kind]} field`, `give its FHIRPath: \`${name}: "..."\``);
      }
      return binding;
    }
    binding.path = field.path.value;
    const tree = this.parse(field.path);
    if (tree === undefined || !this.evaluates(field.path, tree, resource, elementBase)) return undefined;
    if (field.systems.length > 0 && kind !== "code") {
      return this.problem(field.systems[0]!.span, `code systems are named for code fields; \`${name}\` is a ${KIND_WORDS[kind]} field`, kind === "enum" ? "give each member's code with its system in braces" : "remove `in ...`");
    }
    if (field.map && kind !== "enum") {
      return this.problem(field.field.span, `member codes are given for enum fields; \`${name}\` is a ${KIND_WORDS[kind]} field`, "remove the braces");
    }
    if (kind === "code") {
      if (field.systems.length === 0) {
        this.diagnostics.push(diagnostic("POL6005", field.field.span, { field: name }, { field: name, path: field.path.value }));
        return undefined;
      }
      const systems: string[] = [];
      for (const system of field.systems) {
        const url = this.system(system.name, system.span);
        if (url === undefined) return undefined;
        systems.push(url);
      }
      binding.systems = systems;
    }
    let plainEnum = false;
    if (kind === "enum") {
      const members = type.kind === "enum" ? this.schema.enums.get(type.name)?.members ?? [] : [];
      if (!field.map || field.map.length === 0) {
        this.diagnostics.push(diagnostic("POL6007", field.field.span, { field: name }, { field: name, path: field.path.value, member: members[0] ?? "member" }));
        return undefined;
      }
      const map: NonNullable<FhirFieldBinding["map"]> = [];
      for (const entry of field.map) {
        if (!members.includes(entry.member.name)) {
          this.diagnostics.push(
            diagnostic(
              "POL6011",
              entry.member.span,
              { problem: `\`${entry.member.name}\` is not a member of \`${typeLabel(type)}\`` },
              suggest(entry.member.name, members) ?? { help: `the members are ${LIST_OF(members)}` },
            ),
          );
          return undefined;
        }
        const system = entry.system ? this.system(entry.system.name, entry.system.span) : undefined;
        if (entry.system && system === undefined) return undefined;
        map.push({ member: entry.member.name, ...(system ? { system } : {}), code: entry.code.value });
      }
      const withSystem = map.filter((entry) => entry.system !== undefined).length;
      if (withSystem !== 0 && withSystem !== map.length) {
        return this.problem(field.field.span, `the codes of \`${name}\` mix coded values and plain values`, "give every member's code with its system, or none");
      }
      plainEnum = withSystem === 0;
      binding.map = map;
    }
    const inferred = this.types.infer(tree, context);
    if (inferred.kind === "unknownElement") {
      this.reportUnknownElement(field.path, inferred);
      return undefined;
    }
    if (inferred.kind === "types") {
      const accepted = kind === "enum" && plainEnum ? ENUM_PLAIN : ACCEPTED[kind];
      if (!inferred.types.some((type) => this.fits(type, accepted))) {
        const expected = KIND_WORDS[kind];
        this.diagnostics.push(
          diagnostic("POL6004", field.path.span, { path: field.path.value, found: typesText(inferred.types), expected, field: name }, { expected, accepted: LIST_OF(accepted) }),
        );
        return undefined;
      }
    }
    return binding;
  }

  /** Whether `type` is one of `accepted` or derives from one (Age is a Quantity). */
  private fits(type: string, accepted: readonly string[]): boolean {
    for (let t: string | undefined = type, steps = 0; t !== undefined && steps < 8; t = this.engine.model.type2Parent[t], steps++) {
      if (accepted.includes(t)) return true;
    }
    return false;
  }

  private system(name: string, span: Span): string | undefined {
    const url = FHIR_CODE_SYSTEMS[name];
    if (url === undefined) {
      this.diagnostics.push(diagnostic("POL6006", span, { name }, suggest(name, Object.keys(FHIR_CODE_SYSTEMS)) ?? { systems: LIST_OF(Object.keys(FHIR_CODE_SYSTEMS)) }));
    }
    return url;
  }

  private problem(span: Span, problem: string, help: string): undefined {
    this.diagnostics.push(diagnostic("POL6011", span, { problem }, { help }));
    return undefined;
  }

  /** The parse tree, or undefined after reporting where the expression stops parsing. */
  private parse(literal: StringLiteral): FhirpathNode | undefined {
    try {
      return this.engine.parse(literal.value);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const first = text.split("\n")[0] ?? text;
      const match = /line: (\d+); column: (\d+); message: (.*)$/.exec(first);
      // Without a location the engine failed inside its parser: say only that it does not parse.
      const problem = match ? match[3]!.replace(/\s+/g, " ").slice(0, 200) : "it is not a FHIRPath expression";
      // The engine counts columns from 0.
      const column = match ? Number(match[2]) + 1 : undefined;
      this.diagnostics.push(diagnostic("POL6001", insideString(literal, column), { path: literal.value, problem }));
      return undefined;
    }
  }

  /** Whether the engine can evaluate `literal` at all: every variable and function known. */
  private evaluates(literal: StringLiteral, tree: FhirpathNode, resource: string, elementBase: string | undefined): boolean {
    const variables = LIST_OF([...Object.keys(FHIRPATH_SYSTEM_VARIABLES), ...FHIRPATH_RESOURCE_VARIABLES].map((v) => `%${v}`));
    // Variables are checked on the tree: an evaluation on an empty resource may never reach them.
    const unknown = externalConstants(tree).find((name) => !(name in this.variables) && !ENGINE_VARIABLES.has(name));
    if (unknown !== undefined) {
      this.diagnostics.push(diagnostic("POL6015", literal.span, { path: literal.value, problem: `\`%${unknown}\` is not a variable` }, suggest(unknown, Object.keys(this.variables)) ?? { variables }));
      return false;
    }
    try {
      const input = { resourceType: resource };
      this.engine.evaluate(input, elementBase ? { base: elementBase, expression: literal.value } : literal.value, this.variables);
      return true;
    } catch (error) {
      const text = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
      const variable = /undefined environment variable: (\S+)/.exec(text);
      const problem = variable
        ? `\`%${variable[1]}\` is not a variable`
        : /Not implemented: (\S+)/.test(text)
          ? `\`${/Not implemented: (\S+)/.exec(text)![1]}\` is not a FHIRPath function`
          : text.slice(0, 200);
      this.diagnostics.push(diagnostic("POL6015", literal.span, { path: literal.value, problem }, { variables }));
      return false;
    }
  }

  private reportUnknownElement(literal: StringLiteral, inferred: { type: string; element: string; start: { line: number; column: number }; length: number }): void {
    const elements = this.types.elements(inferred.type.includes(".") ? { type: "BackboneElement", path: inferred.type } : { type: inferred.type });
    const span = insideString(literal, inferred.start.column, inferred.length);
    this.diagnostics.push(
      diagnostic(
        "POL6003",
        span,
        { type: inferred.type, element: inferred.element },
        suggest(inferred.element, elements) ?? { type: inferred.type, elements: LIST_OF(elements.slice(0, 12)) + (elements.length > 12 ? ", ..." : "") },
      ),
    );
  }
}

/** Variables the engine itself defines: the evaluation's context and root resource. */
const ENGINE_VARIABLES = new Set(["context", "rootResource", "ucum", "sct", "loinc"]);

/** The `%names` of a parse tree (quoted names such as `%\`vs-x\`` keep their quotes). */
function externalConstants(tree: FhirpathNode): string[] {
  const names: string[] = [];
  const stack: FhirpathNode[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "ExternalConstantTerm" && node.text !== undefined) names.push(node.text);
    for (const child of node.children ?? []) stack.push(child);
  }
  return names;
}

/** The R4 path of the backbone elements `expression` picks from `resource`, e.g. `Claim.item`. */
function backbonePath(engine: FhirpathEngine, resource: string, expression: string): string | undefined {
  if (!/^[A-Za-z]+(\.[A-Za-z]+)*$/.test(expression)) return undefined;
  const path = `${resource}.${expression}`;
  const type = engine.model.path2Type[path];
  return type === "BackboneElement" ? (engine.model.pathsDefinedElsewhere[path] ?? path) : undefined;
}

const VALUE_KINDS: ReadonlySet<string> = new Set<FhirValueKind>(["bool", "number", "percent", "date", "duration", "code", "text", "enum"]);

/** The kind of value a field holds, or undefined for lists and records. */
function valueKind(type: Type): FhirValueKind | undefined {
  return VALUE_KINDS.has(type.kind) ? (type.kind as FhirValueKind) : undefined;
}

function typeLabel(type: Type): string {
  return type.kind === "enum" ? type.name : type.kind;
}

function typesText(types: readonly string[]): string {
  const shown = types.slice(0, 5).map((t) => `\`${t}\``);
  if (types.length > 5) shown.push("...");
  return shown.length === 1 ? `a ${shown[0]}` : `one of ${shown.join(", ")}`;
}

/**
 * The span of `column` (1-based, within the FHIRPath) inside the string literal, when the literal
 * is written without escapes (so offsets map one to one); else the whole literal.
 */
function insideString(literal: StringLiteral, column: number | undefined, length = 1): Span {
  const width = literal.span.end.offset - literal.span.start.offset;
  if (column === undefined || width !== literal.value.length + 2 || literal.span.start.line !== literal.span.end.line) return literal.span;
  const from = Math.min(Math.max(column - 1, 0), literal.value.length);
  const to = Math.min(from + Math.max(length, 1), literal.value.length + 1);
  const start = literal.span.start;
  return {
    file: literal.span.file,
    start: { offset: start.offset + 1 + from, line: start.line, column: start.column + 1 + from },
    end: { offset: start.offset + 1 + to, line: start.line, column: start.column + 1 + to },
  };
}

let resourceTypes: FhirpathTypes | undefined;

/** Whether `name` is a resource type of FHIR R4. */
export function isFhirResourceType(name: string): boolean {
  resourceTypes ??= new FhirpathTypes(fhirpathEngine().model);
  return resourceTypes.isResource(name);
}
