// The shape of a parsed file without source positions: two files have the same shape when they
// mean the same thing and carry the same comments in the same order, however they are laid out.

import type { SourceFile } from "../../src/ast.js";
import { parse } from "../../src/syntax/parse.js";

const POSITION_KEYS = new Set(["span", "keySpan", "effectSpan", "operatorSpan"]);

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!POSITION_KEYS.has(key)) result[key] = strip(field);
  }
  return result;
}

/** The AST without spans; comments reduced to their texts (trailing blanks are not meaningful). */
export function astShape(file: SourceFile): unknown {
  const { comments, ...rest } = file;
  return { ...(strip(rest) as object), comments: comments.map((comment) => comment.text.trimEnd()) };
}

/** Parse `source`, failing with its diagnostics when it does not parse. */
export function parseShape(source: string): unknown {
  const { file, diagnostics } = parse(source, "test.pol");
  if (file === undefined) {
    throw new Error(
      `does not parse:\n${diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message}`).join("\n")}`,
    );
  }
  return astShape(file);
}
