// HL7's FHIRPath engine (`fhirpath`) and its FHIR R4 model, loaded on first use: most runs of
// pol never read FHIR, and the engine is a large module. The playground swaps this file for one
// without the engine (playground/shims/fhirpath-engine.ts).

import { existsSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";
import { fhirpathModule } from "./fhirpath-module.js";
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

/** The parts of the engine's module (`fhirpath`) pol calls. */
export interface FhirpathModule {
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
  const parsers = engineParsers(require);
  lazyUnits(require);
  const fhirpath = fhirpathModule(require);
  const model = require("fhirpath/fhir-context/r4") as FhirModel;
  parsers.antlr ??= (expression) => fhirpath.parse(expression);
  antlrParser = parsers.antlr;
  engine = {
    parse: parsers.parse,
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
 * The parser the engine runs, set up before the engine loads: each expression parsed once per
 * process, the everyday forms by src/check/fhirpath-parser.ts (the same tree, without a cold ANTLR
 * parse of a few milliseconds each), the rest by the engine's ANTLR parser, loaded only when an
 * expression needs it (antlr4 and the generated parser are about 50 modules).
 *
 * The engine parses the text again on every `evaluate` (it takes only text): the checker parses
 * each FHIRPath and then evaluates it, and a base binding file is checked again for every file
 * extending it. A parse is a pure function of the text and the engine never changes a tree it
 * evaluates (its `compile` evaluates one tree many times), so the trees are shared. The engine
 * reaches its parser only through the exports of its module `src/parser/index.js` (`parser.parse`
 * in src/fhirpath.js), so that module is given to Node's module cache before the engine loads, or
 * its `parse` replaced if it is loaded already. Should this engine version keep its parser
 * elsewhere, the public `parse` is memoised alone and the engine parses as it always did
 * (`antlr` is then left unset for the caller to fill).
 */
function engineParsers(require: NodeJS.Require): { parse: (expression: string) => FhirpathNode; antlr?: (expression: string) => FhirpathNode } {
  const parserPath = join(dirname(require.resolve("fhirpath")), "parser", "index.js");
  const trees = new Map<string, FhirpathNode | { failed: unknown }>();
  let antlr: ((expression: string) => FhirpathNode) | undefined;
  const parsers: { parse: (expression: string) => FhirpathNode; antlr?: (expression: string) => FhirpathNode } = {
    parse: (expression) => {
      let tree = trees.get(expression);
      if (tree === undefined) {
        try {
          tree = parseCommonFhirpath(expression) ?? parsers.antlr!(expression);
        } catch (failed) {
          tree = { failed };
        }
        trees.set(expression, tree);
      }
      if ("failed" in tree) throw tree.failed;
      return tree;
    },
  };
  const loaded = require.cache[parserPath]?.exports as ParserModule | undefined;
  if (loaded !== undefined && typeof loaded.parse === "function") {
    antlr = loaded.parse.bind(loaded);
    loaded.parse = parsers.parse;
  } else if (existsSync(parserPath)) {
    const real = standIn(require, parserPath, { parse: parsers.parse } satisfies ParserModule);
    antlr = (expression) => {
      const module = real() as ParserModule;
      antlr = module.parse.bind(module);
      return antlr(expression);
    };
  }
  if (antlr !== undefined) parsers.antlr = (expression) => antlr!(expression);
  return parsers;
}

interface UcumModule {
  UcumLhcUtils: { getInstance(): Record<string | symbol, unknown> };
}

/**
 * The engine takes the unit library's instance (`@lhncbc/ucum-lhc`) as it loads, which reads
 * UCUM's tables: a fifth of the engine's loading, for unit conversions a check never makes. The
 * engine is given an instance that loads the library on its first use and then answers as it.
 */
function lazyUnits(require: NodeJS.Require): void {
  let path: string;
  try {
    path = createRequire(require.resolve("fhirpath")).resolve("@lhncbc/ucum-lhc");
  } catch {
    return;
  }
  if (require.cache[path] !== undefined) return;
  let utils: Record<string | symbol, unknown> | undefined;
  const instance = (): Record<string | symbol, unknown> => (utils ??= (real() as UcumModule).UcumLhcUtils.getInstance());
  const lazy = new Proxy(
    {},
    {
      get: (_target, key) => {
        const value = instance()[key];
        return typeof value === "function" ? value.bind(instance()) : value;
      },
    },
  );
  const real = standIn(require, path, { UcumLhcUtils: { getInstance: () => lazy } } satisfies UcumModule);
}

/**
 * Puts `exports` in Node's module cache as the module at `path`, so that a `require` of it from
 * the engine gets them. The returned function loads the module itself, once, leaving the stand-in
 * in the cache.
 */
function standIn(require: NodeJS.Require, path: string, exports: object): () => unknown {
  const stand = new Module(path);
  stand.filename = path;
  stand.loaded = true;
  stand.exports = exports;
  require.cache[path] = stand;
  let real: { module: unknown } | undefined;
  return () => {
    if (real === undefined) {
      delete require.cache[path];
      try {
        real = { module: require(path) };
      } finally {
        require.cache[path] = stand;
      }
    }
    return real.module;
  };
}
