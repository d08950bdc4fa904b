// Formatting files (`pol fmt`): each `.pol` file is parsed first, so a file with errors gets pol's
// own diagnostics rather than prettier's message, and is left alone.

import { parse, readTextFile, type Diagnostic } from "../../index.js";
import { formatPol } from "./prettier-plugin.js";

/** A file that could not be formatted: unreadable (`problem`), or with syntax errors. */
export interface FormatFailure {
  path: string;
  problem?: string;
  diagnostics: Diagnostic[];
  /** The file's text, for the diagnostics' code frames. */
  sources: Map<string, string>;
}

export interface FormattedFiles {
  /** Path -> formatted text, for the files whose text changes. */
  changed: Map<string, string>;
  failures: FormatFailure[];
}

export async function formatFiles(files: readonly string[]): Promise<FormattedFiles> {
  const changed = new Map<string, string>();
  const failures: FormatFailure[] = [];
  for (const path of files) {
    const read = readTextFile(path);
    if (!read.ok) {
      failures.push({ path, problem: read.problem, diagnostics: [], sources: new Map() });
      continue;
    }
    const source = read.text;
    const { diagnostics } = parse(source, path);
    if (diagnostics.length > 0) {
      failures.push({ path, diagnostics, sources: new Map([[path, source]]) });
      continue;
    }
    const formatted = await formatPol(source, path);
    if (formatted !== source) changed.set(path, formatted);
  }
  return { changed, failures };
}
