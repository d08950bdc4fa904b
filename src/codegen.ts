// The code generator: a checked policy as one small, typed TypeScript module that evaluates cases
// exactly as the interpreter does, formatted with prettier and identical on every run.

import { format } from "prettier";
import type { CheckedPolicy } from "./model.js";
import { moduleSource } from "./codegen/module.js";
import { moduleFileName } from "./check/module-names.js";

export interface GenerateOptions {
  /** Import specifier of the runtime module, relative to the generated file (default `./runtime.js`). */
  runtimeImport?: string;
}

/** The generated file's base name: `truecare.sij` -> `truecare-sij` (src/check/module-names.ts). */
export function moduleName(policy: CheckedPolicy): string {
  return moduleFileName(policy.metadata.id);
}

export async function generateModule(policy: CheckedPolicy, options: GenerateOptions = {}): Promise<string> {
  const source = moduleSource(policy, options.runtimeImport ?? "./runtime.js");
  return format(source, { parser: "typescript", printWidth: 100 });
}
