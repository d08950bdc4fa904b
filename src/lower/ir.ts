// The lowered form: a checked policy with every decision already made, which the reference
// interpreter and the code generator both read (and nothing else). Names are resolved to the
// read they stand for, units are normalised (fixed durations in days, calendar windows as
// amount and unit), `where`/`within` chains are flattened into a source, filters and a window,
// `and`/`or` chains into one junction, and lets into numbered slots. Every node keeps the span
// of the source it came from, so both evaluators can point back at the policy.

import type { Shape, Shows } from "@pol/runtime";
import type { CodeSystem, CriterionEffect, Span } from "../ast.js";
import type { PolicyMetadata, SchemaModel, Type } from "../model.js";

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";
export type CalendarUnit = "d" | "wk" | "mo" | "y";

/**
 * What a comparison compares, decided from the operand types:
 * - `number`: numbers, percents and fixed durations (days); either side may be a range (a count
 *   or a sum over uncertain elements), so the comparison is interval-exact;
 * - `scalar`: strings (ISO dates order as text; codes, text, enum members), booleans.
 */
export type CompareDomain = "number" | "scalar";

export interface LoweredPolicy {
  metadata: PolicyMetadata;
  schema: SchemaModel;
  codeSets: LoweredCodeSet[];
  /** Distinct `within` windows, each computed once per case. */
  windows: LoweredWindow[];
  /** Computed fields reached by the rules, each lowered once with its record at element level 0. */
  computed: LoweredComputed[];
  /** Value lets (not lists), in dependency order. */
  lets: LoweredLet[];
  /** List lets reached by the rules: a list and which of its elements belong, element at level 0. */
  lists: LoweredList[];
  /** Lookup tables the rules reach. */
  tables: LoweredTable[];
  /** How many shared membership tables aggregates over `other_items` and `earlier_items` use (see
   *  `shared` and `keyed`). */
  sharedTables: number;
  /** Aggregates of one membership of a list of the case answered together from one pass over it
   *  (scans.ts); the `scan` of each such aggregate is an index into these. */
  scans: LoweredScan[];
  /** Elements of a list of the case whose code may be in a code set (candidates.ts); the
   *  `candidates` of an aggregate is an index into these. */
  candidates: LoweredCandidates[];
  rules: LoweredRule[];
}

/**
 * The elements of a list field of the case whose code may be in a code set: every membership of
 * the aggregates that name it is a conjunction with the conjunct `code in codeSet` of the element,
 * so an element whose code is known and not in the set is a member of none of them. An
 * optimisation only: the aggregate's chain stays the exact test over the whole list, which an
 * evaluator may run instead (the interpreter does, and generated code does with a trace).
 */
export interface LoweredCandidates {
  index: number;
  /** The list field of the case. */
  field: string;
  /** Record model of the elements. */
  record: string;
  /** The elements' code field the conjunct tests. */
  code: string;
  /** Index into `codeSets`. */
  codeSet: number;
  /** The list let (an index into `lists`) whose own test the conjunct is, when it is one's. */
  list?: number;
  /** Index into `codeSets` of a conjunct `code not in without` of the same code, if any: an
   *  element whose code is in it is a member of none of the aggregates either. */
  without?: number;
}

/**
 * Aggregates of one membership of a list field of the case (`count`, `some`, `no`, `latest`,
 * `earliest`, `count distinct` of the date) that one pass per line item answers together: each
 * element tested once, each member's date read once. An optimisation only: each aggregate's chain
 * stays the exact test, which an evaluator may run instead (the interpreter does; generated code
 * falls back to it for what the pass cannot settle).
 */
export interface LoweredScan {
  index: number;
  /** The list field of the case. */
  field: string;
  /** Record model of the elements. */
  record: string;
  /** The records' date field, if they have one. */
  date?: string;
  /** The aggregates the pass answers (their chains alike), in the order first met. */
  aggregates: Extract<Expr, { kind: "aggregate" }>[];
}

export interface LoweredTable {
  index: number;
  name: string;
  label: string;
  /** Member -> value (fixed durations in days), in the enum's order. */
  entries: [string, number | string | boolean][];
  /** Whether the values are durations (days that may hold hours). */
  duration: boolean;
}

export interface LoweredCodeSet {
  index: number;
  name: string;
  label: string;
  system: CodeSystem;
  exact: string[];
  prefixes: string[];
  ranges: [string, string][];
  span: Span;
}

/**
 * A window, computed once per case: the last `amount unit` up to the date of service, or the
 * calendar year or plan year holding it up to the date of service. A plan year starts on the
 * anniversaries of the case's `plan_year_start`, read by `start`.
 */
export type LoweredWindow =
  | { index: number; kind: "back"; amount: number; unit: CalendarUnit }
  | { index: number; kind: "calendarYear" }
  | { index: number; kind: "planYear"; start: Expr };

