// pol's own package: its folder (templates ship in it) and its version (not the version of the
// project pol runs in). The nearest package.json above this module is pol's, whether it runs
// from src/ or dist/.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;
let version: string | undefined;

export function polPackageRoot(): string {
  if (root !== undefined) return root;
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return (root = folder);
    if (dirname(folder) === folder) throw new Error("pol's package.json is missing: reinstall pol");
  }
}

export function polVersion(): string {
  version ??= (JSON.parse(readFileSync(join(polPackageRoot(), "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0";
  return version;
}
