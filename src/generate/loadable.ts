// Generated modules made importable in this process: transpiled to JavaScript in a folder with
// their runtime import pointing at the `@pol/runtime` this process uses (by absolute URL, since
// such a folder has no node_modules). Policy tests and the test suite load evaluators this way,
// so they run exactly the code `pol compile` ships.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckedPolicy } from "../model.js";
import { runtimeEntryUrl } from "../runtime-package.js";
import { generateModules, moduleName } from "./modules.js";
import { RUNTIME_PACKAGE } from "./runtime-api.js";

type Transpile = (source: string) => string;

let transpiler: Transpile | undefined;

/** TypeScript is loaded only when a module is: the other commands should not pay for it. */
async function transpile(): Promise<Transpile> {
  if (!transpiler) {
    const ts = (await import("typescript")).default;
    const compilerOptions = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 };
    transpiler = (source) => ts.transpileModule(source, { compilerOptions }).outputText;
  }
  return transpiler;
}

/**
 * Write the policy's modules (policy and schema) into `directory`, which must not hold another
 * policy's, and return the URL of the policy module to import.
 */
export async function writeLoadableModules(
  policy: CheckedPolicy,
  directory: string,
  runtimeUrl: string = runtimeEntryUrl(),
): Promise<string> {
  const toJavaScript = await transpile();
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "package.json"), '{ "type": "module" }\n');
  const runtime = JSON.stringify(runtimeUrl);
  for (const [file, source] of await generateModules([policy])) {
    const javascript = toJavaScript(source).replaceAll(`from ${JSON.stringify(RUNTIME_PACKAGE)}`, `from ${runtime}`);
    writeFileSync(join(directory, file.replace(/\.ts$/, ".js")), javascript);
  }
  return pathToFileURL(join(directory, `${moduleName(policy)}.js`)).href;
}
