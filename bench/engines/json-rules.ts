// The same criteria in json-rules-engine, written the way that library is meant to be used.
//
// json-rules-engine compares facts with operators; it cannot filter or aggregate a list. So the
// list-level work (which prior injections are of this joint, the latest of them, counts in a
// window, whether any stabilization injection helped) is done by fact preparation in JavaScript,
// and every criterion, threshold and piece of three-valued logic is a JSON condition. A missing
// fact is `null`, an absent event (`latest` of an empty list) is the string "none", so numeric
// operators fail on both, as pol's comparisons are not met on none.
//
// Each criterion becomes two rules, "definitely not met" and "unknown", built from a Kleene
// formula: true(a or b) = any(true a, true b), false(a or b) = all(false a, false b), and unknown
// = neither. The outcome is then: not in effect, else denied on any not-met event, else pended
// on any unknown event, else approved.

import { Engine, type NestedCondition, type TopLevelCondition } from "json-rules-engine";
import type { BenchCase, CaseInput, PolicyKey } from "../corpus.js";
import { EFFECTIVE } from "../corpus.js";
import { DistinctDates, F, Latest, T, U, dayNumber, wholeMonths, yearBefore, type Tri } from "./history.js";

// --- Kleene formulas over facts, compiled to json-rules-engine conditions

type Formula =
  | { kind: "atom"; yes: NestedCondition; no: NestedCondition }
  | { kind: "or" | "and"; of: Formula[] }
  | { kind: "not"; of: Formula };

/** `fact OP value`: unknown when the fact is null. */
function compare(fact: string, operator: string, value: unknown): Formula {
  const yes: NestedCondition = { fact, operator, value };
  return { kind: "atom", yes, no: { all: [{ not: yes }, { fact, operator: "notEqual", value: null }] } };
}

/** A three-valued flag: true, false, null (unknown) or "none" (not met). */
function flag(fact: string): Formula {
  return compare(fact, "equal", true);
}

/** `count OP limit` for a count known to lie in [fact_lo, fact_hi]. */
function countIs(fact: string, operator: "<=" | ">=", limit: number): Formula {
  const lo = `${fact}_lo`;
  const hi = `${fact}_hi`;
  return operator === "<="
    ? { kind: "atom", yes: { fact: hi, operator: "lessThanInclusive", value: limit }, no: { fact: lo, operator: "greaterThan", value: limit } }
    : { kind: "atom", yes: { fact: lo, operator: "greaterThanInclusive", value: limit }, no: { fact: hi, operator: "lessThan", value: limit } };
}

const or = (...of: Formula[]): Formula => ({ kind: "or", of });
const not = (of: Formula): Formula => ({ kind: "not", of });

function isTrue(f: Formula): NestedCondition {
  switch (f.kind) {
    case "atom":
      return f.yes;
    case "or":
      return { any: f.of.map(isTrue) };
    case "and":
      return { all: f.of.map(isTrue) };
    case "not":
      return isFalse(f.of);
  }
}

function isFalse(f: Formula): NestedCondition {
  switch (f.kind) {
    case "atom":
      return f.no;
    case "or":
      return { all: f.of.map(isFalse) };
    case "and":
      return { any: f.of.map(isFalse) };
    case "not":
      return isTrue(f.of);
  }
}

function isUnknown(f: Formula): TopLevelCondition {
  return { all: [{ not: isTrue(f) }, { not: isFalse(f) }] };
}

interface Criterion {
  id: string;
  effect: "require" | "deny";
  condition: Formula;
}

