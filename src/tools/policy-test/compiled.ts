// The compiled evaluators policy tests run against: each policy's generated module and its schema
// module, transpiled to JavaScript in a temporary folder and imported, exactly the code `pol
// compile` ships. Their runtime import names the `@pol/runtime` the interpreter uses, by absolute
// URL (the temporary folder has no node_modules to resolve the package from). One folder per
// policy, removed by `dispose`.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLoadableModules, type CheckedPolicy } from "../../index.js";
import type { Determination, EvaluateOptions } from "@pol/runtime";

/** The one export of a generated module the tests call; `input` must be a validated case. */
export interface CompiledEvaluator {
  evaluateTrusted(input: Record<string, unknown>, options?: EvaluateOptions): Determination;
}

export class CompiledEvaluators {
  private directory: string | undefined;
  private readonly loaded = new Map<CheckedPolicy, Promise<CompiledEvaluator>>();
  private count = 0;

  /** The evaluator compiled from `policy`, built on first use. Rejects when it cannot be built. */
  load(policy: CheckedPolicy): Promise<CompiledEvaluator> {
    let evaluator = this.loaded.get(policy);
    if (!evaluator) {
      evaluator = this.build(policy);
      this.loaded.set(policy, evaluator);
    }
    return evaluator;
  }

  /** The temporary folder, while it exists. */
  get folder(): string | undefined {
    return this.directory;
  }

  /** Remove the temporary folder. Imported modules stay usable: they are already in memory. */
  dispose(): void {
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }

  private async build(policy: CheckedPolicy): Promise<CompiledEvaluator> {
    // One folder per policy: policies with the same module name (a test of a broken copy) or
    // schemas of one name must not overwrite each other.
    const url = await writeLoadableModules(policy, join(this.workspace(), String(++this.count)));
    const module = (await import(url)) as Partial<CompiledEvaluator>;
    if (typeof module.evaluateTrusted !== "function") throw new Error("the generated module has no `evaluateTrusted` export");
    return module as CompiledEvaluator;
  }

  private workspace(): string {
    this.directory ??= mkdtempSync(join(tmpdir(), "pol-test-compiled-"));
    return this.directory;
  }
}
