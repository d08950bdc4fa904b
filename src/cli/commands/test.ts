// `pol test [paths...] [--min-coverage P] [--run NAME] [--reporter R] [--output FILE] [--watch]`:
// run policy test files (docs/testing.md) against the reference interpreter and the compiled
// evaluator, and report criterion coverage, for people (text), tools (JSON) or CI (JUnit XML,
// GitHub annotations).

import { writeFileSync } from "node:fs";
import {
  displayPath,
  escapeData,
  escapeProperty,
  findTestFiles,
  formatPercent,
  renderCoverage,
  renderFailedTest,
  renderFailure,
  renderUncovered,
  runSuite,
  suiteJson,
  suiteJunit,
  suiteTotals,
  type SuiteResult,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, printDiagnostics, writeData, type Io } from "../io.js";
import { inProjectFolder, resolveProject } from "../project.js";
import { watchPaths, type WatchOptions } from "../watch.js";

export type TestReporter = "human" | "json" | "junit" | "github";

export interface TestOptions {
  /** Percent (0-100) of reachable criterion states the tests must cover; else the configured one. */
  minCoverage?: number;
  reporter: TestReporter;
  /** Write the report there instead of stdout; the human summary still goes to stdout. */
  output?: string;
  /** Run only the tests whose name contains one of these. */
  run?: string[];
  watch?: boolean;
  watchOptions?: WatchOptions;
}

export async function runTest(paths: readonly string[], options: TestOptions, io: Io): Promise<number> {
  const load = resolveProject(paths, options.reporter === "json" ? "json" : options.reporter === "github" ? "github" : "human", io);
  if (!load.ok) return load.exitCode;
  const { project } = load;
  const minCoverage = options.minCoverage ?? project.minCoverage;
  return inProjectFolder(project, () => {
    const once = () => testOnce(project.paths, { ...options, ...(minCoverage !== undefined ? { minCoverage } : {}) }, io);
    return options.watch ? watchPaths(project.paths, once, io, options.watchOptions) : once();
  });
}

async function testOnce(paths: readonly string[], options: TestOptions, io: Io): Promise<number> {
  const files = findTestFiles(paths);
  const suite = await runSuite(
    files,
    (errors) => {
      printDiagnostics(errors.checked, options.reporter === "github" ? "github" : "human", io);
      if (errors.problem !== undefined) io.err(`error: ${errors.problem}\n`);
    },
    options.run !== undefined ? { only: options.run } : {},
  );
  const totals = suiteTotals(suite);
  if (options.run !== undefined && totals.passed + totals.failed + totals.broken === 0) {
    io.err(`error: no test name contains ${options.run.map((name) => `\`${name}\``).join(" or ")}\n`);
    return EXIT_USAGE;
  }
  // Coverage is a property of the whole suite: a run of some tests reports it but is not held to it.
  const minCoverage = options.run === undefined ? options.minCoverage : undefined;
  const coverageMet = minCoverage === undefined || suite.coverage.percent >= minCoverage;
  const report = (text: string) => {
    if (options.output === undefined) writeData(io, text);
    else writeFileSync(options.output, text);
  };
  switch (options.reporter) {
    case "json":
      report(JSON.stringify(suiteJson(suite, minCoverage, coverageMet), null, 2) + "\n");
      break;
    case "junit":
      report(suiteJunit(suite, minCoverage, coverageMet));
      break;
    case "github":
      report(githubAnnotations(suite, minCoverage, coverageMet));
      break;
    case "human":
      break;
  }
  if (options.reporter === "human" || options.output !== undefined) printHuman(suite, minCoverage, coverageMet, io);
  if (options.output !== undefined) io.out(`wrote the ${options.reporter} report to ${displayPath(options.output)}\n`);
  return totals.failed === 0 && totals.broken === 0 && coverageMet ? EXIT_OK : EXIT_FAILED;
}

function printHuman(suite: SuiteResult, minCoverage: number | undefined, coverageMet: boolean, io: Io): void {
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
      `error: coverage ${formatPercent(suite.coverage.percent)} is below the minimum ${minCoverage}%; ` +
        "criterion states no test reached:\n",
    );
    io.err(renderUncovered(suite.coverage).join("\n") + "\n");
  }
  const totals = suiteTotals(suite);
  io.out("\n");
  if (totals.broken > 0) io.out(`${totals.broken} test file${totals.broken === 1 ? "" : "s"} could not be run\n`);
  if (suite.skipped > 0) io.out(`${suite.skipped} test${suite.skipped === 1 ? "" : "s"} left out by --run (coverage not enforced)\n`);
  io.out(`${totals.passed} passed, ${totals.failed} failed\n`);
}

/** One annotation per failed test (on its test file) and for a missed minimum coverage. */
function githubAnnotations(suite: SuiteResult, minCoverage: number | undefined, coverageMet: boolean): string {
  const lines: string[] = [];
  for (const file of suite.files) {
    const at = `file=${escapeProperty(file.path)}`;
    for (const error of file.errors) lines.push(`::error ${at},title=${escapeProperty("test file not run")}::${escapeData(error)}`);
    for (const test of file.tests) {
      if (test.passed) continue;
      const details = test.failures.flatMap(renderFailure).join("\n");
      lines.push(`::error ${at},title=${escapeProperty(`test failed: ${test.name}`)}::${escapeData(details)}`);
    }
  }
  if (!coverageMet) {
    const message = `coverage ${formatPercent(suite.coverage.percent)} is below the minimum ${minCoverage}%:\n${renderUncovered(suite.coverage).join("\n")}`;
    lines.push(`::error title=${escapeProperty("criterion coverage")}::${escapeData(message)}`);
  }
  const totals = suiteTotals(suite);
  lines.push(`::notice title=pol test::${escapeData(`${totals.passed} passed, ${totals.failed} failed`)}`);
  return lines.join("\n") + "\n";
}
