// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Types shared by several modules, kept here so that no two modules import each other.

export type CompareOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** A fact read while evaluating a criterion: its JSON path in the case and the value read. */
export interface Fact {
  fact: string;
  /** The JSON value read; `null` when it was absent. */
  value: unknown;
}
