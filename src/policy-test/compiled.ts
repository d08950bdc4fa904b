// The compiled evaluators policy tests run against: each policy's generated module and its schema
// module, transpiled to JavaScript in a temporary folder and imported, exactly the code `pol
// compile` ships. Their runtime import names the `@pol/runtime` the interpreter uses, by absolute
// URL (the temporary folder has no node_modules to resolve the package from). One folder per
// policy, removed by `dispose`.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateModules, moduleName } from "../generate/modules.js";
import { RUNTIME_PACKAGE } from "../generate/runtime-api.js";
import type { CheckedPolicy } from "../model.js";
import { runtimeEntryUrl } from "../runtime-package.js";
import type { Determination, EvaluateOptions } from "@pol/runtime";

/** The one export of a generated module the tests call; `input` must be a validated case. */
export interface CompiledEvaluator {
  evaluateTrusted(input: Record<string, unknown>, options?: EvaluateOptions): Determination;
}

type Transpile = (source: string) => string;

export class CompiledEvaluators {
  private directory: string | undefined;
  private transpile: Transpile | undefined;
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
    const transpile = await this.transpiler();
    // One folder per policy: policies with the same module name (a test of a broken copy) or
    // schemas of one name must not overwrite each other.
    const directory = join(this.workspace(), String(++this.count));
    mkdirSync(directory);
    writeFileSync(join(directory, "package.json"), '{ "type": "module" }\n');
    const runtime = JSON.stringify(runtimeEntryUrl());
    for (const [file, source] of await generateModules([policy])) {
      const javascript = transpile(source).replaceAll(`from ${JSON.stringify(RUNTIME_PACKAGE)}`, `from ${runtime}`);
      writeFileSync(join(directory, file.replace(/\.ts$/, ".js")), javascript);
    }
    const path = join(directory, `${moduleName(policy)}.js`);
    const module = (await import(pathToFileURL(path).href)) as Partial<CompiledEvaluator>;
    if (typeof module.evaluateTrusted !== "function") throw new Error("the generated module has no `evaluateTrusted` export");
    return module as CompiledEvaluator;
  }

  private workspace(): string {
    this.directory ??= mkdtempSync(join(tmpdir(), "pol-test-compiled-"));
    return this.directory;
  }

  /** TypeScript is loaded only when a test runs: the other commands should not pay for it. */
  private async transpiler(): Promise<Transpile> {
    if (!this.transpile) {
      const ts = (await import("typescript")).default;
      const compilerOptions = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 };
      this.transpile = (source) => ts.transpileModule(source, { compilerOptions }).outputText;
    }
    return this.transpile;
  }
}
