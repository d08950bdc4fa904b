// Policy test files (`*.test.json`, docs/testing.md): read, parse and check their shape, so every
// mistake in one is reported with its JSON path before anything runs.

import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Outcome, OUTCOMES } from "@pol/runtime";
import { collectFiles, displayPath, jsonErrorMessage, readTextFile, UsageError } from "../../index.js";

export const TEST_FILE_SUFFIX = ".test.json";

/**
 * Every test file under `paths`, sorted. A usage error when a file named is not a test file (a
 * policy or a case named by mistake would otherwise be reported as a malformed test file) or
 * when there are none.
 */
export function findTestFiles(paths: readonly string[]): string[] {
  for (const path of paths) {
    if (existsSync(path) && statSync(path).isFile() && !path.endsWith(TEST_FILE_SUFFIX)) {
      throw new UsageError(`\`${path}\` is not a test file: test files are named \`*${TEST_FILE_SUFFIX}\``);
    }
  }
  const files = collectFiles(paths, [TEST_FILE_SUFFIX]);
  if (files.length === 0) {
    throw new UsageError(`no \`*${TEST_FILE_SUFFIX}\` test files under ${paths.map((path) => `\`${path}\``).join(", ")}`);
  }
  return files;
}

/** What one requested line item must come to; absent sets are not checked. */
export interface ItemExpectation {
  outcome: Outcome;
  reasons?: string[];
  missing?: string[];
  /** Ids of the notes the item carries (its cautions). */
  notes?: string[];
}

export interface PolicyTest {
  name: string;
  source?: string;
  /** Evaluate a proposed policy as if it were in effect (`effective proposed`). */
  asProposed?: boolean;
  /** The case as written; validated against the policy's schema when the test runs. */
  case: unknown;
  expect: ItemExpectation[];
}

export interface TestFile {
  /** Display path of the test file. */
  path: string;
  /** The policy as written in the file, and resolved against the test file's folder. */
  policy: string;
  policyPath: string;
  tests: PolicyTest[];
}

export type TestFileRead = { ok: true; file: TestFile } | { ok: false; errors: string[] };

/** Read and check one test file; every problem is reported as `path: message`. */
export function readTestFile(path: string): TestFileRead {
  const read = readTextFile(path);
  if (!read.ok) return { ok: false, errors: [read.missing ? `cannot read \`${displayPath(path)}\`` : read.problem] };
  const text = read.text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not valid JSON: ${jsonErrorMessage(error as Error, text)}`] };
  }
  return parseTestFile(json, path);
}

const FILE_KEYS = ["policy", "base", "tests"];
const TEST_KEYS = ["name", "source", "asProposed", "case", "expect"];
const EXPECT_KEYS = ["outcome", "reasons", "missing", "notes"];

/** Check the shape of parsed JSON as a test file found at `path`. */
export function parseTestFile(json: unknown, path: string): TestFileRead {
  const problems = new Problems();
  const fail = problems.fail;
  if (!isObject(json))
    return { ok: false, errors: [`expected an object \`{ "policy": ..., "tests": [...] }\`, found ${kind(json)}`] };
  // `$schema` may name the test-file schema `pol compile` writes, for editors.
  const { $schema: editorSchema, ...keys } = json;
  if (editorSchema !== undefined && typeof editorSchema !== "string") fail("$schema", `expected the path or URL of a JSON Schema, found ${kind(editorSchema)}`);
  unknownKeys(keys, "", FILE_KEYS, fail);
  const policy = json.policy;
  const base = json.base;
  if (base !== undefined && !isObject(base))
    fail("base", `expected the case every test starts from, as an object, found ${kind(base)}`);
  if (typeof policy !== "string" || policy === "")
    fail("policy", `expected the path of the policy under test, relative to the test file, found ${kind(policy)}`);
  const tests: PolicyTest[] = [];
  if (!Array.isArray(json.tests)) fail("tests", `expected a list of tests, found ${kind(json.tests)}`);
  else if (json.tests.length === 0) fail("tests", "expected at least one test");
  else {
    const names = new Map<string, number>();
    json.tests.forEach((entry, index) => {
      const test = parseTest(entry, `tests[${index}]`, problems, isObject(base) ? base : undefined);
      if (!test) return;
      const first = names.get(test.name);
      if (first !== undefined)
        fail(`tests[${index}].name`, `duplicate test name \`${test.name}\` (first used by tests[${first}])`);
      else names.set(test.name, index);
      tests.push(test);
    });
  }
  if (problems.errors.length > 0) return { ok: false, errors: problems.errors };
  const display = displayPath(path);
  return {
    ok: true,
    file: {
      path: display,
      policy: policy as string,
      policyPath: displayPath(resolve(dirname(path), policy as string)),
      tests,
    },
  };
}

