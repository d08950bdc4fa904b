// The bench's profile summary splits the measured work by the pass over a list it is inside (the
// outermost pass on the stack), which docs/performance.md uses to say how much of `decideTrusted`
// the passes take. A small profile written out by hand, with the shares worked out here.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printProfileSummary, summariseProfile } from "../bench/profiling.js";

const RUNTIME = "file:///project/node_modules/@pol/runtime/dist";
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

// root → measuredWork → decideTrusted → (a ListScan that works out its candidates; candidates alone;
// a general count calling its membership; a criterion with no pass; `count` of another module).
const nodes = [
  { id: 1, callFrame: frame("(root)", ""), children: [2] },
  { id: 2, callFrame: frame("measuredWork", "file:///bench/profile.js"), children: [3] },
  { id: 3, callFrame: frame("decideTrusted", `${RUNTIME}/determine.js`), children: [4, 6, 7, 9, 10] },
  { id: 4, callFrame: frame("settled", `${RUNTIME}/scan.js`), children: [5] },
  { id: 5, callFrame: frame("compute", `${RUNTIME}/candidates.js`) },
  { id: 6, callFrame: frame("(anonymous)", `${RUNTIME}/candidates.js`) },
  { id: 7, callFrame: frame("count", `${RUNTIME}/aggregates.js`), children: [8] },
  { id: 8, callFrame: frame("stabilizationTpi", "file:///project/dist/bench/generated/cigna-tpi.js") },
  { id: 9, callFrame: frame("b3", "file:///project/dist/bench/generated/truecare-sij.js") },
  { id: 10, callFrame: frame("count", "file:///project/dist/bench/other.js") },
];
// Samples (1 ms each): 2 in the scan, 3 in the candidates the scan asked for (the scan's), 1 in
// candidates alone, 2 in the count, 2 in its membership (the count's), 4 in no pass, 6 in a `count`
// that is not the runtime's (no pass).
const samples = [4, 4, 5, 5, 5, 6, 7, 7, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10];

const dir = mkdtempSync(join(tmpdir(), "pol-profile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function summary() {
  const path = join(dir, "test.cpuprofile");
  writeFileSync(path, JSON.stringify({ nodes, samples, timeDeltas: samples.map(() => 1000) }));
  return summariseProfile(path, 5);
}

describe("the profile summary's passes over lists", () => {
  it("counts each sample once, for the outermost pass of the runtime on its stack", () => {
    expect(summary().passes).toEqual([
      { pass: "ListScan", share: 5 / 20 },
      { pass: "count", share: 4 / 20 },
      { pass: "candidates", share: 1 / 20 },
    ]);
  });

  it("prints them after the files, with their sum", () => {
    const printed = printProfileSummary(summary()).split("\n");
    const at = printed.findIndex((line) => line.startsWith("time inside passes over lists"));
    expect(printed[at]).toBe("time inside passes over lists, by the outermost pass (50.0% in all):");
    expect(printed.slice(at + 1)).toEqual(["   25.0%  ListScan", "   20.0%  count", "    5.0%  candidates"]);
  });
});
