// Before anything is timed: every engine must give the same outcome on every case of the corpus.
// A disagreement stops the bench with the first disagreeing case, so no figure is ever printed
// for engines that decide different things.

import type { BenchCase } from "./corpus.js";

export interface Contender {
  name: string;
  decide: (c: BenchCase) => string | Promise<string>;
}

export class Disagreement extends Error {}

export interface Agreement {
  cases: number;
  /** Outcome -> number of cases, as every engine decided them. */
  outcomes: Map<string, number>;
  /** Cases that lost facts (absent or null). */
  withMissingFacts: number;
}

export async function verifyAgreement(cases: readonly BenchCase[], contenders: readonly Contender[]): Promise<Agreement> {
  const outcomes = new Map<string, number>();
  let withMissingFacts = 0;
  for (let index = 0; index < cases.length; index++) {
    const c = cases[index]!;
    const answers: string[] = [];
    for (const contender of contenders) answers.push(await contender.decide(c));
    if (answers.some((answer) => answer !== answers[0])) {
      const table = contenders.map((contender, i) => `  ${contender.name.padEnd(24)} ${answers[i]}`).join("\n");
      throw new Disagreement(
        `engines disagree on case #${index} (${c.policy}):\n${table}\ncase: ${JSON.stringify(c.input, null, 2)}`,
      );
    }
    outcomes.set(answers[0]!, (outcomes.get(answers[0]!) ?? 0) + 1);
    if (c.incomplete) withMissingFacts++;
  }
  return { cases: cases.length, outcomes, withMissingFacts };
}
