// The layout docs/architecture.md describes: the tools (src/tools/) and the CLI (src/cli/) reach
// the compiler through the library facade (src/index.ts, or its core src/core.ts, which it
// re-exports whole) only, the library never reaches back into them, and a command is argument
// handling, a call into the facade and printing.

import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
const FACADE = join(SRC, "index.ts");
/** The facade's core: from source text to checked files, re-exported whole by the facade. */
const CORE = join(SRC, "core.ts");
/** The browser's facade (the playground's entry): the same role, without the file system. */
const BROWSER_FACADE = join(SRC, "browser.ts");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier of `file`: static imports and re-exports, and dynamic imports. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']/g)) found.push(match[1]!);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) found.push(match[1]!);
  for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1]!);
  return found;
}

/** The source file a relative specifier names (`./x.js` is `./x.ts` in the source tree). */
function target(file: string, specifier: string): string {
  return resolve(dirname(file), specifier).replace(/\.js$/, ".ts");
}

const isRelative = (specifier: string) => specifier.startsWith(".");
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);
const inside = (path: string, folder: string) => path === folder || path.startsWith(folder + sep);
const shown = (path: string) => relative(ROOT, path).split(sep).join("/");

/** `file`'s relative imports that leave `ownFolder` for anything but the facade, as `file -> target`. */
function deepImports(file: string, ownFolder: string): string[] {
  return specifiers(file)
    .filter(isRelative)
    .map((specifier) => target(file, specifier))
    .filter((path) => path !== FACADE && path !== CORE && !inside(path, ownFolder))
    .map((path) => `${shown(file)} -> ${shown(path)}`);
}

/** The folders whose files may import only the facade, their own folder, builtins and packages. */
const CLIENTS = [
  ...readdirSync(join(SRC, "tools"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(SRC, "tools", entry.name)),
  join(SRC, "cli"),
];

describe("layout", () => {
  it("finds the tools and the CLI where docs/architecture.md puts them", () => {
    expect(CLIENTS.map(shown).sort()).toEqual([
      "src/cli",
      "src/tools/batch",
      "src/tools/fhir",
      "src/tools/format",
      "src/tools/lsp",
      "src/tools/policy-test",
      "src/tools/report",
      "src/tools/serve",
      "src/tools/versions",
    ]);
    for (const folder of CLIENTS) expect(sourceFiles(folder).length).toBeGreaterThan(0);
  });

  it("tools and the CLI import only the facade, their own folder, node builtins and packages", () => {
    const offending = CLIENTS.flatMap((folder) => sourceFiles(folder).flatMap((file) => deepImports(file, folder)));
    expect(offending).toEqual([]);
    // Packages are named, never reached by path.
    const bare = CLIENTS.flatMap((folder) => sourceFiles(folder))
      .flatMap((file) => specifiers(file).filter((s) => !isRelative(s) && !isBuiltin(s)).map((s) => [shown(file), s]))
      .filter(([, specifier]) => specifier!.includes("/src/") || specifier!.includes("/dist/"));
    expect(bare).toEqual([]);
  });

  it("the library reaches the tools through the facade only, and never the CLI", () => {
    const tools = join(SRC, "tools");
    const cli = join(SRC, "cli");
    const offending = sourceFiles(SRC)
      .filter((file) => file !== FACADE && file !== CORE && file !== BROWSER_FACADE && !inside(file, tools) && !inside(file, cli))
      .flatMap((file) =>
        specifiers(file)
          .filter(isRelative)
          .map((specifier) => target(file, specifier))
          .filter((path) => inside(path, tools) || inside(path, cli))
          .map((path) => `${shown(file)} -> ${shown(path)}`),
      );
    expect(offending).toEqual([]);
  });

  it("the facade's core loads only the pipeline up to a checked program, and the facade re-exports it whole", () => {
    // What `pol check` loads (test/cold-start.test.ts): none of the later stages or the tools.
    // Type-only imports load nothing and may name anything.
    const later = ["lower", "interpret", "generate", "tools", "cli"].map((folder) => join(SRC, folder));
    const text = readFileSync(CORE, "utf8").replace(/(?:^|\n)\s*(?:import|export)\s+type\b[^;]*;/g, "\n");
    const loaded = [...text.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((match) => match[1]!);
    expect(loaded.length).toBeGreaterThan(10);
    const offending = loaded.filter(isRelative).map((specifier) => target(CORE, specifier)).filter((path) => later.some((folder) => inside(path, folder)));
    expect(offending.map(shown)).toEqual([]);
    expect(loaded.filter((specifier) => !isRelative(specifier) && !isBuiltin(specifier))).toEqual([]);
    expect(readFileSync(FACADE, "utf8")).toMatch(/^export \* from "\.\/core\.js";$/m);
  });

  it("commands export only their run functions and the types of their options", () => {
    const commands = join(SRC, "cli", "commands");
    const exported: string[] = [];
    for (const file of sourceFiles(commands)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(\w+)\s*(\*|\{[^}]*\}|\w+)?/gm)) {
        const [, keyword, name] = match;
        if (keyword === "interface" || keyword === "type") continue;
        exported.push(`${shown(file)}: ${keyword} ${name ?? ""}`.trim());
      }
    }
    const allowed = /: function run[A-Z]\w*$/;
    expect(exported.filter((line) => !allowed.test(line))).toEqual([]);
    expect(exported.length).toBe(sourceFiles(commands).length);
  });

  it("the import scanner sees every kind of import it is asked to police", () => {
    // The checks above are only as good as `specifiers`: make sure it finds each form.
    const cli = readFileSync(join(SRC, "cli", "commands", "eval.ts"), "utf8");
    expect(cli).toMatch(/from "\.\.\/\.\.\/index\.js"/);
    expect(specifiers(join(SRC, "cli", "commands", "check.ts"))).toContain("../../core.js");
    expect(specifiers(join(SRC, "cli", "cli.ts"))).toEqual(expect.arrayContaining(["./commands/check.js", "../core.js"]));
    expect(specifiers(join(SRC, "tools", "format", "prettier-plugin.ts"))).toEqual(
      expect.arrayContaining(["prettier", "../../index.js"]),
    );
    expect(specifiers(FACADE)).toEqual(expect.arrayContaining(["./core.js", "./lower/lower.js", "./tools/format/files.js"]));
    expect(specifiers(CORE)).toEqual(expect.arrayContaining(["./ast.js", "./syntax/parse.js", "./project/check-paths.js"]));
  });
});
