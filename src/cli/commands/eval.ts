// `pol eval <policy> <case.json>`: the determination for one case, as a reviewer's letter or JSON.

import { jsonErrorMessage } from "../../files/json-text.js";
import { checkFile } from "../../check/checker.js";
import { displayPath, requireFile, UsageError } from "../../files/paths.js";
import { evaluateCase } from "../../interpreter.js";
import type { CheckedPolicy } from "../../model.js";
import { renderJson } from "../../tools/report/json.js";
import { renderText } from "../../tools/report/text.js";
import { readTextFile } from "../../files/source-files.js";
import { reportDiagnostics } from "./check.js";
import { EXIT_FAILED, EXIT_OK, type Io } from "../io.js";

export type ReportFormat = "text" | "json";

export interface EvalOptions {
  explain: boolean;
  format: ReportFormat;
}

/** Check one policy file; report its errors and return undefined when it cannot be evaluated. */
export function loadPolicy(path: string, io: Io): CheckedPolicy | undefined {
  const result = checkFile(path);
  if (result.diagnostics.length > 0) {
    reportDiagnostics({ results: new Map([[path, result]]), diagnostics: result.diagnostics, sources: result.sources }, "human", io);
    return undefined;
  }
  if (!result.policy) {
    io.err(`error: \`${displayPath(path)}\` is a schema, not a policy: evaluate a policy that uses it\n`);
    return undefined;
  }
  return result.policy;
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; message: string; unreadable?: boolean };

/** Read and parse a JSON file, turning every failure into one clear message. */
export function readJsonFile(path: string): JsonRead {
  const read = readTextFile(path);
  if (!read.ok) return { ok: false, message: read.missing ? `cannot read \`${path}\`` : read.problem, unreadable: true };
  const text = read.text;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `\`${path}\` is not valid JSON: ${jsonErrorMessage(error as Error, text)}` };
  }
}

export function runEval(policyPath: string, casePath: string, options: EvalOptions, io: Io): number {
  // Only a regular `.pol` file is read as a policy, so no other file is ever shown in a code frame.
  requireFile(policyPath, [".pol"]);
  const policy = loadPolicy(policyPath, io);
  if (!policy) return EXIT_FAILED;
  const read = readJsonFile(casePath);
  if (!read.ok) {
    if (read.unreadable) throw new UsageError(read.message);
    io.err(`error: ${read.message}\n`);
    return EXIT_FAILED;
  }
  const evaluated = evaluateCase(policy, read.value);
  if (!evaluated.ok) {
    io.err(`error: \`${displayPath(casePath)}\` is not a valid case for ${policy.metadata.id}:\n`);
    for (const error of evaluated.errors) io.err(`  ${error.path || "(case)"}: ${error.message}\n`);
    return EXIT_FAILED;
  }
  io.out(
    options.format === "json"
      ? renderJson(evaluated.determination)
      : renderText(evaluated.determination, { explain: options.explain }),
  );
  return EXIT_OK;
}
