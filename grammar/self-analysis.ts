// The parser's self-analysis as data. Chevrotain analyses a parser when it is built: it runs every
// rule once in a recording mode to learn the grammar, computes the follow sets error recovery
// resynchronises on, and the lookahead paths of every decision (each `OR`, `OPTION`, `MANY`...),
// from which it builds the functions that choose an alternative. All of it depends only on the
// grammar, yet a cold `pol check` paid for it at every start (a third of building the parser
// was recording, half the lookahead paths).
//
// `recordSelfAnalysis` writes down what Chevrotain computed for a parser it analysed: the grammar
// (every production with the fields Chevrotain reads), the follow sets and the lookahead paths,
// tokens by name. `restoreSelfAnalysis` gives a new parser of the same grammar the same state
// from that record, building each lookahead function from its recorded paths exactly as
// Chevrotain's LL(k) strategy builds it from the paths it computes. The build records the
// analysis into the check bundle (scripts/bundle-cli.mjs); anything that does not fit the parser
// (another Chevrotain version, another rule or token, a decision not recorded) leaves it to
// Chevrotain's own analysis. test/self-analysis.test.ts compares the two parsers.

import type { ILookaheadStrategy, IOrAlt, IProduction, LookaheadProductionType, LookaheadSequence, Rule as GastRule, TokenType } from "chevrotain";
import {
  Alternation,
  Alternative,
  getLookaheadPaths,
  LLkLookaheadStrategy,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Rule,
  Terminal,
  VERSION,
} from "./chevrotain.js";

/** A production of the grammar as data: its kind, its own fields, tokens and subrules by name. */
export interface RecordedProduction {
  kind: string;
  fields: Record<string, unknown>;
  definition?: RecordedProduction[];
}

export interface SelfAnalysis {
  /** The Chevrotain version that made the analysis. */
  chevrotain: string;
  rules: RecordedProduction[];
  /** Error recovery's follow sets, by Chevrotain's key, as token names. */
  follows: Record<string, string[]>;
  /** Each decision's lookahead paths (alternative, path, token name), by `decisionKey`. */
  lookahead: Record<string, string[][][]>;
}

/** The parts of a Chevrotain parser the analysis reads and writes (kept off its typings). */
interface AnalysedParser {
  definedRulesNames: string[];
  tokensMap: Record<string, TokenType>;
  gastProductionsCache: Record<string, GastRule>;
  resyncFollows: Record<string, TokenType[]>;
  selfAnalysisDone: boolean;
  lookaheadStrategy: ILookaheadStrategy;
  preComputeLookaheadFunctions(rules: GastRule[]): void;
  performSelfAnalysis(): void;
}

