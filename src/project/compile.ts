// Compiling policies into an output folder: one TypeScript module per policy and one per schema
// they use, each importing the runtime package `@pol/runtime`, an index from procedure codes to
// policies, and the JSON Schemas of each policy's cases and test files; or the same modules as
// JavaScript with declaration files. Every output is generated in memory first; the folder is
// then replaced all-or-nothing (src/files/output-folder.ts), or, for `--check`, compared with
// what is on disk.

import { join } from "node:path";
import { indexModuleSource, INDEX_MODULE } from "../generate/index-module.js";
import { toJavaScript } from "../generate/javascript.js";
import { generateJsonSchemas } from "../generate/json-schema.js";
import { formatted, generateModules } from "../generate/modules.js";
import { displayPath } from "../files/paths.js";
import { inspectOutputFolder, relativeToOut, writeOutputFolder } from "../files/output-folder.js";
import type { CheckedPolicy } from "../model.js";

export { ModuleConflict } from "../generate/modules.js";

export interface CompileOptions {
  /** `ts` (the default): TypeScript modules. `js`: ES modules with declaration files. `cjs`: CommonJS. */
  emit?: "ts" | "js" | "cjs";
  /**
   * The extension of relative imports in TypeScript modules: `js` (the default, what tsc's
   * NodeNext resolution expects) or `ts` (for Node's type stripping, Deno and Bun; tsc builds
   * them with `rewriteRelativeImportExtensions`).
   */
  importExtension?: "js" | "ts";
}

/** Every output file of a compile, keyed by path under `out`, in a stable order. */
export async function compileOutputs(
  policies: readonly CheckedPolicy[],
  out: string,
  options: CompileOptions = {},
): Promise<Map<string, string>> {
  let modules = await generateModules(policies);
  if (policies.length > 0) modules.set(INDEX_MODULE, await formatted(indexModuleSource(policies)));
  if (options.emit === "js" || options.emit === "cjs") modules = await toJavaScript(modules, options.emit === "js" ? "esm" : "cjs");
  else if (options.importExtension === "ts") modules = withTsImports(modules);
  for (const [file, text] of generateJsonSchemas(policies)) modules.set(file, text);
  const sorted = [...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map(([file, source]) => [join(out, file), source]));
}

/** Relative imports of the generated modules (`./spine.schema.js`) as the `.ts` files they are. */
function withTsImports(modules: ReadonlyMap<string, string>): Map<string, string> {
  const names = [...modules.keys()].filter((file) => file.endsWith(".ts")).map((file) => file.slice(0, -3));
  return new Map(
    [...modules].map(([file, source]) => {
      let text = source;
      for (const name of names) text = text.replaceAll(`from "./${name}.js";`, `from "./${name}.ts";`);
      return [file, text];
    }),
  );
}

/** Replace the folder `out` with `outputs`; returns what was recovered from an interrupted run. */
export function writeCompiled(out: string, outputs: ReadonlyMap<string, string>): string[] {
  return writeOutputFolder(out, byRelativePath(outputs, out));
}

/**
 * Why `out` does not hold exactly `outputs` (empty when it is up to date): stale, missing and
 * unexpected files, and folders left by an interrupted compile.
 */
export function outputProblems(outputs: ReadonlyMap<string, string>, out: string): string[] {
  const state = inspectOutputFolder(out, byRelativePath(outputs, out));
  const shown = (path: string) => displayPath(join(out, path));
  const problems: string[] = [];
  if (state.notAFolder) problems.push(`\`${displayPath(out)}\` is a file, not a folder`);
  for (const path of state.leftovers) problems.push(`${path} was left by an interrupted compile`);
  for (const path of state.missing) problems.push(`${shown(path)} is missing`);
  for (const path of state.stale) problems.push(`${shown(path)} is out of date`);
  for (const path of state.unexpected) problems.push(`${shown(path)} ${unexpectedReason(path)}`);
  return problems;
}

function byRelativePath(outputs: ReadonlyMap<string, string>, out: string): Map<string, string> {
  return new Map([...outputs].map(([path, content]) => [relativeToOut(out, path), content]));
}

/** Why a file in the output folder should not be there. */
function unexpectedReason(path: string): string {
  if (/\.\d+\.tmp$/.test(path)) return "is a temporary file left by an interrupted run";
  // What older versions of pol copied beside the evaluators: they import `@pol/runtime` now.
  if (path === "runtime.ts" || path.startsWith("runtime/")) return "is a copy of the runtime left by an older pol (evaluators import @pol/runtime)";
  if (!path.includes("/") && path.endsWith(".ts")) return "has no policy";
  return "was not written by pol (the output folder belongs to pol)";
}
