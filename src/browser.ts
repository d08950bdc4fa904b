// The pol library for the browser (the playground): the pipeline from source text to a
// determination and to generated TypeScript, with no file system. A source's `use`d files come
// through the `FileHost` given to `checkSource`, with `root` in its options. Like src/index.ts,
// this is a facade: the playground imports this module only. Its bundle swaps the few modules that
// reach Node (src/files/source-files.ts, `node:path`, `node:crypto`, grammar/chevrotain.ts) for
// browser ones (playground/build.mjs); a test checks the bundle imports no `node:` module.

export type * from "./ast.js";
export { renderDiagnostic, sortDiagnostics, type Diagnostic, type Severity } from "./diagnostics.js";
export { CASE_RECORD, ITEM_RECORD, type CheckedPolicy, type Type } from "./model.js";
export { parse } from "./syntax/parse.js";
export { checkSource, type CheckResult, type FileHost, type ProgramAnalysis } from "./check/checker.js";
export { typeName } from "./check/format.js";
export { keywordSpellings, polLexer } from "../grammar/lexer.js";
export { evaluateCase, policyInfo } from "./interpret/interpreter.js";
export { generateModules } from "./generate/modules.js";
export { renderText } from "./tools/report/text.js";
export { renderJson } from "./tools/report/json.js";
