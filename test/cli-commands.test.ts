// `pol check`, `pol compile` and `pol eval` through the CLI entry point: exit codes, what is
// written (all or nothing), and the messages for broken policies, stale output and bad cases.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";
import type { Io } from "../src/cli/io.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pol-cli-"));
  cpSync("tutorial/schema.pol", join(dir, "policies/schema.pol"));
  cpSync("tutorial/lumbar-mri.pol", join(dir, "policies/lumbar-mri.pol"));
  cpSync("tutorial/case.json", join(dir, "case.json"));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function pol(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (text) => void (out += text), err: (text) => void (err += text) };
  const code = await main(args, io);
  return { code, out, err };
}

const at = (...parts: string[]) => join(dir, ...parts);

describe("pol check", () => {
  it("exits 0 on clean policies and 1 with every error of a broken one", async () => {
    expect((await pol("check", at("policies"))).code).toBe(0);
    const source = readFileSync(at("policies/lumbar-mri.pol"), "utf8")
      .replace("time since pain_onset >= 6wk", "time since pain_onset >= 6mo and pain_onst > 3")
      .replace("[2.c]", "");
    writeFileSync(at("policies/lumbar-mri.pol"), source);
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toContain("error[POL2001]: unknown name `pain_onst`");
    expect(err).toContain("error[POL4001]: criterion `repeat` has no citation");
    expect(err).toMatch(/\d errors in 1 file/);
  });

  it("passes with warnings, and fails on them with --deny-warnings; compile and eval still run", async () => {
    const source = readFileSync(at("policies/lumbar-mri.pol"), "utf8");
    writeFileSync(at("policies/lumbar-mri.pol"), `${source}\nlet unused_count "an unused count" = count therapies\n`);
    const plain = await pol("check", at("policies"));
    expect(plain.code).toBe(0);
    expect(plain.err).toContain("warning[POL4023]: `unused_count` is never used");
    expect(plain.err).toMatch(/1 warning in 1 file/);
    expect(plain.out).toContain("no errors, 1 warning");
    const denied = await pol("check", at("policies"), "--deny-warnings");
    expect(denied.code).toBe(1);
    expect(denied.err).toContain("warning[POL4023]");
    expect((await pol("compile", at("policies"), "--out", at("compiled"))).code).toBe(0);
    expect((await pol("eval", at("policies/lumbar-mri.pol"), at("case.json"))).code).toBe(0);
  });

  it("prints diagnostics as JSON for tools", async () => {
    writeFileSync(at("policies/extra.pol"), "policy x.y\n  title \"t\"\nrule r \"R\" for nothing\n");
    const { code, out } = await pol("check", at("policies"), "--format", "json");
    expect(code).toBe(1);
    const report = JSON.parse(out) as { diagnostics: { code: string; file: string; line: number; column: number }[] };
    expect(report.diagnostics.length).toBeGreaterThan(0);
    for (const diagnostic of report.diagnostics) {
      expect(diagnostic.code).toMatch(/^POL\d{4}$/);
      expect(diagnostic.line).toBeGreaterThan(0);
    }
  });
});