type Fail = (at: string, message: string) => void;

/** The problems found so far, each as `path: message`. */
class Problems {
  readonly errors: string[] = [];
  readonly fail: Fail = (at, message) => {
    this.errors.push(at === "" ? message : `${at}: ${message}`);
  };
}

/**
 * A test's case: with a `base` in the file, the test's `case` is a JSON merge patch (RFC 7396)
 * over it: keys it names replace the base's (objects merge key by key, lists are replaced
 * whole), `null` removes a key, and a test without `case` runs the base as it is.
 */
function parseTest(
  json: unknown,
  at: string,
  problems: Problems,
  base: Record<string, unknown> | undefined,
): PolicyTest | undefined {
  const fail = problems.fail;
  if (!isObject(json)) {
    fail(at, `expected a test object \`{ "name": ..., "case": ..., "expect": [...] }\`, found ${kind(json)}`);
    return undefined;
  }
  const before = problems.errors.length;
  unknownKeys(json, at, TEST_KEYS, fail);
  const { name, source } = json;
  if (typeof name !== "string" || name.trim() === "")
    fail(`${at}.name`, `expected the test's name, found ${kind(name)}`);
  if (source !== undefined && typeof source !== "string") fail(`${at}.source`, `expected text, found ${kind(source)}`);
  const asProposed = json.asProposed;
  if (asProposed !== undefined && typeof asProposed !== "boolean")
    fail(`${at}.asProposed`, `expected \`true\` or \`false\`, found ${kind(asProposed)}`);
  if (!("case" in json) && base === undefined) fail(`${at}.case`, "missing: the case to evaluate (or a `base` for the file)");
  if (base !== undefined && "case" in json && !isObject(json.case))
    fail(`${at}.case`, `expected the changes to the file's \`base\` case, as an object, found ${kind(json.case)}`);
  const expect: ItemExpectation[] = [];
  if (!Array.isArray(json.expect))
    fail(`${at}.expect`, `expected a list with one entry per line item, found ${kind(json.expect)}`);
  else if (json.expect.length === 0) fail(`${at}.expect`, "expected one entry per line item, found an empty list");
  else {
    json.expect.forEach((entry, index) => {
      const item = parseExpectation(entry, `${at}.expect[${index}]`, fail);
      if (item) expect.push(item);
    });
  }
  if (problems.errors.length !== before) return undefined;
  const test: PolicyTest = { name: name as string, case: base === undefined ? json.case : mergePatch(base, json.case ?? {}), expect };
  if (typeof source === "string") test.source = source;
  if (asProposed === true) test.asProposed = true;
  return test;
}

function parseExpectation(json: unknown, at: string, fail: Fail): ItemExpectation | undefined {
  if (!isObject(json)) {
    fail(at, `expected \`{ "outcome": ... }\`, found ${kind(json)}`);
    return undefined;
  }
  let ok = unknownKeys(json, at, EXPECT_KEYS, fail);
  const outcome = json.outcome;
  if (!(OUTCOMES as readonly string[]).includes(outcome as string)) {
    const found = outcome === undefined ? "nothing" : kind(outcome);
    fail(`${at}.outcome`, `expected one of ${OUTCOMES.map((o) => `\`${o}\``).join(", ")}, found ${found}`);
    ok = false;
  }
  const expectation: ItemExpectation = { outcome: outcome as Outcome };
  for (const key of ["reasons", "missing", "notes"] as const) {
    const value = json[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string" || entry === "")) {
      const what = key === "missing" ? "fact paths" : "criterion ids";
      fail(`${at}.${key}`, `expected a list of ${what} (strings), found ${kind(value)}`);
      ok = false;
    } else expectation[key] = value as string[];
  }
  return ok ? expectation : undefined;
}

/** RFC 7396 JSON merge patch: `patch` applied to `target`, neither of them changed. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const merged: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    // Defined, not assigned: a key `__proto__` stays a plain key of the case.
    else Object.defineProperty(merged, key, { value: mergePatch(merged[key], value), enumerable: true, writable: true, configurable: true });
  }
  return merged;
}

function unknownKeys(json: Record<string, unknown>, at: string, allowed: readonly string[], fail: Fail): boolean {
  let ok = true;
  for (const key of Object.keys(json)) {
    if (allowed.includes(key)) continue;
    fail(at === "" ? key : `${at}.${key}`, `unknown key; expected ${allowed.map((k) => `\`${k}\``).join(", ")}`);
    ok = false;
  }
  return ok;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON value as a message shows it. */
function kind(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "`null`";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return value === "" ? "an empty string" : `\`${value.length > 40 ? value.slice(0, 37) + "..." : value}\``;
  return `\`${String(value)}\``;
}
