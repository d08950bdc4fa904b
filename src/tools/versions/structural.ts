// The structural diff: what changed between two versions of a policy, in the analyst's terms.
// Rules, criteria, lets and code sets are matched by name; a changed condition is walked in both
// versions' lowered form at once, so a moved threshold, a changed comparison, a changed window or
// duration, and a different code set are each named, and anything else is shown as a rewritten
// condition with both texts.

import { readFileSync } from "node:fs";
import type { Chain, Expr, LoweredCodeSet, LoweredCriterion, LoweredPolicy, LoweredRule, Span } from "../../index.js";
import { shallowExpr } from "./canonical.js";

export type ChangeKind =
  | "header"
  | "codes-added"
  | "codes-removed"
  | "code-set-added"
  | "code-set-removed"
  | "rule-added"
  | "rule-removed"
  | "rule-title"
  | "rule-codes"
  | "rule-when"
  | "criterion-added"
  | "criterion-removed"
  | "criterion-reworded"
  | "criterion-effect"
  | "criterion-citation"
  | "let-added"
  | "let-removed"
  | "threshold"
  | "comparison"
  | "window"
  | "duration"
  | "code-set"
  | "condition";

export interface Change {
  kind: ChangeKind;
  /** Where: `rule tpi_therapeutic, criterion TP2_relief`, `let active_therapy`, `codes sij_rfa`. */
  where: string;
  /** What the old version says (a value, a text), when the change has a before. */
  old?: string;
  new?: string;
  /** Lines in each version. */
  oldLine?: number;
  newLine?: number;
}

/** The source text a span covers, read once per file. */
class Sources {
  private readonly files = new Map<string, string>();

  text(span: Span): string {
    let text = this.files.get(span.file);
    if (text === undefined) {
      try {
        text = readFileSync(span.file, "utf8");
      } catch {
        text = "";
      }
      this.files.set(span.file, text);
    }
    return text.slice(span.start.offset, span.end.offset).replace(/\s+/g, " ").trim();
  }
}

export function structuralDiff(older: LoweredPolicy, newer: LoweredPolicy): Change[] {
  const changes: Change[] = [];
  const sources = new Sources();
  headerChanges(older, newer, changes);
  codeSetChanges(older, newer, changes);
  letChanges(older, newer, changes, sources);
  const newRules = new Map(newer.rules.map((rule) => [rule.id, rule]));
  const oldRules = new Map(older.rules.map((rule) => [rule.id, rule]));
  for (const rule of older.rules) {
    const next = newRules.get(rule.id);
    if (next === undefined) changes.push({ kind: "rule-removed", where: `rule ${rule.id}`, old: rule.title, oldLine: rule.span.start.line });
    else ruleChanges(older, rule, newer, next, changes, sources);
  }
  for (const rule of newer.rules) {
    if (!oldRules.has(rule.id)) changes.push({ kind: "rule-added", where: `rule ${rule.id}`, new: rule.title, newLine: rule.span.start.line });
  }
  return changes;
}

function headerChanges(older: LoweredPolicy, newer: LoweredPolicy, changes: Change[]): void {
  const a = older.metadata as unknown as Record<string, unknown>;
  const b = newer.metadata as unknown as Record<string, unknown>;
  for (const key of ["id", "title", "payer", "number", "version", "effective", "expires"]) {
    if (a[key] !== b[key]) {
      changes.push({ kind: "header", where: key, ...(a[key] === undefined ? {} : { old: String(a[key]) }), ...(b[key] === undefined ? {} : { new: String(b[key]) }) });
    }
  }
}

function codesOf(set: LoweredCodeSet): string[] {
  return [...set.exact, ...set.prefixes.map((p) => `${p}.*`), ...set.ranges.map(([lo, hi]) => `${lo}-${hi}`)];
}

