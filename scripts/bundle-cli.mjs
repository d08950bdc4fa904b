#!/usr/bin/env node
// The last step of `npm run build`: the CLI tsc built under dist/src, bundled by esbuild into
// dist/cli/, which bin/pol.js runs through dist/cli/launch.js (src/cli/launch.ts). A cold `pol
// check` otherwise loads about 60 of pol's modules one by one and compiles them afresh
// (docs/performance.md).
//
// Two bundles of the same compiled JavaScript:
// - cli.js, ES modules: every command is a chunk loaded when it runs (the CLI's dynamic
//   imports), the batch worker is an entry of its own beside them (it is found next to the
//   module that starts it), and packages stay external, loaded from node_modules as before.
// - check.cjs, one CommonJS script for `pol check` alone, with Chevrotain's single-file build and
//   the runtime's suggestion function inside it (so it needs no ES module), the parser's
//   self-analysis and the tokens' first characters recorded from the grammar it holds
//   (grammar/self-analysis.ts, grammar/lexer-starts.ts), and the V8 code
//   cache written for it by a check of the repository's policies (check.cjs.cache). Commands other
//   than `check` are left out: launch.js never runs them from it.
// dist/cli/meta.json (esbuild's metafiles, merged) says which built modules each file holds;
// test/cold-start.test.ts reads it.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { bundledChevrotain } from "../dist/grammar/chevrotain.js";
import { recordLexerStarts } from "../dist/grammar/lexer-starts.js";
import { allTokens, polLexer } from "../dist/grammar/lexer.js";
import { buildParser } from "../dist/grammar/parser.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/cli");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const modules = await build({
  absWorkingDir: root,
  entryPoints: { cli: "dist/src/cli/cli.js", worker: "dist/src/tools/batch/worker.js", launch: "dist/src/cli/launch.js" },
  outdir: "dist/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  metafile: true,
  logLevel: "warning",
});

// Packages the CommonJS bundle may leave to `require`: CommonJS packages (and Node's builtins).
const REQUIRED_PACKAGES = new Set(["commander"]);

// The FHIRPath engine's module, which the check bundle holds (src/check/fhirpath-module.ts).
const fhirpathEntry = createRequire(import.meta.url).resolve("fhirpath");
// Modules the engine requires that src/check/fhirpath-engine.ts gives it stand-ins for (its ANTLR
// parser, the unit library), by putting them in Node's module cache: inside the bundle they are
// still `require`d, from the engine's own folder as the engine itself would.
const ENGINE_STAND_INS = { [join(dirname(fhirpathEntry), "fhirpath.js")]: ["./parser"], "*": ["@lhncbc/ucum-lhc"] };

// The parser's self-analysis and the lexer's first characters, made by Chevrotain here from the
// grammar the bundle holds, for the bundle to restore rather than redo at every start. The ES
// module bundle keeps Chevrotain's own (test/code-cache.test.ts compares the two CLIs' output).
const recordedAnalysis = buildParser({ kind: "record" }).recorded;
const recordedLexerStarts = recordLexerStarts(polLexer, allTokens);

