// The messages between the batch's main thread and its workers.

import type { CaseError } from "@pol/runtime";
import type { FhirBindings } from "../../index.js";
import type { BatchSummary } from "./summary.js";

/** What every worker is started with. */
export interface WorkerSetup {
  /** The compiled evaluator to import. */
  moduleUrl: string;
  /** Include each criterion's trace (`--explain`). */
  explain: boolean;
  ignoreUnknownFields: boolean;
  /** Evaluate a proposed policy as if it were in effect (`--as-proposed`). */
  asProposed: boolean;
  maxLineChars: number;
  /** Each line is a FHIR bundle, read into a case with these bindings (`--fhir`). */
  fhir?: FhirBindings;
}

/** Consecutive lines from `first` on; `null` for a line dropped for its length. */
export interface ChunkRequest {
  seq: number;
  first: number;
  lines: (string | null)[];
}

export interface ChunkResult {
  seq: number;
  /** One NDJSON line per non-blank input line, in order. */
  output: string;
  bad: { line: number; errors: CaseError[] }[];
  summary: BatchSummary;
}
