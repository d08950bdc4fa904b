#!/usr/bin/env node
// The main job (`npm start`): compile every policy into compiled/, then evaluate each sample case
// listed in samples/samples.json with its policy and print the determinations.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

function pol(args) {
  process.stdout.write(`\n$ pol ${args.join(" ")}\n`);
  const result = spawnSync("node", ["bin/pol.js", ...args], { stdio: "inherit" });
  return result.status ?? 1;
}

let status = pol(["compile", "policies", "--out", "compiled"]);
const samples = JSON.parse(readFileSync("samples/samples.json", "utf8"));
for (const sample of samples) {
  status = Math.max(status, pol(["eval", sample.policy, sample.case]));
}
process.exitCode = status;
