// An inline schema and policy that use the language's counting, ordering and naming constructs
// (distinct counts, ordinal selection, named elements, calendar-month coverage, member sets,
// ordered enums, `documented`), checked through an in-memory file host. The differential and
// information properties run on it beside the real policies.

import { checkSource, type FileHost } from "../../src/check/checker.js";
import type { CheckedPolicy } from "../../src/model.js";

export const CONSTRUCTS_SCHEMA_PATH = "fixtures/schema/constructs.pol";
export const CONSTRUCTS_POLICY_PATH = "fixtures/policies/constructs-demo.pol";

export const CONSTRUCTS_SCHEMA = `schema constructs "Cases for the language constructs' tests"

enum Severity "pain severity" ordered { none mild moderate severe }
enum Kind "kind of therapy" { physical_therapy chiropractic massage home_exercise }
enum Level "spinal level" { L3_L4 L4_L5 L5_S1 }
enum Anesthetic "local anesthetic" { lidocaine bupivacaine ropivacaine }

record Block "diagnostic block" dated by date {
  date: date "date of the block"
  anesthetic: Anesthetic "local anesthetic used for the block"
  relief: percent "percent pain relief after the block"
  relief_duration: duration "how long the relief after the block lasted"
}

record Injection "prior epidural injection" dated by date {
  date: date "date of the injection"
  level: Level "level injected"
  relief: percent "percent pain relief after the injection"
  drug_class: text "class of the drug injected"
  muscles: list of text "muscles injected in the session"
}

record Visit "therapy visit" dated by date {
  date: date "date of the visit"
  kind: Kind "kind of therapy"
}

record Therapy "conservative therapy episode" dated by start to end {
  kind: Kind "kind of therapy"
  start: date "first day of the therapy"
  end: date "last day of the therapy"
}

case {
  severity: Severity "current pain severity"
  injections: list of Injection "prior epidural injections"
  visits: list of Visit "therapy visits"
  therapies: list of Therapy "conservative therapy episodes"
  blocks: list of Block "diagnostic blocks"
}

item {
  code: code "requested procedure code"
  level: Level "level to inject"
  levels: list of Level "levels the request covers"
  muscle: text "muscle to inject"
}
`;

export const CONSTRUCTS_POLICY = `policy demo.constructs
  title "Language constructs"
  payer "Test Payer"
  number "T-2"
  version "2025-01-01"
  effective 2025-01-01

use "../schema/constructs.pol"

codes epidural "epidural steroid injection" = cpt { 62321 62323 64483 64484 }

table action_time "how long each local anesthetic acts" by Anesthetic {
  lidocaine 2h
  bupivacaine 8h
  ropivacaine 6h
}

let last_block "the latest diagnostic block" = latest blocks
let first_three "the first three injections" = earliest 3 of injections
let before_latest "the injection before the latest one" = earliest (latest 2 of injections)
let sessions "injection sessions in 12 months (distinct dates and levels)" =
  count distinct date, level of injections within 12mo

rule esi "Epidural steroid injection" [E.1]
  for epidural

  require E1 [E.1.a] "pain of at least moderate severity"
    severity >= moderate

  require E2 [E.1.b] "at least 3 months of conservative therapy in the last 6 months"
    coverage of therapies where kind in {physical_therapy, chiropractic, home_exercise} within 6mo >= 3mo

  deny E3 [E.1.c] "the first three injections gave no relief"
    when count first_three >= 3 and no first_three where relief >= 50%

  deny E4 [E.1.d] "more than 4 injection sessions in 12 months"
    when sessions > 4

  require E5 [E.1.e] "at least 4 therapy visits within some 6-week span"
    some v in visits where count visits where date >= v.date and date <= v.date + 6wk >= 4

  require E6 [E.1.f] "the relief of the injection before the latest is documented"
    count injections < 2 or documented before_latest.relief

  require E7 [E.1.g] "injections of at least two different drug classes, or one class with relief"
    count distinct drug_class of injections >= 2
      or some a in injections where a.relief >= 50% and no injections where drug_class != a.drug_class

  deny E8 [E.1.h] "a repeat injection at the same level within 6 weeks"
    when some injections where level == item.level within 6wk

  require E10 [E.1.j] "the last block gave 80% relief lasting as long as its anesthetic acts"
    no blocks or last_block.relief >= 80% and last_block.relief_duration >= action_time of last_block.anesthetic

  note E11 [E.1.k] "a day or more of relief in all blocks together"
    when sum relief_duration of blocks >= 24h

  deny E12 [E.1.l] "a level of the request, or its muscle, injected within 6 weeks"
    when some injections where (level in item.levels or item.muscle in muscles) within 6wk

  not covered E9 [E.1.i] "massage alone"
    when some visits and no visits where kind not in {massage}
`;

export function constructsHost(): FileHost {
  const files: Record<string, string> = { [CONSTRUCTS_SCHEMA_PATH]: CONSTRUCTS_SCHEMA };
  return { readFile: (path) => files[path] };
}

/** The constructs policy, checked; throws with the diagnostics when it does not check clean. */
export function constructsPolicy(): CheckedPolicy {
  const result = checkSource(CONSTRUCTS_POLICY, CONSTRUCTS_POLICY_PATH, constructsHost());
  if (!result.policy) {
    const messages = result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}${d.help ? ` (${d.help})` : ""}`);
    throw new Error(`the constructs fixture does not check:\n${messages.join("\n")}`);
  }
  return result.policy;
}
