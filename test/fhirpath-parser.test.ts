// The parser of everyday FHIRPath forms against the engine's own ANTLR parser: wherever it
// answers, the tree is the engine's, property for property and in the same key order; where it
// does not, the engine parses. Checked on every FHIRPath of the repository's binding files and on
// generated expressions, in and outside the forms it reads.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReadDecl } from "../src/ast.js";
import { engineAntlrParse, fhirpathEngine } from "../src/check/fhirpath-engine.js";
import { parseCommonFhirpath } from "../src/check/fhirpath-parser.js";
import { parse } from "../src/syntax/parse.js";
import { filesUnder } from "./support/policy-files.js";
import { property } from "./support/runs.js";

/** The engine's tree as JSON (key order included), or its error. */
function antlr(expression: string): string {
  try {
    return JSON.stringify(engineAntlrParse(expression));
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Whether the common parser either leaves `expression` to the engine or gives the engine's tree. */
function agrees(expression: string): boolean {
  const ours = parseCommonFhirpath(expression);
  return ours === undefined || JSON.stringify(ours) === antlr(expression);
}

function repositoryFhirpaths(): string[] {
  const found = new Set<string>();
  for (const file of filesUnder(["policies", "test", "tutorial", "templates"], ".fhir.pol")) {
    const parsed = parse(readFileSync(file, "utf8"), file);
    for (const decl of parsed.file?.declarations ?? []) {
      if (decl.kind !== "ReadDecl") continue;
      const read = decl as ReadDecl;
      if (read.element) found.add(read.element.value);
      if (read.filter) found.add(read.filter.value);
      for (const field of read.fields) if (field.path) found.add(field.path.value);
    }
  }
  return [...found];
}

describe("the parser of common FHIRPath forms", () => {
  it("gives the engine's tree for every FHIRPath of the repository's binding files", () => {
    const paths = repositoryFhirpaths();
    expect(paths.length).toBeGreaterThan(60);
    const answered = paths.filter((path) => parseCommonFhirpath(path) !== undefined);
    // The binding files use the everyday forms: all of them are read without ANTLR.
    expect(answered).toEqual(paths);
    for (const path of paths) expect(JSON.stringify(parseCommonFhirpath(path)), path).toBe(antlr(path));
  });

  it("gives the engine's tree for each form it reads", () => {
    const forms = [
      "code.coding.where(system = %cpt).code.first()",
      "a.b[0].c[d.e]",
      "-a.b * 2 + -3",
      "+a.b",
      "-(a)",
      "f(a.b, c, g(h).i)",
      "x is Quantity",
      "x as Quantity and y",
      "(a | b).count() > 1 implies c",
      "a and b or c xor d",
      "1.5 + 2 - 3 & 'x y'",
      "where($this = 1).select($index) | $total",
      "%resource.id = %bundle.entry.count()",
      "a != b and c !~ d and e ~ f",
      "a in b contains c",
      "a div b mod c / d",
      "a <= b < c >= d > e",
      "\ta  .  b ( )",
      "select(a).where(b = c)[0]",
      "''",
      "true.not() = false",
      "_x1.y_",
    ];
    for (const form of forms) {
      expect(parseCommonFhirpath(form), form).toBeDefined();
      expect(JSON.stringify(parseCommonFhirpath(form)), form).toBe(antlr(form));
    }
  });

  it("leaves other text to the engine", () => {
    const others = [
      "", "a.", "a..b", "(a", "a)", "f(a,)", "a b", "5 'mg'", "5 days", "5L", "@2024-01-01", "a.`b c`", "%'x'", "%`x`",
      "a // note", "a /* note */", "'a\\'b'", "a\nand b", "a.is(b)", "a.where(in = 1)", "x is FHIR.Quantity", "a.year",
      "$thisx", "{}", "Coding { code: 'x' }", "a.sort(b desc)", "'é'", "a[0", "a = ", "not a",
    ];
    for (const text of others) expect(parseCommonFhirpath(text), JSON.stringify(text)).toBeUndefined();
  });

  const names = fc.constantFrom("a", "code", "coding", "_x", "value1", "status", "Quantity", "is", "as", "in", "div", "true", "year", "sort", "asc");
  const spaces = fc.constantFrom("", "", " ", "  ", "\t");
  const literal = fc.oneof(
    fc.integer({ min: 0, max: 999 }).map(String),
    fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom("'x'", "''", "'a b'", "true", "false", "5 'mg'", "3 days", "@2024-01", "7L", "{}"),
  );
  const { expression } = fc.letrec<{ expression: string; term: string; invocation: string }>((tie) => ({
    invocation: fc.oneof(
      names,
      fc.constantFrom("$this", "$index", "$total", "`d`"),
      fc.tuple(names, fc.array(tie("expression"), { maxLength: 3 })).map(([name, args]) => `${name}(${args.join(", ")})`),
    ),
    term: fc.oneof(
      { weight: 3, arbitrary: tie("invocation") },
      { weight: 2, arbitrary: literal },
      { weight: 1, arbitrary: names.map((name) => `%${name}`) },
      { weight: 1, arbitrary: tie("expression").map((inner) => `(${inner})`) },
    ),
    expression: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 4, arbitrary: tie("term") },
      { weight: 2, arbitrary: fc.tuple(tie("expression"), spaces, tie("invocation")).map(([e, s, i]) => `${e}${s}.${s}${i}`) },
      { weight: 1, arbitrary: fc.tuple(tie("expression"), tie("expression")).map(([e, i]) => `${e}[${i}]`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom("-", "+"), tie("expression")).map(([op, e]) => `${op}${e}`) },
      { weight: 1, arbitrary: fc.tuple(tie("expression"), fc.constantFrom(" is ", " as "), names).map(([e, op, t]) => `${e}${op}${t}`) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            tie("expression"),
            spaces,
            fc.constantFrom("*", "/", "div", "mod", "+", "-", "&", "|", "<=", "<", ">", ">=", "=", "~", "!=", "!~", "in", "contains", "and", "or", "xor", "implies"),
            spaces,
            tie("expression"),
          )
          // Word operators need a space on each side to be words.
          .map(([l, s1, op, s2, r]) => (/^[a-z]/.test(op) ? `${l} ${op} ${r}` : `${l}${s1}${op}${s2}${r}`)),
      },
    ),
  }));

  it("agrees with the engine on generated expressions", () => {
    fc.assert(fc.property(expression, (text) => agrees(text)), property("fhirpath common forms agree with the engine", 400));
  });

  it("reads most generated expressions itself (the property above is not vacuous)", () => {
    const sample = fc.sample(expression, { numRuns: 300, seed: 1 });
    const answered = sample.filter((text) => parseCommonFhirpath(text) !== undefined);
    expect(answered.length).toBeGreaterThan(sample.length / 4);
  });

  it("agrees with the engine on token soup", () => {
    const token = fc.constantFrom(
      "a", "b", "where", "is", "as", "in", "and", "or", "true", "1", "2.5", "'s'", "%v", "$this", ".", ",", "(", ")", "[", "]",
      "+", "-", "*", "=", "!=", "<", "|", "&", "mod", "days", "'mg'", "{", "}", ":", "@2020", "`q`",
    );
    const soup = fc.tuple(fc.array(token, { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom("", " "), { minLength: 12, maxLength: 12 }))
      .map(([tokens, gaps]) => tokens.map((t, i) => t + gaps[i]).join(""));
    fc.assert(fc.property(soup, (text) => agrees(text)), property("fhirpath token soup agrees with the engine", 600));
  });

  it("is what the engine parses with, once per expression", () => {
    const engine = fhirpathEngine();
    const text = "code.coding.where(system = %cpt).code";
    expect(engine.parse(text)).toBe(engine.parse(text));
    expect(JSON.stringify(engine.parse(text))).toBe(antlr(text));
    // The engine's evaluation reads the same trees: an unknown function is still found.
    expect(() => engine.evaluate({ resourceType: "Claim" }, "item.nosuch()", {})).toThrow(/nosuch/);
    // Text it leaves to ANTLR still parses (the parser loads when first needed) or fails there.
    expect(engine.parse("a // note")).toEqual(JSON.parse(antlr("a // note")));
    expect(() => engine.parse("a.(")).toThrow(/line: 1; column/);
    // Units convert through the unit library, loaded on first use.
    expect(engine.evaluate({ resourceType: "Observation" }, "1 'g' = 1000 'mg'", {})).toEqual([true]);
  });
});
