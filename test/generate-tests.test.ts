// `pol test --generate POLICY`: the file it writes is a valid test file whose tests pass under
// `pol test` (which runs the interpreter and the compiled evaluator on every case) with every
// reachable criterion state covered, with cases on and either side of each boundary (month ends
// and 29 February among them) whose outcomes turn on the boundary; it never overwrites a file
// unless told to, and writes all at once. The fixture takes seconds; the seed policies and the
// example policy run with `npm run test:deep`.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkFile } from "../src/check/checker.js";
import { evaluateCase } from "../src/interpret/interpreter.js";
import { CompiledEvaluators } from "../src/tools/policy-test/compiled.js";
import { writeAtomically } from "../src/tools/versions/generate.js";
import { releaseZ3 } from "../src/tools/versions/solver.js";
import { runPol } from "./support/run-pol.js";

const SOLVER_TEST = 600_000;
const dir = mkdtempSync(join(tmpdir(), "pol-generate-"));
const FIXTURE = "test/fixtures/versions/structural/base.pol";

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseZ3();
});

/** pol in-process; whatever goes wrong, the user never sees a stack trace. */
async function pol(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const result = await runPol(...argv);
  expect(result.err).not.toMatch(/\n\s+at /);
  return result;
}

interface Expectation {
  outcome: string;
  reasons: string[];
  missing: string[];
  notes: string[];
}

interface Generated {
  policy: string;
  tests: { name: string; source: string; asProposed?: boolean; case: Record<string, unknown>; expect: Expectation[] }[];
}

/** Generate a test file for `policy`, then run it with `pol test` at 100% minimum coverage. */
async function generateAndRun(policy: string, out: string): Promise<Generated> {
  const generated = await pol("test", "--generate", policy, "--out", out);
  expect(generated.err).toBe("");
  expect(generated.out).not.toContain("no case for");
  expect(generated.out).toMatch(/reaching (\d+) of \1 reachable criterion states/);
  expect(generated.code).toBe(0);
  const file = JSON.parse(readFileSync(out, "utf8")) as Generated;
  const run = await pol("test", out, "--min-coverage", "100", "--format", "json");
  const report = JSON.parse(run.out) as { summary: { passed: number; failed: number }; coverage: { percent: number } };
  expect(report.summary).toMatchObject({ passed: file.tests.length, failed: 0 });
  expect(report.coverage.percent).toBe(100);
  expect(run.code).toBe(0);
  return file;
}

/** A policy small enough to generate for in a second or two, written to `dir`. */
function tinyPolicy(name: string): string {
  const path = join(dir, `${name}.pol`);
  // A used file must lie inside the policy's project: a copy of the schema beside it.
  const schema = "spine.pol";
  writeFileSync(join(dir, schema), readFileSync("policies/schema/spine.pol", "utf8"));
  writeFileSync(
    path,
    `policy tiny.${name}
  title "Tiny"
  payer "Demo"
  number "T-1"
  version "2025-01-01"
  effective 2025-01-01

use "${schema}"

codes injection "trigger point injection" = cpt { 20552 }

rule therapeutic "Therapeutic injection" [T]
  for injection

  require T1 [T.1] "the pain persists"
    pain_persists
`,
  );
  return path;
}

