// `pol test [paths...] [--min-coverage P]`: run policy test files (docs/testing.md) against the
// reference interpreter and the compiled evaluator, and report criterion coverage.

import {
  findTestFiles,
  formatPercent,
  renderCoverage,
  renderFailedTest,
  renderUncovered,
  runSuite,
  suiteJson,
  suiteTotals,
  type SuiteResult,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, type Io } from "../io.js";

export type TestFormat = "human" | "json";

export interface TestOptions {
  /** Percent (0-100) of reachable criterion states the tests must cover. */
  minCoverage?: number;
  format: TestFormat;
}

export async function runTest(paths: readonly string[], options: TestOptions, io: Io): Promise<number> {
  const files = findTestFiles(paths);
  const suite = await runSuite(files, (errors) => {
    printDiagnostics(errors.checked, "human", io);
    if (errors.problem !== undefined) io.err(`error: ${errors.problem}\n`);
  });
  const totals = suiteTotals(suite);
  const coverageMet = options.minCoverage === undefined || suite.coverage.percent >= options.minCoverage;
  if (options.format === "json") io.out(JSON.stringify(suiteJson(suite, options.minCoverage, coverageMet), null, 2) + "\n");
  else printHuman(suite, options, coverageMet, io);
  return totals.failed === 0 && totals.broken === 0 && coverageMet ? EXIT_OK : EXIT_FAILED;
}

function printHuman(suite: SuiteResult, options: TestOptions, coverageMet: boolean, io: Io): void {
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
  const totals = suiteTotals(suite);
  io.out("\n");
  if (totals.broken > 0) io.out(`${totals.broken} test file${totals.broken === 1 ? "" : "s"} could not be run\n`);
  io.out(`${totals.passed} passed, ${totals.failed} failed\n`);
}