function codeSetChanges(older: LoweredPolicy, newer: LoweredPolicy, changes: Change[]): void {
  const after = new Map(newer.codeSets.map((set) => [set.name, set]));
  const before = new Map(older.codeSets.map((set) => [set.name, set]));
  for (const set of older.codeSets) {
    const next = after.get(set.name);
    if (next === undefined) {
      changes.push({ kind: "code-set-removed", where: `codes ${set.name}`, old: codesOf(set).join(" "), oldLine: set.span.start.line });
      continue;
    }
    const a = codesOf(set);
    const b = codesOf(next);
    const added = b.filter((code) => !a.includes(code));
    const removed = a.filter((code) => !b.includes(code));
    const lines = { oldLine: set.span.start.line, newLine: next.span.start.line };
    if (added.length > 0) changes.push({ kind: "codes-added", where: `codes ${set.name}`, new: added.join(" "), ...lines });
    if (removed.length > 0) changes.push({ kind: "codes-removed", where: `codes ${set.name}`, old: removed.join(" "), ...lines });
  }
  for (const set of newer.codeSets) {
    if (!before.has(set.name)) {
      changes.push({ kind: "code-set-added", where: `codes ${set.name}`, new: codesOf(set).join(" "), newLine: set.span.start.line });
    }
  }
}

function letChanges(older: LoweredPolicy, newer: LoweredPolicy, changes: Change[], sources: Sources): void {
  type Named = { name: string; body?: Expr; chain?: Chain; span: Span };
  const named = (policy: LoweredPolicy): Map<string, Named> =>
    new Map<string, Named>([
      ...policy.lets.map((l) => [l.name, { name: l.name, body: l.body, span: l.span }] as const),
      ...policy.lists.map((l) => [l.name, { name: l.name, chain: l.chain, span: l.span }] as const),
    ]);
  const before = named(older);
  const after = named(newer);
  const walker = new Walker(older, newer, changes, sources);
  for (const [name, entry] of before) {
    const next = after.get(name);
    if (next === undefined) {
      changes.push({ kind: "let-removed", where: `let ${name}`, old: sources.text(entry.span), oldLine: entry.span.start.line });
      continue;
    }
    const where = `let ${name}`;
    if (entry.body !== undefined && next.body !== undefined) walker.expr(entry.body, next.body, where);
    else if (entry.chain !== undefined && next.chain !== undefined) walker.chain(entry.chain, next.chain, where, entry.span, next.span);
    else walker.rewritten(entry.span, next.span, where);
  }
  for (const [name, entry] of after) {
    if (!before.has(name)) changes.push({ kind: "let-added", where: `let ${name}`, new: sources.text(entry.span), newLine: entry.span.start.line });
  }
}

function ruleChanges(older: LoweredPolicy, rule: LoweredRule, newer: LoweredPolicy, next: LoweredRule, changes: Change[], sources: Sources): void {
  const where = `rule ${rule.id}`;
  const lines = { oldLine: rule.span.start.line, newLine: next.span.start.line };
  if (rule.title !== next.title || rule.citation !== next.citation) {
    changes.push({ kind: "rule-title", where, old: `${rule.title} [${rule.citation}]`, new: `${next.title} [${next.citation}]`, ...lines });
  }
  const setNames = (policy: LoweredPolicy, r: LoweredRule) => r.codeSets.map((i) => policy.codeSets[i]!.name).join(", ");
  if (setNames(older, rule) !== setNames(newer, next)) {
    changes.push({ kind: "rule-codes", where, old: setNames(older, rule), new: setNames(newer, next), ...lines });
  }
  const walker = new Walker(older, newer, changes, sources);
  if (rule.when !== undefined && next.when !== undefined) walker.expr(rule.when, next.when, `${where}, when`);
  else if (rule.when !== undefined || next.when !== undefined) {
    changes.push({
      kind: "rule-when",
      where,
      ...(rule.when === undefined ? {} : { old: sources.text(rule.when.span) }),
      ...(next.when === undefined ? {} : { new: sources.text(next.when.span) }),
      ...lines,
    });
  }
  const after = new Map(next.criteria.map((c) => [c.id, c]));
  const before = new Map(rule.criteria.map((c) => [c.id, c]));
  for (const criterion of rule.criteria) {
    const other = after.get(criterion.id);
    const at = `${where}, criterion ${criterion.id}`;
    if (other === undefined) {
      changes.push({ kind: "criterion-removed", where: at, old: criterion.description, oldLine: criterion.line });
      continue;
    }
    criterionChanges(criterion, other, at, changes, walker);
  }
  for (const criterion of next.criteria) {
    if (!before.has(criterion.id)) {
      changes.push({ kind: "criterion-added", where: `${where}, criterion ${criterion.id}`, new: criterion.description, newLine: criterion.line });
    }
  }
}

