// Policy test results as JUnit XML (`pol test --reporter junit`), the format CI systems (GitHub
// Actions test reporters, GitLab, Jenkins, Azure Pipelines) read: one <testsuite> per test file,
// one <testcase> per test, each failure's text as `pol test` prints it. A file that could not be
// run is a suite with one <error>; a missed minimum coverage is a failed case of its own suite.

import { renderFailure, renderUncovered, formatPercent } from "./render.js";
import { suiteTotals, type SuiteResult } from "./suite.js";

export function suiteJunit(suite: SuiteResult, minCoverage: number | undefined, coverageMet: boolean): string {
  const totals = suiteTotals(suite);
  const coverageCase = minCoverage !== undefined;
  const tests = totals.passed + totals.failed + totals.broken + (coverageCase ? 1 : 0);
  const failures = totals.failed + (coverageCase && !coverageMet ? 1 : 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pol test" tests="${tests}" failures="${failures}" errors="${totals.broken}" skipped="${suite.skipped}">`,
  ];
  for (const file of suite.files) {
    const failed = file.tests.filter((test) => !test.passed).length;
    const broken = file.errors.length > 0 ? 1 : 0;
    out.push(
      `  <testsuite name="${attr(file.path)}" tests="${file.tests.length + broken}" failures="${failed}" errors="${broken}" skipped="0">`,
    );
    if (broken) {
      out.push(`    <testcase classname="${attr(file.path)}" name="${attr(file.path)}">`);
      out.push(`      <error message="the test file could not be run">${text(file.errors.join("\n"))}</error>`);
      out.push("    </testcase>");
    }
    for (const test of file.tests) {
      const open = `    <testcase classname="${attr(file.path)}" name="${attr(test.name)}"`;
      if (test.passed) {
        out.push(`${open}/>`);
        continue;
      }
      const details = test.failures.flatMap(renderFailure);
      if (test.source !== undefined) details.unshift(`source: ${test.source}`);
      out.push(`${open}>`);
      out.push(`      <failure message="${attr(details[test.source !== undefined ? 1 : 0] ?? "failed")}">${text(details.join("\n"))}</failure>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  if (coverageCase) {
    const name = `criterion coverage of at least ${minCoverage}%`;
    out.push(`  <testsuite name="coverage" tests="1" failures="${coverageMet ? 0 : 1}" errors="0" skipped="0">`);
    if (coverageMet) out.push(`    <testcase classname="coverage" name="${attr(name)}"/>`);
    else {
      const message = `coverage ${formatPercent(suite.coverage.percent)} is below the minimum ${minCoverage}%`;
      out.push(`    <testcase classname="coverage" name="${attr(name)}">`);
      out.push(`      <failure message="${attr(message)}">${text(renderUncovered(suite.coverage).join("\n"))}</failure>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

/** Characters XML 1.0 cannot hold at all (control characters other than tab, LF, CR; lone surrogates). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function text(value: string): string {
  return value.replace(NOT_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  return text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
