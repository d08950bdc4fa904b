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

/** The ways to leave one thing out of a shape: a list, its last element, the last other line
 *  item, or one fact. Each gives the smaller shape, or undefined when it no longer applies. */
function removals(sym: SymbolicCase, model: Model<"main">, shape: CaseShape): ((current: CaseShape) => CaseShape | undefined)[] {
  const steps: ((current: CaseShape) => CaseShape | undefined)[] = [];
  for (const field of shape.lists.keys()) {
    steps.push((current) => (current.lists.get(field) === undefined ? undefined : { ...current, lists: new Map(current.lists).set(field, undefined) }));
    steps.push((current) => {
      const length = current.lists.get(field);
      return length === undefined || length === 0 ? undefined : { ...current, lists: new Map(current.lists).set(field, length - 1) };
    });
  }
  steps.push((current) =>
    current.others === 0 ? undefined : { ...current, others: current.others - 1, position: Math.min(current.position, current.others - 1) },
  );
  for (const fact of sym.facts(model, shape)) {
    // The item's code is required of every valid case.
    if (fact.record === "item" && fact.field === "code") continue;
    steps.push((current) => (sym.facts(model, current).includes(fact) ? { ...current, dropped: new Set(current.dropped).add(fact) } : undefined));
  }
  return steps;
}

/**
 * The model's case with every fact left out that can be left out one at a time while `differs`
 * still holds: each pass tries every removal in turn on the case as it stands, keeping those
 * that keep the difference, until a pass keeps none: then each remaining fact matters. The
 * shape, not yet a model: see `pinned`.
 */
export function shrink(sym: SymbolicCase, model: Model<"main">, differs: Differs): CaseShape {
  let shape = sym.shapeOf(model);
  for (let changed = true; changed; ) {
    changed = false;
    for (const remove of removals(sym, model, shape)) {
      const candidate = remove(shape);
      if (candidate !== undefined && differs(sym.extract(model, candidate), candidate.position)) {
        shape = candidate;
        changed = true;
      }
    }
  }
  return shape;
}

/**
 * A model of the case `shape` makes of `model`, from the solver that found `model`, in a scope of
 * its own with every variable of the case fixed (quick: nothing is left to search), so that the
 * outcomes both versions' encodings give that case can be read from it; undefined when the
 * solver does not answer within its time limit. An unsatisfiable pin means the case is not one
 * the encoding allows: a disagreement with the evaluators that accepted it, which the caller
 * reports as an error of pol.
 */
export async function pinned(
  solver: Solver<"main">,
  sym: SymbolicCase,
  model: Model<"main">,
  shape: CaseShape,
): Promise<Model<"main"> | "unsat" | undefined> {
  solver.push();
  try {
    solver.add(...sym.pin(model, shape));
    const answer = await solver.check();
    if (answer === "sat") return solver.model();
    return answer === "unsat" ? "unsat" : undefined;
  } finally {
    solver.pop();
  }
}