const SIJ_CRITERIA: Criterion[] = [
  { id: "B1_relief", effect: "require", condition: compare("last_relief", "greaterThanInclusive", 75) },
  { id: "B1_function", effect: "require", condition: flag("last_functional_improvement") },
  { id: "B2", effect: "require", condition: or(flag("return_of_pain"), flag("functional_deterioration")) },
  { id: "B3", effect: "require", condition: flag("conservative_therapy_planned") },
  { id: "B4", effect: "require", condition: or(flag("no_same_joint"), compare("last_months_since", "greaterThanInclusive", 2)) },
  { id: "B5_left", effect: "require", condition: or(compare("item_side", "equal", "right"), countIs("left_joint_12mo", "<=", 4)) },
  { id: "B5_right", effect: "require", condition: or(compare("item_side", "equal", "left"), countIs("right_joint_12mo", "<=", 4)) },
  { id: "C3_same_day", effect: "deny", condition: flag("other_site_block_today") },
  { id: "C3_last_week", effect: "deny", condition: flag("other_site_block_last_week") },
  { id: "C6", effect: "deny", condition: compare("diagnosis", "startsWith", "B02") },
  { id: "D3", effect: "require", condition: or(not(flag("implanted_device")), flag("device_interrogation_report")) },
];

const TPI_CRITERIA: Criterion[] = [
  { id: "TP1_response", effect: "require", condition: flag("stabilization_response") },
  {
    id: "TP1a_condition",
    effect: "require",
    condition: or(flag("low_back_pain"), flag("upper_back_pain"), flag("neck_pain"), flag("myofascial_pain_syndrome")),
  },
  { id: "TP1a_duration", effect: "require", condition: compare("days_since_onset", "greaterThanInclusive", 28) },
  { id: "TP1a_persists", effect: "require", condition: flag("pain_persists") },
  { id: "TP1b_program", effect: "require", condition: flag("active_treatment_program") },
  { id: "TP1_agent", effect: "require", condition: compare("injectate", "notIn", ["other_agent", null]) },
  { id: "TP2_sessions", effect: "require", condition: countIs("same_muscle", "<=", 5) },
  { id: "TP2_interval", effect: "require", condition: or(flag("no_same_muscle"), compare("last_months_since", "greaterThanInclusive", 2)) },
  { id: "TP2_relief", effect: "require", condition: or(flag("no_same_muscle"), compare("last_relief", "greaterThan", 50)) },
  {
    id: "TP2_relief_duration",
    effect: "require",
    condition: or(flag("no_same_muscle"), compare("last_relief_days", "greaterThanInclusive", 42)),
  },
  { id: "TP3", effect: "deny", condition: countIs("tpi_12mo", ">=", 10) },
];

function buildEngine(policy: PolicyKey): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator("dateBefore", (a: unknown, b: unknown) => typeof a === "string" && a < (b as string));
  engine.addOperator("startsWith", (a: unknown, b: unknown) => typeof a === "string" && a.startsWith(b as string));
  engine.addRule({
    name: "not_in_effect",
    conditions: { all: [{ fact: "date_of_service", operator: "dateBefore", value: EFFECTIVE[policy] }] },
    event: { type: "not_in_effect" },
  });
  for (const criterion of policy === "sij" ? SIJ_CRITERIA : TPI_CRITERIA) {
    const notMet = criterion.effect === "require" ? isFalse(criterion.condition) : isTrue(criterion.condition);
    engine.addRule({
      name: `${criterion.id}:not_met`,
      conditions: { all: [notMet] },
      event: { type: "not_met", params: { criterion: criterion.id } },
    });
    engine.addRule({
      name: `${criterion.id}:unknown`,
      conditions: isUnknown(criterion.condition),
      event: { type: "unknown", params: { criterion: criterion.id } },
    });
  }
  return engine;
}

// --- Fact preparation: the list-level work the engine cannot express

/** A JSON fact: the value, or null when the case lacks it. */
function known(value: unknown): unknown {
  return value === undefined ? null : value;
}

function tri(value: Tri): boolean | null {
  return value === T ? true : value === F ? false : null;
}

/** `a == b` between two possibly missing facts. */
function same(a: unknown, b: unknown): Tri {
  return a === null || a === undefined || b === null || b === undefined ? U : a === b ? T : F;
}

