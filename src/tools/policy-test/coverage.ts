// Criterion coverage: for every criterion of every tested policy, which states (met, not met,
// unknown) the tests drove it to, out of the states it can reach at all.

import type { CheckedPolicy } from "../../index.js";
import type { Determination, Status } from "@pol/runtime";
import { OptionalFactReads, reachableStates } from "./reachability.js";

export const STATES: readonly Status[] = ["met", "not_met", "unknown"];

export type StateCoverage = "covered" | "uncovered" | "unreachable";

export interface CriterionCoverage {
  rule: string;
  criterion: string;
  citation: string;
  states: Record<Status, StateCoverage>;
}

export interface PolicyCoverage {
  policy: string;
  source: string;
  criteria: CriterionCoverage[];
  covered: number;
  reachable: number;
}

export interface UncoveredPair {
  policy: string;
  criterion: string;
  state: Status;
}

export interface CoverageReport {
  policies: PolicyCoverage[];
  covered: number;
  reachable: number;
  /** Covered reachable pairs as a percent of all reachable pairs (100 when there are none). */
  percent: number;
  uncovered: UncoveredPair[];
}

interface Tracked {
  policy: CheckedPolicy;
  /** Criterion id -> states seen in some trace. */
  seen: Map<string, Set<Status>>;
}

export class Coverage {
  private readonly tracked = new Map<CheckedPolicy, Tracked>();

  /** Include a policy in the report, even if no test reaches any of its criteria. */
  add(policy: CheckedPolicy): void {
    if (!this.tracked.has(policy)) this.tracked.set(policy, { policy, seen: new Map() });
  }

  /** Note the state of every criterion in the determination's traces. */
  record(policy: CheckedPolicy, determination: Determination): void {
    this.add(policy);
    const { seen } = this.tracked.get(policy)!;
    for (const item of determination.items) {
      for (const trace of item.trace) {
        let states = seen.get(trace.criterion);
        if (!states) seen.set(trace.criterion, (states = new Set()));
        states.add(trace.status);
      }
    }
  }

  report(): CoverageReport {
    const policies = [...this.tracked.values()].map(policyCoverage);
    const covered = policies.reduce((total, policy) => total + policy.covered, 0);
    const reachable = policies.reduce((total, policy) => total + policy.reachable, 0);
    const uncovered = policies.flatMap((policy) =>
      policy.criteria.flatMap((criterion) =>
        STATES.filter((state) => criterion.states[state] === "uncovered").map((state): UncoveredPair => ({
          policy: policy.policy,
          criterion: criterion.criterion,
          state,
        })),
      ),
    );
    return { policies, covered, reachable, percent: percentOf(covered, reachable), uncovered };
  }
}

function policyCoverage({ policy, seen }: Tracked): PolicyCoverage {
  const facts = new OptionalFactReads(policy);
  let covered = 0;
  let reachable = 0;
  const criteria = policy.rules.flatMap((rule) =>
    rule.criteria.map((criterion): CriterionCoverage => {
      const possible = reachableStates(criterion, facts);
      const observed = seen.get(criterion.id) ?? new Set<Status>();
      const states = {} as Record<Status, StateCoverage>;
      for (const state of STATES) {
        // A state a test reached is reachable, whatever the analysis says.
        if (observed.has(state)) states[state] = "covered";
        else states[state] = possible.has(state) ? "uncovered" : "unreachable";
        if (states[state] !== "unreachable") reachable++;
        if (states[state] === "covered") covered++;
      }
      return { rule: rule.id, criterion: criterion.id, citation: criterion.citation, states };
    }),
  );
  return { policy: policy.metadata.id, source: policy.metadata.source, criteria, covered, reachable };
}

export function percentOf(covered: number, reachable: number): number {
  return reachable === 0 ? 100 : (covered * 100) / reachable;
}
