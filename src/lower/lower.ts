// Lowering: the checked program becomes the lowered form (./ir.ts). Every decision both
// evaluators would otherwise make on their own is made here, once: what a name reads, whether a
// comparison is on elapsed time (and which way round), how a date shifts, which fields a
// computed field or a window reads, and how a `where`/`within` chain (through list lets too)
// flattens into one source with its filters.

import type { BinaryExpression, DurationLiteral, Expression, NameRef, Span, YearWindow } from "../ast.js";
import { CASE_RECORD, PLAN_YEAR_START, type CheckedPolicy, type FieldModel, type Type } from "../model.js";
import { normaliseCode, normaliseText } from "@pol/runtime";
import { codeSetEntries } from "../schema-descriptor.js";
import { partsOf, type PartsSource } from "./parts.js";
import { fuseScans } from "./scans.js";
import { findCandidates } from "./candidates.js";
import type {
  CalendarUnit,
  Chain,
  CompareOperator,
  Expr,
  LoweredCodeSet,
  LoweredComputed,
  LoweredCriterion,
  LoweredLet,
  LoweredList,
  LoweredPolicy,
  LoweredRule,
  LoweredTable,
  LoweredWindow,
} from "./ir.js";

/** `2mo <= time since x` is `time since x >= 2mo`. */
const FLIPPED: Record<CompareOperator, CompareOperator> = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/** The scope an expression is lowered in: how many elements enclosing chains bind. */
interface Scope {
  /** Element records, outermost first; the element at level i is `records[i]`. */
  records: readonly string[];
}

const TOP: Scope = { records: [] };

export function lower(policy: CheckedPolicy): LoweredPolicy {
  return new Lowering(policy).run();
}

class Lowering {
  private readonly codeSets = new Map<string, LoweredCodeSet>();
  private readonly windows = new Map<string, LoweredWindow>();
  /** By index: an entry's place in the array is its index. */
  private readonly computed: LoweredComputed[] = [];
  private readonly letSlots = new Map<string, number>();
  private readonly lets: LoweredLet[] = [];
  /** By index, as `computed`. */
  private readonly lists: LoweredList[] = [];
  private sharedTables = 0;
  private readonly tables = new Map<string, LoweredTable>();
  /** The unit of each comparison of percents or fixed durations, for the values a trace shows. */
  private readonly units = new WeakMap<Expr, "%" | "days">();

  constructor(private readonly policy: CheckedPolicy) {}

  run(): LoweredPolicy {
    const rules = this.policy.rules.map((rule): LoweredRule => {
      const lowered: LoweredRule = {
        id: rule.id,
        title: rule.title,
        citation: rule.citation,
        codeSets: rule.codeSets.map((name) => this.codeSet(name, rule.decl.span)),
        criteria: rule.criteria.map(
          (criterion): LoweredCriterion => ({
            id: criterion.id,
            effect: criterion.effect,
            citation: criterion.citation,
            description: criterion.description,
            line: criterion.line,
            text: criterion.condition ? this.oneLine(criterion.condition.span) : "",
            ...(criterion.condition ? { condition: this.expr(criterion.condition, TOP) } : {}),
            ...(criterion.waivedBy !== undefined ? { waivedBy: criterion.waivedBy } : {}),
            cost: 0,
            span: criterion.span,
          }),
        ),
        span: rule.decl.span,
      };
      if (rule.decl.when) lowered.when = this.expr(rule.decl.when, TOP);
      for (const criterion of lowered.criteria) {
        criterion.cost = criterion.condition ? this.cost(criterion.condition) : 0;
        const settledBy = criterion.condition ? this.settledBy(criterion.condition) : undefined;
        if (settledBy !== undefined) criterion.settledBy = settledBy;
      }
      return lowered;
    });
    // Taken apart once every let is lowered: parts reach through lets.
    const source: PartsSource = {
      lets: this.lets,
      text: (span) => this.oneLine(span),
      unitOf: (compare) => this.units.get(compare),
      keys: new Map(),
    };
    for (const rule of rules) {
      if (rule.when) rule.whenParts = partsOf(rule.when, false, source);
      for (const criterion of rule.criteria) {
        if (criterion.condition) criterion.parts = partsOf(criterion.condition, criterion.effect === "require", source);
      }
    }
    const lowered = {
      metadata: this.policy.metadata,
      schema: this.policy.schema,
      codeSets: [...this.codeSets.values()],
      windows: [...this.windows.values()],
      computed: this.computed,
      lets: this.lets,
      lists: this.lists,
      tables: [...this.tables.values()],
      sharedTables: this.sharedTables,
      rules,
    };
    const fused = { ...lowered, scans: fuseScans(lowered) };
    return { ...fused, candidates: findCandidates(fused) };
  }

