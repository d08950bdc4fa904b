// The playground's bundle runs the compiler in the browser: it imports no Node module, and the
// modules of the pipeline that touch Node are the browser's stand-ins (playground/build.mjs).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
let out: string;
let meta: { inputs: Record<string, { imports: { path: string; external?: boolean }[] }>; outputs: Record<string, { imports: { path: string; external?: boolean }[] }> };

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "pol-playground-"));
  execFileSync(process.execPath, [join(ROOT, "playground/build.mjs"), "--out", out], { cwd: ROOT, stdio: "pipe" });
  meta = JSON.parse(readFileSync(join(out, "meta.json"), "utf8"));
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the playground bundle", () => {
  it("imports no Node module and leaves nothing external", () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((path) => path.startsWith("node:") || /^(fs|path|crypto|module|url|os)$/.test(path))).toEqual([]);
    const external = Object.values(meta.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));
    expect(external).toEqual([]);
  });

  it("carries the compiler through the browser facade, with the Node-only modules swapped", () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain("src/browser.ts");
    expect(inputs).toContain("src/check/checker.ts");
    expect(inputs).toContain("src/interpret/interpreter.ts");
    expect(inputs).toContain("src/generate/modules.ts");
    expect(inputs).toContain("playground/shims/source-files.ts");
    expect(inputs).not.toContain("src/files/source-files.ts");
    expect(inputs).not.toContain("grammar/chevrotain.ts");
    expect(inputs).not.toContain("src/index.ts");
  });
});
