// The tokens of pol. The lexer has two modes: the ordinary one, and "codes", entered by
// `cpt {`, `hcpcs {` or `icd10 {`, where code-shaped words such as `64490-64495` or `B02.*`
// are single tokens instead of numbers, identifiers and punctuation.
//
// A few "error tokens" (an unterminated string, an unclosed citation, a malformed duration, an
// invalid code) belong to the category of the token they were meant to be: the parser accepts
// them, so one typo produces one diagnostic (reported from the token stream) instead of a cascade.

import type { TokenType } from "chevrotain";
import { checkGrammarDefinition, createToken, EOF, Lexer } from "./chevrotain.js";
import { applyLexerStarts } from "./lexer-starts.js";
import { recordedLexerStarts } from "./recorded-analysis.js";

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
});

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Comment = createToken({
  name: "Comment",
  pattern: /#[^\r\n]*/,
  group: "comments",
});

// ---------------------------------------------------------------------------------------------
// Keywords

function keyword(word: string, name: string): TokenType {
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `\`${word}\``,
  });
}

/** `not covered` is one keyword spelled as two words; it must be tried before `not`. */
export const NotCovered = createToken({
  name: "NotCovered",
  pattern: /not[ \t]+covered\b/,
  label: "`not covered`",
});

/** `prior authorization`, like `not covered`, is one keyword spelled as two words. */
export const PriorAuthorization = createToken({
  name: "PriorAuthorization",
  pattern: /prior[ \t]+authorization\b/,
  label: "`prior authorization`",
});

export const Policy = keyword("policy", "Policy");
export const Schema = keyword("schema", "Schema");
export const Use = keyword("use", "Use");
export const Enum = keyword("enum", "Enum");
export const Record = keyword("record", "Record");
export const Dated = keyword("dated", "Dated");
export const By = keyword("by", "By");
export const To = keyword("to", "To");
export const Case = keyword("case", "Case");
export const Item = keyword("item", "Item");
export const Codes = keyword("codes", "Codes");
export const Let = keyword("let", "Let");
export const Rule = keyword("rule", "Rule");
export const For = keyword("for", "For");
export const When = keyword("when", "When");
export const Require = keyword("require", "Require");
export const Deny = keyword("deny", "Deny");
export const Bundle = keyword("bundle", "Bundle");
export const Approve = keyword("approve", "Approve");
/** `note` starts a criterion but stays usable as a name (a field `note: text`): it is also an
 *  Identifier. No criterion follows where a name could, so the two readings never compete. */
export const Note = createToken({
  name: "Note",
  pattern: /note/,
  longer_alt: Identifier,
  categories: [Identifier],
  label: "`note`",
});
/** Soft keywords like `note`: they start a criterion, and stay usable as names. */
function softKeyword(word: string, name: string): TokenType {
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Identifier],
    label: `\`${word}\``,
  });
}
export const Refer = softKeyword("refer", "Refer");
export const Waive = softKeyword("waive", "Waive");
/** `within calendar year`, `within plan year`: keywords only after `within`. */
export const Calendar = softKeyword("calendar", "Calendar");
export const Plan = softKeyword("plan", "Plan");
export const Year = softKeyword("year", "Year");
/** `extend record Procedure { ... }`: adds to a schema's declaration, at the top level only. */
export const Extend = softKeyword("extend", "Extend");
/** `fhir spine_plan_r4 "title" extends "spine.fhir.pol"`: a binding file built on another. Listed
 *  before `extend`, whose pattern is a prefix of it. */
export const Extends = softKeyword("extends", "Extends");
/** `fhir NAME "title"` starts a file of FHIR bindings; `read FIELD from RESOURCE { ... }` is a
 *  binding block and `from` names its resource type. All three stay usable as names. */
