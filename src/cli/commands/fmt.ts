// `pol fmt [--check] [paths...]`: format `.pol` files with the prettier plugin. With --check
// nothing is written: the files that are not formatted are listed and the exit code is 1 (for
// CI). A file with syntax errors is reported with its diagnostics and left alone. Files are
// rewritten through temporary siblings (src/files/in-place-writes.ts); temporary files left by an
// interrupted run are removed first (with --check: reported, exit 1).

import {
  collectFiles,
  diagnosticsToJson,
  formatFiles,
  removeStrayTemporaryFiles,
  renderDiagnostics,
  strayTemporaryFiles,
  writeFilesInPlace,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, writeData, type Io } from "../io.js";
import { inProjectFolder, resolveProject } from "../project.js";

export interface FmtOptions {
  check: boolean;
  format: "human" | "json";
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export async function runFmt(paths: readonly string[], options: FmtOptions, io: Io): Promise<number> {
  const load = resolveProject(paths, options.format, io);
  if (!load.ok) return load.exitCode;
  const { project } = load;
  return inProjectFolder(project, () => fmt(project.paths, options, io));
}

async function fmt(paths: readonly string[], options: FmtOptions, io: Io): Promise<number> {
  const human = options.format === "human";
  const files = collectFiles(paths, [".pol"]);
  const strays = strayTemporaryFiles(paths);
  let removed: string[] = [];
  if (options.check) {
    if (human) for (const path of strays) io.err(`error: \`${path}\` is a temporary file left by an interrupted \`pol fmt\`\n`);
  } else {
    removed = removeStrayTemporaryFiles(strays);
    if (human) for (const path of removed) io.out(`removed \`${path}\`, left by an interrupted run\n`);
  }
  const { changed, failures } = await formatFiles(files);
  const failed = failures.length;
  const exitCode = failed > 0 || (options.check && (changed.size > 0 || strays.length > 0)) ? EXIT_FAILED : EXIT_OK;
  if (!options.check) writeFilesInPlace(changed);
  if (!human) {
    const report = {
      files: files.length,
      [options.check ? "unformatted" : "formatted"]: [...changed.keys()],
      ...(options.check ? { temporaryFiles: strays } : { removedTemporaryFiles: removed }),
      failures: failures.map((failure) => ({
        path: failure.path,
        ...(failure.problem !== undefined ? { problem: failure.problem } : {}),
        ...diagnosticsToJson(failure.diagnostics),
      })),
    };
    writeData(io, JSON.stringify(report, null, 2) + "\n");
    return exitCode;
  }
  for (const failure of failures) {
    if (failure.problem !== undefined) io.err(`error: ${failure.problem}\n`);
    for (const block of renderDiagnostics(failure.diagnostics, failure.sources)) io.err(block + "\n\n");
  }
  if (options.check) {
    for (const path of changed.keys()) io.out(`${path}\n`);
    if (changed.size > 0) io.err(`${plural(changed.size, "file")} not formatted (run \`pol fmt\`)\n`);
  } else {
    for (const path of changed.keys()) io.out(`formatted ${path}\n`);
  }
  if (failed > 0) io.err(`${plural(failed, "file")} not formatted because of errors\n`);
  if (changed.size === 0 && failed === 0) io.out(`${plural(files.length, "file")} already formatted\n`);
  return exitCode;
}
