// Two schemas, one extending the other, and a policy over the extending one, checked through an
// in-memory file host: an enum compared member by member gains a member (`Side`), one compared by
// the handle's members gains one (`Kind`), one stays as it is (`Tone`); `Visit` gains fields (one
// of an extended enum), `Scan` gains none but its enums gain members, `Referral` gains none but
// holds scans, `Note` gains none and is taken whole, the case gains a field. The schema modules' golden baselines and their own reads'
// tests run on it.

import { checkSource, type CheckResult, type FileHost } from "../../src/check/checker.js";
import type { CheckedPolicy } from "../../src/model.js";

export const BASE_SCHEMA = `schema reads_base "the schema extended"

enum Side "side" { left right bilateral }
enum Kind "kind" { rest ice heat tens manipulation }
enum Tone "tone" { low high }

record Visit "a visit" dated by date {
  date: date "date of the visit"
  side: Side "side"
  kind: Kind "kind"
  tone: Tone "tone"
  score: number "score"
  length: duration "length"
}

record Scan "a scan" dated by date {
  date: date "date of the scan"
  side: Side "side scanned"
  kind: Kind "kind of therapy it followed"
}

record Referral "a referral" dated by date {
  date: date "date of the referral"
  scans: list of Scan "scans the referral names"
}

record Note "a note" dated by date {
  date: date "date of the note"
  tone: Tone "tone"
}

case {
  visits: list of Visit "visits"
  notes: list of Note "notes"
  scans: list of Scan "scans"
  referrals: list of Referral "referrals"
}

item {
  code: code "requested procedure code"
}
`;

export const EXTENDED_SCHEMA = `schema reads_plan "the schema extending it"

use "reads-base.pol"

extend enum Side { unilateral }
extend enum Kind { massage }

extend record Visit {
  relief: percent "relief"
  level: Side "level"
}

extend case {
  severity: Tone "severity"
}
`;

export const EXTENDING_POLICY = `policy t.extending
  title "Reads of an extending schema"
  payer "Test"
  number "T-2"
  version "2025-01-01"
  effective 2025-01-01

use "../schema/reads-plan.pol"

codes visit_codes "visit codes" = cpt { 11111 }

rule r "a rule" [1]
  for visit_codes

  require a [1.a] "a visit of one side"
    some visits where side == unilateral and kind == massage and relief >= 50%

  require b [1.b] "a note of high tone, or a severe case"
    some notes where tone == high or severity == high
`;

/** A policy over the base schema alone, which compiles the base's module too. */
export const BASE_POLICY = `policy t.base
  title "Reads of the base schema"
  payer "Test"
  number "T-3"
  version "2025-01-01"
  effective 2025-01-01

use "../schema/reads-base.pol"

codes visit_codes "visit codes" = cpt { 11111 }

rule r "a rule" [1]
  for visit_codes

  require a [1.a] "a visit of the left side"
    some visits where side == left
`;

const FILES: Record<string, string> = { "fixtures/schema/reads-plan.pol": EXTENDED_SCHEMA, "fixtures/schema/reads-base.pol": BASE_SCHEMA };

/** The schemas' files, read from memory. */
export function extendingHost(): FileHost {
  return { readFile: (path) => (Object.hasOwn(FILES, path) ? FILES[path] : undefined) };
}

/** The policy over the extending schema, checked. */
export function checkExtending(): CheckResult {
  return checkSource(EXTENDING_POLICY, "fixtures/policies/extending-demo.pol", extendingHost());
}

/** The checked policy; throws when it does not check. */
export function extendingPolicy(): CheckedPolicy {
  const result = checkExtending();
  if (!result.policy) throw new Error(`the extending fixture does not check:\n${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")}`);
  return result.policy;
}
