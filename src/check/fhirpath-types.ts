// What a FHIRPath expression gives, worked out from the R4 model where it can be: the FHIR types
// of its result for member paths (`code.coding`, `performed`, `value.ofType(Quantity)`) and the
// functions whose result type is fixed (`exists()` is boolean). Anything else is undetermined,
// and the reader checks the values it meets instead.

import type { FhirModel, FhirpathNode } from "./fhirpath-engine.js";

/** Where evaluation stands: a type, and for backbone elements the element path that defines it. */
interface Place {
  type: string;
  path?: string;
}

export type Inference =
  /** Every type the result may have (a choice gives several). */
  | { kind: "types"; types: string[] }
  /** A step named an element the type does not have. */
  | { kind: "unknownElement"; type: string; element: string; start: { line: number; column: number }; length: number }
  | { kind: "undetermined" };

const PRIMITIVE_CHOICES = new Set([
  "Base64Binary", "Boolean", "Canonical", "Code", "Date", "DateTime", "Decimal", "Id", "Instant", "Integer",
  "Markdown", "Oid", "PositiveInt", "String", "Time", "UnsignedInt", "Uri", "Url", "Uuid",
]);

/** Functions whose result has the type of their input. */
const KEEPS_TYPE = new Set(["where", "first", "last", "single", "tail", "skip", "take", "distinct", "intersect", "exclude", "trace"]);
/** Functions with a boolean result. */
const BOOLEAN = new Set([
  "exists", "empty", "all", "allTrue", "anyTrue", "allFalse", "anyFalse", "not", "hasValue", "subsetOf", "supersetOf",
  "isDistinct", "startsWith", "endsWith", "contains", "matches", "is", "memberOf", "convertsToBoolean",
  "convertsToInteger", "convertsToDecimal", "convertsToString", "convertsToDate", "convertsToDateTime", "convertsToQuantity",
]);
const FIXED: Record<string, string> = {
  count: "integer",
  length: "integer",
  toInteger: "integer",
  toDecimal: "decimal",
  toString: "string",
  toDate: "date",
  toDateTime: "dateTime",
  toQuantity: "Quantity",
  toBoolean: "boolean",
  lower: "string",
  upper: "string",
  substring: "string",
  replace: "string",
  join: "string",
};
const BOOLEAN_OPERATORS = new Set([
  "EqualityExpression", "InequalityExpression", "AndExpression", "OrExpression", "XorExpression",
  "ImpliesExpression", "MembershipExpression",
]);

export class FhirpathTypes {
  constructor(private readonly model: FhirModel) {}

  /** Whether `name` is a resource type of R4 (not an abstract one). */
  isResource(name: string): boolean {
    if (name === "Resource" || name === "DomainResource") return false;
    for (let type: string | undefined = name, steps = 0; type !== undefined && steps < 8; type = this.model.type2Parent[type], steps++) {
      if (type === "Resource") return true;
    }
    return false;
  }

  /** The element names of `type` (or of the backbone element at `path`), for help texts. */
  elements(place: { type: string; path?: string }): string[] {
    const prefix = `${this.definition(place.path ?? place.type)}.`;
    const names = new Set<string>();
    for (const key of Object.keys(this.model.path2Type)) {
      if (key.startsWith(prefix) && !key.slice(prefix.length).includes(".")) names.add(key.slice(prefix.length));
    }
    for (const key of Object.keys(this.model.choiceTypePaths)) {
      if (key.startsWith(prefix) && !key.slice(prefix.length).includes(".")) names.add(key.slice(prefix.length));
    }
    return [...names].sort();
  }

  /** The types `expression` (parsed) gives on a `context` (a type, or an element path such as `Claim.item`). */
  infer(tree: FhirpathNode, context: string): Inference {
    const place = this.placeOf(context);
    if (place === undefined) return { kind: "undetermined" };
    const start = [place];
    const result = this.node(tree, start, start);
    if ("unknown" in result) return result.unknown;
    if (result.places === undefined || result.places.length === 0) return { kind: "undetermined" };
    return { kind: "types", types: [...new Set(result.places.map((p) => p.type))] };
  }

  private placeOf(context: string): Place | undefined {
    const type = this.model.path2Type[context];
    if (!context.includes(".")) return { type: context };
    if (type === undefined) return undefined;
    return type === "BackboneElement" || type === "Element" ? { type, path: context } : { type };
  }

