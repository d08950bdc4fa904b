// `pol compile [paths...] --out DIR [--check]`: one TypeScript evaluator per policy, plus the
// runtime they share. All outputs are generated in memory first, then the output folder is
// replaced all-or-nothing (src/output-folder.ts); the folder belongs to pol.

import { join } from "node:path";
import { generateModule, moduleName } from "../codegen.js";
import { displayPath } from "../files.js";
import { inspectOutputFolder, relativeToOut, writeOutputFolder } from "../output-folder.js";
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
  // A module the runtime no longer has would otherwise linger beside the current ones unnoticed.
  if (path.startsWith(`${RUNTIME_FOLDER}/`) && path.endsWith(".ts")) return "is not part of the runtime";
  if (!path.includes("/") && path.endsWith(".ts")) return "has no policy";
  return "was not written by pol (the output folder belongs to pol)";
}
