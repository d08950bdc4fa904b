// A parser for the everyday forms of FHIRPath that gives the same tree as the engine's own ANTLR
// parser (fhirpath/src/parser: the parse tree walked by its PathListener). A cold ANTLR parse
// costs a few milliseconds per expression, most of the time of checking a binding file; this
// parser takes microseconds. It answers only for text it reads whole, on one line, of ASCII
// characters, without comments, escapes, dates, quantities with units, delimited identifiers or
// keywords used as names, and for everything else it answers undefined: the engine's parser then
// parses the text (and reports its syntax errors). test/fhirpath-parser.test.ts compares the two
// trees on every binding of the repository and on generated expressions.

import type { FhirpathNode } from "./fhirpath-engine.js";

/** The tree the engine's parser gives for `expression`, or undefined when left to that parser. */
export function parseCommonFhirpath(expression: string): FhirpathNode | undefined {
  // One line of printable ASCII: columns are then character offsets, as the engine counts them.
  if (!/^[\x20-\x7e\t]*$/.test(expression)) return undefined;
  const tokens = tokenize(expression);
  if (tokens === undefined) return undefined;
  try {
    const parser = new Parser(tokens);
    const body = parser.expression(0, undefined);
    if (!parser.atEnd()) return undefined;
    return { type: "EntireExpression", children: [{ type: "EntireExpression", children: [body.node] }] };
  } catch (error) {
    // Text this parser does not read, or nesting deeper than its stack: the engine decides.
    if (error === GIVE_UP || error instanceof RangeError) return undefined;
    throw error;
  }
}

type TokenKind = "word" | "string" | "number" | "symbol" | "end";

interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based, as ANTLR counts columns. */
  column: number;
}

/** Thrown when the text is not one this parser answers for. */
const GIVE_UP = Symbol("give up");

function giveUp(): never {
  throw GIVE_UP;
}

/** Words the engine's lexer makes tokens of their own (its grammar's literals). */
const KEYWORDS: ReadonlySet<string> = new Set(
  "div mod is as in contains and or xor implies true false sort asc desc year month week day hour minute second millisecond years months weeks days hours minutes seconds milliseconds".split(" "),
);

/** Symbols, longest first so `<=` is one token. */
const SYMBOLS = ["<=", ">=", "!=", "!~", "$this", "$index", "$total", ".", "[", "]", "+", "-", "*", "/", "&", "|", "<", ">", "=", "~", "(", ")", ",", "%"];

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      tokens.push({ kind: "word", text: text.slice(start, i), column: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
      if (text[i] === "." && /[0-9]/.test(text[i + 1] ?? "")) {
        i++;
        while (i < text.length && /[0-9]/.test(text[i]!)) i++;
      }
      // `5L` (a long) and `5x` lex otherwise; `5 'mg'` is a quantity: all left to the engine.
      if (/[A-Za-z_]/.test(text[i] ?? "")) return undefined;
      tokens.push({ kind: "number", text: text.slice(start, i), column: start });
      continue;
    }
    if (c === "'") {
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === "\\" || text[i] === "\t") return undefined;
        i++;
      }
      if (i >= text.length) return undefined;
      i++;
      tokens.push({ kind: "string", text: text.slice(start, i), column: start });
      continue;
    }
    if (text.startsWith("//", i) || text.startsWith("/*", i)) return undefined;
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    // Anything else (newlines, `@` dates, backticks, braces, `:`, other characters) goes to the engine.
    if (symbol === undefined) return undefined;
    // `$thisx` lexes as `$this` and `x` would not: the engine's lexer decides such text.
    if (symbol.startsWith("$") && /[A-Za-z0-9_]/.test(text[i + symbol.length] ?? "")) return undefined;
    i += symbol.length;
    tokens.push({ kind: "symbol", text: symbol, column: start });
  }
  tokens.push({ kind: "end", text: "", column: text.length });
  return tokens;
}

/** A parsed expression: its node, and the text ANTLR's `getText()` gives for it (tokens joined). */
interface Parsed {
  node: FhirpathNode & { text?: string };
  text: string;
}

