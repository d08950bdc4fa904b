// The packed packages, as a user gets them: README's "Use pol in your project" is run block by
// block (pack in this repository, install both tarballs into an empty folder, `pol init`, check,
// fmt, test, eval, compile, CI commands) and every output it shows is compared with what the
// commands print. Then every command runs once more in each machine format, on a broken policy,
// from a subfolder. The README's application file is compiled strictly and run in the new
// project, where `@pol/runtime` must resolve by name. The install runs with an empty npm cache and
// `--offline`: both tarballs must be complete on their own.
//
// It packs the built `dist/` as it is (`npm test` builds first; after changing src/, run
// `npm run build` before running this file alone).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = resolve(".");
const README_PACKAGES = "/tmp/pol-packages";
const SECTION = /^## Use pol in your project$/m;

interface Block {
  /** `file F`: a file `pol init` wrote, shown as it is; `program F`: an application file to build and run. */
  kind: "run" | "run in the repository" | "output" | `file ${string}` | `program ${string}`;
  text: string;
  line: number;
}

/** The marked blocks of the README section, in order. */
function readmeBlocks(): Block[] {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.search(SECTION);
  expect(start, "README.md has no section \"Use pol in your project\"").toBeGreaterThan(0);
  const rest = readme.slice(start);
  const end = rest.slice(3).search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end + 3);
  const firstLine = readme.slice(0, start).split("\n").length;
  const blocks: Block[] = [];
  for (const match of section.matchAll(/<!-- package-test: ([^>]+?) -->\n```\w*\n([\s\S]*?)```/g)) {
    const line = firstLine + section.slice(0, match.index).split("\n").length - 1;
    blocks.push({ kind: match[1] as Block["kind"], text: match[2]!, line });
  }
  return blocks;
}

let work: string;
let packages: string;
let cwd: string;
let npmCache: string;

/** The environment without colour: NO_COLOR set, FORCE_COLOR (which the test runner may set) gone. */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  return env;
}

