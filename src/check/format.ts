// Small helpers for phrasing diagnostics: type names as users write them, source excerpts, and
// "first declared at" locations.

import type { Node, Span } from "../ast.js";
import type { Type } from "../model.js";

export function typeName(type: Type): string {
  switch (type.kind) {
    case "enum":
    case "record":
      return type.name;
    case "list":
      return `list of ${type.element}`;
    case "values":
      return `list of ${typeName(type.element)}`;
    case "calendar":
      return "calendar duration";
    case "elapsed":
      return "elapsed time";
    default:
      return type.kind;
  }
}

export function location(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/** The source text of a node, on one line and shortened, for quoting it in a message. */
export class Excerpts {
  constructor(private readonly sources: ReadonlyMap<string, string>) {}

  of(node: Node): string {
    const text = this.sources.get(node.span.file);
    if (text === undefined) return "this expression";
    const raw = balanced(text.slice(node.span.start.offset, node.span.end.offset).replace(/\s+/g, " ").trim());
    return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
  }
}

/**
 * A node's span starts at its first operand, so the text of `(a) and b` begins `a) and b`: the
 * parentheses a span cuts through are restored, so a message quotes what was written.
 */
function balanced(text: string): string {
  let depth = 0;
  let missingOpen = 0;
  let inString = false;
  for (const c of text) {
    if (c === '"') inString = !inString;
    if (inString) continue;
    if (c === "(") depth++;
    else if (c === ")") {
      if (depth === 0) missingOpen++;
      else depth--;
    }
  }
  return "(".repeat(missingOpen) + text + ")".repeat(depth);
}
