// How bin/pol.js starts the CLI, bundled by scripts/bundle-cli.mjs into dist/cli/launch.js (it
// runs only from there: the files it loads sit beside it in dist/cli/).
//
// `pol check` runs from dist/cli/check.cjs: the same CLI built as one CommonJS script, compiled
// with the V8 code cache that the build wrote for it (dist/cli/check.cjs.cache), so that a cold
// check does not parse and compile pol's and Chevrotain's code again. Node 20 has no compile cache
// for modules; a script compiled through `vm.Script` takes V8's cached data. Every other command
// runs from the ES module bundle dist/cli/cli.js, whose commands load the packages they need
// (prettier, TypeScript, the runtime) as ES modules.
//
// V8 refuses cached data made by another V8 version or with other V8 flags, and then compiles the
// source as usual. It checks the source only by its length, so the cache file starts with the
// SHA-256 of the source it was made from, and a cache for any other source is never handed to V8.

import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, Script } from "node:vm";

/** What the CLI's modules export to the launcher (src/cli/cli.ts). */
export interface Cli {
  main(args: string[]): Promise<number>;
  tolerateClosedOutput(): void;
}

/** What became of the code cache: used, refused by V8, made for another source, or absent. */
export type CacheUse = "used" | "rejected" | "stale" | "absent";

const DIGEST_BYTES = 32;
const DEFAULT_LOADER = (constants as Partial<typeof constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;

/** The CommonJS bundle of `pol check` and its code cache, beside this module in dist/cli/. */
export const CHECK_BUNDLE = fileURLToPath(new URL("./check.cjs", import.meta.url));
const cacheOf = (bundle: string) => `${bundle}.cache`;

/** Runs `pol ARGS`; resolves to the exit code. */
export async function launch(args: string[]): Promise<number> {
  const cli = args[0] === "check" ? loadScript(CHECK_BUNDLE).cli : ((await import(new URL("./cli.js", import.meta.url).href)) as Cli);
  cli.tolerateClosedOutput();
  return cli.main(args);
}

/**
 * Loads the CommonJS bundle at `bundle` as Node would `require` it, compiled with its code cache
 * when the cache was made from exactly this source.
 */
export function loadScript(bundle: string): { cli: Cli; cache: CacheUse; script: Script; digest: Buffer } {
  // The digest is taken of the file's bytes: hashing the decoded text would encode it again.
  const bytes = readFileSync(bundle);
  const source = bytes.toString("utf8");
  const sourceDigest = digest(bytes);
  let cached: Buffer | undefined;
  let cache: CacheUse = "absent";
  try {
    cached = readFileSync(cacheOf(bundle));
  } catch {
    cached = undefined;
  }
  if (cached !== undefined) {
    if (cached.length > DIGEST_BYTES && cached.subarray(0, DIGEST_BYTES).equals(sourceDigest)) cache = "used";
    else {
      cache = "stale";
      cached = undefined;
    }
  }
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    cachedData: cached?.subarray(DIGEST_BYTES),
    // The bundle holds no `import()` (scripts/bundle-cli.mjs lets it require only CommonJS
    // packages); should one come, it loads as in a CommonJS module, where Node has the option (20.12).
    ...(DEFAULT_LOADER === undefined ? {} : { importModuleDynamically: DEFAULT_LOADER }),
  });
  if (cache === "used" && script.cachedDataRejected === true) cache = "rejected";
  const module = new Module(bundle);
  module.filename = bundle;
  // In the require cache as any loaded CommonJS module is (and so in listings of what loaded).
  const require = createRequire(bundle);
  require.cache[bundle] = module;
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, require, module, bundle, dirname(bundle));
  module.loaded = true;
  return { cli: module.exports as Cli, cache, script, digest: sourceDigest };
}

/**
 * Runs `pol ARGS` from the bundle, then writes its code cache (the build's last step, on a bundle
 * just built, without a cache): the cache holds the code of every function the run compiled.
 */
export async function writeCodeCache(bundle: string, args: string[]): Promise<number> {
  // The digest of the source compiled, not of the file as it may be by the end of the run.
  const { cli, script, digest: sourceDigest } = loadScript(bundle);
  const exitCode = await cli.main(args);
  const temporary = `${cacheOf(bundle)}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([sourceDigest, script.createCachedData()]));
  renameSync(temporary, cacheOf(bundle));
  return exitCode;
}

function digest(bytes: Buffer): Buffer {
  return createHash("sha256").update(bytes).digest();
}