/** Run shell lines in `folder` as a user would, offline, without colour; combined output. */
function shell(lines: string, folder: string, env: Record<string, string> = {}): { status: number; output: string; cwd: string } {
  const cwdFile = join(work, ".cwd");
  const script = `set -e\n${lines}\npwd > ${JSON.stringify(cwdFile)}\n`;
  const result = spawnSync("bash", ["-c", script], {
    cwd: folder,
    encoding: "utf8",
    env: {
      ...plainEnv(),
      npm_config_offline: "true",
      npm_config_cache: npmCache,
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
      npm_config_loglevel: "error",
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout}${result.stderr}`;
  const after = existsSync(cwdFile) ? readFileSync(cwdFile, "utf8").trim() : folder;
  rmSync(cwdFile, { force: true });
  return { status: result.status ?? 1, output, cwd: after };
}

/** A pol command in the project the README created; stdout and stderr apart. */
function pol(args: string[], folder = cwd, env: Record<string, string> = {}): { status: number; stdout: string; stderr: string } {
  // The installed `pol` bin itself (what `npx pol` runs), without npx's start-up.
  const result = spawnSync(process.execPath, [join(cwd, "node_modules/.bin/pol"), ...args], {
    cwd: folder,
    encoding: "utf8",
    env: { ...plainEnv(), ...env },
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

const results: { block: Block; status: number; output: string }[] = [];

/**
 * An application file of the README, as a developer builds it: written into the project,
 * type-checked and compiled strictly with the compiled evaluators it imports (this repository's
 * TypeScript stands in for the application's own), then run with node from the project, where
 * `@pol/runtime` must resolve by name.
 */
function buildAndRun(file: string, text: string, folder: string): { status: number; output: string } {
  writeFileSync(join(folder, file), text);
  const tsc = join(REPO, "node_modules/typescript/bin/tsc");
  const options = ["--strict", "--exactOptionalPropertyTypes", "--noUncheckedIndexedAccess", "--module", "nodenext", "--moduleResolution", "nodenext"];
  const build = spawnSync(process.execPath, [tsc, ...options, "--target", "es2022", "--outDir", ".app-build", file], {
    cwd: folder,
    encoding: "utf8",
  });
  if (build.status !== 0) return { status: build.status ?? 1, output: `tsc failed:\n${build.stdout}${build.stderr}` };
  const run = spawnSync(process.execPath, [join(".app-build", file.replace(/\.ts$/, ".js"))], { cwd: folder, encoding: "utf8" });
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
  expect(existsSync("dist/src/cli/cli.js"), "run `npm run build` first: the package holds the built dist/").toBe(true);
  work = mkdtempSync(join(tmpdir(), "pol-package-"));
  packages = join(work, "pol-packages");
  npmCache = join(work, "npm-cache");
  mkdirSync(npmCache);
  cwd = work;
  for (const block of readmeBlocks()) {
    if (block.kind.startsWith("program ")) {
      const run = buildAndRun(block.kind.slice("program ".length), block.text, cwd);
      results.push({ block, status: run.status, output: run.output });
      if (run.status !== 0) break;
      continue;
    }
    if (block.kind !== "run" && block.kind !== "run in the repository") continue;
    const lines = block.text.replaceAll(README_PACKAGES, packages);
    // Packing runs no scripts here: the build already ran (its output is what is packed).
    const run =
      block.kind === "run in the repository"
        ? shell(lines, REPO, { npm_config_ignore_scripts: "true", npm_config_offline: "false" })
        : shell(lines, cwd);
    if (block.kind === "run") cwd = run.cwd;
    results.push({ block, status: run.status, output: run.output });
    if (run.status !== 0) break;
  }
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("README: Use pol in your project, run against the packed tarballs", { timeout: 240_000 }, () => {
  it("runs every command block, each exiting 0", () => {
    const runs = readmeBlocks().filter((block) => block.kind.startsWith("run") || block.kind.startsWith("program "));
    expect(runs.length).toBeGreaterThanOrEqual(6);
    for (const { block, status, output } of results) {
      expect(status, `README.md:${block.line} failed:\n${block.text}\n${output}`).toBe(0);
    }
    expect(results.length).toBe(runs.length);
  });

  it("prints what the README shows", () => {
    const blocks = readmeBlocks();
    let checked = 0;
    blocks.forEach((block, index) => {
      if (block.kind !== "output") return;
      const command = blocks[index - 1]!;
      const run = results.find((result) => result.block === command || result.block.line === command.line);
      expect(run, `README.md:${block.line}: the output block follows no command that ran`).toBeDefined();
      expect(run!.output, `README.md:${block.line}: output of\n${command.text}`).toBe(block.text);
      checked++;
    });
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it("shows the files pol init writes as they are", () => {
    for (const block of readmeBlocks().filter((b) => b.kind.startsWith("file "))) {
      const path = block.kind.slice("file ".length);
      expect(readFileSync(join(cwd, path), "utf8"), `README.md:${block.line}: ${path}`).toBe(block.text);
    }
  });

  it("installs pol and @pol/runtime at the top of node_modules, dependencies bundled", () => {
    // Every dependency but the runtime ships inside the tarball, so installing needs no registry.
    const own = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; bundleDependencies: string[] };
    expect([...own.bundleDependencies].sort()).toEqual(Object.keys(own.dependencies).filter((name) => name !== "@pol/runtime").sort());
    const manifest = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(["@pol/runtime", "pol"]);
    expect(existsSync(join(cwd, "node_modules/@pol/runtime/dist/index.js"))).toBe(true);
    expect(existsSync(join(cwd, "node_modules/pol/node_modules/chevrotain"))).toBe(true);
    expect(pol(["--version"]).stdout.trim()).toBe((JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version);
  });
});

describe("the installed pol", { timeout: 240_000 }, () => {
  it("writes JSON with --format json on every command", () => {
    const runs: [string[], (report: Record<string, unknown>) => void][] = [
      [["check", "--format", "json"], (r) => expect(r.total).toBe(0)],
      [["fmt", "--check", "--format", "json"], (r) => expect(r.unformatted).toEqual([])],
      [["compile", "--check", "--format", "json"], (r) => expect(r.upToDate).toBe(true)],
      [["test", "--format", "json"], (r) => expect(r.summary).toMatchObject({ passed: 6, failed: 0 })],
      [["eval", "policies/knee-arthroscopy.pol", "cases/example.json", "--format", "json"], (r) => expect(JSON.stringify(r)).toContain('"approved"')],
      [["init", "second", "--format", "json"], (r) => expect(r.created).toContain("second/pol.config.json")],
    ];
    for (const [args, check] of runs) {
      const run = pol(args);
      expect(run.status, `pol ${args.join(" ")}: ${run.stderr}`).toBe(0);
      check(JSON.parse(run.stdout) as Record<string, unknown>);
    }
  });

  it("writes JUnit XML, SARIF and GitHub annotations", () => {
    const junit = readFileSync(join(cwd, "pol-test-results.xml"), "utf8");
    expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="pol test" tests="7" failures="0" errors="0"/);
    expect(junit.match(/<testcase /g)).toHaveLength(7);

    const policy = join(cwd, "policies/knee-arthroscopy.pol");
    const source = readFileSync(policy, "utf8");
    writeFileSync(policy, source.replace("time since symptom_onset >= 3mo", "time since symptom_onst >= 3mo"));
    try {
      const sarif = pol(["check", "--format", "sarif"]);
      expect(sarif.status).toBe(1);
      const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string; locations: unknown[] }[] }[] };
      expect(log.version).toBe("2.1.0");
      expect(log.runs[0]!.results[0]).toMatchObject({
        ruleId: "POL2001",
        locations: [{ physicalLocation: { artifactLocation: { uri: "policies/knee-arthroscopy.pol" }, region: { startLine: 16 } } }],
      });
      const github = pol(["check", "--format", "github"], join(cwd, "policies"));
      expect(github.status).toBe(1);
      expect(github.stdout).toMatch(/^::error file=policies\/knee-arthroscopy\.pol,line=16,col=\d+,endLine=16,endColumn=\d+,title=POL2001::unknown name `symptom_onst`/);
      const tests = pol(["test", "--reporter", "junit"]);
      expect(tests.status).toBe(1);
    } finally {
      writeFileSync(policy, source);
    }
  });

  it("runs bare commands from the project root wherever they start, and names the fix for stale output", () => {
    const fromRoot = pol(["test"]);
    const fromSub = pol(["test"], join(cwd, "policies/tests"));
    expect(fromSub.stdout).toBe(fromRoot.stdout);
    writeFileSync(join(cwd, "compiled/knee.schema.ts"), "// edited by hand\n");
    const stale = pol(["compile", "--check"], join(cwd, "cases"));
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe("error: compiled/knee.schema.ts is out of date\nrun `pol compile` to regenerate it\n");
    expect(pol(["compile"], join(cwd, "cases")).status).toBe(0);
    expect(pol(["compile", "--check"]).status).toBe(0);
  });

  it("checks files with syntax errors as the repository's ES module CLI does, from any folder", () => {
    // The installed `pol check` runs the check bundle, with the parser's analysis and the lexer's
    // first characters recorded by the build; the ES module CLI lets Chevrotain work them out.
    const broken = join(cwd, "broken");
    mkdirSync(join(broken, "deeper"), { recursive: true });
    for (const name of ["POL1001-unexpected-character", "POL1002-broken-let", "POL1002-hints", "POL1002-mixed-errors", "POL1002-unexpected-token"]) {
      writeFileSync(join(broken, `${name}.pol`), readFileSync(join(REPO, "test/golden", `${name}.pol`), "utf8"));
    }
    // A user's environment: outside the test runner, whose VITEST turns the grammar checks on (and
    // with them Chevrotain's own analysis).
    const env = plainEnv();
    delete env.VITEST;
    const args = ["check", broken, "--format", "json"];
    for (const folder of [cwd, join(broken, "deeper")]) {
      const installed = spawnSync(process.execPath, [join(cwd, "node_modules/.bin/pol"), ...args], { cwd: folder, encoding: "utf8", env });
      const program = `import { main } from ${JSON.stringify(join(REPO, "dist/cli/cli.js"))}; process.exitCode = await main(${JSON.stringify(args)});`;
      const modules = spawnSync(process.execPath, ["--input-type=module", "-e", program], { cwd: folder, encoding: "utf8", env });
      expect(installed.status).toBe(1);
      expect(JSON.parse(installed.stdout).total).toBeGreaterThan(5);
      expect([installed.status, installed.stdout]).toEqual([modules.status, modules.stdout]);
    }
  });

  it("runs one test by name, and formats through the prettier plugin by its package name", () => {
    const one = pol(["test", "--run", "locked knee"]);
    expect(one.status).toBe(0);
    expect(one.stdout).toContain("1 passed, 0 failed\n");
    expect(one.stdout).toContain("5 tests left out by --run (coverage not enforced)\n");

    const script = `
      import { createRequire } from "node:module";
      const require = createRequire(import.meta.resolve("pol/package.json"));
      const prettier = await import(require.resolve("prettier").replace(/index\\.cjs$/, "index.mjs"));
      const text = 'schema s "S"\\ncase {   a: bool "a" }\\n';
      process.stdout.write(await prettier.format(text, { parser: "pol", plugins: ["pol/prettier-plugin"] }));
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe('schema s "S"\n\ncase {\n  a: bool "a"\n}\n');
  });
});
