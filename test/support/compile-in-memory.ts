// Inline policies checked in memory, and compiled evaluators for many of them in one test file,
// loaded the way test/support/compiled.ts loads one (generated, formatted, transpiled, importing
// the runtime the interpreter uses by URL).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../../src/check/checker.js";
import { writeLoadableModules } from "../../src/generate/loadable.js";
import type { CheckedPolicy } from "../../src/model.js";
import { asEvaluator, type CompiledEvaluator, type GeneratedModule } from "./compiled.js";

export type { CompiledEvaluator } from "./compiled.js";

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

/** Generate, transpile and import the evaluator for `policy`. */
export async function compileInMemory(policy: CheckedPolicy): Promise<CompiledEvaluator> {
  const url = await writeLoadableModules(policy, join(moduleDirectory(), `policy-${++loaded}`));
  return asEvaluator(policy, (await import(url)) as GeneratedModule);
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
