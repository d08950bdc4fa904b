// A project as analysts and CI use it, through the CLI entry point: `pol init`, `pol.config.json`
// (bare commands from any folder, configuration mistakes), output for machines (SARIF, GitHub
// annotations, JUnit XML, JSON from fmt and init), `pol test --run`, base cases in test files,
// `--watch`, and colour.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";
import { colourize, colourWanted } from "../src/cli/colour.js";
import type { Io } from "../src/cli/io.js";
import { runCheck } from "../src/cli/commands/check.js";
import { runTest } from "../src/cli/commands/test.js";
import { escapeData, escapeProperty } from "../src/project/diagnostic-formats.js";
import { mergePatch } from "../src/tools/policy-test/test-file.js";

let dir: string;
let home: string;

beforeEach(() => {
  home = process.cwd();
  dir = mkdtempSync(join(tmpdir(), "pol-project-"));
});

afterEach(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

const at = (...parts: string[]) => join(dir, ...parts);

function capture(): { io: Io; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { io: { out: (text) => void (out += text), err: (text) => void (err += text) }, out: () => out, err: () => err };
}

/** Run `pol` with `args` from `folder` (the test's process moves there and back). */
async function pol(folder: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { io, out, err } = capture();
  process.chdir(folder);
  try {
    const code = await main(args, io);
    return { code, out: out(), err: err() };
  } finally {
    process.chdir(home);
  }
}

async function initialised(): Promise<void> {
  const init = await pol(dir, "init");
  expect(init.code, init.err).toBe(0);
}

describe("pol init", () => {
  it("scaffolds a project that passes check, fmt --check, test and compile --check at once", async () => {
    await initialised();
    for (const path of [
      "pol.config.json",
      "policies/schema.pol",
      "policies/knee-arthroscopy.pol",
      "policies/tests/knee-arthroscopy.test.json",
      "cases/example.json",
      ".github/workflows/pol.yml",
      "compiled/example-knee-arthroscopy.ts",
      "compiled/knee.schema.ts",
    ]) {
      expect(readFileSync(at(path), "utf8").length, path).toBeGreaterThan(0);
    }
    expect(await pol(dir, "check")).toMatchObject({ code: 0, out: "checked 2 files: no errors\n" });
    expect((await pol(dir, "fmt", "--check")).code).toBe(0);
    const test = await pol(dir, "test");
    expect(test.code, test.err).toBe(0);
    expect(test.out).toContain("coverage: 6 of 6 reachable criterion states (100.0%)");
    expect(await pol(dir, "compile", "--check")).toMatchObject({ code: 0, out: "compiled is up to date (6 files)\n" });
    const workflow = readFileSync(at(".github/workflows/pol.yml"), "utf8");
    for (const step of ["npx pol check --format github", "npx pol fmt --check", "npx pol test --reporter junit", "npx pol compile --check"]) {
      expect(workflow).toContain(step);
    }
  });

  it("writes nothing when a file it would write exists", async () => {
    mkdirSync(at("policies"));
    writeFileSync(at("policies/schema.pol"), "mine\n");
    const { code, err } = await pol(dir, "init");
    expect(code).toBe(1);
    expect(err).toContain("policies/schema.pol");
    expect(readFileSync(at("policies/schema.pol"), "utf8")).toBe("mine\n");
    expect(() => readFileSync(at("pol.config.json"))).toThrow();
    const json = await pol(dir, "init", "--format", "json");
    expect(JSON.parse(json.out)).toEqual({ created: [], existing: ["policies/schema.pol"] });
  });
});

describe("pol.config.json", () => {
  it("bare commands print the same from every folder of the project", async () => {
    await initialised();
    for (const command of [["check"], ["test"], ["compile", "--check"], ["fmt", "--check"]]) {
      const fromRoot = await pol(dir, ...command);
      const fromDeep = await pol(at("policies/tests"), ...command);
      expect(fromDeep, command.join(" ")).toEqual(fromRoot);
    }
  });

  it("uses the configured sources, output folder and minimum coverage; options win", async () => {
    await initialised();
    const config = { sources: ["rules"], out: "build/evaluators", minCoverage: 100 };
    writeFileSync(at("pol.config.json"), JSON.stringify(config));
    mkdirSync(at("rules"));
    for (const name of ["schema.pol", "knee-arthroscopy.pol"]) writeFileSync(at("rules", name), readFileSync(at("policies", name)));
    mkdirSync(at("rules/tests"));
    const tests = JSON.parse(readFileSync(at("policies/tests/knee-arthroscopy.test.json"), "utf8")) as { tests: unknown[] };
    tests.tests = tests.tests.slice(0, 2); // too few for 100% coverage
    writeFileSync(at("rules/tests/knee.test.json"), JSON.stringify(tests));
    rmSync(at("policies"), { recursive: true });

    expect((await pol(dir, "check")).out).toBe("checked 2 files: no errors\n");
    const compile = await pol(at("rules"), "compile");
    const written = ["example-knee-arthroscopy.case.ignore-unknown.schema.json", "example-knee-arthroscopy.case.schema.json"]
      .concat(["example-knee-arthroscopy.test.schema.json", "example-knee-arthroscopy.ts", "index.ts", "knee.schema.ts"])
      .map((file) => `wrote build/evaluators/${file}\n`);
    expect(compile.out).toBe(written.join(""));
    const below = await pol(dir, "test");
    expect(below.code).toBe(1);
    expect(below.err).toContain("is below the minimum 100%");
    expect((await pol(dir, "test", "--min-coverage", "0")).code).toBe(0);
  });

  it("names the exact command that rewrites stale output", async () => {
    await initialised();
    writeFileSync(at("compiled/knee.schema.ts"), "// stale\n");
    expect((await pol(at("cases"), "compile", "--check")).err).toBe(
      "error: compiled/knee.schema.ts is out of date\nrun `pol compile` to regenerate it\n",
    );
    mkdirSync(at("other"));
    const named = await pol(dir, "compile", "policies", "--out", "other dir", "--check");
    expect(named.code).toBe(1);
    expect(named.err).toContain("run `pol compile policies --out 'other dir'` to regenerate it\n");
  });

  it("reports mistakes in the file with a code frame and exits 2", async () => {
    await initialised();
    writeFileSync(at("pol.config.json"), '{\n  "sources": ["policies"],\n  "minCoverge": 90\n}\n');
    const { code, err } = await pol(at("policies"), "check");
    expect(code).toBe(2);
    expect(err).toContain("error[POL2041]: unknown key `minCoverge` in `pol.config.json`\n --> ../pol.config.json:3:3\n");
    expect(err).toContain("= help: did you mean `minCoverage`?");
    writeFileSync(at("pol.config.json"), '{ "sources": ["policies"], "out": "." }');
    const json = await pol(dir, "compile", "--format", "json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ diagnostics: [{ code: "POL2044", message: "output folder `.` is the project folder itself" }] });
    for (const [text, code] of [
      ["[]", "POL2040"],
      ['{ "constructor": 1 }', "POL2041"],
      ['{ "sources": "policies" }', "POL2042"],
      ['{ "sources": ["../elsewhere"] }', "POL2043"],
      ['{ "out": "../out" }', "POL2044"],
    ]) {
      writeFileSync(at("pol.config.json"), text!);
      const run = await pol(dir, "check", "--format", "json");
      expect(run.code, text).toBe(2);
      expect((JSON.parse(run.out) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code), text).toContain(code);
    }
  });
});

describe("output for CI", () => {
  it("writes diagnostics as SARIF 2.1.0 and as GitHub annotations, relative to the project root", async () => {
    await initialised();
    const policy = at("policies/knee-arthroscopy.pol");
    writeFileSync(policy, readFileSync(policy, "utf8").replace("locked_knee or time", "locked_kne or time"));
    const sarif = await pol(at("cases"), "check", "--format", "sarif");
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.out) as { runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: unknown[] }[] };
    expect(log.runs[0]!.tool.driver).toMatchObject({ name: "pol", rules: [{ id: "POL2001" }] });
    expect(log.runs[0]!.results).toEqual([
      expect.objectContaining({
        ruleId: "POL2001",
        level: "error",
        locations: [{ physicalLocation: { artifactLocation: { uri: "policies/knee-arthroscopy.pol" }, region: expect.objectContaining({ startLine: 16 }) } }],
      }),
    ]);
    const github = await pol(dir, "check", "--format", "github");
    expect(github.out).toMatch(/^::error file=policies\/knee-arthroscopy\.pol,line=16,col=5,endLine=16,endColumn=15,title=POL2001::unknown name `locked_kne`%0Ahelp: did you mean `locked_knee`\?\n$/);
    expect(github.err).toBe("");
  });

  it("escapes workflow command data and properties as GitHub's toolkit does", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%")).toBe("a%3Ab%2Cc%25");
  });

  it("writes JUnit XML with a failure per failed test, names escaped, and the coverage as a case", async () => {
    await initialised();
    const file = at("policies/tests/knee-arthroscopy.test.json");
    const tests = JSON.parse(readFileSync(file, "utf8")) as { tests: { name: string; expect: { outcome: string }[] }[] };
    tests.tests[0]!.name = 'approved <when> "all" & more';
    tests.tests[1]!.expect = [{ outcome: "approved" }];
    writeFileSync(file, JSON.stringify(tests));
    const junit = await pol(dir, "test", "--reporter", "junit");
    expect(junit.code).toBe(1);
    expect(junit.out).toContain('<testsuites name="pol test" tests="7" failures="1" errors="0" skipped="0">');
    expect(junit.out).toContain('name="approved &lt;when&gt; &quot;all&quot; &amp; more"/>');
    expect(junit.out).toMatch(/<testcase classname="policies\/tests\/knee-arthroscopy\.test\.json" name="one day short of 3 months of symptoms: denied">\n {6}<failure message="items\[0\] \(29881\): - expected, \+ actual">[^]*- outcome: approved\n {2}\+ outcome: denied/);
    expect(junit.out).toContain('<testcase classname="coverage" name="criterion coverage of at least 100%"/>');
    const written = await pol(dir, "test", "--reporter", "junit", "--output", "results.xml");
    expect(readFileSync(at("results.xml"), "utf8")).toBe(junit.out);
    expect(written.out).toContain("wrote the junit report to results.xml\n");
    expect(written.out).toContain("5 passed, 1 failed\n");
    const annotations = await pol(dir, "test", "--reporter", "github");
    expect(annotations.out).toMatch(/^::error file=policies\/tests\/knee-arthroscopy\.test\.json,title=test failed%3A one day short/m);
  });

  it("fmt reports as JSON", async () => {
    await initialised();
    const policy = at("policies/knee-arthroscopy.pol");
    writeFileSync(policy, readFileSync(policy, "utf8").replace("  for meniscectomy", "      for    meniscectomy"));
    const check = await pol(dir, "fmt", "--check", "--format", "json");
    expect(check.code).toBe(1);
    expect(JSON.parse(check.out)).toEqual({ files: 2, unformatted: ["policies/knee-arthroscopy.pol"], temporaryFiles: [], failures: [] });
  });
});

