// The core of the library facade: everything from source text to checked files on disk, and
// nothing that only evaluating, generating or the tools need. src/index.ts, the facade, re-exports
// this module whole; the commands that only check (`pol check`, and the CLI's own start-up) import
// it alone, so that they do not load the code generator, the interpreter, the runtime or the
// tools (test/cold-start.test.ts checks what a `pol check` loads). Like the facade, it is one of
// the two modules the tools and the CLI may import (test/layout.test.ts).
//
//   syntax -> check, and the pipeline over files on disk (check paths, configuration, files)

// ---------------------------------------------------------------------------------------------
// The vocabulary every stage shares: the AST (syntax's output), diagnostics (syntax's and
// check's), the checked model (check's output) and the lowered form both evaluators read.

export type * from "./ast.js";
export type { Determination, ItemDetermination, Outcome } from "@pol/runtime";
export {
  catalogue,
  diagnostic,
  diagnosticsToJson,
  diagnosticToJson,
  renderDiagnostic,
  renderDiagnostics,
  hasErrors,
  sortDiagnostics,
  summaryLine,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from "./diagnostics.js";
export {
  CASE_RECORD,
  ITEM_RECORD,
  type Binding,
  type CheckedCriterion,
  type CheckedPolicy,
  type CheckedRule,
  type EnumModel,
  type FhirBindings,
  type FhirBlock,
  type FhirFieldBinding,
  type FhirValueKind,
  type FieldModel,
  type PolicyMetadata,
  type RecordModel,
  type SchemaModel,
  type Type,
} from "./model.js";
export type {
  CalendarUnit,
  Chain,
  CompareOperator,
  Expr,
  ExprKind,
  Filter,
  LoweredCodeSet,
  LoweredCriterion,
  LoweredPolicy,
  LoweredRule,
  LoweredWindow,
} from "./lower/ir.js";

// ---------------------------------------------------------------------------------------------
// The pipeline up to a checked program.

/** syntax: source text -> AST, or syntax diagnostics. */
export { parse, type ParseResult } from "./syntax/parse.js";
/** check: a file and everything it `use`s -> CheckedPolicy, or diagnostics. */
export {
  checkFile,
  checkSource,
  nodeFileHost,
  type CheckResult,
  type FileHost,
  type ProgramAnalysis,
} from "./check/checker.js";
export { typeName } from "./check/format.js";
/** FHIR bindings (`fhir` files): the code systems, the FHIRPath engine with its R4 model. */
export { FHIR_CODE_SYSTEMS, FHIRPATH_SYSTEM_VARIABLES, isFhirResourceType } from "./check/fhir-bindings.js";
export { fhirpathEngine, type FhirpathEngine, type FhirpathItem } from "./check/fhirpath-engine.js";
/** The lexer, for tools that need the tokens themselves (highlighting, completion). */
export { keywordSpellings, polLexer } from "../grammar/lexer.js";
// ---------------------------------------------------------------------------------------------
// The pipeline over files on disk: what the commands run (compiling is in src/index.ts).

export {
  checkedPolicies,
  checkPaths,
  diagnosticReport,
  loadPolicy,
  type CheckedFiles,
  type DiagnosticFormat,
  type PolicyLoad,
} from "./project/check-paths.js";
export { readJsonFile, type JsonRead } from "./project/json-files.js";
export { defaultFhirBindingsPath, loadFhirBindings, type FhirBindingsLoad } from "./project/fhir.js";
export { CONFIG_DEFAULTS, CONFIG_FILE, findConfig, loadConfig, type ConfigLoad, type PolConfig } from "./project/config.js";
export { diagnosticsToGithub, diagnosticsToSarif, escapeData, escapeProperty } from "./project/diagnostic-formats.js";
export { polPackageRoot, polVersion } from "./project/version.js";
export { initProject, initTemplate, type InitResult } from "./project/init.js";

// Files: reading sources within limits, naming paths, writing files and folders atomically.
export { collectFiles, displayPath, requireFile, UsageError } from "./files/paths.js";
export {
  describeFileSystemFailure,
  FileSystemError,
  isFileSystemFailure,
  MAX_FILE_BYTES,
  readTextFile,
  type FileRead,
} from "./files/source-files.js";
export { jsonErrorMessage } from "./files/json-text.js";
export { removeStrayTemporaryFiles, strayTemporaryFiles, writeFilesInPlace } from "./files/in-place-writes.js";

