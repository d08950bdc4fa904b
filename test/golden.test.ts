// Golden diagnostics: each test/golden/<CODE>-<name>.pol is checked and its diagnostics rendered
// with renderBaseline into the sibling .errors.txt. Run with UPDATE_BASELINES=1 to accept new
// output (review the diff); every code pol can emit must have a golden that shows it.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/checker.js";
import { catalogue, renderBaseline } from "../src/diagnostics.js";

const goldenDir = fileURLToPath(new URL("./golden/", import.meta.url));
const srcDir = fileURLToPath(new URL("../src/", import.meta.url));
const update = process.env.UPDATE_BASELINES === "1";

/** Codes whose golden cannot show them yet, with the reason; the golden must show `instead`. */
const KNOWN_GAPS: Record<string, { reason: string; instead: string }> = {
  POL4005: {
    reason: "the grammar requires a condition after `require` and reports a syntax error first",
    instead: "POL1002",
  },
};

const goldens = readdirSync(goldenDir)
  .filter((name) => name.endsWith(".pol"))
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
      const gap = KNOWN_GAPS[code];
      if (gap) {
        expect(codes, `${code}: ${gap.reason}; remove it from KNOWN_GAPS once it shows`).not.toContain(code);
        expect(codes).toContain(gap.instead);
      } else {
        expect(codes, `${name} must produce ${code}`).toContain(code);
      }
    });
  }

  it("has a golden for every code emitted in src/, and only for catalogued codes", () => {
    const emitted = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".ts") && entry.name !== "diagnostics.ts") {
          for (const match of readFileSync(path, "utf8").matchAll(/"(POL\d{4})"/g)) emitted.add(match[1]!);
        }
      }
    };
    walk(srcDir);
    expect(emitted.size).toBeGreaterThan(30);
    const covered = new Set(goldens.map((name) => name.slice(0, "POLdddd".length)));
    expect([...emitted].filter((code) => !covered.has(code)).sort()).toEqual([]);
    expect([...covered].filter((code) => !(code in catalogue))).toEqual([]);
  });
});
