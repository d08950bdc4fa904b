// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Which missing facts a pended item asks for (docs/semantics.md, "What a pended item asks
// for"). The item's outcome is a function of the tests its unknown conditions are made of (their
// parts, explain.ts): a test a missing fact leaves unknown is an *open test*, true or false
// depending on values the case does not give. A missing fact is asked for when it is read by an
// open test on which the outcome depends: some truth values of the other open tests under which
// that test alone, true or false, gives two different outcomes. Found by trying every truth
// value of the open tests, so only up to MAX_OPEN_TESTS of them (those that a known operand or a
// waiver that holds leaves out count for nothing); with more, or when no open test
// can change the outcome (Kleene's logic can leave an item pended that no value could change:
// `t or not t` over one test), the item asks for every fact its unknown criteria wait for.

import { partTruth, type ConditionParts } from "./explain.js";
import { type Missing, type Tri, Unknown } from "./logic.js";

/** The most open tests whose every combination of truth values is tried (2^12 outcomes). */
export const MAX_OPEN_TESTS = 12;

/** A criterion as relevance sees it: its level, its own condition and its waiver. */
export interface WeighedCriterion {
  id: string;
  /** Its level (0 = not covered ... 4 = refer); negative for notes and waivers, which decide nothing. */
  level: number;
  /** Whether it is met when its condition holds (`require`, `waive`) or when it does not (exclusions). */
  metWhenTrue: boolean;
  /** Always met (`approve`), or never (an exclusion without condition). */
  fixed?: boolean;
  /** The condition's value, and its parts' values when it has parts. */
  condition: Tri | undefined;
  parts?: ConditionParts;
  values?: readonly unknown[];
  /** The key of a condition that is one test. */
  key?: string;
  /** The waive criterion of the same rule that waives this one. */
  waivedBy?: string;
}

export interface WeighedRule {
  id: string;
  /** Whether the item's code is in the rule's sets, and its `when` (with parts). */
  inSet: Tri;
  when?: { value: Tri; parts?: ConditionParts; values?: readonly unknown[]; key?: string };
  criteria: readonly WeighedCriterion[];
}

/** What the item needs: each fact with the criteria (or rules) whose open tests read it. */
export interface Needed {
  fact: string;
  label: string;
  criteria: string[];
}

type Formula = boolean | { atom: number } | { and: Formula[] } | { or: Formula[] } | { not: Formula };

interface OpenTest {
  missing: readonly Missing[];
}

/**
 * The facts a pended item needs, or undefined when they cannot be worked out exactly (more than
 * MAX_OPEN_TESTS open tests) or no open test can change the outcome: the caller then asks for
 * every fact its unknown criteria wait for.
 */
