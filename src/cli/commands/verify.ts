// `pol verify <policy>`: rules that can never approve, criteria that can never fail or never be
// met, conflicting rules, pends no documentation resolves, denials of approved items.

import { loadPolicy, renderVerifyJson, renderVerifyText, requireFile, SolverDisagreement, verify } from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printLoadFailure, type Io } from "../io.js";

export type VerifyFormat = "text" | "json";

export interface VerifyCommandOptions {
  format: VerifyFormat;
  maxList: number;
  maxItems: number;
  timeout: number;
}

/** Exit 1 when the policy has a finding (or cannot be analysed), 0 when every property holds. */
export async function runVerify(path: string, options: VerifyCommandOptions, io: Io): Promise<number> {
  requireFile(path, [".pol"]);
  const load = loadPolicy(path);
  if (!load.ok) {
    printLoadFailure(load, io);
    return EXIT_FAILED;
  }
  try {
    const report = await verify(load.policy, {
      bounds: { list: options.maxList, items: options.maxItems },
      timeout: options.timeout * 1000,
    });
    io.out(options.format === "json" ? renderVerifyJson(report) : await renderVerifyText(report));
    return report.findings.length === 0 && report.undecided === 0 ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (!(error instanceof SolverDisagreement)) throw error;
    io.err(`internal error: ${error.message}\nplease report this: pol's analysis and its evaluators disagree\n`);
    return EXIT_FAILED;
  }
}
