// Writes grammar/cst.d.ts: the TypeScript types of the CST the parser builds, one interface per
// rule with its children by name, generated from the parser itself (Chevrotain's generateCstDts)
// so they cannot drift from the grammar. The AST builder (src/syntax/) reads the CST through
// them. Run with `npm run grammar:cst` after changing grammar/parser.ts; test/grammar.test.ts
// fails while the committed file is out of date.

// From the same Chevrotain module the parser is built with: the grammar it walks is made of that
// module's classes.
import { generateCstDts } from "./chevrotain.js";
import { renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { polParser } from "./parser.js";

/** The text of grammar/cst.d.ts for the current grammar. */
export function cstTypes(): string {
  const header = [
    "// Generated from grammar/parser.ts by `npm run grammar:cst` (grammar/cst-types.ts): do not edit.",
    "// The CST of every rule, children by name; a child the rule may skip is optional.",
    "",
    "",
  ].join("\n");
  return header + generateCstDts(polParser().getGAstProductions(), { includeVisitorInterface: false });
}

/** grammar/ in the source tree, whether run from grammar/ or from dist/grammar/. */
function grammarDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const distGrammar = join("dist", "grammar");
  return here.endsWith(distGrammar) ? resolve(here, "..", "..", "grammar") : here;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = join(grammarDirectory(), "cst.d.ts");
  const temporary = `${target}.${process.pid}.tmp`;
  // Write then rename, so a reader never sees a half-written file.
  writeFileSync(temporary, cstTypes());
  renameSync(temporary, target);
  console.log(`wrote ${target}`);
}