function kleeneOr(a: Tri, b: Tri): Tri {
  return a === T || b === T ? T : a === U || b === U ? U : F;
}

function kleeneAnd(a: Tri, b: Tri): Tri {
  return a === F || b === F ? F : a === U || b === U ? U : T;
}

function sideIsNot(side: unknown, excluded: string): Tri {
  return side === null || side === undefined ? U : side !== excluded ? T : F;
}

const NEURAL_BLOCKADE_RANGES: readonly [number, number][] = [
  [62320, 62327],
  [64400, 64450],
  [64454, 64454],
  [64461, 64463],
  [64479, 64484],
  [64486, 64489],
  [64490, 64495],
  [64505, 64530],
];
const SIJ_CODES = new Set(["27096", "64451", "G0260"]);

function isOtherNeuralBlockade(code: string): boolean {
  const n = /^\d{5}$/.test(code) ? Number(code) : NaN;
  return NEURAL_BLOCKADE_RANGES.some(([lo, hi]) => n >= lo && n <= hi);
}

const latest = new Latest();
const leftDates = new DistinctDates();
const rightDates = new DistinctDates();
const sessionDates = new DistinctDates();

function sijFacts(input: CaseInput): Record<string, unknown> {
  const dos = input.date_of_service;
  const item = input.items[0]!;
  const side = item.side;
  const yearStart = yearBefore(dos);
  const dosDay = dayNumber(dos);
  let sameJoint: Tri = F;
  leftDates.reset();
  rightDates.reset();
  let blockLastWeek: Tri = F;
  latest.reset();
  const procedures = input.procedures;
  for (let index = 0; index < procedures.length; index++) {
    const p = procedures[index]!;
    const code = p.code as string;
    const date = p.date;
    if (SIJ_CODES.has(code)) {
      const member = kleeneOr(kleeneOr(same(p.side, side), same(p.side, "bilateral")), same(side, "bilateral"));
      sameJoint = kleeneOr(sameJoint, member);
      latest.add(member, p, index);
      const inYear: Tri = typeof date === "string" ? (yearStart <= date && date <= dos ? T : F) : U;
      const l = kleeneAnd(sideIsNot(p.side, "right"), inYear);
      const r = kleeneAnd(sideIsNot(p.side, "left"), inYear);
      leftDates.add(l, date);
      rightDates.add(r, date);
    } else if (isOtherNeuralBlockade(code)) {
      const inWeek: Tri = typeof date === "string" ? (dayNumber(date) <= dosDay && dayNumber(date) >= dosDay - 6 ? T : F) : U;
      blockLastWeek = kleeneOr(blockLastWeek, inWeek);
    }
  }
  const last = latestFacts(dos);
  const diagnosis = item.diagnosis;
  return {
    date_of_service: dos,
    item_side: known(side),
    diagnosis: typeof diagnosis === "string" ? diagnosis.trim().replace(/\./g, "").toUpperCase() : null,
    return_of_pain: known(input.return_of_pain),
    functional_deterioration: known(input.functional_deterioration),
    conservative_therapy_planned: known(input.conservative_therapy_planned),
    implanted_device: known(input.implanted_device),
    device_interrogation_report: known(input.device_interrogation_report),
    no_same_joint: tri(sameJoint === T ? F : sameJoint === F ? T : U),
    last_relief: last.relief,
    last_functional_improvement: last.functionalImprovement,
    last_months_since: last.monthsSince,
    left_joint_12mo_lo: leftDates.lo,
    left_joint_12mo_hi: leftDates.hi,
    right_joint_12mo_lo: rightDates.lo,
    right_joint_12mo_hi: rightDates.hi,
    other_site_block_today: false, // a single-item case requests nothing else
    other_site_block_last_week: tri(blockLastWeek),
  };
}

