// The evaluation corpus: single-item cases for the therapeutic SIJ rule (TrueCare MM-1463 D.I.B)
// and the therapeutic trigger point rule (Cigna 0139 TP). Seeded, so every run and every engine
// sees the same cases. Boundary values are over-represented (75% relief, exactly 2 months, the
// 12-month window's first day, 4 vs 5 injections, 10 in 12 months, month ends, leap days), and
// a few percent of cases lose one to three facts, which makes their criteria unknown.

import { addDays, addMonths } from "@pol/runtime";
import { Random } from "./prng.js";

export type PolicyKey = "sij" | "tpi";

/** A case as the schema (policies/schema/spine.pol) defines it; absent or null fields are unknown. */
export type CaseInput = Record<string, unknown> & {
  date_of_service: string;
  items: Record<string, unknown>[];
  procedures: Record<string, unknown>[];
};

export interface BenchCase {
  policy: PolicyKey;
  input: CaseInput;
  /** Whether facts were dropped from this case. */
  incomplete: boolean;
}

export const EFFECTIVE: Readonly<Record<PolicyKey, string>> = { sij: "2025-07-01", tpi: "2024-11-01" };

export const SIJ_CODES = ["27096", "64451", "G0260"] as const;
export const TPI_CODES = ["20552", "20553"] as const;

/** Share of cases that lose facts. */
const INCOMPLETE_SHARE = 0.05;

const SIJ_CASE_FLAGS = [
  "return_of_pain",
  "functional_deterioration",
  "conservative_therapy_planned",
  "device_interrogation_report",
] as const;
const TPI_CASE_FLAGS = [
  "low_back_pain",
  "upper_back_pain",
  "neck_pain",
  "myofascial_pain_syndrome",
  "pain_persists",
  "active_treatment_program",
] as const;
const MUSCLES = ["trapezius", "levator scapulae", "rhomboid major"] as const;

export function buildCorpus(size: number, seed: number): BenchCase[] {
  const random = new Random(seed);
  const cases: BenchCase[] = [];
  for (let i = 0; i < size; i++) {
    const policy: PolicyKey = i % 2 === 0 ? "sij" : "tpi";
    const input = policy === "sij" ? sijCase(random) : tpiCase(random);
    const incomplete = random.chance(INCOMPLETE_SHARE);
    if (incomplete) dropFacts(random, input);
    // Cases reach an evaluator as parsed JSON: objects built the way JSON.parse builds them.
    cases.push({ policy, input: JSON.parse(JSON.stringify(input)) as CaseInput, incomplete });
  }
  return cases;
}

/**
 * The same cases with every `procedures` and `therapies` list emptied: what a case costs before
 * any pass over its history (its fixed cost per case and per line item). Every engine decides
 * them as it decides any case; they are parsed again, so they are shaped like JSON too.
 */
export function emptiedHistories(cases: readonly BenchCase[]): BenchCase[] {
  return cases.map((c) => {
    const input = { ...c.input, procedures: [] as Record<string, unknown>[] };
    if ("therapies" in input) input.therapies = [];
    return { ...c, input: JSON.parse(JSON.stringify(input)) as CaseInput };
  });
}

/** A date of service: mostly in 2025-2028, with month ends and leap days over-represented. */
function dateOfService(random: Random, policy: PolicyKey): string {
  // A few cases fall just before (or well before) the policy took effect.
  if (random.chance(0.01)) return addDays(EFFECTIVE[policy], -random.pick([1, 1, 30, 400]));
  const year = random.int(2025, 2028);
  const month = policy === "sij" && year === 2025 ? random.int(7, 12) : random.int(1, 12);
  const monthEnd = addDays(addMonths(`${year}-${pad(month)}-01`, 1), -1);
  const r = random.next();
  if (r < 0.1) return monthEnd;
  if (r < 0.13) return "2028-02-29";
  if (r < 0.16) return `${year}-${pad(month)}-${pad(Math.min(30, Number(monthEnd.slice(8))))}`;
  return `${year}-${pad(month)}-${pad(random.int(1, 28))}`;
}

