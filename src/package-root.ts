// Locate files shipped with pol (the runtime source copied next to compiled evaluators), whether
// running from src/ under a test runner or from the built dist/ tree.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, "package.json")) || !existsSync(join(directory, "src", "runtime.ts"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error("cannot find the pol package root");
    directory = parent;
  }
  cached = directory;
  return directory;
}

/** The runtime's barrel, which re-exports the modules in `runtimeModulesPath()`. */
export function runtimeSourcePath(): string {
  return join(packageRoot(), "src", "runtime.ts");
}

/** The folder of the runtime's modules. */
export function runtimeModulesPath(): string {
  return join(packageRoot(), "src", "runtime");
}
