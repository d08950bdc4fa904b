// `pol check` runs from dist/cli/check.cjs compiled with the V8 code cache the build wrote for it
// (src/cli/launch.ts, scripts/bundle-cli.mjs). The cache is only ever a shortcut: a cache for
// another source, from another V8, made under other V8 flags, cut short or missing must leave the
// check exactly as it is without one. And the check bundle must say what the ES module CLI says.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const LAUNCH = join(ROOT, "dist/cli/launch.js");
const BUNDLE = join(ROOT, "dist/cli/check.cjs");

/** A user's environment: outside the test runner (whose VITEST turns the grammar checks on), no colour. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.VITEST;
  delete env.FORCE_COLOR;
  return env;
}

interface Run {
  status: number | null;
  stdout: string;
  /** What became of the cache (src/cli/launch.ts `CacheUse`). */
  cache: string;
}

/** `pol ARGS` from the CommonJS bundle at `bundle`, loaded by the launcher; `nodeFlags` before the script. */
function runBundle(bundle: string, args: string[], nodeFlags: string[] = []): Run {
  const program = `
    import { loadScript } from ${JSON.stringify(LAUNCH)};
    const { cli, cache } = loadScript(${JSON.stringify(bundle)});
    process.stderr.write("cache: " + cache + "\\n");
    process.exitCode = await cli.main(${JSON.stringify(args)});`;
  const result = spawnSync(process.execPath, [...nodeFlags, "--input-type=module", "-e", program], { cwd: ROOT, env: userEnv(), encoding: "utf8" });
  const cache = /^cache: (\w+)$/m.exec(result.stderr)?.[1] ?? `none (stderr: ${result.stderr})`;
  return { status: result.status, stdout: result.stdout, cache };
}

/** `pol ARGS` from the ES module bundle dist/cli/cli.js, as every command but `check` runs. */
function runModules(args: string[]): { status: number | null; stdout: string } {
  const program = `
    import { main } from ${JSON.stringify(join(ROOT, "dist/cli/cli.js"))};
    process.exitCode = await main(${JSON.stringify(args)});`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", program], { cwd: ROOT, env: userEnv(), encoding: "utf8" });
  return { status: result.status, stdout: result.stdout };
}

// Inside the repository, so that the copies find node_modules as the bundle does.
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(ROOT, "dist", "code-cache-test-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the bundle and of its cache (changed by `alter`), in `work`. */
function copy(name: string, alter: (cache: Buffer, source: string) => { cache?: Buffer; source?: string }): string {
  const bundle = join(work, `${name}.cjs`);
  const source = readFileSync(BUNDLE, "utf8");
  const altered = alter(readFileSync(`${BUNDLE}.cache`), source);
  writeFileSync(bundle, altered.source ?? source);
  if (altered.cache !== undefined) writeFileSync(`${bundle}.cache`, altered.cache);
  return bundle;
}

const CHECK = ["check", "--format", "json", "policies", "test/golden"];

describe("the check bundle and its code cache", () => {
  const expected = runModules(CHECK);

  it("checks what the ES module CLI checks, with the same output and exit code", () => {
    expect(expected.status).toBe(1);
    expect(JSON.parse(expected.stdout).diagnostics.length).toBeGreaterThan(20);
    const run = runBundle(BUNDLE, CHECK);
    expect(run).toEqual({ ...expected, cache: "used" });
    for (const args of [["check", "policies"], ["check", "test/golden/POL1002-mixed-errors.pol"], ["check", "--help"], ["check", "no/such/folder"]]) {
      const modules = runModules(args);
      expect({ ...runBundle(BUNDLE, args), cache: undefined }, args.join(" ")).toEqual({ ...modules, cache: undefined });
    }
  });

  it("never hands V8 a cache made for another source, though V8 itself would take it", () => {
    // The same length, one character changed: V8 checks the source by its length only.
    const bundle = copy("other-source", (cache, source) => {
      const at = source.indexOf("`checked ${");
      expect(at).toBeGreaterThan(0);
      return { cache, source: `${source.slice(0, at)}\`Checked ${source.slice(at + "`checked ".length)}` };
    });
    expect(readFileSync(bundle, "utf8").length).toBe(readFileSync(BUNDLE, "utf8").length);
    const run = runBundle(bundle, ["check", "policies"]);
    expect(run.cache).toBe("stale");
    expect(run.stdout).toMatch(/^Checked 7 files: no errors/);
    const v8Alone = spawnSync(
      process.execPath,
      ["-e", `const { Module } = require("node:module"); const fs = require("node:fs"); const s = new (require("node:vm").Script)(Module.wrap(fs.readFileSync(${JSON.stringify(bundle)}, "utf8")), { cachedData: fs.readFileSync(${JSON.stringify(`${bundle}.cache`)}).subarray(32) }); console.log(s.cachedDataRejected);`],
      { encoding: "utf8" },
    );
    expect(v8Alone.stdout.trim()).toBe("false");
  });

  it("falls back to compiling when V8 refuses the cache: another V8 version, other V8 flags, cut short", () => {
    // V8's header: a magic number, then the hash of its version (bytes 4-7 after pol's digest).
    const foreign = copy("foreign", (cache) => {
      const changed = Buffer.from(cache);
      for (let i = 32 + 4; i < 32 + 8; i++) changed[i] = changed[i]! ^ 0xff;
      return { cache: changed };
    });
    const short = copy("short", (cache) => ({ cache: cache.subarray(0, 32 + 64) }));
    const runs = [runBundle(foreign, CHECK), runBundle(BUNDLE, CHECK, ["--no-opt"]), runBundle(short, CHECK)];
    for (const run of runs) expect(run).toEqual({ ...expected, cache: "rejected" });
  });

  it("compiles from source without a cache, and a digest alone is no cache", () => {
    const none = copy("none", () => ({}));
    expect(runBundle(none, CHECK)).toEqual({ ...expected, cache: "absent" });
    const digestOnly = copy("digest-only", (cache) => ({ cache: cache.subarray(0, 32) }));
    expect(runBundle(digestOnly, CHECK)).toEqual({ ...expected, cache: "stale" });
  });

  it("is what bin/pol.js runs for `pol check`, and the cache the build wrote is taken", () => {
    const result = spawnSync(process.execPath, [join(ROOT, "bin/pol.js"), ...CHECK], { cwd: ROOT, env: userEnv(), encoding: "utf8" });
    expect({ status: result.status, stdout: result.stdout }).toEqual(expected);
    expect(runBundle(BUNDLE, ["check", "policies"]).cache).toBe("used");
  });
});
