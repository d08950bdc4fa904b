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

/**
 * The unknown a missing fact reads as when only outcomes are wanted (`decideTrusted`): an outcome
 * depends on which values are unknown, never on which facts they name, so no fact is named and
 * nothing is built.
 */
export const UNNAMED: Unknown = new Unknown(Object.freeze([]));

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** Accumulates missing facts, deduplicated by `fact`, first seen first. Only built when needed. */
export class MissingList {
  readonly facts: Missing[] = [];
  private readonly seen = new Set<string>();

  add(unknown: Unknown): void {
    const facts = unknown.missing;
    for (let i = 0; i < facts.length; i++) {
      const missing = facts[i]!;
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

// `and` and `or` take up to JUNCTION_ARITY operands as parameters, so a junction in generated
// code allocates no array of its operands; `andAll` and `orAll` take any number as an array.

/** The most operands `and` and `or` take; more go to `andAll` / `orAll`. */
export const JUNCTION_ARITY = 6;

/** One operand of a conjunction: `false` settles it; an Unknown merges into `unknown`. */
function conjoin(unknown: Unknown | undefined, operand: unknown): Unknown | undefined | false {
  if (operand === true) return unknown;
  if (operand instanceof Unknown) return unknown === undefined ? operand : mergeTwo(unknown, operand);
  return false;
}

/** One operand of a disjunction: `true` settles it; an Unknown merges into `unknown`. */
function disjoin(unknown: Unknown | undefined, operand: unknown): Unknown | undefined | true {
  if (operand === true) return true;
  if (operand instanceof Unknown) return unknown === undefined ? operand : mergeTwo(unknown, operand);
  return unknown;
}

/**
 * Kleene conjunction of its operands (at most JUNCTION_ARITY of them): false if any is false,
 * true if all are true, otherwise unknown (merging the unknown operands). Operands are Tri;
 * anything else (none) counts as false.
 */
export function and(a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): Tri {
  const n = arguments.length;
  if (n === 0) return true;
  if (n > JUNCTION_ARITY) throw new RangeError(`and takes at most ${JUNCTION_ARITY} operands; use andAll`);
  let unknown = conjoin(undefined, a);
  if (n > 1 && unknown !== false) unknown = conjoin(unknown, b);
  if (n > 2 && unknown !== false) unknown = conjoin(unknown, c);
  if (n > 3 && unknown !== false) unknown = conjoin(unknown, d);
  if (n > 4 && unknown !== false) unknown = conjoin(unknown, e);
  if (n > 5 && unknown !== false) unknown = conjoin(unknown, f);
  return unknown === undefined ? true : unknown;
}

/** Kleene disjunction of its operands (at most JUNCTION_ARITY): true if any is true, false if all are false, otherwise unknown. */
export function or(a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): Tri {
  const n = arguments.length;
  if (n === 0) return false;
  if (n > JUNCTION_ARITY) throw new RangeError(`or takes at most ${JUNCTION_ARITY} operands; use orAll`);
  let unknown = disjoin(undefined, a);
  if (n > 1 && unknown !== true) unknown = disjoin(unknown, b);
  if (n > 2 && unknown !== true) unknown = disjoin(unknown, c);
  if (n > 3 && unknown !== true) unknown = disjoin(unknown, d);
  if (n > 4 && unknown !== true) unknown = disjoin(unknown, e);
  if (n > 5 && unknown !== true) unknown = disjoin(unknown, f);
  return unknown === undefined ? false : unknown;
}

/** `and` of any number of operands. */
export function andAll(operands: readonly unknown[]): Tri {
  let unknown: Unknown | undefined | false;
  for (let i = 0; i < operands.length && unknown !== false; i++) unknown = conjoin(unknown, operands[i]);
  return unknown === undefined ? true : unknown;
}

/** `or` of any number of operands. */
export function orAll(operands: readonly unknown[]): Tri {
  let unknown: Unknown | undefined | true;
  for (let i = 0; i < operands.length && unknown !== true; i++) unknown = disjoin(unknown, operands[i]);
  return unknown === undefined ? false : unknown;
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
