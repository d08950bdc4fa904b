// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Unknowns and three-valued logic

/** One missing fact: where it is in the case and the schema's label for it. */
export interface Missing {
  /** JSON path into the case, e.g. `procedures[2].relief`, `items[0].purpose`, `pain_onset`. */
  fact: string;
  label: string;
}

export class Unknown {
  constructor(readonly missing: readonly Missing[]) {}
}

export type Tri = boolean | Unknown;

/**
 * What a malformed value (a date that is no calendar date, a number that is not finite) is when it
 * reaches an operation without validation: unknown. Field reads name the fact (see `field`); an
 * operation handed such a value directly has no fact to name.
 */
export const MALFORMED: Unknown = new Unknown(Object.freeze([]));

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** Accumulates missing facts, deduplicated by `fact`, first seen first. Only built when needed. */
export class MissingList {
  readonly facts: Missing[] = [];
  private readonly seen = new Set<string>();

  add(unknown: Unknown): void {
    for (const missing of unknown.missing) {
      if (!this.seen.has(missing.fact)) {
        this.seen.add(missing.fact);
        this.facts.push(missing);
      }
    }
  }

  toUnknown(): Unknown {
    return new Unknown(this.facts);
  }
}

/** The Unknown carried by a value: itself, a Range's unknown, or undefined for known values. */
function unknownIn(value: unknown): Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (isRange(value)) return value.unknown;
  return undefined;
}

/** Two unknowns merged; returns `a` itself when `b` adds nothing new. */
export function mergeTwo(a: Unknown, b: Unknown): Unknown {
  if (a === b) return a;
  const merged = new MissingList();
  merged.add(a);
  const before = merged.facts.length;
  merged.add(b);
  return merged.facts.length === before ? a : merged.toUnknown();
}

/**
 * Merge the missing facts of every Unknown among `values` (deduplicated by `fact`, first seen
 * first). A Range contributes its `unknown`. With no Unknown among them, an Unknown with no facts.
 */
export function unknownOf(...values: unknown[]): Unknown {
  let result: Unknown | undefined;
  for (const value of values) {
    const unknown = unknownIn(value);
    if (unknown !== undefined) result = result === undefined ? unknown : mergeTwo(result, unknown);
  }
  return result ?? new Unknown([]);
}

/** Kleene conjunction: false if any is false, true if all are true, otherwise unknown (merging the unknown operands). */
/** Operands are Tri; anything else (none) counts as false. */
export function and(...operands: readonly unknown[]): Tri {
  let unknown: Unknown | undefined;
  for (const operand of operands) {
    if (operand === true) continue;
    if (operand instanceof Unknown) unknown = unknown === undefined ? operand : mergeTwo(unknown, operand);
    else return false;
  }
  return unknown ?? true;
}

/** Kleene disjunction: true if any is true, false if all are false, otherwise unknown. */
export function or(...operands: readonly unknown[]): Tri {
  let unknown: Unknown | undefined;
  for (const operand of operands) {
    if (operand === true) return true;
    if (operand instanceof Unknown) unknown = unknown === undefined ? operand : mergeTwo(unknown, operand);
  }
  return unknown ?? false;
}

export function not(operand: unknown): Tri {
  if (operand instanceof Unknown) return operand;
  return operand !== true;
}

// ---------------------------------------------------------------------------------------------
// Ranges: exact bounds for counts, sums and coverage when some elements are uncertain

/** A number known to lie in [lo, hi] (hi may be Infinity); `unknown` says which facts would settle it. */
export interface Range {
  lo: number;
  hi: number;
  unknown: Unknown;
}

export function isRange(value: unknown): value is Range {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Range).lo === "number" &&
    typeof (value as Range).hi === "number" &&
    (value as Range).unknown instanceof Unknown
  );
}

/** A value in a condition: true and unknown stand; anything else (false, none) is false. */
export function truth(value: unknown): Tri {
  return value === true || value instanceof Unknown ? (value as Tri) : false;
}
