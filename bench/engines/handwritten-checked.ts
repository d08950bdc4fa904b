// The hand-written function again, with every read checked as pol checks it: the figure that
// separates what exactness costs from what pol's generality costs. Like handwritten.ts it decides
// the one requested item of the rule's codes with a therapeutic purpose, in one pass over the
// prior procedures with small integers for three-valued logic and an early return on the first
// criterion definitely not met. Unlike it, it takes nothing on trust (docs/semantics.md,
// "Malformed values and the entry points"): a date that is no calendar date, a side, purpose or
// injectate that is no member of its enum, a blank code, a percent outside 0-100, a duration not
// written `42d`/`6wk`/`4h`, a boolean that is not one, is unknown; a `procedures` list that is
// absent, not a list, or holds anything but records is unknown; codes compare upper-cased without
// dots or surrounding blanks, texts (the muscle) in their normalised form, `time since` in
// calendar months clamped to the month's end, and an invalid date of service pends the item.
// Written from the policies and the semantics page; the checks and calendar are in checks.ts.
//
//   SIJ (TrueCare MM-1463): sij_therapeutic B1_relief B1_function B2 B3 B4 B5_left B5_right,
//     sij_injection_limits C3_same_day C3_last_week C6, sij_device_report D3.
//   TPI (Cigna 0139): tpi_therapeutic TP1_response TP1a_* TP1b_program TP1_agent TP2_*,
//     tpi_rolling_cap TP3.
//
// Like the corpus, it takes the item's code and purpose as given (a code of the rule, therapeutic)
// and the case as one item: with those unknown, other rules may apply, which this does not decide.

import type { BenchCase, CaseInput } from "../corpus.js";
import {
  INJECTATES,
  LatestByDay,
  NO_DAY,
  PURPOSES,
  addMonths,
  checkedBool,
  checkedCode,
  checkedDay,
  checkedDurationDays,
  checkedPercent,
  checkedSide,
  checkedText,
  enumIs,
  inDigitRange,
} from "./checks.js";
import type { Decision } from "./decision.js";
import { DistinctDates, F, T, U, type Tri } from "./history.js";

const latest = new LatestByDay();
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

type Row = Record<string, unknown>;

/** Whether an element of a list is a record: a list holding anything else is unknown as a whole. */
function isRecord(element: unknown): element is Row {
  return typeof element === "object" && element !== null && !Array.isArray(element);
}

/** `date within [first, last]` for a date's day number (NO_DAY: unknown). */
function inWindow(day: number, first: number, last: number): Tri {
  return day === NO_DAY ? U : first <= day && day <= last ? T : F;
}

/** `time since date >= months mo` at the date of service, for a valid date. */
function monthsSince(date: string, dosDay: number, months: number): Tri {
  return addMonths(date, months) <= dosDay ? T : F;
}

// --- TrueCare MM-1463, therapeutic SIJ injection

/** A normalised code's membership: 1 an SIJ injection, 2 other neural blockade, 0 neither. */
function sijKind(code: string): number {
  if (code === "27096" || code === "64451" || code === "G0260") return 1;
  return inDigitRange(code, 62320, 62327) ||
    inDigitRange(code, 64400, 64450) ||
    code === "64454" ||
    inDigitRange(code, 64461, 64463) ||
    inDigitRange(code, 64479, 64484) ||
    inDigitRange(code, 64486, 64495) ||
    inDigitRange(code, 64505, 64530)
    ? 2
    : 0;
}

