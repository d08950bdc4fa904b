// Where pol's own runtime is: generated modules that pol loads itself (policy tests) import the
// runtime by this absolute URL, so they run on exactly the runtime the interpreter uses, wherever
// the temporary folder holding them is.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

let cached: string | undefined;

/** The file URL of `@pol/runtime`'s entry point, resolved from pol's own location. */
export function runtimeEntryUrl(): string {
  cached ??= pathToFileURL(createRequire(import.meta.url).resolve("@pol/runtime")).href;
  return cached;
}
