// The characters each token can start with, as data. Chevrotain's lexer tries at each position
// only the patterns that can start with the character there; to know which, building the lexer
// parses every token's regular expression (the largest part of building it, with the parser's
// analysis restored). That depends only on the patterns, so the build records it from a lexer
// Chevrotain analysed (scripts/bundle-cli.mjs, into the check bundle), and the bundle hands it back
// as the tokens' `start_chars_hint`, Chevrotain's own option for first characters it cannot or
// need not work out. A token whose pattern is not the one recorded is analysed as before.
// test/lexer-starts.test.ts compares the two lexers.

import type { TokenType } from "chevrotain";
import type { Lexer } from "./chevrotain.js";

/** For each token with a regular expression, its pattern and the first characters it can match,
 *  as Chevrotain's lexer groups them (the codes below 256 themselves, above by ranges of 255). */
export type LexerStarts = Record<string, { pattern: string; starts: number[] }>;

interface PatternConfig {
  tokenType: TokenType;
}

/** Chevrotain's lexer, as far as its analysis is read (kept off its typings). */
interface AnalysedLexer {
  charCodeToPatternIdxToConfig: Record<string, (PatternConfig[] | undefined)[]>;
  canModeBeOptimized: Record<string, boolean>;
}

function patternOf(token: TokenType): string | undefined {
  return token.PATTERN instanceof RegExp ? token.PATTERN.toString() : undefined;
}

/**
 * What `lexer` (built without recorded starts) found each token of `tokens` can start with, from
 * the modes it groups by first character. A mode it cannot group (a token whose first characters
 * Chevrotain cannot work out) is left out: that token appears in no mode that groups (else that
 * mode could not group either), so it gets no hint and its modes stay as they are.
 */
export function recordLexerStarts(lexer: Lexer, tokens: TokenType[]): LexerStarts {
  const analysed = lexer as unknown as AnalysedLexer;
  const starts = new Map<TokenType, Set<number>>();
  for (const [mode, byStart] of Object.entries(analysed.charCodeToPatternIdxToConfig)) {
    if (analysed.canModeBeOptimized[mode] !== true) continue;
    byStart.forEach((configs, start) => {
      for (const config of configs ?? []) {
        if (!starts.has(config.tokenType)) starts.set(config.tokenType, new Set());
        starts.get(config.tokenType)!.add(start);
      }
    });
  }
  const recorded: LexerStarts = {};
  for (const token of tokens) {
    const pattern = patternOf(token);
    const found = starts.get(token);
    if (pattern === undefined || token.START_CHARS_HINT !== undefined || found === undefined) continue;
    recorded[token.name] = { pattern, starts: [...found].sort((a, b) => a - b) };
  }
  return recorded;
}

/**
 * Gives each of `tokens` whose pattern is the one recorded the first characters recorded for it,
 * as `start_chars_hint`: one character code for each group (Chevrotain puts the code c above 255
 * in group 255 + floor(c / 255): the smallest code above 255 in a group stands for it).
 */
export function applyLexerStarts(tokens: TokenType[], recorded: LexerStarts): void {
  for (const token of tokens) {
    const entry = Object.hasOwn(recorded, token.name) ? recorded[token.name] : undefined;
    if (entry === undefined || token.START_CHARS_HINT !== undefined || patternOf(token) !== entry.pattern) continue;
    token.START_CHARS_HINT = entry.starts.map((start) => (start < 256 ? start : Math.max(256, (start - 255) * 255)));
  }
}
