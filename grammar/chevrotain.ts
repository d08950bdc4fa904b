// Chevrotain, loaded from the single bundled file the package ships (lib/chevrotain.mjs) rather
// than its package entry. The entry (lib/src/api.js) imports lodash-es function by function:
// about 640 modules, most of a cold `pol check`'s start-up. The bundle is the same code in one
// module. The package's `exports` map names only the entry, so the bundle's path is found from
// the entry's; should a future version not ship it, the entry is used instead.
//
// Every value pol takes from Chevrotain comes through here, so one copy of it is ever loaded
// (token types and `EOF` are compared by identity). Types still come from "chevrotain".

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

/** The URL of the package's bundled ESM file, or undefined when it cannot be found (also used by
 *  scripts/bundle-cli.mjs, which puts that file into the CLI's check bundle). */
export function bundledChevrotain(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve("chevrotain");
    for (let dir = dirname(entry); ; dir = dirname(dir)) {
      const manifest = join(dir, "package.json");
      if (existsSync(manifest)) {
        const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
        if (name === "chevrotain") {
          const bundle = join(dir, "lib", "chevrotain.mjs");
          return existsSync(bundle) ? pathToFileURL(bundle).href : undefined;
        }
      }
      if (dirname(dir) === dir) return undefined;
    }
  } catch {
    return undefined;
  }
}

const chevrotain = (await import(bundledChevrotain() ?? "chevrotain")) as typeof Chevrotain;

export const { createToken, CstParser, EOF, Lexer, createSyntaxDiagramsCode, generateCstDts, getLookaheadPaths, LLkLookaheadStrategy, VERSION, Rule, NonTerminal, Alternative, Option, RepetitionMandatory, RepetitionMandatoryWithSeparator, Repetition, RepetitionWithSeparator, Alternation, Terminal } = chevrotain;
export type CstParser = Chevrotain.CstParser;
export type Lexer = Chevrotain.Lexer;

/**
 * Whether the lexer and parser run Chevrotain's definition checks when they are built (empty or
 * ambiguous patterns, ambiguous alternatives, left recursion). They only find mistakes in the
 * grammar itself, never in the input, and cost a good part of start-up, so, as Chevrotain
 * recommends, they are skipped in production and kept in development: under the test runner
 * (vitest sets VITEST), or with POL_GRAMMAR_CHECKS=1.
 */
export const checkGrammarDefinition = process.env.VITEST !== undefined || process.env.POL_GRAMMAR_CHECKS === "1";
