// Plain data (policy metadata, the schema descriptor) printed as TypeScript literals. Key order is
// the objects' own insertion order, which the model keeps in declaration order.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function literal(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
      return String(value);
    case "object": {
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      const body = entries.map(([key, v]) => `${propertyKey(key)}: ${literal(v)}`);
      return `{ ${body.join(", ")} }`;
    }
    default:
      throw new Error(`internal error: cannot print a ${typeof value} as a literal`);
  }
}

/** An object literal key. `__proto__: v` would set the prototype, so that name is computed. */
function propertyKey(key: string): string {
  if (key === "__proto__") return '["__proto__"]';
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}
