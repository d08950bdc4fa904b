// The runtime's source files as pol ships them: the barrel `runtime.ts` and its modules under
// `runtime/`. `pol compile` copies them; policy tests (and the test suite) transpile them to
// `.mjs` in a temporary folder, where relative `.js` imports must name the `.mjs` files instead.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runtimeModulesPath, runtimeSourcePath } from "./package-root.js";

/** The barrel's file name, which generated evaluators import (as `./runtime.js`). */
export const RUNTIME_BARREL = "runtime.ts";
/** The folder of runtime modules, beside the barrel. */
export const RUNTIME_FOLDER = "runtime";

/** One runtime source file: its path relative to the folder holding the barrel, and its text. */
export interface RuntimeFile {
  path: string;
  source: string;
}

/** The barrel first, then every runtime module in name order. */
export function runtimeFiles(): RuntimeFile[] {
  const files: RuntimeFile[] = [
    { path: RUNTIME_BARREL, source: readFileSync(runtimeSourcePath(), "utf8") },
  ];
  const folder = runtimeModulesPath();
  for (const entry of readdirSync(folder).sort()) {
    if (!entry.endsWith(".ts")) continue;
    files.push({
      path: `${RUNTIME_FOLDER}/${entry}`,
      source: readFileSync(join(folder, entry), "utf8"),
    });
  }
  return files;
}

/** Relative imports of `.js` files, as the runtime writes them: `from "./logic.js"`. */
const RELATIVE_JS_IMPORT = /(from\s+["'])(\.{1,2}\/[^"']*)\.js(["'])/g;

/** Point relative `.js` imports of transpiled code at the `.mjs` files written beside it. */
export function importingMjs(javascript: string): string {
  return javascript.replace(RELATIVE_JS_IMPORT, "$1$2.mjs$3");
}

/**
 * Transpile the runtime into `directory` as `runtime.mjs` and `runtime/*.mjs`, so a generated
 * module importing `./runtime.mjs` runs against it. `files` defaults to the runtime on disk; a
 * caller that must pin one version of the text reads it once with `runtimeFiles()`.
 */
export function writeTranspiledRuntime(
  directory: string,
  transpile: (source: string) => string,
  files: readonly RuntimeFile[] = runtimeFiles(),
): void {
  for (const file of files) {
    const path = join(directory, file.path.replace(/\.ts$/, ".mjs"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, importingMjs(transpile(file.source)));
  }
}
