// The bench's interleaved timing: how rounds become ratios (pure), and the order in which a round
// runs the engines' parts (with engines that only record their calls). Nothing here is timed.

import { describe, expect, it } from "vitest";
import { ratioOverRounds, runInterleaved, stepOrder, throughputs, timesFaster, type Spread, type TimedPass } from "../bench/interleaved.js";

// The machine's load drifts across rounds (the hand-written function's time per case doubles from
// round to round); the other engine is 3x it in every round but one, where a burst of load hit it.
const handwritten = [1, 2, 4, 8, 16];
const engine = [3, 6, 12, 2, 48];

describe("ratioOverRounds", () => {
  it("is the median of the ratios within each round, with the least and greatest round", () => {
    expect(ratioOverRounds(engine, handwritten)).toEqual({ median: 3, min: 0.25, max: 3, rounds: 5 });
  });

  it("is not a ratio of the medians (which pairs rounds run at different loads)", () => {
    const ofMedians = 6 / 4;
    expect(ratioOverRounds(engine, handwritten).median).not.toBe(ofMedians);
  });

  it("takes the median of an even number of rounds between the middle two", () => {
    expect(ratioOverRounds([2, 4, 9, 40], [1, 1, 1, 1]).median).toBe(6.5);
  });

  it("refuses rounds that do not pair up", () => {
    expect(() => ratioOverRounds([1, 2], [1])).toThrow(/2 rounds against 1/);
    expect(() => ratioOverRounds([], [])).toThrow();
  });
});

const passes = (cpu: readonly number[], wall = cpu): TimedPass[] => cpu.map((c, i) => ({ cpu: c, wall: wall[i]! }));

/** A spread as computed in floating point: each figure to 9 digits. */
function expectSpread(actual: Spread | undefined, expected: Spread): void {
  expect(actual?.rounds).toBe(expected.rounds);
  for (const key of ["median", "min", "max"] as const) expect(actual?.[key]).toBeCloseTo(expected[key], 9);
}

describe("throughputs and timesFaster", () => {
  // The hand-written function and decideTrusted decide 10,000 cases 10 times a pass; json-rules-engine
  // decides them once, in 2.5 s of CPU time against decideTrusted's 0.5 s for ten times the cases.
  const hand = { name: "hand-written", cases: 100_000, passes: passes([0.1, 0.2, 0.1], [0.2, 0.2, 0.3]) };
  const decide = { name: "compiled", cases: 100_000, passes: passes([0.5, 1.0, 0.3]) };
  const jsonRules = { name: "json-rules-engine", cases: 10_000, passes: passes([2.5, 5.0, 3.0]) };

  it("gives each engine's time per case over the first engine's, round by round, from CPU time", () => {
    const [h, d, j] = throughputs([hand, decide, jsonRules]);
    expectSpread(h!.vsHandwritten, { median: 1, min: 1, max: 1, rounds: 3 });
    expectSpread(d!.vsHandwritten, { median: 5, min: 3, max: 5, rounds: 3 });
    expectSpread(j!.vsHandwritten, { median: 250, min: 250, max: 300, rounds: 3 });
  });

  it("keeps the rate of the median wall-clock pass and every pass", () => {
    const [h, , j] = throughputs([hand, decide, jsonRules]);
    expect(h).toMatchObject({ engine: "hand-written", cases: 100_000, passes: [0.2, 0.2, 0.3], median: 0.2, casesPerSecond: 500_000 });
    expect(h!.cpuPasses).toEqual([0.1, 0.2, 0.1]);
    expect(j!.casesPerSecond).toBe(10_000 / 3);
  });

  it("counts how many times faster one engine is than another per case", () => {
    // Per case: decideTrusted 5, 10, 3 us; json-rules-engine 250, 500, 300 us.
    expectSpread(timesFaster(decide, jsonRules), { median: 50, min: 50, max: 100, rounds: 3 });
  });
});

describe("stepOrder", () => {
  it("runs every engine once a step, reversed at every other step", () => {
    expect(stepOrder(3, 0)).toEqual([0, 1, 2]);
    expect(stepOrder(3, 1)).toEqual([2, 1, 0]);
    expect(stepOrder(3, 2)).toEqual([0, 1, 2]);
  });
});

describe("runInterleaved", () => {
  it("warms every engine up, then runs each round's parts in turn across the engines", async () => {
    const calls: string[] = [];
    const engine = (name: string, warmUp: boolean) => ({
      name,
      cases: 4,
      parts: [() => void calls.push(`${name}1`), () => void calls.push(`${name}2`)],
      ...(warmUp ? { warmUp: () => void calls.push(`${name} warm-up`) } : {}),
    });
    const timed = await runInterleaved([engine("a", false), engine("b", true)], 2, () => {});
    expect(calls).toEqual([
      // warm-up: a's parts in order, b's own warm-up
      "a1", "a2", "b warm-up",
      // round 1: steps 0 and 1
      "a1", "b1", "b2", "a2",
      // round 2: steps 2 and 3
      "a1", "b1", "b2", "a2",
    ]);
    expect(timed.map((t) => [t.name, t.cases, t.passes.length])).toEqual([
      ["a", 4, 2],
      ["b", 4, 2],
    ]);
    for (const pass of timed.flatMap((t) => t.passes)) {
      expect(pass.wall).toBeGreaterThanOrEqual(0);
      expect(pass.cpu).toBeGreaterThanOrEqual(0);
    }
  });

  it("waits for an engine that answers asynchronously before stopping its clock", async () => {
    let finished = false;
    const slow = { name: "async", cases: 1, parts: [() => new Promise<void>((done) => setTimeout(() => ((finished = true), done()), 30))] };
    const [timed] = await runInterleaved([slow], 1, () => {});
    expect(finished).toBe(true);
    expect(timed!.passes[0]!.wall).toBeGreaterThan(0.02);
  });

  it("refuses engines split into different numbers of parts", async () => {
    const one = { name: "one", cases: 1, parts: [() => {}] };
    const two = { name: "two", cases: 1, parts: [() => {}, () => {}] };
    await expect(runInterleaved([one, two], 1, () => {})).rejects.toThrow(/different numbers of parts/);
  });
});