/** Facts of the latest member picked into `latest`: unknown (null) or "none" when there is none. */
function latestFacts(dos: string): { relief: unknown; functionalImprovement: unknown; monthsSince: unknown; reliefDays: unknown } {
  if (latest.unknown) return { relief: null, functionalImprovement: null, monthsSince: null, reliefDays: null };
  const best = latest.best;
  if (best === null) return { relief: "none", functionalImprovement: "none", monthsSince: "none", reliefDays: "none" };
  const lasted = best.relief_duration;
  return {
    relief: known(best.relief),
    functionalImprovement: known(best.functional_improvement),
    monthsSince: wholeMonths(latest.bestDate, dos),
    reliefDays:
      typeof lasted === "string" ? (lasted.endsWith("wk") ? Number(lasted.slice(0, -2)) * 7 : Number(lasted.slice(0, -1))) : null,
  };
}

function tpiFacts(input: CaseInput): Record<string, unknown> {
  const dos = input.date_of_service;
  const item = input.items[0]!;
  const yearStart = yearBefore(dos);
  let response: Tri = F;
  const sameMuscle = [0, 0];
  sessionDates.reset();
  const cap = [0, 0];
  latest.reset();
  const procedures = input.procedures;
  for (let index = 0; index < procedures.length; index++) {
    const p = procedures[index]!;
    if (p.code !== "20552" && p.code !== "20553") continue;
    const relief = p.relief;
    const helped = kleeneOr(typeof relief === "number" ? (relief > 0 ? T : F) : U, same(p.functional_improvement, true));
    response = kleeneOr(response, kleeneAnd(same(p.purpose, "diagnostic"), helped));
    const member = kleeneAnd(same(p.purpose, "therapeutic"), same(p.muscle, item.muscle));
    if (member !== F) sameMuscle[member === T ? 0 : 1]!++;
    const date = p.date;
    sessionDates.add(member, date);
    latest.add(member, p, index);
    const inYear: Tri = typeof date === "string" ? (yearStart <= date && date <= dos ? T : F) : U;
    if (inYear !== F) cap[inYear === T ? 0 : 1]!++;
  }
  const last = latestFacts(dos);
  const onset = input.pain_onset;
  return {
    date_of_service: dos,
    low_back_pain: known(input.low_back_pain),
    upper_back_pain: known(input.upper_back_pain),
    neck_pain: known(input.neck_pain),
    myofascial_pain_syndrome: known(input.myofascial_pain_syndrome),
    pain_persists: known(input.pain_persists),
    active_treatment_program: known(input.active_treatment_program),
    days_since_onset: typeof onset === "string" ? dayNumber(dos) - dayNumber(onset) : null,
    injectate: known(item.injectate),
    stabilization_response: tri(response),
    // A session is a date: injections on one date are one session.
    same_muscle_lo: sessionDates.lo,
    same_muscle_hi: sessionDates.hi,
    no_same_muscle: sameMuscle[0]! > 0 ? false : sameMuscle[1]! > 0 ? null : true,
    last_months_since: last.monthsSince,
    last_relief: last.relief,
    last_relief_days: last.reliefDays,
    tpi_12mo_lo: cap[0],
    tpi_12mo_hi: cap[0]! + cap[1]!,
  };
}

export type DecideAsync = (c: BenchCase) => Promise<string>;

export function jsonRulesEngine(): DecideAsync {
  const engines = { sij: buildEngine("sij"), tpi: buildEngine("tpi") };
  return async (c: BenchCase) => {
    const facts = c.policy === "sij" ? sijFacts(c.input) : tpiFacts(c.input);
    const { events } = await engines[c.policy].run(facts);
    let unknown = false;
    let denied = false;
    for (const event of events) {
      if (event.type === "not_in_effect") return "policy_not_in_effect";
      if (event.type === "not_met") denied = true;
      else if (event.type === "unknown") unknown = true;
    }
    return denied ? "denied" : unknown ? "pended" : "approved";
  };
}
