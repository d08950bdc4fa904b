// `pol compile [paths...] --out DIR [--check]`: one TypeScript module per policy and one per
// schema they use (src/project/compile.ts), written into an output folder that belongs to pol,
// or, with --check, compared with it.

import {
  checkedPolicies,
  checkPaths,
  compileOutputs,
  displayPath,
  hasErrors,
  ModuleConflict,
  outputProblems,
  writeCompiled,
  type DiagnosticFormat,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, type Io } from "../io.js";

export interface CompileOptions {
  out: string;
  check: boolean;
  format: DiagnosticFormat;
}

export async function runCompile(paths: readonly string[], options: CompileOptions, io: Io): Promise<number> {
  const checked = checkPaths(paths);
  if (hasErrors(checked.diagnostics)) {
    printDiagnostics(checked, options.format, io);
    io.err("nothing was compiled\n");
    return EXIT_FAILED;
  }
  let outputs: Map<string, string>;
  try {
    outputs = await compileOutputs(checkedPolicies(checked), options.out);
  } catch (error) {
    if (error instanceof ModuleConflict) {
      io.err(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  if (options.check) {
    const problems = outputProblems(outputs, options.out);
    if (problems.length === 0) {
      io.out(`${displayPath(options.out)} is up to date (${outputs.size} files)\n`);
      return EXIT_OK;
    }
    for (const problem of problems) io.err(`error: ${problem}\n`);
    io.err("run `pol compile` to regenerate it\n");
    return EXIT_FAILED;
  }
  for (const line of writeCompiled(options.out, outputs)) io.out(`${line}\n`);
  for (const path of outputs.keys()) io.out(`wrote ${displayPath(path)}\n`);
  return EXIT_OK;
}