// The kinds of production, each with the class Chevrotain builds it with (none extends another).
const KINDS = {
  Rule,
  NonTerminal,
  Alternative,
  Option,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  Repetition,
  RepetitionWithSeparator,
  Alternation,
  Terminal,
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as Kind[];

function decisionKey(rule: string, type: LookaheadProductionType, occurrence: number): string {
  return `${rule}/${type}/${occurrence}`;
}

/**
 * The lookahead of pol's parser: Chevrotain's LL(k) strategy, which can also write down the paths
 * it is given to build from (`record`) or build from written-down paths (`restored`).
 */
export class PolLookahead implements ILookaheadStrategy {
  private readonly llk: InstanceType<typeof LLkLookaheadStrategy>;
  /** Paths written down as the functions are built, when recording. */
  record: Record<string, string[][][]> | undefined;
  /** Paths to build from, with the vocabulary, while a parser is restored. */
  restored: { paths: Record<string, string[][][]>; tokens: Record<string, TokenType> } | undefined;

  constructor(maxLookahead: number) {
    this.llk = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: Parameters<ILookaheadStrategy["validate"]>[0]): ReturnType<ILookaheadStrategy["validate"]> {
    return this.llk.validate(options);
  }

  buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0]) {
    const paths = this.paths(options.rule, "Alternation", options.prodOccurrence, options.maxLookahead);
    if (paths === undefined) return this.llk.buildLookaheadForAlternation(options);
    return alternativesLookahead(paths, options.hasPredicates, options.dynamicTokensEnabled);
  }

  buildLookaheadForOptional(options: Parameters<ILookaheadStrategy["buildLookaheadForOptional"]>[0]) {
    const paths = this.paths(options.rule, options.prodType, options.prodOccurrence, options.maxLookahead);
    if (paths === undefined) return this.llk.buildLookaheadForOptional(options);
    // The matcher is chosen over both sets of paths (inside the production and after it).
    return optionalLookahead(paths[0]!, matcherFor(paths), options.dynamicTokensEnabled);
  }

  /** The recorded paths of a decision, when restoring one that was recorded (else undefined). */
  private paths(rule: GastRule, type: LookaheadProductionType, occurrence: number, maxLookahead: number): LookaheadSequence[] | undefined {
    const key = decisionKey(rule.name, type, occurrence);
    if (this.record !== undefined) {
      const computed = getLookaheadPaths({ occurrence, rule, prodType: type, maxLookahead });
      this.record[key] = computed.map((alternative) => alternative.map((path) => path.map((token) => token.name)));
      return undefined;
    }
    const recorded = this.restored?.paths[key];
    if (recorded === undefined) return undefined;
    const tokens = this.restored!.tokens;
    return recorded.map((alternative) => alternative.map((path) => path.map((name) => tokens[name]!)));
  }
}

/**
 * What Chevrotain's analysis of `parser` found, as data. The parser must have been built with a
 * `PolLookahead` whose `record` was set before its self-analysis.
 */
export function recordSelfAnalysis(parser: object, lookahead: PolLookahead): SelfAnalysis {
  const analysed = parser as AnalysedParser;
  if (lookahead.record === undefined) throw new Error("the parser's lookahead was not recorded");
  const follows: Record<string, string[]> = {};
  for (const [key, tokens] of Object.entries(analysed.resyncFollows)) follows[key] = tokens.map((token) => token.name);
  return {
    chevrotain: VERSION,
    rules: analysed.definedRulesNames.map((name) => recordProduction(analysed.gastProductionsCache[name]!)),
    follows,
    lookahead: lookahead.record,
  };
}

function recordProduction(production: IProduction): RecordedProduction {
  const kind = KIND_NAMES.find((name) => production instanceof KINDS[name]);
  if (kind === undefined) throw new Error("a production of an unknown kind");
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(production)) {
    if (field === "_definition") continue;
    if (field === "terminalType" || field === "separator") fields[field] = (value as TokenType).name;
    else if (field === "referencedRule") fields[field] = (value as GastRule).name;
    else fields[field] = value;
  }
  // A subrule's definition is its rule's: not recorded twice.
  const definition = kind === "NonTerminal" || kind === "Terminal" ? undefined : (production as IProduction & { definition: IProduction[] }).definition.map(recordProduction);
  return definition === undefined ? { kind, fields } : { kind, fields, definition };
}

/**
 * Gives `parser` (built, not yet analysed, with `lookahead` as its strategy) the state Chevrotain's
 * self-analysis would give it, from `analysis`. False, with the parser untouched, when the analysis
 * does not fit it: the caller then runs Chevrotain's own.
 */
