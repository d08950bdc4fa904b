// Name resolution: what a bare name means where it is written. The order is the language's:
// fields of the innermost `where` element (then outer ones), lets, case fields, built-ins; enum
// members only where an enum value is expected (decided by the type checker).

import { CASE_RECORD, type Binding } from "../model.js";
import type { Environment } from "./schema.js";

export interface Scope {
  /** Record names of the elements in scope, outermost first: the enclosing `where`s, and for a
   *  computed field its own record at the bottom. */
  elements: readonly string[];
  /** Inside a computed field only the record's own fields (and nested elements) are visible. */
  recordOnly: boolean;
}

export const TOP_SCOPE: Scope = { elements: [], recordOnly: false };

export function withElement(scope: Scope, record: string): Scope {
  return { elements: [...scope.elements, record], recordOnly: scope.recordOnly };
}

/** The built-in names besides case fields. `items` is the case's built-in list, bound as such. */
const BUILT_INS: Record<string, Binding> = {
  item: { kind: "item" },
  items: { kind: "items" },
  other_items: { kind: "otherItems" },
  earlier_items: { kind: "earlierItems" },
  dos: { kind: "dos" },
};

/** Resolve a bare name without the contextual enum-member step. */
export function lookupName(env: Environment, scope: Scope, name: string): Binding | undefined {
  for (let depth = 0; depth < scope.elements.length; depth++) {
    const record = scope.elements[scope.elements.length - 1 - depth]!;
    if (env.schema.records.get(record)?.fields.has(name)) return { kind: "element", record, field: name, depth };
  }
  if (scope.recordOnly) return undefined;
  if (env.lets.has(name)) return { kind: "let", name };
  if (name !== "items" && env.schema.records.get(CASE_RECORD)?.fields.has(name)) return { kind: "caseField", field: name };
  // Own properties only: a name such as `constructor` or `__proto__` is no built-in.
  return Object.hasOwn(BUILT_INS, name) ? BUILT_INS[name] : undefined;
}

/** Every name a bare reference could mean here, for "did you mean" suggestions. */
export function visibleNames(env: Environment, scope: Scope): string[] {
  const names = scope.elements.flatMap((record) => [...(env.schema.records.get(record)?.fields.keys() ?? [])]);
  if (scope.recordOnly) return names;
  return [...names, ...env.lets.keys(), ...(env.schema.records.get(CASE_RECORD)?.fields.keys() ?? []), ...Object.keys(BUILT_INS)];
}
