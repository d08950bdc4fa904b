import { describe, expect, it } from "vitest";
import {
  CodeSet,
  Unknown,
  and,
  arithmetic,
  asPercent,
  compare,
  inCodes,
  isRange,
  isUnknown,
  negate,
  not,
  or,
  unknownOf,
  type Range,
} from "@pol/runtime";

const u = (...facts: string[]) => new Unknown(facts.map((fact) => ({ fact, label: `label of ${fact}` })));
const factsOf = (value: unknown) => (isUnknown(value) ? value.missing.map((m) => m.fact) : value);
const range = (lo: number, hi: number, ...facts: string[]): Range => ({ lo, hi, unknown: u(...facts) });

describe("unknownOf", () => {
  it("merges missing facts in first-seen order without duplicates", () => {
    expect(factsOf(unknownOf(u("a", "b"), 3, u("b", "c"), null, u("a")))).toEqual(["a", "b", "c"]);
  });
  it("includes a range's unknown and keeps the label of the first occurrence", () => {
    const merged = unknownOf(range(0, 2, "p"), u("q"));
    expect(merged.missing).toEqual([
      { fact: "p", label: "label of p" },
      { fact: "q", label: "label of q" },
    ]);
  });
  it("returns the single unknown itself and an empty unknown when there is none", () => {
    const only = u("a");
    expect(unknownOf(1, only, "x")).toBe(only);
    expect(unknownOf(1, 2).missing).toEqual([]);
  });
});

describe("Kleene logic", () => {
  it("lets false dominate and, true dominate or, even after an unknown", () => {
    expect(and(u("a"), false)).toBe(false);
    expect(or(u("a"), true)).toBe(true);
    expect(factsOf(and(true, u("a"), u("b")))).toEqual(["a", "b"]);
    expect(factsOf(or(false, u("a"), u("a")))).toEqual(["a"]);
  });
  it("has identities for empty operand lists", () => {
    expect(and()).toBe(true);
    expect(or()).toBe(false);
  });
  it("negates, leaving unknown unknown", () => {
    const a = u("a");
    expect(not(true)).toBe(false);
    expect(not(false)).toBe(true);
    expect(not(a)).toBe(a);
  });
});

describe("compare", () => {
  it("compares numbers, strings, dates and booleans natively", () => {
    expect(compare(">=", 75, 75)).toBe(true);
    expect(compare(">", 75, 75)).toBe(false);
    expect(compare("<", 74.9, 75)).toBe(true);
    expect(compare("<=", 76, 75)).toBe(false);
    expect(compare("==", "left", "left")).toBe(true);
    expect(compare("!=", "left", "right")).toBe(true);
    expect(compare("<", "2024-12-31", "2025-01-01")).toBe(true);
    expect(compare("==", true, false)).toBe(false);
  });
  it("is false whenever a side is none, even for !=", () => {
    for (const operator of ["==", "!=", "<", "<=", ">", ">="] as const) {
      expect(compare(operator, null, 3)).toBe(false);
      expect(compare(operator, "left", null)).toBe(false);
    }
  });
  it("propagates unknown operands, merged", () => {
    expect(factsOf(compare("==", u("a"), u("b")))).toEqual(["a", "b"]);
    expect(factsOf(compare(">=", u("a"), null))).toEqual(["a"]);
  });
  it("decides a range when every value in it gives the same answer", () => {
    const r = range(2, 4, "n");
    expect(compare("<=", r, 4)).toBe(true);
    expect(compare("<=", r, 3)).toEqual(r.unknown);
    expect(compare("<=", r, 1)).toBe(false);
    expect(compare("<", r, 4)).toEqual(r.unknown);
    expect(compare(">", r, 1)).toBe(true);
    expect(compare(">=", r, 5)).toBe(false);
    expect(compare("==", r, 7)).toBe(false);
    expect(compare("==", r, 3)).toEqual(r.unknown);
    expect(compare("!=", r, 7)).toBe(true);
    expect(compare("==", range(3, 3), 3)).toBe(true);
    expect(compare(">=", 5, r)).toBe(true);
    expect(compare("<", 3, r)).toEqual(r.unknown);
  });
  it("handles an unbounded range", () => {
    const r = range(2, Infinity, "list");
    expect(compare(">=", r, 2)).toBe(true);
    expect(compare("<=", r, 4)).toEqual(r.unknown);
    expect(compare("<", r, 2)).toBe(false);
  });
  it("compares two ranges as intervals", () => {
    expect(compare("<", range(0, 2, "a"), range(3, 5, "b"))).toBe(true);
    expect(factsOf(compare("<", range(0, 3, "a"), range(3, 5, "b")))).toEqual(["a", "b"]);
  });
});