export function restoreSelfAnalysis(parser: object, lookahead: PolLookahead, analysis: SelfAnalysis): boolean {
  const analysed = parser as AnalysedParser;
  if (analysis.chevrotain !== VERSION) return false;
  const names = analysed.definedRulesNames;
  if (names.length !== analysis.rules.length || names.some((name, index) => analysis.rules[index]!.fields["name"] !== name)) return false;
  const tokens = analysed.tokensMap;
  const tokenNamed = (name: unknown): TokenType => {
    const token = typeof name === "string" && Object.hasOwn(tokens, name) ? tokens[name] : undefined;
    if (token === undefined) throw new Unfit();
    return token;
  };
  let rules: GastRule[];
  let follows: Record<string, TokenType[]>;
  try {
    for (const paths of Object.values(analysis.lookahead)) for (const alternative of paths) for (const path of alternative) path.forEach(tokenNamed);
    const subrules: InstanceType<typeof NonTerminal>[] = [];
    rules = analysis.rules.map((rule) => restoreProduction(rule, tokenNamed, subrules) as GastRule);
    const byName = new Map(rules.map((rule) => [rule.name, rule]));
    for (const subrule of subrules) {
      const rule = byName.get(subrule.nonTerminalName);
      if (rule === undefined) throw new Unfit();
      subrule.referencedRule = rule;
    }
    follows = {};
    for (const [key, names] of Object.entries(analysis.follows)) follows[key] = names.map(tokenNamed);
  } catch (error) {
    if (error instanceof Unfit) return false;
    throw error;
  }
  toFastProperties(parser);
  analysed.selfAnalysisDone = true;
  for (const rule of rules) analysed.gastProductionsCache[rule.name] = rule;
  analysed.resyncFollows = follows;
  lookahead.restored = { paths: analysis.lookahead, tokens };
  try {
    analysed.preComputeLookaheadFunctions(rules);
  } finally {
    lookahead.restored = undefined;
  }
  return true;
}

/** Thrown while restoring when the analysis names something the parser does not have. */
class Unfit extends Error {}

/**
 * A production with the class and own fields, in their order, Chevrotain's recording gave it. It is
 * not made through the class's constructor, which copies its options with lodash's generic `pickBy`
 * (most of the cost of restoring); the fields it would set are all in the record, defaults
 * included, and nothing else happens in it. The definition comes first, as the constructor's
 * `super(definition)` puts it (a subrule's is empty: its rule's is read through `referencedRule`,
 * set once every rule is restored).
 */
function restoreProduction(recorded: RecordedProduction, tokenNamed: (name: unknown) => TokenType, subrules: InstanceType<typeof NonTerminal>[]): IProduction {
  const make = Object.hasOwn(KINDS, recorded.kind) ? KINDS[recorded.kind as Kind] : undefined;
  if (make === undefined) throw new Unfit();
  const production = Object.create(make.prototype as object) as Record<string, unknown>;
  if (recorded.kind !== "Terminal") production["_definition"] = recorded.definition?.map((inner) => restoreProduction(inner, tokenNamed, subrules)) ?? [];
  for (const [field, value] of Object.entries(recorded.fields)) {
    if (field === "terminalType" || field === "separator") production[field] = tokenNamed(value);
    else if (field !== "referencedRule") production[field] = value;
  }
  if (production instanceof NonTerminal) subrules.push(production);
  return production as unknown as IProduction;
}

/**
 * Chevrotain's `toFastProperties`, which its self-analysis runs on the parser first: an object
 * used as a prototype gets V8's fast properties, so the parser's many fields read quickly.
 */
function toFastProperties(object: object): void {
  function Fake() {}
  Fake.prototype = object;
  const fake = new (Fake as unknown as new () => { probe?: unknown })();
  const probe = () => typeof fake.probe;
  probe();
  probe();
}

// The two lookahead builders of Chevrotain's LL(k) strategy (11.2.0: buildAlternativesLookAheadFunc
// and buildSingleAlternativeLookaheadFunction), which it does not export: the same functions of
// the same paths. test/self-analysis.test.ts checks every decision of pol's parser against
// Chevrotain's own on every token sequence over the tokens it names.

interface Lookahead {
  LA_FAST(howMuch: number): { tokenTypeIdx: number };
}

type TokenMatcher = (token: { tokenTypeIdx: number }, type: TokenType) => boolean;

