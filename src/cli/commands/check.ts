// `pol check [paths...]`: parse and type-check policies and schemas, reporting every error.

import { checkPaths, type CheckedFiles, type DiagnosticFormat } from "../../core.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, type Io } from "../io.js";
import { inProjectFolder, resolveProject } from "../project.js";
import { watchPaths, type WatchOptions } from "../watch.js";

export type { DiagnosticFormat };

export interface CheckOptions {
  format: DiagnosticFormat;
  watch?: boolean;
  /** Fail when there are warnings too (`--deny-warnings`), as `warningsAsErrors` in pol.config.json does. */
  denyWarnings?: boolean;
  /** For tests of `--watch`: how to stop watching. */
  watchOptions?: WatchOptions;
}

export async function runCheck(paths: readonly string[], options: CheckOptions, io: Io): Promise<number> {
  const load = resolveProject(paths, options.format, io);
  if (!load.ok) return load.exitCode;
  const { project } = load;
  return inProjectFolder(project, () => {
    const once = async () => checkOnce(project.paths, options.format, project.warningsAsErrors || options.denyWarnings === true, io);
    return options.watch ? watchPaths(project.paths, once, io, options.watchOptions) : once();
  });
}

function checkOnce(paths: readonly string[], format: DiagnosticFormat, warningsAsErrors: boolean, io: Io): number {
  const checked = checkPaths(paths);
  printDiagnostics(checked, format, io);
  const failed = fails(checked, warningsAsErrors);
  if (format === "human" && !failed) {
    const warnings = checked.diagnostics.length;
    io.out(
      `checked ${checked.results.size} file${checked.results.size === 1 ? "" : "s"}: ` +
        (warnings === 0 ? "no errors\n" : `no errors, ${warnings} warning${warnings === 1 ? "" : "s"}\n`),
    );
  }
  if (failed && warningsAsErrors && !checked.diagnostics.some((d) => d.severity === "error") && format === "human") {
    io.err("warnings are errors in this project (`warningsAsErrors` in pol.config.json)\n");
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

function fails(checked: CheckedFiles, warningsAsErrors: boolean): boolean {
  return checked.diagnostics.some((d) => d.severity === "error" || warningsAsErrors);
}
