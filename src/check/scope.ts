// Name resolution: what a bare name means where it is written. The order is the language's:
// named elements by their name, then fields of the unnamed `where` elements (the innermost one
// that has the field), lets, case fields, built-ins; enum members only where an enum value is
// expected (decided by the type checker). A named element's fields are read only through its
// name (`v.date`), so naming is how an author says which of two elements a field belongs to.

import { CASE_RECORD, type Binding } from "../model.js";
import type { Environment } from "./schema.js";

export interface ScopeElement {
  record: string;
  /** `some v in visits where ...`: the element is `v`, its fields are `v.date`, never bare. */
  name?: string;
}

export interface Scope {
  /** The elements in scope, outermost first: the enclosing `where`s, and for a computed field
   *  its own record at the bottom. */
  elements: readonly ScopeElement[];
  /** Inside a computed field only the record's own fields (and nested elements) are visible. */
  recordOnly: boolean;
}

export const TOP_SCOPE: Scope = { elements: [], recordOnly: false };

export function withElement(scope: Scope, record: string, name?: string): Scope {
  return { elements: [...scope.elements, name === undefined ? { record } : { record, name }], recordOnly: scope.recordOnly };
}

/** The built-in names besides case fields. `items` is the case's built-in list, bound as such. */
const BUILT_INS: Record<string, Binding> = {
  item: { kind: "item" },
  items: { kind: "items" },
  other_items: { kind: "otherItems" },
  earlier_items: { kind: "earlierItems" },
  dos: { kind: "dos" },
};

/**
 * The names a policy may not declare as a `let` or a field, with what they mean: a declaration
 * would hide them (fields of a `where` element and lets resolve before built-ins).
 */
export const RESERVED_NAMES: Readonly<Record<string, string>> = {
  item: "the built-in `item` (the requested line item)",
  items: "the built-in `items` (every requested line item)",
  other_items: "the built-in `other_items` (the other requested line items)",
  dos: "the built-in `dos` (the date of service)",
  date_of_service: "the built-in case field `date_of_service`",
};

/** Resolve a bare name without the contextual enum-member step. */
export function lookupName(env: Environment, scope: Scope, name: string): Binding | undefined {
  const { elements } = scope;
  for (let depth = 0; depth < elements.length; depth++) {
    const element = elements[elements.length - 1 - depth]!;
    if (element.name === name) return { kind: "namedElement", record: element.record, name, depth };
  }
  for (let depth = 0; depth < elements.length; depth++) {
    const element = elements[elements.length - 1 - depth]!;
    if (element.name === undefined && env.schema.records.get(element.record)?.fields.has(name)) {
      return { kind: "element", record: element.record, field: name, depth };
    }
  }
  if (scope.recordOnly) return undefined;
  return globalName(env, name);
}

/** What a name means outside every element: a let, a case field or a built-in. */
export function globalName(env: Environment, name: string): Binding | undefined {
  if (env.lets.has(name)) return { kind: "let", name };
  if (name !== "items" && env.schema.records.get(CASE_RECORD)?.fields.has(name)) return { kind: "caseField", field: name };
  // Own properties only: a name such as `constructor` or `__proto__` is no built-in.
  return Object.hasOwn(BUILT_INS, name) ? BUILT_INS[name] : undefined;
}

/** The records of the unnamed elements in scope that have a field `name`, innermost first. */
export function elementsWithField(env: Environment, scope: Scope, name: string): string[] {
  return scope.elements
    .filter((element) => element.name === undefined && env.schema.records.get(element.record)?.fields.has(name))
    .map((element) => element.record)
    .reverse();
}

/** The named element in scope whose record has a field `name`, for "write `v.date`" hints. */
export function namedElementWithField(env: Environment, scope: Scope, name: string): string | undefined {
  for (let i = scope.elements.length - 1; i >= 0; i--) {
    const element = scope.elements[i]!;
    if (element.name !== undefined && env.schema.records.get(element.record)?.fields.has(name)) return element.name;
  }
  return undefined;
}

/** Every name a bare reference could mean here, for "did you mean" suggestions. */
export function visibleNames(env: Environment, scope: Scope): string[] {
  const names = scope.elements.flatMap((element) =>
    element.name !== undefined ? [element.name] : [...(env.schema.records.get(element.record)?.fields.keys() ?? [])],
  );
  if (scope.recordOnly) return names;
  return [...names, ...env.lets.keys(), ...(env.schema.records.get(CASE_RECORD)?.fields.keys() ?? []), ...Object.keys(BUILT_INS)];
}
