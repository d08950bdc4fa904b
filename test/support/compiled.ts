// Load a generated evaluator the way a user would run it: the module and a copy of the runtime
// written side by side, transpiled to JavaScript and imported.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { generateModule, moduleName } from "../../src/codegen.js";
import type { CheckedPolicy } from "../../src/model.js";
import { runtimeFiles, writeTranspiledRuntime } from "../../src/runtime-files.js";
import type { CaseError, Determination, EvaluateOptions, PolicyInfo, SchemaDescriptor, Validation } from "../../src/runtime.js";

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

// Read once, when the tests import the interpreter's runtime too: a long property run must compare
// the interpreter with evaluators built on the very same runtime text, even if the files change.
const RUNTIME_FILES = runtimeFiles();

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
    writeTranspiledRuntime(directory, transpile, RUNTIME_FILES);
    writeFileSync(modulePath, transpile(await generateModule(policy, { runtimeImport: "./runtime.mjs" })));
    return (await import(pathToFileURL(modulePath).href)) as CompiledEvaluator;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
