// Making a counterexample small. The solver's first case usually supplies facts that do not
// matter; leaving each one out and evaluating the case again (the reference interpreter, a
// fraction of a millisecond) finds a case where every remaining fact matters, far sooner than
// asking the solver for smaller cases one at a time. The solver then works out what both encoded
// versions decide for that very case, so the confirmation (confirm.ts) still compares the
// solver's prediction with both evaluators; and, within what is left of the budget, it is asked
// whether any case with fewer facts exists at all (`minimal` when it proves none does).

import type { CheckedPolicy } from "../../index.js";
import type { Model, Solver } from "z3-solver";
import { AS_PROPOSED } from "./confirm.js";
import type { CaseShape, SymbolicCase } from "./symbolic-case.js";

/** Whether the item under decision of a case gets different outcomes from the policies. */
export type Differs = (json: Record<string, unknown>, item: number) => boolean;

/** A `Differs` by the reference interpreter of each policy; an invalid case never differs. */
export async function differsByEvaluation(policies: readonly CheckedPolicy[]): Promise<Differs> {
  const { evaluateCase } = await import("../../index.js");
  return (json, item) => {
    const outcomes = new Set<string>();
    for (const policy of policies) {
      const evaluated = evaluateCase(policy, json, AS_PROPOSED);
      if (!evaluated.ok) return false;
      const determined = evaluated.determination.items[item];
      if (determined === undefined) return false;
      outcomes.add(determined.outcome);
    }
    return outcomes.size > 1;
  };
}

/** The shapes with one thing fewer than `shape`: a list left out, its last element, the last
 *  other line item, or one fact. */
function* smaller(sym: SymbolicCase, model: Model<"main">, shape: CaseShape): Generator<CaseShape> {
  for (const [field, length] of shape.lists) {
    if (length === undefined) continue;
    yield { ...shape, lists: new Map(shape.lists).set(field, undefined) };
    if (length > 0) yield { ...shape, lists: new Map(shape.lists).set(field, length - 1) };
  }
  if (shape.others > 0) yield { ...shape, others: shape.others - 1, position: Math.min(shape.position, shape.others - 1) };
  for (const fact of sym.facts(model, shape)) {
    // The item's code is required of every valid case.
    if (fact.record === "item" && fact.field === "code") continue;
    yield { ...shape, dropped: new Set(shape.dropped).add(fact) };
  }
}

/**
 * The model's case with every fact left out that can be left out one at a time while `differs`
 * still holds, repeated until none can: each remaining fact matters. The shape, not yet a model:
 * see `pinned`.
 */
export function shrink(sym: SymbolicCase, model: Model<"main">, differs: Differs): CaseShape {
  let shape = sym.shapeOf(model);
  for (let changed = true; changed; ) {
    changed = false;
    for (const candidate of smaller(sym, model, shape)) {
      if (differs(sym.extract(model, candidate), candidate.position)) {
        shape = candidate;
        changed = true;
        break;
      }
    }
  }
  return shape;
}

/**
 * A model of the case `shape` makes of `model`, from a fresh solver with every variable of the
 * case fixed (quick: nothing is left to search), so that the outcomes both versions' encodings
 * give that case can be read from it; undefined when the solver does not answer in `timeout`.
 * An unsatisfiable pin means the case is not one the encoding allows: a disagreement with the
 * evaluators that accepted it, which the caller reports as an error of pol.
 */
export async function pinned(
  sym: SymbolicCase,
  model: Model<"main">,
  shape: CaseShape,
  timeout: number,
): Promise<{ model: Model<"main">; solver: Solver<"main"> } | "unsat" | undefined> {
  const solver = new sym.z3.Solver();
  solver.set("timeout", timeout);
  solver.add(...sym.constraints, ...sym.pin(model, shape));
  const answer = await solver.check();
  if (answer === "sat") return { model: solver.model(), solver };
  solver.release();
  return answer === "unsat" ? "unsat" : undefined;
}