export interface LoweredComputed {
  index: number;
  record: string;
  field: string;
  label: string;
  type: Type;
  body: Expr;
  /** True when the body can never be none for a record that exists. */
  nonNull: boolean;
  span: Span;
}

export interface LoweredLet {
  slot: number;
  name: string;
  label: string;
  type: Type;
  /** False when the value is the same for every line item of a case (computed once per case). */
  dependsOnItem: boolean;
  body: Expr;
  span: Span;
}

export interface LoweredList {
  index: number;
  name: string;
  label: string;
  chain: Chain;
  span: Span;
}

export interface LoweredRule {
  id: string;
  title: string;
  citation: string;
  /** Indices into `codeSets`: the item's code is in any of them. */
  codeSets: number[];
  when?: Expr;
  /** The parts of `when` (parts.ts). */
  whenParts?: LoweredParts;
  criteria: LoweredCriterion[];
  span: Span;
}

/** A condition taken apart (parts.ts): its `and`/`or`/`not` skeleton over its tests. */
export interface LoweredParts {
  shape: Shape;
  parts: LoweredPart[];
}

export interface LoweredPart {
  /** Parts with one key have one value for a line item. */
  key: string;
  /** The test, a condition. */
  expr: Expr;
  /** For a comparison whose computed value the trace shows: how, and its two sides. */
  shows?: Shows & { left: Expr; right?: Expr };
}

export interface LoweredCriterion {
  id: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  line: number;
  /** The condition as written in the policy, on one line, for comments and reports. */
  text: string;
  condition?: Expr;
  /** The condition's parts (parts.ts). */
  parts?: LoweredParts;
  /** The id of the waiver (a `waive` criterion of the same rule) that waives this criterion. */
  waivedBy?: string;
  /** How many list scans evaluating the condition may take (through lets too): 0 for facts only. */
  cost: number;
  /**
   * When the condition is a junction whose first `settledBy` operands pass over no list and a
   * later one does (`item.side == right or count ... <= 4`): those operands, when they settle it
   * (`true` for `or`, `false` for `and`), settle it whatever the others are, so an evaluator that
   * records no reads may skip the passes.
   */
  settledBy?: number;
  span: Span;
}

/** A list and the elements of it that belong: a `where`/`within` chain, flattened. */
export interface Chain {
  /** Record model of the elements. */
  record: string;
  /** The element level this chain binds: filters see the element at this index of the scope. */
  level: number;
  source: ListSource;
  /** A list let this chain narrows (an index into `lists`): its membership comes first. */
  base?: number;
  /** Conjoined membership tests, in source order, after the base's. */
  filters: Filter[];
  /** The last window applied (coverage is clipped to it), as an index into `windows`. */
  window?: number;
  /** The record's date fields: an event's date, or an episode's start and end. */
  dated?: { start: string; end?: string };
  /**
   * `earliest 3 of L`: the elements of `inner` (same source, same level) that are among its first
   * (last) `count` members by date. Selection comes before the base and the filters.
   */
  selection?: { pick: "earliest" | "latest"; count: number; inner: Chain };
}

export type ListSource =
  /** A list field of the case (`procedures`), or the line items. */
  | { kind: "caseList"; field: string }
  /** The requested line items other than the one under decision. */
  | { kind: "otherItems" }
  /** The requested line items listed before the one under decision (`earlier_items`). */
  | { kind: "earlierItems" }
  /** A list field of a record value (`last_block.levels`). */
  | { kind: "recordList"; target: Expr; record: string; field: string };

export type Filter =
  | { kind: "where"; condition: Expr }
  /** An earlier line item that still stands (approved, or only awaiting authorization or review;
   *  unknown when pended): the first filter of `earlier_items`. */
  | { kind: "granted" }
  /** In a policy that evaluates rules `as of` earlier dates: an element of a case list of dated
   *  records dated before the date it is evaluated as of (every element, evaluated normally). */
  | { kind: "cut" }
  /** Dated elements inside the window (events by date, episodes by overlap). */
  | { kind: "within"; window: number };

export type AggregateOperator = "count" | "countDistinct" | "some" | "none" | "latest" | "earliest" | "sum" | "coverage";

interface Node {
  span: Span;
}

