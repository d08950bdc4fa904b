// The parser's self-analysis restored from a record (grammar/self-analysis.ts), as the check
// bundle builds its parser, against Chevrotain's own analysis of the same grammar: the same
// grammar, follow sets and lookahead functions (each decision on every token sequence over the
// tokens it names), the same trees and errors on every `.pol` file of the repository and on
// files edited at random so that the parser recovers; and Chevrotain's own analysis whenever the
// record does not fit the parser.
import { readFileSync } from "node:fs";
import type { IToken, TokenType } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EOF, VERSION } from "../grammar/chevrotain.js";
import { allTokens, polLexer } from "../grammar/lexer.js";
import { buildParser, parseTokens } from "../grammar/parser.js";
import type { SelfAnalysis } from "../grammar/self-analysis.js";
import { editedTokens, plainCst } from "./support/cst-edits.js";
import { filesUnder } from "./support/policy-files.js";
import { property } from "./support/runs.js";

type Parser = ReturnType<typeof buildParser>;
type Decision = (this: unknown, orAlts?: { GATE?: () => boolean }[]) => unknown;

interface Internals {
  gastProductionsCache: Record<string, unknown>;
  resyncFollows: Record<string, TokenType[]>;
  lookAheadFuncsCache: Map<number, Decision>;
}

const internals = (parser: Parser) => parser as unknown as Internals;

/** The record as the build writes it into the bundle: JSON. */
function recorded(): SelfAnalysis {
  return JSON.parse(JSON.stringify(buildParser({ kind: "record" }).recorded)) as SelfAnalysis;
}

const byChevrotain = buildParser({ kind: "chevrotain" });
const analysis = recorded();
const restored = buildParser({ kind: "restore", analysis });

function sameParses(tokens: IToken[]): void {
  const ours = parseTokens(tokens, restored);
  const chevrotains = parseTokens(tokens, byChevrotain);
  expect(plainCst(ours.cst)).toEqual(plainCst(chevrotains.cst));
  expect(ours.errors.map((e) => [e.name, e.message, e.token.startOffset, e.context.ruleStack])).toEqual(
    chevrotains.errors.map((e) => [e.name, e.message, e.token.startOffset, e.context.ruleStack]),
  );
  expect(ours.ordinals).toBe(chevrotains.ordinals);
}

/** A production as data: its class, every own field in order (tokens and rules by identity and
 *  name), and its own productions. */
function productionData(production: unknown): unknown {
  const fields: [string, unknown][] = [];
  for (const [field, value] of Object.entries(production as object)) {
    if (field === "_definition") continue;
    const named = value as { name?: string } | undefined;
    if (field === "referencedRule") fields.push([field, value === internals(byChevrotain).gastProductionsCache[named!.name!] || value === internals(restored).gastProductionsCache[named!.name!] ? named!.name : "elsewhere"]);
    else if (field === "terminalType") fields.push([field, allTokens.includes(value as TokenType) ? named!.name : "elsewhere"]);
    else fields.push([field, value]);
  }
  const definition = (production as { constructor: unknown; nonTerminalName?: string; _definition?: unknown[] })._definition;
  return { kind: (production as { constructor: unknown }).constructor, fields, definition: definition?.map(productionData) };
}

/** The token types a decision's lookahead can tell apart: those it names, their categories'
 *  members, and one it does not name (EOF, or any other). */
function alphabetOf(paths: string[][][]): TokenType[] {
  const named = new Set(paths.flat(2));
  const types = allTokens.filter((type) => named.has(type.name) || (type.CATEGORIES ?? []).some((category) => named.has(category.name)));
  return [...types, EOF];
}

/** Every sequence of `length` token types over `alphabet`. */
function* sequences(alphabet: TokenType[], length: number): Generator<TokenType[]> {
  if (length === 0) {
    yield [];
    return;
  }
  for (const rest of sequences(alphabet, length - 1)) for (const type of alphabet) yield [type, ...rest];
}

