// `pol test --generate POLICY`: the file it writes is a valid test file whose tests pass under
// `pol test` with every reachable criterion state covered, with cases on and either side of each
// boundary (month ends and 29 February among them); it never overwrites a file unless told to,
// and writes all at once. The seed policies and the example policy take minutes each under the
// solver, so they run with `npm run test:deep`; the fixture here exercises the same path.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";
import { releaseZ3 } from "../src/tools/versions/solver.js";

const SOLVER_TEST = 600_000;
const dir = mkdtempSync(join(tmpdir(), "pol-generate-"));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseZ3();
});

async function pol(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  expect(err).not.toMatch(/\n\s+at /);
  return { code, out, err };
}

interface Generated {
  policy: string;
  tests: { name: string; source: string; asProposed?: boolean; case: Record<string, unknown>; expect: { outcome: string }[] }[];
}

/** Generate a test file for `policy`, then run it with `pol test` at 100% minimum coverage. */
async function generateAndRun(policy: string, out: string): Promise<Generated> {
  const generated = await pol("test", "--generate", policy, "--out", out);
  expect(generated.err).toBe("");
  expect(generated.out).not.toContain("no case for");
  expect(generated.code).toBe(0);
  const file = JSON.parse(readFileSync(out, "utf8")) as Generated;
  const run = await pol("test", out, "--min-coverage", "100", "--format", "json");
  const report = JSON.parse(run.out) as { summary: { passed: number; failed: number }; coverage: { percent: number } };
  expect(report.summary).toMatchObject({ passed: file.tests.length, failed: 0 });
  expect(report.coverage.percent).toBe(100);
  expect(run.code).toBe(0);
  return file;
}

describe("pol test --generate", () => {
  const fixture = "test/fixtures/versions/structural/base.pol";

  it(
    "writes cases for every reachable criterion state and every boundary, which pass with 100% coverage",
    async () => {
      const out = join(dir, "demo.test.json");
      const file = await generateAndRun(fixture, out);
      const names = file.tests.map((test) => test.name);
      // Each state of a criterion, by name.
      for (const state of ["T2_relief met", "T2_relief not met", "T2_relief unknown"]) {
        expect(names.some((name) => name.includes(state)), state).toBe(true);
      }
      // On, a step below and a step above the relief threshold (`>= 50%`).
      const reliefs = file.tests
        .filter((test) => test.name.includes("threshold at line") && test.name.includes("relief >= 50%"))
        .map((test) => (test.case["procedures"] as { relief?: number }[])[0]!.relief);
      expect(reliefs).toEqual(expect.arrayContaining([50, 49.9, 50.1]));
      // The 2-month interval at a month's end and on 29 February.
      const elapsed = file.tests.filter((test) => test.name.includes("elapsed at line"));
      expect(elapsed.some((test) => test.name.endsWith("month end: " + test.expect[0]!.outcome))).toBe(true);
      const leap = elapsed.find((test) => test.name.includes("29 February"));
      expect(JSON.stringify(leap?.case)).toMatch(/-02-29/);
      // The window's start edge a day either side.
      expect(names.some((name) => name.includes("a step below the window start"))).toBe(true);
      expect(names.some((name) => name.includes("a step above the window start"))).toBe(true);
      // Every expected outcome is the evaluators': the run above compares them.
      expect(new Set(file.tests.map((test) => test.name)).size).toBe(file.tests.length);
      expect(file.policy).toMatch(/structural\/base\.pol$/);
    },
    SOLVER_TEST,
  );

  it("refuses to overwrite a file unless --force, and leaves no temporary file behind", async () => {
    const out = join(dir, "existing.test.json");
    writeFileSync(out, "{}\n");
    const refused = await pol("test", "--generate", fixture, "--out", out);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("exists: give --force to replace it");
    expect(readFileSync(out, "utf8")).toBe("{}\n");
    const forced = await pol("test", "--generate", fixture, "--out", out, "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveProperty("tests");
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }, SOLVER_TEST);

  it("rejects an output that is not a test file and a policy that does not check, without a stack trace", async () => {
    const wrong = await pol("test", "--generate", fixture, "--out", join(dir, "cases.json"));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("is not a test file name");
    const schema = await pol("test", "--generate", "policies/schema/spine.pol", "--out", join(dir, "schema.test.json"));
    expect(schema.code).toBe(1);
    expect(existsSync(join(dir, "schema.test.json"))).toBe(false);
    const both = await pol("test", "policies", "--generate", fixture);
    expect(both.code).toBe(2);
  });

  it.runIf(process.env.POL_DEEP)(
    "covers every reachable criterion state of both seed policies and the example policy",
    async () => {
      for (const policy of [
        "policies/cigna/trigger-point-injections.pol",
        "policies/truecare/sacroiliac-joint-procedures.pol",
        "policies/examples/lumbar-facet-interventions.pol",
      ]) {
        const file = await generateAndRun(policy, join(dir, `${policy.split("/").pop()}.test.json`));
        expect(file.tests.length).toBeGreaterThan(0);
      }
    },
    3_600_000,
  );
});