function matchesWithCategories(token: { tokenTypeIdx: number }, type: TokenType): boolean {
  const internal = type as TokenType & { tokenTypeIdx: number; isParent?: boolean; categoryMatchesMap: Record<number, boolean> };
  return token.tokenTypeIdx === internal.tokenTypeIdx || (internal.isParent === true && internal.categoryMatchesMap[token.tokenTypeIdx] === true);
}

function matchesExactly(token: { tokenTypeIdx: number }, type: TokenType): boolean {
  return token.tokenTypeIdx === (type as TokenType & { tokenTypeIdx: number }).tokenTypeIdx;
}

function categoryMatches(type: TokenType): number[] {
  return (type as TokenType & { categoryMatches?: number[] }).categoryMatches ?? [];
}

function matcherFor(paths: LookaheadSequence[]): TokenMatcher {
  const categories = paths.some((alternative) => alternative.some((path) => path.some((type) => categoryMatches(type).length > 0)));
  return categories ? matchesWithCategories : matchesExactly;
}

/** Whether the next tokens match one of the paths of `alternative`. */
function firstPathMatching(parser: Lookahead, alternative: LookaheadSequence, matches: TokenMatcher): boolean {
  nextPath: for (const path of alternative) {
    for (let i = 0; i < path.length; i++) if (!matches(parser.LA_FAST(i + 1), path[i]!)) continue nextPath;
    return true;
  }
  return false;
}

function alternativesLookahead(alternatives: LookaheadSequence[], hasPredicates: boolean, dynamicTokensEnabled: boolean) {
  const matches = matcherFor(alternatives);
  if (hasPredicates) {
    return function (this: Lookahead, orAlts?: IOrAlt<unknown>[]): number | undefined {
      for (let t = 0; t < alternatives.length; t++) {
        const gate = orAlts?.[t]?.GATE;
        if (gate !== undefined && gate.call(this) === false) continue;
        if (firstPathMatching(this, alternatives[t]!, matches)) return t;
      }
      return undefined;
    };
  }
  if (!dynamicTokensEnabled && alternatives.every((alternative) => alternative.every((path) => path.length === 1))) {
    // One token decides: a table from its type (and every type in its categories) to the first
    // alternative that starts with it.
    const choice: Record<number, number> = {};
    alternatives.forEach((alternative, index) => {
      for (const type of alternative.flat()) {
        const idx = (type as TokenType & { tokenTypeIdx: number }).tokenTypeIdx;
        if (!Object.hasOwn(choice, idx)) choice[idx] = index;
        for (const extending of categoryMatches(type)) if (!Object.hasOwn(choice, extending)) choice[extending] = index;
      }
    });
    return function (this: Lookahead): number | undefined {
      return choice[this.LA_FAST(1).tokenTypeIdx];
    };
  }
  return function (this: Lookahead): number | undefined {
    for (let t = 0; t < alternatives.length; t++) if (firstPathMatching(this, alternatives[t]!, matches)) return t;
    return undefined;
  };
}

function optionalLookahead(alternative: LookaheadSequence, matches: TokenMatcher, dynamicTokensEnabled: boolean) {
  if (!dynamicTokensEnabled && alternative.every((path) => path.length === 1)) {
    const types = alternative.flat();
    if (types.length === 1 && categoryMatches(types[0]!).length === 0) {
      const expected = (types[0] as TokenType & { tokenTypeIdx: number }).tokenTypeIdx;
      return function (this: Lookahead): boolean {
        return this.LA_FAST(1).tokenTypeIdx === expected;
      };
    }
    const starts: boolean[] = [];
    for (const type of types) {
      starts[(type as TokenType & { tokenTypeIdx: number }).tokenTypeIdx] = true;
      for (const extending of categoryMatches(type)) starts[extending] = true;
    }
    return function (this: Lookahead): boolean {
      return starts[this.LA_FAST(1).tokenTypeIdx] === true;
    };
  }
  return function (this: Lookahead): boolean {
    return firstPathMatching(this, alternative, matches);
  };
}
