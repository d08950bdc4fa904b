// Which aggregates may run over only the elements of their list whose code may be in a code set
// (`LoweredCandidates`, ir.ts). A policy's memberships of a case list are mostly narrowings of a
// list of codes (`stabilization_tpi` is `tpi_history` where ..., `tpi_history` is `procedures
// where code in trigger_point_injection`): every one of them is false for an element whose code is
// known and not in the set, whatever else the element holds (Kleene: a false conjunct makes the
// conjunction false). Marked here, generated code works out once per case the elements whose code
// may be in the set (the runtime's `candidates`) and runs those aggregates over them; the
// interpreter, which reads each aggregate's chain, may ignore the marks: they change no result.

import type { Chain, Expr, LoweredCandidates, LoweredPolicy } from "./ir.js";
import { forEachAggregate } from "./scans.js";

type Aggregate = Extract<Expr, { kind: "aggregate" }>;

/**
 * Marks each aggregate of `policy`'s rules and lets over a list field of the case at the top
 * level (not inside another chain's test) whose membership has a conjunct `code in S` of the
 * element with its `candidates`, and returns those lists, one per list, code field and set. The
 * conjunct may be the chain's own (an operand of a `where` condition that is a conjunction, or the
 * whole condition) or that of a list it narrows (`base`), to any depth.
 */
export function findCandidates(policy: Omit<LoweredPolicy, "candidates">): LoweredCandidates[] {
  const found: LoweredCandidates[] = [];
  const mark = (aggregate: Aggregate): void => {
    const { chain } = aggregate;
    if (chain.source.kind !== "caseList" || chain.level !== 0 || chain.selection !== undefined) return;
    if (aggregate.shared !== undefined || aggregate.keyed !== undefined) return;
    const test = codeTest(policy, chain);
    if (test === undefined) return;
    const field = chain.source.field;
    let entry = found.find((known) => known.field === field && known.code === test.code && known.codeSet === test.codeSet && known.without === test.without);
    if (entry === undefined) {
      const { code, codeSet, list, without } = test;
      entry = { index: found.length, field, record: chain.record, code, codeSet, ...(list !== undefined ? { list } : {}), ...(without !== undefined ? { without } : {}) };
      found.push(entry);
    }
    aggregate.candidates = entry.index;
  };
  forEachAggregate(policy, mark);
  return found;
}

/** A conjunct `code in S` of an element, the list let whose own test it is, if any, and a code
 *  set of a conjunct `code not in W` of the same code, if any. */
interface CodeTest {
  code: string;
  codeSet: number;
  list?: number;
  without?: number;
}

/** A conjunct of the membership of a chain's element, and the list let whose own test it is. */
interface Conjunct {
  test: Expr;
  list?: number;
}

/** The conjuncts of the membership of `chain`'s element, in the order they are evaluated (the
 *  base list's first). */
function conjunctsOf(policy: Omit<LoweredPolicy, "candidates">, chain: Chain, list?: number): Conjunct[] {
  const found: Conjunct[] = [];
  if (chain.base !== undefined) {
    const base = policy.lists[chain.base]!.chain;
    if (base.selection === undefined) found.push(...conjunctsOf(policy, base, chain.base));
  }
  for (const filter of chain.filters) {
    if (filter.kind !== "where") continue;
    const condition = filter.condition;
    const conjuncts = condition.kind === "junction" && condition.operator === "and" ? condition.operands : [condition];
    for (const test of conjuncts) found.push({ test, ...(list !== undefined ? { list } : {}) });
  }
  return found;
}

/** `code in S` (or, `negated`, `code not in S`) of the element of `chain`: the code field and S. */
function elementCodeTest(chain: Chain, test: Expr, negated: boolean): { code: string; codeSet: number } | undefined {
  // `code not in W` is lowered as a negated `inCodes`, `not (code in W)` as `not` of one: the test
  // says "not in" when exactly one of the two negations is there.
  const throughNot = negated && test.kind === "not";
  const inCodes = throughNot ? test.operand : test;
  if (inCodes.kind !== "inCodes") return undefined;
  const saysNotIn = inCodes.negated !== throughNot;
  if (saysNotIn !== negated) return undefined;
  const operand = inCodes.operand;
  if (operand.kind !== "field" || operand.duration) return undefined;
  if (operand.target.kind !== "element" || operand.target.level !== chain.level || operand.record !== chain.record) return undefined;
  return { code: operand.field, codeSet: inCodes.codeSet };
}

/** The first conjunct `code in S` of the element of `chain`'s membership, in the order it is
 *  evaluated, and the first conjunct `code not in W` of the same code: an element whose code is
 *  in W is a member of nothing either (`not` of true is false). */
function codeTest(policy: Omit<LoweredPolicy, "candidates">, chain: Chain): CodeTest | undefined {
  const conjuncts = conjunctsOf(policy, chain);
  for (const { test, list } of conjuncts) {
    const found = elementCodeTest(chain, test, false);
    if (found === undefined) continue;
    const without = conjuncts.map((other) => elementCodeTest(chain, other.test, true)).find((other) => other?.code === found.code);
    return { ...found, ...(list !== undefined ? { list } : {}), ...(without !== undefined ? { without: without.codeSet } : {}) };
  }
  return undefined;
}
