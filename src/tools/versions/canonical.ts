// The meaning of a set of rules as text: the lowered rules with every reference (lets, list lets,
// windows, code sets, computed fields, lookup tables) replaced by what it refers to, and everything that cannot
// change an outcome (spans, ids, descriptions, citations) left out. Two versions whose rules for a
// code read the same here decide every case alike, so the semantic diff needs no solver for it.

import type { Expr, LoweredPolicy, LoweredRule } from "../../index.js";

const IGNORED = new Set(["span", "line", "text", "description", "citation", "title", "label", "cost", "id", "name", "shared", "scan"]);

export function canonicalRules(policy: LoweredPolicy, rules: readonly LoweredRule[]): string {
  const { effective, expires } = policy.metadata;
  const text = (chosen: readonly LoweredRule[]) =>
    JSON.stringify({ effective: effective ?? null, expires: expires ?? null, rules: chosen.map((rule) => resolve(policy, withWaiverPositions(rule))) });
  const own = text(rules);
  // Whether an earlier line item stands depends on every rule of the policy.
  return own.includes('"earlierItems"') ? text(policy.rules) : own;
}

/** A rule whose waivers are named by position, since ids are left out. */
function withWaiverPositions(rule: LoweredRule): unknown {
  return {
    ...rule,
    criteria: rule.criteria.map((criterion) =>
      criterion.waivedBy === undefined ? criterion : { ...criterion, waivedBy: rule.criteria.findIndex((other) => other.id === criterion.waivedBy) },
    ),
  };
}

/** A window as text: its extent, or a plan year with the start it reads. */
function windowText(policy: LoweredPolicy, index: number, shallow: boolean): unknown {
  const window = policy.windows[index]!;
  switch (window.kind) {
    case "back":
      return `${window.amount}${window.unit}`;
    case "calendarYear":
      return "calendar year";
    case "planYear":
      return { planYear: resolve(policy, window.start, shallow) };
  }
}

/** One expression as text, with lets, list lets and code sets by name (their own changes are
 *  listed under them) and windows by their duration. */
export function shallowExpr(policy: LoweredPolicy, expr: Expr): string {
  return JSON.stringify(resolve(policy, expr, true));
}

function resolve(policy: LoweredPolicy, node: unknown, shallow = false): unknown {
  if (Array.isArray(node)) return node.map((entry) => resolve(policy, entry, shallow));
  if (typeof node !== "object" || node === null) return node;
  const record = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (IGNORED.has(key)) continue;
    if (key === "codeSets" && Array.isArray(value)) {
      out[key] = value.map((index: number) => codeSet(policy, index)).sort();
    } else if (key === "codeSet" && typeof value === "number") {
      out[key] = shallow ? policy.codeSets[value]!.name : codeSet(policy, value);
    } else if (key === "window" && typeof value === "number") {
      out[key] = windowText(policy, value, shallow);
    } else if (record["kind"] === "asOf" && key === "rule") {
      // The rule by what it says (the checker rules out a rule evaluated as of itself).
      const rule = policy.rules[value as number]!;
      out[key] = shallow ? rule.id : resolve(policy, withWaiverPositions(rule));
    } else if (key === "base" && typeof value === "number") {
      out[key] = shallow ? policy.lists[value]!.name : resolve(policy, policy.lists[value]!.chain);
    } else if (record["kind"] === "let" && key === "slot") {
      out["body"] = shallow ? policy.lets[value as number]!.name : resolve(policy, policy.lets[value as number]!.body);
    } else if (record["kind"] === "lookup" && key === "table") {
      // A table by its entries: a changed value is a changed meaning.
      const table = policy.tables[value as number]!;
      out[key] = shallow ? table.name : [table.duration, table.entries];
    } else if (record["kind"] === "computed" && key === "index") {
      out["body"] = shallow ? policy.computed[value as number]!.field : resolve(policy, policy.computed[value as number]!.body);
    } else {
      out[key] = resolve(policy, value, shallow);
    }
  }
  return out;
}

function codeSet(policy: LoweredPolicy, index: number): string {
  const set = policy.codeSets[index]!;
  return JSON.stringify([set.system, [...set.exact].sort(), [...set.prefixes].sort(), set.ranges.map((r) => r.join("-")).sort()]);
}