export function neededFacts(rules: readonly WeighedRule[]): Needed[] | undefined {
  const tests: OpenTest[] = [];
  const byKey = new Map<string, number>();
  const open = (key: string, unknown: Unknown): Formula => {
    let index = byKey.get(key);
    if (index === undefined) {
      index = tests.length;
      byKey.set(key, index);
      tests.push({ missing: unknown.missing });
    }
    return { atom: index };
  };
  const condition = (key: string, value: Tri | undefined, parts?: ConditionParts, values?: readonly unknown[]): Formula => {
    if (!(value instanceof Unknown)) return value === true;
    if (parts === undefined || values === undefined) return open(key, value);
    return shapeFormula(parts.shape, (i) => {
      const truth = partTruth(values[i]);
      return truth instanceof Unknown ? open(parts.parts[i]!.key, truth) : truth;
    });
  };
  // Per rule: whether it applies, and whether each deciding criterion passes (met or waived).
  const weighed = rules.map((rule) => {
    const applies = and([
      condition(`codes ${rule.id}`, rule.inSet),
      rule.when === undefined ? true : condition(rule.when.key ?? `when ${rule.id}`, rule.when.value, rule.when.parts, rule.when.values),
    ]);
    const conditionOf = (criterion: WeighedCriterion): Formula =>
      condition(criterion.key ?? `criterion ${rule.id} ${criterion.id}`, criterion.condition, criterion.parts, criterion.values);
    const criteria = rule.criteria
      .filter((criterion) => criterion.level >= 0)
      .map((criterion) => {
        const own: Formula =
          criterion.fixed !== undefined
            ? criterion.fixed
            : criterion.metWhenTrue
              ? conditionOf(criterion)
              : not(conditionOf(criterion));
        const waiver = criterion.waivedBy === undefined ? undefined : rule.criteria.find((c) => c.id === criterion.waivedBy);
        const passes = waiver === undefined ? own : or([conditionOf(waiver), own]);
        return { id: criterion.id, level: criterion.level, passes };
      });
    return { id: rule.id, applies, criteria };
  });
  // The open tests left in the formulas, each with its bit in a truth assignment. A test that a
  // known operand settles (`t or true`), or of a criterion whose waiver holds, was dropped as the
  // formulas were built: no value of it changes an outcome, so it is not tried, nor counted
  // toward MAX_OPEN_TESTS.
  const left: number[] = [];
  for (const rule of weighed) {
    atomsOf(rule.applies, left);
    for (const criterion of rule.criteria) atomsOf(criterion.passes, left);
  }
  const n = left.length;
  if (n === 0 || n > MAX_OPEN_TESTS) return undefined;
  const bits = new Array<number>(tests.length).fill(-1);
  for (let bit = 0; bit < n; bit++) bits[left[bit]!] = bit;

  // The outcome for every truth assignment of the open tests, as the strongest failing level
  // (LEVELS for approved, LEVELS + 1 when no rule applies).
  const LEVELS = 5;
  const outcomes = new Uint8Array(1 << n);
  for (let mask = 0; mask < 1 << n; mask++) {
    let outcome = LEVELS + 1;
    for (const rule of weighed) {
      if (!holds(rule.applies, mask, bits)) continue;
      if (outcome > LEVELS) outcome = LEVELS;
      for (const criterion of rule.criteria) {
        if (criterion.level < outcome && !holds(criterion.passes, mask, bits)) outcome = criterion.level;
      }
    }
    outcomes[mask] = outcome;
  }
  const relevant = new Array<boolean>(n).fill(false);
  for (let test = 0; test < n; test++) {
    const bit = 1 << test;
    for (let mask = 0; mask < 1 << n; mask++) {
      if ((mask & bit) === 0 && outcomes[mask] !== outcomes[mask | bit]) {
        relevant[test] = true;
        break;
      }
    }
  }
  if (!relevant.includes(true)) return undefined;

  const needed = new NeededFacts();
  const need = (formula: Formula, id: string): void => {
    for (const test of atomsOf(formula)) if (relevant[bits[test]!]) needed.add(tests[test]!.missing, id);
  };
  for (const rule of weighed) {
    need(rule.applies, rule.id);
    for (const criterion of rule.criteria) need(criterion.passes, criterion.id);
  }
  return needed.list();
}

/** Missing facts by fact, first seen first, each with the criteria (or rules) that need it. */
export class NeededFacts {
  private readonly byFact = new Map<string, Needed>();

  add(facts: readonly Missing[], id: string): void {
    for (const missing of facts) {
      let entry = this.byFact.get(missing.fact);
      if (entry === undefined) {
        entry = { fact: missing.fact, label: missing.label, criteria: [] };
        this.byFact.set(missing.fact, entry);
      }
      if (!entry.criteria.includes(id)) entry.criteria.push(id);
    }
  }

  list(): Needed[] {
    return [...this.byFact.values()];
  }
}

function shapeFormula(shape: ConditionParts["shape"], part: (index: number) => Formula): Formula {
  if (typeof shape === "number") return part(shape);
  if (shape[0] === "not") return not(shapeFormula(shape[1] as ConditionParts["shape"], part));
  const operands = (shape.slice(1) as ConditionParts["shape"][]).map((s) => shapeFormula(s, part));
  return shape[0] === "and" ? and(operands) : or(operands);
}

function and(operands: Formula[]): Formula {
  if (operands.includes(false)) return false;
  const open = operands.filter((operand) => operand !== true);
  return open.length === 0 ? true : open.length === 1 ? open[0]! : { and: open };
}

function or(operands: Formula[]): Formula {
  if (operands.includes(true)) return true;
  const open = operands.filter((operand) => operand !== false);
  return open.length === 0 ? false : open.length === 1 ? open[0]! : { or: open };
}

function not(operand: Formula): Formula {
  return typeof operand === "boolean" ? !operand : { not: operand };
}

/** Whether a formula holds when the open tests whose bits (`bits`, by test) are set in `mask` hold. */
function holds(formula: Formula, mask: number, bits: readonly number[]): boolean {
  if (typeof formula === "boolean") return formula;
  if ("atom" in formula) return (mask & (1 << bits[formula.atom]!)) !== 0;
  if ("not" in formula) return !holds(formula.not, mask, bits);
  if ("and" in formula) return formula.and.every((operand) => holds(operand, mask, bits));
  return formula.or.some((operand) => holds(operand, mask, bits));
}

/** The open tests a formula reads, in order, each once. */
function atomsOf(formula: Formula, into: number[] = []): number[] {
  if (typeof formula === "boolean") return into;
  if ("atom" in formula) {
    if (!into.includes(formula.atom)) into.push(formula.atom);
  } else if ("not" in formula) atomsOf(formula.not, into);
  else for (const operand of "and" in formula ? formula.and : formula.or) atomsOf(operand, into);
  return into;
}
