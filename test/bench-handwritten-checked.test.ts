// The bench's hand-written evaluator with pol's checks (bench/engines/handwritten-checked.ts) must
// answer what the compiled `decideTrusted` answers on input a validating entry point would reject:
// corpus cases with malformed values where pol's answer depends on its checks (invalid dates,
// values outside an enum, blank or unnormalised codes, percents out of range, durations and
// texts written otherwise, lists that are absent or hold other values than records). The
// unchecked hand-written function is shown to disagree on such cases, so the mutations reach the
// checks. Its calendar is also checked against the platform's UTC dates.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCorpus, type BenchCase } from "../bench/corpus.js";
import { addMonths, checkedDay, NO_DAY } from "../bench/engines/checks.js";
import { decideByHand } from "../bench/engines/handwritten.js";
import { decideByHandChecked } from "../bench/engines/handwritten-checked.js";
import { Random } from "../bench/prng.js";
import { decideTrusted as decideTpi, type Case as TpiCase } from "../compiled/cigna-tpi.js";
import { decideTrusted as decideSij, type Case as SijCase } from "../compiled/truecare-sij.js";

type Row = Record<string, unknown>;

const BAD_DATES = ["2023-02-29", "2025-13-01", "2025-02-30", "2025-04-31", "2025-9-15", "2025-09-15 ", "0000-01-01", "2025-00-10", "2025/09/15", 20250915, ""];
const BAD_SIDES = ["Left", "both", "", " right", 1, true];
const BAD_PURPOSES = ["Therapeutic", "stabilization", "", 2];
const CODES = [" 27096", "27096 ", "270 96", "", "   ", "\u00a0", "g0260", "644.51", 27096, "20552\u00a0", " 20553", "2055 2", "64.493", "64490 "];
const DIAGNOSES = ["  ", "", "b02.9 ", " B0229", 123, "M53.3 "];
const PERCENTS = [150, -5, 100.5, "75", 100, 0, 75];
const DURATIONS = ["6 weeks", "42", "1008h", "6WK", "0d", 42, "1000000000d", "41d", "6wk", "2mo"];
const BOOLEANS = ["true", 1, 0, "false", "yes"];
const MUSCLES = ["Trapezius", "  trapezius ", "levator  scapulae", "LEVATOR SCAPULAE", "rhomboid\tmajor", 5, ""];
const INJECTATES = ["steroid", "Other_agent", "", 3];
const BAD_LISTS = [undefined, null, {}, "none", 0];
const BAD_ELEMENTS = [null, 5, "x", [], true];
const FLAGS = ["return_of_pain", "functional_deterioration", "conservative_therapy_planned", "implanted_device", "device_interrogation_report", "low_back_pain", "neck_pain", "pain_persists", "active_treatment_program"];

/** The last day of a date's month, or the date itself when it is not a valid one. */
function monthEnd(date: unknown): unknown {
  if (typeof date !== "string" || checkedDay(date) === NO_DAY) return date;
  const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return `${date.slice(0, 8)}${new Date(Date.UTC(year, month, 0)).getUTCDate()}`;
}

