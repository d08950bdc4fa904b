// `pol test`: policy test files run against the interpreter and the compiled evaluator, failures
// shown as diffs, and criterion coverage with its reachability rules.

import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFile, checkSource } from "../src/check/checker.js";
import { main } from "../src/cli/cli.js";
import { interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { CompiledEvaluators } from "../src/tools/policy-test/compiled.js";
import { Coverage } from "../src/tools/policy-test/coverage.js";
import { differences, sameSet, showSet } from "../src/tools/policy-test/diff.js";
import { OptionalFactReads, reachableStates } from "../src/tools/policy-test/reachability.js";
import { formatPercent, renderFailure, renderMismatch } from "../src/tools/policy-test/render.js";
import { runPolicyTest } from "../src/tools/policy-test/run.js";
import { runtimeEntryUrl } from "../src/runtime-package.js";
import { parseTestFile, type PolicyTest } from "../src/tools/policy-test/test-file.js";
import type { Determination } from "@pol/runtime";

const FIXTURES = "test/fixtures/policy-test";
const PASSING = `${FIXTURES}/passing`;
const failing = (name: string) => `${FIXTURES}/failing/${name}.test.json`;

async function pol(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  // Whatever went wrong, the user never sees a stack trace.
  expect(err).not.toMatch(/\n\s+at /);
  return { code, out, err };
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1)!;
}

function fixturePolicy(): CheckedPolicy {
  const checked = checkFile(`${FIXTURES}/policy.pol`);
  expect(checked.diagnostics).toEqual([]);
  return checked.policy!;
}

describe("pol test on passing files", () => {
  it("runs every test against both engines and exits 0", async () => {
    const { code, out, err } = await pol("test", PASSING);
    expect(err).toBe("");
    expect(out).toContain(`${PASSING}/basics.test.json: 4 passed, 0 failed\n`);
    expect(out).not.toContain("FAIL");
    expect(lastLine(out)).toBe("4 passed, 0 failed");
    expect(code).toBe(0);
  });

  it("prints a coverage table with ✓ covered, · uncovered and – unreachable states", async () => {
    const { out } = await pol("test", PASSING);
    const table = out.slice(out.indexOf("coverage of fixture.tiny"));
    expect(table.split("\n").slice(0, 6)).toEqual([
      `coverage of fixture.tiny (${FIXTURES}/policy.pol): 7 of 9 reachable criterion states`,
      "  criterion         citation  met  not met  unknown",
      "  persists          [1.a]      ✓      ✓        ·",
      "  relief            [1.b]      ✓      ·        ✓",
      "  large             [1.c]      ✓      ✓        –",
      "  guidance_bundled  [2]        –      ✓        –",
    ]);
    expect(out).toContain("coverage: 7 of 9 reachable criterion states (77.7%)\n");
  });

  it("passes --min-coverage at or under the covered percent", async () => {
    const { code, err } = await pol("test", PASSING, "--min-coverage", "77");
    expect(err).toBe("");
    expect(code).toBe(0);
  });

  it("fails --min-coverage above it, naming every uncovered criterion state", async () => {
    const { code, err, out } = await pol("test", PASSING, "--min-coverage", "80");
    expect(err).toBe(
      "error: coverage 77.7% is below the minimum 80%; criterion states no test reached:\n" +
        "  fixture.tiny persists: unknown\n" +
        "  fixture.tiny relief: not met\n",
    );
    expect(lastLine(out)).toBe("4 passed, 0 failed");
    expect(code).toBe(1);
  });

  it("reports tests, failures and coverage as JSON", async () => {
    const { code, out } = await pol(
      "test",
      PASSING,
      failing("wrong-outcome"),
      "--format",
      "json",
      "--min-coverage",
      "90",
    );
    expect(code).toBe(1);
    const result = JSON.parse(out);
    expect(result.summary).toEqual({ passed: 5, failed: 1, filesNotRun: 0, skipped: 0 });
    // Files run in path order: failing/ before passing/.
    expect(result.files.map((file: { path: string }) => file.path)).toEqual([
      failing("wrong-outcome"),
      `${PASSING}/basics.test.json`,
    ]);
    const wrong = result.files[0].tests[0];
    expect(wrong.status).toBe("failed");
    expect(wrong.failures[0]).toMatchObject({
      kind: "item",
      index: 0,
      code: "20552",
      mismatches: [{ field: "outcome", expected: "approved", actual: "denied" }],
      criteria: [{ criterion: "relief", citation: "1.b", status: "not_met" }],
    });
    expect(result.coverage).toMatchObject({ covered: 8, reachable: 9, minimum: 90, met: false });
    expect(result.coverage.uncovered).toEqual([{ policy: "fixture.tiny", criterion: "persists", state: "unknown" }]);
    expect(result.coverage.policies[0].criteria[3]).toEqual({
      rule: "guided",
      criterion: "guidance_bundled",
      citation: "2",
      states: { met: "unreachable", not_met: "covered", unknown: "unreachable" },
    });
  });
});

