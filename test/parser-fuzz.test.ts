import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keywordSpellings } from "../grammar/lexer.js";
import { parse, type ParseResult } from "../src/syntax/parse.js";
import { runs } from "./support/runs.js";

/** The contract of parse() on any input: no throw, diagnostics XOR a file, no internal error. */
function checkContract(source: string): void {
  let result: ParseResult | undefined;
  expect(() => {
    result = parse(source, "fuzz.pol");
  }).not.toThrow();
  const { file, diagnostics } = result!;
  expect(file === undefined).toBe(diagnostics.length > 0);
  for (const diagnostic of diagnostics) {
    expect(diagnostic.message).not.toMatch(/^internal parser error/);
    expect(diagnostic.code).toMatch(/^POL1\d\d\d$/);
    expect(diagnostic.span.file).toBe("fuzz.pol");
    expect(diagnostic.span.start.offset).toBeGreaterThanOrEqual(0);
    expect(diagnostic.span.end.offset).toBeLessThanOrEqual(source.length);
    expect(diagnostic.span.start.offset).toBeLessThanOrEqual(diagnostic.span.end.offset);
  }
}

/** A valid policy using most of the language: the seed for mutations. */
const SEED = `# seed policy for mutation testing
policy acme.spine
  title "Spine procedures"
  payer "Acme"
  number "SP-1"
  version "2025-01-01"
  effective 2025-01-01
  expires 2026-12-31

use "../schema/spine.pol"

enum Purpose "purpose" { diagnostic, therapeutic }

record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  relief: percent "relief"
  pain_before: number "pain before"
  pain_after: number "pain after"
  score: percent = (pain_before - pain_after) / pain_before as percent "score relief"
}

record Therapy "therapy" dated by start to end { start: date end: date }

case { procedures: list of Procedure "prior procedures" therapies: list of Therapy }
item { code: code "code" purpose: Purpose "purpose" }

codes sij "SIJ injection" = cpt { 27096, 64451 G0260 64490-64495 }
codes zoster = icd10 { B02.* M54* }

let history "prior injections" = procedures where code in sij
let last "latest injection" = latest history

rule therapeutic "Therapeutic SIJ" [D.I.B] for sij when item.purpose == therapeutic
  require B1 [D.I.B.1] "relief" last.relief >= 75% and not last.code not in zoster
  require B2 [D.I.B.2] "interval" no history or time since last.date >= 2mo
  require B3 [D.I.B.3] "cap" count history where code in sij within 12mo <= 4
  require B4 [D.I.B.4] "therapy" coverage of therapies within 6mo >= 42d
  require B5 [D.I.B.5] "any" any(some therapies, all(true, -1 < 2 * 3 + 4,),)
  deny C1 [D.I.C.1] "gap" when time between last.date and earliest history.date > 1y
  not covered C2 [D.I.C.2] "sum" when sum relief of history > 100
  bundle C3 [D.I.C.3] "same day"
`;

/** Token-sized pieces of the seed: strings, citations, words, two-character operators, others. */
const PIECE = /"[^"\n]*"|\[[^\]\n]*\]|[A-Za-z0-9_.%*-]+|[=!<>]=|\S/g;
const pieces = [...SEED.matchAll(PIECE)].map((match) => ({
  start: match.index,
  end: match.index + match[0].length,
}));

const POL_WORDS = [
  ...keywordSpellings,
  "title",
  "payer",
  "effective",
  "x",
  "item.code",
  "cpt {",
  "icd10 {",
  "hcpcs {",
  "B02.*",
  "64490-64495",
  "12mo",
  "7d",
  "75%",
  "0.5",
  "42",
  "2025-07-01",
  "2025-02-30",
  '"text"',
  '"open',
  "[D.1]",
  "[D.1",
  "==",
  "!=",
  "<=",
  ">=",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "(",
  ")",
  ",",
  ".",
  ":",
  "=",
  "{",
  "}",
  "#",
  "@",
  "\\",
  "\n",
  " ",
  "\t",
  "\r\n",
];