  /** A condition's source on one line (its span holds the parentheses of its operands). */
  private oneLine(span: Span): string {
    return this.policy.text(span).replace(/\s+/g, " ").trim();
  }


  // -------------------------------------------------------------------------------------------
  // Expressions

  private expr(expr: Expression, scope: Scope): Expr {
    const span = expr.span;
    switch (expr.kind) {
      case "BooleanLiteral":
      case "NumberLiteral":
      case "PercentLiteral":
      case "DateLiteral":
      case "StringLiteral":
        return { kind: "literal", value: expr.value, span };
      case "DurationLiteral":
        return { kind: "literal", value: fixedDays(expr), span };
      case "NameRef":
        return this.name(expr, scope);
      case "FieldAccess": {
        const member = this.policy.memberOf(expr);
        if (member) return { kind: "literal", value: member.member, span };
        const { record, field } = this.policy.fieldOf(expr);
        return this.read(this.expr(expr.target, scope), record, field, span);
      }
      case "UnaryExpression": {
        const operand = this.expr(expr.operand, scope);
        if (expr.operator === "not") return { kind: "not", operand, span };
        if (operand.kind === "literal" && typeof operand.value === "number") return { kind: "literal", value: -operand.value, span };
        return { kind: "negate", operand, span };
      }
      case "BinaryExpression":
        return this.binary(expr, scope);
      case "InListExpression":
        return this.inList(expr.operand, expr.list, expr.negated, scope, span);
      case "InCodesExpression": {
        const list = this.policy.membershipOf(expr);
        if (list !== undefined) return this.inList(expr.operand, list, expr.negated, scope, span);
        return {
          kind: "inCodes",
          operand: this.expr(expr.operand, scope),
          codeSet: this.codeSet(expr.codes.name, expr.codes.span),
          negated: expr.negated,
          span,
        };
      }
      case "AsPercentExpression":
        return { kind: "asPercent", operand: this.expr(expr.operand, scope), span };
      case "AsOfExpression": {
        const name = this.policy.asOfRule(expr);
        const rule = this.policy.rules.findIndex((candidate) => candidate.id === name);
        return { kind: "asOf", rule, date: this.expr(expr.date, scope), span };
      }
      case "GroupExpression":
        return this.junction(expr.operator === "all" ? "and" : "or", expr.operands, scope, span);
      case "CountExpression": {
        const chain = this.chain(expr.source, scope);
        if (expr.distinct) {
          // Keys compare as `==` does: texts and codes in their normal forms.
          const keyForms = expr.distinct.map((key) => comparedAs(this.fieldModel(chain.record, key.name).type.kind));
          const forms = keyForms.some((form) => form !== undefined) ? { keyForms } : {};
          return { kind: "aggregate", operator: "countDistinct", chain, keys: expr.distinct.map((key) => key.name), ...forms, span };
        }
        return this.overOthers({ kind: "aggregate", operator: "count", chain, span });
      }
      case "LookupExpression":
        return { kind: "lookup", operand: this.expr(expr.key, scope), table: this.table(expr.table.name, span), span };
      case "DocumentedExpression":
        return { kind: "documented", operand: this.expr(expr.operand, scope), span };
      case "InSetExpression": {
        // Texts and codes compare in their normal forms, as `==` compares them.
        const as = comparedAs(this.kindOf(expr.operand));
        const values = expr.members.map((member) => (member.kind === "Identifier" ? member.name : as ? NORMALISE[as](member.value) : member.value));
        const operand = as ? this.normalised(expr.operand, as, scope) : this.expr(expr.operand, scope);
        const test: Expr = { kind: "oneOf", operand, values, span };
        return expr.negated ? { kind: "not", operand: test, span } : test;
      }
      case "QuantifierExpression":
        return this.overOthers({ kind: "aggregate", operator: expr.quantifier === "some" ? "some" : "none", chain: this.chain(expr.source, scope), span });
      case "PickExpression":
        return { kind: "aggregate", operator: expr.pick, chain: this.dated(this.chain(expr.source, scope), span), span };
      case "SumExpression": {
        const chain = this.chain(expr.source, scope);
        const field = this.fieldModel(chain.record, expr.field.name);
        return {
          kind: "aggregate",
          operator: "sum",
          chain,
          summed: { field: field.name, duration: field.type.kind === "duration" },
          span,
        };
      }
      case "CoverageExpression": {
        const chain = this.dated(this.chain(expr.source, scope), span);
        if (chain.dated?.end === undefined) throw internal(`coverage over \`${chain.record}\`, which is not an episode`, span);
        return { kind: "aggregate", operator: "coverage", chain, span };
      }
      case "TimeSinceExpression":
        return { kind: "since", from: this.expr(expr.from, scope), span };
      case "TimeBetweenExpression":
        return { kind: "between", from: this.expr(expr.from, scope), to: this.expr(expr.to, scope), span };
      case "WhereExpression":
      case "WithinExpression":
      case "SelectExpression":
        throw internal("a list chain used as a value", span);
    }
  }

