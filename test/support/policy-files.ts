// The real policies shipped under policies/: every `.pol` file whose header is `policy` (schemas
// and shared definitions are skipped), checked through the real file system.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkFile, type CheckResult } from "../../src/check/checker.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Paths relative to the package root, sorted. */
export function policyFiles(): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".pol") && isPolicy(readFileSync(path, "utf8"))) found.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, "policies"));
  return found.sort();
}

/** Every file whose name ends with `suffix` under the folders `roots` (relative to the package
 *  root; `node_modules` and hidden folders skipped), relative to the package root, sorted. */
export function filesUnder(roots: readonly string[], suffix: string): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix)) found.push(relative(ROOT, path));
    }
  };
  for (const root of roots) walk(join(ROOT, root));
  return found.sort();
}

/** Whether the first declaration of a `.pol` file (after comments and blank lines) is `policy`. */
function isPolicy(text: string): boolean {
  const first = text.split("\n").find((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  return first !== undefined && /^policy\s/.test(first.trim());
}

/** Check a policy file; the error message lists the diagnostics when it does not check clean. */
export function checkPolicyFile(path: string): CheckResult & { failure?: string } {
  const result = checkFile(join(ROOT, path));
  if (result.policy) return result;
  const lines = result.diagnostics.map((d) => `${d.span.file}:${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`);
  return { ...result, failure: `${path} does not check clean:\n${lines.join("\n")}` };
}