describe("pol test --generate", () => {
  const out = join(dir, "demo.test.json");
  let file: Generated;

  it(
    "writes cases for every reachable criterion state, which pass under both evaluators with 100% coverage",
    async () => {
      file = await generateAndRun(FIXTURE, out);
      const names = file.tests.map((test) => test.name);
      // States with a case of their own (others may be reached first by a case for another target:
      // the coverage above counts them).
      for (const state of ["T1 met", "T1 not met", "T1 unknown", "U not met"]) {
        expect(names.some((name) => name.includes(`.${state}:`) || name.includes(`.${state};`)), state).toBe(true);
      }
      expect(new Set(names).size).toBe(names.length);
      expect(file.policy).toMatch(/structural\/base\.pol$/);
    },
    SOLVER_TEST,
  );

  it("writes the evaluators' determinations: each case evaluated again by the interpreter and the compiled evaluator", async () => {
    const policy = checkFile(FIXTURE).policy!;
    const compiled = new CompiledEvaluators();
    try {
      const evaluator = await compiled.load(policy);
      for (const test of file.tests) {
        const interpreted = evaluateCase(policy, test.case, { asProposed: test.asProposed === true });
        expect(interpreted.ok, test.name).toBe(true);
        if (!interpreted.ok) continue;
        const summary = (items: readonly { outcome: string; reasons: { criterion: string }[] }[]) =>
          items.map((item) => ({ outcome: item.outcome, reasons: item.reasons.map((reason) => reason.criterion) }));
        const expected = test.expect.map(({ outcome, reasons }) => ({ outcome, reasons }));
        expect(summary(interpreted.determination.items), test.name).toEqual(expected);
        expect(summary(evaluator.evaluateTrusted(test.case, { asProposed: test.asProposed === true }).items), test.name).toEqual(expected);
      }
    } finally {
      compiled.dispose();
    }
  });

  it("puts cases on, a step below and a step above a threshold, with the outcome turning on it", () => {
    // `last_injection.relief >= 50%`, every other criterion of the rule met.
    const threshold = file.tests.filter((test) => test.name.includes("the threshold at line 23"));
    const relief = (label: string) => {
      const test = threshold.find((t) => t.name.includes(`therapeutic: ${label} the threshold`))!;
      expect(test, label).toBeDefined();
      return { relief: (test.case["procedures"] as { relief?: number }[])[0]!.relief, outcome: test.expect[0]!.outcome };
    };
    expect(relief("on")).toEqual({ relief: 50, outcome: "approved" });
    expect(relief("a step below")).toEqual({ relief: 49.9, outcome: "denied" });
    expect(relief("a step above")).toEqual({ relief: 50.1, outcome: "approved" });
  });

  it("puts cases on and either side of an interval, at a month's end and on 29 February", () => {
    // `time since last_injection.date >= 2mo`: reached exactly two calendar months after.
    const elapsed = file.tests.filter((test) => test.name.includes("the elapsed at line 26"));
    const dates = (test: Generated["tests"][number]) => ({
      from: (test.case["procedures"] as { date: string }[])[0]!.date,
      dos: test.case["date_of_service"] as string,
      outcome: test.expect[0]!.outcome,
    });
    const on = elapsed.find((test) => /therapeutic: on the elapsed at line 26 \(`[^`]*`\)[:;]/.test(test.name))!;
    const below = elapsed.find((test) => test.name.includes("therapeutic: a step below the elapsed"))!;
    const twoMonths = (from: string) => {
      const [y, m, d] = from.split("-").map(Number) as [number, number, number];
      const last = new Date(Date.UTC(y, m + 2, 0)).getUTCDate();
      return new Date(Date.UTC(y, m + 1, Math.min(d, last))).toISOString().slice(0, 10);
    };
    expect(dates(on).dos).toBe(twoMonths(dates(on).from));
    expect(dates(on).outcome).toBe("approved");
    expect(dates(below).outcome).toBe("denied");
    // A case on it at a month's end (the month-end case, or the plain one when it already is).
    const monthEnds = elapsed
      .filter((test) => test.name.includes("therapeutic: on the elapsed"))
      .map((test) => dates(test).dos)
      .filter((dos) => Number(dos.slice(8)) === new Date(Date.UTC(Number(dos.slice(0, 4)), Number(dos.slice(5, 7)), 0)).getUTCDate());
    expect(monthEnds.length).toBeGreaterThan(0);
    const leap = elapsed.find((test) => test.name.includes(", 29 February"))!;
    expect(dates(leap).from).toMatch(/-02-29$/);
    expect(dates(leap).dos).toBe(twoMonths(dates(leap).from));
  });

  it("puts cases on and either side of a window's start", () => {
    const names = file.tests.map((test) => test.name);
    for (const label of ["on", "a step below", "a step above"]) {
      expect(names.some((name) => name.includes(`therapeutic: ${label} the window start at line 29`)), label).toBe(true);
    }
  });

  it("reports a reachable state no case reaches as POL5030, located, and exits 1", async () => {
    const target = join(dir, "never.test.json");
    const result = await pol("test", "--generate", "test/golden/analysis/POL5030-state-not-reached.pol", "--out", target);
    expect(result.code).toBe(1);
    expect(result.out).toContain("warning[POL5030]: no case within the bounds brings criterion `A1` of rule `therapeutic` to met");
    expect(result.out).toContain("POL5030-state-not-reached.pol:15:3");
    // `pol test` counts met and unknown as reachable; with the rule's `when` the solver proves neither is.
    expect(result.out).toContain("to unknown");
    expect(result.out).toMatch(/reaching 1 of 3 reachable criterion states/);
    // The cases found are still written, for the states that can be reached.
    expect(JSON.parse(readFileSync(target, "utf8")).tests.length).toBeGreaterThan(0);
  }, SOLVER_TEST);

  it("refuses to overwrite a file unless --force, and leaves no temporary file behind", async () => {
    const policy = tinyPolicy("force");
    const target = join(dir, "existing.test.json");
    writeFileSync(target, "{}\n");
    const refused = await pol("test", "--generate", policy, "--out", target);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("exists: give --force to replace it");
    expect(readFileSync(target, "utf8")).toBe("{}\n");
    const forced = await pol("test", "--generate", policy, "--out", target, "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(target, "utf8")).tests).toHaveLength(3);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  }, SOLVER_TEST);

  it("writes all at once: a failed write leaves neither the file nor a temporary file", () => {
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "a file where a folder should be\n");
    expect(() => writeAtomically(join(blocked, "x.test.json"), "{}\n", false)).toThrow();
    const folder = join(dir, "folder");
    mkdirSync(join(folder, "x.test.json"), { recursive: true });
    expect(() => writeAtomically(join(folder, "x.test.json"), "{}\n", true)).toThrow();
    expect(readdirSync(folder)).toEqual(["x.test.json"]);
  });

  it("rejects an output that is not a test file and a policy that does not check, without a stack trace", async () => {
    const wrong = await pol("test", "--generate", FIXTURE, "--out", join(dir, "cases.json"));
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("is not a test file name");
    const schema = await pol("test", "--generate", "policies/schema/spine.pol", "--out", join(dir, "schema.test.json"));
    expect(schema.code).toBe(1);
    expect(existsSync(join(dir, "schema.test.json"))).toBe(false);
    const broken = join(dir, "broken.pol");
    writeFileSync(broken, "policy broken\n  rule\n");
    const bad = await pol("test", "--generate", broken, "--out", join(dir, "broken.test.json"));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/broken\.pol:\d+:\d+/);
    expect(existsSync(join(dir, "broken.test.json"))).toBe(false);
    const both = await pol("test", "policies", "--generate", FIXTURE);
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
        const generated = await generateAndRun(policy, join(dir, `${policy.split("/").pop()}.test.json`));
        expect(generated.tests.length).toBeGreaterThan(0);
      }
    },
    3_600_000,
  );
});