  private name(ref: NameRef, scope: Scope): Expr {
    const binding = this.policy.resolve(ref);
    const span = ref.span;
    switch (binding.kind) {
      case "element": {
        const element = this.element(scope, binding.depth, binding.record, span);
        return this.read(element, binding.record, this.fieldModel(binding.record, binding.field), span);
      }
      case "namedElement":
        return this.element(scope, binding.depth, binding.record, span);
      case "let":
        return { kind: "let", slot: this.valueLet(binding.name, span), span };
      case "caseField":
        return this.read({ kind: "case", span }, CASE_RECORD, this.fieldModel(CASE_RECORD, binding.field), span);
      case "item":
        return { kind: "item", span };
      case "dos":
        return { kind: "dos", span };
      case "enumMember":
        return { kind: "literal", value: binding.member, span };
      case "items":
      case "otherItems":
      case "earlierItems":
        throw internal(`the list \`${ref.name}\` used as a value`, span);
    }
  }

  /** A field read: a computed field is lowered (once) and computed; a stored one is read. */
  private read(target: Expr, record: string, field: FieldModel, span: Span): Expr {
    if (field.computed) return { kind: "computed", target, index: this.computedField(record, field), span };
    const present = target.kind === "case" || target.kind === "item" || target.kind === "element";
    return { kind: "field", target, record, field: field.name, duration: field.type.kind === "duration", present, span };
  }

