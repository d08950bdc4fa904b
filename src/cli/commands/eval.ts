// `pol eval <policy> <case.json>`: the determination for one case, as a reviewer's letter or JSON.

import {
  displayPath,
  evaluateCase,
  loadPolicy,
  readJsonFile,
  renderJson,
  renderText,
  requireFile,
  UsageError,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, type Io } from "../io.js";

export type ReportFormat = "text" | "json";

export interface EvalOptions {
  explain: boolean;
  /** Evaluate a proposed policy as if it were in effect. */
  asProposed?: boolean;
  format: ReportFormat;
}

export function runEval(policyPath: string, casePath: string, options: EvalOptions, io: Io): number {
  // Only a regular `.pol` file is read as a policy, so no other file is ever shown in a code frame.
  requireFile(policyPath, [".pol"]);
  const load = loadPolicy(policyPath);
  if (!load.ok) {
    printDiagnostics(load.checked, "human", io);
    if (load.problem !== undefined) io.err(`error: ${load.problem}\n`);
    return EXIT_FAILED;
  }
  const { policy } = load;
  const read = readJsonFile(casePath);
  if (!read.ok) {
    if (read.unreadable) throw new UsageError(read.message);
    io.err(`error: ${read.message}\n`);
    return EXIT_FAILED;
  }
  const evaluated = evaluateCase(policy, read.value, options.asProposed ? { asProposed: true } : undefined);
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