describe("pol test --run and base cases", () => {
  it("runs only the tests whose name contains a --run value, and exits 2 when none does", async () => {
    await initialised();
    const some = await pol(dir, "test", "--run", "short of", "--run", "locked");
    expect(some.code).toBe(0);
    expect(some.out).toContain("policies/tests/knee-arthroscopy.test.json: 3 passed, 0 failed\n");
    expect(some.out).toContain("3 tests left out by --run (coverage not enforced)\n");
    const none = await pol(dir, "test", "--run", "no such test");
    expect(none).toMatchObject({ code: 2, err: "error: no test name contains `no such test`\n" });
  });

  it("applies each test's case to the file's base as a JSON merge patch", () => {
    const base = { a: 1, items: [{ code: "1" }, { code: "2" }], nested: { x: 1, y: 2 } };
    expect(mergePatch(base, { a: null, items: [{ code: "3" }], nested: { y: null, z: 3 } })).toEqual({
      items: [{ code: "3" }],
      nested: { x: 1, z: 3 },
    });
    expect(base).toEqual({ a: 1, items: [{ code: "1" }, { code: "2" }], nested: { x: 1, y: 2 } });
    const hostile = mergePatch({}, JSON.parse('{ "__proto__": { "polluted": true } }')) as Record<string, unknown>;
    expect(Object.keys(hostile)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
  });

  it("reports a base or a test case of the wrong kind", async () => {
    await initialised();
    const file = at("policies/tests/knee-arthroscopy.test.json");
    const tests = JSON.parse(readFileSync(file, "utf8")) as { base: unknown; tests: { case?: unknown }[] };
    tests.tests[1]!.case = [1];
    writeFileSync(file, JSON.stringify(tests));
    expect((await pol(dir, "test")).err).toContain("tests[1].case: expected the changes to the file's `base` case, as an object, found a list");
    tests.base = "case";
    writeFileSync(file, JSON.stringify(tests));
    expect((await pol(dir, "test")).err).toContain("base: expected the case every test starts from, as an object, found `case`");
  });
});

describe("--watch", () => {
  it("checks and tests again after a change, until stopped", async () => {
    await initialised();
    process.chdir(dir);
    try {
      const policy = at("policies/knee-arthroscopy.pol");
      const source = readFileSync(policy, "utf8");
      for (const command of ["check", "test"] as const) {
        const { io, out, err } = capture();
        const stop = new AbortController();
        const codes: number[] = [];
        let changed = false;
        const done = new Promise<number>((resolveRun) => {
          const onRun = (code: number) => {
            codes.push(code);
            if (!changed) {
              changed = true;
              setTimeout(() => writeFileSync(policy, source.replace("locked_knee or time", "locked_kne or time")), 200);
            } else stop.abort();
          };
          const options = { watch: true, watchOptions: { signal: stop.signal, settleMs: 50, onRun } };
          const run =
            command === "check"
              ? runCheck([], { format: "human", ...options }, io)
              : runTest([], { reporter: "human", ...options }, io);
          void run.then(resolveRun);
        });
        expect(await done, command).toBe(1);
        expect(codes, command).toEqual([0, 1]);
        expect(err(), command).toContain("watching `policies` for changes (Ctrl-C to stop)");
        expect(out() + err(), command).toContain("unknown name `locked_kne`");
        writeFileSync(policy, source);
      }
    } finally {
      process.chdir(home);
    }
  }, 60_000);
});

describe("colour", () => {
  it("paints only on a terminal, honouring NO_COLOR, FORCE_COLOR and TERM=dumb", () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
    expect(colourWanted({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("paints error headings, underlines and totals, and leaves the words as they are", () => {
    const text = "error[POL2001]: unknown name `x`\n  |\n3 |   x > 1\n  |   ~\n\n5 passed, 1 failed\n";
    const painted = colourize(text);
    expect(painted).toContain("\u001b[1;31merror[POL2001]\u001b[0m: unknown name `x`");
    expect(painted).toContain("\u001b[31m1 failed\u001b[0m");
    expect(painted.replace(/\u001b\[[\d;]*m/g, "")).toBe(text);
  });
});
