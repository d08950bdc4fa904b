#!/usr/bin/env node
// The one test command (`npm test`): every check CI relies on, in order, then the unit and
// property tests. Ends with a plain `N passed, N failed` line taken from the test runner's results.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const pol = ["node", "bin/pol.js"];
const steps = [
  { name: "build the runtime package and the CLI", command: ["npm", "run", "--silent", "build"] },
  { name: "type-check sources, tests and compiled evaluators", command: ["npx", "tsc", "-p", "tsconfig.test.json"] },
  { name: "pol check", command: [...pol, "check", "policies", "--deny-warnings"] },
  { name: "pol fmt --check", command: [...pol, "fmt", "--check", "policies"] },
  { name: "pol compile --check", command: [...pol, "compile", "--check"] },
  { name: "pol test", command: [...pol, "test", "policies", "--min-coverage", "100"] },
  { name: "pol check tutorial", command: [...pol, "check", "tutorial", "--deny-warnings"] },
  { name: "type-check the playground", command: ["npx", "tsc", "-p", "playground/tsconfig.json"] },
  { name: "build the playground", command: ["node", "playground/build.mjs"] },
  { name: "type-check the VS Code extension", command: ["npx", "tsc", "-p", "editors/vscode/tsconfig.json"] },
];

let failedSteps = 0;
for (const step of steps) {
  process.stdout.write(`\n== ${step.name}: ${step.command.join(" ")}\n`);
  const result = spawnSync(step.command[0], step.command.slice(1), { stdio: "inherit" });
  if (result.status !== 0) {
    failedSteps++;
    process.stdout.write(`!! ${step.name} failed (exit ${result.status})\n`);
  }
}

// The packed-tarball test (test/package.test.ts) packs, installs and runs pol dozens of times: it
// runs on its own after the other tests, so it does not compete with their timing-sensitive
// checks for the cores.
const PACKAGE_TEST = "test/package.test.ts";
let passed = 0;
let failed = 0;
let vitestFailed = false;
const runVitest = (name, args) => {
  const resultsDir = mkdtempSync(join(tmpdir(), "pol-test-"));
  const resultsFile = join(resultsDir, "vitest.json");
  process.stdout.write(`\n== ${name}: vitest run ${args.join(" ")}\n`);
  const vitest = spawnSync(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...args],
    { stdio: "inherit" },
  );
  let runFailed = 0;
  try {
    const results = JSON.parse(readFileSync(resultsFile, "utf8"));
    passed += results.numPassedTests ?? 0;
    // Suites that failed to load count as failures even though they ran no test.
    const brokenSuites = (results.testResults ?? []).filter(
      (suite) => suite.status === "failed" && (suite.assertionResults ?? []).length === 0,
    ).length;
    runFailed = (results.numFailedTests ?? 0) + brokenSuites;
    if (!results.numTotalTests) runFailed++;
  } catch {
    runFailed++;
    process.stdout.write("!! vitest wrote no results\n");
  }
  rmSync(resultsDir, { recursive: true, force: true });
  failed += runFailed;
  if (vitest.status !== 0 && runFailed === 0) vitestFailed = true;
};
const extra = process.argv.slice(2);
if (extra.length > 0) runVitest("tests", extra);
else {
  runVitest("unit and property tests", ["--exclude", PACKAGE_TEST]);
  runVitest("the packed packages, installed in an empty folder", [PACKAGE_TEST]);
}
if (vitestFailed && failed === 0) failed++;
failed += failedSteps;
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
