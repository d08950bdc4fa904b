// Values of literal tokens. The token stream has already been checked (token-checks.ts), so
// these only decode.

import type { IToken } from "chevrotain";
import type { CodeEntry, CodeSystem, DurationUnit, Span } from "../ast.js";

/** `"a \"b\" \\ c"` -> `a "b" \ c`. */
export function stringValue(image: string): string {
  const inner = image.slice(1, -1);
  return inner.includes("\\") ? inner.replace(/\\(["\\])/g, "$1") : inner;
}

/** `[D.I.B.1]` -> `D.I.B.1`. */
export function citationText(image: string): string {
  return image.slice(1, -1);
}

export function durationParts(image: string): { amount: number; unit: DurationUnit } {
  const match = /^(\d+)(d|wk|mo|y|h)$/.exec(image);
  if (match === null) throw new Error(`not a duration: ${image}`);
  return { amount: Number(match[1]), unit: match[2] as DurationUnit };
}

/** `cpt {`, `icd10\n{` -> the code system. */
export function codeSystem(codeListOpen: string): CodeSystem {
  const match = /^(cpt|hcpcs|icd10)/.exec(codeListOpen);
  if (match === null) throw new Error(`not a code list: ${codeListOpen}`);
  return match[1] as CodeSystem;
}

/** One entry of a code list, upper-cased: `b02.*` -> prefix `B02`, `64490-64495` -> range. */
export function codeEntry(token: IToken, span: Span): CodeEntry {
  const text = token.image.toUpperCase();
  switch (token.tokenType.name) {
    case "CodeExact":
      return { kind: "CodeExact", span, code: text };
    case "CodePrefix":
      return { kind: "CodePrefix", span, prefix: text.replace(/\.?\*$/, "") };
    case "CodeRange": {
      const [from, to] = text.split("-") as [string, string];
      return { kind: "CodeRange", span, from, to };
    }
    default:
      throw new Error(`not a valid code: ${token.image}`);
  }
}

/** Days in a month of the proleptic Gregorian calendar (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The problem with `YYYY-MM-DD`, or undefined when it is a real date. */
export function dateProblem(image: string): string | undefined {
  const [year, month, day] = image.split("-").map(Number) as [number, number, number];
  if (month < 1 || month > 12) return "months run from `01` to `12`";
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${image.slice(0, 7)} has ${days} days`;
  return undefined;
}
