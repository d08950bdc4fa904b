// Rewriting source files in place (`pol fmt`): every new text is written to a temporary sibling
// (`NAME.pol.PID.tmp`) first, and only when all are written are they renamed over the originals,
// so each file is always either its old or its new text, never half of one. When a write fails,
// every temporary file is removed and nothing has changed; when a rename fails, the files renamed
// before it are formatted and the others untouched. A run that is killed can leave temporary
// files: the next `pol fmt` removes them, and `pol fmt --check` reports them.

import { basename, dirname, join } from "node:path";
import { displayPath } from "./paths.js";
import { nodeWriteFs, type WriteFs } from "./output-folder.js";

/** `a.pol.1234.tmp`: the temporary files of this module (and of earlier versions of pol). */
const TEMPORARY_SOURCE = /\.pol\.\d+\.tmp$/;

export function writeFilesInPlace(files: ReadonlyMap<string, string>, fs: WriteFs = nodeWriteFs): void {
  const staged: [string, string][] = [];
  try {
    for (const [path, content] of files) {
      const temporary = `${path}.${process.pid}.tmp`;
      staged.push([temporary, path]);
      fs.writeFile(temporary, content);
    }
  } catch (error) {
    for (const [temporary] of staged) removeQuietly(temporary, fs);
    throw error;
  }
  let renamed = 0;
  try {
    for (const [temporary, path] of staged) {
      fs.rename(temporary, path);
      renamed++;
    }
  } catch (error) {
    for (const [temporary] of staged.slice(renamed)) removeQuietly(temporary, fs);
    throw error;
  }
}

function removeQuietly(path: string, fs: WriteFs): void {
  try {
    fs.remove(path);
  } catch {
    // Reported and removed by the next run.
  }
}

/**
 * Temporary files left by an interrupted `pol fmt` under `paths` (folders are searched like
 * `collectFiles` does; for a file, its own temporary siblings), as display paths, sorted.
 */
export function strayTemporaryFiles(paths: readonly string[], fs: WriteFs = nodeWriteFs): string[] {
  const found = new Set<string>();
  const walk = (folder: string, depth: number): void => {
    let names: string[];
    try {
      names = fs.readdir(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(folder, name);
      const stats = fs.lstat(path);
      if (stats?.isDirectory()) {
        if (depth > 0) walk(path, depth - 1);
      } else if (stats?.isFile() && TEMPORARY_SOURCE.test(name)) found.add(displayPath(path));
    }
  };
  for (const path of paths) {
    const stats = fs.lstat(path);
    if (stats?.isDirectory()) walk(path, 64);
    else {
      const prefix = `${basename(path)}.`;
      let names: string[] = [];
      try {
        names = fs.readdir(dirname(path));
      } catch {
        // nothing to find
      }
      for (const name of names) {
        if (name.startsWith(prefix) && TEMPORARY_SOURCE.test(name) && /^\d+\.tmp$/.test(name.slice(prefix.length))) {
          found.add(displayPath(join(dirname(path), name)));
        }
      }
    }
  }
  return [...found].sort();
}

/** Remove the given temporary files; returns them. */
export function removeStrayTemporaryFiles(paths: readonly string[], fs: WriteFs = nodeWriteFs): string[] {
  for (const path of paths) fs.remove(path);
  return [...paths];
}
