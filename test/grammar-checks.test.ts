// Chevrotain's grammar definition checks (ambiguous alternatives, left recursion, empty or
// conflicting tokens) cost a good part of start-up, so `pol` builds its lexer and parser without
// them (grammar/chevrotain.ts). They run wherever the grammar is tested instead: under the test
// runner every build of the parser runs them, and a grammar they would reject fails the tests.

import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGrammarDefinition, createToken, CstParser, Lexer } from "../grammar/chevrotain.js";
import { polParser } from "../grammar/parser.js";
import { polLexer } from "../grammar/lexer.js";

const ROOT = resolve(import.meta.dirname, "..");

const Word = createToken({ name: "Word", pattern: /[a-z]+/ });
const Space = createToken({ name: "Space", pattern: / +/, group: Lexer.SKIPPED });

/** A grammar with one ambiguous choice (a word, or a word), built as pol's parser is (grammar/parser.ts). */
class Ambiguous extends CstParser {
  constructor() {
    super([Word, Space], { recoveryEnabled: true, nodeLocationTracking: "onlyOffset", maxLookahead: 3, skipValidations: !checkGrammarDefinition });
    this.performSelfAnalysis();
  }

  start = this.RULE("start", () => {
    this.OR([{ ALT: () => this.CONSUME(Word) }, { ALT: () => this.CONSUME2(Word) }]);
  });
}

describe("the grammar's definition checks", () => {
  it("run under the test runner", () => {
    expect(checkGrammarDefinition).toBe(true);
  });

  it("find nothing in pol's grammar: the parser and lexer are built with them", () => {
    // Chevrotain throws when building a parser its checks find fault with; the errors stay empty.
    expect((polParser() as unknown as { definitionErrors: unknown[] }).definitionErrors).toEqual([]);
    expect(polLexer.lexerDefinitionErrors).toEqual([]);
  });

  it("would fail the tests on an ambiguity in a grammar built as pol's is", () => {
    expect(() => new Ambiguous()).toThrow(/Ambiguous Alternatives Detected/);
  });

  it("find nothing in the check bundle either: `pol check` with them (POL_GRAMMAR_CHECKS=1) says what it says without", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.VITEST;
    const run = (extra: NodeJS.ProcessEnv) => spawnSync(process.execPath, ["bin/pol.js", "check", "policies", "test/golden/POL1002-mixed-errors.pol"], { cwd: ROOT, env: { ...env, ...extra }, encoding: "utf8" });
    const output = (extra: NodeJS.ProcessEnv) => {
      const { status, stdout, stderr } = run(extra);
      return { status, stdout, stderr };
    };
    const checked = output({ POL_GRAMMAR_CHECKS: "1" });
    expect(checked.status).toBe(1);
    expect(checked.stderr).toMatch(/^error\[POL1002\]/);
    expect(checked).toEqual(output({}));
  });
});