function sijTherapeutic(input: CaseInput): Decision {
  const dos = input.date_of_service;
  const dosDay = checkedDay(dos);
  if (dosDay === NO_DAY) return "pended";
  if (dos < "2025-07-01") return "policy_not_in_effect";
  const item = input.items[0]!;
  let unknown = false;

  const b2 = or2(checkedBool(input.return_of_pain), checkedBool(input.functional_deterioration));
  const b3 = checkedBool(input.conservative_therapy_planned);
  const d3 = or2(not(checkedBool(input.implanted_device)), checkedBool(input.device_interrogation_report));
  const diagnosis = checkedCode(item.diagnosis);
  const c6: Tri = diagnosis === undefined ? U : diagnosis.startsWith("B02") ? F : T; // deny: met when not zoster
  if (b2 === F || b3 === F || d3 === F || c6 === F) return "denied";
  if (b2 === U || b3 === U || d3 === U || c6 === U) unknown = true;

  const side = checkedSide(item.side);
  const itemBilateral: Tri = side === undefined ? U : side === "bilateral" ? T : F;
  const yearStart = addMonths(dos, -12);
  // A history that is not a list of records leaves every history criterion unknown (B1_relief
  // among them), and no other criterion is false by now: the item is pended, here or in the pass.
  const procedures: unknown = input.procedures;
  if (!Array.isArray(procedures)) return "pended";

  let sameSome = false;
  let sameUnknown = false;
  leftDates.reset();
  rightDates.reset();
  let blockLastWeek: Tri = F;
  latest.reset();

  for (let index = 0; index < procedures.length; index++) {
    const p: unknown = procedures[index];
    if (!isRecord(p)) return "pended";
    const code = checkedCode(p.code);
    const kind = code === undefined ? -1 : sijKind(code);
    if (kind === 0) continue;
    const day = checkedDay(p.date);
    // An unknown code may be an SIJ injection and may be other neural blockade.
    const sij: Tri = kind === 1 ? T : kind === -1 ? U : F;
    if (sij !== F) {
      const pside = checkedSide(p.side);
      // sij_same_joint: same side, or either is bilateral.
      const sameSide: Tri = pside === undefined || side === undefined ? U : pside === side ? T : F;
      const pBilateral: Tri = pside === undefined ? U : pside === "bilateral" ? T : F;
      const member = and2(sij, or2(or2(sameSide, pBilateral), itemBilateral));
      if (member === T) sameSome = true;
      else if (member === U) sameUnknown = true;
      latest.add(member, day, index);
      // B5: within 12 months, by joint (a bilateral injection treats both).
      const inYear = and2(sij, inWindow(day, yearStart, dosDay));
      if (inYear !== F) {
        const date = day === NO_DAY ? undefined : (p.date as string);
        leftDates.add(and2(pside === undefined ? U : pside !== "right" ? T : F, inYear), date);
        rightDates.add(and2(pside === undefined ? U : pside !== "left" ? T : F, inYear), date);
      }
    }
    if (kind !== 1 && blockLastWeek !== T) {
      const block = and2(kind === 2 ? T : U, inWindow(day, dosDay - 6, dosDay));
      if (block !== F) blockLastWeek = block;
    }
  }
  if (blockLastWeek === T) return "denied"; // C3_last_week
  if (blockLastWeek === U) unknown = true;

  const b5Left = or2(side === undefined ? U : side === "right" ? T : F, leftDates.atMost(4));
  const b5Right = or2(side === undefined ? U : side === "left" ? T : F, rightDates.atMost(4));
  const noneSame: Tri = sameSome ? F : sameUnknown ? U : T;

  let b1Relief: Tri;
  let b1Function: Tri;
  let elapsed: Tri;
  if (latest.unknown) {
    b1Relief = U;
    b1Function = U;
    elapsed = U;
  } else if (latest.bestIndex < 0) {
    // No such injection: comparisons on its fields are not met.
    b1Relief = F;
    b1Function = F;
    elapsed = F;
  } else {
    const last = procedures[latest.bestIndex] as Row;
    const relief = checkedPercent(last.relief);
    b1Relief = relief < 0 ? U : relief >= 75 ? T : F;
    b1Function = checkedBool(last.functional_improvement);
    elapsed = monthsSince(last.date as string, dosDay, 2);
  }
  const b4 = or2(noneSame, elapsed);
  if (b1Relief === F || b1Function === F || b4 === F || b5Left === F || b5Right === F) return "denied";
  if (unknown || b1Relief === U || b1Function === U || b4 === U || b5Left === U || b5Right === U) return "pended";
  return "approved";
}

