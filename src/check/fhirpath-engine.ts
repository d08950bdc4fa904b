// HL7's FHIRPath engine (`fhirpath`) and its FHIR R4 model, loaded on first use: most runs of
// pol never read FHIR, and the engine is a large module. The playground swaps this file for one
// without the engine (playground/shims/fhirpath-engine.ts).

import { createRequire } from "node:module";

/** A node of the engine's parse tree (`fhirpath.parse`). */
export interface FhirpathNode {
  type: string;
  text?: string;
  start?: { line: number; column: number };
  length?: number;
  atRoot?: number;
  children?: FhirpathNode[];
}

/** The parts of the R4 model pol reads (fhirpath/fhir-context/r4). */
export interface FhirModel {
  path2Type: Record<string, string>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
}

/** A value the engine returns when asked not to resolve its internal types. */
export interface FhirpathItem {
  data?: unknown;
  fhirNodeDataType?: string;
  propName?: string;
  index?: number | null;
  path?: string;
  parentResNode?: FhirpathItem | null;
}

export interface FhirpathEngine {
  parse(expression: string): FhirpathNode;
  /** The result of `expression` on `input`; items are the engine's own (see `plain`). */
  evaluate(input: unknown, expression: string | { base: string; expression: string }, variables: Record<string, unknown>): unknown[];
  /** `expression` parsed once, for evaluating on many inputs. */
  compile(expression: string | { base: string; expression: string }): (input: unknown, variables: Record<string, unknown>) => unknown[];
  /** An item as plain JSON: a string, number, boolean or object. */
  plain(item: unknown): unknown;
  model: FhirModel;
  version: string;
}

interface FhirpathModule {
  version: string;
  parse(expression: string): FhirpathNode;
  evaluate(input: unknown, expression: unknown, variables: unknown, model: unknown, options: unknown): unknown[];
  compile(expression: unknown, model: unknown, options: unknown): (input: unknown, variables: unknown) => unknown[];
  resolveInternalTypes(value: unknown): unknown;
}

let engine: FhirpathEngine | undefined;

/** The engine, loaded once. */
export function fhirpathEngine(): FhirpathEngine {
  if (engine !== undefined) return engine;
  const require = createRequire(import.meta.url);
  const fhirpath = require("fhirpath") as FhirpathModule;
  const model = require("fhirpath/fhir-context/r4") as FhirModel;
  engine = {
    parse: (expression) => fhirpath.parse(expression),
    evaluate: (input, expression, variables) =>
      fhirpath.evaluate(input, expression, variables, model, { resolveInternalTypes: false }),
    compile: (expression) => fhirpath.compile(expression, model, { resolveInternalTypes: false }),
    plain: (item) => fhirpath.resolveInternalTypes(item),
    model,
    version: fhirpath.version,
  };
  return engine;
}
