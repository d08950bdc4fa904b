// grammar/cst.d.ts, the CST types the AST builder reads, is generated from the parser: the
// committed file must be what `npm run grammar:cst` writes for the current grammar.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cstTypes } from "../grammar/cst-types.js";

describe("grammar/cst.d.ts", () => {
  it("is up to date with grammar/parser.ts (run `npm run build && npm run grammar:cst`)", () => {
    const committed = readFileSync(join(import.meta.dirname, "..", "grammar", "cst.d.ts"), "utf8");
    expect(committed).toBe(cstTypes());
  });

  it("types every rule of the parser", () => {
    const committed = readFileSync(join(import.meta.dirname, "..", "grammar", "cst.d.ts"), "utf8");
    for (const rule of ["file", "criterion", "expression", "orExpression", "typeRef", "codeSetDecl"]) {
      expect(committed).toContain(`name: "${rule}";`);
    }
  });
});
