// The pol library: the one entry point of the compiler for the tools around it (src/tools/), the
// CLI (src/cli/) and any program that embeds pol. Tools and commands import this module (or its
// core, src/core.ts, which it re-exports), never a stage's files (test/layout.test.ts enforces
// it), so a stage can be reorganised behind it without touching them. docs/architecture.md draws
// the pipeline these exports follow:
//
//   syntax -> check -> lower -> evaluators (interpret, generate)
//
// Tools use what this module exports only inside their functions: the module re-exports the
// tools too, so a tool that read one of these bindings while it was being loaded would meet it
// uninitialised.

// ---------------------------------------------------------------------------------------------
// The vocabulary, the pipeline up to a checked program and the pipeline over files on disk: the
// facade's core (src/core.ts), which commands that only check import on its own.

export * from "./core.js";

// ---------------------------------------------------------------------------------------------
// The rest of the pipeline: lowering, the evaluators, generating, compiling files.

/** lower: CheckedPolicy -> LoweredPolicy, the form both evaluators read. */
export { lower } from "./lower/lower.js";
/** interpret: evaluate a case directly from the lowered form. */
export { evaluateCase, interpret, policyInfo } from "./interpret/interpreter.js";
export { schemaDescriptor } from "./schema-descriptor.js";
/** generate: TypeScript modules (a schema module and a policy module) importing @pol/runtime. */
export {
  generateModules,
  generatePolicyModule,
  generateSchemaModule,
  ModuleConflict,
  moduleName,
} from "./generate/modules.js";
export { writeLoadableModules } from "./generate/loadable.js";
/** JSON Schema (draft 2020-12) of a policy's cases and test files; the index module; JavaScript output. */
export {
  caseJsonSchema,
  generateJsonSchemas,
  ISO_DATE_PATTERN,
  jsonSchemaFiles,
  testFileJsonSchema,
  type CaseSchemaOptions,
} from "./generate/json-schema.js";
export { indexModuleSource, INDEX_MODULE } from "./generate/index-module.js";
export { toJavaScript, type ModuleFormat } from "./generate/javascript.js";
export { runtimeEntryUrl } from "./runtime-package.js";

export { compileOutputs, outputProblems, writeCompiled, type CompileOptions } from "./project/compile.js";

// ---------------------------------------------------------------------------------------------
// The tools around the compiler.

/**
 * format: the prettier plugin's printer, and `pol fmt` over files. Loaded on first use, like
 * prettier itself, so commands that never format (`pol check`) do not pay for loading it.
 */
export type { FormatFailure, FormattedFiles } from "./tools/format/files.js";

export async function formatPol(source: string, fileName?: string): Promise<string> {
  return (await import("./tools/format/prettier-plugin.js")).formatPol(source, fileName);
}

export async function formatFiles(files: readonly string[]): Promise<import("./tools/format/files.js").FormattedFiles> {
  return (await import("./tools/format/files.js")).formatFiles(files);
}
/** lsp: the language server over stdio (`pol lsp`), loaded on first use like the formatter. */
export async function startLanguageServer(): Promise<void> {
  (await import("./tools/lsp/server.js")).startLanguageServer();
}
/** report: a determination as a reviewer's letter or as JSON. */
export { renderText } from "./tools/report/text.js";
export { renderJson, renderJsonLine } from "./tools/report/json.js";
/** batch evaluation: NDJSON cases through the compiled evaluator on worker threads (`pol eval`). */
export {
  defaultJobs,
  evaluateBatch,
  MAX_LINE_CHARS,
  type BatchOptions,
  type BatchOutput,
  type BatchRun,
} from "./tools/batch/batch.js";
export { renderSummary, summaryJson, type BatchSummary } from "./tools/batch/summary.js";
export { ProgressLine } from "./tools/batch/progress.js";
/** FHIR: a bundle read into a case through checked bindings (`pol eval --fhir`). */
export { readFhirCase, type FhirCaseRead, type FhirFactSource, type FhirProblem, type FhirProblemKind } from "./tools/fhir/bindings/read.js";
export { BUNDLE_LIMITS } from "./tools/fhir/bindings/bundle.js";
export { fhirJson, fhirJsonText, fhirLine, renderFhirText } from "./tools/fhir/bindings/output.js";
/** policy tests: run `*.test.json` files against both evaluators, with criterion coverage. */
export { CompiledEvaluators } from "./tools/policy-test/compiled.js";
export { findTestFiles, TEST_FILE_SUFFIX } from "./tools/policy-test/test-file.js";
export { runSuite, suiteTotals, type PolicyErrors, type SuiteOptions, type SuiteResult } from "./tools/policy-test/suite.js";
export { suiteJson } from "./tools/policy-test/json.js";
export { suiteJunit } from "./tools/policy-test/junit.js";
export { formatPercent, renderCoverage, renderFailedTest, renderFailure, renderUncovered } from "./tools/policy-test/render.js";
/** versions: `pol diff` (structural and semantic, with counterexample cases) and `pol verify`. */
export { diffVersions, DEFAULT_SEMANTIC, verify, type DiffOptions, type DiffReport } from "./tools/versions/diff.js";
export {
  renderDiffJson,
  renderDiffText,
  renderReplayJson,
  renderReplayText,
  renderVerifyJson,
  renderVerifyText,
} from "./tools/versions/render.js";
export type { VerifyReport } from "./tools/versions/verify.js";
export { replayCases, type ReplayReport } from "./tools/versions/replay.js";
export { SolverDisagreement } from "./tools/versions/confirm.js";
/** Da Vinci answers: CRD coverage information, the DTR questionnaire and its response, the PAS ClaimResponse. */
export {
  COVERAGE_INFORMATION_URL,
  coverageAssertion,
  coverageInformation,
  coverageInformationAll,
  type CoverageAssertion,
  type CoverageInformationOptions,
} from "./tools/fhir/davinci/coverage-information.js";
export {
  neededFacts,
  questionnaireFor,
  questionnaireUrl,
  type Questionnaire,
  type QuestionnaireItem,
  type QuestionnaireOptions,
} from "./tools/fhir/davinci/questionnaire.js";
export { applyQuestionnaireResponse, type AnswerError, type ResponseMerge } from "./tools/fhir/davinci/response.js";
export { claimResponseFor, type ClaimResponse, type ClaimResponseOptions } from "./tools/fhir/davinci/claim-response.js";
export type { Extension as FhirExtension, Reference as FhirReference, Resource as FhirResource } from "./tools/fhir/davinci/fhir-types.js";
export { ANSWER_FORMATS, parseReference, referencesIn, renderAnswer, type AnswerFormat, type AnswerOptions } from "./tools/fhir/davinci/answers.js";
/** serve: the CRD service (CDS Hooks `order-select`, `order-sign`) over HTTP, `pol serve`. */
export { startServer, type RunningServer, type ServeOptions } from "./tools/serve/server.js";
export { CoverageService, type CaseRead, type CaseReader, type HookReply, type HookResponse, type ServedPolicy } from "./tools/serve/service.js";
export { ORDER_HOOKS, PREFETCH, type OrderHook } from "./tools/serve/hooks.js";
export { hookRequestFromBundle, type HookRequestOptions } from "./tools/serve/requests.js";
