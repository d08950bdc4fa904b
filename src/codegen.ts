// The code generator: a checked policy as one small, typed TypeScript module that evaluates cases
// exactly as the interpreter does, formatted with prettier and identical on every run.

import { format } from "prettier";
import type { CheckedPolicy } from "./model.js";
import { moduleSource } from "./codegen/module.js";

/** The runtime package's name, which generated modules import. */
export const RUNTIME_PACKAGE = "@pol/runtime";

export interface GenerateOptions {
  /** Import specifier of the runtime (default `@pol/runtime`, the package). */
  runtimeImport?: string;
}

/** The generated file's base name: `truecare.sij` -> `truecare-sij`. */
export function moduleName(policy: CheckedPolicy): string {
  const name = policy.metadata.id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "policy" : name;
}

export async function generateModule(policy: CheckedPolicy, options: GenerateOptions = {}): Promise<string> {
  const source = moduleSource(policy, options.runtimeImport ?? RUNTIME_PACKAGE);
  return format(source, { parser: "typescript", printWidth: 100 });
}
