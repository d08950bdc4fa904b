import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics.js";
import { parse } from "../src/syntax/parse.js";

/** One line per diagnostic: `line:col-line:col CODE message | help`. */
function report(source: string): string[] {
  const result = parse(source, "bad.pol");
  expect(result.file).toBeUndefined();
  return result.diagnostics.map(line);
}

function line(d: Diagnostic): string {
  const { start, end } = d.span;
  const help = d.help === undefined ? "" : ` | ${d.help}`;
  return `${start.line}:${start.column}-${end.line}:${end.column} ${d.code} ${d.message}${help}`;
}

const HEAD = 'policy t.p\n  title "T"\n';

describe("lexical errors", () => {
  it("POL1001: a character no token starts with", () => {
    expect(report(HEAD + "let x = a @ 1\n")).toEqual([
      "3:11-3:12 POL1001 unexpected character `@`",
    ]);
  });

  it("POL1001: a run of stray characters is one diagnostic, with a hint where one helps", () => {
    expect(report(HEAD + "let x = a && b\n")).toEqual([
      "3:11-3:13 POL1001 unexpected characters `&&` | use `and`",
    ]);
    expect(report(HEAD + 'rule r "t" for s\n  require A D.1] "d" a\n')).toEqual([
      "4:16-4:17 POL1001 unexpected character `]` | a citation is a section between brackets, e.g. `[D.I.B.1]`",
    ]);
  });

  it("POL1003: an unterminated string stops at the end of its line, hiding what it swallowed", () => {
    expect(report(HEAD + 'let x "the label = 1\nlet y = 2\n')).toEqual([
      '3:7-3:21 POL1003 unterminated string `"the label = 1` | close the string with `"` on the same line',
    ]);
  });

  it("POL1003: an unterminated string at the end of the file is the only diagnostic", () => {
    expect(report(HEAD + 'rule r "t" for s\n  require A1 [D.1] "relief x >= 75%')).toEqual([
      '4:20-4:36 POL1003 unterminated string `"relief x >= 75%` | close the string with `"` on the same line',
    ]);
  });

  it('POL1011: an escape other than \\" and \\\\', () => {
    expect(report(HEAD + 'let x = "a\\tb"\n')).toEqual([
      '3:11-3:13 POL1011 invalid escape `\\t` in a string | only `\\"` and `\\\\` are escapes: write other characters as they are',
    ]);
  });

  it("POL1004: a date that does not exist", () => {
    expect(report(HEAD + "  effective 2025-02-30\n")).toEqual([
      "3:13-3:23 POL1004 invalid date `2025-02-30` | 2025-02 has 28 days",
    ]);
    expect(report(HEAD + "let d = 2025-13-01\n")).toEqual([
      "3:9-3:19 POL1004 invalid date `2025-13-01` | months run from `01` to `12`",
    ]);
    expect(parse(HEAD + "let d = 2024-02-29\n", "ok.pol").diagnostics).toEqual([]);
    expect(report(HEAD + "let d = 2100-02-29\n")).toHaveLength(1);
  });

  it("POL1005: an invalid code in a code list", () => {
    expect(report(HEAD + "codes c = cpt { 27096 64490- B02.*x }\n")).toEqual([
      "3:23-3:29 POL1005 invalid code `64490-` | a range is two codes joined by `-`, e.g. `64490-64495`",
      "3:30-3:36 POL1005 invalid code `B02.*x` | a prefix ends with `*`, e.g. `B02.*` or `M54*`",
    ]);
  });

  it("POL1006: a number glued to something that is not a duration unit", () => {
    expect(report(HEAD + "let w = procedures within 12months\n")).toEqual([
      "3:27-3:35 POL1006 invalid duration `12months` | write a whole number followed by `d`, `wk`, `mo` or `y`, e.g. `12mo`",
    ]);
  });

  it("POL1010: a citation missing its closing bracket", () => {
    expect(report(HEAD + 'rule r "t" [D.I for s\n')).toEqual([
      "3:12-3:16 POL1010 unclosed citation `[D.I` | close it with `]`: `[D.I]`",
    ]);
  });
});