/** One malformed (or unusual but valid) value somewhere in the case. */
function mutate(random: Random, input: Row): void {
  const item = (input.items as Row[])[0]!;
  const procedures = Array.isArray(input.procedures) ? (input.procedures as unknown[]) : [];
  const procedure = procedures.length > 0 ? (procedures[random.int(0, procedures.length - 1)] as Row) : undefined;
  const r = random.int(0, 15);
  if (r === 0) input.date_of_service = random.pick(BAD_DATES);
  else if (r === 1) input.pain_onset = random.pick(BAD_DATES);
  else if (r === 2) item.side = random.pick(BAD_SIDES);
  else if (r === 3) item.diagnosis = random.pick(DIAGNOSES);
  else if (r === 4) item.injectate = random.pick(INJECTATES);
  else if (r === 5) item.muscle = random.pick(MUSCLES);
  else if (r === 6) input[random.pick(FLAGS)] = random.pick(BOOLEANS);
  else if (r === 7) input.procedures = random.pick(BAD_LISTS);
  else if (r === 8 && procedures.length > 0) procedures[random.int(0, procedures.length - 1)] = random.pick(BAD_ELEMENTS);
  else if (r === 9) input.date_of_service = monthEnd(input.date_of_service);
  else if (procedure !== undefined && typeof procedure === "object" && procedure !== null && !Array.isArray(procedure)) {
    if (r === 10) procedure.date = random.chance(0.5) ? random.pick(BAD_DATES) : monthEnd(procedure.date);
    else if (r === 11) procedure.code = random.pick(CODES);
    else if (r === 12) procedure[random.pick(["side", "purpose"])] = random.pick(random.chance(0.5) ? BAD_SIDES : BAD_PURPOSES);
    else if (r === 13) procedure.relief = random.pick(PERCENTS);
    else if (r === 14) procedure.relief_duration = random.pick(DURATIONS);
    else procedure[random.chance(0.5) ? "muscle" : "functional_improvement"] = random.pick(random.chance(0.5) ? MUSCLES : BOOLEANS);
  }
}

function mutatedCorpus(size: number): BenchCase[] {
  const random = new Random(20261207);
  return buildCorpus(size, 42_025).map((c) => {
    const input = structuredClone(c.input) as Row;
    for (let n = random.int(1, 3); n > 0; n--) mutate(random, input);
    return { ...c, input: input as BenchCase["input"] };
  });
}

function decideCompiled(c: BenchCase): string {
  return c.policy === "sij" ? decideSij(c.input as unknown as SijCase)[0]! : decideTpi(c.input as unknown as TpiCase)[0]!;
}

/** The unchecked function, which may throw on such input (a date of service that is a number). */
function decideUnchecked(c: BenchCase): string {
  try {
    return decideByHand(c);
  } catch {
    return "error";
  }
}

describe("the hand-written evaluator with pol's checks", () => {
  it("decides malformed cases as the compiled decideTrusted does", () => {
    const cases = mutatedCorpus(4000);
    let uncheckedDiffers = 0;
    for (const c of cases) {
      const expected = decideCompiled(c);
      const actual = decideByHandChecked(c);
      if (actual !== expected) expect({ input: c.input, actual }).toEqual({ input: c.input, actual: expected });
      if (decideUnchecked(c) !== expected) uncheckedDiffers++;
    }
    // The mutations reach the checks: the function without them answers otherwise on many.
    expect(uncheckedDiffers).toBeGreaterThan(200);
  });

  it("reads dates as the calendar does: valid dates only, day numbers from 1970-01-01", () => {
    const text = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    fc.assert(
      fc.property(text, (date) => {
        const [y, m, d] = date.split("-").map(Number) as [number, number, number];
        const utc = new Date(0);
        utc.setUTCFullYear(y, m - 1, d);
        const valid = y >= 1 && utc.getUTCFullYear() === y && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d;
        expect(checkedDay(date)).toBe(valid ? Math.floor(utc.getTime() / 86_400_000) : NO_DAY);
      }),
    );
  });

  it("adds calendar months keeping the day, clamped to the target month's end", () => {
    const date = fc.date({ min: new Date("0002-01-01T00:00:00Z"), max: new Date("9990-12-31T00:00:00Z"), noInvalidDate: true });
    fc.assert(
      fc.property(date, fc.integer({ min: -30, max: 30 }), (at, months) => {
        const iso = at.toISOString().slice(0, 10);
        const target = new Date(Date.UTC(2000, 0, 1));
        target.setUTCFullYear(at.getUTCFullYear(), at.getUTCMonth() + months, 1);
        const last = new Date(target);
        last.setUTCMonth(last.getUTCMonth() + 1, 0);
        target.setUTCDate(Math.min(at.getUTCDate(), last.getUTCDate()));
        expect(addMonths(iso, months)).toBe(Math.floor(target.getTime() / 86_400_000));
      }),
    );
  });
});
