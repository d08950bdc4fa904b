// grammar/chevrotain.ts in the browser: the package itself (there is no file system to find its
// single-file build through), without the grammar's definition checks (production mode).
export * from "chevrotain";
export type { CstParser as CstParserType, Lexer as LexerType } from "chevrotain";
export const checkGrammarDefinition = false;
