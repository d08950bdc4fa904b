// The meaning of a set of rules as text: the lowered rules with every reference (lets, list lets,
// windows, code sets, computed fields, lookup tables) replaced by what it refers to, and everything that cannot
// change an outcome (spans, ids, descriptions, citations) left out. Two versions whose rules for a
// code read the same here decide every case alike, so the semantic diff needs no solver for it.

import type { Expr, LoweredPolicy, LoweredRule } from "../../index.js";

const IGNORED = new Set(["span", "line", "text", "description", "citation", "title", "label", "cost", "id", "name", "shared"]);

export function canonicalRules(policy: LoweredPolicy, rules: readonly LoweredRule[]): string {
  const { effective, expires } = policy.metadata;
  return JSON.stringify({ effective, expires: expires ?? null, rules: rules.map((rule) => resolve(policy, rule)) });
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
      const { amount, unit } = policy.windows[value]!;
      out[key] = `${amount}${unit}`;
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
