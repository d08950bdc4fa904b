// `pol test [paths...] [--min-coverage P]`: run policy test files (docs/testing.md) against the
// reference interpreter and the compiled evaluator, and report criterion coverage.

import { existsSync, statSync } from "node:fs";
import { collectFiles, UsageError } from "../../files/paths.js";
import { formatPercent, renderCoverage, renderFailedTest, renderUncovered } from "../../tools/policy-test/render.js";
import type { Failure } from "../../tools/policy-test/run.js";
import { runSuite, type SuiteResult } from "../../tools/policy-test/suite.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "../io.js";

export type TestFormat = "human" | "json";

export interface TestOptions {
  /** Percent (0-100) of reachable criterion states the tests must cover. */
  minCoverage?: number;
  format: TestFormat;
}

export const TEST_FILE_SUFFIX = ".test.json";

export async function runTest(paths: readonly string[], options: TestOptions, io: Io): Promise<number> {
  for (const path of paths) {
    // A policy or a case named by mistake would otherwise be reported as a malformed test file.
    if (existsSync(path) && statSync(path).isFile() && !path.endsWith(TEST_FILE_SUFFIX)) {
      throw new UsageError(`\`${path}\` is not a test file: test files are named \`*${TEST_FILE_SUFFIX}\``);
    }
  }
  const files = collectFiles(paths, [TEST_FILE_SUFFIX]);
  if (files.length === 0) {
    throw new UsageError(
      `no \`*${TEST_FILE_SUFFIX}\` test files under ${paths.map((path) => `\`${path}\``).join(", ")}`,
    );
  }
  const suite = await runSuite(files, io);
  const totals = countTests(suite);
  const coverageMet = options.minCoverage === undefined || suite.coverage.percent >= options.minCoverage;
  if (options.format === "json") io.out(JSON.stringify(jsonResult(suite, options, coverageMet), null, 2) + "\n");
  else reportHuman(suite, options, coverageMet, io);
  return totals.failed === 0 && totals.broken === 0 && coverageMet ? EXIT_OK : EXIT_FAILED;
}

function countTests(suite: SuiteResult): { passed: number; failed: number; broken: number } {
  const tests = suite.files.flatMap((file) => file.tests);
  const passed = tests.filter((test) => test.passed).length;
  const broken = suite.files.filter((file) => file.errors.length > 0).length;
  return { passed, failed: tests.length - passed, broken };
}

function reportHuman(suite: SuiteResult, options: TestOptions, coverageMet: boolean, io: Io): void {
  for (const file of suite.files) {
    if (file.errors.length > 0) {
      io.err(`error: \`${file.path}\` could not be run:\n`);
      for (const error of file.errors) io.err(`  ${error}\n`);
      continue;
    }
    const passed = file.tests.filter((test) => test.passed).length;
    io.out(`${file.path}: ${passed} passed, ${file.tests.length - passed} failed\n`);
    for (const test of file.tests) {
      if (!test.passed) io.out(renderFailedTest(test).join("\n") + "\n");
    }
  }
  if (suite.coverage.policies.length > 0) io.out("\n" + renderCoverage(suite.coverage).join("\n") + "\n");
  if (!coverageMet) {
    io.err(
      `error: coverage ${formatPercent(suite.coverage.percent)} is below the minimum ${options.minCoverage}%; ` +
        "criterion states no test reached:\n",
    );
    io.err(renderUncovered(suite.coverage).join("\n") + "\n");
  }
  const totals = countTests(suite);
  io.out("\n");
  if (totals.broken > 0) io.out(`${totals.broken} test file${totals.broken === 1 ? "" : "s"} could not be run\n`);
  io.out(`${totals.passed} passed, ${totals.failed} failed\n`);
}

/** The machine-readable result: every test with its status and failures, and the coverage. */
function jsonResult(suite: SuiteResult, options: TestOptions, coverageMet: boolean): unknown {
  const totals = countTests(suite);
  return {
    files: suite.files.map((file) => ({
      path: file.path,
      ...(file.policy !== undefined ? { policy: file.policy } : {}),
      errors: file.errors,
      tests: file.tests.map((test) => ({
        name: test.name,
        ...(test.source !== undefined ? { source: test.source } : {}),
        status: test.passed ? "passed" : "failed",
        failures: test.failures.map(failureJson),
      })),
    })),
    coverage: {
      ...suite.coverage,
      ...(options.minCoverage !== undefined ? { minimum: options.minCoverage } : {}),
      met: coverageMet,
    },
    summary: { passed: totals.passed, failed: totals.failed, filesNotRun: totals.broken },
  };
}

/** Engine differences name their sides; everything else is already plain data. */
function failureJson(failure: Failure): unknown {
  if (failure.kind !== "engines_disagree") return failure;
  return {
    kind: failure.kind,
    differences: failure.differences.map((difference) => ({
      path: difference.path,
      interpreter: difference.left ?? null,
      compiled: difference.right ?? null,
    })),
  };
}