// --- Cigna 0139, therapeutic trigger point injection

function tpiTherapeutic(input: CaseInput): Decision {
  const dos = input.date_of_service;
  const dosDay = checkedDay(dos);
  if (dosDay === NO_DAY) return "pended";
  if (dos < "2024-11-01") return "policy_not_in_effect";
  const item = input.items[0]!;
  let unknown = false;

  const condition = or2(
    or2(checkedBool(input.low_back_pain), checkedBool(input.upper_back_pain)),
    or2(checkedBool(input.neck_pain), checkedBool(input.myofascial_pain_syndrome)),
  );
  const onset = checkedDay(input.pain_onset);
  const duration: Tri = onset === NO_DAY ? U : dosDay - onset >= 28 ? T : F;
  const persists = checkedBool(input.pain_persists);
  const program = checkedBool(input.active_treatment_program);
  const agent = not(enumIs(item.injectate, "other_agent", INJECTATES));
  if (condition === F || duration === F || persists === F || program === F || agent === F) return "denied";
  if (condition === U || duration === U || persists === U || program === U || agent === U) unknown = true;

  // As for SIJ: a history that is not a list of records leaves TP1_response, TP2_* and TP3 unknown.
  const procedures: unknown = input.procedures;
  if (!Array.isArray(procedures)) return "pended";
  const muscle = checkedText(item.muscle);
  const yearStart = addMonths(dos, -12);
  let response: Tri = F;
  let sameDefinite = 0;
  let samePossible = 0;
  sessionDates.reset();
  let capDefinite = 0;
  let capPossible = 0;
  latest.reset();

  for (let index = 0; index < procedures.length; index++) {
    const p: unknown = procedures[index];
    if (!isRecord(p)) return "pended";
    const code = checkedCode(p.code);
    const tpi: Tri = code === undefined ? U : code === "20552" || code === "20553" ? T : F;
    if (tpi === F) continue;
    const day = checkedDay(p.date);
    const purpose = p.purpose;
    // TP1_response: a stabilization injection with some relief or better function.
    if (response !== T) {
      const stabilization = and2(tpi, enumIs(purpose, "diagnostic", PURPOSES));
      if (stabilization !== F) {
        const relief = checkedPercent(p.relief);
        const benefit = or2(relief < 0 ? U : relief > 0 ? T : F, checkedBool(p.functional_improvement));
        const member = and2(stabilization, benefit);
        if (member === T) response = T;
        else if (member === U) response = U;
      }
    }
    // TP2: therapeutic sessions of the requested muscle.
    const therapeutic = and2(tpi, enumIs(purpose, "therapeutic", PURPOSES));
    let member: Tri = F;
    if (therapeutic !== F) {
      const pmuscle = checkedText(p.muscle);
      member = and2(therapeutic, pmuscle === undefined || muscle === undefined ? U : pmuscle === muscle ? T : F);
    }
    if (member === T) sameDefinite++;
    else if (member === U) samePossible++;
    sessionDates.add(member, day === NO_DAY ? undefined : p.date);
    latest.add(member, day, index);
    // TP3: every trigger point injection in the last 12 months.
    const inCap = and2(tpi, inWindow(day, yearStart, dosDay));
    if (inCap === T) capDefinite++;
    else if (inCap === U) capPossible++;
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
  } else if (latest.bestIndex < 0) {
    interval = F;
    relief = F;
    reliefDuration = F;
  } else {
    const last = procedures[latest.bestIndex] as Row;
    interval = monthsSince(last.date as string, dosDay, 2);
    const lastRelief = checkedPercent(last.relief);
    relief = lastRelief < 0 ? U : lastRelief > 50 ? T : F;
    const lasted = checkedDurationDays(last.relief_duration);
    reliefDuration = lasted < 0 ? U : lasted >= 42 ? T : F;
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

export function decideByHandChecked(c: BenchCase): Decision {
  return c.policy === "sij" ? sijTherapeutic(c.input) : tpiTherapeutic(c.input);
}
