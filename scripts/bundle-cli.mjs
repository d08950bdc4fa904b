#!/usr/bin/env node
// The last step of `npm run build`: the CLI tsc built under dist/src, bundled by esbuild into
// dist/cli/ (bin/pol.js runs it). A cold `pol check` otherwise loads about 60 of pol's modules one
// by one, and Node's module loading was the largest part of its start-up (docs/performance.md).
// The bundle holds the same compiled JavaScript: every command is a chunk loaded when it runs
// (the CLI's dynamic imports), the batch worker is an entry of its own beside them (it is
// found next to the module that starts it), and packages stay external, loaded from
// node_modules as before. dist/cli/meta.json (esbuild's metafile) says which built modules each
// file holds; test/cold-start.test.ts reads it.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist/cli");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: "dist/src/cli/cli.js", worker: "dist/src/tools/batch/worker.js" },
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
writeFileSync(join(outdir, "meta.json"), JSON.stringify(result.metafile, null, 1) + "\n");
