// Load a generated evaluator the way a user would run it: the module transpiled to JavaScript and
// imported, its `@pol/runtime` import naming the very runtime the interpreter uses (by URL: the
// temporary folder has no node_modules).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { generateModule, moduleName } from "../../src/codegen.js";
import type { CheckedPolicy } from "../../src/model.js";
import { runtimeEntryUrl } from "../../src/runtime-package.js";
import type { CaseError, Determination, EvaluateOptions, PolicyInfo, SchemaDescriptor, Validation } from "@pol/runtime";

/** The exports of a generated module, typed loosely: the tests feed it arbitrary JSON. */
export interface CompiledEvaluator {
  policy: PolicyInfo;
  schema: SchemaDescriptor;
  evaluate(input: unknown, options?: EvaluateOptions): Determination;
  validate(json: unknown): Validation<unknown>;
  evaluateJson(
    json: unknown,
    options?: EvaluateOptions,
  ): { ok: true; determination: Determination } | { ok: false; errors: CaseError[] };
}

function transpile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

/** Generate, transpile and import the evaluator for `policy`; the temporary files are removed. */
export async function loadCompiled(policy: CheckedPolicy): Promise<CompiledEvaluator> {
  const directory = mkdtempSync(join(tmpdir(), "pol-codegen-"));
  try {
    const modulePath = join(directory, `${moduleName(policy)}.mjs`);
    writeFileSync(modulePath, transpile(await generateModule(policy, { runtimeImport: runtimeEntryUrl() })));
    return (await import(pathToFileURL(modulePath).href)) as CompiledEvaluator;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
