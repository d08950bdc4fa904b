// `node --cpu-prof dist/bench/profile.js ENGINE [CASES] [--emptied]`: run one engine (`compiled` is decision
// only, `compiled-full` the determination without trace, `compiled+trace`, `interpreter`,
// `hand-written`, `hand-written-checked`; or `check`, the front end over the compiler corpus) so a CPU profile
// shows where its time goes
// (`--emptied`: every case's history emptied first, see `emptiedHistories`);
// `node dist/bench/profile.js summarise FILE.cpuprofile` prints its top frames by self time.

import { checkSource } from "../src/check/checker.js";
import { buildCompilerCorpus } from "./compiler/corpus.js";
import { buildCorpus, emptiedHistories, type BenchCase } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { decideByHandChecked } from "./engines/handwritten-checked.js";
import { compiledDecisionEngine, compiledEngine, interpreterEngine, loadPolicies, POLICY_FILES } from "./engines/pol.js";
import { printProfileSummary, summariseProfile } from "./profiling.js";
import { COMPILER_MIN_LINES, COMPILER_SEED, CORPUS_SEED } from "./plan.js";

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "summarise") {
    console.log(printProfileSummary(summariseProfile(argv[1]!, Number(argv[2] ?? 20))));
    return;
  }
  const engine = argv[0] ?? "compiled";
  if (engine === "check") {
    const corpus = buildCompilerCorpus(process.cwd(), Object.values(POLICY_FILES), COMPILER_MIN_LINES, COMPILER_SEED);
    const measuredWork = (): void => {
      for (let pass = 0; pass < 5; pass++) for (const v of corpus.variants) checkSource(v.source, v.path, corpus.host);
    };
    measuredWork();
    console.log(`check: ${corpus.variants.length} policies, 5 passes`);
    return;
  }
  const emptied = argv.includes("--emptied");
  const [, size] = argv.filter((arg) => arg !== "--emptied");
  const corpus: BenchCase[] = buildCorpus(Number(size ?? 100_000), CORPUS_SEED);
  const cases = emptied ? emptiedHistories(corpus) : corpus;
  const decide =
    engine === "hand-written"
      ? decideByHand
      : engine === "hand-written-checked"
        ? decideByHandChecked
        : engine === "interpreter"
          ? interpreterEngine(loadPolicies(process.cwd()), false)
          : engine === "compiled"
            ? compiledDecisionEngine()
            : compiledEngine(engine === "compiled+trace");
  let acc = 0;
  // Named so the profile summary can tell the measured work from setup (see profiling.ts).
  const measuredWork = (): void => {
    for (let pass = 0; pass < 5; pass++) for (const c of cases) acc += decide(c).length;
  };
  measuredWork();
  console.log(`${engine}: ${acc} outcome characters`);
}

await main(process.argv.slice(2));