  /** `places` undefined: undetermined. */
  private node(
    node: FhirpathNode,
    input: Place[] | undefined,
    root: Place[],
  ): { places: Place[] | undefined } | { unknown: Inference } {
    const children = node.children ?? [];
    switch (node.type) {
      case "EntireExpression":
      case "TermExpression":
      case "InvocationTerm":
      case "ParenthesizedTerm":
        return children.length === 1 ? this.node(children[0]!, input, root) : { places: undefined };
      case "InvocationExpression": {
        const left = this.node(children[0]!, input, root);
        if ("unknown" in left) return left;
        return this.node(children[1]!, left.places, root);
      }
      case "MemberInvocation": {
        const name = node.text ?? "";
        if (input === undefined) return { places: undefined };
        // `Procedure.code` on a Procedure: the leading type name is the context itself.
        if (node.atRoot !== undefined && input === root && input.some((p) => p.path === undefined && p.type === name)) {
          return { places: input };
        }
        // A choice gives several places; the step keeps those that have the element.
        const out: Place[] = [];
        for (const place of input) {
          const found = this.member(place, name);
          if (found === "undetermined") return { places: undefined };
          if (found !== undefined) out.push(...found);
        }
        if (out.length === 0) {
          const place = input.find((p) => !isPrimitive(p.type)) ?? input[0];
          if (place === undefined) return { places: undefined };
          return {
            unknown: { kind: "unknownElement", type: place.path ?? place.type, element: name, start: node.start ?? { line: 1, column: 1 }, length: node.length ?? name.length },
          };
        }
        return { places: out };
      }
      case "FunctionInvocation": {
        const functn = children[0];
        const name = functn?.children?.[0]?.text ?? "";
        if (KEEPS_TYPE.has(name)) return { places: input };
        if (BOOLEAN.has(name)) return { places: [{ type: "boolean" }] };
        const fixed = FIXED[name];
        if (fixed !== undefined) return { places: [{ type: fixed }] };
        if (name === "ofType" || name === "as") {
          const type = typeName(functn?.children?.[1]);
          return { places: type === undefined ? undefined : [{ type: primitiveName(type) }] };
        }
        return { places: undefined };
      }
      case "TypeExpression": {
        // `x is T` is boolean; `x as T` has type T.
        if (node.text === "is") return { places: [{ type: "boolean" }] };
        const type = typeName(children[1]);
        return { places: type === undefined ? undefined : [{ type: primitiveName(type) }] };
      }
      case "LiteralTerm": {
        const literal = children[0]?.type;
        const types: Record<string, string> = {
          BooleanLiteral: "boolean",
          StringLiteral: "string",
          NumberLiteral: "decimal",
          DateLiteral: "date",
          DateTimeLiteral: "dateTime",
          QuantityLiteral: "Quantity",
        };
        const type = literal === undefined ? undefined : types[literal];
        return { places: type === undefined ? undefined : [{ type }] };
      }
      case "UnionExpression": {
        const left = this.node(children[0]!, input, root);
        if ("unknown" in left) return left;
        const right = this.node(children[1]!, input, root);
        if ("unknown" in right) return right;
        return { places: left.places && right.places ? [...left.places, ...right.places] : undefined };
      }
      case "IndexerExpression": {
        const left = this.node(children[0]!, input, root);
        return left;
      }
      default:
        if (BOOLEAN_OPERATORS.has(node.type)) return { places: [{ type: "boolean" }] };
        return { places: undefined };
    }
  }

  /** The element `name` of `place`: its places, "undetermined", or undefined when there is none. */
  private member(place: Place, name: string): Place[] | "undetermined" | undefined {
    // Primitives have only `id` and `extension` (of their JSON `_name` twin), left to the engine.
    if (isPrimitive(place.type)) return name === "id" || name === "extension" ? "undetermined" : undefined;
    const owners = place.path !== undefined ? [this.definition(place.path)] : this.ancestry(place.type);
    for (const owner of owners) {
      const key = `${owner}.${name}`;
      const type = this.model.path2Type[key];
      if (type !== undefined) {
        if (type === "BackboneElement" || type === "Element") return [{ type, path: this.definition(key) }];
        return [{ type: type.startsWith("System.") ? primitiveName(type.slice(7)) : type }];
      }
      const choices = this.model.choiceTypePaths[key];
      if (choices !== undefined) return choices.map((choice) => ({ type: primitiveName(choice) }));
      if (this.model.pathsDefinedElsewhere[key] !== undefined) {
        return [{ type: "BackboneElement", path: this.definition(key) }];
      }
    }
    // Backbone elements inherit `id`, `extension` and `modifierExtension`.
    if (place.path !== undefined) {
      const inherited = this.member({ type: "BackboneElement" }, name);
      if (inherited !== undefined) return inherited;
    }
    return undefined;
  }

  private definition(path: string): string {
    return this.model.pathsDefinedElsewhere[path] ?? path;
  }

  /** `type` and its ancestors, nearest first. */
  private ancestry(type: string): string[] {
    const out: string[] = [];
    for (let t: string | undefined = type; t !== undefined && out.length < 8; t = this.model.type2Parent[t]) out.push(t);
    return out;
  }
}

function isPrimitive(type: string): boolean {
  return /^[a-z]/.test(type);
}

/** `DateTime` (as choices spell it) is the primitive `dateTime`; complex types keep their name. */
function primitiveName(type: string): string {
  const bare = type.startsWith("FHIR.") ? type.slice(5) : type;
  return PRIMITIVE_CHOICES.has(bare) ? bare[0]!.toLowerCase() + bare.slice(1) : bare;
}

/** The type named by a `TypeSpecifier` (or a parameter holding one). */
function typeName(node: FhirpathNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  const texts: string[] = [];
  const walk = (n: FhirpathNode, depth: number): void => {
    if (depth > 16) return;
    if (n.type === "Identifier" && n.text !== undefined) texts.push(n.text);
    for (const child of n.children ?? []) walk(child, depth + 1);
  };
  walk(node, 0);
  return texts.length === 0 ? undefined : texts.join(".");
}
