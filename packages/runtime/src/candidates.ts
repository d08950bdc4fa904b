// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// The elements of a list of the case that a membership could hold. Most memberships over a case
// list are conjunctions one of whose conjuncts is `code in S` of the element (`tpi_history` is
// `code in trigger_point_injection`, and `stabilization_tpi`, `therapeutic_tpi_same_muscle` and
// `tpi_history within 12mo` narrow it): an element whose code is known and not in S belongs to
// none of them, whatever its other facts (Kleene: a false conjunct makes the conjunction false).
// The lowering records which aggregates have such a conjunct (`candidates` of an aggregate in the
// compiler's lowered form); generated code declares one `candidates(...)` per list and code set,
// and those aggregates run over what it gives instead of the whole list:
//
//   const triggerPointInjectionProcedures = candidates(5, Case.procedures, Procedure.code, triggerPointInjection);
//   ... some(triggerPointInjectionProcedures(c), stabilizationTpiWhere, c) ...
//
// Worked out once per case: the elements whose code test `inCodes(code, S)` is not false (in S,
// or unknown: absent, malformed, a value of another type), in list order. Every aggregate answers
// the same over them as over the whole list: the elements left out are members of nothing it
// counts, picks or names, and order (ties of `latest`, the facts a range names) is kept.
//
// With a trace, the whole list, read exactly as before: a criterion's trace lists the reads of
// every element its aggregates test.

import { Unknown } from "./logic.js";
import { type Field, type FieldHandle, list as listOf, type Row } from "./access.js";
import { type CodeSet, inCodes } from "./codes.js";
import type { Context } from "./context.js";

/** A list of the case as an aggregate reads it: its records, or unknown. */
export type CaseList = (c: Context) => readonly Row[] | Unknown;

/**
 * The elements of list `list` whose `code` may be in `codes`, worked out at most once per case in
 * cache slot `slot` (the whole list when every element's may: no copy). The list is read as
 * `list(c, handle)` reads it, and each code as the membership reads it (`code.read`), so what is
 * left out is exactly what every membership with the conjunct `code in codes` finds false. With
 * `without`, the memberships also have the conjunct `code not in without` (`neural_blockade and not
 * sij_injection`), and elements whose code is in it are left out too.
 */
export function candidates(slot: number, list: FieldHandle, code: Field, codes: CodeSet, without?: CodeSet): CaseList {
  // Kept from case to case (emptying or making an array per case allocates): its content is this
  // case's while the slot is. Every context fills it from the same case while it evaluates that
  // case (a rule evaluated `as of` an earlier date reads the same list), so a context that fills it
  // again while another iterates it writes the same elements.
  const kept: Row[] = [];
  const compute = (c: Context): readonly Row[] | Unknown => {
    const all = listOf(c, list);
    if (all instanceof Unknown) return all;
    let size = 0;
    for (let i = 0; i < all.length; i++) {
      const element = all[i]!;
      const value = code.read(c, element);
      if (inCodes(value, codes) !== false && (without === undefined || inCodes(value, without) !== true)) kept[size++] = element;
    }
    if (size === all.length) return all;
    kept.length = size;
    return kept;
  };
  return (c) => (c.tracing ? listOf(c, list) : c.cachedForCase(slot, compute));
}