describe("the parser's self-analysis restored from a record", () => {
  it("is restored, and records the grammar Chevrotain recorded", () => {
    expect(restored.restored).toBe(true);
    expect(byChevrotain.restored).toBe(false);
    expect(restored.getSerializedGastProductions()).toEqual(byChevrotain.getSerializedGastProductions());
    // Every field of every production, the ones that serialisation leaves out included
    // (predicates, ambiguities, the rule a subrule refers to), with its class.
    const rules = (parser: Parser) => Object.entries(internals(parser).gastProductionsCache).map(([name, rule]) => [name, productionData(rule)]);
    expect(rules(restored)).toEqual(rules(byChevrotain));
  });

  it("has the follow sets error recovery resynchronises on", () => {
    const names = (follows: Record<string, TokenType[]>) => Object.fromEntries(Object.entries(follows).map(([key, types]) => [key, types.map((type) => type.name)]));
    expect(Object.keys(internals(byChevrotain).resyncFollows).length).toBeGreaterThan(50);
    expect(names(internals(restored).resyncFollows)).toEqual(names(internals(byChevrotain).resyncFollows));
    for (const [key, types] of Object.entries(internals(restored).resyncFollows)) expect(types).toEqual(internals(byChevrotain).resyncFollows[key]);
  });

  it("decides every alternative, option and repetition as Chevrotain's lookahead does, on every token sequence", () => {
    const ours = internals(restored).lookAheadFuncsCache;
    const chevrotains = internals(byChevrotain).lookAheadFuncsCache;
    expect([...ours.keys()].sort()).toEqual([...chevrotains.keys()].sort());
    expect(Object.keys(analysis.lookahead).length).toBe(chevrotains.size);
    let compared = 0;
    const differing: string[] = [];
    for (const [key, decide] of chevrotains) {
      const mine = ours.get(key)!;
      const paths = analysis.lookahead[recordKey(byChevrotain, key)];
      expect(paths, recordKey(byChevrotain, key)).toBeDefined();
      // Each alternative gated off in turn, and none (predicates are read only by decisions
      // that have them).
      const alternatives = paths!.length;
      const gates: ({ GATE?: () => boolean }[] | undefined)[] = [undefined, Array.from({ length: alternatives }, () => ({}))];
      for (let off = 0; off < alternatives; off++) gates.push(Array.from({ length: alternatives }, (_, t) => (t === off ? { GATE: () => false } : {})));
      // A lookahead reads no further than its longest path.
      const depth = Math.max(1, ...paths!.flat().map((path) => path.length));
      for (const sequence of sequences(alphabetOf(paths!), depth)) {
        const tokens = sequence.map((type) => ({ tokenTypeIdx: (type as TokenType & { tokenTypeIdx: number }).tokenTypeIdx }));
        const context = { LA_FAST: (i: number) => tokens[i - 1] ?? { tokenTypeIdx: (EOF as TokenType & { tokenTypeIdx: number }).tokenTypeIdx } };
        for (const orAlts of gates) {
          if (mine.call(context, orAlts) !== decide.call(context, orAlts)) differing.push(`${recordKey(byChevrotain, key)} on ${sequence.map((type) => type.name).join(" ")}`);
          compared++;
        }
      }
    }
    expect(differing.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(20_000);
  });

  it("parses every file of the repository as Chevrotain's analysis does", () => {
    const files = filesUnder(["policies", "tutorial", "test", "templates", "samples"], ".pol");
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) sameParses(polLexer.tokenize(readFileSync(file, "utf8")).tokens);
  });

  it("recovers from errors as Chevrotain's analysis does", () => {
    const sources = filesUnder(["policies"], ".pol").map((file) => polLexer.tokenize(readFileSync(file, "utf8")).tokens);
    fc.assert(
      fc.property(editedTokens(sources), (tokens) => {
        sameParses(tokens);
      }),
      property("restored analysis on recovered trees", 80),
    );
  });

  it("is left to Chevrotain when the record does not fit the parser", () => {
    const unfit: [string, (record: SelfAnalysis) => void][] = [
      ["another Chevrotain version", (record) => (record.chevrotain = `${VERSION}-other`)],
      ["a rule renamed", (record) => (record.rules[3]!.fields["name"] = "renamed")],
      ["a rule missing", (record) => record.rules.pop()],
      ["an unknown token in the grammar", (record) => (record.rules[2]!.definition![0]!.fields["terminalType"] = "NoSuchToken")],
      ["an unknown token in a follow set", (record) => Object.values(record.follows)[0]!.push("NoSuchToken")],
      ["an unknown token in a lookahead path", (record) => Object.values(record.lookahead)[0]![0]![0]!.push("NoSuchToken")],
      ["a production of an unknown kind", (record) => (record.rules[1]!.definition![0]!.kind = "Gate")],
    ];
    for (const [what, change] of unfit) {
      const record = recorded();
      change(record);
      const parser = buildParser({ kind: "restore", analysis: record });
      expect(parser.restored, what).toBe(false);
      expect(parser.getSerializedGastProductions(), what).toEqual(byChevrotain.getSerializedGastProductions());
      expect(internals(parser).lookAheadFuncsCache.size, what).toBe(internals(byChevrotain).lookAheadFuncsCache.size);
      const tokens = polLexer.tokenize(readFileSync("policies/cigna/trigger-point-injections.pol", "utf8")).tokens;
      expect(plainCst(parseTokens(tokens, parser).cst), what).toEqual(plainCst(parseTokens(tokens, byChevrotain).cst));
    }
  });

  it("builds a decision the record lacks with Chevrotain's lookahead", () => {
    const record = recorded();
    for (const key of Object.keys(record.lookahead)) delete record.lookahead[key];
    const parser = buildParser({ kind: "restore", analysis: record });
    expect(parser.restored).toBe(true);
    sameParsesWith(parser, polLexer.tokenize(readFileSync("policies/truecare/sacroiliac-joint-procedures.pol", "utf8")).tokens);
  });
});

