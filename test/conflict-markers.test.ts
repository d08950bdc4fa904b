// No merge left half-done: a tracked text file with git's conflict markers would ship a broken
// README or doc without any other test noticing (tables and prose are not parsed).

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const TEXT = /\.(md|ts|mts|mjs|js|json|pol|txt|yml|yaml|html|css)$/;
const MARKER = /^(<{7} |>{7} |={7}$)/m;

describe("the repository", () => {
  it("holds no merge conflict markers in its tracked text files", () => {
    const files = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" }).split("\0").filter((f) => TEXT.test(f));
    expect(files.length).toBeGreaterThan(100);
    const marked = files.filter((file) => MARKER.test(readFileSync(file, "utf8")));
    expect(marked).toEqual([]);
  });
});
