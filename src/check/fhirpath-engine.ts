// HL7's FHIRPath engine (`fhirpath`) and its FHIR R4 model, loaded on first use: most runs of
// pol never read FHIR, and the engine is a large module. The playground swaps this file for one
// without the engine (playground/shims/fhirpath-engine.ts).

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseCommonFhirpath } from "./fhirpath-parser.js";

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

/** The engine's own parser module (`fhirpath/src/parser`), which `evaluate` and `compile` call. */
interface ParserModule {
  parse(expression: string): FhirpathNode;
}

/** The engine, loaded once. */
export function fhirpathEngine(): FhirpathEngine {
  if (engine !== undefined) return engine;
  const require = createRequire(import.meta.url);
  const fhirpath = require("fhirpath") as FhirpathModule;
  const model = require("fhirpath/fhir-context/r4") as FhirModel;
  const parse = memoisedParser(require, fhirpath);
  engine = {
    parse,
    evaluate: (input, expression, variables) =>
      fhirpath.evaluate(input, expression, variables, model, { resolveInternalTypes: false }),
    compile: (expression) => fhirpath.compile(expression, model, { resolveInternalTypes: false }),
    plain: (item) => fhirpath.resolveInternalTypes(item),
    model,
    version: fhirpath.version,
  };
  return engine;
}

/** The engine's own ANTLR parser, without the memo or the parser of common forms (for tests). */
let antlrParser: ((expression: string) => FhirpathNode) | undefined;

export function engineAntlrParse(expression: string): FhirpathNode {
  fhirpathEngine();
  return antlrParser!(expression);
}

/**
 * The engine's parser, each expression parsed once per process, and the everyday forms by
 * src/check/fhirpath-parser.ts (the same tree, without a cold ANTLR parse of a few milliseconds
 * each). The engine parses the text again on every `evaluate` (it takes only text): the checker
 * parses each FHIRPath and then evaluates it, and a base binding file is checked again for every
 * file extending it. A parse is a pure function of the text and the engine never changes a tree
 * it evaluates (its `compile` evaluates one tree many times), so the trees are shared. The
 * engine's `evaluate` calls its parser through the parser module's exports, so the memo is put
 * there; if that module is not where this engine version keeps it, only `parse` below is
 * memoised and `evaluate` parses as before.
 */
function memoisedParser(require: NodeJS.Require, fhirpath: FhirpathModule): (expression: string) => FhirpathNode {
  const trees = new Map<string, FhirpathNode | { failed: unknown }>();
  let parser: ParserModule = { parse: (expression) => fhirpath.parse(expression) };
  try {
    const module = require(join(dirname(require.resolve("fhirpath")), "parser", "index.js")) as Partial<ParserModule>;
    if (typeof module.parse === "function") parser = module as ParserModule;
  } catch {
    // Another layout: keep the public `parse`.
  }
  const antlr = parser.parse.bind(parser);
  antlrParser = antlr;
  const parse = (expression: string): FhirpathNode => {
    let tree = trees.get(expression);
    if (tree === undefined) {
      try {
        tree = parseCommonFhirpath(expression) ?? antlr(expression);
      } catch (failed) {
        tree = { failed };
      }
      trees.set(expression, tree);
    }
    if ("failed" in tree) throw tree.failed;
    return tree;
  };
  parser.parse = parse;
  return parse;
}
