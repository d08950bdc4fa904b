// The ceiling: the item-level decision of the two therapeutic rules written by hand for speed.
// One pass over the prior procedures, small integers for three-valued logic, dates compared as
// ISO strings or day numbers, early return on the first criterion that is definitely not met.
//
// It encodes exactly what the policies say for a single requested item of the rule's codes with
// a known therapeutic purpose (the corpus never drops codes or the purpose): every criterion of
// every rule that then applies, Kleene logic over missing facts, exact ranges for counts, and the
// runtime's rule for `latest` over uncertain elements. Procedure codes are taken as written
// (the corpus writes them normalised); diagnosis codes are normalised as pol does.
//
//   SIJ (TrueCare MM-1463): sij_therapeutic B1_relief B1_function B2 B3 B4 B5_left B5_right,
//     sij_injection_limits C3_same_day C3_last_week C6, sij_device_report D3.
//   TPI (Cigna 0139): tpi_therapeutic TP1_response TP1a_* TP1b_program TP1_agent TP2_*,
//     tpi_rolling_cap TP3.

import type { BenchCase, CaseInput } from "../corpus.js";
import type { Decision } from "./decision.js";
import { DistinctDates, F, Latest, T, U, atMost, dayNumber, durationDays, monthsElapsed, yearBefore, type Tri } from "./history.js";

const latest = new Latest();
const leftDates = new DistinctDates();
const rightDates = new DistinctDates();
const sessionDates = new DistinctDates();

function or2(a: Tri, b: Tri): Tri {
  return a === T || b === T ? T : a === U || b === U ? U : F;
}

function and2(a: Tri, b: Tri): Tri {
  return a === F || b === F ? F : a === U || b === U ? U : T;
}

function not(value: Tri): Tri {
  return value === U ? U : value === T ? F : T;
}

/** A boolean fact: absent or null is unknown. */
function bool(value: unknown): Tri {
  return value === true ? T : value === false ? F : U;
}

/** `x == literal` for an enum or text fact. */
function equals(value: unknown, literal: string): Tri {
  return value === null || value === undefined ? U : value === literal ? T : F;
}

/** `a == b` for two facts. */
function same(a: unknown, b: unknown): Tri {
  return a === null || a === undefined || b === null || b === undefined ? U : a === b ? T : F;
}

// --- TrueCare MM-1463, therapeutic SIJ injection

/** Non-SIJ neural blockade codes of the policy's `neural_blockade` set. */
function isOtherNeuralBlockade(code: string): boolean {
  if (code.length !== 5) return false;
  const n = Number(code);
  return (
    (n >= 62320 && n <= 62327) ||
    (n >= 64400 && n <= 64450) ||
    n === 64454 ||
    (n >= 64461 && n <= 64463) ||
    (n >= 64479 && n <= 64484) ||
    (n >= 64486 && n <= 64495) ||
    (n >= 64505 && n <= 64530)
  );
}

function isSijCode(code: unknown): boolean {
  return code === "27096" || code === "64451" || code === "G0260";
}

/** `diagnosis in herpes_zoster` (ICD-10 B02.*), codes compared upper-cased without dots. */
function herpesZoster(diagnosis: unknown): Tri {
  if (typeof diagnosis !== "string") return U;
  return diagnosis.trim().replace(/\./g, "").toUpperCase().startsWith("B02") ? T : F;
}

function sijTherapeutic(input: CaseInput): Decision {
  const dos = input.date_of_service;
  if (dos < "2025-07-01") return "policy_not_in_effect";
  const item = input.items[0]!;
  let unknown = false;

  // Criteria on case facts first: a definite failure decides without the history.
  const b2 = or2(bool(input.return_of_pain), bool(input.functional_deterioration));
  const b3 = bool(input.conservative_therapy_planned);
  const d3 = or2(not(bool(input.implanted_device)), bool(input.device_interrogation_report));
  const c6 = not(herpesZoster(item.diagnosis)); // deny: met when the condition is false
  if (b2 === F || b3 === F || d3 === F || c6 === F) return "denied";
  if (b2 === U || b3 === U || d3 === U || c6 === U) unknown = true;

  const side = item.side;
  const sideKnown = typeof side === "string";
  const itemBilateral: Tri = sideKnown ? (side === "bilateral" ? T : F) : U;
  const yearStart = yearBefore(dos);
  const dosDay = dayNumber(dos);

  let sameSome = false;
  let sameUnknown = false;
  leftDates.reset();
  rightDates.reset();
  let blockLastWeek: Tri = F;
  latest.reset();

  const procedures = input.procedures;
  for (let index = 0; index < procedures.length; index++) {
    const p = procedures[index]!;
    const code = p.code as string;
    const date = p.date;
    const dated = typeof date === "string";
    if (isSijCode(code)) {
      const pside = p.side;
      // sij_same_joint: same side, or either is bilateral.
      const member = or2(or2(same(pside, side), equals(pside, "bilateral")), itemBilateral);
      if (member === T) sameSome = true;
      else if (member === U) sameUnknown = true;
      latest.add(member, p, index);
      // B5: within 12 months, by joint (a bilateral injection treats both).
      const inYear: Tri = dated ? (yearStart <= date && date <= dos ? T : F) : U;
      if (inYear !== F) {
        const left = and2(pside === null || pside === undefined ? U : pside !== "right" ? T : F, inYear);
        const right = and2(pside === null || pside === undefined ? U : pside !== "left" ? T : F, inYear);
        leftDates.add(left, date);
        rightDates.add(right, date);
      }
    } else if (blockLastWeek !== T && isOtherNeuralBlockade(code)) {
      if (!dated) blockLastWeek = U;
      else {
        const day = dayNumber(date);
        if (day <= dosDay && day >= dosDay - 6) blockLastWeek = T;
      }
    }
  }
  if (blockLastWeek === T) return "denied"; // C3_last_week
  if (blockLastWeek === U) unknown = true;

  const b5Left = or2(sideKnown ? (side === "right" ? T : F) : U, leftDates.atMost(4));
  const b5Right = or2(sideKnown ? (side === "left" ? T : F) : U, rightDates.atMost(4));
  const noneSame: Tri = sameSome ? F : sameUnknown ? U : T;

  let b1Relief: Tri;
  let b1Function: Tri;
  let elapsed: Tri;
  if (latest.unknown) {
    b1Relief = U;
    b1Function = U;
    elapsed = U;
  } else if (latest.best === null) {
    // No such injection: comparisons on its fields are not met.
    b1Relief = F;
    b1Function = F;
    elapsed = F;
  } else {
    const last = latest.best;
    const relief = last.relief;
    b1Relief = typeof relief === "number" ? (relief >= 75 ? T : F) : U;
    b1Function = bool(last.functional_improvement);
    elapsed = monthsElapsed(latest.bestDate, dos, 2) ? T : F;
  }
  const b4 = or2(noneSame, elapsed);
  if (b1Relief === F || b1Function === F || b4 === F || b5Left === F || b5Right === F) return "denied";
  if (unknown || b1Relief === U || b1Function === U || b4 === U || b5Left === U || b5Right === U) return "pended";
  return "approved";
}