describe("parser errors", () => {
  it("POL1002: says what was expected and shows what was found", () => {
    expect(report(HEAD + "record R { a: number 5 b: number }\n")).toEqual([
      "3:22-3:23 POL1002 expected a field or `}` but found `5`",
    ]);
    expect(report(HEAD + "enum E { }\n")).toEqual([
      "3:10-3:11 POL1002 expected an enum member but found `}`",
    ]);
    expect(report("banana\n")).toEqual([
      "1:1-1:7 POL1002 expected `policy`, `schema` or `fhir` but found `banana`",
    ]);
  });

  it("POL1002: a missing condition reads as a condition, a missing operand as an expression", () => {
    expect(report(HEAD + 'rule r "t" for s\n  require A [a] "d"\n  require B [b] "e" b\n')).toEqual(
      ["5:3-5:10 POL1002 expected a condition but found `require`"],
    );
    expect(report(HEAD + "let y = all()\n")).toEqual([
      "3:13-3:14 POL1002 expected an expression but found `)`",
    ]);
  });

  it("POL1002: names what a missing name stands for", () => {
    expect(report(HEAD + 'rule r "t" for s\n  require [D.1] "d" a\n')).toEqual([
      '4:11-4:16 POL1002 expected a criterion id but found `[D.1]` | a criterion starts with its id, e.g. `require B1 [D.I.B.1] "..."`',
    ]);
    expect(report(HEAD + 'rule r "t" for "s"\n')).toEqual([
      '3:16-3:19 POL1002 expected a code set name but found `"s"`',
    ]);
    expect(report(HEAD + "let x = a.1\n")).toEqual([
      "3:11-3:12 POL1002 expected a field name but found `1`",
    ]);
  });

  it("POL1002: `=` where `==` was meant", () => {
    expect(report(HEAD + 'rule r "t" for s\n  deny C [c] "d" when item.side = left\n')).toEqual([
      "4:33-4:34 POL1002 expected a declaration but found `=` | use `==` to compare",
    ]);
  });

  it("POL1002: comparisons do not chain", () => {
    expect(report(HEAD + "let x = a < b < c\n")).toEqual([
      "3:15-3:16 POL1002 expected a declaration but found `<` | comparisons do not chain: join two comparisons with `and`",
    ]);
  });

  it("POL1002: a rule without `for`", () => {
    expect(report(HEAD + 'rule r "t" [R] sij\n')).toEqual([
      "3:16-3:19 POL1002 expected `for` but found `sij` | a rule names the code set it applies to: `for CODESET`",
    ]);
  });

  it("POL1012: an unknown header field, with a suggestion when one is close", () => {
    expect(report(HEAD + '  tittle "x"\n  sponsor "y"\n')).toEqual([
      "3:3-3:9 POL1012 unknown header field `tittle` | did you mean `title`?",
      "4:3-4:10 POL1012 unknown header field `sponsor` | the header fields are `title`, `payer`, `number`, `version`, `effective` and `expires`",
    ]);
  });

  it("POL1002, POL1013: uses after declarations, criteria outside rules, fields with two labels", () => {
    expect(report(HEAD + 'let x = 1\nrequire A [a] "x" a\nuse "x.pol"\n')).toEqual([
      "4:1-4:8 POL1002 expected a declaration but found `require` | a criterion belongs to a rule: move it under its `rule`",
      "5:1-5:4 POL1002 expected a declaration but found `use` | put every `use` before the declarations",
    ]);
    expect(report(HEAD + 'record R { a: number "one" = 1 "two" }\n')).toEqual([
      "3:32-3:37 POL1013 field `a` has two labels | keep one label, before or after `= expression`",
    ]);
  });

  it("POL1007: the input ends too early, pointing just after the last token", () => {
    expect(report("")).toEqual([
      "1:1-1:1 POL1007 unexpected end of file: expected `policy`, `schema` or `fhir`",
    ]);
    expect(report(HEAD + "enum E { a b\n")).toEqual([
      "3:13-3:13 POL1007 unexpected end of file: expected `}`",
    ]);
    expect(report(HEAD + "let y = a where\n")).toEqual([
      "3:16-3:16 POL1007 unexpected end of file: expected a condition",
    ]);
    expect(report(HEAD + "codes c = cpt { 1 2\n")).toEqual([
      "3:20-3:20 POL1007 unexpected end of file: expected `}`",
    ]);
  });

  it("POL1008: a header field given twice", () => {
    expect(report(HEAD + '  payer "a"\n  title "again"\n')).toEqual([
      "4:3-4:8 POL1008 header field `title` given twice | keep one of them",
    ]);
  });
});

describe("recovery", () => {
  it("reports three independent errors as three diagnostics, sorted, and no AST", () => {
    const source =
      HEAD +
      [
        "let a = 1 @ 2", // POL1001
        "enum E { x y", // POL1002: `codes` where `}` is expected
        "codes c = cpt { 1 }",
        "let b = 2025-02-30", // POL1004
        "",
      ].join("\n");
    expect(report(source)).toEqual([
      "3:11-3:12 POL1001 unexpected character `@`",
      "5:1-5:6 POL1002 expected `}` but found `codes`",
      "6:9-6:19 POL1004 invalid date `2025-02-30` | 2025-02 has 28 days",
    ]);
  });

  it("keeps parsing the criteria of a rule after an error in one of them", () => {
    const source =
      HEAD +
      'rule r "t" [R] for s\n' +
      '  require A [a] "x" a ==\n' +
      '  require B [b] "y" b + * 2\n' +
      '  require C [c] "z" (c\n' +
      '  require D [d] "w" d\n';
    expect(report(source)).toEqual([
      "5:3-5:10 POL1002 expected a condition but found `require`",
      "5:25-5:26 POL1002 expected a condition but found `*`",
      "7:3-7:10 POL1002 expected `)` but found `require`",
    ]);
  });

  it("reports a declaration-level error and a later expression error", () => {
    const source = HEAD + "record R { a number }\nlet x = (1 +\nlet y = 2\n";
    expect(report(source)).toEqual([
      "3:14-3:20 POL1002 expected `:` but found `number`",
      "5:1-5:4 POL1002 expected an expression but found `let`",
    ]);
  });
});