describe("arithmetic", () => {
  it("computes, and gives none for division by zero", () => {
    expect(arithmetic("+", 2, 3)).toBe(5);
    expect(arithmetic("-", 2, 3)).toBe(-1);
    expect(arithmetic("*", 2, 3)).toBe(6);
    expect(arithmetic("/", 3, 4)).toBe(0.75);
    expect(arithmetic("/", 3, 0)).toBeNull();
  });
  it("propagates none and unknown", () => {
    expect(arithmetic("+", null, 3)).toBeNull();
    expect(factsOf(arithmetic("*", u("a"), u("b")))).toEqual(["a", "b"]);
    expect(factsOf(arithmetic("/", u("a"), 0))).toEqual(["a"]);
    expect(factsOf(negate(u("a")))).toEqual(["a"]);
    expect(negate(null)).toBeNull();
    expect(factsOf(asPercent(u("a")))).toEqual(["a"]);
    expect(asPercent(null)).toBeNull();
  });
  it("computes a ratio as a percent and negates", () => {
    expect(asPercent(0.6)).toBeCloseTo(60);
    expect(asPercent(arithmetic("/", arithmetic("-", 8, 2), 8))).toBe(75);
    expect(negate(4)).toBe(-4);
  });
  it("uses interval arithmetic on ranges", () => {
    const sum = arithmetic("+", range(1, 3, "a"), 2);
    expect(isRange(sum) && [sum.lo, sum.hi]).toEqual([3, 5]);
    const difference = arithmetic("-", 10, range(1, 3, "a"));
    expect(isRange(difference) && [difference.lo, difference.hi]).toEqual([7, 9]);
    const product = arithmetic("*", range(-1, 2, "a"), range(3, 4, "b"));
    expect(isRange(product) && [product.lo, product.hi, factsOf(product.unknown)]).toEqual([-4, 8, ["a", "b"]]);
    expect(factsOf(arithmetic("/", 1, range(0, 2, "a")))).toEqual(["a"]);
    const negated = negate(range(1, Infinity, "a"));
    expect(isRange(negated) && [negated.lo, negated.hi]).toEqual([-Infinity, -1]);
  });
});

describe("code sets", () => {
  const sij = new CodeSet(
    ["27096", "G0260", "M54.5"],
    ["B02"],
    [
      ["64490", "64495"],
      ["G0260", "G0270"],
    ],
  );
  it.each([
    "27096",
    "g0260",
    "64490",
    "64493",
    "64495",
    "G0265",
    "B02",
    "B02.9",
    "B029",
    "B02.29",
    "M54.5",
    "M545",
    " 27096 ",
  ])("contains %j", (code) => {
    expect(sij.has(code)).toBe(true);
  });
  it.each(["27095", "64489", "64496", "644900", "6449", "G0271", "B03", "B0", "M54.50", "A02.9", ""])(
    "lacks %j",
    (code) => {
      expect(sij.has(code)).toBe(false);
    },
  );
  it("answers `in` with unknown and none handled", () => {
    const code = u("items[0].code");
    expect(inCodes("27096", sij)).toBe(true);
    expect(inCodes("99213", sij)).toBe(false);
    expect(inCodes(null, sij)).toBe(false);
    expect(inCodes(code, sij)).toBe(code);
    expect(inCodes(27096, sij)).toBe(true);
  });
});
