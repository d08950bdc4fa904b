// Front-end limits on hostile and huge input: parse-error filtering, rendering many diagnostics,
// did-you-mean work and nesting depth. Scaling is asserted on behaviour and on the growth from n
// to 16n (well below quadratic), never on wall-clock thresholds; measured numbers are printed.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_NESTING, MAX_OPERATORS } from "../src/syntax/depth-limits.js";
import { checkSource } from "../src/check/checker.js";
import {
  diagnostic,
  diagnosticsToJson,
  MAX_DIAGNOSTICS_PER_FILE,
  renderBaseline,
  renderDiagnostic,
  renderDiagnostics,
  suggest,
  suggestionWork,
  summaryLine,
  type Diagnostic,
} from "../src/diagnostics.js";
import { formatPol } from "../src/tools/format/prettier-plugin.js";
import { internalError, parse } from "../src/syntax/parse.js";
import { HEADER, memoryHost, POLICY_PATH, SCHEMA, SCHEMA_PATH } from "./checker-fixtures.js";
import { runs } from "./support/runs.js";

/** Milliseconds for `run()`, best of three (less noise from other processes). */
function time(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Time at n and 16n; linear growth gives about 16, quadratic 256. The assertions allow 4 times
 * linear: this tells the complexity class apart even when other processes slow one of the two
 * sizes several times over, which a ratio against 4n (16 for quadratic) could not.
 */
function growth(label: string, n: number, run: (n: number) => void): number {
  run(n); // warm up
  const best = (size: number) => Math.min(time(() => run(size)), time(() => run(size)), time(() => run(size)));
  const small = best(n);
  const large = best(16 * n);
  const ratio = large / Math.max(small, 0.5);
  console.log(`${label}: n=${n} ${small.toFixed(1)} ms, 16n=${16 * n} ${large.toFixed(1)} ms, ratio ${ratio.toFixed(1)}`);
  return ratio;
}

/** Four times what linear growth from n to 16n gives. */
const LINEAR_BOUND = 64;

const check = (body: string) =>
  checkSource(HEADER + body, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
const rule = (condition: string) => `\nrule r "A rule" [D.I]\n  for sij_injection\n  require B1 [D.1] "relief" ${condition}\n`;

describe("B1: parse errors on a file full of mistakes", () => {
  it("filters parse errors against lexing errors in near-linear time", () => {
    // Every line has dropped characters and a parse error.
    const source = (n: number) => "let a = $ ( ] \n".repeat(n);
    const ratio = growth("parse errors", 250, (n) => parse(source(n), "many.pol"));
    expect(ratio).toBeLessThan(LINEAR_BOUND);
    const { diagnostics } = parse(source(500), "many.pol");
    expect(diagnostics.filter((d) => d.code === "POL1001").length).toBe(1000);
  });
});

describe("B2: rendering many diagnostics", () => {
  const source = "x\n".repeat(50_000);
  const many = (n: number): Diagnostic[] =>
    Array.from({ length: n }, (_, i) => {
      const start = { offset: 2 * i, line: i + 1, column: 1 };
      return diagnostic("POL2001", { file: "big.pol", start, end: { ...start, column: 2 } }, { name: "x" });
    });

  it("renders in linear time, splitting each file once", () => {
    const sources = new Map([["big.pol", source]]);
    const ratio = growth("render", 1_000, (n) => renderDiagnostics(many(n), sources, Infinity));
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it(`shows at most ${MAX_DIAGNOSTICS_PER_FILE} per file, then counts the rest`, () => {
    const blocks = renderDiagnostics(many(16_000), new Map([["big.pol", source]]));
    expect(blocks).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(blocks.at(-1)).toBe("... and 15,900 more errors in this file (big.pol)");
    const json = diagnosticsToJson(many(16_000));
    expect((json["diagnostics"] as unknown[]).length).toBe(MAX_DIAGNOSTICS_PER_FILE);
    expect(json["total"]).toBe(16_000);
    expect(json["omitted"]).toEqual([{ file: "big.pol", count: 15_900 }]);
    expect(diagnosticsToJson(many(3))).toEqual({ diagnostics: expect.any(Array), total: 3 });
  });

  it("checks a file with 150,000 errors without overflowing the stack", () => {
    const result = checkSource("$ ".repeat(150_000), POLICY_PATH, memoryHost({}));
    expect(result.diagnostics.length).toBeGreaterThanOrEqual(150_000);
  });
});

describe("B3: did-you-mean on thousands of unknown names", () => {
  it("bounds the edit-distance work per unknown name", () => {
    const lets = (n: number) => Array.from({ length: n }, (_, i) => `let known_${i} "k" = ${i}\n`).join("");
    const uses = (n: number) => Array.from({ length: n }, (_, i) => `unknown_name_${i} > 0`).join(" or ");
    const cells = (n: number) => {
      suggestionWork.cells = 0;
      const result = check(lets(n) + rule(uses(Math.min(n, MAX_OPERATORS - 1))));
      expect(result.diagnostics.filter((d) => d.code === "POL2001").length).toBe(Math.min(n, MAX_OPERATORS - 1));
      return suggestionWork.cells;
    };
    const small = cells(100);
    const large = cells(400);
    console.log(`suggestion cells: n=100 ${small}, 4n=400 ${large}`);
    expect(large / small).toBeLessThan(9);
  });

  it("skips names longer than 64 characters and still finds close ones", () => {
    expect(suggest("x".repeat(65), ["x".repeat(65)])).toBeUndefined();
    expect(suggest("releif", ["relief", "side"])).toEqual({ didYouMean: "relief" });
    expect(suggest("sid", ["side", "sit"])).toEqual({ didYouMean: "side" });
  });
});

describe("B4: nesting depth", () => {
  const codes = (body: string) => check(body).diagnostics.map((d) => d.code);

  it("reports POL1014 at the token that crosses the limit", () => {
    const parens = check(rule("(".repeat(150) + "true" + ")".repeat(150))).diagnostics;
    expect(parens.map((d) => d.code)).toEqual(["POL1014"]);
    expect(parens[0]!.message).toBe("expression too deep: more than 64 levels of nesting");
    expect(parens[0]!.span.start.column).toBe(29 + MAX_NESTING);
    expect(codes(rule("not ".repeat(2_000) + "true"))).toEqual(["POL1014"]);
    expect(codes(rule("all(".repeat(100) + "true" + ")".repeat(100)))).toEqual(["POL1014"]);
    expect(codes(rule(Array(1_750).fill("true").join(" or ")))).toEqual(["POL1014"]);
    expect(codes(rule(Array(10_000).fill("1").join(" + ") + " > 0"))).toEqual(["POL1014"]);
    expect(codes(rule("count procedures" + " where true".repeat(2_000) + " > 0"))).toEqual(["POL1014"]);
  });

  it("accepts nesting and chains up to the limits, and formats them", async () => {
    const body = rule("(".repeat(MAX_NESTING - 1) + "true" + ")".repeat(MAX_NESTING - 1));
    expect(codes(body)).toEqual([]);
    const chain = rule(Array(MAX_OPERATORS).fill("count procedures > 0").join(" or "));
    expect(codes(chain)).toEqual([]);
    await expect(formatPol(HEADER + chain, POLICY_PATH)).resolves.toContain(" or ");
  });

  it("never throws on random nesting: it checks, or reports the limit", () => {
    const atom = fc.constantFrom<string>("true", "count procedures > 0", "1 + 2 > 0");
    const wrap = fc.constantFrom(
      (x: string) => `(${x})`,
      (x: string) => `not ${x}`,
      (x: string) => `all(${x}, true)`,
      (x: string) => `any(${x})`,
      (x: string) => `${x} and true`,
      (x: string) => `true or ${x}`,
    );
    const expression = fc
      .tuple(atom, fc.array(fc.tuple(wrap, fc.integer({ min: 1, max: 80 })), { maxLength: 4 }))
      .map(([start, layers]) => layers.reduce((x, [f, times]) => {
        for (let i = 0; i < times; i++) x = f(x);
        return x;
      }, start));
    fc.assert(
      fc.property(expression, (condition) => {
        // Literal operands make the conditions tautologies by their form: a warning, not a failure.
        const found = codes(rule(condition)).filter((code) => code !== "POL4025");
        expect(found.every((code) => code === "POL1014"), condition).toBe(true);
      }),
      { numRuns: runs(40) },
    );
  });
});

describe("severities and internal errors", () => {
  const start = { offset: 0, line: 1, column: 1 };
  const span = { file: "a.pol", start, end: { ...start, offset: 1, column: 2 } };

  it("renders a warning-severity diagnostic and counts it in the summary", () => {
    const warning: Diagnostic = { ...diagnostic("POL2001", span, { name: "x" }), severity: "warning" };
    expect(renderDiagnostic(warning, "x\n").split("\n")[0]).toBe("warning[POL2001]: unknown name `x`");
    expect(renderBaseline("x\n", [warning])).toContain("a.pol(1,1): warning POL2001");
    expect(summaryLine([warning])).toBe("1 warning in 1 file");
    expect(summaryLine([warning, diagnostic("POL2001", span, { name: "y" })])).toBe("1 error and 1 warning in 1 file");
    expect(renderDiagnostics([warning, warning], new Map(), 1).at(-1)).toBe("... and 1 more warning in this file (a.pol)");
  });

  it("reports a bug in pol as POL1015 at 1:1", () => {
    const d = internalError("a.pol", new Error("boom"));
    expect([d.code, d.message, d.span.start.line]).toEqual(["POL1015", "internal error: boom", 1]);
  });

  it("type-checks message and help arguments per code", () => {
    // @ts-expect-error: POL2002 takes `field` and `record`
    expect(() => diagnostic("POL2002", span, { name: "x" })).toThrow(/no argument/);
    // @ts-expect-error: POL1002 has no help variant `nope`
    expect(() => diagnostic("POL1002", span, { expected: "a", found: "b" }, { help: "nope" })).toThrow(/no help variant/);
    expect(diagnostic("POL2003", span, { name: "x" }).help).toBe('declare it with `codes NAME "label" = cpt { ... }`');
    expect(diagnostic("POL2003", span, { name: "x" }, { didYouMean: "y" }).help).toBe("did you mean `y`?");
  });
});
