#!/usr/bin/env node
// Builds the playground into playground/dist/: a static site (index.html, playground.css and the
// bundle) that runs the compiler in the page. `node playground/build.mjs --serve [PORT]` builds,
// serves it on http://localhost:PORT (default 8377) and rebuilds on every change; `--out DIR`
// builds into DIR instead.
//
// The compiler reaches the browser through src/browser.ts. The few modules of the pipeline that
// touch Node are swapped for browser ones (playground/shims/): the file helpers
// (src/files/source-files.ts), `node:path` (path-browserify), `node:crypto` (sha256 from
// @noble/hashes), grammar/chevrotain.ts (the package itself) and prettier (its standalone build).
// Any other `node:` import fails the build, so the bundle never carries one.

import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const outFlag = process.argv.indexOf("--out");
const dist = outFlag >= 0 ? resolve(process.argv[outFlag + 1]) : join(here, "dist");
const shim = (name) => join(here, "shims", name);

/** Which import, from which folder, becomes which browser module. */
const SWAPS = [
  { filter: /^node:path$/, to: shim("node-path.ts") },
  { filter: /^node:crypto$/, to: shim("node-crypto.ts") },
  { filter: /^prettier$/, to: shim("prettier.ts") },
  { filter: /(^|\/)source-files\.js$/, from: join(root, "src"), to: shim("source-files.ts") },
  { filter: /(^|\/)chevrotain\.js$/, from: root, to: shim("chevrotain.ts") },
  { filter: /(^|\/)fhirpath-engine\.js$/, from: join(root, "src"), to: shim("fhirpath-engine.ts") },
];

const browserModules = {
  name: "browser-modules",
  setup(build) {
    for (const swap of SWAPS) {
      build.onResolve({ filter: swap.filter }, (args) => {
        if (swap.from && !args.importer.startsWith(swap.from)) return undefined;
        return { path: swap.to };
      });
    }
    build.onResolve({ filter: /^node:|^(fs|path|crypto|module|url|os|child_process)$/ }, (args) => ({
      errors: [{ text: `the playground bundle must not import \`${args.path}\` (imported by ${relative(root, args.importer)})` }],
    }));
  },
};

const options = {
  entryPoints: { playground: join(here, "src/main.ts") },
  bundle: true,
  format: "esm",
  splitting: true,
  platform: "browser",
  target: ["chrome110", "firefox115", "safari16"],
  outdir: dist,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  loader: { ".pol": "text" },
  inject: [shim("process.ts")],
  plugins: [browserModules],
  metafile: true,
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
};

function copyStatic() {
  mkdirSync(dist, { recursive: true });
  for (const file of ["index.html", "playground.css"]) copyFileSync(join(here, file), join(dist, file));
}

const serve = process.argv.includes("--serve");
rmSync(dist, { recursive: true, force: true });
copyStatic();
if (serve) {
  const port = Number(process.argv[process.argv.indexOf("--serve") + 1]) || 8377;
  const context = await esbuild.context(options);
  await context.watch();
  const { hosts, port: bound } = await context.serve({ servedir: dist, port, host: "127.0.0.1" });
  process.stdout.write(`the playground is at http://${hosts[0] ?? "127.0.0.1"}:${bound}/ (Ctrl-C to stop)\n`);
} else {
  const result = await esbuild.build(options);
  writeFileSync(join(dist, "meta.json"), JSON.stringify(result.metafile));
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  process.stdout.write(`built ${relative(process.cwd(), dist) || "."}/ (${(bytes / 1024 / 1024).toFixed(1)} MiB with source maps)\n`);
}
