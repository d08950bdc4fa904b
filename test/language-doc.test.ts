// Every `pol` block of docs/language.md passes the real checker. A block starting with `policy`,
// `schema` or `fhir` is a whole file; any other block is the body of a policy that uses the spine schema
// and declares the names the doc's first example declares (see the note at the top of the doc).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkFile } from "../src/check/checker.js";
import { renderDiagnostic } from "../src/diagnostics.js";

const PRELUDE = `policy doc.example
  title "Example"
  payer "Example"
  number "1"
  version "1"
  effective 2025-01-01

use "../schema/spine.pol"

codes sij_injection "sacroiliac joint injection" = cpt { 27096 64451 G0260 }
let sij_history "prior SIJ injections" = procedures where code in sij_injection
let last_sij "the latest SIJ injection" = latest sij_history

`;

/** Makes a body without rules a valid policy (a policy needs at least one rule). */
const PLACEHOLDER_RULE = `

rule doc_rule "Example rule" [X]
  for sij_injection
  require doc_criterion [X] "example criterion" true
`;

const doc = readFileSync("docs/language.md", "utf8");
const blocks = [...doc.matchAll(/^```pol\n([\s\S]*?)^```$/gm)].map((match) => ({
  source: match[1]!,
  line: doc.slice(0, match.index).split("\n").length,
}));

// Blocks are checked from <scratch>/doc/, so `use "../schema/spine.pol"` finds the real schema.
const scratch = mkdtempSync(join(tmpdir(), "pol-language-doc-"));
writeFileSync(join(scratch, "pol.config.json"), "{}\n"); // the project root, which `use` paths stay inside
mkdirSync(join(scratch, "doc"));
cpSync("policies/schema", join(scratch, "schema"), { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fileOf(source: string): string {
  if (/^(policy|schema|fhir)\b/.test(source)) return source;
  return PRELUDE + source + (/^rule\b/m.test(source) ? "" : PLACEHOLDER_RULE);
}

describe("docs/language.md examples", () => {
  it("has examples of every construct", () => {
    const all = blocks.map((block) => block.source).join("\n");
    for (const construct of ["schema ", "enum ", "record ", "dated by", " to end", "case {", "item {", "codes ", "let ", "rule ", "require ", "deny ", "not covered ", "bundle ", "note ", " where ", " within ", "count ", "some ", "no ", "latest ", "earliest ", "sum ", "coverage of ", "time since ", "time between ", "all(", "any(", " as percent", " in ", " not in ", "other_items", "dos", "expires"]) {
      expect(all, construct).toContain(construct);
    }
  });

  it.each(blocks.map((block) => [`the block at line ${block.line}`, block] as const))("%s checks without errors", (_, block) => {
    const path = join(scratch, "doc", `line-${block.line}.pol`);
    writeFileSync(path, fileOf(block.source));
    const result = checkFile(path);
    // A block shows a construct, not a whole policy: its lets and code sets need no rule using them.
    const shown = result.diagnostics.filter((d) => d.code !== "POL4023" && d.code !== "POL4024");
    const rendered = shown.map((d) => renderDiagnostic(d, result.sources.get(d.span.file) ?? ""));
    expect(rendered).toEqual([]);
    expect(result.policy !== undefined || block.source.startsWith("schema") || result.fhir !== undefined).toBe(true);
  });
});
