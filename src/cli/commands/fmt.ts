// `pol fmt [--check] [paths...]`: format `.pol` files with the prettier plugin. With --check
// nothing is written: the files that are not formatted are listed and the exit code is 1 (for
// CI). A file with syntax errors is reported with its diagnostics and left alone. Files are
// rewritten through temporary siblings (src/files/in-place-writes.ts); temporary files left by an
// interrupted run are removed first (with --check: reported, exit 1).

import { renderDiagnostics } from "../../diagnostics.js";
import { collectFiles } from "../../files/paths.js";
import { removeStrayTemporaryFiles, strayTemporaryFiles, writeFilesInPlace } from "../../files/in-place-writes.js";
import { readTextFile } from "../../files/source-files.js";
import { parse } from "../../syntax/parse.js";
import { formatPol } from "../../tools/format/prettier-plugin.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "../io.js";

export interface FmtOptions {
  check: boolean;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export async function runFmt(paths: readonly string[], options: FmtOptions, io: Io): Promise<number> {
  const files = collectFiles(paths, [".pol"]);
  const strays = strayTemporaryFiles(paths);
  if (options.check) {
    for (const path of strays) io.err(`error: \`${path}\` is a temporary file left by an interrupted \`pol fmt\`\n`);
  } else {
    for (const path of removeStrayTemporaryFiles(strays)) io.out(`removed \`${path}\`, left by an interrupted run\n`);
  }
  const changed = new Map<string, string>();
  let failed = 0;
  for (const path of files) {
    const read = readTextFile(path);
    if (!read.ok) {
      io.err(`error: ${read.problem}\n`);
      failed++;
      continue;
    }
    const source = read.text;
    // Parse first: a file with errors gets pol's own diagnostics rather than prettier's message.
    const { diagnostics } = parse(source, path);
    if (diagnostics.length > 0) {
      for (const block of renderDiagnostics(diagnostics, new Map([[path, source]]))) io.err(block + "\n\n");
      failed++;
      continue;
    }
    const formatted = await formatPol(source, path);
    if (formatted !== source) changed.set(path, formatted);
  }

  if (options.check) {
    for (const path of changed.keys()) io.out(`${path}\n`);
    if (changed.size > 0) io.err(`${plural(changed.size, "file")} not formatted (run \`pol fmt\`)\n`);
  } else {
    writeFilesInPlace(changed);
    for (const path of changed.keys()) io.out(`formatted ${path}\n`);
  }
  if (failed > 0) io.err(`${plural(failed, "file")} not formatted because of errors\n`);
  if (changed.size === 0 && failed === 0) io.out(`${plural(files.length, "file")} already formatted\n`);
  return failed > 0 || (options.check && (changed.size > 0 || strays.length > 0)) ? EXIT_FAILED : EXIT_OK;
}
