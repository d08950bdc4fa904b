// `pol eval <policy> <case.json>`: the determination for one case, as a reviewer's letter or JSON.
// `pol eval <policy> <cases.ndjson | ->`: one determination per line as NDJSON on stdout, every
// core evaluating (src/tools/batch/), bad lines reported on stderr, a summary at the end.
// `--fhir <bundle>`: the case is read from a FHIR R4 bundle through the policy's bindings first.

import { createReadStream, statSync, writeFileSync } from "node:fs";
import {
  applyQuestionnaireResponse,
  defaultJobs,
  fhirJsonText,
  readFhirCase,
  renderFhirText,
  displayPath,
  evaluateBatch,
  evaluateCase,
  loadPolicy,
  ProgressLine,
  readJsonFile,
  parseReference,
  referencesIn,
  renderAnswer,
  renderJson,
  renderSummary,
  renderText,
  requireFile,
  schemaDescriptor,
  summaryJson,
  UsageError,
  type AnswerFormat,
  type BatchOutput,
  type CheckedPolicy,
  type FhirBindings,
  type FhirCaseRead,
} from "../../index.js";
import { isClosed } from "../closed-streams.js";
import { fhirBindings } from "../bindings.js";
import { EXIT_FAILED, EXIT_OK, printLoadFailure, writeData, type Io } from "../io.js";

export type ReportFormat = "text" | "json" | AnswerFormat;

export interface EvalOptions {
  explain: boolean;
  /** Evaluate a proposed policy as if it were in effect. */
  asProposed?: boolean;
  format: ReportFormat;
  /** Worker threads for a batch; every core when absent. */
  jobs?: number;
  /** Where to write a batch's summary as JSON. */
  summary?: string;
  /** Accept fields the schema does not declare. */
  ignoreUnknownFields?: boolean;
  /** Read the case (or cases) from a FHIR bundle (or NDJSON of bundles). */
  fhir?: string;
  /** The binding file for `fhir`. */
  bindings?: string;
  /** A QuestionnaireResponse whose answers complete the case before it is evaluated. */
  response?: string;
  /** References for the Da Vinci answers: `Coverage/ID`, `Patient/ID` (or absolute URLs). */
  coverage?: string;
  patient?: string;
  /** The date of a Da Vinci answer (default: today). */
  answerDate?: string;
}

/** The Da Vinci answers' options, checked before anything is read. */
function answerOptions(options: EvalOptions) {
  const reference = (text: string | undefined, type: string, option: string) => {
    if (text === undefined) return undefined;
    const parsed = parseReference(text, type);
    if (parsed === undefined) throw new UsageError(`${option} takes a reference such as \`${type}/123\` or an absolute URL, found \`${text}\``);
    return parsed;
  };
  const date = options.answerDate ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--answer-date takes a date \`YYYY-MM-DD\`, found \`${date}\``);
  const coverage = reference(options.coverage, "Coverage", "--coverage");
  const patient = reference(options.patient, "Patient", "--patient");
  return { date, ...(coverage === undefined ? {} : { coverage }), ...(patient === undefined ? {} : { patient }) };
}

/** Read a JSON file the command was given: its value, or the exit code after reporting why not. */
function readJson(path: string, io: Io): { ok: true; value: unknown } | { ok: false; exit: number } {
  const read = readJsonFile(path);
  if (read.ok) return { ok: true, value: read.value };
  if (read.unreadable) throw new UsageError(read.message);
  io.err(`error: ${read.message}\n`);
  return { ok: false, exit: EXIT_FAILED };
}

/** Input read as many cases, one per line: NDJSON files and `-` (stdin). */
function isBatchInput(path: string): boolean {
  return path === "-" || path.endsWith(".ndjson") || path.endsWith(".jsonl");
}