// --- Cigna 0139, therapeutic trigger point injection

function isTpiCode(code: unknown): boolean {
  return code === "20552" || code === "20553";
}

function tpiTherapeutic(input: CaseInput): Decision {
  const dos = input.date_of_service;
  if (dos < "2024-11-01") return "policy_not_in_effect";
  const item = input.items[0]!;
  let unknown = false;

  const condition = or2(
    or2(bool(input.low_back_pain), bool(input.upper_back_pain)),
    or2(bool(input.neck_pain), bool(input.myofascial_pain_syndrome)),
  );
  const onset = input.pain_onset;
  const dosDay = dayNumber(dos);
  const duration: Tri = typeof onset === "string" ? (dosDay - dayNumber(onset) >= 28 ? T : F) : U;
  const persists = bool(input.pain_persists);
  const program = bool(input.active_treatment_program);
  const injectate = item.injectate;
  const agent: Tri = typeof injectate === "string" ? (injectate !== "other_agent" ? T : F) : U;
  if (condition === F || duration === F || persists === F || program === F || agent === F) return "denied";
  if (condition === U || duration === U || persists === U || program === U || agent === U) unknown = true;

  const muscle = item.muscle;
  const yearStart = yearBefore(dos);
  let response: Tri = F;
  let sameDefinite = 0;
  let samePossible = 0;
  sessionDates.reset();
  let capDefinite = 0;
  let capPossible = 0;
  latest.reset();

  const procedures = input.procedures;
  for (let index = 0; index < procedures.length; index++) {
    const p = procedures[index]!;
    if (!isTpiCode(p.code)) continue;
    const date = p.date;
    const purpose = p.purpose;
    // TP1_response: a stabilization injection with some relief or better function.
    if (response !== T) {
      const stabilization = equals(purpose, "diagnostic");
      if (stabilization !== F) {
        const relief = p.relief;
        const benefit = or2(typeof relief === "number" ? (relief > 0 ? T : F) : U, bool(p.functional_improvement));
        const member = and2(stabilization, benefit);
        if (member === T) response = T;
        else if (member === U) response = U;
      }
    }
    // TP2: therapeutic sessions of the requested muscle.
    const member = and2(equals(purpose, "therapeutic"), same(p.muscle, muscle));
    if (member === T) sameDefinite++;
    else if (member === U) samePossible++;
    sessionDates.add(member, date);
    latest.add(member, p, index);
    // TP3: every trigger point injection in the last 12 months.
    if (typeof date !== "string") capPossible++;
    else if (yearStart <= date && date <= dos) capDefinite++;
  }
  // TP3 denies at 10 or more: definite when even the uncertain ones cannot bring it below.
  if (capDefinite >= 10) return "denied";
  if (capDefinite + capPossible >= 10) unknown = true;

  // A session is a date: injections on one date are one session.
  const sessions = sessionDates.atMost(5);
  const noneSame: Tri = sameDefinite > 0 ? F : samePossible > 0 ? U : T;
  let interval: Tri;
  let relief: Tri;
  let reliefDuration: Tri;
  if (latest.unknown) {
    interval = U;
    relief = U;
    reliefDuration = U;
  } else if (latest.best === null) {
    interval = F;
    relief = F;
    reliefDuration = F;
  } else {
    const last = latest.best;
    interval = monthsElapsed(latest.bestDate, dos, 2) ? T : F;
    const lastRelief = last.relief;
    relief = typeof lastRelief === "number" ? (lastRelief > 50 ? T : F) : U;
    const lasted = last.relief_duration;
    reliefDuration = typeof lasted === "string" ? (durationDays(lasted) >= 42 ? T : F) : U;
  }
  interval = or2(noneSame, interval);
  relief = or2(noneSame, relief);
  reliefDuration = or2(noneSame, reliefDuration);
  if (response === F || sessions === F || interval === F || relief === F || reliefDuration === F) return "denied";
  if (unknown || response === U || sessions === U || interval === U || relief === U || reliefDuration === U) {
    return "pended";
  }
  return "approved";
}

export function decideByHand(c: BenchCase): Decision {
  return c.policy === "sij" ? sijTherapeutic(c.input) : tpiTherapeutic(c.input);
}