/** The binary operators by ANTLR's precedence of their alternative in `expression` (higher binds tighter). */
const BINARY: ReadonlyMap<string, { type: string; precedence: number }> = new Map([
  ...["*", "/", "div", "mod"].map((op) => [op, { type: "MultiplicativeExpression", precedence: 10 }] as const),
  ...["+", "-", "&"].map((op) => [op, { type: "AdditiveExpression", precedence: 9 }] as const),
  ["|", { type: "UnionExpression", precedence: 7 }],
  ...["<=", "<", ">", ">="].map((op) => [op, { type: "InequalityExpression", precedence: 6 }] as const),
  ...["=", "~", "!=", "!~"].map((op) => [op, { type: "EqualityExpression", precedence: 5 }] as const),
  ...["in", "contains"].map((op) => [op, { type: "MembershipExpression", precedence: 4 }] as const),
  ["and", { type: "AndExpression", precedence: 3 }],
  ...["or", "xor"].map((op) => [op, { type: "OrExpression", precedence: 2 }] as const),
  ["implies", { type: "ImpliesExpression", precedence: 1 }],
]);
const INVOCATION_PRECEDENCE = 13;
const INDEXER_PRECEDENCE = 12;
const POLARITY_PRECEDENCE = 11;
const TYPE_PRECEDENCE = 8;

/**
 * Precedence climbing in the order ANTLR resolves the left-recursive `expression` rule: an
 * operand of a binary operator of precedence p is parsed at p + 1 (left associative), a polarity
 * operand at the polarity's own precedence, and brackets and arguments from 0.
 */
class Parser {
  private at = 0;
  /** Open argument lists around the position: a name at the start of a term is marked with
   *  `atRoot` 2 inside one, else 1. */
  private paramLists = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  atEnd(): boolean {
    return this.peek().kind === "end";
  }

