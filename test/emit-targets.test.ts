// What `pol compile` gives developers besides TypeScript: JavaScript with declaration files (ES
// modules and CommonJS), TypeScript whose relative imports end in `.ts` (Node's type stripping),
// the index from procedure codes to policies, exported code sets, and date types. Each output is
// type-checked by an application under the strictest common settings and then run.
//
// Node 20 has no type stripping of its own. The `.ts` output is checked the way Node 22+ runs it:
// it type-checks with `erasableSyntaxOnly` and `verbatimModuleSyntax` (only syntax that erasing
// types turns into the same JavaScript) and `rewriteRelativeImportExtensions`, and then runs in
// Node 20 through a loader hook that erases the types of each `.ts` file as it is imported.

import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";
import type { Io } from "../src/cli/io.js";
import { consumerFolder, isRuntimeFile, STRICT_OPTIONS } from "./support/strict-typecheck.js";

const STRICTEST: ts.CompilerOptions = {
  ...STRICT_OPTIONS,
  noPropertyAccessFromIndexSignature: true,
  erasableSyntaxOnly: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  allowUnreachableCode: false,
  types: ["node"],
};

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function pol(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (text) => void (out += text), err: (text) => void (err += text) };
  return { code: await main(args, io), out, err };
}

/** The two seed policies (the example policy under policies/examples has a schema of its own). */
const SEED = ["policies/truecare", "policies/cigna"];

/** An application's source: routes each line item through the index, evaluates, prints outcomes. */
function appSource(importPath: (module: string) => string): string {
  return `import { policiesFor, policies, procedureCodeSets, type PolicyId } from ${JSON.stringify(importPath("index"))};
import { codeSets, evaluate, validate, type Case } from ${JSON.stringify(importPath("truecare-sij"))};
import type { IsoDate } from ${JSON.stringify(importPath("spine.schema"))};
import { readFileSync } from "node:fs";

const dos: IsoDate = "2025-09-15";
// @ts-expect-error: not a calendar date in the form YYYY-MM-DD
const wrong: IsoDate = "15/09/2025";
// @ts-expect-error: no month 13
const month13: IsoDate = "2025-13-01";
void wrong;
void month13;
const typed: Case = { date_of_service: dos, items: [{ code: "27096" }] };
void typed;

const json: unknown = JSON.parse(readFileSync(process.argv[2]!, "utf8"));
const routed: PolicyId[] = policiesFor("27096");
console.log("27096 ->", routed.join(","), "| 20552 ->", policiesFor("20552").join(","), "| 99213 ->", policiesFor("99213").length);
console.log("sets", Object.keys(codeSets).join(","), procedureCodeSets.length);
for (const id of routed) {
  const result = policies[id].evaluate(json);
  console.log(id, result.ok ? result.determination.items.map((item) => item.outcome).join(",") : "invalid");
}
const strict = validate({ ...(json as object), extra_field: 1 });
const lenient = validate({ ...(json as object), extra_field: 1 }, { unknownFields: "ignore" });
console.log("unknown field:", strict.ok ? "accepted" : strict.errors[0]!.path, "| ignored:", lenient.ok);
const direct = evaluate(json, { trace: false });
console.log("direct", direct.ok && direct.determination.items[0]!.outcome);
`;
}

