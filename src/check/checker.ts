// The checker: loads a file and everything it uses, resolves names, checks types and units and
// the policy's structure, and produces the CheckedPolicy the interpreter and code generator run.

import type { Expression, FieldAccess, LetDecl, NameRef, PolicyHeader, RuleDecl, SourceFile, CodeSetDecl } from "../ast.js";
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import type { Binding, CheckedPolicy, CheckedRule, FhirBindings, FieldModel, SchemaFile, SchemaModel, Type } from "../model.js";
import { loadFhirBase, type BaseCheck } from "./fhir-base.js";
import { checkFhirBindings, misplacedReads } from "./fhir-bindings.js";
import { Facts } from "./facts.js";
import { Excerpts } from "./format.js";
import { sourceHash } from "./hash.js";
import { loadProgram, type FileHost, type LoadedProgram, type LoadOptions, type RunCache } from "./loader.js";
import { nodeFileHost } from "../files/source-files.js";
import { buildEnvironment } from "./schema.js";
import { schemaBaseOf } from "./schema-base.js";
import { checkAsOf, checkHeader, checkRules, headerIdSpan } from "./structure.js";
import { checkModuleNames, type NamedPolicy } from "./module-names.js";
import { ExpressionChecker } from "./types.js";
import { Warnings } from "./warnings.js";

export { RunCache, type FileHost } from "./loader.js";
export { nodeFileHost };

/** A `use` that was not followed: the declarations of that file are missing. */
const UNREAD_FILE_CODES = new Set<string>(["POL2006", "POL2019", "POL2020"]);

export interface CheckResult {
  /** Sorted; every error of every file involved. */
  diagnostics: Diagnostic[];
  /** Present when the file is a policy and there are no errors (warnings allowed). */
  policy?: CheckedPolicy;
  /** Present when the file is a `fhir` file of bindings and there are no errors. */
  fhir?: FhirBindings;
  /** Display path -> text of every file read, for rendering code frames. */
  sources: Map<string, string>;
  /** What the checker learned, errors or not, once every file of the program parsed: for
   *  editors, which answer hover, definition and completion while a policy has errors. */
  analysis?: ProgramAnalysis;
}

/** The program as the checker saw it. Lookups answer undefined for what was never checked. */
export interface ProgramAnalysis {
  /** Main file first, then used files depth-first in `use` order. */
  files: { display: string; hostPath: string; ast: SourceFile }[];
  schema: SchemaModel;
  codeSets: ReadonlyMap<string, CodeSetDecl>;
  lets: ReadonlyMap<string, LetDecl>;
  typeOf(expression: Expression): Type | undefined;
  resolve(name: NameRef): Binding | undefined;
  fieldOf(access: FieldAccess): { record: string; field: FieldModel } | undefined;
}

export function checkFile(path: string, host: FileHost = nodeFileHost, options: LoadOptions = {}): CheckResult {
  return check(loadProgram(path, host, undefined, options), host, [], options.run);
}

/** Check `source` as if it were the file at `path`; its `use`s are read through `host`. */
export function checkSource(source: string, path: string, host: FileHost = nodeFileHost, options: LoadOptions = {}): CheckResult {
  return check(loadProgram(path, host, source, options), host, [], options.run);
}

/**
 * `chain`: the binding files that extend this one (host paths), when it is checked as a base.
 * A binding file with no base of its own is checked once per run: checking it does not read the
 * chain, and it is checked again for every file that extends it.
 */
function check(program: LoadedProgram, host: FileHost, chain: readonly string[], run: RunCache | undefined): CheckResult {
  const header = program.main?.ast?.header;
  if (run === undefined || header?.kind !== "FhirHeader" || header.base !== undefined) return checkProgram(program, host, chain, run);
  const key = `${program.main!.hostPath}\u0000${program.root}\u0000${program.main!.text}`;
  let result = run.bindings.get(key);
  if (result === undefined) {
    result = checkProgram(program, host, chain, run);
    run.bindings.set(key, result);
  }
  return result;
}

