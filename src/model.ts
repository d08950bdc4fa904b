// The resolved and checked program: what the checker hands to the interpreter and the code
// generator. Both read the AST through this model and never re-resolve names themselves.

import type {
  CodeSetDecl,
  CriterionEffect,
  DurationUnit,
  Expression,
  FieldAccess,
  FieldDecl,
  InCodesExpression,
  LetDecl,
  NameRef,
  RuleDecl,
  SourceFile,
  Span,
} from "./ast.js";

export type Type =
  | { kind: "bool" }
  | { kind: "number" }
  | { kind: "percent" }
  | { kind: "date" }
  /** A fixed length of time, counted in days (literals in `d` and `wk`). */
  | { kind: "duration" }
  /** A calendar length of time, counted in months (literals in `mo` and `y`). */
  | { kind: "calendar" }
  | { kind: "code" }
  | { kind: "text" }
  | { kind: "enum"; name: string }
  /** A record value. `optional` when it came from `latest`/`earliest` and may be none. */
  | { kind: "record"; name: string; optional: boolean }
  /** A list of records; `window` is set once `within` has been applied. */
  | { kind: "list"; element: string; window?: ListWindow }
  /** A list of codes, texts or enum members (`levels: list of Level`), tested with `x in L`. */
  | { kind: "values"; element: Type }
  /** The result of `time since` / `time between`: comparable with any duration. */
  | { kind: "elapsed" }
  /** Something already reported as an error; suppresses follow-on errors. */
  | { kind: "error" };

/** A list's window: the last `amount unit` up to the date of service, or the calendar or plan year. */
export type ListWindow = { amount: number; unit: DurationUnit } | { year: "calendar" | "plan" };

/** How a window is written: `12mo`, `calendar year`. */
export function windowText(window: ListWindow): string {
  return "year" in window ? `${window.year} year` : `${window.amount}${window.unit}`;
}

/** The case field a plan year starts from (on its anniversaries). */
export const PLAN_YEAR_START = "plan_year_start";

/** The name of the record model for the line item declared by `item { ... }`. */
export const ITEM_RECORD = "item";
/** The name of the record model for the case declared by `case { ... }`. */
export const CASE_RECORD = "case";

export interface FieldModel {
  name: string;
  type: Type;
  /** Documentation label; the field name when the declaration gave none. */
  label: string;
  /** Present for computed fields, with the record's own fields in scope (binding `element`, depth 0). */
  computed?: Expression;
  decl?: FieldDecl;
}

export interface RecordModel {
  name: string;
  label: string;
  /** Events have `start`; episodes have `start` and `end`. */
  dated?: { start: string; end?: string };
  /** In declaration order. The `case` record also holds the built-ins `date_of_service` and `items`. */
  fields: Map<string, FieldModel>;
}

export interface EnumModel {
  name: string;
  label: string;
  members: string[];
  /** Declared `ordered`: members compare by their position, first lowest. */
  ordered: boolean;
}

export interface SchemaModel {
  enums: Map<string, EnumModel>;
  /** All records, including `case` (CASE_RECORD) and `item` (ITEM_RECORD). */
  records: Map<string, RecordModel>;
}

/** What a bare name refers to. */
export type Binding =
  /** A field of the element of an enclosing `where` (depth 0 = innermost), or of the record a
   *  computed field belongs to. */
  | { kind: "element"; record: string; field: string; depth: number }
  /** `v` of `some v in visits where ...`: the element itself, a record (depth as for `element`). */
  | { kind: "namedElement"; record: string; name: string; depth: number }
  | { kind: "let"; name: string }
  | { kind: "caseField"; field: string }
  | { kind: "item" }
  | { kind: "items" }
  | { kind: "otherItems" }
  /** `earlier_items`: the line items listed before the one under decision that still stand. */
  | { kind: "earlierItems" }
  | { kind: "dos" }
  | { kind: "enumMember"; enum: string; member: string };

export interface CheckedRule {
  decl: RuleDecl;
  id: string;
  title: string;
  citation: string;
  /** The code sets the rule binds to (at least one): the item's code is in any of them. */
  codeSets: string[];
  criteria: CheckedCriterion[];
}

export interface CheckedCriterion {
  id: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  /** Line of the criterion in its `.pol` file (1-based). */
  line: number;
  condition?: Expression;
  /** The id of the `waive` of its rule that names this criterion, when one does. */
  waivedBy?: string;
  span: Span;
}

export interface PolicyMetadata {
  id: string;
  title: string;
  payer: string;
  number: string;
  version: string;
  /** ISO date; absent for a proposed policy (`effective proposed`). */
  effective?: string;
  /** Present (true) for a proposed policy: in effect only when evaluated as proposed. */
  proposed?: true;
  /** ISO date, when the policy declares one. */
  expires?: string;
  /** The policy file's path relative to the working directory, with `/` separators. */
  source: string;
  /** sha256 (hex) of the policy file and every file it uses, in a fixed order. */
  sourceHash: string;
}