function pad(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** A prior date near a boundary that some criterion tests, or anywhere in the last 2.5 years. */
function priorDate(random: Random, dos: string): string {
  const r = random.next();
  if (r < 0.12) return addMonths(dos, -2); // exactly 2 months
  if (r < 0.18) return addDays(addMonths(dos, -2), random.pick([-1, 1]));
  if (r < 0.28) return addMonths(dos, -12); // the 12-month window's first day
  if (r < 0.34) return addDays(addMonths(dos, -12), random.pick([-1, 1]));
  if (r < 0.4) return addDays(dos, -random.pick([5, 6, 7]));
  if (r < 0.43) return random.pick([dos, addDays(dos, 3)]); // same day, or dated after it
  if (r < 0.6) return addDays(dos, -random.int(1, 365));
  return addDays(dos, -random.int(1, 900));
}

function flag(random: Random, pTrue: number): boolean {
  return random.chance(pTrue);
}

/** Pain scores whose computed relief sits at or near 75% and 50%, including a zero baseline. */
function painScores(random: Random): [number, number] {
  return random.pick<[number, number]>([
    [8, 2],
    [4, 1],
    [8, 3],
    [10, 2],
    [10, 3],
    [6, 3],
    [10, 5],
    [10, 4],
    [0, 0],
    [7, 7],
  ]);
}

function relief(random: Random): number {
  return random.chance(0.7) ? random.pick([74, 75, 76, 74.9, 50, 51, 0, 100]) : random.int(0, 100);
}

function procedureCommon(random: Random, dos: string, code: string): Record<string, unknown> {
  const [painBefore, painAfter] = painScores(random);
  return {
    code,
    date: priorDate(random, dos),
    side: random.pick(["left", "right", "bilateral", "left", "right"]),
    purpose: random.pick(["diagnostic", "therapeutic"]),
    relief: relief(random),
    functional_improvement: flag(random, 0.75),
    pain_before: painBefore,
    pain_after: painAfter,
  };
}

/** The injection a therapeutic request follows: near the 2-month interval, relief near `threshold`. */
function previousInjection(random: Random, dos: string, code: string, side: string, threshold: number): Record<string, unknown> {
  const procedure = procedureCommon(random, dos, code);
  procedure.side = side;
  procedure.purpose = "therapeutic";
  const r = random.next();
  procedure.date =
    r < 0.3 ? addMonths(dos, -2) : r < 0.45 ? addDays(addMonths(dos, -2), random.pick([-1, 1])) : addDays(dos, -random.int(62, 200));
  procedure.relief = random.chance(0.3) ? random.pick([threshold - 1, threshold, threshold + 1]) : random.int(threshold, 100);
  procedure.functional_improvement = random.chance(0.92);
  return procedure;
}

/** A prior procedure of an SIJ case: mostly SIJ injections, some other blocks and unrelated codes. */
function sijProcedure(random: Random, dos: string): Record<string, unknown> {
  const r = random.next();
  const code =
    r < 0.72
      ? random.pick(SIJ_CODES)
      : r < 0.84
        ? random.pick(["64490", "64493", "62321", "64450", "64520", "64455"])
        : r < 0.9
          ? "64625"
          : random.pick(["20552", "99213", "73542"]);
  return procedureCommon(random, dos, code);
}

/** A prior procedure of a TPI case: mostly trigger point injections, most of the requested muscle. */
function tpiProcedure(random: Random, dos: string, muscle: string): Record<string, unknown> {
  const code = random.chance(0.85) ? random.pick(TPI_CODES) : random.pick(["27096", "64490", "99213"]);
  const procedure = procedureCommon(random, dos, code);
  procedure.muscle = random.chance(0.6) ? muscle : random.pick(MUSCLES);
  procedure.relief_duration = random.pick(["41d", "42d", "6wk", "43d", "5wk", "8wk", "60d"]);
  return procedure;
}

function sijCase(random: Random): CaseInput {
  const dos = dateOfService(random, "sij");
  const clean = random.chance(0.4); // every documentation flag present and favourable
  const count = random.pick([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8]);
  const procedures: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) procedures.push(sijProcedure(random, dos));
  const side = random.pick(["left", "right", "bilateral"]);
  // Most requests follow an earlier injection of the same joint, as the therapeutic rule expects.
  if (random.chance(0.85)) procedures.push(previousInjection(random, dos, random.pick(SIJ_CODES), side, 75));
  random.shuffle(procedures);
  const input: CaseInput = {
    date_of_service: dos,
    items: [
      {
        code: random.pick(SIJ_CODES),
        purpose: "therapeutic",
        side,
        site: "sacroiliac joint",
        diagnosis: random.chance(0.08) ? random.pick(["B02.29", "b02.9", "B0223"]) : random.pick(["M53.3", "M46.1", "M53.2X8"]),
      },
    ],
    procedures,
    implanted_device: random.chance(0.12),
  };
  for (const name of SIJ_CASE_FLAGS) input[name] = clean || flag(random, 0.85);
  if (!clean) input.functional_deterioration = flag(random, 0.4);
  return input;
}

