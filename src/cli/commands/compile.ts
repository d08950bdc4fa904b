// `pol compile [paths...] --out DIR [--check] [--emit ts|js|cjs]`: one module per policy and one
// per schema they use, an index and JSON Schemas (src/project/compile.ts), written into an
// output folder that belongs to pol, or, with --check, compared with it. The hint for stale
// output is the exact command that rewrites it, in the folder the check ran in.

import {
  checkedPolicies,
  checkPaths,
  compileOutputs,
  diagnosticsToJson,
  displayPath,
  escapeData,
  escapeProperty,
  ModuleConflict,
  outputProblems,
  writeCompiled,
  type DiagnosticFormat,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, writeData, type Io } from "../io.js";
import { inProjectFolder, resolveProject, type Project } from "../project.js";

export interface CompileOptions {
  /** The output folder named on the command line; else the configured one, else `compiled`. */
  out?: string;
  check: boolean;
  format: DiagnosticFormat;
  emit: "ts" | "js" | "cjs";
  importExtension: "js" | "ts";
}

export async function runCompile(paths: readonly string[], options: CompileOptions, io: Io): Promise<number> {
  const load = resolveProject(paths, options.format, io);
  if (!load.ok) return load.exitCode;
  const { project } = load;
  const out = options.out ?? project.out;
  return inProjectFolder(project, () => compile(project, out, paths, options, io));
}

async function compile(project: Project, out: string, named: readonly string[], options: CompileOptions, io: Io): Promise<number> {
  const { format } = options;
  const json = (report: Record<string, unknown>) => writeData(io, JSON.stringify(report, null, 2) + "\n");
  const checked = checkPaths(project.paths);
  const blocking = checked.diagnostics.some((d) => d.severity === "error" || project.warningsAsErrors);
  if (format === "json") {
    if (blocking) {
      json({ ...diagnosticsToJson(checked.diagnostics), out: displayPath(out), compiled: false });
      return EXIT_FAILED;
    }
  } else if (checked.diagnostics.length > 0) printDiagnostics(checked, format, io);
  if (blocking) {
    if (format !== "json") io.err("nothing was compiled\n");
    return EXIT_FAILED;
  }
  let outputs: Map<string, string>;
  try {
    outputs = await compileOutputs(checkedPolicies(checked), out, { emit: options.emit, importExtension: options.importExtension });
  } catch (error) {
    if (error instanceof ModuleConflict) {
      if (format === "json") json({ diagnostics: [], total: 0, out: displayPath(out), compiled: false, error: error.message });
      else io.err(`error: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  const files = [...outputs.keys()].map(displayPath);
  if (options.check) {
    const problems = outputProblems(outputs, out);
    const fix = fixCommand(named, options);
    if (format === "json") {
      json({ ...diagnosticsToJson(checked.diagnostics), out: displayPath(out), files, upToDate: problems.length === 0, problems, ...(problems.length > 0 ? { fix } : {}) });
    } else if (problems.length === 0) {
      io.out(`${displayPath(out)} is up to date (${outputs.size} files)\n`);
    } else {
      for (const problem of problems) {
        if (format === "github") writeData(io, `::error title=${escapeProperty("stale output")}::${escapeData(`${problem}: run \`${fix}\``)}\n`);
        io.err(`error: ${problem}\n`);
      }
      io.err(`run \`${fix}\` to regenerate it\n`);
    }
    return problems.length === 0 ? EXIT_OK : EXIT_FAILED;
  }
  const recovered = writeCompiled(out, outputs);
  if (format === "json") {
    json({ ...diagnosticsToJson(checked.diagnostics), out: displayPath(out), files, written: true, recovered });
    return EXIT_OK;
  }
  for (const line of recovered) io.out(`${line}\n`);
  for (const path of files) io.out(`wrote ${path}\n`);
  return EXIT_OK;
}

/** The command that rewrites the output: the same paths and output folder, without `--check`. */
function fixCommand(named: readonly string[], options: CompileOptions): string {
  const words = ["pol", "compile", ...named];
  if (options.out !== undefined) words.push("--out", options.out);
  // The options that change what is written, so the hint rewrites exactly what was checked.
  if (options.emit !== "ts") words.push("--emit", options.emit);
  if (options.importExtension !== "js") words.push("--import-extension", options.importExtension);
  return words.map(shellWord).join(" ");
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
