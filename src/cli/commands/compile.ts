// `pol compile [paths...] --out DIR [--check]`: one TypeScript module per policy and one per
// schema they use, each importing the runtime package `@pol/runtime`. All outputs are generated in memory first, then the output folder is
// replaced all-or-nothing (src/files/output-folder.ts); the folder belongs to pol.

import { join } from "node:path";
import { generateModules, ModuleConflict } from "../../generate/modules.js";
import { displayPath } from "../../files/paths.js";
import { inspectOutputFolder, relativeToOut, writeOutputFolder } from "../../files/output-folder.js";
import type { CheckedPolicy } from "../../model.js";
import { checkPaths, reportDiagnostics, type DiagnosticFormat } from "./check.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "../io.js";

export interface CompileOptions {
  out: string;
  check: boolean;
  format: DiagnosticFormat;
}

/** Every output file of a compile, keyed by path, in a stable order. */
export async function compileOutputs(policies: readonly CheckedPolicy[], out: string): Promise<Map<string, string>> {
  const modules = await generateModules(policies);
  return new Map([...modules].map(([file, source]) => [join(out, file), source]));
}

export async function runCompile(paths: readonly string[], options: CompileOptions, io: Io): Promise<number> {
  const checked = checkPaths(paths);
  if (checked.diagnostics.length > 0) {
    reportDiagnostics(checked, options.format, io);
    io.err("nothing was compiled\n");
    return EXIT_FAILED;
  }
  const policies = [...checked.results.values()].flatMap((result) => (result.policy ? [result.policy] : []));
  let outputs: Map<string, string>;
  try {
    outputs = await compileOutputs(policies, options.out);
  } catch (error) {
    if (error instanceof ModuleConflict) {
      io.err(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  if (options.check) return reportStale(outputs, options.out, io);
  const recovered = writeOutputFolder(options.out, byRelativePath(outputs, options.out));
  for (const line of recovered) io.out(`${line}\n`);
  for (const path of outputs.keys()) io.out(`wrote ${displayPath(path)}\n`);
  return EXIT_OK;
}

function byRelativePath(outputs: ReadonlyMap<string, string>, out: string): Map<string, string> {
  return new Map([...outputs].map(([path, content]) => [relativeToOut(out, path), content]));
}

/** `--check`: compare what would be written with what is on disk, including files pol did not
 *  write and folders left by an interrupted compile. */
function reportStale(outputs: Map<string, string>, out: string, io: Io): number {
  const state = inspectOutputFolder(out, byRelativePath(outputs, out));
  const shown = (path: string) => displayPath(join(out, path));
  const problems: string[] = [];
  if (state.notAFolder) problems.push(`\`${displayPath(out)}\` is a file, not a folder`);
  for (const path of state.leftovers) problems.push(`${path} was left by an interrupted compile`);
  for (const path of state.missing) problems.push(`${shown(path)} is missing`);
  for (const path of state.stale) problems.push(`${shown(path)} is out of date`);
  for (const path of state.unexpected) problems.push(`${shown(path)} ${unexpectedReason(path)}`);
  if (problems.length === 0) {
    io.out(`${displayPath(out)} is up to date (${outputs.size} files)\n`);
    return EXIT_OK;
  }
  for (const problem of problems) io.err(`error: ${problem}\n`);
  io.err("run `pol compile` to regenerate it\n");
  return EXIT_FAILED;
}

/** Why a file in the output folder should not be there. */
function unexpectedReason(path: string): string {
  if (/\.\d+\.tmp$/.test(path)) return "is a temporary file left by an interrupted run";
  // What older versions of pol copied beside the evaluators: they import `@pol/runtime` now.
  if (path === "runtime.ts" || path.startsWith("runtime/")) return "is a copy of the runtime left by an older pol (evaluators import @pol/runtime)";
  if (!path.includes("/") && path.endsWith(".ts")) return "has no policy";
  return "was not written by pol (the output folder belongs to pol)";
}