function tpiCase(random: Random): CaseInput {
  const dos = dateOfService(random, "tpi");
  const clean = random.chance(0.4);
  const muscle = random.pick(MUSCLES);
  // One case in eight has a long history, to reach the rolling cap of 10 in 12 months.
  const count = random.chance(0.125) ? random.int(8, 14) : random.pick([0, 1, 1, 2, 2, 3, 4, 5, 6, 7]);
  const procedures: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) procedures.push(tpiProcedure(random, dos, muscle));
  if (random.chance(0.85)) {
    const stabilization = previousInjection(random, dos, random.pick(TPI_CODES), "left", 1);
    stabilization.purpose = "diagnostic";
    stabilization.date = addDays(dos, -random.int(90, 240));
    stabilization.muscle = muscle;
    procedures.push(stabilization);
  }
  if (random.chance(0.6)) {
    const therapeutic = previousInjection(random, dos, random.pick(TPI_CODES), "left", 51);
    therapeutic.muscle = muscle;
    therapeutic.relief_duration = random.pick(["42d", "6wk", "8wk", "60d", "41d"]);
    procedures.push(therapeutic);
  }
  random.shuffle(procedures);
  const input: CaseInput = {
    date_of_service: dos,
    items: [
      {
        code: random.pick(TPI_CODES),
        purpose: "therapeutic",
        muscle,
        injectate: random.chance(0.08)
          ? "other_agent"
          : random.pick(["local_anesthetic", "corticosteroid", "anesthetic_and_corticosteroid"]),
      },
    ],
    procedures,
    pain_onset: addDays(dos, -(random.chance(0.15) ? random.pick([27, 28, 29]) : random.int(30, 900))),
  };
  for (const name of TPI_CASE_FLAGS) input[name] = clean || flag(random, name.endsWith("pain") ? 0.45 : 0.85);
  return input;
}

/**
 * A case of `items` line items and `procedures` prior procedures, for the scaling bench: a
 * corpus case (complete: no facts dropped) whose history is replaced by `procedures` procedures
 * drawn as the corpus draws them (the last one the injection a therapeutic request follows), and
 * whose one item is followed by `items - 1` more requests of the rule's codes (other sides,
 * muscles, injectates). Seeded: the same arguments always give the same case.
 */
export function scaledCase(policy: PolicyKey, seed: number, items: number, procedures: number): CaseInput {
  const random = new Random(seed);
  const input = policy === "sij" ? sijCase(random) : tpiCase(random);
  const dos = input.date_of_service;
  const first = input.items[0]!;
  const history: Record<string, unknown>[] = [];
  for (let i = 0; i < procedures - 1; i++) {
    history.push(policy === "sij" ? sijProcedure(random, dos) : tpiProcedure(random, dos, first.muscle as string));
  }
  if (procedures > 0) {
    const code = random.pick(policy === "sij" ? SIJ_CODES : TPI_CODES);
    const previous = previousInjection(random, dos, code, (first.side as string | undefined) ?? "left", policy === "sij" ? 75 : 51);
    if (policy === "tpi") {
      previous.muscle = first.muscle;
      previous.relief_duration = random.pick(["42d", "6wk", "8wk", "60d", "41d"]);
    }
    history.push(previous);
  }
  random.shuffle(history);
  input.procedures = history;
  const requests = [first];
  for (let i = 1; i < items; i++) {
    const item = { ...first };
    if (policy === "sij") {
      item.code = random.pick(SIJ_CODES);
      item.side = random.pick(["left", "right", "bilateral"]);
    } else {
      item.code = random.pick(TPI_CODES);
      item.muscle = random.pick(MUSCLES);
      item.injectate = random.pick(["local_anesthetic", "corticosteroid", "anesthetic_and_corticosteroid"]);
    }
    requests.push(item);
  }
  input.items = requests;
  return JSON.parse(JSON.stringify(input)) as CaseInput;
}

/** Facts that stay known: the structure of the case, every code, and the item's purpose (so the
 *  therapeutic rule is the one that applies, as in the hand-written function). */
const KEPT = new Set(["date_of_service", "items", "procedures", "code"]);

/** Remove one to three facts a criterion reads: absent or null, both mean unknown. */
function dropFacts(random: Random, input: CaseInput): void {
  const drops = random.int(1, 3);
  for (let i = 0; i < drops; i++) {
    const target = pickFactHolder(random, input);
    const isItem = target === input.items[0];
    const names = Object.keys(target).filter((name) => !KEPT.has(name) && !(isItem && name === "purpose"));
    if (names.length === 0) continue;
    const name = random.pick(names);
    if (random.chance(0.5)) delete target[name];
    else target[name] = null;
  }
}

/** The case itself, its line item, or one of its prior procedures. */
function pickFactHolder(random: Random, input: CaseInput): Record<string, unknown> {
  const r = random.next();
  if (r < 0.4) return input;
  if (r < 0.6) return input.items[0]!;
  return input.procedures.length > 0 ? random.pick(input.procedures) : input;
}