function checkProgram(program: LoadedProgram, host: FileHost, chain: readonly string[], run: RunCache | undefined): CheckResult {
  const diagnostics = [...program.diagnostics];
  const sources = new Map(program.files.map((file) => [file.display, file.text]));
  let analysis: ProgramAnalysis | undefined;
  let fhir: FhirBindings | undefined;
  const finish = (policy?: CheckedPolicy): CheckResult => {
    const sorted = sortDiagnostics(diagnostics);
    const result: CheckResult = policy && !hasErrors(sorted) ? { diagnostics: sorted, policy, sources } : { diagnostics: sorted, sources };
    if (fhir && !hasErrors(sorted)) result.fhir = fhir;
    if (analysis) result.analysis = analysis;
    return result;
  };
  const main = program.main?.ast;
  // Without every file's declarations, names would fail to resolve for reasons already reported.
  const incomplete =
    program.files.some((file) => !file.ast || file.ast.recovered?.schema === true) ||
    diagnostics.some((d) => UNREAD_FILE_CODES.has(d.code));
  if (!main || incomplete) return finish();

  const files = program.declarationOrder.map((file) => file.ast!);
  const env = buildEnvironment(files, diagnostics);
  const facts = new Facts();
  const expressions = new ExpressionChecker(env, facts, diagnostics, new Excerpts(sources));
  const ruleDecls = new Map<string, RuleDecl>();
  for (const file of files) for (const decl of file.declarations) if (decl.kind === "RuleDecl") ruleDecls.set(decl.id.name, decl);
  expressions.rules = ruleDecls;
  analysis = {
    files: program.files.map((file) => ({ display: file.display, hostPath: file.hostPath, ast: file.ast! })),
    schema: env.schema,
    codeSets: env.codeSets,
    lets: env.lets,
    typeOf: (expression) => facts.types.get(expression),
    resolve: (name) => facts.bindings.get(name),
    fieldOf: (access) => facts.fields.get(access),
  };
  for (const { record, field, expression } of env.computed) expressions.checkComputedField(record, field, expression);
  expressions.checkComputedCycles();
  expressions.checkLets();

  let mainRules: CheckedRule[] = [];
  const policyIds: NamedPolicy[] = [];
  for (const file of files) {
    const rules = checkRules(file, expressions, diagnostics);
    if (file === main) mainRules = rules;
    if (file.header.kind === "PolicyHeader") {
      policyIds.push({ id: checkPolicyFile(file.header, rules, diagnostics, file.recovered !== undefined), span: headerIdSpan(file.header) });
    }
  }
  checkModuleNames(policyIds, diagnostics);
  checkAsOf(ruleDecls, env.lets, facts, diagnostics);
  const warnings = new Warnings(facts, new Excerpts(sources), sources, diagnostics);
  for (const file of files) if (file.header.kind === "PolicyHeader") warnings.checkPolicyFile(file);
  for (const file of files) misplacedReads(file, diagnostics);
  if (main.header.kind === "FhirHeader") {
    const schema = schemaOf(program, main.header.name.name);
    const checkBase = (path: string, extending: readonly string[]): BaseCheck => {
      const result = check(loadProgram(path, host, undefined, { root: program.root, ...(run ? { run } : {}) }), host, extending, run);
      const kind = result.analysis?.files[0]?.ast.header.kind;
      return { ...result, ...(kind ? { header: kind === "FhirHeader" ? "fhir" : kind === "SchemaHeader" ? "schema" : "policy" } : {}) };
    };
    const base = loadFhirBase(main.header, program, host, chain, checkBase, diagnostics, sources);
    fhir = checkFhirBindings(
      {
        file: main,
        schema: env.schema,
        hasSchema: env.hasSchema,
        source: program.main!.rootPath,
        schemaSource: schema.schemaSource,
        ...(base ? { base, programFiles: program.files.map((file) => file.rootPath) } : {}),
      },
      diagnostics,
    );
    return finish();
  }
  if (main.header.kind !== "PolicyHeader") return finish();
  const header = checkHeader(main.header, []);
  if (!env.hasSchema) {
    diagnostics.push(
      diagnostic("POL2011", headerIdSpan(main.header), { policy: header.id }),
    );
  }
  if (hasErrors(diagnostics)) return finish();

  const { values } = header;
  const programFiles = program.files;
  let hash: string | undefined;
  let base: { of: SchemaFile | undefined } | undefined;
  return finish({
    metadata: {
      id: header.id,
      title: values.title!,
      payer: values.payer!,
      number: values.number!,
      version: values.version!,
      ...(values.effective === "proposed" ? { proposed: true as const } : { effective: values.effective! }),
      ...(values.expires !== undefined ? { expires: values.expires } : {}),
      // Relative to the project root, not the working directory: output must not depend on it.
      source: program.main!.rootPath,
      // Hashed when first read (code generation, reports): a check alone never reads it.
      get sourceHash(): string {
        return (hash ??= sourceHash(programFiles.map((file) => ({ display: file.rootPath, text: file.text }))));
      },
    },
    file: main,
    ...schemaOf(program, header.id),
    // Worked out when first read (code generation): a check alone never needs it.
    get schemaBase(): SchemaFile | undefined {
      if (base === undefined) {
        const schemaFile = program.files.find((file) => file.ast?.header.kind === "SchemaHeader");
        base = { of: schemaFile === undefined ? undefined : schemaBaseOf(program, schemaFile) };
      }
      return base.of;
    },
    schema: env.schema,
    codeSets: env.codeSets,
    tables: env.tables,
    lets: expressions.lets,
    rules: mainRules,
    typeOf: (expression) => facts.typeOf(expression),
    resolve: (name) => facts.resolve(name),
    membershipOf: (test) => facts.memberships.get(test),
    fieldOf: (access) => facts.fieldOf(access),
    asOfRule: (expression) => {
      const rule = facts.asOf.get(expression);
      if (rule === undefined) throw new Error("internal error: an `as of` the checker did not resolve");
      return rule;
    },
    usesAsOf: facts.asOf.size > 0,
    memberOf: (access) => facts.members.get(access),
    text: (span) => sources.get(span.file)?.slice(span.start.offset, span.end.offset) ?? "",
  });
}

/** The schema the policy uses: the first schema file the program reads, else the policy itself. */
function schemaOf(program: LoadedProgram, policyId: string): { schemaName: string; schemaSource: string } {
  for (const file of program.files) {
    const header = file.ast?.header;
    if (header?.kind === "SchemaHeader") return { schemaName: header.name.name, schemaSource: file.rootPath };
  }
  return { schemaName: policyId, schemaSource: program.main!.rootPath };
}

/** The header and the presence of rules, for every policy file in the program. */
function checkPolicyFile(header: PolicyHeader, rules: readonly CheckedRule[], diagnostics: Diagnostic[], recovered: boolean): string {
  const { id } = checkHeader(header, diagnostics);
  if (rules.length === 0 && !recovered) {
    diagnostics.push(
      diagnostic("POL4004", headerIdSpan(header), { policy: id }),
    );
  }
  return id;
}
