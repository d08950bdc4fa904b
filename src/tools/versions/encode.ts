// The lowered form of one policy version as solver terms over a symbolic case: every expression
// node encoded exactly as @pol/runtime evaluates it (docs/semantics.md). Conditions are
// three-valued (true, false, unknown: two exclusive booleans); values carry whether they are
// unknown or none besides the value itself; numbers from counts and sums are exact ranges with
// infinite ends, compared as the runtime compares ranges. The outcome of the line item under
// decision follows `determine`: levels strongest first, rules that may apply pending the item
// unless they cannot change it.
//
// A node the encoder does not handle yet throws `Unsupported` with its span: callers report it
// as POL5001 for the line-item codes it reaches, never a guess.

import { LEVEL_OUTCOMES, levelOf, OUTCOMES, STANDING_OUTCOMES } from "@pol/runtime";
import type { Chain, Expr, LoweredCriterion, LoweredPolicy, LoweredRule, Outcome, Span } from "../../index.js";
import { dayNumberOf, daysOf, type Interval } from "./calendar.js";
import { presentIn, type A, type B, type Parts, type Slot, type SymbolicCase, type SymbolicList } from "./symbolic-case.js";
import type { Z3 } from "./solver.js";

/** The smallest interval holding every one of `intervals`. */
function hull(intervals: readonly Interval[]): Interval {
  return [Math.min(...intervals.map((i) => i[0])), Math.max(...intervals.map((i) => i[1]))];
}

/** A thunk worked out on first call. */
function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export class Unsupported extends Error {
  constructor(
    readonly construct: string,
    readonly span: Span,
  ) {
    super(`the analysis does not support ${construct} yet`);
  }
}

/** A condition: true when `t`, false when `f`, unknown when neither. */
export interface Tri {
  t: B;
  f: B;
}

/** An end of a number's range; `neg`/`pos`: the end is -∞/+∞. */
interface Bound {
  v: A;
  neg: B;
  pos: B;
}

type Sym =
  | { kind: "tri"; tri: Tri }
  | { kind: "bool"; unk: B; none: B; v: B }
  /** A number, or an exact range [lo, hi] (`ranged`: it may be one). */
  | { kind: "num"; unk: B; none: B; lo: Bound; hi: Bound; ranged: boolean; integral?: boolean }
  /** A date: its day number, the day numbers it can take, and its month and day of month when
   *  month arithmetic needs them. */
  | { kind: "date"; unk: B; none: B; v: A; days: Interval; parts: () => Parts }
  /** Text, code or enum member: an id of the string table; `literal` when it is a literal. */
  | { kind: "str"; unk: B; none: B; v: A; literal?: string }
  /** A record: one of `slots`, chosen by `index` when there are several. */
  | { kind: "record"; unk: B; none: B; record: string; slots: Slot[]; index?: A }
  | { kind: "elapsed"; unk: B; none: B; from: DateValue; to: DateValue };

type DateValue = { v: A; days: Interval; parts: () => Parts };
type NumSym = Extract<Sym, { kind: "num" }>;

export type Status = "met" | "not_met" | "unknown";

export { levelOf, OUTCOMES, type Outcome };

/** A criterion's status as two exclusive booleans (unknown when neither). */
export interface StatusTerms {
  met: B;
  notMet: B;
}

export interface EncodedRule {
  rule: LoweredRule;
  applies: Tri;
  criteria: StatusTerms[];
}

/**
 * The line items as one evaluation sees them: the item under decision, the others, and those of
 * the others listed before it. The item under decision of the case is at `sym.position` among
 * the others; an earlier line item's own determination (for `earlier_items`) is encoded with it
 * under decision.
 */
interface ItemView {
  item: Slot;
  /** `ordered`: in the case's order (not so for an earlier item's view, which lists the item under
   *  decision first wherever it is). */
  others: SymbolicList & { ordered: boolean; asOf?: true };
  earlier: SymbolicList;
}

/**
 * A boundary a condition tests, for generated boundary tests: the case sits on it when `known`
 * and `a == b`, a step below when `a == b - step`, a step above when `a == b + step` (a step is a
 * day for dates, one for counts and whole-day quantities, a tenth otherwise). `date`: the
 * boundary is a date, so month ends and 29 February are worth a case of their own; `leap` is the
 * date to put on 29 February.
 */
export interface Probe {
  key: string;
  kind: "threshold" | "elapsed" | "window start" | "window end";
  span: Span;
  a: A;
  b: A;
  known: B;
  step: number;
  date: boolean;
  leap?: A;
}

/** A window [start, dos]; `uncertain`: its start is only known to lie in [start, dos] (a plan year
 *  whose start the case does not give), so only the date of service itself is surely in it. */
interface WindowTerm {
  start: A;
  uncertain: B;
}

export class PolicyEncoder {
  private readonly z3: Z3;
  private readonly letCache = new Map<number, Sym>();
  private readonly windowCache = new Map<number, WindowTerm>();
  private readonly ruleCache = new Map<LoweredRule, EncodedRule>();
  private readonly T: B;
  private readonly F: B;
  private readonly view: ItemView;
  private readonly dos: DateValue;
  /** When set, every boundary the encoded conditions test is recorded here (first one per key). */
  probes?: Map<string, Probe>;
  private asOfs = 0;

  constructor(
    readonly policy: LoweredPolicy,
    readonly sym: SymbolicCase,
    /** Names this version's solver variables apart from the other's. */
    private readonly prefix = "v",
    view?: ItemView,
    /** The standing of each earlier line item, shared by the evaluations of one version. */
    private readonly standings = new Map<Slot, Tri>(),
    /** Set when evaluating a rule `as of` an earlier date: that date, which is the date of
     *  service there and cuts the case's history (runtime `Context.asOf`). */
    private readonly asOfDate?: DateValue,
  ) {
    this.z3 = sym.z3;
    this.T = this.z3.Bool.val(true);
    this.F = this.z3.Bool.val(false);
    const z3 = this.z3;
    this.dos = asOfDate ?? { v: sym.dos, days: [sym.serviceDates.first, sym.serviceDates.last], parts: () => sym.dosParts() };
    this.view = view ?? {
      item: sym.item,
      others: { ...sym.others, ordered: true },
      earlier: { ...sym.others, present: sym.others.slots.map((slot, i) => z3.And(slot.exists, sym.position.gt(i))) },
    };
  }

  /** Whether the rule applies to the item under decision, and each criterion's status. */
  rule(rule: LoweredRule): EncodedRule {
    let encoded = this.ruleCache.get(rule);
    if (encoded === undefined) {
      const z3 = this.z3;
      const code = this.read(this.itemRecord(), "code", rule.span);
      const inSet = this.or(rule.codeSets.map((set) => this.inCodes(code, set)));
      const applies = this.nameTri(`${rule.id}?`, rule.when === undefined ? inSet : this.and([inSet, this.condition(rule.when)]));
      const own = rule.criteria.map((criterion) => this.ownStatus(rule, criterion));
      // A waiver's condition holding waives the criteria it names: met or waived both let the item
      // through; an unknown waiver leaves a criterion not known to be met unknown (runtime `waived`).
      const criteria = rule.criteria.map((criterion, i): StatusTerms => {
        const status = own[i]!;
        if (criterion.waivedBy === undefined) return status;
        const waiver = rule.criteria.findIndex((other) => other.id === criterion.waivedBy);
        if (waiver < 0) throw new Error(`internal error: no waiver \`${criterion.waivedBy}\` in rule \`${rule.id}\``);
        if (rule.criteria[waiver]!.condition === undefined) return status;
        const holds = own[waiver]!;
        return { met: z3.Or(status.met, holds.met), notMet: z3.And(status.notMet, holds.notMet) };
      });
      encoded = { rule, applies, criteria };
      this.ruleCache.set(rule, encoded);
    }
    return encoded;
  }

