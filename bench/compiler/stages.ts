// Part 3 of the bench: the compiler's stages timed separately over the variant corpus, and the
// wall time of a cold `pol check` process on the repository's policies (cold.ts).
//
//   lex       polLexer.tokenize
//   parse     parse(): lexing, the Chevrotain CST parser, CST checks and CST -> AST
//   check     checkSource(): parses the file, then resolves and checks; the schema it uses is
//             parsed by the first check and then kept (src/check/loader.ts), as for an editor or
//             a `pol check` of many files
//   codegen   lower() + policyModuleSource(): the policy module's TypeScript before formatting
//   prettier  prettier.format of that source (generatePolicyModule = codegen + prettier)

import { readFileSync } from "node:fs";
import { RUNTIME_VERSION } from "@pol/runtime";
import { format } from "prettier";
import { polLexer } from "../../grammar/lexer.js";
import { checkSource } from "../../src/check/checker.js";
import { policyModuleSource } from "../../src/generate/policy-module.js";
import { lower } from "../../src/lower/lower.js";
import type { CheckedPolicy } from "../../src/model.js";
import { parse } from "../../src/syntax/parse.js";
import { median } from "../timing.js";
import { PRETTIER_MODULES } from "../plan.js";
import { coldCheck, type ColdCheck } from "./cold.js";
import { lineCount, type CompilerCorpus } from "./corpus.js";

export interface StageTiming {
  stage: string;
  /** Lines of input the stage is credited with (policy lines; generated lines for prettier). */
  lines: number;
  passes: number[];
  median: number;
  linesPerSecond: number;
}

export interface CompilerResults {
  policies: number;
  lines: number;
  schemaLines: number;
  generatedLines: number;
  stages: StageTiming[];
  /** Wall times of `node bin/pol.js check policies`, fresh process each, and one run's CPU profile. */
  coldCheck: ColdCheck;
}

async function timeStage(stage: string, lines: number, passes: number, run: () => unknown): Promise<StageTiming> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const m = median(times);
  return { stage, lines, passes: times, median: m, linesPerSecond: lines / m };
}

export async function runCompilerBench(
  root: string,
  corpus: CompilerCorpus,
  passes: number,
  prettierPasses: number,
  coldRuns: number,
): Promise<CompilerResults> {
  const { variants, host, lines } = corpus;
  const schemaSource = readFileSync(corpus.schemaPath, "utf8");

  // Every variant must check cleanly, or the timings would measure error paths.
  const checked: CheckedPolicy[] = variants.map((variant) => {
    const result = checkSource(variant.source, variant.path, host);
    if (!result.policy) {
      const first = result.diagnostics[0];
      throw new Error(`generated policy ${variant.path} does not check: ${first?.code} ${first?.message}`);
    }
    return result.policy;
  });
  const codegen = (policy: CheckedPolicy): string =>
    policyModuleSource(lower(policy), policy.schemaName, { runtimeVersion: RUNTIME_VERSION });
  const generated = checked.map(codegen);
  const generatedLines = generated.reduce((sum, source) => sum + lineCount(source), 0);
  // prettier is two orders of magnitude slower than the rest: a sample of modules gives its rate.
  const formatted = generated.slice(0, PRETTIER_MODULES);
  const formattedLines = formatted.reduce((sum, source) => sum + lineCount(source), 0);

  const stages: StageTiming[] = [];
  stages.push(
    await timeStage("lex", lines, passes, () => {
      for (const variant of variants) polLexer.tokenize(variant.source);
    }),
  );
  stages.push(
    await timeStage("parse (lex + CST + AST)", lines, passes, () => {
      for (const variant of variants) parse(variant.source, variant.path);
    }),
  );
  stages.push(
    await timeStage("schema parse (once per policy)", lineCount(schemaSource) * variants.length, passes, () => {
      for (let i = 0; i < variants.length; i++) parse(schemaSource, corpus.schemaPath);
    }),
  );
  stages.push(
    await timeStage("check (checkSource: parse + check)", lines, passes, () => {
      for (const variant of variants) checkSource(variant.source, variant.path, host);
    }),
  );
  stages.push(
    await timeStage("codegen (lower + emit, before prettier)", lines, passes, () => {
      for (const policy of checked) codegen(policy);
    }),
  );
  stages.push(
    await timeStage(`prettier (${formatted.length} modules, generated lines)`, formattedLines, prettierPasses, async () => {
      for (const source of formatted) await format(source, { parser: "typescript", printWidth: 100 });
    }),
  );

  return {
    policies: variants.length,
    lines,
    schemaLines: lineCount(schemaSource),
    generatedLines,
    stages,
    coldCheck: coldCheck(root, coldRuns),
  };
}