const checkOnly = {
  name: "check-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]grammar[\\/]recorded-analysis\.js$/ }, () => ({
      // Parsed from a string: V8 reads JSON faster than the same data as an object literal.
      contents:
        `export const recordedAnalysis = JSON.parse(${JSON.stringify(JSON.stringify(recordedAnalysis))});\n` +
        `export const recordedLexerStarts = JSON.parse(${JSON.stringify(JSON.stringify(recordedLexerStarts))});\n`,
    }));
    // grammar/chevrotain.js finds Chevrotain's bundle and imports it with a top-level `await`,
    // which a CommonJS script cannot hold: here the bundle is imported directly, once.
    build.onLoad({ filter: /[\\/]dist[\\/]grammar[\\/]chevrotain\.js$/ }, (args) => {
      const built = readFileSync(args.path, "utf8");
      const exported = /^export const \{([^}]*)\} = chevrotain;$/m.exec(built);
      const checks = /^export const checkGrammarDefinition = .*$/m.exec(built);
      if (exported === null || checks === null) throw new Error(`${args.path} no longer has the exports the check bundle replaces`);
      // Without the single-file build, the package's entry (and lodash-es) is bundled instead.
      const chevrotain = bundledChevrotain();
      return {
        contents: `import * as chevrotain from ${JSON.stringify(chevrotain === undefined ? "chevrotain" : fileURLToPath(chevrotain))};\nexport const {${exported[1]}} = chevrotain;\n${checks[0]}\n`,
        resolveDir: dirname(args.path),
      };
    });
    // The engine, inside the bundle, initialised when first asked for as before.
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/]check[\\/]fhirpath-module\.js$/ }, () => ({
      contents: `export function fhirpathModule() {\n  return require(${JSON.stringify(fhirpathEntry)});\n}\n`,
      resolveDir: root,
    }));
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point" || args.namespace !== "file") return undefined;
      const inPackage = /[\\/]node_modules[\\/]/.test(args.importer);
      if (inPackage) {
        const standIns = [...(ENGINE_STAND_INS[args.importer] ?? []), ...ENGINE_STAND_INS["*"]];
        return standIns.includes(args.path) ? { path: args.path, namespace: "engine-require" } : undefined;
      }
      if (args.path.startsWith(".") || args.path.startsWith("/")) {
        // The other commands: never run from this bundle.
        if (/^\.\/commands\/[\w-]+\.js$/.test(args.path) && args.path !== "./commands/check.js") return { path: args.path, namespace: "not-in-check-bundle" };
        return undefined;
      }
      // The runtime is an ES module package: its suggestion function goes inside the bundle.
      if (args.path === "@pol/runtime/names") return { path: join(root, "packages/runtime/dist/names.js") };
      if (args.path === "chevrotain" && /[\\/]dist[\\/]grammar[\\/]chevrotain\.js$/.test(args.importer)) return undefined;
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: "engine-require" }, (args) => ({
      contents: `const { createRequire } = require("node:module");\nconst engine = createRequire(__filename).resolve("fhirpath");\nmodule.exports = createRequire(engine)(${JSON.stringify(args.path)});\n`,
    }));
    build.onLoad({ filter: /.*/, namespace: "not-in-check-bundle" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`pol: ${args.path} is not part of the check bundle`)});`,
    }));
  },
};

const check = await build({
  absWorkingDir: root,
  entryPoints: { check: "dist/src/cli/cli.js" },
  outdir: "dist/cli",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  define: { "import.meta.url": "__import_meta_url" },
  banner: { js: 'var __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [checkOnly],
  metafile: true,
  logLevel: "warning",
});
const required = Object.values(check.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((imported) => imported.external && !isBuiltin(imported.path) && !REQUIRED_PACKAGES.has(imported.path));
if (required.length > 0) throw new Error(`the check bundle would require ${required.map((imported) => imported.path).join(", ")}`);

const outputs = { ...modules.metafile.outputs, ...check.metafile.outputs };
writeFileSync(join(outdir, "meta.json"), JSON.stringify({ inputs: { ...modules.metafile.inputs, ...check.metafile.inputs }, outputs }, null, 1) + "\n");

// The code cache: one check of the repository's policies compiles what a check runs.
const launcher = join(outdir, "launch.js");
const training = spawnSync(
  process.execPath,
  ["--input-type=module", "-e", `import { CHECK_BUNDLE, writeCodeCache } from ${JSON.stringify(launcher)}; process.exitCode = await writeCodeCache(CHECK_BUNDLE, ["check", "policies"]);`],
  { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
);
if (training.status !== 0) throw new Error(`writing the code cache: \`pol check policies\` failed (exit ${training.status}):\n${training.stdout}${training.stderr}`);
