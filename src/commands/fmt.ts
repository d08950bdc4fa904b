// `pol fmt [--check] [paths...]`: format `.pol` files with the prettier plugin. With --check
// nothing is written: the files that are not formatted are listed and the exit code is 1 (for
// CI). A file with syntax errors is reported with its diagnostics and left alone.

import { readFileSync } from "node:fs";
import { renderDiagnostics } from "../diagnostics.js";
import { collectFiles, writeFilesAtomically } from "../files.js";
import { parse } from "../parse.js";
import { formatPol } from "../prettier-plugin.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "./io.js";

export interface FmtOptions {
  check: boolean;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export async function runFmt(paths: readonly string[], options: FmtOptions, io: Io): Promise<number> {
  const files = collectFiles(paths, [".pol"]);
  const changed = new Map<string, string>();
  let failed = 0;
  for (const path of files) {
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch (error) {
      io.err(`error: cannot read \`${path}\`: ${(error as Error).message}\n`);
      failed++;
      continue;
    }
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
    writeFilesAtomically(changed);
    for (const path of changed.keys()) io.out(`formatted ${path}\n`);
  }
  if (failed > 0) io.err(`${plural(failed, "file")} not formatted because of errors\n`);
  if (changed.size === 0 && failed === 0) io.out(`${plural(files.length, "file")} already formatted\n`);
  return failed > 0 || (options.check && changed.size > 0) ? EXIT_FAILED : EXIT_OK;
}
