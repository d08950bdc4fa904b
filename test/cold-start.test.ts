// What a cold `pol check` loads. Its start-up time (docs/performance.md, `npm run bench`) depends
// on loading only the checker: the CLI imports a command when it runs, `pol check` reaches the
// library through the facade's core (src/core.ts), and the code generator, the interpreter, the
// runtime, the tools and the heavy packages (prettier, TypeScript, Z3, the language server, the
// FHIR validator) load only for the commands that use them. bin/pol.js runs the CLI bundled into
// dist/cli/ (scripts/bundle-cli.mjs; `pol check` from its CommonJS bundle check.cjs, the other
// commands from the ES module bundle cli.js), so a loaded file of the bundle is read as the built
// modules it holds, from esbuild's metafile. The times are the bench's business; this test keeps the list
// of modules from growing back unnoticed.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const MODULE_LOG = join(ROOT, "test/support/module-log.mjs");

/** Every module `node bin/pol.js ...args` loads (file URLs and `node:` builtins), and its output. */
function modulesLoaded(...args: string[]): { modules: string[]; status: number | null; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), "pol-modules-"));
  try {
    const log = join(dir, "modules.txt");
    // Outside the test runner, as a user runs it (the grammar checks run only under vitest).
    const env: NodeJS.ProcessEnv = { ...process.env, POL_MODULE_LOG: log };
    delete env.VITEST;
    const result = spawnSync(process.execPath, ["--import", MODULE_LOG, "bin/pol.js", ...args], { cwd: ROOT, env, encoding: "utf8" });
    const modules = [...new Set(readFileSync(log, "utf8").split("\n").filter((line) => line !== ""))];
    return { modules, status: result.status, stdout: result.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The module's path inside the repository (`dist/src/generate/modules.js`, `node_modules/prettier/...`). */
const local = (url: string) => (url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname).slice(ROOT.length + 1) : url);

/** Which built modules each file of the bundled CLI holds (scripts/bundle-cli.mjs writes it). */
const bundled = JSON.parse(readFileSync(join(ROOT, "dist/cli/meta.json"), "utf8")) as { outputs: Record<string, { inputs: Record<string, unknown> }> };

/**
 * The loaded files as built modules: a file of the bundle (dist/cli/) stands for pol's modules in
 * it. The packages check.cjs holds (Chevrotain, the FHIRPath engine) are left out: the engine's
 * code there runs only when a check first needs it (src/check/fhirpath-module.ts), and then it
 * loads its R4 model and gets its stand-ins from node_modules, which the listing sees.
 */
function builtModules(modules: string[]): string[] {
  return modules.map(local).flatMap((path) => {
    if (!path.startsWith("dist/cli/")) return [path];
    const output = bundled.outputs[path];
    if (output === undefined) throw new Error(`${path} is not in dist/cli/meta.json: run \`npm run build\``);
    return Object.keys(output.inputs).filter((input) => !input.startsWith("node_modules/"));
  });
}

/** Packages and parts of pol that `pol check` never needs. */
const NEVER_FOR_CHECK = [
  /^node_modules\/prettier\//,
  /^node_modules\/typescript\//,
  /^node_modules\/z3-solver\//,
  /^node_modules\/vscode-languageserver/,
  /^node_modules\/@medplum\//,
  /^node_modules\/ajv/,
  /^dist\/src\/(generate|lower|interpret|tools)\//,
  /^dist\/src\/index\.js$/,
  /^dist\/src\/cli\/commands\/(?!check\.js)/,
  // The runtime's entry: checking uses only its suggestion function (`@pol/runtime/names`).
  /^packages\/runtime\/dist\/(?!names\.js)/,
  /^node:(http|worker_threads|child_process)$/,
];

const forbidden = (modules: string[], patterns: RegExp[]) => builtModules(modules).filter((path) => patterns.some((p) => p.test(path)));

describe("what a cold `pol check` loads", () => {
  it("checks policies without FHIR bindings with the checker alone: no FHIRPath engine either", () => {
    const { modules, status, stdout } = modulesLoaded("check", "policies/cigna", "policies/truecare");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^checked \d+ files: no errors/m);
    // pol's code comes from the bundle alone: a module loaded from dist/src as well would be a
    // second copy with state of its own.
    expect(modules.map(local)).toContain("dist/cli/check.cjs");
    expect(modules.map(local).filter((path) => path.startsWith("dist/src/") || path === "dist/cli/cli.js")).toEqual([]);
    expect(builtModules(modules)).toContain("dist/src/cli/commands/check.js");
    expect(builtModules(modules)).toContain("dist/src/check/checker.js");
    expect(forbidden(modules, [...NEVER_FOR_CHECK, /^node_modules\/(fhirpath|antlr4|@lhncbc)\//])).toEqual([]);
  });

  it("checks the repository's policies, FHIR bindings included, without the generator, the tools or their packages", () => {
    const { modules, status } = modulesLoaded("check", "policies");
    expect(status).toBe(0);
    // A `fhir` file's expressions are checked with HL7's FHIRPath engine (inside check.cjs) and
    // its R4 model: they load, and only they.
    expect(bundled.outputs["dist/cli/check.cjs"]!.inputs).toHaveProperty(["node_modules/fhirpath/src/fhirpath.js"]);
    expect(builtModules(modules)).toContain("node_modules/fhirpath/fhir-context/r4/index.js");
    // Its everyday expressions are parsed without its ANTLR parser (src/check/fhirpath-parser.ts),
    // which then never loads, and no unit is converted, so the unit library's tables are not read
    // (the engine's `require`s of both get stand-ins: src/check/fhirpath-engine.ts).
    expect(builtModules(modules)).toContain("dist/src/check/fhirpath-parser.js");
    const engineParts = [/^node_modules\/antlr4\//, /^node_modules\/fhirpath\/src\/parser\/generated\//, /^node_modules\/@lhncbc\/ucum-lhc\/source-cjs\/(?!ucumPkg\.js$)/];
    expect(forbidden(modules, [...NEVER_FOR_CHECK, ...engineParts])).toEqual([]);
  });

  it("answers --version with no command loaded and nothing beyond the facade's core", () => {
    const { modules, status, stdout } = modulesLoaded("--version");
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(forbidden(modules, [...NEVER_FOR_CHECK, /^dist\/src\/cli\/commands\//])).toEqual([]);
  });

  it("sees the modules other commands load (the listing is not blind)", () => {
    // `pol fmt --check` loads prettier and the formatter; were the listing to miss them, the
    // checks above could not fail.
    const { modules } = modulesLoaded("fmt", "--check", "policies/cigna");
    const paths = builtModules(modules);
    expect(paths.some((path) => path.startsWith("node_modules/prettier/"))).toBe(true);
    expect(paths).toContain("dist/src/cli/commands/fmt.js");
    expect(paths).toContain("dist/src/index.js");
  });
});
