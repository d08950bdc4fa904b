// The runtime as shipped: a dependency-free barrel over its modules, and the `.mjs` copy that policy
// tests and the test suite import.

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import * as runtime from "../src/runtime.js";
import { importingMjs, runtimeFiles, writeTranspiledRuntime } from "../src/runtime-files.js";

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function transpile(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } })
    .outputText;
}

/** Every module specifier a source imports or re-exports from. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/\bfrom\s+"([^"]+)"/g)].map((match) => match[1]!);
}

describe("runtime files", () => {
  const files = runtimeFiles();

  it("are the barrel first, then every module of src/runtime/ in name order", () => {
    expect(files[0]!.path).toBe("runtime.ts");
    const modules = readdirSync("src/runtime").filter((file) => file.endsWith(".ts")).sort();
    expect(files.slice(1).map((file) => file.path)).toEqual(modules.map((file) => `runtime/${file}`));
  });

  it("import nothing but each other: the barrel its modules, a module its siblings", () => {
    const paths = new Set(files.map((file) => file.path));
    const barrelImports = specifiers(files[0]!.source);
    expect(barrelImports.length).toBeGreaterThan(0);
    for (const specifier of barrelImports) {
      expect(specifier).toMatch(/^\.\/runtime\/[a-z-]+\.js$/);
      expect(paths.has(specifier.slice(2).replace(/\.js$/, ".ts")), `runtime.ts imports ${specifier}`).toBe(true);
    }
    for (const file of files.slice(1)) {
      for (const specifier of specifiers(file.source)) {
        expect(specifier, file.path).toMatch(/^\.\/[a-z-]+\.js$/);
        expect(paths.has(`runtime/${specifier.slice(2).replace(/\.js$/, ".ts")}`), `${file.path} imports ${specifier}`).toBe(true);
      }
    }
  });

  it("point relative .js imports at .mjs and leave package imports alone", () => {
    const source = 'import { a } from "./logic.js";\nexport { b } from "./runtime/compare.js";\nimport c from "node:fs";\nimport d from "x.js";\n';
    expect(importingMjs(source)).toBe(
      'import { a } from "./logic.mjs";\nexport { b } from "./runtime/compare.mjs";\nimport c from "node:fs";\nimport d from "x.js";\n',
    );
  });

  it("transpile into a folder whose runtime.mjs exports exactly what src/runtime.ts exports", async () => {
    const directory = mkdtempSync(join(tmpdir(), "pol-runtime-files-"));
    directories.push(directory);
    writeTranspiledRuntime(directory, transpile);
    expect(readdirSync(join(directory, "runtime")).sort()).toEqual(
      files.slice(1).map((file) => file.path.slice("runtime/".length).replace(/\.ts$/, ".mjs")),
    );
    const transpiled = (await import(pathToFileURL(join(directory, "runtime.mjs")).href)) as Record<string, unknown>;
    expect(Object.keys(transpiled).sort()).toEqual(Object.keys(runtime).sort());
    expect((transpiled.addMonths as typeof runtime.addMonths)("2024-01-31", 1)).toBe("2024-02-29");
  });
});