  /** `parent`: "param" when the expression is an argument (ANTLR's listener then records its text). */
  expression(precedence: number, parent: "param" | undefined): Parsed {
    let left = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.kind === "symbol" && token.text === "." && INVOCATION_PRECEDENCE >= precedence) {
        this.next();
        const invocation = this.invocation(false);
        left = { node: { type: "InvocationExpression", children: [left.node, invocation.node] }, text: `${left.text}.${invocation.text}` };
        continue;
      }
      if (token.kind === "symbol" && token.text === "[" && INDEXER_PRECEDENCE >= precedence) {
        this.next();
        const index = this.expression(0, undefined);
        const close = this.expect("]");
        const node: FhirpathNode = { type: "IndexerExpression", start: { line: 1, column: token.column + 1 }, length: close.column - token.column + 1 };
        node.children = [left.node, index.node];
        left = { node, text: `${left.text}[${index.text}]` };
        continue;
      }
      const word = token.kind === "word" ? token.text : token.kind === "symbol" ? token.text : undefined;
      if ((word === "is" || word === "as") && TYPE_PRECEDENCE >= precedence) {
        this.next();
        const specifier = this.typeSpecifier();
        left = { node: { ...operatorNode("TypeExpression", token), children: [left.node, specifier.node] }, text: `${left.text}${word}${specifier.text}` };
        continue;
      }
      const binary = word === undefined ? undefined : BINARY.get(word);
      if (binary !== undefined && binary.precedence >= precedence) {
        this.next();
        const right = this.expression(binary.precedence + 1, undefined);
        left = { node: { ...operatorNode(binary.type, token), children: [left.node, right.node] }, text: `${left.text}${word}${right.text}` };
        continue;
      }
      break;
    }
    // ANTLR's listener records the text of an argument that is a term or an invocation.
    if (parent === "param" && (left.node.type === "TermExpression" || left.node.type === "InvocationExpression")) left.node.text = left.text;
    return left;
  }

  private primary(): Parsed {
    const token = this.peek();
    if (token.kind === "symbol" && (token.text === "+" || token.text === "-")) {
      this.next();
      const operand = this.expression(POLARITY_PRECEDENCE, undefined);
      return { node: { ...operatorNode("PolarityExpression", token), children: [operand.node] }, text: `${token.text}${operand.text}` };
    }
    const term = this.term();
    return { node: { type: "TermExpression", children: [term.node] }, text: term.text };
  }

  private term(): Parsed {
    const token = this.peek();
    if (token.kind === "string" || token.kind === "number" || (token.kind === "word" && (token.text === "true" || token.text === "false"))) {
      this.next();
      // `5 'mg'` and `5 days` are quantities: left to the engine.
      const after = this.peek();
      if (token.kind === "number" && (after.kind === "string" || (after.kind === "word" && KEYWORDS.has(after.text) && !BINARY.has(after.text) && after.text !== "is" && after.text !== "as"))) giveUp();
      const literal = token.kind === "string" ? "StringLiteral" : token.kind === "number" ? "NumberLiteral" : "BooleanLiteral";
      const node: FhirpathNode = { type: "LiteralTerm", text: token.text, start: { line: 1, column: token.column + 1 }, length: token.text.length };
      node.children = [{ type: literal, text: token.text }];
      return { node, text: token.text };
    }
    if (token.kind === "symbol" && token.text === "%") {
      this.next();
      const name = this.peek();
      if (name.kind !== "word" || KEYWORDS.has(name.text)) giveUp();
      this.next();
      const node: FhirpathNode = { type: "ExternalConstantTerm", text: name.text, start: { line: 1, column: token.column + 1 }, length: name.text.length };
      node.children = [{ type: "ExternalConstant", children: [identifierNode(name)] }];
      return { node, text: `%${name.text}` };
    }
    if (token.kind === "symbol" && token.text === "(") {
      this.next();
      const inner = this.expression(0, undefined);
      this.expect(")");
      return { node: { type: "ParenthesizedTerm", children: [inner.node] }, text: `(${inner.text})` };
    }
    const invocation = this.invocation(true);
    return { node: { type: "InvocationTerm", children: [invocation.node] }, text: invocation.text };
  }

  /** A member, a function call or `$this`/`$index`/`$total`; `inTerm` when it starts a term. */
  private invocation(inTerm: boolean): Parsed {
    const token = this.next();
    if (token.kind === "symbol" && token.text.startsWith("$")) {
      const type = token.text === "$this" ? "ThisInvocation" : token.text === "$index" ? "IndexInvocation" : "TotalInvocation";
      return { node: { type, start: { line: 1, column: token.column + 1 }, length: token.text.length }, text: token.text };
    }
    if (token.kind !== "word" || KEYWORDS.has(token.text)) giveUp();
    const open = this.peek();
    if (open.kind === "symbol" && open.text === "(") {
      this.next();
      const functn: FhirpathNode = { type: "Functn", text: token.text, children: [identifierNode(token)] };
      let text = `${token.text}(`;
      if (!(this.peek().kind === "symbol" && this.peek().text === ")")) {
        const params: FhirpathNode = { type: "ParamList", children: [] };
        this.paramLists++;
        for (;;) {
          const param = this.expression(0, "param");
          params.children!.push(param.node);
          text += param.text;
          if (!(this.peek().kind === "symbol" && this.peek().text === ",")) break;
          this.next();
          text += ",";
        }
        this.paramLists--;
        functn.children!.push(params);
      }
      this.expect(")");
      const node: FhirpathNode = { type: "FunctionInvocation", text: token.text, start: { line: 1, column: token.column + 1 }, length: token.text.length };
      node.children = [functn];
      return { node, text: `${text})` };
    }
    const node: FhirpathNode = { type: "MemberInvocation" };
    if (inTerm) node.atRoot = this.paramLists > 0 ? 2 : 1;
    Object.assign(node, { text: token.text, start: { line: 1, column: token.column + 1 }, length: token.text.length });
    node.children = [identifierNode(token)];
    return { node, text: token.text };
  }

  /** A type name after `is` or `as`: one identifier (qualified names are left to the engine). */
  private typeSpecifier(): Parsed {
    const name = this.next();
    if (name.kind !== "word" || KEYWORDS.has(name.text)) giveUp();
    const after = this.peek();
    if (after.kind === "symbol" && (after.text === "." || after.text === "(")) giveUp();
    const node: FhirpathNode = { type: "TypeSpecifier", text: name.text, children: [{ type: "QualifiedIdentifier", children: [identifierNode(name)] }] };
    return { node, text: name.text };
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const token = this.tokens[this.at]!;
    if (token.kind === "end") giveUp();
    this.at++;
    return token;
  }

  private expect(symbol: string): Token {
    const token = this.next();
    if (token.kind !== "symbol" || token.text !== symbol) giveUp();
    return token;
  }
}

function operatorNode(type: string, token: Token): FhirpathNode {
  return { type, text: token.text, start: { line: 1, column: token.column + 1 }, length: token.text.length };
}

function identifierNode(token: Token): FhirpathNode {
  return { type: "Identifier", text: token.text, start: { line: 1, column: token.column + 1 }, length: token.text.length };
}
