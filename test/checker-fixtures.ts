// Shared fixtures for the checker tests: a small spine schema and a policy template, checked
// through an in-memory file host.

import { expect } from "vitest";
import { checkSource, type CheckResult, type FileHost } from "../src/check/checker.js";
import type { Diagnostic } from "../src/diagnostics.js";

export const SCHEMA_PATH = "fixtures/schema/spine.pol";
export const POLICY_PATH = "fixtures/policies/sij.pol";

export const SCHEMA = `schema spine "Interventional spine pain cases"

enum Side "side of the body" { left right bilateral }
enum Purpose "purpose of the request" { diagnostic therapeutic }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  side: Side "side treated"
  relief: percent "percent pain relief"
  relief_duration: duration "how long the relief lasted"
  pain_before: number "pain score before"
  pain_after: number "pain score after"
  score_relief: percent = (pain_before - pain_after) / pain_before as percent "relief computed from the scores"
}

record Therapy "conservative therapy episode" dated by start to finish {
  kind: text "kind of therapy"
  start: date "first day"
  finish: date "last day"
  sessions: number "number of sessions"
}

record Diagnosis "diagnosis" {
  code: code "diagnosis code"
}

case {
  pain_onset: date "date the pain began"
  procedures: list of Procedure "prior procedures"
  therapies: list of Therapy "conservative therapy episodes"
  diagnoses: list of Diagnosis "diagnoses"
  imaging_done: bool "imaging was done"
}

item {
  code: code "requested procedure code"
  purpose: Purpose "diagnostic or therapeutic purpose"
  side: Side "side to treat"
}
`;

export const HEADER = `policy truecare.sij
  title "Sacroiliac joint procedures"
  payer "TrueCare"
  number "MM-1463"
  version "2025-02-26"
  effective 2025-07-01

use "../schema/spine.pol"

codes sij_injection "sacroiliac joint injection" = cpt { 27096 64451 G0260 }
`;

/** A rule with one criterion whose condition is `condition`. */
export function ruleWith(condition: string): string {
  return `
rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
  for sij_injection

  require B1 [D.I.B.1] "the criterion under test"
    ${condition}
`;
}

export function memoryHost(files: Record<string, string>): FileHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(path: string): string | undefined {
      reads.push(path);
      return files[path];
    },
  };
}

/** Check `HEADER + body` as the policy at POLICY_PATH, with the fixture schema available. */
export function checkPolicy(body: string, files: Record<string, string> = {}): CheckResult & { source: string } {
  const source = HEADER + body;
  const result = checkSource(source, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA, ...files }));
  // The fixtures declare lets and code sets for many tests at once: their being unused is no finding.
  const diagnostics = result.diagnostics.filter((d) => d.code !== "POL4023" && d.code !== "POL4024");
  return { ...result, diagnostics, source };
}

/** Check a policy whose only criterion has `condition`. */
export function checkCondition(condition: string, lets = ""): CheckResult & { source: string } {
  return checkPolicy(lets + ruleWith(condition));
}

/** The text a diagnostic points at. */
export function spanText(result: CheckResult, diagnostic: Diagnostic): string {
  const text = result.sources.get(diagnostic.span.file) ?? "";
  return text.slice(diagnostic.span.start.offset, diagnostic.span.end.offset);
}

/** Assert exactly one diagnostic and return it with the text it points at. */
export function single(result: CheckResult): Diagnostic & { text: string } {
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toHaveLength(1);
  const diagnostic = result.diagnostics[0]!;
  return { ...diagnostic, text: spanText(result, diagnostic) };
}