function criterionChanges(a: LoweredCriterion, b: LoweredCriterion, where: string, changes: Change[], walker: Walker): void {
  const lines = { oldLine: a.line, newLine: b.line };
  if (a.effect !== b.effect) changes.push({ kind: "criterion-effect", where, old: a.effect, new: b.effect, ...lines });
  if (a.description !== b.description) changes.push({ kind: "criterion-reworded", where, old: a.description, new: b.description, ...lines });
  if (a.citation !== b.citation) changes.push({ kind: "criterion-citation", where, old: a.citation, new: b.citation, ...lines });
  if (a.condition !== undefined && b.condition !== undefined) walker.expr(a.condition, b.condition, where);
  else if (a.condition !== undefined || b.condition !== undefined) {
    changes.push({ kind: "condition", where, old: a.text || "(always)", new: b.text || "(always)", ...lines });
  }
}

/** Walks two versions of one expression together, naming each difference. */
class Walker {
  constructor(
    private readonly older: LoweredPolicy,
    private readonly newer: LoweredPolicy,
    private readonly changes: Change[],
    private readonly sources: Sources,
  ) {}

  private lines(a: Span, b: Span) {
    return { oldLine: a.start.line, newLine: b.start.line };
  }

  rewritten(a: Span, b: Span, where: string): void {
    this.changes.push({ kind: "condition", where, old: this.sources.text(a), new: this.sources.text(b), ...this.lines(a, b) });
  }

  private same(a: Expr, b: Expr): boolean {
    return shallowExpr(this.older, a) === shallowExpr(this.newer, b);
  }

