// A quick, focused timing of the compiled engines against the hand-written functions, for work on
// the runtime and code generator: `node --expose-gc dist/bench/focus.js [cases] [rounds] [--emptied]`
// after `npm run bench` (or the three build steps it runs). `npm run bench` is the full, reported
// bench. `--emptied` empties every case's history first (`emptiedHistories`): the fixed cost per
// case and per line item, before any pass over a list.
//
// Interleaved, so that a loaded machine slows every engine alike: after a warm-up pass of each,
// every round times one pass of every engine (in reverse order every other round), and each
// engine's figure is the median over rounds of its pass's time over the hand-written function's
// pass of the same round. Time is the process's CPU time, which moves less with the load than the
// wall clock.

import { buildCorpus, emptiedHistories, type BenchCase } from "./corpus.js";
import { decideByHand } from "./engines/handwritten.js";
import { decideByHandChecked } from "./engines/handwritten-checked.js";
import { compiledDecisionEngine, compiledEngine } from "./engines/pol.js";
import { CORPUS_SEED } from "./plan.js";
import { ratioOverRounds, stepOrder } from "./interleaved.js";
import { median } from "./timing.js";

const emptied = process.argv.includes("--emptied");
const [size, rounds] = process.argv.slice(2).filter((arg) => arg !== "--emptied").map(Number);
const corpus = buildCorpus(size ?? 30_000, CORPUS_SEED);
const cases = emptied ? emptiedHistories(corpus) : corpus;
const engines: [string, (c: BenchCase) => string][] = [
  ["hand-written", decideByHand],
  ["hand-written, with pol's checks", decideByHandChecked],
  ["compiled, decision only", compiledDecisionEngine()],
  ["compiled, without trace", compiledEngine(false)],
  ["compiled, with trace", compiledEngine(true)],
];

let sink = 0;
function pass(decide: (c: BenchCase) => string): number {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  for (let i = 0; i < cases.length; i++) sink += decide(cases[i]!).length;
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

for (const [, decide] of engines) pass(decide); // warm-up
const seconds: number[][] = engines.map(() => []);
for (let round = 0; round < (rounds ?? 5); round++) {
  for (const index of stepOrder(engines.length, round)) seconds[index]!.push(pass(engines[index]![1]));
}
/** Median over rounds of engine `index`'s time over engine `base`'s in the same round. */
const ratio = (index: number, base: number): number => ratioOverRounds(seconds[index]!, seconds[base]!).median;
for (const [index, [name]] of engines.entries()) {
  const perSecond = Math.round(cases.length / median(seconds[index]!)).toLocaleString("en-US");
  process.stdout.write(`${name.padEnd(32)} ${perSecond.padStart(10)} cases/s  ${ratio(index, 0).toFixed(2)}x\n`);
}
process.stdout.write(`decideTrusted / hand-written with pol's checks: ${ratio(2, 1).toFixed(2)}x\n`);
if (sink < 0) process.stdout.write("\n");
