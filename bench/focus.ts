// A quick, focused timing of the compiled engines against the hand-written function, for work on
// the runtime and code generator: `node --expose-gc dist/bench/focus.js [cases] [passes] [--emptied]`
// after `npm run bench` (or the three build steps it runs). `npm run bench` is the full, reported
// bench. `--emptied` empties every case's history first (`emptiedHistories`): the fixed cost per
// case and per line item, before any pass over a list.

import { buildCorpus, emptiedHistories } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { compiledDecisionEngine, compiledEngine } from "./engines/pol.js";
import { CORPUS_SEED } from "./plan.js";
import { measure } from "./timing.js";

const emptied = process.argv.includes("--emptied");
const [size, passes] = process.argv.slice(2).filter((arg) => arg !== "--emptied").map(Number);
const corpus = buildCorpus(size ?? 30_000, CORPUS_SEED);
const cases = emptied ? emptiedHistories(corpus) : corpus;
const engines: [string, (c: (typeof cases)[number]) => string][] = [
  ["hand-written", decideByHand],
  ["compiled, decision only", compiledDecisionEngine()],
  ["compiled, without trace", compiledEngine(false)],
  ["compiled, with trace", compiledEngine(true)],
];
let base = 0;
for (const [name, decide] of engines) {
  const result = measure(name, decide, cases, passes ?? 5);
  base ||= result.median;
  const perSecond = Math.round(result.casesPerSecond).toLocaleString("en-US");
  process.stdout.write(`${name.padEnd(26)} ${perSecond.padStart(10)} cases/s  ${(result.median / base).toFixed(2)}x\n`);
}
