// docs/diagnostics.md documents every code of the catalogue, with the message pol prints today:
// it is regenerated here from the TypeScript sources and must equal the committed file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/check/checker.js";
import { loadConfig } from "../src/project/config.js";
import { catalogue, renderDiagnostic } from "../src/diagnostics.js";
// @ts-expect-error: a plain ES module script without type declarations
import { diagnosticsDoc, DOC_PATH } from "../scripts/diagnostics-doc.mjs";

const doc = readFileSync("docs/diagnostics.md", "utf8");

describe("docs/diagnostics.md", () => {
  it("has a section for every catalogue code, with its summary", () => {
    const headings = [...doc.matchAll(/^### (POL\d{4}): (.*)$/gm)].map((m) => [m[1], m[2]]);
    const expected = Object.entries(catalogue).map(([code, entry]) => [
      code,
      "retired" in entry ? `${entry.summary} (retired)` : entry.summary,
    ]);
    expect(headings).toEqual(expected);
  });

  it("shows the message template of every code, and an example for every code but internal ones", () => {
    const sections = doc.split(/^### /m).slice(1);
    expect(sections.length).toBe(Object.keys(catalogue).length);
    for (const section of sections) {
      const code = section.slice(0, 7) as keyof typeof catalogue;
      expect(section, code).toContain(`- message: ${catalogue[code].message}\n`);
      if ("internal" in catalogue[code]) expect(section, code).toContain("No example");
      else expect(section, code).toMatch(/```text\n(error|warning)\[POL\d{4}\]: .+\n/);
    }
  });

  it("is what scripts/diagnostics-doc.mjs generates (run it after changing the catalogue)", () => {
    expect(DOC_PATH).toBe("docs/diagnostics.md");
    expect(doc).toBe(diagnosticsDoc({ catalogue, checkFile, renderDiagnostic, loadConfig }));
  });
});