  /** A criterion's status from its own condition (runtime `criterionStatus`): a `require` or
   *  `waive` is met when it holds, an `approve` always; the others (exclusions, administrative
   *  criteria, notes) are not met when their condition holds or they have none. */
  private ownStatus(rule: LoweredRule, criterion: LoweredCriterion): StatusTerms {
    if (criterion.effect === "approve") return { met: this.T, notMet: this.F };
    if (criterion.condition === undefined) return { met: this.F, notMet: this.T };
    const c = this.nameTri(`${rule.id}.${criterion.id}`, this.condition(criterion.condition));
    return criterion.effect === "require" || criterion.effect === "waive" ? { met: c.t, notMet: c.f } : { met: c.f, notMet: c.t };
  }

  /** Whether the policy is in effect on the date of service; a proposed version (no effective
   *  date) is analysed as if in effect (`asProposed`). */
  inEffect(): B {
    const { effective, expires } = this.policy.metadata;
    return this.z3.And(
      effective === undefined ? this.T : this.sym.dos.ge(dayNumberOf(effective)),
      expires === undefined ? this.T : this.sym.dos.le(dayNumberOf(expires)),
    );
  }

  /** The outcome of the item under decision, as `determineItem` gives it, for the given rules. */
  outcome(rules: readonly LoweredRule[] = this.policy.rules): A {
    const z3 = this.z3;
    const id = (outcome: Outcome) => z3.Int.val(OUTCOMES.indexOf(outcome));
    const encoded = rules.map((rule) => this.rule(rule));
    const inEffect = this.inEffect();
    const levelsOf = (included: (rule: EncodedRule) => B): A => {
      let result: A = id("approved");
      for (let level = LEVEL_OUTCOMES.length - 1; level >= 0; level--) {
        const notMet: B[] = [];
        const unknown: B[] = [];
        for (const rule of encoded) {
          rule.rule.criteria.forEach((criterion, i) => {
            if (levelOf(criterion.effect) !== level) return;
            const status = rule.criteria[i]!;
            notMet.push(z3.And(included(rule), status.notMet));
            unknown.push(z3.And(included(rule), z3.Not(status.met), z3.Not(status.notMet)));
          });
        }
        result = z3.If(this.any(notMet), id(LEVEL_OUTCOMES[level]!), z3.If(this.any(unknown), id("pended"), result)) as A;
      }
      return result;
    };
    const definite = (rule: EncodedRule) => rule.applies.t;
    const relevant = (rule: EncodedRule) => z3.Not(rule.applies.f);
    const anyDefinite = this.any(encoded.map(definite));
    const anyRelevant = this.any(encoded.map(relevant));
    const certain = z3.If(anyDefinite, levelsOf(definite), id("no_applicable_policy")) as A;
    const possible = z3.If(anyRelevant, levelsOf(relevant), id("no_applicable_policy")) as A;
    const decided = z3.If(z3.And(certain.eq(possible), certain.neq(id("pended"))), certain, id("pended")) as A;
    return z3.If(inEffect, z3.If(anyRelevant, decided, id("no_applicable_policy")), id("policy_not_in_effect")) as A;
  }

  condition(expr: Expr): Tri {
    return this.truth(this.value(expr, []), expr.span);
  }

  /** A condition as two named variables defined by it: the solver then reasons over the names. */
  private nameTri(name: string, tri: Tri): Tri {
    const z3 = this.z3;
    const t = z3.Bool.const(`${this.prefix}:${name}:t`);
    const f = z3.Bool.const(`${this.prefix}:${name}:f`);
    this.sym.constraints.push(t.eq(tri.t), f.eq(tri.f));
    return { t, f };
  }