type Mutation =
  | { kind: "delete"; piece: number }
  | { kind: "insert"; piece: number; text: string }
  | { kind: "duplicate"; piece: number }
  | { kind: "swap"; piece: number; other: number };

const pieceIndex = fc.nat({ max: pieces.length - 1 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), piece: pieceIndex }),
  fc.record({
    kind: fc.constant("insert" as const),
    piece: pieceIndex,
    text: fc.constantFrom(...POL_WORDS),
  }),
  fc.record({ kind: fc.constant("duplicate" as const), piece: pieceIndex }),
  fc.record({ kind: fc.constant("swap" as const), piece: pieceIndex, other: pieceIndex }),
);

/** Apply to the seed by piece index; later mutations see the seed's pieces, not shifted ones. */
function mutate(mutations: readonly Mutation[]): string {
  // Edits as (start, end, replacement) on the seed, applied from the end so offsets hold.
  const edits: { start: number; end: number; text: string }[] = [];
  for (const m of mutations) {
    const piece = pieces[m.piece]!;
    const text = SEED.slice(piece.start, piece.end);
    switch (m.kind) {
      case "delete":
        edits.push({ start: piece.start, end: piece.end, text: "" });
        break;
      case "insert":
        edits.push({ start: piece.start, end: piece.start, text: `${m.text} ` });
        break;
      case "duplicate":
        edits.push({ start: piece.end, end: piece.end, text: ` ${text}` });
        break;
      case "swap": {
        const other = pieces[m.other]!;
        edits.push({
          start: piece.start,
          end: piece.end,
          text: SEED.slice(other.start, other.end),
        });
        edits.push({ start: other.start, end: other.end, text });
        break;
      }
    }
  }
  // Drop edits overlapping an earlier-kept one, then apply right to left.
  const kept: typeof edits = [];
  for (const edit of edits) {
    const overlaps = kept.some((k) => edit.start < k.end && k.start < edit.end);
    const sameInsertPoint = kept.some((k) => edit.start === edit.end && k.start === edit.start);
    if (!overlaps && !sameInsertPoint) kept.push(edit);
  }
  kept.sort((a, b) => b.start - a.start || b.end - a.end);
  let result = SEED;
  for (const edit of kept)
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

describe("parse() on arbitrary input", () => {
  it("never throws on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), checkContract), { numRuns: runs(200) });
  });

  it("never throws on strings made of pol's characters", () => {
    const polCharacter = fc.constantFrom(
      ..."abcdefgxyz_0123456789 \t\n\r\"\\#[]{}().,:=!<>+-*/%@'",
    );
    fc.assert(fc.property(fc.string({ unit: polCharacter, maxLength: 200 }), checkContract), {
      numRuns: runs(200),
    });
  });

  it("never throws on sequences of pol words", () => {
    const words = fc.array(fc.constantFrom(...POL_WORDS), { maxLength: 60 });
    const sources = fc
      .tuple(fc.boolean(), words)
      .map(([policy, list]) => `${policy ? "policy p\n" : "schema s\n"}${list.join(" ")}`);
    fc.assert(fc.property(sources, checkContract), { numRuns: runs(200) });
  });
});

describe("parse() on mutations of a valid policy", () => {
  it("parses the seed without diagnostics", () => {
    const result = parse(SEED, "seed.pol");
    expect(result.diagnostics).toEqual([]);
    expect(result.file?.declarations).toHaveLength(10);
  });

  it("never throws on deleted, inserted, duplicated or swapped pieces", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        checkContract(mutate(mutations));
      }),
      { numRuns: runs(200) },
    );
  });

  it("reports a deleted closing brace", () => {
    const brace = pieces.findIndex((p) => SEED.slice(p.start, p.end) === "}");
    const result = parse(mutate([{ kind: "delete", piece: brace }]), "fuzz.pol");
    expect(result.file).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });
});
