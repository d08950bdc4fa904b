// Finding the files a command works on (named, or found in folders), and display paths.

import { join, relative, sep } from "node:path";
import { describeErrno, errorCode, FileSystemError, sourceFs } from "./source-files.js";

export class UsageError extends Error {}

/** Display form of a path: relative to the working directory, with `/` separators. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path) || path;
  return rel.split(sep).join("/");
}

/**
 * Every file with one of `extensions` under `paths`, sorted, unique. A file named directly must
 * be a regular file with one of the extensions (anything else is a usage error, so pol never
 * parses, and never shows, a file that is not one of its own); a folder that cannot be read is
 * a FileSystemError.
 */
export function collectFiles(paths: readonly string[], extensions: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    if (statNamed(path).isDirectory()) walk(path, extensions, found);
    else found.add(displayPath(requireFile(path, extensions)));
  }
  return [...found].sort();
}

/** A path named on the command line must be a regular file with one of `extensions`. */
export function requireFile(path: string, extensions: readonly string[]): string {
  const stats = statNamed(path);
  if (stats.isDirectory()) throw new UsageError(`\`${path}\` is a folder: name a \`${extensions.map((e) => `*${e}`).join("` or `")}\` file`);
  if (!stats.isFile()) throw new UsageError(`\`${path}\` is not a regular file`);
  if (!extensions.some((extension) => path.endsWith(extension))) {
    throw new UsageError(`\`${path}\` is not a \`${extensions.map((e) => `*${e}`).join("` or `")}\` file`);
  }
  return path;
}

function statNamed(path: string) {
  try {
    return sourceFs.stat(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") throw new UsageError(`no such file or directory \`${path}\``);
    throw new FileSystemError(describeErrno(code, path));
  }
}

function walk(directory: string, extensions: readonly string[], found: Set<string>): void {
  let entries;
  try {
    entries = sourceFs.readdir(directory);
  } catch (error) {
    throw new FileSystemError(describeErrno(errorCode(error), displayPath(directory), "read the folder"));
  }
  for (const entry of entries) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path, extensions, found);
    // Only regular files (or links to one): a FIFO or device named `*.pol` is never opened.
    else if (extensions.some((extension) => entry.name.endsWith(extension)) && isRegularFile(entry, path)) {
      found.add(displayPath(path));
    }
  }
}

function isRegularFile(entry: { isFile(): boolean; isSymbolicLink(): boolean }, path: string): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return sourceFs.stat(path).isFile();
  } catch {
    return false;
  }
}
