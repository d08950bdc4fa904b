// Inline policies checked in memory, and compiled evaluators for many of them in one test file.
// test/support/compiled.ts loads one evaluator the way a user runs it; this loader, for property
// tests that generate a policy per run, skips prettier: `generateModule` is `moduleSource`
// formatted, and formatting (most of the cost) changes no behaviour; test/support/compiled.ts
// covers that path. Both import the runtime the interpreter uses, by URL.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { checkSource } from "../../src/checker.js";
import { moduleSource } from "../../src/codegen/module.js";
import type { CheckedPolicy } from "../../src/model.js";
import { runtimeEntryUrl } from "../../src/runtime-package.js";
import type { CompiledEvaluator } from "./compiled.js";

export type { CompiledEvaluator } from "./compiled.js";

function transpile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

let directory: string | undefined;
let loaded = 0;

/** The temporary directory holding the generated modules; removed when the worker exits. */
function moduleDirectory(): string {
  if (directory === undefined) {
    const created = mkdtempSync(join(tmpdir(), "pol-properties-"));
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
    directory = created;
  }
  return directory;
}

/** Generate (unformatted), transpile and import the evaluator for `policy`; its module file is
 *  removed once imported. */
export async function compileInMemory(policy: CheckedPolicy): Promise<CompiledEvaluator> {
  const dir = moduleDirectory();
  const modulePath = join(dir, `policy-${++loaded}.mjs`);
  writeFileSync(modulePath, transpile(moduleSource(policy, runtimeEntryUrl())));
  try {
    return (await import(pathToFileURL(modulePath).href)) as CompiledEvaluator;
  } finally {
    rmSync(modulePath, { force: true });
  }
}

/** Check `policy` (the main file, at `mem/policy.pol`) with its schema at `mem/schema.pol`, all in
 *  memory; throws with the diagnostics when it does not check clean (a broken fixture, not a finding). */
export function checkInMemory(schema: string, policy: string): CheckedPolicy {
  const files = new Map([["mem/schema.pol", schema]]);
  const result = checkSource(policy, "mem/policy.pol", { readFile: (path) => files.get(path) });
  if (!result.policy) {
    const lines = result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`);
    throw new Error(`inline policy does not check:\n${lines.join("\n")}\n${policy}`);
  }
  return result.policy;
}
