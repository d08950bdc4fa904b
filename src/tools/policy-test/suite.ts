// A run of policy test files: read each file, check its policy once, build its compiled evaluator
// once, run its tests, and gather coverage across all of them.

import { existsSync, statSync } from "node:fs";
import { loadPolicy, type CheckedPolicy, type PolicyLoad } from "../../index.js";
import { CompiledEvaluators, type CompiledEvaluator } from "./compiled.js";
import { Coverage, type CoverageReport } from "./coverage.js";
import { runPolicyTest, type TestResult } from "./run.js";
import { readTestFile } from "./test-file.js";

export interface FileResult {
  path: string;
  /** The policy's path as resolved from the test file, once the file could be read. */
  policy?: string;
  tests: TestResult[];
  /** Why the file could not be run; its tests did not run. */
  errors: string[];
}

export interface SuiteResult {
  files: FileResult[];
  coverage: CoverageReport;
  /** Tests left out because their names did not match `--run`. */
  skipped: number;
}

export interface SuiteOptions {
  /** Run only tests whose name contains one of these (`pol test --run NAME`). */
  only?: readonly string[];
}

type Loaded = { ok: true; policy: CheckedPolicy; evaluator: CompiledEvaluator } | { ok: false; error: string };

/** Why a tested policy cannot be evaluated: its diagnostics, or a problem such as being a schema. */
export type PolicyErrors = Extract<PolicyLoad, { ok: false }>;

/** Run every test file; `onPolicyErrors` is told of each policy that cannot be evaluated, as it is found. */
export async function runSuite(
  files: readonly string[],
  onPolicyErrors: (errors: PolicyErrors) => void,
  options: SuiteOptions = {},
): Promise<SuiteResult> {
  const only = options.only;
  const selected = (name: string) => only === undefined || only.some((part) => name.includes(part));
  let skipped = 0;
  const compiled = new CompiledEvaluators();
  const coverage = new Coverage();
  const policies = new Map<string, Promise<Loaded>>();
  const results: FileResult[] = [];
  try {
    for (const path of files) {
      const read = readTestFile(path);
      if (!read.ok) {
        results.push({ path, tests: [], errors: read.errors });
        continue;
      }
      const { file } = read;
      const chosen = file.tests.filter((test) => selected(test.name));
      skipped += file.tests.length - chosen.length;
      if (chosen.length === 0) continue;
      let loading = policies.get(file.policyPath);
      if (!loading) {
        loading = loadTested(file.policyPath, file.policy, compiled, onPolicyErrors);
        policies.set(file.policyPath, loading);
      }
      const loaded = await loading;
      if (!loaded.ok) {
        results.push({ path: file.path, policy: file.policyPath, tests: [], errors: [loaded.error] });
        continue;
      }
      coverage.add(loaded.policy);
      const tests = chosen.map((test) => runPolicyTest(test, loaded.policy, loaded.evaluator, coverage));
      results.push({ path: file.path, policy: file.policyPath, tests, errors: [] });
    }
  } finally {
    compiled.dispose();
  }
  return { files: results, coverage: coverage.report(), skipped };
}

async function loadTested(
  path: string,
  written: string,
  compiled: CompiledEvaluators,
  onPolicyErrors: (errors: PolicyErrors) => void,
): Promise<Loaded> {
  if (!existsSync(path) || statSync(path).isDirectory()) {
    return { ok: false, error: `policy: no policy file \`${written}\` (looked for \`${path}\`)` };
  }
  const load = loadPolicy(path);
  if (!load.ok) {
    onPolicyErrors(load);
    return { ok: false, error: `policy: \`${path}\` cannot be evaluated (see the errors above)` };
  }
  const { policy } = load;
  try {
    return { ok: true, policy, evaluator: await compiled.load(policy) };
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    return { ok: false, error: `policy: cannot build the compiled evaluator for \`${path}\`: ${message}` };
  }
}

/** How many tests passed and failed, and how many test files could not be run. */
export function suiteTotals(suite: SuiteResult): { passed: number; failed: number; broken: number } {
  const tests = suite.files.flatMap((file) => file.tests);
  const passed = tests.filter((test) => test.passed).length;
  const broken = suite.files.filter((file) => file.errors.length > 0).length;
  return { passed, failed: tests.length - passed, broken };
}