  private binary(expr: BinaryExpression, scope: Scope): Expr {
    const { operator, left, right, span } = expr;
    switch (operator) {
      case "and":
      case "or":
        return this.junction(operator, [left, right], scope, span);
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        if (right.kind === "DurationLiteral" && this.kindOf(left) === "elapsed") {
          return { kind: "compareElapsed", elapsed: this.expr(left, scope), operator, amount: right.amount, unit: calendarUnit(right), span };
        }
        if (left.kind === "DurationLiteral" && this.kindOf(right) === "elapsed") {
          const flipped = FLIPPED[operator];
          return { kind: "compareElapsed", elapsed: this.expr(right, scope), operator: flipped, amount: left.amount, unit: calendarUnit(left), span };
        }
        const ordered = this.orderedEnum(left);
        if (ordered !== undefined && operator !== "==" && operator !== "!=") {
          const ranked = (side: Expression): Expr => {
            const lowered = this.expr(side, scope);
            if (lowered.kind === "literal" && typeof lowered.value === "string") {
              return { kind: "literal", value: ordered.members.indexOf(lowered.value), span: lowered.span };
            }
            return { kind: "rank", operand: lowered, enum: ordered.name, members: ordered.members, span: lowered.span };
          };
          return { kind: "compare", operator, domain: "number", left: ranked(left), right: ranked(right), span };
        }
        const lowerSide = (side: Expression): Expr =>
          side.kind === "DurationLiteral" && (side.unit === "mo" || side.unit === "y")
            ? { kind: "spanDays", amount: side.amount, unit: side.unit, span: side.span }
            : this.expr(side, scope);
        const domain = NUMERIC.has(this.kindOf(left)) || NUMERIC.has(this.kindOf(right)) ? "number" : "scalar";
        // Free text and codes compare by their normal forms (docs/semantics.md, "Text"); a code
        // compared with a string compares it as a code.
        const leftAs = comparedAs(this.kindOf(left));
        const rightAs = comparedAs(this.kindOf(right));
        const as = leftAs === "code" || rightAs === "code" ? "code" : leftAs === "text" && rightAs === "text" ? "text" : undefined;
        if (as !== undefined) {
          return { kind: "compare", operator, domain, left: this.normalised(left, as, scope), right: this.normalised(right, as, scope), span };
        }
        const compared: Expr = { kind: "compare", operator, domain, left: lowerSide(left), right: lowerSide(right), span };
        const kinds = [this.kindOf(left), this.kindOf(right)];
        if (kinds.includes("percent")) this.units.set(compared, "%");
        else if (kinds.includes("duration") || kinds.includes("calendar")) this.units.set(compared, "days");
        return compared;
      }
      case "+":
      case "-": {
        const sign = operator === "+" ? 1 : -1;
        const leftKind = this.kindOf(left);
        if (leftKind === "date" && right.kind === "DurationLiteral") {
          return { kind: "shiftDate", date: this.expr(left, scope), sign, amount: right.amount, unit: calendarUnit(right), span };
        }
        const rightKind = this.kindOf(right);
        if (leftKind === "date" && rightKind === "duration") {
          return { kind: "shiftDays", date: this.expr(left, scope), sign, days: this.expr(right, scope), span };
        }
        if (leftKind === "date" && rightKind === "date" && operator === "-") {
          return { kind: "dateDifference", left: this.expr(left, scope), right: this.expr(right, scope), span };
        }
        return { kind: "arithmetic", operator, left: this.expr(left, scope), right: this.expr(right, scope), span };
      }
      case "*":
      case "/":
        return { kind: "arithmetic", operator, left: this.expr(left, scope), right: this.expr(right, scope), span };
    }
  }

  /** `a and (b and c)` and `all(a, b, c)` both become one `and` of a, b, c. */
  private junction(operator: "and" | "or", operands: readonly Expression[], scope: Scope, span: Span): Expr {
    const flat: Expr[] = [];
    for (const operand of operands) {
      const lowered = this.expr(operand, scope);
      if (lowered.kind === "junction" && lowered.operator === operator) flat.push(...lowered.operands);
      else if (lowered.kind === "oneOf" && operator === "or") flat.push(...comparisons(lowered));
      else flat.push(lowered);
    }
    if (operator === "or") {
      const grouped = setTests(flat, span);
      if (grouped.length === 1) return grouped[0]!;
      return { kind: "junction", operator, operands: grouped, span };
    }
    return { kind: "junction", operator, operands: flat, span };
  }

  /** How many list scans an expression may take: aggregates, through lets, lists and computed fields. */
  private cost(expr: unknown): number {
    if (typeof expr !== "object" || expr === null) return 0;
    if (Array.isArray(expr)) return expr.reduce((total: number, child) => total + this.cost(child), 0);
    const node = expr as Expr;
    if (node.kind === "let") return this.cost(this.lets[node.slot]!.body);
    if (node.kind === "computed") return this.cost(node.target) + this.cost(this.computed[node.index]!.body);
    // A rule evaluated as of an earlier date scans its lists again: count it as a few scans.
    let total = node.kind === "aggregate" ? 1 : node.kind === "asOf" ? 4 : 0;
    if (node.kind === "aggregate" && node.chain.base !== undefined) total += this.cost(this.lists[node.chain.base]!.chain);
    // A keyed aggregate's table restates its chain: counted once.
    for (const [key, child] of Object.entries(node)) if (key !== "span" && key !== "keyed") total += this.cost(child);
    return total;
  }

  /** How many leading operands of a junction pass over no list when a later one does (see
   *  `LoweredCriterion.settledBy`); undefined when none do or none after them does. */
  private settledBy(expr: Expr): number | undefined {
    if (expr.kind !== "junction") return undefined;
    const free = expr.operands.findIndex((operand) => this.cost(operand) > 0);
    return free > 0 ? free : undefined;
  }

  /** A count or quantifier over `other_items` or `earlier_items` whose test reads nothing of the
   *  item: shared (every item's membership once per case; for earlier items, running totals). */
  private overOthers(aggregate: Extract<Expr, { kind: "aggregate" }>): Expr {
    const { chain } = aggregate;
    const source = chain.source.kind;
    if (source !== "otherItems" && source !== "earlierItems") return aggregate;
    // A selection ranks the earlier items, which differ from item to item: no running totals.
    if (source === "earlierItems" && chain.selection !== undefined) return aggregate;
    if (this.itemIndependent(chain, chain.level)) return { ...aggregate, shared: this.sharedTables++ };
    const keyed = this.keyedSplit(chain);
    return keyed === undefined ? aggregate : { ...aggregate, keyed: { table: this.sharedTables++, ...keyed } };
  }

  /**
   * A chain over the line items whose test reads the item under decision only in one `==`
   * between a value of the element and a value of the item (`code in facet and site == item.site`):
   * that equality's two sides, and the chain without it. Undefined for any other test (a selection,
   * another reading of the item, an item side that reads an element or scans a list): those
   * aggregates scan the others for every item.
   */
  private keyedSplit(chain: Chain): { rest: Chain; element: Expr; item: Expr } | undefined {
    // Inside another chain's test the key functions would be closures: left to the scan.
    if (chain.selection !== undefined || chain.level !== 0) return undefined;
    if (chain.base !== undefined && !this.itemIndependent(this.lists[chain.base]!.chain, 0)) return undefined;
    let found: { filter: number; operand: number; element: Expr; item: Expr } | undefined;
    for (let f = 0; f < chain.filters.length; f++) {
      const filter = chain.filters[f]!;
      if (filter.kind !== "where") continue;
      const conjuncts = conjunctsOf(filter.condition);
      for (let o = 0; o < conjuncts.length; o++) {
        const conjunct = conjuncts[o]!;
        if (this.readsNoItem(conjunct, chain.level)) continue;
        if (found !== undefined || conjunct.kind !== "compare" || conjunct.operator !== "==") return undefined;
        const sides = this.keySides(conjunct.left, conjunct.right, chain.level) ?? this.keySides(conjunct.right, conjunct.left, chain.level);
        if (sides === undefined) return undefined;
        found = { filter: f, operand: o, ...sides };
      }
    }
    if (found === undefined) return undefined;
    const filters = chain.filters.flatMap((filter, f) => {
      if (f !== found.filter || filter.kind !== "where") return [filter];
      const rest = conjunctsOf(filter.condition).filter((_, o) => o !== found.operand);
      if (rest.length === 0) return [];
      const condition: Expr = rest.length === 1 ? rest[0]! : { kind: "junction", operator: "and", operands: rest, span: filter.condition.span };
      return [{ kind: "where" as const, condition }];
    });
    return { rest: { ...chain, filters }, element: found.element, item: found.item };
  }

  /** `element == item` as a key equality: the element side reads nothing of the item, the item
   *  side no element and no list (it is worked out once per question, outside any chain). */
  private keySides(element: Expr, item: Expr, level: number): { element: Expr; item: Expr } | undefined {
    if (!this.readsNoItem(element, level)) return undefined;
    return readsOnlyScalars(item) ? { element, item } : undefined;
  }

  /** Whether a chain's membership reads nothing of the item under decision, nor any element
   *  bound outside it (below `level`), so it is the same for every item of a case. */
  private itemIndependent(chain: Chain, level: number): boolean {
    const base = chain.base === undefined ? true : this.itemIndependent(this.lists[chain.base]!.chain, 0);
    if (!base) return false;
    if (chain.selection !== undefined && !this.itemIndependent(chain.selection.inner, level)) return false;
    return chain.filters.every((filter) => filter.kind !== "where" || this.readsNoItem(filter.condition, level));
  }

  private readsNoItem(expr: unknown, level: number): boolean {
    if (typeof expr !== "object" || expr === null) return true;
    if (Array.isArray(expr)) return expr.every((child) => this.readsNoItem(child, level));
    const node = expr as Expr;
    switch (node.kind) {
      case "item":
        return false;
      case "element":
        return node.level >= level;
      case "let":
        return !this.lets[node.slot]!.dependsOnItem;
      case "aggregate":
        if (node.chain.source.kind === "otherItems" || node.chain.source.kind === "earlierItems") return false;
        if (!this.itemIndependent(node.chain, level)) return false;
        return node.chain.source.kind !== "recordList" || this.readsNoItem(node.chain.source.target, level);
    }
    return Object.entries(node).every(([key, child]) => key === "span" || this.readsNoItem(child, level));
  }

  // -------------------------------------------------------------------------------------------
  // Chains

  /** A list-typed expression as one chain. A list let is lowered again where it is used, so its
   *  filters bind the element at this chain's level and fuse with the filters added here. */
  private chain(expr: Expression, scope: Scope): Chain {
    switch (expr.kind) {
      case "WhereExpression": {
        const chain = this.chain(expr.source, scope);
        const inner: Scope = { records: [...scope.records, chain.record] };
        return { ...chain, filters: [...chain.filters, { kind: "where", condition: this.expr(expr.condition, inner) }] };
      }
      case "WithinExpression": {
        const chain = this.dated(this.chain(expr.source, scope), expr.span);
        const window = this.window(expr.window);
        return { ...chain, filters: [...chain.filters, { kind: "within", window }], window };
      }
      case "SelectExpression": {
        const inner = this.dated(this.chain(expr.source, scope), expr.span);
        return {
          record: inner.record,
          level: inner.level,
          source: inner.source,
          filters: [],
          ...(inner.window !== undefined ? { window: inner.window } : {}),
          dated: inner.dated!,
          selection: { pick: expr.pick, count: expr.count.value, inner },
        };
      }
      case "NameRef":
        return this.namedList(expr, scope);
      case "FieldAccess": {
        const { record, field } = this.policy.fieldOf(expr);
        const target = this.expr(expr.target, scope);
        return this.start(expr, scope, { kind: "recordList", target, record, field: field.name });
      }
      default:
        throw internal(`\`${expr.kind}\` used as a list`, expr.span);
    }
  }

  private namedList(ref: NameRef, scope: Scope): Chain {
    const binding = this.policy.resolve(ref);
    switch (binding.kind) {
      case "caseField": {
        const chain = this.start(ref, scope, { kind: "caseList", field: binding.field });
        // Evaluated as of an earlier date, a case's history ends there.
        if (!this.policy.usesAsOf || !this.policy.schema.records.get(chain.record)?.dated) return chain;
        return { ...this.dated(chain, ref.span), filters: [{ kind: "cut" }] };
      }
      case "items":
        return this.start(ref, scope, { kind: "caseList", field: "items" });
      case "otherItems":
        return this.start(ref, scope, { kind: "otherItems" });
      case "earlierItems": {
        const chain = this.start(ref, scope, { kind: "earlierItems" });
        return { ...chain, filters: [{ kind: "granted" }, ...chain.filters] };
      }
      case "let": {
        // A list let is lowered once, at the top level; a chain over it starts from its list and
        // its membership, with the element at this chain's level.
        const list = this.listLet(binding.name, ref.span);
        const { chain } = list;
        return {
          record: chain.record,
          level: scope.records.length,
          source: chain.source,
          ...(chain.base !== undefined || chain.filters.length > 0 || chain.selection !== undefined ? { base: list.index } : {}),
          filters: [],
          ...(chain.window !== undefined ? { window: chain.window } : {}),
          ...(chain.dated ? { dated: chain.dated } : {}),
        };
      }
      case "element": {
        const element = this.element(scope, binding.depth, binding.record, ref.span);
        return this.start(ref, scope, { kind: "recordList", target: element, record: binding.record, field: binding.field });
      }
      default:
        throw internal(`\`${ref.name}\` used as a list`, ref.span);
    }
  }

  /**
   * A value let's slot, lowering the let on its first use: only what the rules reach is lowered.
   * Slots are numbered after the lets a let reads, so every let reads only slots before its own.
   */
  private valueLet(name: string, span: Span): number {
    const known = this.letSlots.get(name);
    if (known !== undefined) return known;
    const entry = this.policy.lets.find((candidate) => candidate.name === name);
    if (!entry) throw internal(`unknown let \`${name}\``, span);
    const body = this.expr(entry.decl.value, TOP);
    const slot = this.lets.length;
    this.letSlots.set(name, slot);
    this.lets.push({ slot, name, label: entry.label, type: entry.type, dependsOnItem: entry.dependsOnItem, body, span: entry.decl.span });
    return slot;
  }

  private listLet(name: string, span: Span): LoweredList {
    const known = this.lists.find((list) => list.name === name);
    if (known) return known;
    const entry = this.policy.lets.find((candidate) => candidate.name === name);
    if (!entry) throw internal(`unknown let \`${name}\``, span);
    const list: LoweredList = { index: -1, name, label: entry.label, chain: this.chain(entry.decl.value, TOP), span: entry.decl.span };
    // Numbered after the lists it is built on, so each list only refers to lists before it.
    list.index = this.lists.length;
    this.lists.push(list);
    return list;
  }

  private start(expr: Expression, scope: Scope, source: Chain["source"]): Chain {
    const type = this.policy.typeOf(expr);
    if (type.kind !== "list") throw internal("expected a list", expr.span);
    return { record: type.element, level: scope.records.length, source, filters: [] };
  }

  /** The chain with its record's date fields, which windows, picks and coverage read. */
  private dated(chain: Chain, span: Span): Chain {
    if (chain.dated) return chain;
    const dated = this.policy.schema.records.get(chain.record)?.dated;
    if (!dated) throw internal(`record \`${chain.record}\` has no date`, span);
    return { ...chain, dated: dated.end === undefined ? { start: dated.start } : { start: dated.start, end: dated.end } };
  }

  // -------------------------------------------------------------------------------------------
  // Tables: code sets, windows, computed fields

  private codeSet(name: string, span: Span): number {
    const known = this.codeSets.get(name);
    if (known) return known.index;
    const decl = this.policy.codeSets.get(name);
    if (!decl) throw internal(`unknown code set \`${name}\``, span);
    const { exact, prefixes, ranges } = codeSetEntries(decl);
    const entry: LoweredCodeSet = {
      index: this.codeSets.size,
      name,
      label: decl.label?.value ?? name,
      system: decl.system,
      exact,
      prefixes,
      ranges,
      span: decl.span,
    };
    this.codeSets.set(name, entry);
    return entry.index;
  }

  private table(name: string, span: Span): number {
    const known = this.tables.get(name);
    if (known) return known.index;
    const model = this.policy.tables.get(name);
    const members = model ? this.policy.schema.enums.get(model.key)?.members : undefined;
    if (!model || !members) throw internal(`unknown table \`${name}\``, span);
    const entry: LoweredTable = {
      index: this.tables.size,
      name,
      label: model.label,
      entries: members.map((member) => [member, model.values.get(member)!]),
      duration: model.type.kind === "duration",
    };
    this.tables.set(name, entry);
    return entry.index;
  }

  private window(window: DurationLiteral | YearWindow): number {
    const key = window.kind === "YearWindow" ? `${window.year} year` : `${window.amount}${window.unit}`;
    let entry = this.windows.get(key);
    if (!entry) {
      const index = this.windows.size;
      if (window.kind === "DurationLiteral") {
        entry = { index, kind: "back", amount: window.amount, unit: calendarUnit(window) };
      } else if (window.year === "calendar") {
        entry = { index, kind: "calendarYear" };
      } else {
        const start: Expr = {
          kind: "field",
          target: { kind: "case", span: window.span },
          record: CASE_RECORD,
          field: PLAN_YEAR_START,
          duration: false,
          present: true,
          span: window.span,
        };
        entry = { index, kind: "planYear", start };
      }
      this.windows.set(key, entry);
    }
    return entry.index;
  }

  private computedField(record: string, field: FieldModel): number {
    const known = this.computed.find((entry) => entry.record === record && entry.field === field.name);
    if (known) return known.index;
    const entry: LoweredComputed = {
      index: this.computed.length,
      record,
      field: field.name,
      label: field.label,
      type: field.type,
      body: { kind: "literal", value: false, span: field.decl?.span ?? this.policy.file.span }, // replaced below
      nonNull: false,
      span: field.decl?.span ?? this.policy.file.span,
    };
    // Registered before its body is lowered: the checker rejects cycles, and this keeps a
    // self-reference (should one ever slip through) from recursing forever.
    this.computed.push(entry);
    entry.body = this.expr(field.computed!, { records: [record] });
    entry.nonNull = neverNone(entry.body);
    return entry.index;
  }

  // -------------------------------------------------------------------------------------------
  // Lookups

  private element(scope: Scope, depth: number, record: string, span: Span): Expr {
    const level = scope.records.length - 1 - depth;
    if (level < 0) throw internal("an element outside any `where`", span);
    return { kind: "element", level, record, span };
  }

  private fieldModel(record: string, field: string): FieldModel {
    const model = this.policy.schema.records.get(record)?.fields.get(field);
    if (!model) throw new Error(`internal error: unknown field \`${record}.${field}\``);
    return model;
  }

  /** A text or code operand of a comparison, normalised: a literal now, anything else when evaluated. */
  private normalised(expr: Expression, as: "text" | "code", scope: Scope): Expr {
    const operand = this.expr(expr, scope);
    if (operand.kind === "literal" && typeof operand.value === "string") return { ...operand, value: NORMALISE[as](operand.value) };
    return { kind: as === "text" ? "normaliseText" : "normaliseCode", operand, span: operand.span };
  }

  /** `x in L` for a list of values: texts and codes on both sides in their normal forms. */
  private inList(operand: Expression, list: Expression, negated: boolean, scope: Scope, span: Span): Expr {
    const as = comparedAs(this.kindOf(operand));
    if (as === undefined) return { kind: "inList", operand: this.expr(operand, scope), list: this.expr(list, scope), negated, span };
    return { kind: "inList", operand: this.normalised(operand, as, scope), list: this.expr(list, scope), negated, normalise: as, span };
  }

  /** The members of an ordered enum when `expr` is a value of one. */
  private orderedEnum(expr: Expression): { name: string; members: string[] } | undefined {
    const type = this.policy.typeOf(expr);
    if (type.kind !== "enum") return undefined;
    const enumeration = this.policy.schema.enums.get(type.name);
    return enumeration?.ordered ? { name: enumeration.name, members: enumeration.members } : undefined;
  }

  private kindOf(expr: Expression): Type["kind"] {
    return this.policy.typeOf(expr).kind;
  }
}

