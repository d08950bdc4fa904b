// Kleene's strong three-valued logic: truth tables, De Morgan, and monotonicity (knowing more
// never changes a decided answer).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { JUNCTION_ARITY, Unknown, and, andAll, isUnknown, not, or, orAll, type Tri } from "@pol/runtime";
import { runs } from "../support/runs.js";

const U = new Unknown([{ fact: "u", label: "u" }]);
type Symbol = "T" | "F" | "U";
const toTri = (s: Symbol): Tri => (s === "T" ? true : s === "F" ? false : U);
const toSymbol = (value: Tri): Symbol => (value === true ? "T" : value === false ? "F" : "U");

describe("truth tables", () => {
  const andTable: [Symbol, Symbol, Symbol][] = [
    ["T", "T", "T"],
    ["T", "F", "F"],
    ["T", "U", "U"],
    ["F", "T", "F"],
    ["F", "F", "F"],
    ["F", "U", "F"],
    ["U", "T", "U"],
    ["U", "F", "F"],
    ["U", "U", "U"],
  ];
  const orTable: [Symbol, Symbol, Symbol][] = [
    ["T", "T", "T"],
    ["T", "F", "T"],
    ["T", "U", "T"],
    ["F", "T", "T"],
    ["F", "F", "F"],
    ["F", "U", "U"],
    ["U", "T", "T"],
    ["U", "F", "U"],
    ["U", "U", "U"],
  ];
  it.each(andTable)("%s and %s = %s", (a, b, expected) => {
    expect(toSymbol(and(toTri(a), toTri(b)))).toBe(expected);
  });
  it.each(orTable)("%s or %s = %s", (a, b, expected) => {
    expect(toSymbol(or(toTri(a), toTri(b)))).toBe(expected);
  });
  it.each([
    ["T", "F"],
    ["F", "T"],
    ["U", "U"],
  ] as [Symbol, Symbol][])("not %s = %s", (a, expected) => {
    expect(toSymbol(not(toTri(a)))).toBe(expected);
  });
});

/** A Tri whose unknowns carry distinct facts, so merging can be checked too. */
const tri = fc.oneof(
  fc.boolean(),
  fc.integer({ min: 0, max: 5 }).map((i) => new Unknown([{ fact: `f${i}`, label: `fact ${i}` }])),
);
const operands = fc.array(tri, { maxLength: 6 });
const params = { numRuns: runs(300) };

describe("laws", () => {
  it("De Morgan holds for any number of operands", () => {
    fc.assert(
      fc.property(operands, (xs) => {
        expect(toSymbol(not(andAll(xs)))).toBe(toSymbol(orAll(xs.map(not))));
        expect(toSymbol(not(orAll(xs)))).toBe(toSymbol(andAll(xs.map(not))));
      }),
      params,
    );
  });

  it("and/or are order-independent in value and merge exactly the unknown operands' facts", () => {
    fc.assert(
      fc.property(operands, (xs) => {
        const reversed = [...xs].reverse();
        expect(toSymbol(andAll(xs))).toBe(toSymbol(andAll(reversed)));
        expect(toSymbol(orAll(xs))).toBe(toSymbol(orAll(reversed)));
        for (const result of [andAll(xs), orAll(xs)]) {
          if (!isUnknown(result)) continue;
          const expected = [...new Set(xs.flatMap((x) => (isUnknown(x) ? x.missing.map((m) => m.fact) : [])))];
          expect(result.missing.map((m) => m.fact)).toEqual(expected);
        }
      }),
      params,
    );
  });

  it("is monotone: replacing an unknown by true or false never changes a decided result", () => {
    const completion = fc.tuple(operands, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }));
    fc.assert(
      fc.property(completion, ([xs, choices]) => {
        const filled = xs.map((x, i) => (isUnknown(x) ? choices[i]! : x));
        for (const [partial, complete] of [
          [andAll(xs), andAll(filled)],
          [orAll(xs), orAll(filled)],
          [not(andAll(xs)), not(andAll(filled))],
        ] as const) {
          if (!isUnknown(partial)) expect(complete).toBe(partial);
        }
      }),
      params,
    );
  });

  it("an unknown result is genuinely open: some completion gives true and another false", () => {
    fc.assert(
      fc.property(operands, (xs) => {
        for (const combine of [and, or]) {
          if (!isUnknown(combine(...xs))) continue;
          const allTrue = combine(...xs.map((x) => (isUnknown(x) ? true : x)));
          const allFalse = combine(...xs.map((x) => (isUnknown(x) ? false : x)));
          expect(new Set([allTrue, allFalse])).toEqual(new Set([true, false]));
        }
      }),
      params,
    );
  });
});

describe("and and or with their operands as parameters", () => {
  const tri = fc.constantFrom<Tri>(true, false, U, new Unknown([{ fact: "v", label: "v" }]));
  it("agree with andAll and orAll, merged unknowns included, for up to JUNCTION_ARITY operands", () => {
    fc.assert(
      fc.property(fc.array(tri, { maxLength: JUNCTION_ARITY }), (xs) => {
        const call = (f: (...args: unknown[]) => Tri) => f(...xs);
        expect(call(and as (...args: unknown[]) => Tri)).toEqual(andAll(xs));
        expect(call(or as (...args: unknown[]) => Tri)).toEqual(orAll(xs));
      }),
      { numRuns: runs(500) },
    );
  });
  it("refuse more operands than they take", () => {
    const seven = Array.from({ length: JUNCTION_ARITY + 1 }, () => true);
    expect(() => (and as (...args: unknown[]) => Tri)(...seven)).toThrow(/andAll/);
    expect(() => (or as (...args: unknown[]) => Tri)(...seven)).toThrow(/orAll/);
  });
});
