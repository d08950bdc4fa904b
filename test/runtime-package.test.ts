// The runtime as a package: `@pol/runtime`, versioned, dependency-free, without import cycles, and
// checked by every generated evaluator when it is loaded.

import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as runtime from "@pol/runtime";
import { requireRuntime, RUNTIME_VERSION } from "@pol/runtime";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { writeLoadableModules } from "../src/generate/loadable.js";
import { fixturePolicy } from "./support/codegen-fixture.js";

const PACKAGE = resolve("packages/runtime");
const SOURCES = join(PACKAGE, "src");

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function transpile(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } })
    .outputText;
}

/** Every module specifier a runtime source imports or re-exports from, type-only ones included. */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(SOURCES, file), "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

const sourceFiles = readdirSync(SOURCES).filter((file) => file.endsWith(".ts")).sort();

describe("the runtime package", () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));

  it("is @pol/runtime, an ES module package with types, and has no dependencies", () => {
    expect(manifest.name).toBe("@pol/runtime");
    expect(manifest.type).toBe("module");
    expect(manifest.exports["."]).toMatchObject({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.devDependencies ?? {}).toEqual({});
  });

  it("exports RUNTIME_VERSION equal to its package.json version", () => {
    expect(RUNTIME_VERSION).toBe(manifest.version);
  });

  it("is the version pol depends on, linked from the workspace", () => {
    const pol = JSON.parse(readFileSync("package.json", "utf8"));
    expect(pol.workspaces).toEqual(["packages/*"]);
    expect(pol.dependencies["@pol/runtime"]).toBe(manifest.version);
    expect(lstatSync("node_modules/@pol/runtime").isSymbolicLink()).toBe(true);
    expect(realpathSync("node_modules/@pol/runtime")).toBe(realpathSync(PACKAGE));
  });

  it("imports nothing but its own modules", () => {
    for (const file of sourceFiles) {
      for (const specifier of specifiers(file)) {
        expect(specifier, file).toMatch(/^\.\/[a-z-]+\.js$/);
        expect(sourceFiles, `${file} imports ${specifier}`).toContain(specifier.slice(2).replace(/\.js$/, ".ts"));
      }
    }
  });

  it("has an acyclic module graph (type-only imports count)", () => {
    const graph = new Map(sourceFiles.map((file) => [file, specifiers(file).map((s) => s.slice(2).replace(/\.js$/, ".ts"))]));
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of sourceFiles) visit(file, []);
    expect(cycles).toEqual([]);
    // The check is not vacuous: it finds a cycle when there is one.
    graph.set("logic.ts", ["context.ts"]);
    state.clear();
    for (const file of sourceFiles) visit(file, []);
    expect(cycles.length).toBeGreaterThan(0);
  });
});

describe("runtime names generated modules import", () => {
  /** The barrel's exports, split into values and type-only exports, as TypeScript sees them. */
  function barrelExports(): { values: string[]; types: string[] } {
    const program = ts.createProgram([join(SOURCES, "index.ts")], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      types: [],
    });
    const checker = program.getTypeChecker();
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(join(SOURCES, "index.ts"))!)!;
    const values: string[] = [];
    const types: string[] = [];
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      (target.flags & ts.SymbolFlags.Value ? values : types).push(exported.name);
    }
    return { values: values.sort(), types: types.sort() };
  }

  it("are runtime exports: values the module has at run time, types the barrel exports as types", () => {
    const { values, types } = barrelExports();
    expect(values).toEqual(Object.keys(runtime).sort());
    const imported = new Set<string>();
    for (const file of readdirSync("compiled").filter((name) => name.endsWith(".ts"))) {
      const text = readFileSync(join("compiled", file), "utf8");
      for (const match of text.matchAll(/import \{([^}]*)\} from "@pol\/runtime"/g)) {
        for (const entry of match[1]!.split(",").map((part) => part.trim()).filter(Boolean)) {
          const [, type, name] = /^(type )?(\w+)/.exec(entry)!;
          imported.add(name!);
          // A class (`Context`) is a value that a module may import for its type only.
          expect(type ? [...types, ...values] : values, `${file} imports ${entry}`).toContain(name);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(10);
  });
});

describe("version pinning", () => {
  it("accepts the same major.minor, with or without a patch", () => {
    const [major, minor] = RUNTIME_VERSION.split(".");
    expect(() => requireRuntime(`${major}.${minor}`, "p")).not.toThrow();
    expect(() => requireRuntime(`${major}.${minor}.99`, "p")).not.toThrow();
  });

  it("rejects another minor (breaking for 0.x) or major, saying what to do", () => {
    expect(() => requireRuntime("0.1", "truecare.sij")).toThrow(
      `pol runtime ${RUNTIME_VERSION} is installed but the evaluator for policy truecare.sij was compiled for 0.1.x; ` +
        "run pol compile again or install @pol/runtime@0.1",
    );
    expect(() => requireRuntime("1.2.3", "p")).toThrow(/compiled for 1\.2\.x; run pol compile again or install @pol\/runtime@1\.2$/);
  });

  it("makes a generated module fail as it loads when the installed runtime is another version", async () => {
    // A copy of the built runtime that says it is 99.0.0, as a later install would.
    const directory = mkdtempSync(join(tmpdir(), "pol-runtime-version-"));
    directories.push(directory);
    mkdirSync(join(directory, "runtime"));
    for (const file of readdirSync(join(PACKAGE, "dist")).filter((name) => name.endsWith(".js"))) {
      const javascript = readFileSync(join(PACKAGE, "dist", file), "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
      writeFileSync(join(directory, "runtime", file), javascript);
    }
    const versionFile = join(directory, "runtime", "version.js");
    const text = readFileSync(versionFile, "utf8");
    expect(text).toContain(`"${RUNTIME_VERSION}"`);
    writeFileSync(versionFile, text.replace(`"${RUNTIME_VERSION}"`, '"99.0.0"'));
    writeFileSync(join(directory, "package.json"), '{ "type": "module" }\n');

    const policy = fixturePolicy();
    const runtimeUrl = pathToFileURL(join(directory, "runtime", "index.js")).href;
    const moduleUrl = await writeLoadableModules(policy, join(directory, "stale"), runtimeUrl);
    const [major, minor] = RUNTIME_VERSION.split(".");
    await expect(import(moduleUrl)).rejects.toThrow(
      `pol runtime 99.0.0 is installed but the evaluator for policy ${policy.metadata.id} was compiled for ${major}.${minor}.x; ` +
        `run pol compile again or install @pol/runtime@${major}.${minor}`,
    );

    // The same module against the real runtime loads.
    const good = await writeLoadableModules(policy, join(directory, "good"), pathToFileURL(join(PACKAGE, "dist", "index.js")).href);
    const module = (await import(good)) as { evaluate: unknown };
    expect(typeof module.evaluate).toBe("function");
  });
});