const NUMERIC: ReadonlySet<Type["kind"]> = new Set(["number", "percent", "duration"]);

/** Values compared in a normal form: free text and codes. */
function comparedAs(kind: Type["kind"]): "text" | "code" | undefined {
  return kind === "text" || kind === "code" ? kind : undefined;
}

const NORMALISE = { text: normaliseText, code: normaliseCode } as const;

/** Whether a lowered value can never be none (null) when the records it reads exist. */
function neverNone(expr: Expr): boolean {
  switch (expr.kind) {
    case "literal":
    case "dos":
    case "not":
    case "junction":
    case "compare":
    case "compareElapsed":
    case "inCodes":
    case "oneOf":
      return true;
    case "field":
      return expr.present;
    default:
      return false;
  }
}

/** A duration literal where whole days count (windows, elapsed time, date shifts): the checker
 *  rejects hours there (POL3043). */
function calendarUnit(literal: DurationLiteral): CalendarUnit {
  if (literal.unit === "h") throw internal("hours where whole days count", literal.span);
  return literal.unit;
}

/** A fixed duration literal as a value: days (an hour is a 24th). Calendar literals are never values. */
function fixedDays(literal: DurationLiteral): number {
  if (literal.unit === "h") return literal.amount / 24;
  if (literal.unit === "d") return literal.amount;
  if (literal.unit === "wk") return literal.amount * 7;
  throw internal("a calendar duration used as a value", literal.span);
}

