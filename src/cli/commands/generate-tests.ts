// `pol test --generate <policy>`: write a test file of generated cases (every reachable state of
// every criterion, and the boundaries its conditions test) for the analyst to review.

import { existsSync } from "node:fs";
import {
  defaultTestFilePath,
  displayPath,
  generateTestFile,
  loadPolicy,
  renderGenerateText,
  requireFile,
  SolverDisagreement,
  TEST_FILE_SUFFIX,
  UsageError,
  writeAtomically,
} from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printLoadFailure, type Io } from "../io.js";

export interface GenerateCommandOptions {
  /** Where to write; default `tests/<policy>.generated.test.json` beside the policy. */
  out?: string;
  /** Replace an existing file. */
  force: boolean;
  /** Time limit of each solver query, in seconds. */
  timeout: number;
}

/** Exit 0 when every reachable criterion state has a case, 1 otherwise (the file is still written). */
export async function runGenerateTests(policyPath: string, options: GenerateCommandOptions, io: Io): Promise<number> {
  requireFile(policyPath, [".pol"]);
  const out = options.out ?? defaultTestFilePath(policyPath);
  if (!out.endsWith(TEST_FILE_SUFFIX)) throw new UsageError(`\`${out}\` is not a test file name: test files are named \`*${TEST_FILE_SUFFIX}\``);
  // Checked before the work as well as when writing, which refuses too.
  if (!options.force && existsSync(out)) {
    io.err(`error: \`${displayPath(out)}\` exists: give --force to replace it\n`);
    return EXIT_FAILED;
  }
  const load = loadPolicy(policyPath);
  if (!load.ok) {
    printLoadFailure(load, io);
    return EXIT_FAILED;
  }
  let report;
  try {
    report = await generateTestFile(load.policy, policyPath, out, { timeout: options.timeout * 1000 });
  } catch (error) {
    if (!(error instanceof SolverDisagreement)) throw error;
    io.err(`internal error: ${error.message}\nplease report this: pol's analysis and its evaluators disagree\n`);
    return EXIT_FAILED;
  }
  // An interrupt while the file is written and renamed waits until both are done (the write is
  // synchronous, so a listener defers the signal), then ends the command with the shell's code.
  let interrupted: NodeJS.Signals | undefined;
  const defer = (signal: NodeJS.Signals) => void (interrupted = signal);
  process.on("SIGINT", defer).on("SIGTERM", defer);
  try {
    writeAtomically(out, report.text, options.force);
  } catch (error) {
    io.err(`error: cannot write \`${displayPath(out)}\`: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    // A signal caught during the write is delivered on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("SIGINT", defer).off("SIGTERM", defer);
  }
  if (interrupted !== undefined) return interrupted === "SIGINT" ? 130 : 143;
  io.out(await renderGenerateText(report, displayPath(out)));
  return report.unreached.length === 0 ? EXIT_OK : EXIT_FAILED;
}
