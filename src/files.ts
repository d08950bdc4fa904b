// File-system helpers for the CLI: finding `.pol` files and writing outputs atomically, so an
// interrupted run never leaves a half-written file behind.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export class UsageError extends Error {}

/** Display form of a path: relative to the working directory, with `/` separators. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path) || path;
  return rel.split(sep).join("/");
}

/** Every file with one of `extensions` under `paths` (files are taken as given), sorted, unique. */
export function collectFiles(paths: readonly string[], extensions: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file or directory \`${path}\``);
    if (statSync(path).isDirectory()) walk(path, extensions, found);
    else found.add(displayPath(path));
  }
  return [...found].sort();
}

function walk(directory: string, extensions: readonly string[], found: Set<string>): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path, extensions, found);
    else if (extensions.some((extension) => entry.name.endsWith(extension))) found.add(displayPath(path));
  }
}

/** Write every file or none: each goes to a temporary sibling first, then all are renamed. */
export function writeFilesAtomically(files: ReadonlyMap<string, string>): void {
  const staged: [string, string][] = [];
  try {
    for (const [path, content] of files) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, content);
      staged.push([temporary, path]);
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw error;
  }
  for (const [temporary, path] of staged) renameSync(temporary, path);
}
