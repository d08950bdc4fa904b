// Policy test results as JSON (`pol test --format json`): every test with its status and
// failures, the coverage, and the totals.

import type { Failure } from "./run.js";
import { suiteTotals, type SuiteResult } from "./suite.js";

/** The machine-readable result; `minCoverage` is the minimum asked for, if any. */
export function suiteJson(suite: SuiteResult, minCoverage: number | undefined, coverageMet: boolean): unknown {
  const totals = suiteTotals(suite);
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
      ...(minCoverage !== undefined ? { minimum: minCoverage } : {}),
      met: coverageMet,
    },
    summary: { passed: totals.passed, failed: totals.failed, filesNotRun: totals.broken, skipped: suite.skipped },
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
