// The VS Code extension's TextMate grammar (editors/vscode/syntaxes/pol.tmLanguage.json) against
// pol's own lexer, run through VS Code's TextMate engine (vscode-textmate with the Oniguruma
// regular expressions VS Code uses): every kind of token the lexer has gets a scope, and on every
// policy of the repository (and a file holding every kind) each token the lexer finds is covered,
// from its first character to its last, by the scope of its kind.

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { allTokens, polLexer } from "../grammar/lexer.js";

const ROOT = resolve(import.meta.dirname, "..");
const GRAMMAR = join(ROOT, "editors/vscode/syntaxes/pol.tmLanguage.json");

const STORAGE = ["Policy", "Schema", "Use", "Enum", "Record", "Case", "Item", "Codes", "Table", "Let", "Rule", "List", "Dated", "By", "To", "Extend", "Extends", "Fhir", "Read", "From"];
const CONTROL = ["For", "When", "Require", "Deny", "Bundle", "Approve", "Note", "NotCovered", "PriorAuthorization", "Refer", "Waive"];
const OPERATOR_WORDS = ["And", "Or", "Not", "In", "As", "Percent", "All", "Any", "Where", "Within", "Count", "Some", "No", "Latest", "Earliest", "Sum", "Of", "Coverage", "Time", "Since", "Between", "Distinct", "Documented", "Calendar", "Plan", "Year"];

/** The scope each kind of token gets (a scope of the token's stack must match). */
const SCOPES: Record<string, RegExp> = {
  ...Object.fromEntries(STORAGE.map((kind) => [kind, /^storage\.type\.pol$/])),
  ...Object.fromEntries(CONTROL.map((kind) => [kind, /^keyword\.control\.pol$/])),
  ...Object.fromEntries(OPERATOR_WORDS.map((kind) => [kind, /^keyword\.operator\.word\.pol$/])),
  True: /^constant\.language\.boolean\.pol$/,
  False: /^constant\.language\.boolean\.pol$/,
  Identifier: /^(?:variable\.other|entity\.name\.(?:variable|function|type|label))\.pol$/,
  Comment: /^comment\.line\.number-sign\.pol$/,
  DateLiteral: /^constant\.numeric\.date\.pol$/,
  DurationLiteral: /^constant\.numeric\.duration\.pol$/,
  MalformedDuration: /^invalid\.illegal\.duration\.pol$/,
  PercentLiteral: /^constant\.numeric\.percent\.pol$/,
  NumberLiteral: /^constant\.numeric\.pol$/,
  StringLiteral: /^string\.quoted\.double\.pol$/,
  UnterminatedString: /^invalid\.illegal\.unterminated-string\.pol$/,
  Citation: /^constant\.other\.citation\.pol$/,
  UnclosedCitation: /^invalid\.illegal\.unclosed-citation\.pol$/,
  EqualEqual: /^keyword\.operator\.comparison\.pol$/,
  NotEqual: /^keyword\.operator\.comparison\.pol$/,
  LessEqual: /^keyword\.operator\.comparison\.pol$/,
  GreaterEqual: /^keyword\.operator\.comparison\.pol$/,
  Less: /^keyword\.operator\.comparison\.pol$/,
  Greater: /^keyword\.operator\.comparison\.pol$/,
  Plus: /^keyword\.operator\.arithmetic\.pol$/,
  Minus: /^keyword\.operator\.arithmetic\.pol$/,
  Star: /^keyword\.operator\.arithmetic\.pol$/,
  Slash: /^keyword\.operator\.arithmetic\.pol$/,
  Equals: /^keyword\.operator\.assignment\.pol$/,
  LParen: /^punctuation\.section\.parens\.pol$/,
  RParen: /^punctuation\.section\.parens\.pol$/,
  Comma: /^punctuation\.separator\.comma\.pol$/,
  Dot: /^punctuation\.accessor\.pol$/,
  Colon: /^punctuation\.separator\.colon\.pol$/,
  LBrace: /^punctuation\.section\.braces\.pol$/,
  RBrace: /^punctuation\.section\.braces\.pol$/,
  // `cpt {` is one token (its parts also get the code system's and the brace's scopes).
  CodeListOpen: /^keyword\.other\.code-list\.pol$/,
  CodeListClose: /^punctuation\.section\.braces\.end\.pol$/,
  CodeRange: /^constant\.other\.code\.range\.pol$/,
  CodePrefix: /^constant\.other\.code\.prefix\.pol$/,
  CodeExact: /^constant\.other\.code\.pol$/,
  InvalidCode: /^invalid\.illegal\.code\.pol$/,
};

