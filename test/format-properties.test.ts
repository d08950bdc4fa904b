import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPol } from "../src/tools/format/prettier-plugin.js";
import { parseShape } from "./support/ast-shape.js";
import { runs } from "./support/runs.js";

const ROOT = new URL("../", import.meta.url).pathname;

/** Every `.pol` file under policies/ (policies and schemas), relative to the package root. */
function polFiles(): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".pol")) found.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, "policies"));
  return found.sort();
}

// ---------------------------------------------------------------------------------------------
// Layout mutations: the same tokens with different blanks, plus comments inserted between tokens.

type Segment = { kind: "code" | "blank" | "comment" | "string"; text: string };

/** Split source text into blanks, comments, strings and other code, so blanks can be swapped. */
function segments(source: string): Segment[] {
  const result: Segment[] = [];
  const pattern = /([ \t\r\n]+)|(#[^\n]*)|("(?:[^"\\\n]|\\.)*")|([^ \t\r\n#"]+|")/gy;
  for (const match of source.matchAll(pattern)) {
    if (match[1] !== undefined) result.push({ kind: "blank", text: match[1] });
    else if (match[2] !== undefined) result.push({ kind: "comment", text: match[2] });
    else if (match[3] !== undefined) result.push({ kind: "string", text: match[3] });
    else result.push({ kind: "code", text: match[4]! });
  }
  return result;
}

const SAME_LINE_BLANKS = [" ", "  ", "\t", "   "];
const LINE_BREAKS = ["\n", "\n\n", "\n    ", "\n\n\n  ", " \n\t"];

interface BlankChoice {
  blank: number;
  /** 0: add a trailing comment, 1: add an own-line comment, otherwise none. */
  comment: number;
}

function mutate(parts: readonly Segment[], choices: readonly BlankChoice[]): string {
  let out = "";
  let blankIndex = 0;
  parts.forEach((part, index) => {
    if (part.kind !== "blank") {
      out += part.text;
      return;
    }
    const choice = choices[blankIndex++]!;
    const before = parts[index - 1];
    const after = parts[index + 1];
    // `not covered` and `prior authorization` are one keyword each (their blank must stay on the
    // line), and so is `cpt {`.
    if (
      (before?.text.endsWith("not") && after?.text.startsWith("covered")) ||
      (before?.text.endsWith("prior") && after?.text.startsWith("authorization"))
    ) {
      out += " ";
      return;
    }
    if (/(cpt|hcpcs|icd10)$/.test(before?.text ?? "") && after?.text.startsWith("{")) {
      out += part.text;
      return;
    }
    const mustBreak = part.text.includes("\n") || before?.kind === "comment";
    const options = mustBreak || choice.comment <= 1 ? LINE_BREAKS : [...SAME_LINE_BLANKS, ...LINE_BREAKS];
    const comment =
      choice.comment === 0
        ? ` # trailing ${blankIndex}`
        : choice.comment === 1
          ? `\n# own line ${blankIndex}`
          : "";
    out += comment + options[choice.blank % options.length]!;
  });
  return out;
}

function variants(source: string): fc.Arbitrary<string> {
  const parts = segments(source);
  const blanks = parts.filter((part) => part.kind === "blank").length;
  const choice = fc.record({ blank: fc.nat({ max: 20 }), comment: fc.nat({ max: 30 }) });
  return fc.array(choice, { minLength: blanks, maxLength: blanks }).map((choices) => mutate(parts, choices));
}

// ---------------------------------------------------------------------------------------------
// Random expressions, written with parentheses around every operand, so that their parse is
// certain; the formatter must keep only the parentheses the grammar needs and the same AST.

const atoms = fc.constantFrom("a", "b", "item", "12mo", "75%", "2.5", "4", '"s"', "true", "2024-02-29");

const expressions: fc.Arbitrary<string> = fc.letrec<{ expression: string }>((tie) => {
  const sub = tie("expression");
  const compound = fc.oneof(
    fc
      .tuple(sub, fc.constantFrom("or", "and", "==", "!=", "<=", ">", "+", "-", "*", "/"), sub)
      .map(([l, op, r]) => `(${l}) ${op} (${r})`),
    sub.map((e) => `not (${e})`),
    sub.map((e) => `-(${e})`),
    fc.tuple(sub, fc.constantFrom("in", "not in")).map(([e, op]) => `(${e}) ${op} sij`),
    sub.map((e) => `(${e}) as percent`),
    fc
      .tuple(fc.constantFrom("count", "some", "no", "latest", "earliest", "sum f of", "coverage of"), sub)
      .map(([k, e]) => `${k} (${e})`),
    sub.map((e) => `time since (${e})`),
    fc.tuple(sub, sub).map(([a, b]) => `time between (${a}) and (${b})`),
    fc.tuple(sub, sub).map(([l, c]) => `(${l}) where (${c})`),
    sub.map((l) => `(${l}) within 12mo`),
    sub.map((e) => `(${e}).f`),
    fc
      .tuple(fc.constantFrom("all", "any"), fc.array(sub, { minLength: 1, maxLength: 3 }))
      .map(([g, es]) => `${g}(${es.map((e) => `(${e})`).join(", ")})`),
  );
  return { expression: fc.oneof({ depthSize: "small", withCrossShrink: true }, atoms, compound) };
}).expression;

const POLICY_HEAD = 'policy t.p\n  title "T"\n';

describe("parentheses", () => {
  it("formatting a fully parenthesized expression keeps its AST", async () => {
    await fc.assert(
      fc.asyncProperty(expressions, async (expression) => {
        const source = `${POLICY_HEAD}\nlet x = ${expression}\n\nrule r "R" [R]\n  for s\n\n  require A [A] \"d\"\n    ${expression}\n`;
        const once = await formatPol(source);
        expect(parseShape(once)).toEqual(parseShape(source));
        expect(await formatPol(once)).toBe(once);
      }),
      { numRuns: runs(200) },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const files = polFiles();

describe("formatting the policies under policies/", () => {
  it("finds the policies", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)("%s: formatting is idempotent and keeps the AST and the comments", async (path) => {
    const source = readFileSync(join(ROOT, path), "utf8");
    const once = await formatPol(source, path);
    expect(await formatPol(once, path)).toBe(once);
    expect(parseShape(once)).toEqual(parseShape(source));
  });

  it("the mutation keeps the meaning of the source (a check of the test itself)", () => {
    const source = readFileSync(join(ROOT, files[0]!), "utf8");
    fc.assert(
      fc.property(variants(source), (variant) => {
        const withoutAdded = variant.replace(/ # trailing \d+|\n# own line \d+/g, "");
        expect(parseShape(withoutAdded)).toEqual(parseShape(source));
      }),
      { numRuns: runs(10) },
    );
  });

  it("with other blanks and more comments: idempotent, same AST, same comments", async () => {
    const sources = files.map((path) => readFileSync(join(ROOT, path), "utf8"));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sources).chain((source) => variants(source)),
        async (variant) => {
          const once = await formatPol(variant);
          expect(await formatPol(once)).toBe(once);
          expect(parseShape(once)).toEqual(parseShape(variant));
          for (const line of once.split("\n")) expect(line).not.toMatch(/\s$/);
        },
      ),
      { numRuns: runs(50) },
    );
  });
});
