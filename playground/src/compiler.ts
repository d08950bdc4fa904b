// The playground's side of the compiler: the seed policies and their reference cases, checking
// a policy's text against them in memory, evaluating a case (its validation errors placed at
// their JSON paths), and the generated TypeScript. Everything goes through the browser facade.

import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from "jsonc-parser";
import {
  checkSource,
  evaluateCase,
  generateModules,
  polLexer,
  renderText,
  type CheckedPolicy,
  type CheckResult,
  type FileHost,
} from "../../src/browser.js";
import spine from "../../policies/schema/spine.pol";
import truecareSource from "../../policies/truecare/sacroiliac-joint-procedures.pol";
import truecareCases from "../../policies/truecare/tests/reference-cases.test.json";
import cignaSource from "../../policies/cigna/trigger-point-injections.pol";
import cignaCases from "../../policies/cigna/tests/reference-cases.test.json";

export interface Seed {
  key: string;
  title: string;
  /** Where the policy lives in the playground's in-memory project (its `use` reads the schema beside it). */
  path: string;
  source: string;
  cases: { name: string; json: string }[];
}

interface TestFile {
  tests: { name: string; case: unknown }[];
}

const casesOf = (file: TestFile) => file.tests.map((test) => ({ name: test.name, json: JSON.stringify(test.case, null, 2) + "\n" }));

export const SEEDS: readonly Seed[] = [
  {
    key: "truecare",
    title: "TrueCare MM-1463: sacroiliac joint procedures",
    path: "policies/truecare/sacroiliac-joint-procedures.pol",
    source: truecareSource,
    cases: casesOf(truecareCases as TestFile),
  },
  {
    key: "cigna",
    title: "Cigna 0139: trigger point injections",
    path: "policies/cigna/trigger-point-injections.pol",
    source: cignaSource,
    cases: casesOf(cignaCases as TestFile),
  },
];

const SCHEMA_PATH = "policies/schema/spine.pol";

/** Check a policy's text as the file at `path` of the in-memory project. */
export function checkPolicy(path: string, source: string): CheckResult {
  const host: FileHost = {
    readFile: (file) => {
      if (file === SCHEMA_PATH) return spine;
      if (file === path) return source;
      return { problem: `the playground has no file \`${file}\``, missing: true };
    },
  };
  return checkSource(source, path, host, { root: "/" });
}

/** A problem in the case editor, by offset. */
export interface CaseProblem {
  from: number;
  to: number;
  message: string;
}

export type Evaluation =
  | { kind: "determination"; letter: string; determination: import("@pol/runtime").Determination }
  | { kind: "invalid"; problems: CaseProblem[] };

export function evaluate(policy: CheckedPolicy, caseText: string): Evaluation {
  const errors: ParseError[] = [];
  const tree = parseTree(caseText, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !tree) {
    const problems = errors.map((error) => ({
      from: error.offset,
      to: error.offset + Math.max(error.length, 1),
      message: `invalid JSON: ${jsonErrorWords(printParseErrorCode(error.error))}`,
    }));
    return { kind: "invalid", problems: problems.length > 0 ? problems : [{ from: 0, to: caseText.length, message: "the case is empty" }] };
  }
  const evaluated = evaluateCase(policy, JSON.parse(caseText) as unknown);
  if (!evaluated.ok) {
    return {
      kind: "invalid",
      problems: evaluated.errors.map((error) => {
        const node = nodeAtPath(tree, error.path);
        return { from: node.offset, to: node.offset + node.length, message: `${error.path || "(case)"}: ${error.message}` };
      }),
    };
  }
  return { kind: "determination", letter: renderText(evaluated.determination, { explain: false }), determination: evaluated.determination };
}

/** `InvalidSymbol` -> `invalid symbol`. */
function jsonErrorWords(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/**
 * The JSON node a validation error's path names (`procedures[2].date`): the value when present,
 * else the deepest object or array on the way (a missing field is reported on its record).
 */
export function nodeAtPath(tree: JsonNode, path: string): JsonNode {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  }
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(tree, segments.slice(0, length));
    if (node) return node;
  }
  return tree;
}

/** The policy and schema modules the compiler would write, keyed by file name. */
export function generatedModules(policy: CheckedPolicy): Promise<Map<string, string>> {
  return generateModules([policy]);
}

/** Token classes for highlighting, from the compiler's own lexer. */
export type TokenClass = "keyword" | "name" | "string" | "number" | "literal" | "citation" | "comment" | "operator" | "code";

export interface HighlightToken {
  from: number;
  to: number;
  class: TokenClass;
}

export function tokenClass(tokenName: string, label: string | undefined): TokenClass {
  switch (tokenName) {
    case "Identifier":
      return "name";
    case "StringLiteral":
    case "UnterminatedString":
      return "string";
    case "NumberLiteral":
      return "number";
    case "DateLiteral":
    case "DurationLiteral":
    case "MalformedDuration":
    case "PercentLiteral":
      return "literal";
    case "Citation":
    case "UnclosedCitation":
      return "citation";
    case "Comment":
      return "comment";
    case "CodeRange":
    case "CodePrefix":
    case "CodeExact":
    case "InvalidCode":
      return "code";
    case "CodeListOpen":
    case "NotCovered":
      return "keyword";
    default:
      return label !== undefined && /^`[a-z]/.test(label) ? "keyword" : "operator";
  }
}

/** Every token and comment of `source`, in order. */
export function highlightTokens(source: string): HighlightToken[] {
  const lexed = polLexer.tokenize(source);
  const tokens = [...lexed.tokens, ...(lexed.groups["comments"] ?? [])];
  return tokens
    .map((token) => ({
      from: token.startOffset,
      to: token.startOffset + token.image.length,
      class: tokenClass(token.tokenType.name, token.tokenType.LABEL),
    }))
    .sort((a, b) => a.from - b.from);
}
