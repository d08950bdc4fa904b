// The module-level names of a generated evaluator, claimed up front in declaration order so every
// reference can be printed before (or without) the thing it refers to, and so the same policy
// always gets the same names.

import type { Expression } from "../ast.js";
import { CASE_RECORD, ITEM_RECORD, type CheckedPolicy } from "../model.js";
import { camelCase, Names, pascalCase } from "./names.js";
import { RUNTIME_NAMES } from "./runtime-names.js";

/** Names the module itself declares besides those derived from the policy. */
export const FIXED_NAMES = [
  "policy",
  "schema",
  "rules",
  "evaluate",
  "validate",
  "evaluateJson",
  "decide",
  "View",
  "Duration",
  "listOf",
  // The evaluation context parameter of every generated function.
  "c",
] as const;

/** A `within` window: `12mo` and so on. */
export interface WindowKey {
  amount: number;
  unit: "d" | "wk" | "mo" | "y";
}

export function windowKey(window: WindowKey): string {
  return `${window.amount}${window.unit}`;
}

export interface Symbols {
  names: Names;
  /** Record and enum names -> TypeScript type names. */
  types: Map<string, string>;
  codeSets: Map<string, string>;
  lets: Map<string, string>;
  /** `record.field` of computed fields -> function name. */
  computed: Map<string, string>;
  /** windowKey -> the window and the name of the function giving its bounds. */
  windows: Map<string, { name: string; window: WindowKey }>;
  /** Rule id -> name of its applicability function. */
  applies: Map<string, string>;
  /** Criterion id -> name of its condition function. */
  criteria: Map<string, string>;
  /** Let name, or `within 12mo` for a window -> its per-item cache slot and the module-level
   *  function computing its value (`Context.cached`). */
  caches: Map<string, { slot: number; compute: string }>;
}

const UNIT_WORDS = { d: "Day", wk: "Week", mo: "Month", y: "Year" } as const;

export function claimSymbols(policy: CheckedPolicy): Symbols {
  const names = new Names([...RUNTIME_NAMES, ...FIXED_NAMES]);
  const symbols: Symbols = {
    names,
    types: new Map(),
    codeSets: new Map(),
    lets: new Map(),
    computed: new Map(),
    windows: new Map(),
    applies: new Map(),
    criteria: new Map(),
    caches: new Map(),
  };
  symbols.types.set(CASE_RECORD, names.claim("Case"));
  symbols.types.set(ITEM_RECORD, names.claim("LineItem"));
  for (const name of policy.schema.enums.keys()) symbols.types.set(name, names.claim(pascalCase(name)));
  for (const name of policy.schema.records.keys()) {
    if (!symbols.types.has(name)) symbols.types.set(name, names.claim(pascalCase(name)));
  }
  for (const name of policy.codeSets.keys()) symbols.codeSets.set(name, names.claim(camelCase(name)));
  for (const { name } of policy.lets) symbols.lets.set(name, names.claim(camelCase(name)));
  for (const [recordName, record] of policy.schema.records) {
    for (const field of record.fields.values()) {
      if (field.computed) {
        symbols.computed.set(`${recordName}.${field.name}`, names.claim(camelCase(`${recordName}_${field.name}`)));
      }
    }
  }
  for (const window of windowsOf(policy)) {
    const word = UNIT_WORDS[window.unit] + (window.amount === 1 ? "" : "s");
    symbols.windows.set(windowKey(window), { name: names.claim(`last${window.amount}${word}`), window });
  }
  for (const rule of policy.rules) {
    symbols.applies.set(rule.id, names.claim(`${camelCase(rule.id)}Applies`));
    for (const criterion of rule.criteria) {
      symbols.criteria.set(criterion.id, names.claim(`criterion${pascalCase(criterion.id)}`));
    }
  }
  // Claimed last, so adding caches never renamed anything declared before them.
  const cached = [
    ...policy.lets.map(({ name }) => [name, symbols.lets.get(name)!] as const),
    ...[...symbols.windows].map(([key, { name }]) => [`within ${key}`, name] as const),
  ];
  cached.forEach(([key, fn], slot) => symbols.caches.set(key, { slot, compute: names.claim(`compute${pascalCase(fn)}`) }));
  return symbols;
}

/** Every distinct `within` window in the policy, in source order. */
function windowsOf(policy: CheckedPolicy): WindowKey[] {
  const found = new Map<string, WindowKey>();
  const visit = (expr: Expression | undefined): void => {
    if (!expr) return;
    if (expr.kind === "WithinExpression") {
      const key = { amount: expr.window.amount, unit: expr.window.unit };
      if (!found.has(windowKey(key))) found.set(windowKey(key), key);
    }
    for (const child of childrenOf(expr)) visit(child);
  };
  for (const record of policy.schema.records.values()) {
    for (const field of record.fields.values()) visit(field.computed);
  }
  for (const entry of policy.lets) visit(entry.decl.value);
  for (const rule of policy.rules) {
    visit(rule.decl.when);
    for (const criterion of rule.criteria) visit(criterion.condition);
  }
  return [...found.values()];
}

function childrenOf(expr: Expression): (Expression | undefined)[] {
  switch (expr.kind) {
    case "FieldAccess":
      return [expr.target];
    case "UnaryExpression":
    case "InCodesExpression":
    case "AsPercentExpression":
      return [expr.operand];
    case "BinaryExpression":
      return [expr.left, expr.right];
    case "GroupExpression":
      return expr.operands;
    case "WhereExpression":
      return [expr.source, expr.condition];
    case "WithinExpression":
    case "CountExpression":
    case "QuantifierExpression":
    case "PickExpression":
    case "SumExpression":
    case "CoverageExpression":
      return [expr.source];
    case "TimeSinceExpression":
      return [expr.from];
    case "TimeBetweenExpression":
      return [expr.from, expr.to];
    default:
      return [];
  }
}