describe("pol compile", () => {
  it("writes one module per policy, importing @pol/runtime, then reports the folder up to date", async () => {
    const out = at("compiled");
    expect((await pol("compile", at("policies"), "--out", out)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "acme-lumbar-mri.case.ignore-unknown.schema.json",
      "acme-lumbar-mri.case.schema.json",
      "acme-lumbar-mri.test.schema.json",
      "acme-lumbar-mri.ts",
      "imaging.schema.ts",
      "index.ts",
    ]);
    expect(readFileSync(join(out, "acme-lumbar-mri.ts"), "utf8")).toContain('} from "@pol/runtime";');
    expect(readdirSync(out, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".tmp"))).toEqual([]);
    const check = await pol("compile", at("policies"), "--out", out, "--check");
    expect(check.code).toBe(0);
    expect(check.out).toContain("is up to date (6 files)");
  });

  it("--check names stale, missing and orphaned modules and exits 1", async () => {
    const out = at("compiled");
    await pol("compile", at("policies"), "--out", out);
    const [module] = readdirSync(out);
    writeFileSync(join(out, module!), "// edited by hand\n");
    writeFileSync(join(out, "old-policy.ts"), "export {};\n");
    const { code, err } = await pol("compile", at("policies"), "--out", out, "--check");
    expect(code).toBe(1);
    expect(err).toContain(`${module} is out of date`);
    expect(err).toContain("old-policy.ts has no policy");
    expect(readFileSync(join(out, module!), "utf8")).toBe("// edited by hand\n");
    rmSync(join(out, module!));
    expect((await pol("compile", at("policies"), "--out", out, "--check")).err).toContain(`${module} is missing`);
  });

  it("reports a runtime copy left by an older pol: --check fails, compile replaces the folder without it", async () => {
    const out = at("compiled");
    await pol("compile", at("policies"), "--out", out);
    writeFileSync(join(out, "runtime.ts"), 'export * from "./runtime/logic.js";\n');
    mkdirSync(join(out, "runtime"));
    writeFileSync(join(out, "runtime", "logic.ts"), "export {};\n");
    const check = await pol("compile", at("policies"), "--out", out, "--check");
    expect(check.code).toBe(1);
    expect(check.err).toMatch(/compiled\/runtime\.ts is a copy of the runtime left by an older pol \(evaluators import @pol\/runtime\)/);
    expect(check.err).toMatch(/compiled\/runtime\/logic\.ts is a copy of the runtime left by an older pol/);
    expect(check.err).not.toContain("has no policy");
    // The output folder belongs to pol: a compile replaces it whole, leaving the copies behind.
    const compile = await pol("compile", at("policies"), "--out", out);
    expect(compile.code).toBe(0);
    expect(existsSync(join(out, "runtime.ts"))).toBe(false);
    expect(existsSync(join(out, "runtime"))).toBe(false);
    expect((await pol("compile", at("policies"), "--out", out, "--check")).code).toBe(0);
  });

  it("writes nothing when a policy has an error", async () => {
    writeFileSync(at("policies/lumbar-mri.pol"), readFileSync(at("policies/lumbar-mri.pol"), "utf8").replace("red_flags or", "red_flag or"));
    const { code, err } = await pol("compile", at("policies"), "--out", at("compiled"));
    expect(code).toBe(1);
    expect(err).toContain("nothing was compiled");
    expect(existsSync(at("compiled"))).toBe(false);
  });
});

describe("pol eval", () => {
  const policy = () => at("policies/lumbar-mri.pol");

  it("prints a determination citing every criterion, as text or JSON", async () => {
    const text = await pol("eval", policy(), at("case.json"), "--explain");
    expect(text.code).toBe(0);
    expect(text.out).toContain("APPROVED");
    for (const citation of ["[2.a]", "[2.b]", "[2.c]"]) expect(text.out).toContain(citation);
    const json = await pol("eval", policy(), at("case.json"), "--format", "json");
    expect(json.code).toBe(0);
    const determination = JSON.parse(json.out) as { items: { outcome: string; trace: { citation: string }[] }[] };
    expect(determination.items[0]!.outcome).toBe("approved");
    expect(determination.items[0]!.trace.every((entry) => entry.citation.length > 0)).toBe(true);
  });

  it("rejects a malformed case with every error and its JSON path, exit 1", async () => {
    writeFileSync(at("bad.json"), JSON.stringify({ date_of_service: "2025-02-30", items: [{ code: 72148, red_flag: true }] }));
    const { code, err, out } = await pol("eval", policy(), at("bad.json"));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("date_of_service: expected a date `YYYY-MM-DD`, found `2025-02-30`");
    expect(err).toContain("items[0].code:");
    expect(err).toContain("items[0].red_flag: unknown field `red_flag`");
  });

  it("points at the line and column of invalid JSON, exit 1", async () => {
    writeFileSync(at("broken.json"), '{\n  "date_of_service": "2025-03-03",\n}\n');
    const { code, err } = await pol("eval", policy(), at("broken.json"));
    expect(code).toBe(1);
    expect(err).toMatch(/is not valid JSON: .*\(line 3, column 1\)/);
  });

  it("refuses a schema as the policy, and a missing case file is a usage error", async () => {
    const schema = await pol("eval", at("policies/schema.pol"), at("case.json"));
    expect(schema.code).toBe(1);
    expect(schema.err).toContain("is a schema, not a policy");
    const missing = await pol("eval", policy(), at("no-such-case.json"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("cannot read");
  });
});