/** Type-check `files` as one program under `options`; the runtime package is checked as installed. */
function typeErrors(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files, { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || !isRuntimeFile(d.file.fileName))
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const EXPECTED_RUN = [
  "27096 -> truecare.sij | 20552 -> cigna.tpi | 99213 -> 0",
  "truecare.sij approved",
  "unknown field: extra_field | ignored: true",
  "direct approved",
];

function expectRun(stdout: string): void {
  for (const line of EXPECTED_RUN) expect(stdout).toContain(line);
  expect(stdout).toMatch(/^sets sij_injection[\w,]* 2$/m);
}

describe("pol compile --emit js", () => {
  for (const emit of ["js", "cjs"] as const) {
    it(`writes ${emit === "js" ? "ES modules" : "CommonJS"} with declarations that an application type-checks under the strictest settings and runs`, async () => {
      const app = consumerFolder("pol-emit-");
      folders.push(app);
      const out = join(app, "evaluators");
      const { code, err } = await pol("compile", ...SEED, "--out", out, "--emit", emit);
      expect(code, err).toBe(0);
      const files = readdirSync(out).sort();
      for (const base of ["cigna-tpi", "truecare-sij", "spine.schema", "index"]) {
        expect(files).toContain(`${base}.js`);
        expect(files).toContain(`${base}.d.ts`);
      }
      expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
      expect(files).toContain("truecare-sij.case.schema.json");
      if (emit === "cjs") {
        expect(readFileSync(join(out, "truecare-sij.js"), "utf8")).toContain('require("@pol/runtime")');
        writeFileSync(join(app, "package.json"), '{ "type": "commonjs" }\n');
      } else expect(readFileSync(join(out, "truecare-sij.js"), "utf8")).toContain('from "@pol/runtime"');
      expect((await pol("compile", ...SEED, "--out", out, "--emit", emit, "--check")).code).toBe(0);
      writeFileSync(join(app, "app.ts"), appSource((module) => `./evaluators/${module}.js`));
      const options = emit === "cjs" ? { ...STRICTEST, module: ts.ModuleKind.NodeNext, verbatimModuleSyntax: false } : STRICTEST;
      expect(typeErrors([join(app, "app.ts")], options)).toEqual([]);
      const built = ts.transpileModule(readFileSync(join(app, "app.ts"), "utf8"), {
        compilerOptions: { module: emit === "cjs" ? ts.ModuleKind.CommonJS : ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(app, "app.js"), built.outputText);
      const run = spawnSync(process.execPath, [join(app, "app.js"), "samples/truecare-approval.json"], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      expectRun(run.stdout);
    });
  }
});

describe("pol compile (TypeScript)", () => {
  it("builds under the strictest settings, and with --import-extension ts runs as Node's type stripping runs it", async () => {
    const app = consumerFolder("pol-emit-ts-");
    folders.push(app);
    const out = join(app, "evaluators");
    expect((await pol("compile", ...SEED, "--out", join(app, "plain"))).code).toBe(0);
    const plain = readdirSync(join(app, "plain")).filter((file) => file.endsWith(".ts"));
    expect(plain.sort()).toEqual(["cigna-tpi.ts", "index.ts", "spine.schema.ts", "truecare-sij.ts"]);
    expect(typeErrors(plain.map((file) => join(app, "plain", file)), STRICTEST)).toEqual([]);

    const { code, err } = await pol("compile", ...SEED, "--out", out, "--import-extension", "ts");
    expect(code, err).toBe(0);
    expect(readFileSync(join(out, "truecare-sij.ts"), "utf8")).toContain('from "./spine.schema.ts"');
    writeFileSync(join(app, "app.ts"), appSource((module) => `./evaluators/${module}.ts`));
    expect(typeErrors([join(app, "app.ts")], { ...STRICTEST, rewriteRelativeImportExtensions: true })).toEqual([]);
    // Node 20 has no type stripping: a loader hook erases the types of each .ts file it loads.
    mkdirSync(join(app, "hooks"));
    writeFileSync(
      join(app, "hooks", "strip.mjs"),
      `import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from ${JSON.stringify(import.meta.resolve("typescript"))};
const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ESNext, verbatimModuleSyntax: true, erasableSyntaxOnly: true };
export async function load(url, context, next) {
  if (!url.endsWith(".ts")) return next(url, context);
  const source = readFileSync(fileURLToPath(url), "utf8");
  const output = ts.transpileModule(source, { compilerOptions: options, reportDiagnostics: true });
  if (output.diagnostics.length > 0) throw new Error(url + ": " + output.diagnostics.map((d) => d.messageText).join("; "));
  return { format: "module", source: output.outputText, shortCircuit: true };
}
`,
    );
    writeFileSync(join(app, "hooks", "register.mjs"), 'import { register } from "node:module";\nregister("./strip.mjs", import.meta.url);\n');
    const run = spawnSync(process.execPath, ["--import", join(app, "hooks", "register.mjs"), join(app, "app.ts"), "samples/truecare-approval.json"], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expectRun(run.stdout);
  });
});
