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
    let entry = found.find((known) => known.field === field && known.code === test.code && known.codeSet === test.codeSet);
    if (entry === undefined) {
      const { code, codeSet, list } = test;
      entry = { index: found.length, field, record: chain.record, code, codeSet, ...(list !== undefined ? { list } : {}) };
      found.push(entry);
    }
    aggregate.candidates = entry.index;
  };
  forEachAggregate(policy, mark);
  return found;
}

/** A conjunct `code in S` of an element, and the list let whose own test it is, if any. */
interface CodeTest {
  code: string;
  codeSet: number;
  list?: number;
}

/** The first conjunct `code in S` of the element of `chain`'s membership, in the order it is
 *  evaluated (the base list's test first). */
function codeTest(policy: Omit<LoweredPolicy, "candidates">, chain: Chain, list?: number): CodeTest | undefined {
  if (chain.base !== undefined) {
    const base = policy.lists[chain.base]!.chain;
    const found = base.selection === undefined ? codeTest(policy, base, chain.base) : undefined;
    if (found !== undefined) return found;
  }
  for (const filter of chain.filters) {
    if (filter.kind !== "where") continue;
    const condition = filter.condition;
    const conjuncts = condition.kind === "junction" && condition.operator === "and" ? condition.operands : [condition];
    for (const conjunct of conjuncts) {
      if (conjunct.kind !== "inCodes" || conjunct.negated) continue;
      const operand = conjunct.operand;
      if (operand.kind !== "field" || operand.duration) continue;
      if (operand.target.kind !== "element" || operand.target.level !== chain.level || operand.record !== chain.record) continue;
      return { code: operand.field, codeSet: conjunct.codeSet, ...(list !== undefined ? { list } : {}) };
    }
  }
  return undefined;
}
