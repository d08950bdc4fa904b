// The parser's self-analysis and the tokens' first characters, recorded by the build
// (grammar/self-analysis.ts, grammar/lexer-starts.ts). Here there are none, and Chevrotain
// analyses the parser and the lexer; the check bundle replaces this module with what the build
// recorded from the same grammar (scripts/bundle-cli.mjs).

import type { LexerStarts } from "./lexer-starts.js";
import type { SelfAnalysis } from "./self-analysis.js";

export const recordedAnalysis: SelfAnalysis | undefined = undefined;
export const recordedLexerStarts: LexerStarts | undefined = undefined;
