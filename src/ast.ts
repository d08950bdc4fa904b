// The abstract syntax tree of a `.pol` file. Every node carries the span of source it came from,
// so every later pass (checker, interpreter, code generator, formatter) can point back at it.

export interface Position {
  /** 0-based character offset into the file. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units. */
  column: number;
}

export interface Span {
  file: string;
  start: Position;
  /** Exclusive end. */
  end: Position;
}

interface NodeBase {
  span: Span;
}

export interface Identifier extends NodeBase {
  kind: "Identifier";
  name: string;
}

export interface StringLiteral extends NodeBase {
  kind: "StringLiteral";
  /** The unescaped value. */
  value: string;
}

/** `D.I.B.1`: the policy section a rule or criterion encodes. */
export interface Citation extends NodeBase {
  kind: "Citation";
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Files

export interface SourceFile extends NodeBase {
  kind: "SourceFile";
  header: SchemaHeader | PolicyHeader | FhirHeader;
  uses: UseDecl[];
  declarations: Declaration[];
  /** Comments in source order, kept for the formatter. */
  comments: Comment[];
  /** Present only on the part of a file with syntax errors that parsed cleanly (see `parse`). */
  recovered?: Recovered;
}

/** What a file with syntax errors lost: the checker stays silent about it, so nothing cascades. */
export interface Recovered {
  /** Names of the declarations the errors touch; references to them are not reported. */
  names: Set<string>;
  /** Whether a schema declaration (enum, record, case, item) is among them: then nothing is checked. */
  schema: boolean;
  /** Rules that lost a criterion, or whose criteria follow an error. */
  partialRules: Set<RuleDecl>;
}

export interface Comment extends NodeBase {
  kind: "Comment";
  /** The text after `#`, without the line break. */
  text: string;
}

/** `schema spine "Interventional spine pain cases"` */
export interface SchemaHeader extends NodeBase {
  kind: "SchemaHeader";
  name: Identifier;
  title?: StringLiteral;
}

/** `fhir spine_r4 "FHIR R4 bindings for the spine schema"`: a file of `read` blocks (docs/fhir.md). */
export interface FhirHeader extends NodeBase {
  kind: "FhirHeader";
  name: Identifier;
  title?: StringLiteral;
  /** `extends "spine.fhir.pol"`: the binding file these bindings build on (docs/fhir.md). */
  base?: StringLiteral;
}

/**
 * `read procedures from Procedure where "status = 'completed'" { code: "code" in cpt }`: how
 * facts are read from the FHIR R4 resources of one type. `target` is `case` (case fields, read
 * from every matching resource), `items` (one line item per resource) or a list field of the
 * case (one element per resource). `element` picks backbone elements of the resource
 * (`read items from Claim "item"`), one target element per element.
 */
export interface ReadDecl extends NodeBase {
  kind: "ReadDecl";
  /** `extend read ...`: adds fields to the base's block of this target and resource. */
  extension?: true;
  target: Identifier;
  resource: Identifier;
  element?: StringLiteral;
  filter?: StringLiteral;
  fields: ReadField[];
}

/**
 * One field's binding: `path` is a FHIRPath expression evaluated on the resource (or element);
 * `systems` the code systems a code field's codings must come from; `map` the codes of each
 * member of an enum field; `constant` a fixed value (`kind = physical_therapy`). A bare field
 * (none of them) is a boolean that is true for every resource the block reads.
 */
export interface ReadField extends NodeBase {
  kind: "ReadField";
  field: Identifier;
  path?: StringLiteral;
  systems: Identifier[];
  map?: ReadMapEntry[];
  constant?: Identifier | BooleanLiteral;
}

/** `left = snomed "7771000"`; without a system, the value itself (`"completed"`). */
export interface ReadMapEntry extends NodeBase {
  kind: "ReadMapEntry";
  member: Identifier;
  system?: Identifier;
  code: StringLiteral;
}

export type HeaderKey = "title" | "payer" | "number" | "version" | "effective" | "expires";

/** `policy truecare.sij` followed by `title "..."`, `payer "..."`, ... */
export interface PolicyHeader extends NodeBase {
  kind: "PolicyHeader";
  /** Dotted id, e.g. `truecare.sij`; each part is an Identifier. */
  id: Identifier[];
  fields: HeaderField[];
}

export interface HeaderField extends NodeBase {
  kind: "HeaderField";
  key: HeaderKey;
  keySpan: Span;
  /** A string, a date, or a word (`effective proposed`). */
  value: StringLiteral | DateLiteral | Identifier;
}

/** `use "../schema/spine.pol"`: import a schema (or shared definitions) into this file. */
export interface UseDecl extends NodeBase {
  kind: "UseDecl";
  path: StringLiteral;
}

export type Declaration =
  | EnumDecl
  | RecordDecl
  | CaseDecl
  | ItemDecl
  | CodeSetDecl
  | TableDecl
  | LetDecl
  | RuleDecl
  | ReadDecl;

/**
 * `table action_time "how long each anesthetic acts" by Anesthetic { lidocaine 2h bupivacaine 8h }`:
 * a value for every member of an enum.
 */
export interface TableDecl extends NodeBase {
  kind: "TableDecl";
  name: Identifier;
  label?: StringLiteral;
  key: Identifier;
  entries: TableEntry[];
}

export interface TableEntry extends NodeBase {
  kind: "TableEntry";
  member: Identifier;
  value: NumberLiteral | PercentLiteral | DurationLiteral | StringLiteral | BooleanLiteral;
}

/** `enum Side "side of the body" { left right bilateral }` */
export interface EnumDecl extends NodeBase {
  kind: "EnumDecl";
  /** `extend enum E { ... }`: members added to an enum declared in a used file. */
  extension?: true;
  name: Identifier;
  label?: StringLiteral;
  members: Identifier[];
  /** `enum Severity "pain severity" ordered { mild moderate severe }`: members compare by position. */
  ordered?: true;
}

/**
 * `record Procedure "prior procedure" dated by date { ... }` or
 * `record Therapy "therapy episode" dated by start to end { ... }`.
 */
export interface RecordDecl extends NodeBase {
  kind: "RecordDecl";
  /** `extend record R { ... }`: fields added to a record declared in a used file. */
  extension?: true;
  name: Identifier;
  label?: StringLiteral;
  dated?: DatedBy;
  fields: FieldDecl[];
}

export interface DatedBy extends NodeBase {
  kind: "DatedBy";
  start: Identifier;
  end?: Identifier;
}

/** `case { ... }`: the top-level facts of a case, besides `date_of_service` and `items`. */
export interface CaseDecl extends NodeBase {
  kind: "CaseDecl";
  /** `extend case { ... }`: fields added to the case of a used schema. */
  extension?: true;
  fields: FieldDecl[];
}

/** `item { ... }`: the fields of one requested line item. */
export interface ItemDecl extends NodeBase {
  kind: "ItemDecl";
  /** `extend item { ... }`: fields added to the line item of a used schema. */
  extension?: true;
  fields: FieldDecl[];
}

/**
 * `relief: percent "percent pain relief after the procedure"` or a computed field
 * `score_relief: percent = (pain_before - pain_after) / pain_before as percent "relief from scores"`.
 */
export interface FieldDecl extends NodeBase {
  kind: "FieldDecl";
  name: Identifier;
  type: TypeRef;
  /** Documentation label, used to phrase "missing documentation". */
  label?: StringLiteral;
  /** Present for computed fields: evaluated with the record's fields in scope. */
  computed?: Expression;
}

export type PrimitiveTypeName =
  | "bool"
  | "number"
  | "percent"
  | "date"
  | "duration"
  | "code"
  | "text";

/** `percent`, `Side`, `list of Procedure`. */
export interface TypeRef extends NodeBase {
  kind: "TypeRef";
  /** A primitive type name, an enum name or a record name. */
  name: Identifier;
  list: boolean;
}

export type CodeSystem = "cpt" | "hcpcs" | "icd10";

/** `codes sij_injection "SIJ injection" = cpt { 27096 64451 G0260 }` */
export interface CodeSetDecl extends NodeBase {
  kind: "CodeSetDecl";
  name: Identifier;
  label?: StringLiteral;
  system: CodeSystem;
  entries: CodeEntry[];
}

export type CodeEntry =
  | { kind: "CodeExact"; span: Span; code: string }
  | { kind: "CodePrefix"; span: Span; prefix: string } // `B02.*` stores "B02"
  | { kind: "CodeRange"; span: Span; from: string; to: string }; // `64490-64495`

/** `let last_sij "the latest SIJ injection" = latest sij_history` */
export interface LetDecl extends NodeBase {
  kind: "LetDecl";
  name: Identifier;
  label?: StringLiteral;
  value: Expression;
}

/**
 * ```
 * rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
 *   for sij_injection when item.purpose == therapeutic
 *   require B1 [D.I.B.1] "..." <expression>
 *   deny C6 [D.I.C.6] "..." when <expression>
 * ```
 */
export interface RuleDecl extends NodeBase {
  kind: "RuleDecl";
  id: Identifier;
  title: StringLiteral;
  citation?: Citation;
  /** The code sets the rule binds to, at least one: an item whose code is in any of them. */
  codes: Identifier[];
  /** Further binding condition on the line item. */
  when?: Expression;
  criteria: Criterion[];
}

// What a criterion does: one list for the checker, the evaluators and the runtime (see there).
import type { CriterionEffect } from "@pol/runtime";
export type { CriterionEffect };

export interface Criterion extends NodeBase {
  kind: "Criterion";
  effect: CriterionEffect;
  effectSpan: Span;
  id: Identifier;
  citation?: Citation;
  description?: StringLiteral;
  /** For `require` the condition that must hold; for exclusions and notes the `when` condition
   *  (optional); for a waiver, the condition under which it waives. */
  condition?: Expression;
  /** For a waiver: the ids of the criteria of its rule it waives (`for A1, A2`). */
  waives?: Identifier[];
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expression =
  | BooleanLiteral
  | NumberLiteral
  | PercentLiteral
  | DurationLiteral
  | DateLiteral
  | StringLiteral
  | NameRef
  | FieldAccess
  | UnaryExpression
  | BinaryExpression
  | InCodesExpression
  | InListExpression
  | InSetExpression
  | AsPercentExpression
  | AsOfExpression
  | GroupExpression
  | WhereExpression
  | WithinExpression
  | CountExpression
  | QuantifierExpression
  | PickExpression
  | SelectExpression
  | DocumentedExpression
  | SumExpression
  | LookupExpression
  | CoverageExpression
  | TimeSinceExpression
  | TimeBetweenExpression;

export interface BooleanLiteral extends NodeBase {
  kind: "BooleanLiteral";
  value: boolean;
}

export interface NumberLiteral extends NodeBase {
  kind: "NumberLiteral";
  value: number;
  /** Source text, e.g. `0.5`, kept for exact printing. */
  text: string;
}

/** `75%` (value 75). */
export interface PercentLiteral extends NodeBase {
  kind: "PercentLiteral";
  value: number;
  text: string;
}

export type DurationUnit = "h" | "d" | "wk" | "mo" | "y";

/** `7d`, `6wk`, `12mo`, `1y`. Days and weeks are fixed lengths; months and years are calendar units. */
export interface DurationLiteral extends NodeBase {
  kind: "DurationLiteral";
  amount: number;
  unit: DurationUnit;
}

/** `2025-07-01` */
export interface DateLiteral extends NodeBase {
  kind: "DateLiteral";
  /** ISO `YYYY-MM-DD`. */
  value: string;
}

/** A bare name: a field of the innermost list element, a `let`, a case field, an enum member,
 *  or one of the built-ins `item`, `items`, `other_items`, `dos`. Resolved by the checker. */
export interface NameRef extends NodeBase {
  kind: "NameRef";
  name: string;
}

/** `last_sij.relief` */
export interface FieldAccess extends NodeBase {
  kind: "FieldAccess";
  target: Expression;
  field: Identifier;
}

export interface UnaryExpression extends NodeBase {
  kind: "UnaryExpression";
  operator: "not" | "-";
  operand: Expression;
}

export type BinaryOperator =
  | "and"
  | "or"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/";

export interface BinaryExpression extends NodeBase {
  kind: "BinaryExpression";
  operator: BinaryOperator;
  operatorSpan: Span;
  left: Expression;
  right: Expression;
}

/** `code in sij_injection`, `code not in sij_injection`; also `level in levels` when the name
 *  is a list of values rather than a code set (the checker tells them apart). */
export interface InCodesExpression extends NodeBase {
  kind: "InCodesExpression";
  operand: Expression;
  codes: Identifier;
  negated: boolean;
}

/** `item.level in last_block.levels`: membership in a list-valued field. */
export interface InListExpression extends NodeBase {
  kind: "InListExpression";
  operand: Expression;
  list: Expression;
  negated: boolean;
}

/** `kind in {physical_therapy, chiropractic}`: one of a set of enum members (or strings). */
export interface InSetExpression extends NodeBase {
  kind: "InSetExpression";
  operand: Expression;
  members: (Identifier | StringLiteral)[];
  negated: boolean;
}

/** `(a - b) / a as percent`: a ratio turned into a percent (0.6 -> 60%). */
export interface AsPercentExpression extends NodeBase {
  kind: "AsPercentExpression";
  operand: Expression;
}

/**
 * `diagnostic_block as of date`: whether the criteria of the rule named on the left were met on an
 * earlier date, with the date of service set to it and the case's history cut there.
 */
export interface AsOfExpression extends NodeBase {
  kind: "AsOfExpression";
  /** The rule's name (a NameRef the checker resolves among the rules). */
  rule: Expression;
  date: Expression;
}

/** `all(a, b, c)` / `any(a, b, c)`: Kleene conjunction / disjunction of criteria. */
export interface GroupExpression extends NodeBase {
  kind: "GroupExpression";
  operator: "all" | "any";
  operands: Expression[];
}

/** `procedures where code in sij_injection`: the fields of each element are in scope. */
export interface WhereExpression extends NodeBase {
  kind: "WhereExpression";
  source: Expression;
  condition: Expression;
}

/** `procedures within 12mo`: dated elements whose date lies in [dos - 12mo, dos]; or
 *  `within calendar year` / `within plan year`: from the start of that year up to dos. */
export interface WithinExpression extends NodeBase {
  kind: "WithinExpression";
  source: Expression;
  window: DurationLiteral | YearWindow;
}

/** `calendar year` (from January 1) or `plan year` (from the case's `plan_year_start`). */
export interface YearWindow extends NodeBase {
  kind: "YearWindow";
  year: "calendar" | "plan";
}

/** `count procedures where ...`; `count distinct date, level of procedures` counts distinct
 *  values (or combinations of values) of the named fields among the members. */
export interface CountExpression extends NodeBase {
  kind: "CountExpression";
  source: Expression;
  distinct?: Identifier[];
  /** `count v in visits where ...`: the element's name inside the chain. */
  element?: Identifier;
}

/** `some diagnoses where ...` (at least one) / `no diagnoses where ...` (none). */
export interface QuantifierExpression extends NodeBase {
  kind: "QuantifierExpression";
  quantifier: "some" | "no";
  source: Expression;
  element?: Identifier;
}

/** `latest procedures where ...` / `earliest ...`: by the record's date; none when empty. */
export interface PickExpression extends NodeBase {
  kind: "PickExpression";
  pick: "latest" | "earliest";
  source: Expression;
  element?: Identifier;
}

/** `earliest 3 of epidurals`: the first (or, with `latest`, the last) N members in date order, a list. */
export interface SelectExpression extends NodeBase {
  kind: "SelectExpression";
  pick: "latest" | "earliest";
  count: NumberLiteral;
  source: Expression;
  element?: Identifier;
}

/** `documented last_block.relief`: met when the fact is in the case, pending when it is not. */
export interface DocumentedExpression extends NodeBase {
  kind: "DocumentedExpression";
  operand: Expression;
}

/** `sum relief_duration of procedures where ...` */
export interface SumExpression extends NodeBase {
  kind: "SumExpression";
  field: Identifier;
  source: Expression;
}

/** `action_time of last_block.anesthetic`: the table's value for a member of its enum. */
export interface LookupExpression extends NodeBase {
  kind: "LookupExpression";
  table: Identifier;
  key: Expression;
}

/** `coverage of therapies where ... within 6mo`: days covered by the union of the episodes,
 *  clipped to the window when the source has one. */
export interface CoverageExpression extends NodeBase {
  kind: "CoverageExpression";
  source: Expression;
}

/** `time since last_sij.date`: elapsed time from a date to the date of service. */
export interface TimeSinceExpression extends NodeBase {
  kind: "TimeSinceExpression";
  from: Expression;
}

/** `time between a.date and b.date`: elapsed time between two dates, in either order. */
export interface TimeBetweenExpression extends NodeBase {
  kind: "TimeBetweenExpression";
  from: Expression;
  to: Expression;
}

export type Node =
  | SourceFile
  | SchemaHeader
  | PolicyHeader
  | HeaderField
  | UseDecl
  | Declaration
  | DatedBy
  | FieldDecl
  | TypeRef
  | Criterion
  | Expression
  | Identifier
  | Citation
  | Comment;