function internal(message: string, span: Span): Error {
  return new Error(`internal error: ${message} at ${span.file}:${span.start.line}:${span.start.column}`);
}

/** The operands of a conjunction, or the expression itself. */
function conjunctsOf(expr: Expr): readonly Expr[] {
  return expr.kind === "junction" && expr.operator === "and" ? expr.operands : [expr];
}

/** Whether an expression reads no chain's element, scans no list and evaluates no rule as of
 *  another date: the item side of a key equality. */
function readsOnlyScalars(expr: unknown): boolean {
  if (typeof expr !== "object" || expr === null) return true;
  if (Array.isArray(expr)) return expr.every(readsOnlyScalars);
  const node = expr as Expr;
  if (node.kind === "element" || node.kind === "aggregate" || node.kind === "asOf") return false;
  return Object.entries(node).every(([key, child]) => key === "span" || readsOnlyScalars(child));
}

/** Whether `expr` is `operand == "text"`, and the operand and text if so. */
function textEquality(expr: Expr): { operand: Expr; value: string } | undefined {
  if (expr.kind !== "compare" || expr.operator !== "==" || expr.right.kind !== "literal") return undefined;
  return typeof expr.right.value === "string" ? { operand: expr.left, value: expr.right.value } : undefined;
}

/**
 * Every run of three or more `x == "a"` operands over one operand, in a disjunction, as one set
 * test (`kind == rest or kind == ice or kind == heat`): the same value, read once.
 */