describe("pol test on failing files", () => {
  it("shows a wrong outcome as a diff with the criteria and facts behind the actual one", async () => {
    const { code, out } = await pol("test", failing("wrong-outcome"));
    expect(out).toContain(
      [
        "  FAIL 30% relief expected to pass",
        "       source: boundary of 1.b (at least 50%)",
        "       items[0] (20552): - expected, + actual",
        "         - outcome: approved",
        "         + outcome: denied",
        "         not met  relief [1.b] the latest prior injection gave at least 50% relief",
      ].join("\n"),
    );
    expect(out).toContain("                  procedures[0].relief = 30\n");
    // The passing test of the same file is counted, not shown.
    expect(out).not.toContain("50% relief exactly");
    expect(out).toContain("wrong-outcome.test.json: 1 passed, 1 failed\n");
    expect(lastLine(out)).toBe("1 passed, 1 failed");
    expect(code).toBe(1);
  });

  it("compares reasons and missing documentation as sets, and the number of line items", async () => {
    const { code, out } = await pol("test", failing("wrong-sets"));
    expect(out).toContain(
      [
        "  FAIL wrong reasons",
        "       items[0] (20553): - expected, + actual",
        "         - reasons: {persist, persists}",
        "         + reasons: {large, persists}",
        "         note: `persist` is not a criterion of fixture.tiny",
      ].join("\n"),
    );
    expect(out).toContain(
      [
        "  FAIL wrong missing documentation",
        "       items[0] (20552): - expected, + actual",
        "         - missing: {procedures[0].date, procedures[0].relief}",
        "         + missing: {pain_persists, procedures[0].relief}",
      ].join("\n"),
    );
    expect(out).toContain(
      "  FAIL one expectation for two line items\n       expected 1 line item, the case has 2 line items\n",
    );
    // The outcome matched, so no criteria are listed.
    expect(out).not.toMatch(/(not met|unknown) +\w+ \[/);
    expect(lastLine(out)).toBe("0 passed, 3 failed");
    expect(code).toBe(1);
  });

  it("fails a test whose case is invalid, listing every error with its path", async () => {
    const { code, out } = await pol("test", failing("invalid-case"));
    expect(out).toContain(
      [
        "  FAIL a case with mistakes",
        "       the case is not valid for the policy's schema:",
        "         date_of_service: expected a date `YYYY-MM-DD`, found `2025-02-30`",
        '         items[0].code: expected a code as a string (`"20552"`), found the number `20552`',
        "         pain_persist: unknown field `pain_persist`; did you mean `pain_persists`?",
      ].join("\n"),
    );
    expect(lastLine(out)).toBe("0 passed, 1 failed");
    expect(code).toBe(1);
  });

  it("reports a malformed test file with the JSON path of each problem and exits 1", async () => {
    const { code, out, err } = await pol("test", failing("malformed"), PASSING);
    expect(err).toBe(
      [
        `error: \`${failing("malformed")}\` could not be run:`,
        "  tests[0].expect[0].reason: unknown key; expected `outcome`, `reasons`, `missing`, `notes`",
        "  tests[0].expect[0].outcome: expected one of `approved`, `denied`, `pended`, `not_covered`, " +
          "`not_separately_billable`, `authorization_required`, `referred_for_review`, `policy_not_in_effect`, `no_applicable_policy`, found `aproved`",
        "  tests[1].name: expected the test's name, found nothing",
        "  tests[1].expect[0].missing: expected a list of fact paths (strings), found `procedures[0].relief`",
        "",
      ].join("\n"),
    );
    // The other files still run.
    expect(out).toContain("1 test file could not be run\n4 passed, 0 failed\n");
    expect(code).toBe(1);
  });

  it("reports invalid JSON with its line and column", async () => {
    const { code, err } = await pol("test", failing("not-json"));
    expect(err).toMatch(/^ {2}not valid JSON: .* \(line 4, column 20\)$/m);
    expect(code).toBe(1);
  });

  it("reports a test file whose policy does not exist", async () => {
    const { code, err } = await pol("test", failing("missing-policy"));
    expect(err).toContain(
      `policy: no policy file \`../no-such-policy.pol\` (looked for \`${FIXTURES}/no-such-policy.pol\`)`,
    );
    expect(code).toBe(1);
  });
});

describe("pol test usage errors", () => {
  it.each([
    [["test", "no/such/folder"], "error: no such file or directory `no/such/folder`"],
    [["test", "src/tools/policy-test"], "error: no `*.test.json` test files under `src/tools/policy-test`"],
    [["test", `${FIXTURES}/policy.pol`], "is not a test file: test files are named `*.test.json`"],
    [["test", PASSING, "--min-coverage", "abc"], "expected a percent from 0 to 100"],
    [["test", PASSING, "--min-coverage", "101"], "expected a percent from 0 to 100"],
    [["test", PASSING, "--min-coverage", "-5"], "expected a percent from 0 to 100"],
    [["test", PASSING, "--format", "xml"], "Allowed choices are human, json"],
  ])("%j exits 2", async (argv, message) => {
    const { code, err } = await pol(...argv);
    expect(err).toContain(message);
    expect(code).toBe(2);
  });
});

describe("reachability", () => {
  it("follows the docs: unconditional exclusions only fail, code-only conditions are never unknown", () => {
    const policy = fixturePolicy();
    const facts = new OptionalFactReads(policy);
    const states = Object.fromEntries(
      policy.rules.flatMap((rule) => rule.criteria.map((c) => [c.id, [...reachableStates(c, facts)].sort()])),
    );
    expect(states).toEqual({
      persists: ["met", "not_met", "unknown"],
      relief: ["met", "not_met", "unknown"],
      large: ["met", "not_met"],
      guidance_bundled: ["not_met"],
    });
  });

  it("sees through lets and computed fields to the facts they read", () => {
    const source = `policy fixture.reach
  title "Reachability" payer "Fixture" number "R-1" version "1" effective 2025-01-01

use "schema.pol"

codes injection "injection" = cpt { 20552 20553 }

let with_injection "other injections requested" = other_items where code in injection
let recent "prior injections in the last year" = procedures within 12mo

rule r "Rule" [1]
  for injection

  deny by_date [1.a] "after 2030" when dos > 2030-01-01
  deny with_other [1.b] "another injection is requested" when some with_injection
  deny recent_any [1.c] "an injection in the last year" when some recent
  require count_known [1.d] "at most one other item" count other_items <= 1
  deny mixed [1.e] "a code and a fact" when item.code in injection and pain_persists
`;
    const checked = checkSource(source, join(FIXTURES, "reach.pol"));
    expect(checked.diagnostics.map((d) => d.message)).toEqual([]);
    const policy = checked.policy!;
    const facts = new OptionalFactReads(policy);
    const unknown = Object.fromEntries(
      policy.rules[0]!.criteria.map((c) => [c.id, reachableStates(c, facts).has("unknown")]),
    );
    expect(unknown).toEqual({ by_date: false, with_other: false, recent_any: true, count_known: false, mixed: true });
  });

  it("counts a state reached by a test as reachable whatever the analysis says", () => {
    const policy = fixturePolicy();
    const coverage = new Coverage();
    const trace = {
      rule: "injections",
      criterion: "large",
      effect: "deny",
      citation: "1.c",
      description: "",
      line: 1,
      facts: [],
      missing: [],
    } as const;
    coverage.record(policy, {
      items: [{ trace: [{ ...trace, status: "unknown" }] }],
    } as unknown as Determination);
    const report = coverage.report();
    expect(report.policies[0]!.criteria[2]!.states).toEqual({
      met: "uncovered",
      not_met: "uncovered",
      unknown: "covered",
    });
    expect(report).toMatchObject({ covered: 1, reachable: 10 });
  });
});

describe("the two engines", () => {
  const test: PolicyTest = {
    name: "approved",
    case: { date_of_service: "2025-03-01", items: [{ code: "20552" }], pain_persists: true, procedures: [] },
    expect: [{ outcome: "approved" }],
  };

  it("fails a test when the compiled evaluator disagrees with the interpreter, showing where", () => {
    const policy = fixturePolicy();
    const tampered = {
      evaluateTrusted(input: Record<string, unknown>): Determination {
        // Stand-in for a code generator bug: one wrong outcome and one wrong criterion status.
        const copy = interpret(policy, input, { trace: true });
        copy.items[0]!.outcome = "pended";
        copy.items[0]!.trace[0]!.status = "unknown";
        return copy;
      },
    };
    const result = runPolicyTest(test, policy, tampered, new Coverage());
    expect(result.passed).toBe(false);
    expect(result.failures).toHaveLength(1);
    expect(renderFailure(result.failures[0]!)).toEqual([
      "interpreter and compiled evaluator disagree:",
      "  at items[0].outcome",
      '    - interpreter: "approved"',
      '    + compiled:    "pended"',
      "  at items[0].trace[0].status",
      '    - interpreter: "met"',
      '    + compiled:    "unknown"',
    ]);
  });

  it("fails a test when an engine throws, without stopping the run", () => {
    const result = runPolicyTest(
      test,
      fixturePolicy(),
      {
        evaluateTrusted: () => {
          throw new Error("boom");
        },
      },
      new Coverage(),
    );
    expect(result.failures).toEqual([{ kind: "engine_error", engine: "compiled evaluator", message: "boom" }]);
  });

  it("agrees on the fixture with the real compiled evaluator, whose temporary folder is removed", async () => {
    const policy = fixturePolicy();
    const compiled = new CompiledEvaluators();
    const evaluator = await compiled.load(policy);
    expect(await compiled.load(policy)).toBe(evaluator);
    const folder = compiled.folder!;
    // One folder for the policy: its module and its schema's, both importing the installed
    // runtime package, the one the interpreter imports.
    const [policyFolder, ...others] = readdirSync(folder);
    expect(others).toEqual([]);
    const files = readdirSync(join(folder, policyFolder!)).sort();
    expect(files).toEqual(["fixture-tiny.js", "package.json", "tiny.schema.js"]);
    for (const file of files.filter((name) => name.endsWith(".js"))) {
      const module = readFileSync(join(folder, policyFolder!, file), "utf8");
      expect(module).toContain(`from "${runtimeEntryUrl()}"`);
      expect(module).not.toContain("@pol/runtime");
    }
    expect(runtimeEntryUrl()).toBe(pathToFileURL(realpathSync("node_modules/@pol/runtime/dist/index.js")).href);
    compiled.dispose();
    expect(existsSync(folder)).toBe(false);
    expect(runPolicyTest(test, policy, evaluator, new Coverage())).toEqual({
      name: "approved",
      passed: true,
      failures: [],
    });
  });
});

describe("expected notes", () => {
  const checked = checkFile("policies/truecare/sacroiliac-joint-procedures.pol");
  const policy = checked.policy!;
  const interpreter = { evaluateTrusted: (input: Record<string, unknown>) => interpret(policy, input, { trace: true }) };
  const withDevice = (notes?: string[]): PolicyTest => ({
    name: "device",
    case: {
      date_of_service: "2025-09-15",
      items: [{ code: "27096", side: "left", purpose: "therapeutic", diagnosis: "M46.1" }],
      return_of_pain: true,
      conservative_therapy_planned: true,
      implanted_device: true,
      device_interrogation_report: true,
      procedures: [
        { code: "27096", date: "2025-06-02", side: "left", purpose: "diagnostic", relief: 80, functional_improvement: true },
      ],
    },
    expect: [{ outcome: "approved", ...(notes ? { notes } : {}) }],
  });

  it("compares notes as a set when the test gives them, and ignores them otherwise", () => {
    expect(checked.diagnostics).toEqual([]);
    expect(runPolicyTest(withDevice(), policy, interpreter, new Coverage()).passed).toBe(true);
    expect(runPolicyTest(withDevice(["D3_device"]), policy, interpreter, new Coverage()).passed).toBe(true);
    const result = runPolicyTest(withDevice(["D3_devise"]), policy, interpreter, new Coverage());
    expect(result.failures).toHaveLength(1);
    expect(renderFailure(result.failures[0]!)).toEqual([
      "items[0] (27096): - expected, + actual",
      "  - notes: {D3_devise}",
      "  + notes: {D3_device}",
      "  note: `D3_devise` is not a criterion of truecare.sij",
    ]);
  });
});

describe("diffs", () => {
  it("finds the first differing paths, treating undefined as absent", () => {
    const left = { a: 1, b: [1, 2, { c: "x" }], d: undefined, e: { f: true } };
    const right = { a: 1, b: [1, 3, { c: "y" }, 4], e: { f: true, g: null } };
    expect(differences(left, right)).toEqual([
      { path: "b[1]", left: 2, right: 3 },
      { path: "b[2].c", left: "x", right: "y" },
      { path: "b[3]", left: undefined, right: 4 },
      { path: "e.g", left: undefined, right: null },
    ]);
    expect(differences(left, right, 2)).toHaveLength(2);
    expect(differences({ x: [1] }, { x: [1] })).toEqual([]);
  });

  it("renders mismatches as - expected and + actual lines, sets sorted", () => {
    expect(renderMismatch({ field: "outcome", expected: "approved", actual: "pended" })).toEqual([
      "- outcome: approved",
      "+ outcome: pended",
    ]);
    expect(renderMismatch({ field: "reasons", expected: ["C6", "B1"], actual: [] })).toEqual([
      "- reasons: {B1, C6}",
      "+ reasons: {}",
    ]);
    expect(showSet(["b", "a", "b"])).toBe("{a, b}");
    expect(sameSet(["a", "b", "a"], ["b", "a"])).toBe(true);
    expect(sameSet(["a"], ["a", "b"])).toBe(false);
  });

  it("never rounds a percent up to a bar it misses", () => {
    expect(formatPercent(29)).toBe("29.0%");
    expect(formatPercent((2 * 100) / 3)).toBe("66.6%");
    expect(formatPercent(79.96)).toBe("79.9%");
    expect(formatPercent(100)).toBe("100.0%");
  });
});

describe("test file shape", () => {
  const ok = { policy: "p.pol", tests: [{ name: "a", case: {}, expect: [{ outcome: "approved" }] }] };

  it("resolves the policy against the test file's folder", () => {
    const read = parseTestFile(ok, "some/dir/x.test.json");
    expect(read.ok && read.file.policyPath).toBe("some/dir/p.pol");
  });

  it.each([
    [{ ...ok, extra: 1 }, "extra: unknown key; expected `policy`, `base`, `tests`"],
    [{ ...ok, tests: [] }, "tests: expected at least one test"],
    [
      { tests: ok.tests },
      "policy: expected the path of the policy under test, relative to the test file, found nothing",
    ],
    [{ ...ok, tests: [ok.tests[0], ok.tests[0]] }, "tests[1].name: duplicate test name `a` (first used by tests[0])"],
    [
      { ...ok, tests: [{ name: "a", expect: [{ outcome: "approved" }] }] },
      "tests[0].case: missing: the case to evaluate (or a `base` for the file)",
    ],
    [
      { ...ok, tests: [{ name: "a", case: {}, expect: [] }] },
      "tests[0].expect: expected one entry per line item, found an empty list",
    ],
    [
      { ...ok, tests: [{ name: "a", case: {}, expect: [{ outcome: "approved", reasons: ["B1", 2] }] }] },
      "tests[0].expect[0].reasons: expected a list of criterion ids (strings), found a list",
    ],
    [
      { ...ok, tests: [{ name: "a", case: {}, expect: [{ outcome: "approved", notes: "C4" }] }] },
      "tests[0].expect[0].notes: expected a list of criterion ids (strings), found `C4`",
    ],
    [[], 'expected an object `{ "policy": ..., "tests": [...] }`, found a list'],
  ])("rejects %j", (json, message) => {
    const read = parseTestFile(json, "x.test.json");
    expect(read.ok ? [] : read.errors).toContain(message);
  });
});