/** `table action_time "..." by Anesthetic { ... }`, checked: a value for every member. */
export interface TableModel {
  name: string;
  label: string;
  /** The enum whose members key the table. */
  key: string;
  /** The type of every value (`error` when the entries disagree). */
  type: Type;
  /** Member -> value: numbers, percents and fixed durations (in days) as numbers. */
  values: Map<string, number | string | boolean>;
}

/** A schema file's own schema: the records and enums it and the files it uses declare. */
export interface SchemaFile {
  /** `schema spine` -> `spine`. */
  name: string;
  /** The file, relative to the project root. */
  source: string;
  schema: SchemaModel;
  /** The schema this one extends, as for `CheckedPolicy.schemaBase`. */
  base?: SchemaFile;
}

export interface CheckedPolicy {
  metadata: PolicyMetadata;
  /** The name of the schema the policy uses (`schema spine` -> `spine`); the policy's own id when
   *  it declares its case itself. Compiled schema modules are named after it. */
  schemaName: string;
  /** The display path of the file that declares the schema (the policy's own when it declares its case). */
  schemaSource: string;
  /** The schema the policy's schema file extends: the one schema file it `use`s, when it uses
   *  exactly one. Its schema module imports what it inherits from that schema's module. */
  readonly schemaBase?: SchemaFile;
  file: SourceFile;
  schema: SchemaModel;
  codeSets: Map<string, CodeSetDecl>;
  tables: Map<string, TableModel>;
  /** In dependency order: a let only refers to lets before it. */
  lets: { decl: LetDecl; name: string; label: string; type: Type; dependsOnItem: boolean }[];
  rules: CheckedRule[];
  typeOf(expression: Expression): Type;
  resolve(name: NameRef): Binding;
  /** For `x in NAME` where NAME is a list of values rather than a code set: NAME, resolved. */
  membershipOf(test: InCodesExpression): NameRef | undefined;
  /** The record a field access reads from, and the field. */
  fieldOf(access: FieldAccess): { record: string; field: FieldModel };
  /** The rule a `rule as of date` names. */
  asOfRule(expression: Expression): string;
  /** Whether any expression of the program evaluates a rule `as of` an earlier date. */
  usesAsOf: boolean;
  /** For a qualified enum member `Kind.member` (a field access on an enum's name), the member. */
  memberOf(access: FieldAccess): { enum: string; member: string } | undefined;
  /** The source text a span covers (any file of the program). */
  text(span: Span): string;
}

// ---------------------------------------------------------------------------------------------
// FHIR bindings: a checked `fhir` file, as plain data (structured-clone safe, so batch workers
// receive it as it is). docs/fhir.md describes what each part means.

/** The value kinds a bound field can have (a field's type, without lists and records). */
export type FhirValueKind = "bool" | "number" | "percent" | "date" | "duration" | "code" | "text" | "enum";

export interface FhirFieldBinding {
  field: string;
  kind: FhirValueKind;
  /** FHIRPath evaluated on the resource (or the element the block reads). */
  path?: string;
  /** For `code` fields: the URLs of the code systems the codings must come from. */
  systems?: string[];
  /** For `enum` fields: the member each code (with its system URL, or a plain value) stands for. */
  map?: { member: string; system?: string; code: string }[];
  /** A fixed value: an enum member or a boolean. */
  constant?: string | boolean;
  /** A list of values (`levels: list of Level`): every value the FHIRPath gives, each of `kind`. */
  list?: true;
  /** For a field an `extend read` block added to a block of another file: the file that added it. */
  source?: string;
  /** 1-based line of the binding in its file, for messages. */
  line: number;
}

export interface FhirBlock {
  /** `case`, `items`, or the name of a list field of the case. */
  target: string;
  /** The record the block's fields belong to: CASE_RECORD, ITEM_RECORD or a list's element. */
  record: string;
  /** The FHIR R4 resource type read. */
  resource: string;
  /** FHIRPath to backbone elements of the resource, one target element each (`Claim` `item`). */
  element?: string;
  /** The R4 type path of `element` (e.g. `Claim.item`), for evaluating the fields on it. */
  elementBase?: string;
  /** FHIRPath a resource (or element) must give `true` for to be read. */
  filter?: string;
  fields: FhirFieldBinding[];
  line: number;
  /** For a block a base declared: that binding file, relative to the project root (`line` is there). */
  source?: string;
}

export interface FhirBindings {
  name: string;
  title?: string;
  /** The binding file and the schema it binds, relative to the project root. */
  source: string;
  schemaSource: string;
  /** The binding file these extend (`extends`), relative to the project root; its blocks are
   *  among `blocks`, with the fields of `extend read` blocks added. */
  base?: string;
  blocks: FhirBlock[];
}
