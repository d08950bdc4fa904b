#!/usr/bin/env node
// Builds the VS Code extension: bundles the client (src/extension.ts with vscode-languageclient)
// into dist/extension.js with esbuild. With `--package`, also packages the extension with vsce
// into pol-vscode-VERSION.vsix beside this file (`--out FILE` to put it elsewhere). The package
// is never published. The bundle carries the client's dependencies, so vsce packages without
// running npm (`--no-dependencies`) and needs no network.

import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

rmSync(join(here, "dist"), { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(here, "src/extension.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  outfile: join(here, "dist/extension.js"),
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
});

if (process.argv.includes("--package")) {
  const outFlag = process.argv.indexOf("--out");
  const out = outFlag >= 0 ? resolve(process.argv[outFlag + 1]) : join(here, `${manifest.name}-${manifest.version}.vsix`);
  const vsce = join(dirname(createRequire(import.meta.url).resolve("@vscode/vsce/package.json")), "vsce");
  execFileSync(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", "--allow-missing-repository", "--out", out], {
    cwd: here,
    stdio: ["ignore", "inherit", "inherit"],
  });
}
