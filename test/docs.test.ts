// docs/diagnostics.md documents every code of the catalogue, with the message pol prints today:
// it is regenerated here from the TypeScript sources and must equal the committed file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/checker.js";
import { catalogue, renderDiagnostic } from "../src/diagnostics.js";
// @ts-expect-error: a plain ES module script without type declarations
import { diagnosticsDoc, DOC_PATH } from "../scripts/diagnostics-doc.mjs";

const doc = readFileSync("docs/diagnostics.md", "utf8");

describe("docs/diagnostics.md", () => {
  it("has a section for every catalogue code, with its summary", () => {
    const headings = [...doc.matchAll(/^### (POL\d{4}): (.*)$/gm)].map((m) => [m[1], m[2]]);
    const expected = Object.entries(catalogue).map(([code, entry]) => [code, entry.summary]);
    expect(headings).toEqual(expected);
  });

  it("shows an example message for every code", () => {
    const sections = doc.split(/^### /m).slice(1);
    for (const section of sections) {
      const code = section.slice(0, 7);
      expect(section, code).toMatch(/```text\nerror\[POL\d{4}\]: .+\n/);
    }
  });

  it("is what scripts/diagnostics-doc.mjs generates (run it after changing the catalogue)", () => {
    expect(DOC_PATH).toBe("docs/diagnostics.md");
    expect(doc).toBe(diagnosticsDoc({ catalogue, checkFile, renderDiagnostic }));
  });
});