export async function runEval(policyPath: string, caseArgument: string | undefined, options: EvalOptions, io: Io): Promise<number> {
  if (options.fhir !== undefined && caseArgument !== undefined) throw new UsageError("give either a case or `--fhir <bundle>`, not both");
  if (options.bindings !== undefined && options.fhir === undefined) throw new UsageError("`--bindings` goes with `--fhir <bundle>`");
  const casePath = caseArgument ?? options.fhir;
  if (casePath === undefined) throw new UsageError("missing required argument 'case' (or `--fhir <bundle>`)");
  // Only a regular `.pol` file is read as a policy, so no other file is ever shown in a code frame.
  requireFile(policyPath, [".pol"]);
  if (options.bindings !== undefined) requireFile(options.bindings, [".pol"]);
  if (isBatchInput(casePath) && casePath !== "-") requireFile(casePath, [".ndjson", ".jsonl"]);
  const batch = isBatchInput(casePath);
  if (batch && !(options.format === "text" || options.format === "json")) throw new UsageError(`--format ${options.format} answers one case, not many`);
  if (batch && options.response !== undefined) throw new UsageError("--response completes one case, not many");
  const answer = answerOptions(options);
  if (options.response !== undefined) requireFile(options.response, [".json"]);
  const load = loadPolicy(policyPath);
  if (!load.ok) {
    printLoadFailure(load, io);
    return EXIT_FAILED;
  }
  const { policy } = load;
  const bindings = options.fhir === undefined ? undefined : fhirBindings(policyPath, policy, options.bindings, io);
  if (bindings === null) return EXIT_FAILED;
  if (batch) return runBatch(policy, casePath, { ...options, ...(bindings ? { bindingSet: bindings } : {}) }, io);
  const read = readJson(casePath, io);
  if (!read.ok) return read.exit;
  let caseJson = read.value;
  // A bundle is read into the case first; where each fact came from is printed with the answer.
  let fhir: FhirCaseRead | undefined;
  if (bindings !== undefined) {
    fhir = readFhirCase(bindings, read.value);
    if (!fhir.ok) {
      io.err(`error: \`${displayPath(casePath)}\` is not a FHIR R4 bundle pol can read:\n`);
      for (const problem of fhir.problems) io.err(`  ${problem.pointer || "(bundle)"}: ${problem.message}\n`);
      return EXIT_FAILED;
    }
    caseJson = fhir.case;
  }
  const schema = schemaDescriptor(policy.schema);
  if (options.response !== undefined) {
    const response = readJson(options.response, io);
    if (!response.ok) return response.exit;
    const merged = applyQuestionnaireResponse(schema, caseJson, response.value);
    if (!merged.ok) {
      io.err(`error: the answers in \`${displayPath(options.response)}\` do not fit the case \`${displayPath(casePath)}\`:\n`);
      for (const error of merged.errors) io.err(`  ${error.location}${error.fact === undefined ? "" : ` (${error.fact})`}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    caseJson = merged.case;
  }
  const evaluated = evaluateCase(policy, caseJson, {
    unknownFields: options.ignoreUnknownFields ? "ignore" : "reject",
    ...(options.asProposed ? { asProposed: true } : {}),
  });
  if (!evaluated.ok) {
    const what = fhir ? `the case read from \`${displayPath(casePath)}\`` : `\`${displayPath(casePath)}\``;
    io.err(`error: ${what} is not a valid case for ${policy.metadata.id}:\n`);
    for (const error of evaluated.errors) io.err(`  ${error.path || "(case)"}: ${error.message}\n`);
    if (fhir) io.err(renderFhirText(fhir, displayPath(casePath)));
    return EXIT_FAILED;
  }
  if (options.format === "json") {
    const json = renderJson(evaluated.determination);
    writeData(io, fhir ? fhirJsonText(json, fhir) : json);
  } else if (options.format === "text") {
    const letter = renderText(evaluated.determination, { explain: options.explain });
    io.out(fhir ? `${letter}\n${renderFhirText(fhir, displayPath(casePath))}` : letter);
  }
  else {
    // References the options do not give come from the bundle's Coverage and Patient.
    const references = fhir ? referencesIn(read.value) : {};
    const text = renderAnswer(options.format, evaluated.determination, schema, caseJson, { ...references, ...answer });
    if (text === undefined) io.err("no item is pended for documentation: there is no questionnaire to answer\n");
    else writeData(io, text);
  }
  return EXIT_OK;
}


async function runBatch(policy: CheckedPolicy, casePath: string, options: EvalOptions & { bindingSet?: FhirBindings }, io: Io): Promise<number> {
  const fromStdin = casePath === "-";
  const input = fromStdin ? (io.stdin ?? process.stdin) : createReadStream(casePath, { highWaterMark: 256 * 1024 });
  const progress = io.errIsTerminal ? new ProgressLine(io.err, fromStdin ? undefined : statSync(casePath).size) : undefined;
  const stop = new AbortController();
  const output = batchOutput(io, () => stop.abort());
  const name = fromStdin ? "stdin" : displayPath(casePath);
  const run = await evaluateBatch(policy, input, output, {
    jobs: options.jobs ?? defaultJobs(),
    explain: options.explain,
    ignoreUnknownFields: options.ignoreUnknownFields === true,
    asProposed: options.asProposed ?? false,
    ...(options.bindingSet ? { fhir: options.bindingSet } : {}),
    signal: stop.signal,
    onBadLine(line, errors) {
      progress?.clear();
      const [first, ...rest] = errors;
      const more = rest.length === 0 ? "" : ` (and ${rest.length} more error${rest.length === 1 ? "" : "s"})`;
      io.err(`error: ${name}:${line}: ${first ? `${first.path === "" ? "" : `${first.path}: `}${first.message}` : "invalid case"}${more}\n`);
    },
    onProgress: (bytes, summary) => progress?.update(bytes, summary.cases),
  });
  progress?.clear();
  io.err(renderSummary(run.summary, run.seconds, run.jobs));
  if (options.summary !== undefined) writeFileSync(options.summary, JSON.stringify(summaryJson(run.summary), null, 2) + "\n");
  return run.summary.badLines > 0 ? EXIT_FAILED : EXIT_OK;
}

/** stdout with backpressure; when its reader goes away (`| head`), the run stops reading. */
function batchOutput(io: Io, readerGone: () => void): BatchOutput {
  const stream = io.stdout;
  if (stream === undefined) return { write: (text) => (io.out(text), true), drained: async () => {} };
  const gone = () => (stream === process.stdout || stream === process.stderr) && isClosed(stream as NodeJS.WriteStream);
  return {
    write(text) {
      if (gone()) {
        readerGone();
        return true;
      }
      try {
        return stream.write(text);
      } catch {
        readerGone();
        return true;
      }
    },
    drained: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          stream.off("drain", done);
          stream.off("close", done);
          stream.off("error", done);
          if (gone()) readerGone();
          resolve();
        };
        stream.on("drain", done);
        stream.on("close", done);
        stream.on("error", done);
      }),
  };
}