/** Kinds that only group others (no token is ever of that kind itself). */
const CATEGORIES = new Set(["CodeEntry"]);

type Grammar = textmate.IGrammar;
let grammar: Grammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope: string) => (scope === "source.pol" ? textmate.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null),
  });
  grammar = (await registry.loadGrammar("source.pol"))!;
});

interface Scoped {
  line: number;
  start: number;
  end: number;
  scopes: string[];
}

function scopedTokens(text: string): Scoped[][] {
  let stack = textmate.INITIAL;
  return text.split("\n").map((line, index) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((token) => ({ line: index, start: token.startIndex, end: token.endIndex, scopes: token.scopes }));
  });
}

/** Every place a lexer token is not covered by its kind's scope, as `file:line:column kind text: scopes`. */
function mismatches(file: string, text: string): { found: Set<string>; problems: string[] } {
  const lines = scopedTokens(text);
  const lexed = polLexer.tokenize(text);
  const found = new Set<string>();
  const problems: string[] = [];
  for (const token of [...lexed.tokens, ...(lexed.groups["comments"] ?? [])]) {
    const kind = token.tokenType.name;
    found.add(kind);
    const expected = SCOPES[kind];
    if (!expected) {
      problems.push(`${file}:${token.startLine}:${token.startColumn} ${kind} has no scope`);
      continue;
    }
    // Only the first line of a token spanning lines (`cpt` then `{` on the next) is checked.
    const line = token.startLine! - 1;
    const start = token.startColumn! - 1;
    const end = token.startLine === token.endLine ? token.endColumn! : lines[line]!.at(-1)!.end;
    for (const scoped of lines[line]!) {
      if (scoped.end <= start || scoped.start >= end) continue;
      if (!scoped.scopes.some((scope) => expected.test(scope))) {
        problems.push(`${file}:${token.startLine}:${token.startColumn} ${kind} \`${token.image}\`: ${scoped.scopes.join(" ")}`);
        break;
      }
    }
  }
  return { found, problems };
}

function polFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return polFiles(path);
    return entry.name.endsWith(".pol") ? [path] : [];
  });
}

describe("the VS Code grammar against the lexer", () => {
  it("has a scope for every kind of token the lexer makes", () => {
    const kinds = allTokens.map((token) => token.name).filter((name) => !CATEGORIES.has(name) && name !== "WhiteSpace");
    expect(kinds.filter((kind) => !SCOPES[kind])).toEqual([]);
    expect(Object.keys(SCOPES).filter((kind) => !kinds.includes(kind))).toEqual([]);
  });

  it("scopes every token of every repository policy and tutorial file as the lexer reads it", () => {
    const files = [...polFiles(join(ROOT, "policies")), ...polFiles(join(ROOT, "tutorial"))];
    expect(files.length).toBeGreaterThan(3);
    const problems = files.flatMap((file) => mismatches(file.slice(ROOT.length + 1), readFileSync(file, "utf8")).problems);
    expect(problems).toEqual([]);
  });

  it("scopes every kind of token, the malformed ones included", () => {
    const { found, problems } = mismatches("test/fixtures/every-token.pol", readFileSync(join(ROOT, "test/fixtures/every-token.pol"), "utf8"));
    expect(problems).toEqual([]);
    expect(Object.keys(SCOPES).filter((kind) => !found.has(kind))).toEqual([]);
  });
});
