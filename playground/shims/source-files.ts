// The browser's stand-in for src/files/source-files.ts: the path helpers the checker needs, over
// `node:path`'s POSIX rules (path-browserify). There is no file system: a check's files come
// from the `FileHost` the caller passes, and its project root from the `root` option.

import { isAbsolute, relative, resolve, sep } from "node:path";
import type { FileHost } from "../../src/check/loader.js";

export const MAX_FILE_BYTES = 1024 * 1024;

export function projectRoot(path: string): string {
  throw new Error(`no file system in the browser to find the project root of \`${path}\`: pass \`root\``);
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export function rootRelative(path: string, root: string): string {
  return relative(root, resolve(path)).split(sep).join("/");
}

export const nodeFileHost: FileHost = {
  readFile: (path) => ({ problem: `no file system in the browser to read \`${path}\``, missing: true }),
};
