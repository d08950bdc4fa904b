// An inline schema and policy that together use every expression form the code generator
// handles, checked through an in-memory file host. Shared by the code generator's tests.

import { checkSource, type FileHost } from "../../src/check/checker.js";
import type { CheckedPolicy } from "../../src/model.js";

export const FIXTURE_SCHEMA_PATH = "fixtures/schema/codegen.pol";
export const FIXTURE_POLICY_PATH = "fixtures/policies/codegen-demo.pol";

export const FIXTURE_SCHEMA = `schema codegen "Cases for the code generator's tests"

enum Side "side of the body" { left right bilateral }
enum Purpose "purpose of the request" { diagnostic therapeutic }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  side: Side "side treated"
  purpose: Purpose "purpose of the procedure"
  relief: percent "percent pain relief"
  relief_duration: duration "how long the relief lasted"
  pain_before: number "pain score before"
  pain_after: number "pain score after"
  functional_improvement: bool "function improved"
  score_relief: percent = (pain_before - pain_after) / pain_before as percent "relief computed from the scores"
  lasting: bool = relief_duration >= 2wk "the relief lasted at least two weeks"
}

record Therapy "conservative therapy episode" dated by start to finish {
  kind: text "kind of therapy"
  start: date "first day"
  finish: date "last day"
  sessions: number "number of sessions"
}

record Diagnosis "diagnosis" {
  code: code "diagnosis code"
  noted: date "date the diagnosis was noted"
}

record Visit "office visit" dated by date {
  date: date "date of the visit"
  diagnoses: list of Diagnosis "diagnoses made at the visit"
}

record Case "a record whose type name collides with the case interface" {
  note: text "a note"
}

case {
  pain_onset: date "date the pain began"
  procedures: list of Procedure "prior procedures"
  therapies: list of Therapy "conservative therapy episodes"
  diagnoses: list of Diagnosis "diagnoses"
  imaging_done: bool "imaging was done"
  pain_score: number "current pain score"
  severe_pain: bool "current pain score of 7 or more" = pain_score >= 7
  visits: list of Visit "office visits"
  plan_year_start: date "first day of the plan year"
}

item {
  code: code "requested procedure code"
  purpose: Purpose "diagnostic or therapeutic purpose"
  side: Side "side to treat"
  units: number "units requested"
}
`;

