// What every engine in the comparison answers: the outcome of the case's one line item.

import type { BenchCase } from "../corpus.js";

export type Decision = "approved" | "denied" | "pended" | "policy_not_in_effect";

/** A synchronous engine: one decision per case. */
export type Decide = (c: BenchCase) => string;
