// Diagnostics: the one catalogue of every message pol can report, and how they are rendered.
// Codes are stable: POL1xxx syntax, POL2xxx names and files, POL3xxx types and units,
// POL4xxx policy structure (rules, criteria, citations). Never reuse or renumber a code.

import type { Span } from "./ast.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** One lowercase sentence, user input in backticks, no trailing period. */
  message: string;
  span: Span;
  /** A likely fix, e.g. "did you mean `relief`?". */
  help?: string;
}

interface CatalogueEntry {
  /** What the code means, for `docs/diagnostics.md` and `pol explain`-style help. */
  summary: string;
}

/** Every diagnostic code. Add new codes at the end of their range. */
export const catalogue = {
  // Syntax
  POL1001: { summary: "unexpected character" },
  POL1002: { summary: "unexpected token: the parser expected something else here" },
  POL1003: { summary: "unterminated string literal" },
  POL1004: { summary: "invalid date literal" },
  POL1005: { summary: "invalid code in a code list" },
  POL1006: { summary: "invalid duration literal" },
  POL1007: { summary: "missing token: the parser expected more input" },
  POL1008: { summary: "header field given twice" },
  POL1009: { summary: "required header field missing" },
  // Names and files
  POL2001: { summary: "unknown name" },
  POL2002: { summary: "unknown field of a record" },
  POL2003: { summary: "unknown code set" },
  POL2004: { summary: "unknown type" },
  POL2005: { summary: "duplicate declaration" },
  POL2006: { summary: "used file not found or unreadable" },
  POL2007: { summary: "cycle of `use` between files" },
  POL2008: { summary: "a `let` refers to itself" },
  POL2009: { summary: "unknown enum member" },
  POL2010: { summary: "a schema file cannot contain rules" },
  POL2011: { summary: "missing schema: no `case` or `item` declaration is visible" },
  POL2012: { summary: "a `use` path is absolute or leaves the project root" },
  POL2013: { summary: "a `use` names a file that is not a `.pol` source (another extension, not a regular file, or over 1 MiB)" },
  POL2014: { summary: "a policy id compiles to a file name pol reserves (`runtime`, `index`)" },
  POL2015: { summary: "two policies compile to the same file name" },
  // Types and units
  POL3001: { summary: "operands of incompatible types" },
  POL3002: { summary: "percent literal outside 0-100%" },
  POL3003: { summary: "calendar duration compared with a fixed duration" },
  POL3004: { summary: "window or pick over a list whose records have no date" },
  POL3005: { summary: "a condition must be a boolean" },
  POL3006: { summary: "expected a list" },
  POL3007: { summary: "field access on a value that is not a record" },
  POL3008: { summary: "`in` applied to a value that is not a code" },
  POL3009: { summary: "invalid code range" },
  POL3010: { summary: "`coverage` over records that are not episodes" },
  POL3011: { summary: "`sum` over a field that is not a number or duration" },
  POL3012: { summary: "computed field of the wrong type" },
  POL3013: { summary: "the item declaration must have a `code: code` field" },
  POL3014: { summary: "`dated by` names a field that is not a date" },
  POL3015: { summary: "`within` applied to a list that already has a window" },
  // Policy structure
  POL4001: { summary: "criterion without a citation" },
  POL4002: { summary: "duplicate rule name" },
  POL4003: { summary: "duplicate criterion id" },
  POL4004: { summary: "a policy file needs at least one rule" },
  POL4005: { summary: "`require` needs a condition" },
  POL4006: { summary: "criterion without a description" },
} as const satisfies Record<string, CatalogueEntry>;

export type DiagnosticCode = keyof typeof catalogue;

export function error(code: DiagnosticCode, message: string, span: Span, help?: string): Diagnostic {
  return help === undefined
    ? { code, severity: "error", message, span }
    : { code, severity: "error", message, span, help };
}

/** Sort by file, then position, then code: the order every report uses. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.start.offset - b.span.start.offset ||
      a.code.localeCompare(b.code),
  );
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * Human format, one block per diagnostic:
 *
 *   error[POL2002]: unknown field `releif` on `Procedure`
 *     --> policies/truecare/sij.pol:14:14
 *      |
 *   14 |     last_sij.releif >= 75%
 *      |              ~~~~~~
 *      = help: did you mean `relief`?
 */
export function renderDiagnostic(diagnostic: Diagnostic, source: string): string {
  const { span } = diagnostic;
  const lines = source.split(/\r\n|\r|\n/);
  const lineNo = span.start.line;
  const lineText = lines[lineNo - 1] ?? "";
  const gutter = String(Math.max(lineNo, span.end.line)).length;
  const pad = " ".repeat(gutter);
  const startCol = span.start.column;
  const endCol =
    span.end.line === lineNo ? Math.max(span.end.column, startCol + 1) : lineText.length + 1;
  const underline = " ".repeat(startCol - 1) + "~".repeat(Math.max(1, endCol - startCol));
  const out = [
    `${diagnostic.severity}[${diagnostic.code}]: ${diagnostic.message}`,
    `${pad}--> ${span.file}:${span.start.line}:${span.start.column}`,
    `${pad} |`,
    `${String(lineNo).padStart(gutter)} | ${lineText}`,
    `${pad} | ${underline}`,
  ];
  if (diagnostic.help) out.push(`${pad} = help: ${diagnostic.help}`);
  return out.join("\n");
}

/** JSON format for tools: one object per diagnostic. */
export function diagnosticToJson(diagnostic: Diagnostic): Record<string, unknown> {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: diagnostic.span.file,
    line: diagnostic.span.start.line,
    column: diagnostic.span.start.column,
    endLine: diagnostic.span.end.line,
    endColumn: diagnostic.span.end.column,
    ...(diagnostic.help ? { help: diagnostic.help } : {}),
  };
}

/**
 * The golden baseline format (`.errors.txt`, after TypeScript's): the whole source reprinted,
 * with `~~~` under each diagnostic's span and the message below it.
 */
export function renderBaseline(source: string, diagnostics: readonly Diagnostic[]): string {
  const lines = source.split(/\r\n|\r|\n/);
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of sortDiagnostics(diagnostics)) {
    const list = byLine.get(d.span.start.line) ?? [];
    list.push(d);
    byLine.set(d.span.start.line, list);
  }
  const out: string[] = [];
  for (const d of sortDiagnostics(diagnostics)) {
    out.push(`${d.span.file}(${d.span.start.line},${d.span.start.column}): error ${d.code}: ${d.message}`);
  }
  out.push("");
  lines.forEach((text, index) => {
    out.push(text);
    for (const d of byLine.get(index + 1) ?? []) {
      const start = d.span.start.column;
      const end = d.span.end.line === index + 1 ? Math.max(d.span.end.column, start + 1) : text.length + 1;
      out.push(" ".repeat(start - 1) + "~".repeat(Math.max(1, end - start)));
      out.push(`!!! ${d.code}: ${d.message}`);
      if (d.help) out.push(`!!! help: ${d.help}`);
    }
  });
  return out.join("\n").replace(/\n+$/, "") + "\n";
}

/** "did you mean `x`?" for the closest candidate within a small edit distance. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= limit ? `did you mean \`${best}\`?` : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