  expr(a: Expr, b: Expr, where: string): void {
    if (this.same(a, b)) return;
    if (a.kind !== b.kind) return this.rewritten(a.span, b.span, where);
    switch (a.kind) {
      case "compare": {
        const other = b as typeof a;
        if (a.operator !== other.operator) {
          this.changes.push({ kind: "comparison", where, old: a.operator, new: other.operator, ...this.lines(a.span, b.span) });
        }
        for (const side of ["left", "right"] as const) {
          const x = a[side];
          const y = other[side];
          if (x.kind === "literal" && y.kind === "literal") {
            if (x.value !== y.value) {
              this.changes.push({ kind: "threshold", where, old: this.sources.text(x.span), new: this.sources.text(y.span), ...this.lines(x.span, y.span) });
            }
          } else this.expr(x, y, where);
        }
        return;
      }
      case "compareElapsed": {
        const other = b as typeof a;
        if (a.operator !== other.operator) {
          this.changes.push({ kind: "comparison", where, old: a.operator, new: other.operator, ...this.lines(a.span, b.span) });
        }
        if (a.amount !== other.amount || a.unit !== other.unit) {
          this.changes.push({ kind: "duration", where, old: `${a.amount}${a.unit}`, new: `${other.amount}${other.unit}`, ...this.lines(a.span, b.span) });
        }
        return this.expr(a.elapsed, other.elapsed, where);
      }
      case "junction": {
        const other = b as typeof a;
        if (a.operator !== other.operator || a.operands.length !== other.operands.length) return this.rewritten(a.span, b.span, where);
        a.operands.forEach((operand, i) => this.expr(operand, other.operands[i]!, where));
        return;
      }
      case "not":
      case "negate":
      case "asPercent":
        return this.expr(a.operand, (b as typeof a).operand, where);
      case "inCodes": {
        const other = b as typeof a;
        const x = this.older.codeSets[a.codeSet]!.name;
        const y = this.newer.codeSets[other.codeSet]!.name;
        if (x !== y || a.negated !== other.negated) {
          this.changes.push({ kind: "code-set", where, old: this.sources.text(a.span), new: this.sources.text(b.span), ...this.lines(a.span, b.span) });
        }
        return this.expr(a.operand, other.operand, where);
      }
      case "aggregate": {
        const other = b as typeof a;
        if (a.operator !== other.operator) return this.rewritten(a.span, b.span, where);
        return this.chain(a.chain, other.chain, where, a.span, b.span);
      }
      case "let": {
        // A let's own changes are listed under it; a different let is a rewrite.
        const x = this.older.lets[a.slot]!.name;
        const y = this.newer.lets[(b as typeof a).slot]!.name;
        if (x !== y) this.rewritten(a.span, b.span, where);
        return;
      }
      case "field": {
        const other = b as typeof a;
        if (a.field !== other.field || a.record !== other.record) return this.rewritten(a.span, b.span, where);
        return this.expr(a.target, other.target, where);
      }
      case "since":
        return this.expr(a.from, (b as typeof a).from, where);
      case "between": {
        const other = b as typeof a;
        this.expr(a.from, other.from, where);
        return this.expr(a.to, other.to, where);
      }
      case "arithmetic":
      case "dateDifference": {
        const other = b as typeof a;
        if (a.kind === "arithmetic" && a.operator !== (other as typeof a).operator) return this.rewritten(a.span, b.span, where);
        this.expr(a.left, other.left, where);
        return this.expr(a.right, other.right, where);
      }
      case "shiftDate": {
        const other = b as typeof a;
        if (a.amount !== other.amount || a.unit !== other.unit || a.sign !== other.sign) {
          this.changes.push({ kind: "duration", where, old: this.sources.text(a.span), new: this.sources.text(b.span), ...this.lines(a.span, b.span) });
        }
        return this.expr(a.date, other.date, where);
      }
      default:
        return this.rewritten(a.span, b.span, where);
    }
  }

  chain(a: Chain, b: Chain, where: string, spanA: Span, spanB: Span): void {
    const listName = (policy: LoweredPolicy, index: number | undefined) => (index === undefined ? "" : policy.lists[index]!.name);
    if (
      JSON.stringify(a.source.kind) !== JSON.stringify(b.source.kind) ||
      listName(this.older, a.base) !== listName(this.newer, b.base) ||
      a.filters.length !== b.filters.length ||
      a.record !== b.record
    ) {
      return this.rewritten(spanA, spanB, where);
    }
    a.filters.forEach((filter, i) => {
      const other = b.filters[i]!;
      if (filter.kind !== other.kind) return this.rewritten(spanA, spanB, where);
      if (filter.kind === "where" && other.kind === "where") return this.expr(filter.condition, other.condition, where);
      if (filter.kind === "within" && other.kind === "within") {
        const x = windowOf(this.older, filter.window);
        const y = windowOf(this.newer, other.window);
        if (x.key !== y.key) this.changes.push({ kind: "window", where, old: x.text, new: y.text, ...this.lines(spanA, spanB) });
      }
    });
  }
}

/** A window as the analyst wrote it, and what it means (a plan year by the start it reads). */
function windowOf(policy: LoweredPolicy, index: number): { text: string; key: string } {
  const window = policy.windows[index]!;
  switch (window.kind) {
    case "back":
      return { text: `within ${window.amount}${window.unit}`, key: `${window.amount}${window.unit}` };
    case "calendarYear":
      return { text: "within calendar year", key: "calendar year" };
    case "planYear":
      return { text: "within plan year", key: `plan year ${shallowExpr(policy, window.start)}` };
  }
}
