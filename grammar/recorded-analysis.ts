// The parser's self-analysis recorded by the build (grammar/self-analysis.ts). Here there is none,
// and the parser is analysed by Chevrotain; the check bundle replaces this module with the
// analysis the build recorded from the same grammar (scripts/bundle-cli.mjs).

import type { SelfAnalysis } from "./self-analysis.js";

export const recordedAnalysis: SelfAnalysis | undefined = undefined;