export const FIXTURE_POLICY = `policy demo.codegen_fixture
  title "Code generator fixture"
  payer "Test Payer"
  number "T-1"
  version "2025-01-01"
  effective 2025-01-01
  expires 2026-12-31

use "../schema/codegen.pol"

codes sij_injection "sacroiliac joint injection" = cpt { 27096 64451 G0260 }
codes facet "facet joint injection" = cpt { 64490-64495 }
codes zoster "herpes zoster" = icd10 { B02.* }
codes imaging "image guidance" = cpt { 77002 77003, 77012 }
codes unused_set "a code set no rule uses" = cpt { 99999 }

let sij_history "prior SIJ injections" = procedures where code in sij_injection
let recent_sij "SIJ injections in the last 12 months" = sij_history within 12mo
let last_sij "the latest SIJ injection" = latest sij_history
let first_sij "the first SIJ injection" = earliest procedures where code in sij_injection
let therapy_days "days of therapy in the last 6 months" = coverage of therapies within 6mo
let well_relieved "the last injection relieved pain" = last_sij.relief >= 75% or last_sij.score_relief >= 75%
let last_visit "the latest office visit" = latest visits
let unused_let "a let no rule uses" = count procedures

rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
  for sij_injection when item.purpose == therapeutic

  require B1 [D.I.B.1] "the last SIJ injection gave at least 75% relief and better function"
    well_relieved and last_sij.functional_improvement

  require B2 [D.I.B.2] "at least two months since the last SIJ injection"
    no sij_history or time since last_sij.date >= 2mo

  require B3 [D.I.B.3] "no more than 4 injections at this site in the last 12 months"
    count sij_history where side == item.side or side == bilateral within 12mo <= 4

  require B4 [D.I.B.4] "six weeks of therapy in six months"
    therapy_days >= 6wk or coverage of therapies where kind == "physical" >= 42d

  require B5 [D.I.B.5] "relief lasted long enough"
    sum relief_duration of recent_sij >= 3wk and some recent_sij where lasting

  require B6 [D.I.B.6] "pain began long enough ago"
    3mo <= time since pain_onset and time between pain_onset and first_sij.date < 1y

  deny B7 [D.I.B.7] "a diagnosis of herpes zoster near another procedure"
    when some d in diagnoses where d.code in zoster
      and (some procedures where date >= d.noted - 7d and date <= d.noted + 2wk and code not in sij_injection)

  not covered B8 [D.I.B.8] "imaging alone"
    when all(imaging_done, not (pain_score > 2), any(item.units > 1, -pain_score < -8, severe_pain))

  bundle B9 [D.I.B.9] "imaging billed with the injection"
    when some other_items where code in imaging

  require B10 [D.I.B.10] "dates line up"
    pain_onset + 30d <= dos and dos - pain_onset >= 14d and pain_onset < 2025-06-30
      and (first_sij.date + first_sij.relief_duration <= dos or count items >= 1)

  require B11 [D.I.B.11] "at most 6 a calendar year, with the lines of this request already granted"
    count sij_history within calendar year + count earlier_items where code in sij_injection < 6

  require B12 [D.I.B.12] "two weeks of therapy or at most 3 injections this plan year"
    coverage of therapies within plan year >= 14d or count sij_history within plan year <= 3

  require B13 [D.I.B.13] "the latest SIJ injection met the diagnostic criteria on its date"
    no sij_history or diagnostic_history as of last_sij.date

rule diagnostic_history "Diagnostic criteria on the case's history" [D.I.A]
  for sij_injection when item.purpose == diagnostic

  require A1 [D.I.A.1] "pain for three months" time since pain_onset >= 3mo

  require A2 [D.I.A.2] "at most one earlier injection in 12 months" count recent_sij <= 1

rule facet_block "Facet joint injection" [D.II]
  for facet

  deny F1 [D.II.1] "facet injections are excluded"

  require F2 [D.II.2] "score relief computed from pain scores"
    some procedures where code in facet and score_relief >= 50% and pain_before > 0

  deny F3 [D.II.3] "zoster noted at a visit, or at the latest visit"
    when (some visits where some diagnoses where code in zoster and noted <= date)
      or count last_visit.diagnoses where code in zoster >= 1

  require F4 [D.II.4] "therapy of a listed kind, or imaging"
    some therapies where kind == "physical" or kind == "chiropractic" or kind == "massage" or imaging_done

  waive F5 [D.II.5] "severe pain with imaging on file waives the exclusion and the therapy"
    for F1, F4 when imaging_done and severe_pain

  prior authorization F6 [D.II.6] "more than one unit needs prior authorization"
    when item.units > 1

  refer F7 [D.II.7] "bilateral facet injections are reviewed case by case"
    when item.side == bilateral

rule imaging_alone "Image guidance without an SIJ injection" [D.III]
  for imaging when no other_items where code in sij_injection

  approve G1 [D.III] "image guidance on its own is covered"

rule repeated_lines "Lines repeated within a request" [D.IV]
  for sij_injection

  deny R1 [D.IV] "an earlier line of this request already treats this side with more than one unit"
    when some earlier_items where code in sij_injection and side == item.side and units > 1
`;

export function fixtureHost(): FileHost {
  const files: Record<string, string> = { [FIXTURE_SCHEMA_PATH]: FIXTURE_SCHEMA };
  return { readFile: (path) => files[path] };
}

/** The fixture policy, checked; throws with the diagnostics when it does not check clean. */
export function fixturePolicy(): CheckedPolicy {
  const result = checkSource(FIXTURE_POLICY, FIXTURE_POLICY_PATH, fixtureHost());
  if (!result.policy) {
    const messages = result.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`);
    throw new Error(`the code generator fixture does not check:\n${messages.join("\n")}`);
  }
  return result.policy;
}