function setTests(operands: readonly Expr[], span: Span): Expr[] {
  const out: Expr[] = [];
  for (let i = 0; i < operands.length; ) {
    const head = textEquality(operands[i]!);
    let end = i + 1;
    if (head) while (end < operands.length && sameExpr(textEquality(operands[end]!)?.operand, head.operand)) end++;
    if (head && end - i >= 3) {
      out.push({ kind: "oneOf", operand: head.operand, values: operands.slice(i, end).map((o) => textEquality(o)!.value), span });
    } else {
      out.push(...operands.slice(i, head ? end : i + 1));
    }
    i = head ? end : i + 1;
  }
  return out;
}

/** A set test back as the comparisons it stands for, so a longer `or` chain can extend it. */
function comparisons(set: Extract<Expr, { kind: "oneOf" }>): Expr[] {
  return set.values.map((value) => ({
    kind: "compare",
    operator: "==",
    domain: "scalar",
    left: set.operand,
    right: { kind: "literal", value, span: set.span },
    span: set.span,
  }));
}

/** Two lowered expressions that read the same thing (spans aside). */
function sameExpr(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a).filter((key) => key !== "span");
  if (keys.length !== Object.keys(b).filter((key) => key !== "span").length) return false;
  return keys.every((key) => sameExpr((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
