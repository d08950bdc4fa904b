// `pol diff <old.pol> <new.pol>`: what changed between two versions of a policy, structurally and
// case by case (a counterexample case for each line-item code decided differently).

import {
  diffVersions,
  displayPath,
  renderReplayJson,
  renderReplayText,
  replayCases,
  loadPolicy,
  renderDiffJson,
  renderDiffText,
  requireFile,
  SolverDisagreement,
  type DiffOptions,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printLoadFailure, type Io } from "../io.js";

export type DiffFormat = "text" | "json";

export interface DiffCommandOptions {
  format: DiffFormat;
  structural: boolean;
  maxList: number;
  maxItems: number;
  timeout: number;
  /** Replay these past cases (NDJSON) under both versions instead of the solver's diff. */
  cases?: string;
}

export async function runDiff(oldPath: string, newPath: string, options: DiffCommandOptions, io: Io): Promise<number> {
  requireFile(oldPath, [".pol"]);
  requireFile(newPath, [".pol"]);
  const policies = [];
  for (const path of [oldPath, newPath]) {
    const load = loadPolicy(path);
    if (!load.ok) {
      printLoadFailure(load, io);
      return EXIT_FAILED;
    }
    policies.push(load.policy);
  }
  if (options.cases !== undefined) {
    requireFile(options.cases, [".ndjson", ".jsonl"]);
    const report = await replayCases(policies[0]!, policies[1]!, options.cases);
    io.out(options.format === "json" ? renderReplayJson(report) : renderReplayText(report, displayPath(oldPath), displayPath(newPath)));
    return EXIT_OK;
  }
  const diffOptions: DiffOptions = {
    structuralOnly: options.structural,
    semantic: { bounds: { list: options.maxList, items: options.maxItems }, timeout: options.timeout * 1000 },
  };
  try {
    const report = await diffVersions(policies[0]!, policies[1]!, diffOptions);
    io.out(options.format === "json" ? renderDiffJson(report) : await renderDiffText(report));
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof SolverDisagreement)) throw error;
    io.err(`internal error: ${error.message}\nplease report this: pol's analysis and its evaluators disagree\n`);
    return EXIT_FAILED;
  }
}