  private nameSym(name: string, value: Sym): Sym {
    const z3 = this.z3;
    switch (value.kind) {
      case "tri":
        return { kind: "tri", tri: this.nameTri(name, value.tri) };
      case "num": {
        if (!value.ranged) return value;
        const lo = z3.Real.const(`${this.prefix}:${name}:lo`);
        const hi = z3.Real.const(`${this.prefix}:${name}:hi`);
        this.sym.constraints.push(lo.eq(value.lo.v), hi.eq(value.hi.v));
        return { ...value, lo: { ...value.lo, v: lo }, hi: { ...value.hi, v: hi } };
      }
      default:
        return value;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Three-valued logic

  private tri(t: B, f: B): Tri {
    return { t, f };
  }

  private unknown(): Tri {
    return { t: this.F, f: this.F };
  }

  private any(terms: readonly B[]): B {
    return terms.length === 0 ? this.F : terms.length === 1 ? terms[0]! : this.z3.Or(...terms);
  }

  private all(terms: readonly B[]): B {
    return terms.length === 0 ? this.T : terms.length === 1 ? terms[0]! : this.z3.And(...terms);
  }

  and(operands: readonly Tri[]): Tri {
    const f = this.any(operands.map((o) => o.f));
    return this.tri(this.all(operands.map((o) => o.t)), f);
  }

  or(operands: readonly Tri[]): Tri {
    return this.tri(this.any(operands.map((o) => o.t)), this.all(operands.map((o) => o.f)));
  }

  not(operand: Tri): Tri {
    return this.tri(operand.f, operand.t);
  }

  /** A value used as a condition: true and unknown stand, anything else (false, none) is false. */
  private truth(value: Sym, span: Span): Tri {
    const z3 = this.z3;
    switch (value.kind) {
      case "tri":
        return value.tri;
      case "bool":
        return this.tri(z3.And(z3.Not(value.unk), z3.Not(value.none), value.v), z3.And(z3.Not(value.unk), z3.Or(value.none, z3.Not(value.v))));
      default:
        throw new Unsupported(`a ${value.kind} value used as a condition`, span);
    }
  }

  /** Unknown when any operand is, else none when any is, else `known`. */
  private guard(operands: readonly Sym[], known: Tri): Tri {
    const z3 = this.z3;
    const unk = this.any(operands.map((o) => this.unkOf(o)));
    const none = this.any(operands.map((o) => this.noneOf(o)));
    return this.tri(z3.And(z3.Not(unk), z3.Not(none), known.t), z3.And(z3.Not(unk), z3.Or(none, known.f)));
  }

  private unkOf(value: Sym): B {
    if (value.kind === "tri") return this.z3.And(this.z3.Not(value.tri.t), this.z3.Not(value.tri.f));
    return value.unk;
  }

  private noneOf(value: Sym): B {
    return value.kind === "tri" ? this.F : value.none;
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private value(expr: Expr, elements: readonly Sym[]): Sym {
    const z3 = this.z3;
    switch (expr.kind) {
      case "literal":
        if (typeof expr.value === "boolean") return { kind: "bool", unk: this.F, none: this.F, v: z3.Bool.val(expr.value) };
        if (typeof expr.value === "number") return this.number(z3.Real.val(expr.value));
        return { kind: "str", unk: this.F, none: this.F, v: z3.Int.val(this.sym.stringId(expr.value)), literal: expr.value };
      case "dos":
        return { kind: "date", unk: this.F, none: this.F, v: this.dos.v, days: this.dos.days, parts: this.dos.parts };
      case "case":
        return this.slotRecord(this.sym.caseSlot);
      case "item":
        return this.itemRecord();
      case "element": {
        const element = elements[expr.level];
        if (element === undefined) throw new Error(`internal error: no element at level ${expr.level}`);
        return element;
      }
      case "field":
        return this.read(this.value(expr.target, elements), expr.field, expr.span);
      case "computed": {
        const target = this.value(expr.target, elements);
        const computed = this.policy.computed[expr.index]!;
        const body = this.value(computed.body, [target]);
        return this.within(target, body);
      }
      case "let": {
        let cached = this.letCache.get(expr.slot);
        if (cached === undefined) {
          const entry = this.policy.lets[expr.slot]!;
          cached = this.nameSym(entry.name, this.value(entry.body, []));
          this.letCache.set(expr.slot, cached);
        }
        return cached;
      }
      case "not":
        return { kind: "tri", tri: this.not(this.truth(this.value(expr.operand, elements), expr.span)) };
      case "negate": {
        const operand = this.value(expr.operand, elements);
        if (operand.kind !== "num") throw new Unsupported("negating a value that is not a number", expr.span);
        // [lo, hi] becomes [-hi, -lo], infinite ends swapping sides.
        return {
          ...operand,
          lo: { v: operand.hi.v.neg(), neg: operand.hi.pos, pos: operand.hi.neg },
          hi: { v: operand.lo.v.neg(), neg: operand.lo.pos, pos: operand.lo.neg },
        };
      }
      case "junction": {
        const operands = expr.operands.map((operand) => this.truth(this.value(operand, elements), operand.span));
        return { kind: "tri", tri: expr.operator === "and" ? this.and(operands) : this.or(operands) };
      }
      case "compare":
        return { kind: "tri", tri: this.compare(expr.operator, this.value(expr.left, elements), this.value(expr.right, elements), expr.span) };
      case "compareElapsed":
        return { kind: "tri", tri: this.compareElapsed(this.value(expr.elapsed, elements), expr.operator, expr.amount, expr.unit, expr.span) };
      case "inCodes": {
        const inSet = this.inCodes(this.value(expr.operand, elements), expr.codeSet);
        return { kind: "tri", tri: expr.negated ? this.not(inSet) : inSet };
      }
      case "oneOf": {
        const operand = this.value(expr.operand, elements);
        return {
          kind: "tri",
          tri: this.or(expr.values.map((text) => this.compare("==", operand, this.value({ kind: "literal", value: text, span: expr.span }, []), expr.span))),
        };
      }
      case "asPercent": {
        const operand = this.value(expr.operand, elements);
        if (operand.kind !== "num" || operand.ranged) throw new Unsupported("`as percent` of a count or sum", expr.span);
        return { ...operand, lo: { ...operand.lo, v: operand.lo.v.mul(100) }, hi: { ...operand.hi, v: operand.hi.v.mul(100) } };
      }
      case "rank": {
        const operand = this.value(expr.operand, elements);
        if (operand.kind !== "str") throw new Unsupported("the rank of a value that is not an enum member", expr.span);
        let position: A = z3.Real.val(0);
        expr.members.forEach((member, i) => {
          position = z3.If(operand.v.eq(this.sym.stringId(member)), z3.Real.val(i), position) as A;
        });
        return { ...this.number(position), unk: operand.unk, none: operand.none, integral: true };
      }
      case "documented": {
        const operand = this.value(expr.operand, elements);
        const unk = this.unkOf(operand);
        const none = this.noneOf(operand);
        return { kind: "tri", tri: this.tri(z3.And(z3.Not(unk), z3.Not(none)), z3.And(z3.Not(unk), none)) };
      }
      case "spanDays": {
        const dos = this.value({ kind: "dos", span: expr.span }, []) as DateValue;
        return this.number(z3.ToReal(dos.v.sub(this.shift(dos, -expr.amount, expr.unit).v)));
      }
      case "normaliseCode": {
        // Codes the case may hold are the codes the analysis tells apart; one that is not in its
        // normal form (lower case, dots) stands for that form, as the runtime compares it.
        const operand = this.value(expr.operand, elements);
        if (operand.kind !== "str") throw new Unsupported("a code comparison of a value that is not a code", expr.span);
        let v: A = operand.v;
        for (const [id, normal] of this.sym.normalCodeForms()) v = z3.If(operand.v.eq(id), z3.Int.val(normal), v) as A;
        return { kind: "str", unk: operand.unk, none: operand.none, v };
      }
      case "normaliseText": {
        // Texts the case may hold are the known texts and fresh ones (`text N`, already normal):
        // a known text that is not normal stands for its normalised form.
        const operand = this.value(expr.operand, elements);
        if (operand.kind !== "str") throw new Unsupported("a free-text comparison of a value that is not a text", expr.span);
        let v: A = operand.v;
        for (const [id, normal] of this.sym.normalForms()) v = z3.If(operand.v.eq(id), z3.Int.val(normal), v) as A;
        return { kind: "str", unk: operand.unk, none: operand.none, v };
      }
      // Not encoded yet: reported as POL5001 at the construct rather than approximated.
      case "asOf":
        return { kind: "tri", tri: this.asOf(expr, elements) };
      case "inList":
        return { kind: "tri", tri: this.inList(expr, elements) };
      case "lookup": {
        // A table gives a value for every member of its enum (the checker sees to it), so a
        // member's value is exact; numbers and durations (days) only.
        const table = this.policy.tables[expr.table]!;
        const operand = this.value(expr.operand, elements);
        const numbers = table.entries.every(([, value]) => typeof value === "number");
        if (operand.kind !== "str" || !numbers || table.entries.length === 0) throw new Unsupported(`a lookup in table \`${table.name}\``, expr.span);
        const [[, first], ...rest] = table.entries as [string, number][];
        let value: A = z3.Real.val(first!);
        for (const [member, amount] of rest) value = z3.If(operand.v.eq(this.sym.stringId(member)), z3.Real.val(amount), value) as A;
        return { ...this.number(value), unk: operand.unk, none: operand.none };
      }
      case "arithmetic":
        return this.arithmetic(expr.operator, this.value(expr.left, elements), this.value(expr.right, elements), expr.span);
      case "shiftDate": {
        const date = this.value(expr.date, elements);
        if (date.kind !== "date") throw new Unsupported("shifting a value that is not a date", expr.span);
        return { ...date, ...this.shift(date, expr.sign * expr.amount, expr.unit) };
      }
      case "shiftDays": {
        const date = this.value(expr.date, elements);
        const days = this.value(expr.days, elements);
        if (date.kind !== "date" || days.kind !== "num" || days.ranged) throw new Unsupported("a date shifted by a computed duration", expr.span);
        throw new Unsupported("a date shifted by a computed duration (`d + relief_duration`)", expr.span);
      }
      case "dateDifference": {
        const left = this.value(expr.left, elements);
        const right = this.value(expr.right, elements);
        if (left.kind !== "date" || right.kind !== "date") throw new Unsupported("a difference of values that are not dates", expr.span);
        return {
          ...this.number(z3.ToReal(left.v.sub(right.v))),
          integral: true,
          unk: z3.Or(left.unk, right.unk),
          none: z3.And(z3.Not(z3.Or(left.unk, right.unk)), z3.Or(left.none, right.none)),
        };
      }
      case "since": {
        const from = this.value(expr.from, elements);
        if (from.kind !== "date") throw new Unsupported("`time since` a value that is not a date", expr.span);
        return { kind: "elapsed", unk: from.unk, none: from.none, from, to: this.value({ kind: "dos", span: expr.span }, []) as DateValue };
      }
      case "between": {
        const a = this.value(expr.from, elements);
        const b = this.value(expr.to, elements);
        if (a.kind !== "date" || b.kind !== "date") throw new Unsupported("`time between` values that are not dates", expr.span);
        const unk = z3.Or(a.unk, b.unk);
        return {
          kind: "elapsed",
          unk,
          none: z3.And(z3.Not(unk), z3.Or(a.none, b.none)),
          from: this.choose(a.v.le(b.v), a, b),
          to: this.choose(a.v.le(b.v), b, a),
        };
      }
      case "aggregate":
        return this.aggregate(expr, elements);
    }
  }

  private number(v: A): Extract<Sym, { kind: "num" }> {
    const bound = { v, neg: this.F, pos: this.F };
    return { kind: "num", unk: this.F, none: this.F, lo: bound, hi: bound, ranged: false };
  }

  /** A computed field's body read on a target record: none or unknown when the target is. */
  private within(target: Sym, body: Sym): Sym {
    if (target.kind !== "record" || body.kind === "tri") return body;
    const z3 = this.z3;
    const unk = z3.Or(target.unk, z3.And(z3.Not(target.none), body.unk));
    return { ...body, unk, none: z3.And(z3.Not(unk), z3.Or(target.none, body.none)) } as Sym;
  }

  private slotRecord(slot: Slot): Sym {
    return { kind: "record", unk: this.F, none: this.F, record: slot.record, slots: [slot] };
  }

  private itemRecord(): Sym {
    return this.slotRecord(this.view.item);
  }

  /** A stored field of a record value: none when the record is none, unknown when it is unknown
   *  or the case does not supply the field. */
  private read(target: Sym, field: string, span: Span): Sym {
    const z3 = this.z3;
    if (target.kind !== "record") throw new Unsupported("a field of a value that is not a record", span);
    const vars = target.slots.map((slot) => slot.field(field));
    const pick = this.picker(target);
    const known = pick(vars.map((v) => v.known));
    const unk = z3.Or(target.unk, z3.And(z3.Not(target.none), z3.Not(known)));
    const none = z3.And(z3.Not(target.unk), target.none);
    const first = vars[0]!;
    switch (first.sort) {
      case "bool":
        return { kind: "bool", unk, none, v: pick(vars.map((v) => v.value as B)) };
      case "num":
        return { ...this.number(pick(vars.map((v) => v.value as A))), unk, none };
      case "days":
        return { ...this.number(z3.ToReal(pick(vars.map((v) => v.value as A)))), unk, none, integral: true };
      case "date":
        return {
          kind: "date",
          unk,
          none,
          v: pick(vars.map((v) => v.value as A)),
          days: [this.sym.factDates.first, this.sym.factDates.last],
          parts: memo(() => {
            const parts = vars.map((v) => this.sym.partsOf(v));
            return { month: pick(parts.map((p) => p.month)), day: pick(parts.map((p) => p.day)), months: hull(parts.map((p) => p.months)) };
          }),
        };
      case "str":
        return { kind: "str", unk, none, v: pick(vars.map((v) => v.value as A)) };
      case "values":
        throw new Unsupported("a list of values used other than with `in`", span);
    }
  }

  /** A term per slot of a record value to the one of the slot it is (by its index). */
  private picker(target: Extract<Sym, { kind: "record" }>): <T extends A | B>(values: T[]) => T {
    return <T extends A | B>(values: T[]): T => {
      if (target.index === undefined || values.length === 1) return values[0]!;
      let result = values[values.length - 1]!;
      for (let i = values.length - 2; i >= 0; i--) result = this.z3.If(target.index.eq(i), values[i]!, result) as T;
      return result;
    };
  }

  /** `x in L` for a list of values that is a field of a record (runtime `inList`): unknown when
   *  either side is, false when `x` or the record is none, else whether an element equals `x`. */
  private inList(expr: Extract<Expr, { kind: "inList" }>, elements: readonly Sym[]): Tri {
    const z3 = this.z3;
    const { list } = expr;
    if (list.kind !== "field" || expr.normalise !== undefined) throw new Unsupported("`in` a list of values", expr.span);
    const operand = this.value(expr.operand, elements);
    const target = this.value(list.target, elements);
    if (operand.kind !== "str" || target.kind !== "record") throw new Unsupported("`in` a list of values", expr.span);
    const vars = target.slots.map((slot) => slot.field(list.field));
    const pick = this.picker(target);
    const known = pick(vars.map((v) => v.known));
    const listUnk = z3.Or(target.unk, z3.And(z3.Not(target.none), z3.Not(known)));
    const unk = z3.Or(operand.unk, listUnk);
    const length = pick(vars.map((v) => v.value as A));
    const bound = vars[0]!.elements!.length;
    const found = z3.Or(
      z3.Bool.val(false),
      ...Array.from({ length: bound }, (_, i) => z3.And(length.gt(i), pick(vars.map((v) => v.elements![i]!)).eq(operand.v))),
    );
    const holds = z3.And(z3.Not(unk), z3.Not(operand.none), z3.Not(target.none), found);
    const tri = this.tri(holds, z3.And(z3.Not(unk), z3.Not(holds)));
    return expr.negated ? this.tri(tri.f, tri.t) : tri;
  }

  inCodes(operand: Sym, set: number): Tri {
    const z3 = this.z3;
    const codeSet = this.policy.codeSets[set]!;
    if (operand.kind !== "str") throw new Unsupported("`in` on a value that is not a code", codeSet.span);
    const members = this.sym.codesIn(codeSet);
    const inSet = this.any(members.map((id) => operand.v.eq(id)));
    return this.guard([operand], this.tri(inSet, z3.Not(inSet)));
  }

  private compare(operator: string, left: Sym, right: Sym, span: Span): Tri {
    const z3 = this.z3;
    // A date literal compared with a date.
    if (left.kind === "date" && right.kind === "str" && right.literal !== undefined) right = this.dateLiteral(right.literal);
    if (right.kind === "date" && left.kind === "str" && left.literal !== undefined) left = this.dateLiteral(left.literal);
    if (left.kind === "tri") left = { kind: "bool", unk: this.unkOf(left), none: this.F, v: left.tri.t };
    if (right.kind === "tri") right = { kind: "bool", unk: this.unkOf(right), none: this.F, v: right.tri.t };
    if (left.kind === "num" && right.kind === "num") {
      if (this.probes !== undefined) this.probeNumbers(left, right, span);
      return this.compareNumbers(operator, left, right);
    }
    if (left.kind !== right.kind) throw new Unsupported(`comparing a ${left.kind} with a ${right.kind}`, span);
    if (this.probes !== undefined && left.kind === "date" && right.kind === "date" && operator !== "==" && operator !== "!=") {
      this.probe({ kind: "threshold", span, a: left.v, b: right.v, known: this.present([left, right]), step: 1, date: true, leap: left.v });
    }
    let holds: B;
    const l = (left as { v: A | B }).v;
    const r = (right as { v: A | B }).v;
    switch (operator) {
      case "==":
        holds = (l as A).eq(r as A);
        break;
      case "!=":
        holds = (l as A).neq(r as A);
        break;
      default:
        if (left.kind !== "date") throw new Unsupported(`ordering ${left.kind} values`, span);
        holds = operator === "<" ? (l as A).lt(r as A) : operator === "<=" ? (l as A).le(r as A) : operator === ">" ? (l as A).gt(r as A) : (l as A).ge(r as A);
    }
    return this.guard([left, right], this.tri(holds, z3.Not(holds)));
  }

  private probe(probe: Omit<Probe, "key">): void {
    if (this.probes === undefined) return;
    const key = `${probe.span.file}:${probe.span.start.offset}:${probe.kind}`;
    if (!this.probes.has(key)) this.probes.set(key, { key, ...probe });
  }

  /** Neither unknown nor none. */
  private present(values: readonly Sym[]): B {
    const z3 = this.z3;
    return this.all(values.map((v) => z3.And(z3.Not(this.unkOf(v)), z3.Not(this.noneOf(v)))));
  }

  /** A number compared with a number: a range (a count, a sum) counts when it is one value. */
  private probeNumbers(left: NumSym, right: NumSym, span: Span): void {
    if (this.probes === undefined) return;
    const z3 = this.z3;
    const exact = (n: NumSym) => (n.ranged ? z3.And(n.lo.v.eq(n.hi.v), z3.Not(n.lo.neg), z3.Not(n.hi.pos)) : this.T);
    const whole = (n: NumSym) => n.ranged || n.integral === true;
    this.probe({
      kind: "threshold",
      span,
      a: left.lo.v,
      b: right.lo.v,
      known: z3.And(this.present([left, right]), exact(left), exact(right)),
      step: whole(left) || whole(right) ? 1 : 0.1,
      date: false,
    });
  }

  private dateLiteral(text: string): Sym {
    const [year, month, day] = text.split("-").map(Number) as [number, number, number];
    const index = year * 12 + month - 1;
    const parts = { month: this.z3.Int.val(index), day: this.z3.Int.val(day), months: [index, index] as const };
    const dayNumber = dayNumberOf(text);
    return { kind: "date", unk: this.F, none: this.F, v: this.z3.Int.val(dayNumber), days: [dayNumber, dayNumber], parts: () => parts };
  }

  private le(a: Bound, b: Bound): B {
    const z3 = this.z3;
    return z3.Or(a.neg, b.pos, z3.And(z3.Not(a.pos), z3.Not(b.neg), a.v.le(b.v)));
  }

  private lt(a: Bound, b: Bound): B {
    return this.z3.Not(this.le(b, a));
  }

  /** The runtime's `compare` on numbers and ranges: decided when every pair of values agrees. */
  private compareNumbers(operator: string, l: Extract<Sym, { kind: "num" }>, r: Extract<Sym, { kind: "num" }>): Tri {
    const z3 = this.z3;
    if (!l.ranged && !r.ranged) {
      const a = l.lo.v;
      const b = r.lo.v;
      const holds =
        operator === "==" ? a.eq(b) : operator === "!=" ? a.neq(b) : operator === "<" ? a.lt(b) : operator === "<=" ? a.le(b) : operator === ">" ? a.gt(b) : a.ge(b);
      return this.guard([l, r], this.tri(holds, z3.Not(holds)));
    }
    let always: B;
    let never: B;
    switch (operator) {
      case "<":
        always = this.lt(l.hi, r.lo);
        never = this.le(r.hi, l.lo);
        break;
      case "<=":
        always = this.le(l.hi, r.lo);
        never = this.lt(r.hi, l.lo);
        break;
      case ">":
        always = this.lt(r.hi, l.lo);
        never = this.le(l.hi, r.lo);
        break;
      case ">=":
        always = this.le(r.hi, l.lo);
        never = this.lt(l.hi, r.lo);
        break;
      default: {
        const eq = (a: Bound, b: Bound) => z3.And(this.le(a, b), this.le(b, a));
        const equal = z3.And(eq(l.lo, l.hi), eq(r.lo, r.hi), eq(l.lo, r.lo));
        const disjoint = z3.Or(this.lt(l.hi, r.lo), this.lt(r.hi, l.lo));
        always = operator === "==" ? equal : disjoint;
        never = operator === "==" ? disjoint : equal;
      }
    }
    return this.guard([l, r], this.tri(always, never));
  }

  private arithmetic(operator: "+" | "-" | "*" | "/", left: Sym, right: Sym, span: Span): Sym {
    const z3 = this.z3;
    if (left.kind !== "num" || right.kind !== "num") throw new Unsupported("arithmetic on a value that is not a number", span);
    if (left.ranged || right.ranged) {
      if (operator === "*" || operator === "/") throw new Unsupported(`\`${operator}\` on a count, sum or coverage`, span);
      return this.rangeArithmetic(operator, left, right);
    }
    const a = left.lo.v;
    const b = right.lo.v;
    const v = operator === "+" ? a.add(b) : operator === "-" ? a.sub(b) : operator === "*" ? a.mul(b) : a.div(b);
    const unk = z3.Or(left.unk, right.unk);
    const none = z3.And(z3.Not(unk), z3.Or(left.none, right.none, operator === "/" ? b.eq(0) : this.F));
    return { ...this.number(v), unk, none };
  }

  /**
   * `+`/`-` with a count, sum or coverage (runtime `rangeArithmetic`): interval arithmetic on the
   * exact ranges. A number that is unknown or none makes the result so, as the runtime's
   * `arithmetic` checks before any range. Every range here has a lower end that is finite or -∞
   * and an upper end finite or +∞, and so has the result.
   */
  private rangeArithmetic(operator: "+" | "-", left: NumSym, right: NumSym): Sym {
    const z3 = this.z3;
    const unk = z3.Or(left.unk, right.unk);
    const none = z3.And(z3.Not(unk), z3.Or(left.none, right.none));
    const [lo, hi] =
      operator === "+"
        ? [
            { v: left.lo.v.add(right.lo.v), neg: z3.Or(left.lo.neg, right.lo.neg), pos: this.F },
            { v: left.hi.v.add(right.hi.v), neg: this.F, pos: z3.Or(left.hi.pos, right.hi.pos) },
          ]
        : [
            { v: left.lo.v.sub(right.hi.v), neg: z3.Or(left.lo.neg, right.hi.pos), pos: this.F },
            { v: left.hi.v.sub(right.lo.v), neg: this.F, pos: z3.Or(left.hi.pos, right.lo.neg) },
          ];
    return { kind: "num", unk, none, lo, hi, ranged: true };
  }

  // -------------------------------------------------------------------------------------------
  // Calendar

  /** A date shifted by a duration: fixed units in days, calendar units in months with clamping. */
  private shift(date: DateValue, amount: number, unit: string): DateValue {
    if (amount === 0) return date;
    if (unit === "d" || unit === "wk") {
      const delta = unit === "d" ? amount : amount * 7;
      const v = date.v.add(delta);
      const days = [date.days[0] + delta, date.days[1] + delta] as const;
      return { v, days, parts: memo(() => this.sym.decompose(v, days)) };
    }
    const parts = this.sym.shiftParts(date.parts(), unit === "y" ? amount * 12 : amount);
    return { v: this.sym.dayOf(parts), days: daysOf(parts.months), parts: () => parts };
  }

  private choose(condition: B, a: DateValue, b: DateValue): DateValue {
    const z3 = this.z3;
    return {
      v: z3.If(condition, a.v, b.v) as A,
      days: hull([a.days, b.days]),
      parts: memo(() => {
        const pa = a.parts();
        const pb = b.parts();
        return { month: z3.If(condition, pa.month, pb.month) as A, day: z3.If(condition, pa.day, pb.day) as A, months: hull([pa.months, pb.months]) };
      }),
    };
  }

  /** `time since`/`time between` compared with a duration: `from + amount` against `to`. */
  private compareElapsed(elapsed: Sym, operator: string, amount: number, unit: string, span: Span): Tri {
    const z3 = this.z3;
    if (elapsed.kind !== "elapsed") throw new Unsupported("comparing a value that is not an elapsed time", span);
    if (this.probes !== undefined) {
      const reached = this.shift(elapsed.from, amount, unit).v;
      this.probe({ kind: "elapsed", span, a: elapsed.to.v, b: reached, known: this.present([elapsed]), step: 1, date: true, leap: elapsed.from.v });
    }
    let less: B;
    let equal: B;
    if (unit === "d" || unit === "wk") {
      const reached = elapsed.from.v.add(unit === "d" ? amount : amount * 7);
      less = reached.lt(elapsed.to.v);
      equal = reached.eq(elapsed.to.v);
    } else {
      // Compared as (month, day): when the months differ the month decides, and when they are the
      // same, the clamp is to `to`'s month, whose length is known without another lookup.
      const from = elapsed.from.parts();
      const to = elapsed.to.parts();
      const month = from.month.add(unit === "y" ? amount * 12 : amount);
      const last = this.sym.monthLength(to);
      const day = z3.If(from.day.le(last), from.day, last) as A;
      less = z3.Or(month.lt(to.month), z3.And(month.eq(to.month), day.lt(to.day)));
      equal = z3.And(month.eq(to.month), day.eq(to.day));
    }
    const holds =
      operator === ">="
        ? z3.Or(less, equal)
        : operator === ">"
          ? less
          : operator === "<="
            ? z3.Not(less)
            : operator === "<"
              ? z3.And(z3.Not(less), z3.Not(equal))
              : operator === "=="
                ? equal
                : z3.Not(equal);
    return this.guard([elapsed], this.tri(holds, z3.Not(holds)));
  }

  /** A window's start, as the runtime's `windowBack`, `calendarYear` and `planYear` give it. */
  private window(index: number, span: Span): WindowTerm {
    let window = this.windowCache.get(index);
    if (window === undefined) {
      window = this.windowTerm(index, span);
      this.windowCache.set(index, window);
    }
    return window;
  }

  private windowTerm(index: number, span: Span): WindowTerm {
    const z3 = this.z3;
    const lowered = this.policy.windows[index]!;
    const dos = this.value({ kind: "dos", span }, []) as DateValue;
    switch (lowered.kind) {
      case "back":
        return { start: this.shift(dos, -lowered.amount, lowered.unit).v, uncertain: this.F };
      case "calendarYear": {
        // January 1 of the date of service's year: month indices are 12 * year + month - 1.
        const { month, months } = dos.parts();
        const january = { month: month.sub(month.mod(12)), day: z3.Int.val(1), months: [months[0] - (months[0] % 12), months[1]] as const };
        return { start: this.sym.dayOf(january), uncertain: this.F };
      }
      case "planYear": {
        const start = this.value(lowered.start, []);
        if (start.kind !== "date") throw new Unsupported("a plan year whose start is not a date", span);
        return { start: z3.If(z3.Or(start.unk, start.none), this.earliestPlanYearStart(dos), this.planYearStart(dos, start)) as A, uncertain: z3.Or(start.unk, start.none) };
      }
    }
  }

  /** The runtime's `planYearStart`: the last anniversary of `start` (`start + k years`, clamped
   *  from `start` itself) on or before the date of service. Worked out on months and days so that
   *  one month-table lookup gives the day: the anniversary in the twelve months up to the date of
   *  service's month, or the one a year before when that is after the date of service. */
  private planYearStart(dos: DateValue, start: DateValue): A {
    const z3 = this.z3;
    const from = start.parts();
    const to = dos.parts();
    const k = z3.Int.const(`${this.prefix}:plan-year:${this.planYears++}`);
    const candidate = from.month.add(k.mul(12));
    this.sym.constraints.push(candidate.le(to.month), candidate.gt(to.month.sub(12)));
    // In the date of service's own month the anniversary's day is clamped to that month's length.
    const toLength = this.sym.monthLength(to);
    const sameMonthDay = z3.If(from.day.le(toLength), from.day, toLength) as A;
    const after = z3.And(candidate.eq(to.month), sameMonthDay.gt(to.day));
    // The anniversary's month: within the twelve months before the date of service's, or its own.
    const anniversary = { month: z3.If(after, candidate.sub(12), candidate) as A, months: [to.months[0] - 12, to.months[1]] as const };
    const length = this.sym.monthLength(anniversary);
    return this.sym.dayOf({ ...anniversary, day: z3.If(from.day.le(length), from.day, length) as A });
  }

  /**
   * The runtime's `earliestPlanYearStart`: the first day `s` after `dos - 1y` with `s + 1y > dos`.
   * That is `dos - 1y` plus one day, or two when the date of service is the last day of a month
   * shorter than the same month a year before (February 28 after a leap year's February 29): the
   * day after `dos - 1y` then reaches exactly the date of service a year on.
   */
  private earliestPlanYearStart(dos: DateValue): A {
    const z3 = this.z3;
    const to = dos.parts();
    const length = this.sym.monthLength(to);
    const yearBefore = this.sym.monthLength({ month: to.month.sub(12), months: [to.months[0] - 12, to.months[1] - 12] });
    const twoDays = z3.And(to.day.eq(length), length.lt(yearBefore));
    return this.shift(dos, -12, "mo").v.add(z3.If(twoDays, z3.Int.val(2), z3.Int.val(1)) as A);
  }

  private planYears = 0;

  // -------------------------------------------------------------------------------------------
  // Lists and aggregates

  private list(chain: Chain, elements: readonly Sym[], span: Span): SymbolicList {
    const source = chain.source;
    switch (source.kind) {
      case "caseList":
        if (source.field === "items") {
          const others = this.view.others;
          if (others.asOf) throw new Unsupported("the line items in a rule evaluated `as of` a date", span);
          return { ...others, slots: [this.view.item, ...others.slots], present: [this.T, ...others.slots.map((_, i) => presentIn(others, i))] };
        }
        return this.sym.list(source.field);
      case "otherItems":
        if (this.view.others.asOf) throw new Unsupported("the other line items in a rule evaluated `as of` a date", span);
        return this.view.others;
      case "earlierItems":
        return this.view.earlier;
      case "recordList":
        void elements;
        throw new Unsupported("a list field of a record (`x.list`)", span);
    }
  }

  /** Membership of one existing element: the base list's, then every filter, conjoined. */
  private member(chain: Chain, slot: Slot, elements: readonly Sym[], span: Span): Tri {
    const z3 = this.z3;
    if (chain.selection !== undefined) {
      // The selection over the whole list first, then the chain's own base and filters.
      const selected = this.selection(chain, elements, span).get(slot)!;
      if (chain.base === undefined && chain.filters.length === 0) return selected;
      return this.and([selected, this.member({ ...chain, selection: undefined }, slot, elements, span)]);
    }
    const parts: Tri[] = [];
    if (chain.base !== undefined) parts.push(this.member(this.policy.lists[chain.base]!.chain, slot, [], span));
    const scope = [...elements.slice(0, chain.level), this.slotRecord(slot)];
    for (const filter of chain.filters) {
      switch (filter.kind) {
        case "where":
          parts.push(this.truth(this.value(filter.condition, scope), filter.condition.span));
          break;
        case "granted":
          parts.push(this.standing(slot));
          break;
        case "cut":
          parts.push(this.cut(chain, slot, span));
          break;
        case "within":
          parts.push(this.inWindow(chain, slot, this.window(filter.window, span), span));
          break;
      }
    }
    return parts.length === 1 ? parts[0]! : this.and(parts);
  }

  /**
   * `earliest N of L` / `latest N of L` (runtime `selectBy`): each element is selected when it is
   * a member and fewer than N members come before it by date (on equal dates the one later in the
   * list comes first); unknown when missing facts leave that open.
   */
  private selection(chain: Chain, elements: readonly Sym[], span: Span): Map<Slot, Tri> {
    const z3 = this.z3;
    const { pick, count, inner } = chain.selection!;
    const list = this.list(chain, elements, span);
    const candidates = list.slots.map((slot, i) => {
      const m = this.member(inner, slot, elements, span);
      const date = this.read(this.slotRecord(slot), chain.dated!.start, span) as { unk: B; none: B; v: A };
      const present = presentIn(list, i);
      // A candidate: an element whose membership is not false and whose date is not none.
      return { slot, m, date, candidate: z3.And(present, z3.Not(m.f), z3.Not(z3.And(z3.Not(date.unk), date.none))) };
    });
    const one = (b: B) => z3.If(b, z3.Int.val(1), z3.Int.val(0)) as A;
    const add = (terms: A[]) => (terms.length === 0 ? z3.Int.val(0) : (z3.Sum(terms[0]!, ...terms.slice(1)) as A));
    const selected = new Map<Slot, Tri>();
    candidates.forEach((c, i) => {
      const surely: A[] = [];
      const maybe: A[] = [];
      candidates.forEach((other, j) => {
        if (j === i) return;
        const unknownOrder = z3.Or(other.date.unk, c.date.unk);
        const earlier = pick === "earliest" ? other.date.v.lt(c.date.v) : other.date.v.gt(c.date.v);
        const before = z3.Or(earlier, j > i ? other.date.v.eq(c.date.v) : this.F);
        const yes = z3.And(z3.Not(unknownOrder), before);
        surely.push(one(z3.And(other.candidate, yes, other.m.t)));
        maybe.push(one(z3.And(other.candidate, z3.Or(unknownOrder, z3.And(yes, z3.Not(other.m.t))))));
      });
      const ahead = add(surely);
      const open = ahead.add(add(maybe));
      selected.set(c.slot, this.tri(z3.And(c.candidate, open.lt(count), c.m.t), z3.Or(z3.Not(c.candidate), ahead.ge(count), c.m.f)));
    });
    return selected;
  }

  /** Runtime `cut`: evaluated normally every element belongs; as of an earlier date, those dated
   *  (an episode: starting) before it, unknown for an undated one. */
  private cut(chain: Chain, slot: Slot, span: Span): Tri {
    if (this.asOfDate === undefined) return this.tri(this.T, this.F);
    const z3 = this.z3;
    const date = this.read(this.slotRecord(slot), chain.dated!.start, span) as { unk: B; none: B; v: A };
    const before = date.v.lt(this.asOfDate.v);
    return this.tri(z3.And(z3.Not(date.unk), z3.Not(date.none), before), z3.And(z3.Not(date.unk), z3.Or(date.none, z3.Not(before))));
  }

  /**
   * `rule as of date` (runtime `asOf`): every clinical criterion of the rule (`require`, `deny`,
   * `not covered`, `bundle`, `approve`) met or waived, evaluated with the date of service set to
   * `date` and the history cut there; unknown when the date is, false when it is none.
   */
  private asOf(expr: Extract<Expr, { kind: "asOf" }>, elements: readonly Sym[]): Tri {
    const z3 = this.z3;
    const date = this.value(expr.date, elements);
    if (date.kind !== "date") throw new Unsupported("`as of` a value that is not a date", expr.span);
    const rule = this.policy.rules[expr.rule]!;
    // As of an earlier date there is no line item (the checker sees that the rule reads none) and
    // no line is decided before it.
    const view: ItemView = {
      item: this.view.item,
      others: { ...this.view.others, ordered: false, asOf: true },
      earlier: { ...this.view.others, slots: [], present: [] },
    };
    const child = new PolicyEncoder(this.policy, this.sym, `${this.prefix}@asof${this.asOfs++}`, view, this.standings, date);
    const encoded = child.rule(rule);
    const passes = rule.criteria
      .map((criterion, i) => ({ level: levelOf(criterion.effect), status: encoded.criteria[i]! }))
      .filter(({ level }) => level >= 0 && level <= levelOf("deny"))
      .map(({ status }) => this.tri(status.met, status.notMet));
    const met = this.and(passes);
    return this.tri(z3.And(z3.Not(date.unk), z3.Not(date.none), met.t), z3.And(z3.Not(date.unk), z3.Or(date.none, met.f)));
  }

  /** Whether a dated element lies in the window (runtime `within`, `overlaps`). */
  private inWindow(chain: Chain, slot: Slot, window: WindowTerm, span: Span): Tri {
    const z3 = this.z3;
    const { start, uncertain } = window;
    const dos = this.dos.v;
    const from = this.read(this.slotRecord(slot), chain.dated!.start, span) as { unk: B; v: A };
    if (this.probes !== undefined) {
      const known = z3.And(z3.Not(from.unk), z3.Not(uncertain));
      this.probe({ kind: "window start", span, a: from.v, b: start, known, step: 1, date: true, leap: dos });
      this.probe({ kind: "window end", span, a: from.v, b: dos, known, step: 1, date: true, leap: dos });
    }
    if (chain.dated!.end === undefined) {
      const widest = this.tri(z3.And(z3.Not(from.unk), start.le(from.v), from.v.le(dos)), z3.And(z3.Not(from.unk), z3.Or(from.v.lt(start), from.v.gt(dos))));
      // In a window of uncertain start only the date of service itself is surely in it.
      return this.tri(z3.And(widest.t, z3.Or(z3.Not(uncertain), from.v.eq(dos))), widest.f);
    }
    const to = this.read(this.slotRecord(slot), chain.dated!.end, span) as { unk: B; v: A };
    const startsInTime = this.tri(z3.And(z3.Not(from.unk), from.v.le(dos)), z3.And(z3.Not(from.unk), from.v.gt(dos)));
    const endsInTime = this.tri(z3.And(z3.Not(to.unk), to.v.ge(start)), z3.And(z3.Not(to.unk), to.v.lt(start)));
    const widest = this.and([startsInTime, endsInTime]);
    return this.tri(z3.And(widest.t, z3.Or(z3.Not(uncertain), to.v.ge(dos))), widest.f);
  }

  /**
   * Whether another line item listed before the one under decision still stands (runtime
   * `granted`): approved, or only awaiting authorization or review; unknown when it is pended.
   * Its outcome is its own determination, encoded with it under decision and the items before it
   * as its earlier items.
   */
  private standing(slot: Slot): Tri {
    let standing = this.standings.get(slot);
    if (standing === undefined) {
      const z3 = this.z3;
      const others = this.sym.others;
      const j = others.slots.indexOf(slot);
      if (j < 0) throw new Error("internal error: a standing asked of a record that is not a line item");
      const rest = others.slots.filter((_, i) => i !== j);
      const view: ItemView = {
        item: slot,
        others: { ...others, slots: [this.sym.item, ...rest], present: [this.T, ...rest.map((other) => other.exists)], ordered: false },
        earlier: { ...others, slots: others.slots.slice(0, j), present: others.slots.slice(0, j).map((other) => other.exists) },
      };
      const encoder = new PolicyEncoder(this.policy, this.sym, `${this.prefix}@${j + 1}`, view, this.standings);
      const outcome = encoder.outcome();
      const id = (o: Outcome) => z3.Int.val(OUTCOMES.indexOf(o));
      const stands = this.any(STANDING_OUTCOMES.map((o) => outcome.eq(id(o))));
      standing = this.tri(stands, z3.And(z3.Not(stands), outcome.neq(id("pended"))));
      this.standings.set(slot, standing);
    }
    return standing;
  }

  private aggregate(expr: Extract<Expr, { kind: "aggregate" }>, elements: readonly Sym[]): Sym {
    const z3 = this.z3;
    const { chain } = expr;
    const list = this.list(chain, elements, expr.span);
    const members = list.slots.map((slot, i) => {
      const m = this.member(chain, slot, elements, expr.span);
      const present = presentIn(list, i);
      return { slot, t: z3.And(present, m.t), u: z3.And(present, z3.Not(m.t), z3.Not(m.f)) };
    });
    const one = (b: B) => z3.If(b, z3.Int.val(1), z3.Int.val(0)) as A;
    const sum = (terms: A[]) => (terms.length === 0 ? z3.Int.val(0) : (z3.Sum(terms[0]!, ...terms.slice(1)) as A));
    const listUnknown = z3.Not(list.known);
    switch (expr.operator) {
      case "count": {
        const definite = z3.ToReal(sum(members.map((m) => one(m.t))));
        const possible = z3.ToReal(sum(members.map((m) => one(m.u))));
        return {
          kind: "num",
          unk: this.F,
          none: this.F,
          lo: { v: z3.If(listUnknown, z3.Real.val(0), definite) as A, neg: this.F, pos: this.F },
          hi: { v: definite.add(possible), neg: this.F, pos: listUnknown },
          ranged: true,
        };
      }
      case "some":
      case "none": {
        const t = z3.And(list.known, this.any(members.map((m) => m.t)));
        const f = z3.And(list.known, z3.Not(this.any(members.map((m) => m.t))), z3.Not(this.any(members.map((m) => m.u))));
        const some = this.tri(t, f);
        return { kind: "tri", tri: expr.operator === "some" ? some : this.not(some) };
      }
      case "latest":
      case "earliest":
        // Ties go to the later element, and the line items' order puts the one under decision at
        // a position the solver chooses: not encoded.
        if ((chain.source.kind === "caseList" && chain.source.field === "items") || (chain.source.kind === "otherItems" && !this.view.others.ordered)) {
          throw new Unsupported(`\`${expr.operator}\` of the line items`, expr.span);
        }
        return this.pick(expr.operator, list, members, chain, expr.span);
      case "sum":
        return this.sumOf(expr, list, members);
      case "coverage":
        return this.coverage(expr, list, members);
      case "countDistinct":
        return this.distinctCount(expr, list, members);
    }
  }

  /**
   * `count distinct k of L` with one key, as the runtime's `distinctCount`: the members with a
   * known key counted once per value; at least that (plus one when every definite member's key is
   * unknown), at most every possible member's value and every member with an unknown key; exactly
   * the first when no membership and no key is unknown.
   */
  private distinctCount(expr: Extract<Expr, { kind: "aggregate" }>, list: SymbolicList, members: { slot: Slot; t: B; u: B }[]): Sym {
    const z3 = this.z3;
    const keys = expr.keys ?? [];
    if (keys.length !== 1) throw new Unsupported("`count distinct` of more than one key", expr.span);
    if (expr.keyForms?.some((form) => form !== undefined)) throw new Unsupported("`count distinct` of texts or codes compared in their normal forms", expr.span);
    const read = members.map((m) => {
      const key = this.read(this.slotRecord(m.slot), keys[0]!, expr.span);
      if (key.kind === "record" || key.kind === "elapsed" || key.kind === "tri") throw new Unsupported(`\`count distinct\` of a ${key.kind}`, expr.span);
      return { unk: key.unk, v: (key.kind === "num" ? key.lo.v : key.v) as A };
    });
    const one = (b: B) => z3.If(b, z3.Int.val(1), z3.Int.val(0)) as A;
    const add = (terms: A[]) => (terms.length === 0 ? z3.Int.val(0) : (z3.Sum(terms[0]!, ...terms.slice(1)) as A));
    const keyed = read.map((key) => z3.Not(key.unk));
    const definite = members.map((m, i) => z3.And(m.t, keyed[i]!));
    const possible = members.map((m, i) => z3.And(m.u, keyed[i]!));
    const same = (i: number, j: number) => read[i]!.v.eq(read[j]!.v);
    const firstDefinite = members.map((_, i) => z3.And(definite[i]!, z3.Not(this.any(members.slice(0, i).map((__, j) => z3.And(definite[j]!, same(i, j)))))));
    const newPossible = members.map((_, i) =>
      z3.And(
        possible[i]!,
        z3.Not(this.any(members.map((__, j) => z3.And(definite[j]!, same(i, j))))),
        z3.Not(this.any(members.slice(0, i).map((__, j) => z3.And(possible[j]!, same(i, j))))),
      ),
    );
    const size = add(firstDefinite.map(one));
    const definiteUnkeyed = this.any(members.map((m, i) => z3.And(m.t, z3.Not(keyed[i]!))));
    const lo = size.add(one(z3.And(size.eq(0), definiteUnkeyed)));
    const unkeyed = add(members.map((m, i) => one(z3.And(z3.Or(m.t, m.u), z3.Not(keyed[i]!)))));
    const decided = z3.Not(this.any(members.map((m, i) => z3.Or(m.u, z3.And(m.t, z3.Not(keyed[i]!))))));
    const hi = z3.If(decided, lo, size.add(add(newPossible.map(one))).add(unkeyed)) as A;
    return {
      kind: "num",
      unk: this.F,
      none: this.F,
      lo: { v: z3.ToReal(z3.If(list.known, lo, z3.Int.val(0)) as A), neg: this.F, pos: this.F },
      hi: { v: z3.ToReal(hi), neg: this.F, pos: z3.Not(list.known) },
      ranged: true,
    };
  }

  /** `latest`/`earliest` as the runtime's `pick`: ties go to the later element. */
  private pick(
    which: "latest" | "earliest",
    list: SymbolicList,
    members: { slot: Slot; t: B; u: B }[],
    chain: Chain,
    span: Span,
  ): Sym {
    const z3 = this.z3;
    const dateField = chain.dated?.start;
    if (dateField === undefined) throw new Unsupported(`\`${which}\` of undated records`, span);
    const dates = members.map((m) => this.read(this.slotRecord(m.slot), dateField, span) as { unk: B; v: A });
    const certain = members.map((m, i) => z3.And(m.t, z3.Not(dates[i]!.unk)));
    const uncertain = members.map((m, i) => z3.And(z3.Or(m.u, z3.And(m.t, dates[i]!.unk))));
    const beats = (i: number, j: number): B => {
      // element i is picked over certain element j
      const di = dates[i]!.v;
      const dj = dates[j]!.v;
      if (which === "latest") return i > j ? di.ge(dj) : di.gt(dj);
      return i > j ? di.le(dj) : di.lt(dj);
    };
    const best = members.map((_, i) =>
      z3.And(certain[i]!, this.all(members.map((__, j) => (j === i ? this.T : z3.Implies(certain[j]!, beats(i, j)))))),
    );
    const hasBest = this.any(certain);
    const couldWin = members.map((_, j) =>
      z3.And(
        uncertain[j]!,
        z3.Or(
          z3.Not(hasBest),
          dates[j]!.unk,
          this.any(members.map((__, i) => (i === j ? this.F : z3.And(best[i]!, beats(j, i))))),
        ),
      ),
    );
    let index: A = z3.Int.val(0);
    for (let i = members.length - 1; i >= 0; i--) index = z3.If(best[i]!, z3.Int.val(i), index) as A;
    const unk = z3.Or(z3.Not(list.known), this.any(couldWin));
    return {
      kind: "record",
      unk,
      none: z3.And(z3.Not(unk), z3.Not(hasBest)),
      record: list.record,
      slots: members.map((m) => m.slot),
      index,
    };
  }

  /**
   * `coverage of L within N` as the runtime's `coverage`: days in the union of the members'
   * episodes [start, end) clipped to the window [dos - N, dos); `lo` from the definite episodes,
   * `hi` letting each uncertain one reach as far as it could. The union's length is worked out by
   * inclusion and exclusion over the (at most `bounds.list`) episodes.
   */
  private coverage(expr: Extract<Expr, { kind: "aggregate" }>, list: SymbolicList, members: { slot: Slot; t: B; u: B }[]): Sym {
    const z3 = this.z3;
    const { chain } = expr;
    if (chain.window === undefined || chain.dated?.end === undefined) {
      throw new Unsupported("`coverage of` without a window", expr.span);
    }
    const { start: clipStart, uncertain } = this.window(chain.window, expr.span);
    const clipEnd = this.dos.v;
    const max = (a: A, b: A) => z3.If(a.ge(b), a, b) as A;
    const min = (a: A, b: A) => z3.If(a.le(b), a, b) as A;
    const episodes = members.map((m) => {
      const record = this.slotRecord(m.slot);
      const from = this.read(record, chain.dated!.start, expr.span) as { unk: B; v: A };
      const to = this.read(record, chain.dated!.end!, expr.span) as { unk: B; v: A };
      const first = z3.If(from.unk, clipStart, max(from.v, clipStart)) as A;
      const last = z3.If(to.unk, clipEnd, min(to.v, clipEnd)) as A;
      const definite = z3.And(m.t, z3.Not(from.unk), z3.Not(to.unk));
      return { first, last, definite, possible: z3.Or(m.t, m.u) };
    });
    const union = (included: B[]): A => {
      const n = episodes.length;
      const terms: A[] = [];
      for (let mask = 1; mask < 1 << n; mask++) {
        const chosen = episodes.map((_, i) => i).filter((i) => mask & (1 << i));
        const first = chosen.map((i) => episodes[i]!.first).reduce(max);
        const last = chosen.map((i) => episodes[i]!.last).reduce(min);
        const length = z3.If(z3.And(...chosen.map((i) => included[i]!), first.lt(last)), last.sub(first), z3.Int.val(0)) as A;
        terms.push(chosen.length % 2 === 1 ? length : length.neg());
      }
      return terms.length === 0 ? z3.Int.val(0) : (z3.Sum(terms[0]!, ...terms.slice(1)) as A);
    };
    const lo = union(episodes.map((e) => e.definite));
    const hi = union(episodes.map((e) => e.possible));
    const whole = max(clipEnd.sub(clipStart), z3.Int.val(0));
    return {
      kind: "num",
      unk: this.F,
      none: this.F,
      // A window of uncertain start: at least the coverage of its shortest extent, [dos, dos], none.
      lo: { v: z3.ToReal(z3.If(z3.And(list.known, z3.Not(uncertain)), lo, z3.Int.val(0)) as A), neg: this.F, pos: this.F },
      hi: { v: z3.ToReal(z3.If(list.known, hi, whole) as A), neg: this.F, pos: this.F },
      ranged: true,
    };
  }

  private sumOf(expr: Extract<Expr, { kind: "aggregate" }>, list: SymbolicList, members: { slot: Slot; t: B; u: B }[]): Sym {
    const z3 = this.z3;
    const field = expr.summed!.field;
    const nonNegative = expr.summed!.duration;
    const zero = z3.Real.val(0);
    const lo: A[] = [];
    const hi: A[] = [];
    const unknownAmount: B[] = [];
    for (const m of members) {
      const amount = this.read(this.slotRecord(m.slot), field, expr.span);
      if (amount.kind !== "num") throw new Unsupported("`sum` of a field that is not a number", expr.span);
      const possible = z3.Or(m.t, m.u);
      const known = z3.Not(amount.unk);
      const v = amount.lo.v;
      lo.push(z3.If(z3.And(possible, known), z3.If(m.t, v, z3.If(v.lt(0), v, zero)), zero) as A);
      hi.push(z3.If(z3.And(possible, known), z3.If(m.t, v, z3.If(v.gt(0), v, zero)), zero) as A);
      unknownAmount.push(z3.And(possible, amount.unk));
    }
    const add = (terms: A[]) => (terms.length === 0 ? zero : (z3.Sum(terms[0]!, ...terms.slice(1)) as A));
    const listUnknown = z3.Not(list.known);
    const anyUnknown = this.any(unknownAmount);
    return {
      kind: "num",
      unk: this.F,
      none: this.F,
      lo: { v: z3.If(listUnknown, zero, add(lo)) as A, neg: nonNegative ? this.F : z3.Or(listUnknown, anyUnknown), pos: this.F },
      hi: { v: add(hi), neg: this.F, pos: z3.Or(listUnknown, anyUnknown) },
      ranged: true,
    };
  }
}
