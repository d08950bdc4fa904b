// A batch worker thread: imports the compiled evaluator once, then turns chunks of NDJSON lines
// into determinations (one JSON line each, or an error record for a bad line) and the chunk's
// counts for the summary. Nothing here throws for a bad case: every failure is that line's error.

import { parentPort, workerData } from "node:worker_threads";
import type { CaseError, Determination, Evaluation, EvaluateOptions } from "@pol/runtime";
import { fhirLine, jsonErrorMessage, readFhirCase, renderJsonLine, type FhirCaseRead } from "../../index.js";
import { countDetermination, emptySummary } from "./summary.js";
import type { ChunkRequest, ChunkResult, WorkerSetup } from "./protocol.js";

interface Evaluator {
  evaluate(json: unknown, options?: EvaluateOptions): Evaluation;
}

const setup = workerData as WorkerSetup;
const evaluator = (await import(setup.moduleUrl)) as Evaluator;
const options: EvaluateOptions = {
  trace: setup.explain,
  unknownFields: setup.ignoreUnknownFields ? "ignore" : "reject",
  ...(setup.asProposed ? { asProposed: true } : {}),
};

type LineResult = { determination: Determination; fhir?: FhirCaseRead; errors?: undefined } | { errors: CaseError[] };

function evaluateLine(text: string): LineResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { errors: [{ path: "", message: `not valid JSON: ${jsonErrorMessage(error as Error, text).replace(/ \(line 1, column (\d+)\)$/, " (column $1)")}` }] };
  }
  if (setup.fhir === undefined) {
    const evaluation = evaluator.evaluate(json, options);
    return evaluation.ok ? { determination: evaluation.determination } : { errors: evaluation.errors };
  }
  // A bundle: read into a case first; a malformed bundle is the line's error, at its JSON pointer.
  const read = readFhirCase(setup.fhir, json);
  if (!read.ok) return { errors: read.problems.map((problem) => ({ path: problem.pointer ?? "", message: problem.message })) };
  const evaluation = evaluator.evaluate(read.case, options);
  return evaluation.ok ? { determination: evaluation.determination, fhir: read } : { errors: evaluation.errors };
}

function evaluateChunk(request: ChunkRequest): ChunkResult {
  const summary = emptySummary();
  const bad: ChunkResult["bad"] = [];
  let output = "";
  request.lines.forEach((text, index) => {
    const line = request.first + index;
    summary.lines++;
    let result: LineResult;
    if (text === null) {
      result = { errors: [{ path: "", message: `the line is longer than ${setup.maxLineChars.toLocaleString("en-US")} characters` }] };
    } else if (text.trim() === "") {
      return; // blank lines separate nothing in NDJSON: skipped
    } else {
      try {
        result = evaluateLine(text);
      } catch (error) {
        result = { errors: [{ path: "", message: `internal error while evaluating: ${(error as Error)?.message ?? String(error)}` }] };
      }
    }
    if (result.errors === undefined) {
      output += result.fhir ? fhirLine(renderJsonLine(result.determination), result.fhir) : renderJsonLine(result.determination);
      countDetermination(summary, result.determination);
    } else {
      summary.badLines++;
      bad.push({ line, errors: result.errors });
      output += JSON.stringify({ line, errors: result.errors }) + "\n";
    }
  });
  return { seq: request.seq, output, bad, summary };
}

parentPort!.on("message", (request: ChunkRequest) => {
  parentPort!.postMessage(evaluateChunk(request));
});
