// Which aggregates one pass over a list answers together (`LoweredScan`, ir.ts). A policy asks
// several aggregates of one membership of a list of the case (`count distinct date of
// therapeutic_tpi`, `no therapeutic_tpi`, `latest therapeutic_tpi`): answered one by one, each
// tests the elements again and reads their dates again. Grouped here, generated code answers
// them from one pass per line item (the runtime's `ListScan`); the interpreter, which reads each
// aggregate's chain, may ignore the grouping: it changes no result.

import type { AggregateOperator, Expr, LoweredPolicy, LoweredScan } from "./ir.js";

type Aggregate = Extract<Expr, { kind: "aggregate" }>;

/** The aggregates a pass answers: those that need only each member's count and date. */
const SCANNED: ReadonlySet<AggregateOperator> = new Set(["count", "some", "none", "latest", "earliest", "countDistinct"]);

/**
 * Groups the aggregates of `policy`'s rules and lets by the membership they ask of a list of the
 * case (their chains, equal but for spans), marks each aggregate of a group that a pass serves
 * with its `scan`, and returns the groups. A pass serves two or more aggregates of one membership
 * when one of them needs every member (`some` and `no` alone stop at the first). An aggregate
 * joins when its chain goes over a list field of the case at the top level (not inside another
 * chain's test, whose membership is a closure per element), selects nothing, and is neither
 * shared nor keyed across line items; `count distinct` only of the records' date.
 */
export function fuseScans(policy: Omit<LoweredPolicy, "scans" | "candidates">): LoweredScan[] {
  const groups = new Map<string, Aggregate[]>();
  forEachAggregate(policy, (expr) => {
    if (!scannable(policy, expr)) return;
    const key = chainKey(expr);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [expr]);
    else group.push(expr);
  });
  const scans: LoweredScan[] = [];
  for (const aggregates of groups.values()) {
    if (aggregates.length < 2 || aggregates.every((aggregate) => ANY.has(aggregate.operator))) continue;
    const index = scans.length;
    const { record, source } = aggregates[0]!.chain;
    const date = policy.schema.records.get(record)?.dated?.start;
    for (const aggregate of aggregates) aggregate.scan = index;
    scans.push({ index, field: (source as { field: string }).field, record, ...(date !== undefined ? { date } : {}), aggregates });
  }
  return scans;
}

/** Calls `visit` on each aggregate of the policy's lets and rules (their conditions and parts),
 *  once per node, in the order met. */
export function forEachAggregate(policy: Pick<LoweredPolicy, "lets" | "rules">, visit: (aggregate: Aggregate) => void): void {
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    const expr = node as Expr;
    if (expr.kind === "aggregate") visit(expr);
    for (const [key, child] of Object.entries(node)) if (key !== "span") walk(child);
  };
  walk(policy.lets);
  walk(policy.rules);
}

/** The aggregates that ask only whether there is a member. */
const ANY: ReadonlySet<AggregateOperator> = new Set(["some", "none"]);

/** A chain's membership as text: the chain without spans and without its date fields (which a
 *  pick names and a count does not; they are the record's either way). */
function chainKey(aggregate: Aggregate): string {
  const { dated: _dated, ...membership } = aggregate.chain;
  return JSON.stringify(membership, (key, value: unknown) => (key === "span" ? undefined : value));
}

function scannable(policy: Omit<LoweredPolicy, "scans" | "candidates">, aggregate: Aggregate): boolean {
  const { chain } = aggregate;
  if (!SCANNED.has(aggregate.operator) || aggregate.shared !== undefined || aggregate.keyed !== undefined) return false;
  if (chain.source.kind !== "caseList" || chain.level !== 0 || chain.selection !== undefined) return false;
  if (aggregate.operator !== "countDistinct") return true;
  const date = policy.schema.records.get(chain.record)?.dated?.start;
  return aggregate.keys?.length === 1 && aggregate.keys[0] === date && aggregate.keyForms === undefined;
}
