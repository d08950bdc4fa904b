// Generated evaluators type-check under the strictest settings a consumer may use, against the
// `@pol/runtime` package as a consumer installs it, and their exported types catch bad cases.

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateModules, moduleName } from "../src/generate/modules.js";
import type { CheckedPolicy } from "../src/model.js";
import { fixturePolicy } from "./support/codegen-fixture.js";
import { constructsPolicy } from "./support/constructs-fixture.js";
import { extendingPolicy } from "./support/extending-fixture.js";
import { consumerFolder, isRuntimeFile, STRICT_OPTIONS } from "./support/strict-typecheck.js";
import { checkPolicyFile, policyFiles } from "./support/policy-files.js";

const OPTIONS = STRICT_OPTIONS;

/** A compiler host that parses the standard library once for all the programs of this file. */
const host = ts.createCompilerHost(OPTIONS);
const libraryFiles = new Map<string, ts.SourceFile | undefined>();
const readSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
  if (!fileName.includes("/node_modules/typescript/lib/")) {
    return readSourceFile(fileName, languageVersion, onError, shouldCreate);
  }
  if (!libraryFiles.has(fileName)) libraryFiles.set(fileName, readSourceFile(fileName, languageVersion, onError, shouldCreate));
  return libraryFiles.get(fileName);
};

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/** Write the files (plus an ESM package.json and the runtime package linked into node_modules) to
 *  a fresh directory and type-check them; the diagnostics of every file except the runtime's. */
function typeCheck(files: Record<string, string>): string[] {
  const directory = consumerFolder("pol-typecheck-");
  directories.push(directory);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(directory, name)),
    OPTIONS,
    host,
  );
  // The runtime is type-checked with the repository's own settings; here only what pol generates
  // (and what a consumer writes against it) is held to the strictest flags.
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || !isRuntimeFile(d.file.fileName))
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      if (!d.file || d.start === undefined) return message;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${d.file.fileName.slice(directory.length + 1)}:${line + 1}:${character + 1} ${message}`;
    });
}

/** The policy's module and its schema's, by file name, as `pol compile` writes them. */
async function moduleFiles(policy: CheckedPolicy): Promise<Record<string, string>> {
  return Object.fromEntries(await generateModules([policy]));
}

/** A consumer of the fixture's module: typed cases, and five bad ones the types must reject. */
function consumerOf(module: string): string {
  return `import { evaluate, evaluateTrusted, validate, type Case } from "./${module}.js";

const good: Case = {
  date_of_service: "2025-08-15",
  items: [{ code: "27096", side: "left", purpose: null }],
  procedures: [{ relief_duration: "6wk", relief: 80, functional_improvement: true }],
};
export const outcomes: string[] = evaluateTrusted(good).items.map((item) => item.outcome);
const checkedFirst = evaluate(JSON.parse("{}"));
export const errors: number = checkedFirst.ok ? 0 : checkedFirst.errors.length;

// @ts-expect-error a computed field cannot be supplied
export const computed: Case = { date_of_service: "2025-08-15", items: [{ code: "27096" }], procedures: [{ score_relief: 80 }] };
// @ts-expect-error a value outside the enum
export const side: Case = { date_of_service: "2025-08-15", items: [{ code: "27096", side: "up" }] };
// @ts-expect-error a calendar duration is not a fixed duration
export const months: Case = { date_of_service: "2025-08-15", items: [{ code: "27096" }], procedures: [{ relief_duration: "2mo" }] };
// @ts-expect-error every item needs its code
export const noCode: Case = { date_of_service: "2025-08-15", items: [{}] };
// @ts-expect-error every case needs its date of service
export const noDate: Case = { items: [] };

const checked = validate(JSON.parse("{}"));
export const validated: string | undefined = checked.ok ? checked.value.date_of_service : undefined;
`;
}

/** A consumer of the extending fixture's module: the extended enums' members in fields of the
 *  records it extends, of a record whose enums it extends and of one holding such records. */
const EXTENDING_CONSUMER = `import { evaluateTrusted, type Case } from "./t-extending.js";

const good: Case = {
  date_of_service: "2025-08-15",
  items: [{ code: "11111" }],
  visits: [{ side: "unilateral", kind: "massage", relief: 60, level: "left", tone: "high" }],
  scans: [{ side: "unilateral", kind: "massage" }],
  referrals: [{ date: "2025-08-01", scans: [{ side: "bilateral", kind: "massage" }] }],
  notes: [{ tone: "low" }],
  severity: "high",
};
export const outcomes: string[] = evaluateTrusted(good).items.map((item) => item.outcome);
// @ts-expect-error a member of no schema
export const yoga: Case = { date_of_service: "2025-08-15", items: [{ code: "11111" }], referrals: [{ scans: [{ kind: "yoga" }] }] };
`;

/** The diagnostics of one file. */
function of(diagnostics: string[], file: string): string[] {
  return diagnostics.filter((line) => line.startsWith(`${file}:`));
}

describe("generated modules type-check", () => {
  const files = policyFiles();
  const fixtureModule = `${moduleName(fixturePolicy())}.ts`;
  // Laid out like `pol compile` output: every module in one folder, checked at once.
  let diagnostics: string[];
  const modules = new Map<string, string>();

  beforeAll(async () => {
    const sources: Record<string, string> = {
      ...(await moduleFiles(constructsPolicy())),
      ...(await moduleFiles(fixturePolicy())),
      ...(await moduleFiles(extendingPolicy())),
    };
    for (const file of files) {
      const checked = checkPolicyFile(file);
      if (!checked.policy) continue;
      for (const [name, text] of Object.entries(await moduleFiles(checked.policy))) {
        if (!name.endsWith(".schema.ts")) modules.set(file, name);
        sources[name] = text;
      }
    }
    sources["consumer.ts"] = consumerOf(fixtureModule.replace(/\.ts$/, ""));
    sources["extending-consumer.ts"] = EXTENDING_CONSUMER;
    diagnostics = typeCheck(sources);
  });

  it("the inline fixture, which uses every expression form", () => {
    expect(of(diagnostics, fixtureModule)).toEqual([]);
  });

  for (const file of files) {
    it(file, () => {
      expect(checkPolicyFile(file).failure).toBeUndefined();
      expect(of(diagnostics, modules.get(file)!)).toEqual([]);
    });
  }

  it("nothing else: no diagnostics outside the modules and the consumer", () => {
    expect(diagnostics).toEqual([]);
  });

  it("the exported case types accept a good case and reject computed fields, foreign enum values, calendar durations and missing required facts", () => {
    expect(of(diagnostics, "consumer.ts")).toEqual([]);
  });

  it("an extending schema's case type takes its enums' new members wherever its records hold them", () => {
    expect(of(diagnostics, "extending-consumer.ts")).toEqual([]);
  });

  it("the harness is not vacuous: it reports a broken module and unexpected case errors", async () => {
    const files = await moduleFiles(fixturePolicy());
    const text = files[fixtureModule]!;
    const broken = text.replace(/(const \w+ = \(c: Context\)): Tri =>/, "$1: number =>");
    expect(broken).not.toBe(text);
    const consumer = consumerOf(fixtureModule.replace(/\.ts$/, "")).replaceAll("// @ts-expect-error", "//");
    const reported = typeCheck({ ...files, [fixtureModule]: broken, "consumer.ts": consumer });
    expect(of(reported, fixtureModule).length).toBeGreaterThan(0);
    // Each of the five bad cases is an error once it is no longer expected.
    expect(of(reported, "consumer.ts")).toHaveLength(5);
  });
});
