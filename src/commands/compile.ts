// `pol compile [paths...] --out DIR [--check]`: one TypeScript evaluator per policy, each importing
// the runtime package `@pol/runtime`. All outputs are generated in memory first and written
// all-or-nothing.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { generateModules, ModuleConflict } from "../generate/modules.js";
import { displayPath, writeFilesAtomically } from "../files.js";
import type { CheckedPolicy } from "../model.js";
import { checkPaths, reportDiagnostics, type DiagnosticFormat } from "./check.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "./io.js";

export interface CompileOptions {
  out: string;
  check: boolean;
  format: DiagnosticFormat;
}

/** What older versions of pol copied beside the evaluators; evaluators now import `@pol/runtime`. */
const LEFTOVER_RUNTIME = ["runtime.ts", "runtime"];

/** Leftover runtime copies in `out`, as paths (a policy compiled to `runtime.ts` is no leftover). */
function leftoverRuntime(out: string, outputs: Map<string, string>): string[] {
  return LEFTOVER_RUNTIME.map((entry) => join(out, entry)).filter((path) => existsSync(path) && !outputs.has(path));
}

/** A leftover as shown: a folder with a trailing slash. */
function shownLeftover(path: string): string {
  return displayPath(path) + (statSync(path).isDirectory() ? "/" : "");
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
  writeFilesAtomically(outputs);
  for (const path of outputs.keys()) io.out(`wrote ${displayPath(path)}\n`);
  for (const path of leftoverRuntime(options.out, outputs)) {
    io.err(`warning: ${shownLeftover(path)} is a copy of the runtime left by an older pol; evaluators import @pol/runtime now, delete it\n`);
  }
  return EXIT_OK;
}

/** `--check`: compare what would be written with what is on disk, including leftover modules. */
function reportStale(outputs: Map<string, string>, out: string, io: Io): number {
  const problems: string[] = [];
  for (const [path, content] of outputs) {
    if (!existsSync(path)) problems.push(`${displayPath(path)} is missing`);
    else if (readFileSync(path, "utf8") !== content) problems.push(`${displayPath(path)} is out of date`);
  }
  const leftovers = new Set(leftoverRuntime(out, outputs));
  for (const path of leftovers) {
    problems.push(`${shownLeftover(path)} is a copy of the runtime left by an older pol (evaluators import @pol/runtime); delete it`);
  }
  if (existsSync(out)) {
    for (const entry of readdirSync(out).sort()) {
      const path = join(out, entry);
      if (entry.endsWith(".ts") && !outputs.has(path) && !leftovers.has(path)) problems.push(`${displayPath(path)} has no policy`);
    }
  }
  if (problems.length === 0) {
    io.out(`${displayPath(out)} is up to date (${outputs.size} files)\n`);
    return EXIT_OK;
  }
  for (const problem of problems) io.err(`error: ${problem}\n`);
  io.err("run `pol compile` to regenerate it\n");
  return EXIT_FAILED;
}
