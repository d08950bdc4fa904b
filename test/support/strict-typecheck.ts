// The strictest settings a consumer of generated modules may use, and a folder laid out like an
// application that installed `@pol/runtime`: shared by the tests that type-check generated code.

import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";

/** The runtime package's folder (its built `dist/` holds the types consumers check against). */
export const RUNTIME_PACKAGE = realpathSync(resolve("packages/runtime"));

export const STRICT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  types: [],
  // The runtime and generated code need no DOM; leaving it out halves the checking time.
  lib: ["lib.es2022.d.ts"],
};

/** Whether a checked file belongs to the runtime package (checked with the repository's settings). */
export function isRuntimeFile(fileName: string): boolean {
  return fileName.startsWith(`${RUNTIME_PACKAGE}/`);
}

/** A fresh ESM folder with the runtime package linked into its node_modules; the caller removes it. */
export function consumerFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(folder, "package.json"), '{ "type": "module" }\n');
  mkdirSync(join(folder, "node_modules", "@pol"), { recursive: true });
  symlinkSync(RUNTIME_PACKAGE, join(folder, "node_modules", "@pol", "runtime"), "dir");
  return folder;
}
