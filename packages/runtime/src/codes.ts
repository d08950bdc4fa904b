// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Code sets
//
// Codes are compared upper-cased and without dots, so ICD-10 `B02.9` and `B029` are the same code
// and `b02.9` matches too. Ranges compare equal-length codes lexicographically.

import { type Tri, Unknown } from "./logic.js";

function codeKey(code: string): string {
  if (isNormalCode(code)) return code;
  const trimmed = code.trim();
  return (trimmed.indexOf(".") < 0 ? trimmed : trimmed.replace(/\./g, "")).toUpperCase();
}

/**
 * A code as `==`, `!=`, member sets and lists of codes compare it: upper case, without dots or
 * surrounding white space, so `"b02.9"` equals `"B029"`. Anything that is not a string (unknown,
 * none) is returned as it is.
 */
export function normaliseCode(value: string): string;
export function normaliseCode(value: unknown): unknown;
export function normaliseCode(value: unknown): unknown {
  return typeof value === "string" ? codeKey(value) : value;
}

/** Whether a code is already upper-case without dots or spaces: the usual case, checked without
 *  allocating. Only printable ASCII is: `trim` and `toUpperCase` change other characters too (a
 *  no-break space, `é`), so a code holding one takes the long way. */
function isNormalCode(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 46 /* . */ || c <= 32 || c >= 127 || (c >= 97 && c <= 122)) return false;
  }
  return true;
}

const MAX_ANSWERS = 4096;

export class CodeSet {
  private readonly exactCodes: ReadonlySet<string>;
  private readonly normalisedPrefixes: readonly string[];
  private readonly normalisedRanges: readonly (readonly [string, string])[];
  /** No prefixes or ranges: a miss in the exact codes is a miss. */
  private readonly exactOnly: boolean;
  /** Answers for codes as written that needed normalising or a prefix or range search: a case
   *  repeats its codes, so each is worked out once. Bounded, so hostile input cannot grow it. */
  private readonly answers = new Map<string, boolean>();

  constructor(
    readonly exact: readonly string[],
    /** `B02.*` is stored as prefix "B02". */
    readonly prefixes: readonly string[],
    /** Inclusive, equal-length bounds. */
    readonly ranges: readonly (readonly [string, string])[],
  ) {
    this.exactCodes = new Set(exact.map(codeKey));
    this.normalisedPrefixes = prefixes.map(codeKey);
    this.normalisedRanges = ranges.map(([lo, hi]) => [codeKey(lo), codeKey(hi)] as const);
    this.exactOnly = prefixes.length === 0 && ranges.length === 0;
  }

  has(code: string): boolean {
    // Every stored code is normal, so a raw hit is a hit; only a miss may need normalising. A
    // normal code is its own key, so a miss of one in a set of exact codes only is a miss.
    if (this.exactCodes.has(code)) return true;
    if (this.exactOnly && isNormalCode(code)) return false;
    const known = this.answers.get(code);
    if (known !== undefined) return known;
    const answer = this.search(String(code));
    if (this.answers.size < MAX_ANSWERS) this.answers.set(code, answer);
    return answer;
  }

  private search(raw: string): boolean {
    const normal = codeKey(raw);
    if (normal !== raw && this.exactCodes.has(normal)) return true;
    if (this.exactOnly) return false;
    const prefixes = this.normalisedPrefixes;
    for (let i = 0; i < prefixes.length; i++) if (normal.startsWith(prefixes[i]!)) return true;
    const ranges = this.normalisedRanges;
    for (let i = 0; i < ranges.length; i++) {
      const range = ranges[i]!;
      if (normal.length === range[0].length && range[0] <= normal && normal <= range[1]) return true;
    }
    return false;
  }
}

/** `code in set`: unknown when the code is unknown; false for null. */
export function inCodes(code: unknown, set: CodeSet): Tri {
  if (typeof code === "string") return set.has(code);
  if (code instanceof Unknown) return code;
  if (typeof code === "number") return set.has(String(code));
  return false;
}
