// Writes grammar/diagrams.html: railroad diagrams of every production, generated from the
// parser itself so they cannot drift from the grammar. Run with `npm run grammar:diagrams`
// after `npm run build` (this file runs as dist/grammar/diagrams.js).

import { createSyntaxDiagramsCode } from "./chevrotain.js";
import { renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { polParser } from "./parser.js";

/** grammar/ in the source tree, whether run from grammar/ or from dist/grammar/. */
function grammarDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const distGrammar = join("dist", "grammar");
  return here.endsWith(distGrammar) ? resolve(here, "..", "..", "grammar") : here;
}

const target = join(grammarDirectory(), "diagrams.html");
const temporary = `${target}.${process.pid}.tmp`;
// Write then rename, so a reader never sees a half-written file.
writeFileSync(temporary, createSyntaxDiagramsCode(polParser().getSerializedGastProductions()));
renameSync(temporary, target);
console.log(`wrote ${target}`);