export const Fhir = softKeyword("fhir", "Fhir");
export const Read = softKeyword("read", "Read");
export const From = softKeyword("from", "From");
/** `table` starts a lookup-table declaration but stays usable as a name, as `note` does. */
export const Table = createToken({
  name: "Table",
  pattern: /table/,
  longer_alt: Identifier,
  categories: [Identifier],
  label: "`table`",
});
export const And = keyword("and", "And");
export const Or = keyword("or", "Or");
export const Not = keyword("not", "Not");
export const In = keyword("in", "In");
export const As = keyword("as", "As");
export const Percent = keyword("percent", "Percent");
export const All = keyword("all", "All");
export const Any = keyword("any", "Any");
export const Where = keyword("where", "Where");
export const Within = keyword("within", "Within");
export const Count = keyword("count", "Count");
export const Some = keyword("some", "Some");
export const No = keyword("no", "No");
export const Latest = keyword("latest", "Latest");
export const Earliest = keyword("earliest", "Earliest");
export const Sum = keyword("sum", "Sum");
export const Of = keyword("of", "Of");
export const Coverage = keyword("coverage", "Coverage");
export const Time = keyword("time", "Time");
export const Since = keyword("since", "Since");
export const Between = keyword("between", "Between");
export const True = keyword("true", "True");
export const False = keyword("false", "False");
export const List = keyword("list", "List");
export const Distinct = keyword("distinct", "Distinct");
export const Documented = keyword("documented", "Documented");

const keywords: TokenType[] = [
  Policy,
  Schema,
  Use,
  Enum,
  Record,
  Dated,
  By,
  To,
  Case,
  Item,
  Codes,
  Let,
  Rule,
  For,
  When,
  Require,
  Deny,
  Bundle,
  Approve,
  Note,
  Refer,
  Waive,
  Calendar,
  Plan,
  Year,
  Extends,
  Extend,
  Fhir,
  Read,
  From,
  Table,
  And,
  Or,
  Not,
  In,
  As,
  Percent,
  All,
  Any,
  Where,
  Within,
  Count,
  Some,
  No,
  Latest,
  Earliest,
  Sum,
  Of,
  Coverage,
  Time,
  Since,
  Between,
  True,
  False,
  List,
  Distinct,
  Documented,
];

/** Every keyword spelling, for tests and tools (e.g. the formatter quoting names). */
export const keywordSpellings: readonly string[] = [
  "not covered",
  "prior authorization",
  ...keywords.map((token) => String(token.PATTERN).slice(1, -1)),
];

// ---------------------------------------------------------------------------------------------
// Literals (dates, durations and percents before plain numbers: they share a digit prefix)

export const DateLiteral = createToken({
  name: "DateLiteral",
  pattern: /\d{4}-\d{2}-\d{2}/,
  label: "a date",
});

export const DurationLiteral = createToken({
  name: "DurationLiteral",
  pattern: /\d+(?:d|wk|mo|y|h)\b/,
  label: "a duration",
});

/** `12months`, `1.5mo`: a number glued to a word. Reported as an invalid duration. */
export const MalformedDuration = createToken({
  name: "MalformedDuration",
  pattern: /\d+(?:\.\d+)?[A-Za-z_][A-Za-z0-9_]*/,
  categories: [DurationLiteral],
  label: "a duration",
});

export const PercentLiteral = createToken({
  name: "PercentLiteral",
  pattern: /\d+(?:\.\d+)?%/,
  label: "a percent",
});

export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /\d+(?:\.\d+)?/,
  label: "a number",
});

/** Any escape is lexed; only `\"` and `\\` are valid (checked on the token stream). */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: "a string",
});

