// Vitest global setup: build the runtime package before any test imports it. Tests import
// `@pol/runtime` by name, as every user of the runtime does, which resolves to its built `dist/`;
// `tsc -b` rebuilds only when a source is newer than its output, so an edit under
// packages/runtime/src is never tested stale.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", "packages/runtime/tsconfig.json"], { stdio: "inherit" });
}
