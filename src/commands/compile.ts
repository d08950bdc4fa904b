// `pol compile [paths...] --out DIR [--check]`: one TypeScript evaluator per policy, plus the
// runtime they share. All outputs are generated in memory first and written all-or-nothing.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { generateModule, moduleName } from "../codegen.js";
import { displayPath, writeFilesAtomically } from "../files.js";
import type { CheckedPolicy } from "../model.js";
import { RUNTIME_BARREL, RUNTIME_FOLDER, runtimeFiles } from "../runtime-files.js";
import { checkPaths, reportDiagnostics, type DiagnosticFormat } from "./check.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "./io.js";

export const RUNTIME_MODULE = RUNTIME_BARREL;

export interface CompileOptions {
  out: string;
  check: boolean;
  format: DiagnosticFormat;
}

/** The runtime's barrel as shipped beside compiled evaluators. */
export function runtimeModule(): string {
  return runtimeModules().get(RUNTIME_MODULE) as string;
}

/**
 * The runtime as shipped beside compiled evaluators: the barrel and its modules, keyed by path
 * relative to the output folder (`runtime.ts`, `runtime/logic.ts`, ...), each with a header.
 */
export function runtimeModules(): Map<string, string> {
  const modules = new Map<string, string>();
  for (const file of runtimeFiles()) {
    const reason =
      file.path === RUNTIME_BARREL ? "evaluators in this folder import it." : `${RUNTIME_BARREL} re-exports it.`;
    modules.set(file.path, `// Copied by pol from src/${file.path}. Do not edit: ${reason}\n\n${file.source}`);
  }
  return modules;
}

/** Every output file of a compile, keyed by path, in a stable order. */
export async function compileOutputs(policies: readonly CheckedPolicy[], out: string): Promise<Map<string, string>> {
  const outputs = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const policy of policies) {
    const name = moduleName(policy);
    const previous = owners.get(name);
    if (previous) {
      throw new CompileConflict(
        `policies \`${previous}\` and \`${policy.metadata.source}\` both compile to \`${name}.ts\`; give one a different policy id`,
      );
    }
    owners.set(name, policy.metadata.source);
    outputs.set(join(out, `${name}.ts`), await generateModule(policy));
  }
  for (const [path, source] of runtimeModules()) outputs.set(join(out, path), source);
  return outputs;
}

export class CompileConflict extends Error {}

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
    if (error instanceof CompileConflict) {
      io.err(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  if (options.check) return reportStale(outputs, options.out, io);
  writeFilesAtomically(outputs);
  for (const path of outputs.keys()) io.out(`wrote ${displayPath(path)}\n`);
  return EXIT_OK;
}

/** `--check`: compare what would be written with what is on disk, including leftover modules. */
function reportStale(outputs: Map<string, string>, out: string, io: Io): number {
  const problems: string[] = [];
  for (const [path, content] of outputs) {
    if (!existsSync(path)) problems.push(`${displayPath(path)} is missing`);
    else if (readFileSync(path, "utf8") !== content) problems.push(`${displayPath(path)} is out of date`);
  }
  if (existsSync(out)) {
    for (const entry of readdirSync(out).sort()) {
      const path = join(out, entry);
      if (entry.endsWith(".ts") && !outputs.has(path)) problems.push(`${displayPath(path)} has no policy`);
    }
  }
  // A module the runtime no longer has would otherwise linger beside the current ones unnoticed.
  const runtimeFolder = join(out, RUNTIME_FOLDER);
  if (existsSync(runtimeFolder) && statSync(runtimeFolder).isDirectory()) {
    for (const entry of readdirSync(runtimeFolder).sort()) {
      const path = join(runtimeFolder, entry);
      if (entry.endsWith(".ts") && !outputs.has(path)) problems.push(`${displayPath(path)} is not part of the runtime`);
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