/** A string missing its closing quote: runs to the end of the line. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

export const Citation = createToken({
  name: "Citation",
  pattern: /\[[A-Za-z0-9._-]+\]/,
  label: "a citation",
});

/** `[D.I.B.1` without `]`. */
export const UnclosedCitation = createToken({
  name: "UnclosedCitation",
  pattern: /\[[A-Za-z0-9._-]*/,
  categories: [Citation],
  label: "a citation",
});

// ---------------------------------------------------------------------------------------------
// Punctuation (two-character operators before their one-character prefixes)

function punctuation(name: string, text: string): TokenType {
  const escaped = text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return createToken({
    name,
    pattern: new RegExp(escaped),
    label: `\`${text}\``,
  });
}

export const EqualEqual = punctuation("EqualEqual", "==");
export const NotEqual = punctuation("NotEqual", "!=");
export const LessEqual = punctuation("LessEqual", "<=");
export const GreaterEqual = punctuation("GreaterEqual", ">=");
export const Less = punctuation("Less", "<");
export const Greater = punctuation("Greater", ">");
export const Plus = punctuation("Plus", "+");
export const Minus = punctuation("Minus", "-");
export const Star = punctuation("Star", "*");
export const Slash = punctuation("Slash", "/");
export const LParen = punctuation("LParen", "(");
export const RParen = punctuation("RParen", ")");
export const Comma = punctuation("Comma", ",");
export const Dot = punctuation("Dot", ".");
export const Colon = punctuation("Colon", ":");
export const Equals = punctuation("Equals", "=");
export const LBrace = punctuation("LBrace", "{");
export const RBrace = punctuation("RBrace", "}");

// ---------------------------------------------------------------------------------------------
// Code lists

export const CodeListOpen = createToken({
  name: "CodeListOpen",
  pattern: /(?:cpt|hcpcs|icd10)\s*\{/,
  line_breaks: true,
  push_mode: "codes",
  label: "`cpt {`, `hcpcs {` or `icd10 {`",
});

export const CodeListClose = createToken({
  name: "CodeListClose",
  pattern: /\}/,
  pop_mode: true,
  label: "`}`",
});

/** The category of every entry of a code list; the builder tells the kinds apart. */
export const CodeEntry = createToken({
  name: "CodeEntry",
  pattern: Lexer.NA,
  label: "a code",
});

// Each valid form must end at a separator, so `27096-` or `B02.*x` is one invalid code rather
// than a valid code followed by junk.
const codeEnd = "(?![^\\s,}#])";

export const CodeRange = createToken({
  name: "CodeRange",
  pattern: new RegExp(`[A-Za-z0-9.]+-[A-Za-z0-9.]+${codeEnd}`),
  categories: [CodeEntry],
  start_chars_hint: [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789."],
  label: "a code range",
});

export const CodePrefix = createToken({
  name: "CodePrefix",
  pattern: new RegExp(`[A-Za-z0-9]+(?:\\.[A-Za-z0-9]*)?\\*${codeEnd}`),
  categories: [CodeEntry],
  start_chars_hint: [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"],
  label: "a code prefix",
});

export const CodeExact = createToken({
  name: "CodeExact",
  pattern: new RegExp(`[A-Za-z0-9]+(?:\\.[A-Za-z0-9]+)?${codeEnd}`),
  categories: [CodeEntry],
  start_chars_hint: [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"],
  label: "a code",
});

/** Anything else between separators inside a code list. */
export const InvalidCode = createToken({
  name: "InvalidCode",
  pattern: /[^\s,}#]+/,
  categories: [CodeEntry],
  line_breaks: false,
  label: "a code",
});

// ---------------------------------------------------------------------------------------------

const defaultMode: TokenType[] = [
  WhiteSpace,
  Comment,
  CodeListOpen,
  NotCovered,
  PriorAuthorization,
  // Longest spelling first, so `in` never claims the start of `item`, nor `no` of `not`.
  ...[...keywords].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Identifier,
  DateLiteral,
  DurationLiteral,
  PercentLiteral,
  MalformedDuration,
  NumberLiteral,
  StringLiteral,
  UnterminatedString,
  Citation,
  UnclosedCitation,
  EqualEqual,
  NotEqual,
  LessEqual,
  GreaterEqual,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  Comma,
  Dot,
  Colon,
  Equals,
  LBrace,
  RBrace,
];

const codesMode: TokenType[] = [
  WhiteSpace,
  Comment,
  Comma,
  CodeListClose,
  CodeRange,
  CodePrefix,
  CodeExact,
  InvalidCode,
];

/** Every token type, in one list, as the parser needs them (categories included). */
export const allTokens: TokenType[] = [
  ...new Set([...defaultMode, ...codesMode, CodeEntry, EOF]),
].filter((token) => token !== EOF);

// Whether each token can span lines is said here rather than worked out at every start: with
// line tracking, Chevrotain otherwise parses every pattern to find out (a fifth of the lexer's
// construction). Only whitespace and `cpt {` can hold a line break (both say so above);
// test/lexer-lines.test.ts checks every token's lines against its offsets.
for (const token of allTokens) token.LINE_BREAKS ??= false;

/** A lexer of pol's tokens (one is shared by every parse: `polLexer`; tests build others). */
export function buildPolLexer(): Lexer {
  return new Lexer(
    { modes: { default: defaultMode, codes: codesMode }, defaultMode: "default" },
    { positionTracking: "full", ensureOptimizations: false, skipValidations: !checkGrammarDefinition },
  );
}

// The check bundle knows the tokens' first characters from the build (grammar/lexer-starts.ts).
if (recordedLexerStarts !== undefined && !checkGrammarDefinition) applyLexerStarts(allTokens, recordedLexerStarts);

export const polLexer = buildPolLexer();
