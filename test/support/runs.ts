// How hard property tests try: a moderate number of runs in CI, 100 times more under
// `npm run test:deep` (POL_DEEP=1), which also prints how many runs each property made.
// A failure prints fast-check's seed and path; POL_SEED (and POL_PATH) replay it.

import { basename } from "node:path";
import { expect } from "vitest";

const deep = Boolean(process.env.POL_DEEP);

/** `base`, or 100 * `base` when POL_DEEP is set (then the count is printed). */
export function runs(base: number): number {
  const numRuns = deep ? base * 100 : base;
  if (deep) {
    // Called inside a test it names the test; at module level the count is shared by the file's properties.
    const { currentTestName, testPath } = expect.getState();
    const file = testPath === undefined ? "?" : basename(testPath);
    report(currentTestName === undefined ? `${file} (every property of the file)` : `${file} > ${currentTestName}`, numRuns);
  }
  return numRuns;
}

/** fast-check parameters for one named property: its number of runs, and the replayed seed if any. */
export interface PropertyParameters {
  numRuns: number;
  seed?: number;
  path?: string;
}

/** The parameters of the property `name`; prints `property <name>: <runs> runs` under POL_DEEP. */
export function property(name: string, base: number): PropertyParameters {
  const numRuns = deep ? base * 100 : base;
  if (deep) report(name, numRuns);
  const parameters: PropertyParameters = { numRuns };
  const seed = process.env.POL_SEED;
  if (seed !== undefined && seed !== "" && Number.isInteger(Number(seed))) {
    parameters.seed = Number(seed);
    if (process.env.POL_PATH) parameters.path = process.env.POL_PATH;
  }
  return parameters;
}

function report(name: string, numRuns: number): void {
  process.stdout.write(`property ${name}: ${numRuns} runs\n`);
}