function sameParsesWith(parser: Parser, tokens: IToken[]): void {
  expect(plainCst(parseTokens(tokens, parser).cst)).toEqual(plainCst(parseTokens(tokens, byChevrotain).cst));
}

// Chevrotain's key of a decision: its rule's short index, its kind and its occurrence, in bits
// (11.2.0's getKeyForAutomaticLookahead); the record's key names the three.
const KIND_OF_METHOD = ["", "Alternation", "Option", "Repetition", "RepetitionMandatory", "RepetitionWithSeparator", "RepetitionMandatoryWithSeparator"];

function recordKey(parser: Parser, key: number): string {
  const full = (parser as unknown as { shortRuleNameToFull: Record<number, string> }).shortRuleNameToFull;
  return `${full[key & ~0xfff]}/${KIND_OF_METHOD[(key >> 8) & 0xf]}/${key & 0xff}`;
}

describe("the check bundle", () => {
  it("holds the analysis the build recorded, which its parser restores", () => {
    // The ES module bundle keeps Chevrotain's own analysis, so test/code-cache.test.ts, which
    // compares the two CLIs on every golden file, compares restored against Chevrotain's.
    const bundle = readFileSync("dist/cli/check.cjs", "utf8");
    const held = /^\s*recordedAnalysis = JSON\.parse\(('(?:[^'\\\n]|\\.)*')\);$/m.exec(bundle);
    expect(held).not.toBeNull();
    // The string literal as esbuild wrote it, read as JavaScript.
    expect(JSON.parse(new Function(`return ${held![1]!};`)() as string)).toEqual(analysis);
    expect(bundle).toMatch(/^\s*recordedLexerStarts = JSON\.parse\('\{"/m);
    expect(readFileSync("dist/cli/cli.js", "utf8")).not.toContain("recordedAnalysis = JSON.parse");
  });
});