export type Expr =
  | (Node & { kind: "literal"; value: boolean | number | string })
  | (Node & { kind: "dos" })
  /** The case record itself, or the line item under decision. */
  | (Node & { kind: "case" })
  | (Node & { kind: "item" })
  /** The element bound at `level` by an enclosing chain (or a computed field's record, level 0). */
  | (Node & { kind: "element"; level: number; record: string })
  /**
   * A stored field of a record. `present` when the target is a record that exists for sure (the
   * case, the item, a chain's element, a computed field's own record); otherwise it may be none
   * or unknown. `duration` fields are stored as text and read in days.
   */
  | (Node & { kind: "field"; target: Expr; record: string; field: string; duration: boolean; present: boolean })
  | (Node & { kind: "computed"; target: Expr; index: number })
  | (Node & { kind: "let"; slot: number })
  | (Node & { kind: "not"; operand: Expr })
  | (Node & { kind: "negate"; operand: Expr })
  /** Kleene `and`/`or` over two or more operands, nested junctions of the same kind flattened. */
  | (Node & { kind: "junction"; operator: "and" | "or"; operands: Expr[] })
  | (Node & { kind: "compare"; operator: CompareOperator; domain: CompareDomain; left: Expr; right: Expr })
  /** `time since x >= 2mo`, with a literal on the left already flipped to the right. */
  | (Node & { kind: "compareElapsed"; elapsed: Expr; operator: CompareOperator; amount: number; unit: CalendarUnit })
  | (Node & { kind: "inCodes"; operand: Expr; codeSet: number; negated: boolean })
  /** `x == a or x == b or ...` over one operand and three or more text literals: a set test,
   *  exactly that disjunction (unknown when x is, false when x is none). */
  | (Node & { kind: "oneOf"; operand: Expr; values: string[] })
  | (Node & { kind: "asPercent"; operand: Expr })
  /** `rule as of date`: the criteria of `rules[rule]` met with the date of service set to `date`
   *  and the case's history cut there. */
  | (Node & { kind: "asOf"; rule: number; date: Expr })
  /** A free-text operand of `==`/`!=` as the comparison sees it (`normaliseText`: case, surrounding
   *  and repeated white space); text literals are normalised when lowered instead. */
  | (Node & { kind: "normaliseText"; operand: Expr })
  /** A code operand of `==`/`!=` or of a member set as they compare it (`normaliseCode`: upper
   *  case, no dots); code literals are normalised when lowered instead. */
  | (Node & { kind: "normaliseCode"; operand: Expr })
  /** A member of an ordered enum as its position, so members compare as numbers. */
  | (Node & { kind: "rank"; operand: Expr; enum: string; members: string[] })
  /** `x in L` for a list of values (`item.level in last_block.levels`); for texts and codes the
   *  operand comes normalised and `normalise` names what each element is normalised as. */
  | (Node & { kind: "inList"; operand: Expr; list: Expr; negated: boolean; normalise?: "text" | "code" })
  /** `action_time of x`: the value of table `table` for the member `operand`. */
  | (Node & { kind: "lookup"; operand: Expr; table: number })
  /** `documented x`: true when the fact is present, unknown when it is missing. */
  | (Node & { kind: "documented"; operand: Expr })
  /** `3mo` compared with coverage: the days of [dos - 3mo, dos). */
  | (Node & { kind: "spanDays"; amount: number; unit: CalendarUnit })
  | (Node & { kind: "arithmetic"; operator: "+" | "-" | "*" | "/"; left: Expr; right: Expr })
  /** `date + 3mo`: a date shifted by a literal amount of a unit (calendar units clamp). */
  | (Node & { kind: "shiftDate"; date: Expr; sign: 1 | -1; amount: number; unit: CalendarUnit })
  /** `date + relief_duration`: a date shifted by a computed number of days. */
  | (Node & { kind: "shiftDays"; date: Expr; sign: 1 | -1; days: Expr })
  | (Node & { kind: "dateDifference"; left: Expr; right: Expr })
  | (Node & { kind: "since"; from: Expr })
  | (Node & { kind: "between"; from: Expr; to: Expr })
  | (Node & {
      kind: "aggregate";
      operator: AggregateOperator;
      chain: Chain;
      summed?: { field: string; duration: boolean };
      /** `count distinct date, level of L`: the key fields. */
      keys?: string[];
      /** Per key, whether its values compare as free text or codes (in their normal forms), when
       *  some key does. */
      keyForms?: ("text" | "code" | undefined)[];
      /**
       * For `count`/`some`/`no` over `other_items` (or `earlier_items`) with a test that reads
       * nothing of the item under decision: the index of a per-case table of every item's
       * membership (for earlier items, running totals as the items are decided), so each item's
       * answer comes from it instead of a scan of the others (linear, not quadratic, in line items).
       */
      shared?: number;
      /**
       * For `count`/`some`/`no` over `other_items` (or `earlier_items`) whose test reads the item
       * under decision only in one equality between a value of the element and a value of that
       * item (`site == item.site`): a per-case table, `table` (numbered with the `shared` ones),
       * of every item's key (`element`, bound at the chain's level) and its membership in `rest`
       * (the chain without that equality, which reads nothing of the item), grouped by key; each
       * item's answer comes from its own key's group (`item`, which reads no element) instead of
       * a scan of the others. The chain itself stays the exact test, for what the table cannot
       * answer (a key that is not a plain value, the trace).
       */
      keyed?: { table: number; rest: Chain; element: Expr; item: Expr };
      /** One of `scans`: the pass over the list that answers this aggregate with others of its chain. */
      scan?: number;
      /** One of `candidates`: the elements of the list the chain's membership could hold. */
      candidates?: number;
    });

export type ExprKind = Expr["kind"];
