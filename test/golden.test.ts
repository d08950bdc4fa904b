// Golden diagnostics: each test/golden/<CODE>-<name>.pol is checked and its diagnostics rendered
// with renderBaseline into the sibling .errors.txt. Run with UPDATE_BASELINES=1 to accept new
// output (review the diff); every code pol can emit must have a golden that shows it.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/check/checker.js";
import { catalogue, renderBaseline } from "../src/diagnostics.js";
import { loadConfig } from "../src/project/config.js";

const goldenDir = fileURLToPath(new URL("./golden/", import.meta.url));
const srcDir = fileURLToPath(new URL("../src/", import.meta.url));
const update = process.env.UPDATE_BASELINES === "1";

type Entry = { retired?: string; internal?: true };
const entries = catalogue as Record<string, Entry>;

const goldens = readdirSync(goldenDir)
  .filter((name) => name.endsWith(".pol"))
  .sort();
// Mistakes in `pol.config.json`: each test/golden/config/<CODE>-<name>.json is read as one.
const configDir = join(goldenDir, "config");
const configGoldens = readdirSync(configDir)
  .filter((name) => /^POL\d{4}-.*\.json$/.test(name))
  .sort();

function display(path: string): string {
  return relative(process.cwd(), path).split(sep).join("/");
}

describe("golden diagnostics", () => {
  for (const name of goldens) {
    it(name, () => {
      const path = join(goldenDir, name);
      const file = display(path);
      const result = checkFile(file);
      const own = result.diagnostics.filter((d) => d.span.file === file);
      const baseline = renderBaseline(readFileSync(path, "utf8"), own);
      const baselinePath = path.replace(/\.pol$/, ".errors.txt");
      if (update) writeFileSync(baselinePath, baseline);
      else {
        expect(existsSync(baselinePath), `${baselinePath} is missing: run with UPDATE_BASELINES=1`).toBe(true);
        expect(baseline).toBe(readFileSync(baselinePath, "utf8"));
      }
      const code = name.slice(0, "POLdddd".length);
      const codes = own.map((d) => d.code as string);
      const retired = entries[code]?.retired;
      if (retired !== undefined) {
        // The golden of a retired code shows what pol reports for that mistake now.
        expect(codes, `${code} is retired (${retired})`).not.toContain(code);
        expect(codes.length, `${name} must still report the mistake`).toBeGreaterThan(0);
      } else {
        expect(codes, `${name} must produce ${code}`).toContain(code);
      }
    });
  }

  for (const name of configGoldens) {
    it(`config/${name}`, () => {
      const path = join(configDir, name);
      const load = loadConfig(display(path));
      const diagnostics = load.ok ? [] : load.diagnostics;
      const baseline = renderBaseline(readFileSync(path, "utf8"), diagnostics);
      const baselinePath = path.replace(/\.json$/, ".errors.txt");
      if (update) writeFileSync(baselinePath, baseline);
      else {
        expect(existsSync(baselinePath), `${baselinePath} is missing: run with UPDATE_BASELINES=1`).toBe(true);
        expect(baseline).toBe(readFileSync(baselinePath, "utf8"));
      }
      expect(diagnostics.map((d) => d.code as string), `${name} must produce its code`).toContain(name.slice(0, "POLdddd".length));
    });
  }

  it("shows every catalogue code in a golden (retired and internal codes excepted)", () => {
    const shown = new Set<string>();
    for (const name of goldens) {
      const text = readFileSync(join(goldenDir, name.replace(/\.pol$/, ".errors.txt")), "utf8");
      for (const match of text.matchAll(/^!!! (POL\d{4}):/gm)) shown.add(match[1]!);
    }
    for (const name of configGoldens) {
      const text = readFileSync(join(configDir, name.replace(/\.json$/, ".errors.txt")), "utf8");
      for (const match of text.matchAll(/^!!! (POL\d{4}):/gm)) shown.add(match[1]!);
    }
    // The policy analysis' codes (pol diff, pol verify) have their goldens in analysis/
    // (test/analysis-golden.test.ts).
    const analysisDir = join(goldenDir, "analysis");
    for (const name of readdirSync(analysisDir).filter((n) => n.endsWith(".errors.txt"))) {
      const text = readFileSync(join(analysisDir, name), "utf8");
      for (const match of text.matchAll(/^!!! (POL\d{4}):/gm)) shown.add(match[1]!);
    }
    const expected = Object.entries(entries)
      .filter(([, entry]) => entry.retired === undefined && entry.internal === undefined)
      .map(([code]) => code);
    expect(expected.length).toBeGreaterThan(60);
    expect(expected.filter((code) => !shown.has(code))).toEqual([]);
    const covered = new Set([...goldens, ...configGoldens].map((name) => name.slice(0, "POLdddd".length)));
    expect([...covered].filter((code) => !(code in catalogue))).toEqual([]);
  });

  it("emits every live code somewhere in src/, and no retired code", () => {
    const emitted = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".ts") && path !== join(srcDir, "diagnostics.ts")) {
          for (const match of readFileSync(path, "utf8").matchAll(/"(POL\d{4})"/g)) emitted.add(match[1]!);
        }
      }
    };
    walk(srcDir);
    const live = Object.keys(entries).filter((code) => entries[code]!.retired === undefined);
    expect(live.filter((code) => !emitted.has(code))).toEqual([]);
    expect([...emitted].filter((code) => !live.includes(code)).sort()).toEqual([]);
  });
});
