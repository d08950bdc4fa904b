// A quick, focused timing of the compiled engines against the hand-written function, for work on
// the runtime and code generator: `node --expose-gc dist/bench/focus.js [cases] [passes]` after
// `npm run bench` (or the three build steps it runs). `npm run bench` is the full, reported bench.

import { buildCorpus } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { compiledDecisionEngine, compiledEngine } from "./engines/pol.js";
import { CORPUS_SEED } from "./plan.js";
import { measure } from "./timing.js";

const size = Number(process.argv[2] ?? 30_000);
const passes = Number(process.argv[3] ?? 5);
const cases = buildCorpus(size, CORPUS_SEED);
const engines: [string, (c: (typeof cases)[number]) => string][] = [
  ["hand-written", decideByHand],
  ["compiled, decision only", compiledDecisionEngine()],
  ["compiled, without trace", compiledEngine(false)],
  ["compiled, with trace", compiledEngine(true)],
];
let base = 0;
for (const [name, decide] of engines) {
  const result = measure(name, decide, cases, passes);
  base ||= result.median;
  const perSecond = Math.round(result.casesPerSecond).toLocaleString("en-US");
  process.stdout.write(`${name.padEnd(26)} ${perSecond.padStart(10)} cases/s  ${(result.median / base).toFixed(2)}x\n`);
}
