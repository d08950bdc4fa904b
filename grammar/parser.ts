// The grammar of pol: a Chevrotain CstParser with error recovery. The CST it builds is turned
// into the AST by src/syntax/. Rule names are the production names of docs/language.md.
//
// One parser instance is shared by every parse: self-analysis is the slow part of Chevrotain
// and runs once per process, on the first parse (the check bundle restores it from the analysis
// the build recorded: grammar/self-analysis.ts).

import type { CstNode, IToken } from "chevrotain";
import { checkGrammarDefinition, CstParser } from "./chevrotain.js";
import * as T from "./lexer.js";
import type { FileCstNode } from "./cst.js";
import { PolErrorMessages } from "./parser-messages.js";
import { recordedAnalysis } from "./recorded-analysis.js";
import { PolLookahead, recordSelfAnalysis, restoreSelfAnalysis, type SelfAnalysis } from "./self-analysis.js";

// Options handed to CONSUME and SUBRULE, shared by every call (Chevrotain only reads them).
const OPERATOR = { LABEL: "operator" };
const TABLE = { LABEL: "table" };
const KEY = { LABEL: "key" };
const KEYS = { LABEL: "keys" };
const ORDINAL = { LABEL: "ordinal" };
const ELEMENT = { LABEL: "element" };
const YEAR = { LABEL: "year" };
const FIELDS = { LABEL: "fields" };
const TARGET = { LABEL: "target" };
const EFFECT = { LABEL: "effect" };

/** Something the expression rules hand to Chevrotain, once for each value of `noChain`. */
interface ByChain<T> {
  chained: T;
  unchained: T;
}

/** A rule's `noChain` argument for its subrules. */
const CHAIN_ARGS: ByChain<{ ARGS: [boolean] }> = {
  chained: { ARGS: [false] },
  unchained: { ARGS: [true] },
};

function forChain<T>(make: (noChain: boolean) => T): ByChain<T> {
  return { chained: make(false), unchained: make(true) };
}

/** `noChain` is undefined when a rule is called without arguments: as `false` (`!noChain`). */
function byChain<T>(built: ByChain<T>, noChain: boolean | undefined): T {
  return noChain === true ? built.unchained : built.chained;
}

/** The children of a CST node, by key: nothing inherited, not even `constructor` (see
 *  `cstInvocationStateUpdate`). */
class CstChildren {}
Object.setPrototypeOf(CstChildren.prototype, null);
Reflect.deleteProperty(CstChildren.prototype, "constructor");

const MAX_LOOKAHEAD = 3;

/** How a parser gets its self-analysis (grammar/self-analysis.ts): from Chevrotain, written down
 *  as Chevrotain makes it, or restored from a record (Chevrotain's own when it does not fit). */
export type Analysis = { kind: "chevrotain" } | { kind: "record" } | { kind: "restore"; analysis: SelfAnalysis };

class PolParser extends CstParser {
  /** The analysis written down, when built with `{ kind: "record" }`. */
  readonly recorded: SelfAnalysis | undefined;
  /** Whether the analysis was restored from a record rather than made by Chevrotain. */
  readonly restored: boolean;

  constructor(analysis: Analysis) {
    const lookahead = new PolLookahead(MAX_LOOKAHEAD);
    const messages = new PolErrorMessages();
    super(T.allTokens, {
      recoveryEnabled: true,
      // The builder needs only offsets; line and column come from its own line table.
      nodeLocationTracking: "onlyOffset",
      maxLookahead: MAX_LOOKAHEAD,
      errorMessageProvider: messages,
      skipValidations: !checkGrammarDefinition,
      lookaheadStrategy: lookahead,
    });
    messages.ruleStack = () => this.ruleStack();
    this.restored = analysis.kind === "restore" && restoreSelfAnalysis(this, lookahead, analysis.analysis);
    if (!this.restored) {
      if (analysis.kind === "record") lookahead.record = {};
      this.performSelfAnalysis();
    }
    this.recorded = analysis.kind === "record" ? recordSelfAnalysis(this, lookahead) : undefined;
  }

  /**
   * A rule's CST node, as Chevrotain makes it, but with its `children` an instance of
   * `CstChildren` rather than `Object.create(null)`: V8 keeps an object made that way as a hash
   * table, one per node, slow to fill and to read; an instance of a class has a shape of its own
   * and fast properties. Neither inherits anything, so every read of a child is as before.
   * (Chevrotain 11's TreeBuilder.cstInvocationStateUpdate, with the one change.)
   */
  cstInvocationStateUpdate(fullRuleName: string): void {
    const node = { name: fullRuleName, children: new CstChildren() };
    const self = this as unknown as { setInitialNodeLocation(node: object): void; CST_STACK: object[] };
    self.setInitialNodeLocation(node);
    self.CST_STACK.push(node);
  }

  /** Whether the parse entered a list prefix's ordinal (`latest 2 of`): only then can the CST hold
   *  one, and src/syntax/structure-checks.ts looks for them. */
  sawOrdinal = false;

  /** The names of the rules being parsed, outermost first (used to phrase error messages). */
  ruleStack(): string[] {
    // Chevrotain keeps this method off its public typings.
    const self = this as unknown as { getHumanReadableRuleStack(): string[] };
    return self.getHumanReadableRuleStack();
  }

  // -------------------------------------------------------------------------------------------
  // Files

  public file = this.RULE("file", () => {
    this.OR({
      ERR_MSG: "`policy`, `schema` or `fhir`",
      DEF: [
        { ALT: () => this.SUBRULE(this.schemaHeader) },
        { ALT: () => this.SUBRULE(this.policyHeader) },
        { ALT: () => this.SUBRULE(this.fhirHeader) },
      ],
    });
    // Uses and declarations share one loop (the builder checks that uses come first), and a
    // criterion is accepted here too, so that after an error inside a rule the parser resumes
    // at the next criterion instead of skipping to the next declaration.
    this.MANY(this.topLevels);
  });

  // What the rules run for every declaration, criterion and code hand to Chevrotain is built
  // once, as for the expressions below.
  private readonly topLevels = () => this.SUBRULE(this.topLevel);

  private topLevel = this.RULE("topLevel", () => {
    this.OR(this.topLevelKinds);
  });

  private readonly topLevelKinds = {
    ERR_MSG: "a declaration",
    DEF: [
      { ALT: () => this.SUBRULE(this.useDecl) },
      { ALT: () => this.SUBRULE(this.declaration) },
      { ALT: () => this.SUBRULE(this.criterion) },
    ],
  };

  private schemaHeader = this.RULE("schemaHeader", () => {
    this.CONSUME(T.Schema);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
  });

  private fhirHeader = this.RULE("fhirHeader", () => {
    this.CONSUME(T.Fhir);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.OPTION2(() => {
      this.CONSUME(T.Extends);
      this.CONSUME2(T.StringLiteral, { LABEL: "base" });
    });
  });

  private policyHeader = this.RULE("policyHeader", () => {
    this.CONSUME(T.Policy);
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier);
    });
    // A table declaration may follow the header directly: `table` is a name too, never a key.
    this.MANY2({ GATE: () => this.LA(1).tokenType !== T.Table && this.LA(1).tokenType !== T.Read, DEF: () => this.SUBRULE(this.headerField) });
  });

  private headerField = this.RULE("headerField", () => {
    this.CONSUME(T.Identifier);
    this.OR({
      ERR_MSG: "a string or a date",
      DEF: [
        { ALT: () => this.CONSUME(T.StringLiteral) },
        { ALT: () => this.CONSUME(T.DateLiteral) },
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "word" }) },
      ],
    });
  });

  private useDecl = this.RULE("useDecl", () => {
    this.CONSUME(T.Use);
    this.CONSUME(T.StringLiteral);
  });

  private declaration = this.RULE("declaration", () => {
    this.OR(this.declarationKinds);
  });

  private readonly declarationKinds = {
    ERR_MSG: "a declaration",
    DEF: [
      { ALT: () => this.SUBRULE(this.enumDecl) },
      { ALT: () => this.SUBRULE(this.recordDecl) },
      { ALT: () => this.SUBRULE(this.caseDecl) },
      { ALT: () => this.SUBRULE(this.itemDecl) },
      { ALT: () => this.SUBRULE(this.codeSetDecl) },
      { ALT: () => this.SUBRULE(this.tableDecl) },
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.extendDecl) },
      { ALT: () => this.SUBRULE(this.readDecl) },
    ],
  };

  // -------------------------------------------------------------------------------------------
  // FHIR bindings: `read procedures from Procedure where "status = 'completed'" { ... }`

  private readDecl = this.RULE("readDecl", () => {
    this.CONSUME(T.Read);
    this.OR({
      ERR_MSG: "`case` or a list field of the case",
      DEF: [
        { ALT: () => this.CONSUME(T.Case, { LABEL: "target" }) },
        { ALT: () => this.CONSUME(T.Identifier, { LABEL: "target" }) },
      ],
    });
    this.CONSUME(T.From);
    this.CONSUME2(T.Identifier, { LABEL: "resource" });
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "element" }));
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      this.CONSUME2(T.StringLiteral, { LABEL: "filter" });
    });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.readField));
    this.CONSUME(T.RBrace);
  });

  /** `code: "code" in cpt, hcpcs`, `side: "bodySite" { left = snomed "7771000" }`,
   *  `kind = physical_therapy`, or a bare boolean field. */
  private readField = this.RULE("readField", () => {
    this.CONSUME(T.Identifier, { LABEL: "field" });
    this.OPTION(() => {
      this.OR({
        ERR_MSG: "`:` and a FHIRPath string, or `=` and a value",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Colon);
              this.CONSUME(T.StringLiteral, { LABEL: "path" });
              this.OPTION2(() => {
                this.CONSUME(T.In);
                this.CONSUME2(T.Identifier, { LABEL: "systems" });
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  this.CONSUME3(T.Identifier, { LABEL: "systems" });
                });
              });
              this.OPTION3(() => {
                this.CONSUME(T.LBrace);
                this.MANY2(() => this.SUBRULE(this.readMapEntry));
                this.CONSUME(T.RBrace);
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Equals);
              this.OR2({
                ERR_MSG: "an enum member, `true` or `false`",
                DEF: [
                  {
                    ALT: () => this.CONSUME4(T.Identifier, { LABEL: "constant" }),
                  },
                  { ALT: () => this.CONSUME(T.True, { LABEL: "constant" }) },
                  { ALT: () => this.CONSUME(T.False, { LABEL: "constant" }) },
                ],
              });
            },
          },
        ],
      });
    });
  });

  /** `left = snomed "7771000"` or `completed = "completed"`. */
  private readMapEntry = this.RULE("readMapEntry", () => {
    this.CONSUME(T.Identifier, { LABEL: "member" });
    this.CONSUME(T.Equals);
    this.OPTION(() => this.CONSUME2(T.Identifier, { LABEL: "system" }));
    this.CONSUME(T.StringLiteral, { LABEL: "code" });
    this.OPTION2(() => this.CONSUME(T.Comma));
  });

  /** `extend case { ... }`, `extend item { ... }`, `extend record R { ... }`, `extend enum E { ... }`,
   *  and in a binding file `extend read items from ServiceRequest { ... }` (fields added to a block
   *  of the base bindings). */
  private extendDecl = this.RULE("extendDecl", () => {
    this.CONSUME(T.Extend);
    this.OR({
      ERR_MSG: "`case`, `item`, `record`, `enum` or `read`",
      DEF: [
        { ALT: () => this.SUBRULE(this.readDecl) },
        {
          ALT: () => {
            this.CONSUME(T.Case);
            this.SUBRULE(this.fieldBlock);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Item);
            this.SUBRULE2(this.fieldBlock);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Record);
            this.CONSUME(T.Identifier, { LABEL: "name" });
            this.SUBRULE3(this.fieldBlock);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Enum);
            this.CONSUME2(T.Identifier, { LABEL: "name" });
            this.CONSUME(T.LBrace);
            this.CONSUME3(T.Identifier, { LABEL: "members" });
            this.MANY(() => {
              this.OPTION(() => this.CONSUME(T.Comma));
              this.CONSUME4(T.Identifier, { LABEL: "members" });
            });
            this.CONSUME(T.RBrace);
          },
        },
      ],
    });
  });

  // -------------------------------------------------------------------------------------------
  // Schema declarations

  private enumDecl = this.RULE("enumDecl", () => {
    this.CONSUME(T.Enum);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    // `ordered` is a word, not a keyword: only here, before the members, does it mean anything.
    this.OPTION3({
      GATE: () => this.LA(1).image === "ordered",
      DEF: () => this.CONSUME4(T.Identifier, { LABEL: "ordered" }),
    });
    this.CONSUME(T.LBrace);
    this.CONSUME2(T.Identifier, { LABEL: "members" });
    this.MANY(() => {
      this.OPTION2(() => this.CONSUME(T.Comma));
      this.CONSUME3(T.Identifier, { LABEL: "members" });
    });
    this.CONSUME(T.RBrace);
  });

  private recordDecl = this.RULE("recordDecl", () => {
    this.CONSUME(T.Record);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.OPTION2(() => this.SUBRULE(this.datedBy));
    this.SUBRULE(this.fieldBlock);
  });

  private datedBy = this.RULE("datedBy", () => {
    this.CONSUME(T.Dated);
    this.CONSUME(T.By);
    this.CONSUME(T.Identifier, { LABEL: "start" });
    this.OPTION(() => {
      this.CONSUME(T.To);
      this.CONSUME2(T.Identifier, { LABEL: "end" });
    });
  });

  private caseDecl = this.RULE("caseDecl", () => {
    this.CONSUME(T.Case);
    this.SUBRULE(this.fieldBlock);
  });

  private itemDecl = this.RULE("itemDecl", () => {
    this.CONSUME(T.Item);
    this.SUBRULE(this.fieldBlock);
  });

  private fieldBlock = this.RULE("fieldBlock", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.field));
    this.CONSUME(T.RBrace);
  });

  /** The label may come before `= expression` or after it (as docs/language.md writes it). */
  private field = this.RULE("field", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: "label" }));
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, CHAIN_ARGS.chained);
      this.OPTION3(() => this.CONSUME2(T.StringLiteral, { LABEL: "trailingLabel" }));
    });
  });

  /** `percent` is a keyword (of `as percent`) and also a primitive type name. */
  private typeRef = this.RULE("typeRef", () => {
    this.OR({
      ERR_MSG: "a type",
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.List);
            this.CONSUME(T.Of);
            this.CONSUME(T.Identifier);
          },
        },
        { ALT: () => this.CONSUME2(T.Identifier) },
        { ALT: () => this.CONSUME(T.Percent) },
      ],
    });
  });

  // -------------------------------------------------------------------------------------------
  // Code sets, definitions, rules

  private codeSetDecl = this.RULE("codeSetDecl", () => {
    this.CONSUME(T.Codes);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.CONSUME(T.Equals);
    this.CONSUME(T.CodeListOpen);
    this.MANY(this.codeEntries);
    this.OPTION3(() => this.CONSUME2(T.Comma));
    this.CONSUME(T.CodeListClose);
  });

  private readonly codeEntries = () => {
    this.OPTION2(this.codeSeparator);
    this.CONSUME(T.CodeEntry);
  };

  private readonly codeSeparator = () => this.CONSUME(T.Comma);

  /** `table NAME "label" by ENUM { member value ... }` */
  private tableDecl = this.RULE("tableDecl", () => {
    this.CONSUME(T.Table);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.CONSUME(T.By);
    this.CONSUME2(T.Identifier, { LABEL: "key" });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.tableEntry));
    this.CONSUME(T.RBrace);
  });

  private tableEntry = this.RULE("tableEntry", () => {
    this.CONSUME(T.Identifier, { LABEL: "member" });
    this.OR({
      ERR_MSG: "a value: a number, a percent, a duration, a string, `true` or `false`",
      DEF: [
        { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: "value" }) },
        { ALT: () => this.CONSUME(T.PercentLiteral, { LABEL: "value" }) },
        { ALT: () => this.CONSUME(T.DurationLiteral, { LABEL: "value" }) },
        { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "value" }) },
        { ALT: () => this.CONSUME(T.True, { LABEL: "value" }) },
        { ALT: () => this.CONSUME(T.False, { LABEL: "value" }) },
      ],
    });
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  private letDecl = this.RULE("letDecl", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, CHAIN_ARGS.chained);
  });

  private ruleDecl = this.RULE("ruleDecl", () => {
    this.CONSUME(T.Rule);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.StringLiteral);
    this.OPTION(() => this.CONSUME(T.Citation));
    this.CONSUME(T.For);
    this.CONSUME2(T.Identifier, { LABEL: "codes" });
    this.MANY2(() => {
      this.CONSUME(T.Comma);
      this.CONSUME3(T.Identifier, { LABEL: "codes" });
    });
    this.OPTION2(() => {
      this.CONSUME(T.When);
      this.SUBRULE(this.expression, CHAIN_ARGS.chained);
    });
    this.MANY(this.criteria);
  });

  private readonly criteria = () => this.SUBRULE(this.criterion);

  /** A criterion has no terminator: the keyword of whatever follows ends it. */
  private criterion = this.RULE("criterion", () => {
    this.OR(this.criterionKinds);
  });

  private readonly criterionKinds = {
    ERR_MSG: "`require`, `deny`, `not covered`, `bundle`, `prior authorization`, `refer`, `note`, `waive` or `approve`",
    DEF: [
      // `approve` has no condition: the rule approves every item it applies to.
      {
        ALT: () => {
          this.CONSUME(T.Approve, EFFECT);
          this.SUBRULE3(this.criterionHead);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Require, EFFECT);
          this.SUBRULE(this.criterionHead);
          this.SUBRULE(this.expression, CHAIN_ARGS.chained);
        },
      },
      {
        ALT: () => {
          this.OR2(this.conditionalEffects);
          this.SUBRULE2(this.criterionHead);
          this.OPTION(this.criterionWhen);
        },
      },
      {
        // `waive W [C] "..." for A1, A2 when condition`: the criteria of the rule it names are
        // waived when the condition holds.
        ALT: () => {
          this.CONSUME(T.Waive, EFFECT);
          this.SUBRULE4(this.criterionHead);
          this.CONSUME(T.For);
          this.CONSUME(T.Identifier, { LABEL: "waived" });
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.CONSUME2(T.Identifier, { LABEL: "waived" });
          });
          this.CONSUME2(T.When);
          this.SUBRULE3(this.expression, CHAIN_ARGS.chained);
        },
      },
    ],
  };

  private readonly conditionalEffects = [
    { ALT: () => this.CONSUME(T.Deny, EFFECT) },
    { ALT: () => this.CONSUME(T.NotCovered, EFFECT) },
    { ALT: () => this.CONSUME(T.Bundle, EFFECT) },
    { ALT: () => this.CONSUME(T.PriorAuthorization, EFFECT) },
    { ALT: () => this.CONSUME(T.Refer, EFFECT) },
    { ALT: () => this.CONSUME(T.Note, EFFECT) },
  ];

  private readonly criterionWhen = () => {
    this.CONSUME(T.When);
    this.SUBRULE2(this.expression, CHAIN_ARGS.chained);
  };

  private criterionHead = this.RULE("criterionHead", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(this.citation);
    this.OPTION2(this.description);
  });

  private readonly citation = () => this.CONSUME(T.Citation);
  private readonly description = () => this.CONSUME(T.StringLiteral);

  // -------------------------------------------------------------------------------------------
  // Expressions. `noChain` is true inside the condition of a `where`: there, a name does not
  // take `where` / `within` steps of its own, so they continue the outer chain.
  //
  // Every operand passes through all of these rules, so what they hand to OR, MANY, OPTION and
  // SUBRULE is built once (Chevrotain's "caching arrays of alternatives"; building the arrays,
  // objects and closures on every call was about a third of what a parse allocated). Whatever
  // depends on `noChain` is built once for each of its values and picked by `byChain`.

  public expression = this.RULE("expression", (noChain?: boolean) => {
    this.SUBRULE(this.orExpression, byChain(CHAIN_ARGS, noChain));
  });

  private orExpression = this.RULE("orExpression", (noChain?: boolean) => {
    this.SUBRULE(this.andExpression, byChain(CHAIN_ARGS, noChain));
    this.MANY(byChain(this.orOperands, noChain));
  });

  private readonly orOperands = forChain((noChain) => () => {
    this.CONSUME(T.Or, OPERATOR);
    this.SUBRULE2(this.andExpression, byChain(CHAIN_ARGS, noChain));
  });

  private andExpression = this.RULE("andExpression", (noChain?: boolean) => {
    this.SUBRULE(this.notExpression, byChain(CHAIN_ARGS, noChain));
    this.MANY(byChain(this.andOperands, noChain));
  });

  private readonly andOperands = forChain((noChain) => () => {
    this.CONSUME(T.And, OPERATOR);
    this.SUBRULE2(this.notExpression, byChain(CHAIN_ARGS, noChain));
  });

  private notExpression = this.RULE("notExpression", (noChain?: boolean) => {
    this.OR(byChain(this.notAlternatives, noChain));
  });

  private readonly notAlternatives = forChain((noChain) => ({
    ERR_MSG: "an expression",
    DEF: [
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpression, byChain(CHAIN_ARGS, noChain));
        },
      },
      {
        ALT: () => this.SUBRULE(this.comparison, byChain(CHAIN_ARGS, noChain)),
      },
    ],
  }));

  /** Non-associative: at most one comparison operator or `in` test. */
  private comparison = this.RULE("comparison", (noChain?: boolean) => {
    this.SUBRULE(this.asPercent, byChain(CHAIN_ARGS, noChain));
    this.OPTION(byChain(this.comparisonTail, noChain));
  });

  private readonly comparisonOperators = [
    { ALT: () => this.CONSUME(T.EqualEqual, OPERATOR) },
    { ALT: () => this.CONSUME(T.NotEqual, OPERATOR) },
    { ALT: () => this.CONSUME(T.LessEqual, OPERATOR) },
    { ALT: () => this.CONSUME(T.GreaterEqual, OPERATOR) },
    { ALT: () => this.CONSUME(T.Less, OPERATOR) },
    { ALT: () => this.CONSUME(T.Greater, OPERATOR) },
  ];

  private readonly inTargets = [
    { ALT: () => this.SUBRULE(this.memberSet) },
    { ALT: () => this.SUBRULE(this.access, TARGET) },
  ];

  private readonly comparisonTail = forChain((noChain) => {
    const alternatives = [
      {
        ALT: () => {
          this.OR2(this.comparisonOperators);
          this.SUBRULE2(this.asPercent, byChain(CHAIN_ARGS, noChain));
        },
      },
      {
        ALT: () => {
          this.OPTION2(this.consumeNot);
          this.CONSUME(T.In);
          this.OR3(this.inTargets);
        },
      },
    ];
    return () => this.OR(alternatives);
  });

  private readonly consumeNot = () => this.CONSUME(T.Not);

  /** `{physical_therapy, chiropractic}`: enum members or strings, commas optional. */
  private memberSet = this.RULE("memberSet", () => {
    this.CONSUME(T.LBrace);
    this.AT_LEAST_ONE(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Identifier, { LABEL: "members" }) },
        { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "members" }) },
      ]);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  /** `ratio as percent`; `rule_name as of date`: a rule's criteria as of an earlier date. */
  private asPercent = this.RULE("asPercent", (noChain?: boolean) => {
    this.SUBRULE(this.additive, byChain(CHAIN_ARGS, noChain));
    this.OPTION(byChain(this.asTail, noChain));
  });

  private readonly asTail = forChain((noChain) => {
    const alternatives = [
      { ALT: () => this.CONSUME(T.Percent) },
      {
        ALT: () => {
          this.CONSUME(T.Of);
          this.SUBRULE2(this.additive, byChain(CHAIN_ARGS, noChain));
        },
      },
    ];
    return () => {
      this.CONSUME(T.As);
      this.OR(alternatives);
    };
  });

  private additive = this.RULE("additive", (noChain?: boolean) => {
    this.SUBRULE(this.multiplicative, byChain(CHAIN_ARGS, noChain));
    this.MANY(byChain(this.additiveOperands, noChain));
  });

  private readonly additiveOperators = [
    { ALT: () => this.CONSUME(T.Plus, OPERATOR) },
    { ALT: () => this.CONSUME(T.Minus, OPERATOR) },
  ];

  private readonly additiveOperands = forChain((noChain) => () => {
    this.OR(this.additiveOperators);
    this.SUBRULE2(this.multiplicative, byChain(CHAIN_ARGS, noChain));
  });

  private multiplicative = this.RULE("multiplicative", (noChain?: boolean) => {
    this.SUBRULE(this.unary, byChain(CHAIN_ARGS, noChain));
    this.MANY(byChain(this.multiplicativeOperands, noChain));
  });

  private readonly multiplicativeOperators = [
    { ALT: () => this.CONSUME(T.Star, OPERATOR) },
    { ALT: () => this.CONSUME(T.Slash, OPERATOR) },
  ];

  private readonly multiplicativeOperands = forChain((noChain) => () => {
    this.OR(this.multiplicativeOperators);
    this.SUBRULE2(this.unary, byChain(CHAIN_ARGS, noChain));
  });

  private unary = this.RULE("unary", (noChain?: boolean) => {
    this.OR(byChain(this.unaryAlternatives, noChain));
  });

  private readonly unaryAlternatives = forChain((noChain) => ({
    ERR_MSG: "an expression",
    DEF: [
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary, byChain(CHAIN_ARGS, noChain));
        },
      },
      { ALT: () => this.SUBRULE(this.prefix, byChain(CHAIN_ARGS, noChain)) },
    ],
  }));

  /** Prefix forms take their own chain greedily, even inside a `where` condition. */
  private prefix = this.RULE("prefix", (noChain?: boolean) => {
    this.OR(byChain(this.prefixAlternatives, noChain));
  });

  private readonly prefixAlternatives = forChain((noChain) => ({
    ERR_MSG: "an expression",
    DEF: [
      { ALT: () => this.SUBRULE(this.listPrefix) },
      {
        ALT: () => {
          this.CONSUME(T.Documented);
          this.SUBRULE2(this.access);
        },
      },
      {
        // `action_time of last_block.anesthetic`: a name followed by `of` is a table lookup.
        GATE: () => this.LA(2).tokenType === T.Of,
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME2(T.Identifier, TABLE);
          this.CONSUME3(T.Of);
          this.SUBRULE3(this.access, KEY);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Sum);
          this.CONSUME(T.Identifier);
          this.CONSUME(T.Of);
          this.SUBRULE1(this.chain, CHAIN_ARGS.chained);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Coverage);
          this.CONSUME2(T.Of);
          this.SUBRULE2(this.chain, CHAIN_ARGS.chained);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Time);
          this.CONSUME(T.Since);
          this.SUBRULE1(this.additive, byChain(CHAIN_ARGS, noChain));
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Time);
          this.CONSUME(T.Between);
          this.SUBRULE2(this.additive, byChain(CHAIN_ARGS, noChain));
          this.CONSUME(T.And);
          this.SUBRULE3(this.additive, byChain(CHAIN_ARGS, noChain));
        },
      },
      { ALT: () => this.SUBRULE3(this.chain, byChain(CHAIN_ARGS, noChain)) },
    ],
  }));

  /**
   * `count L`, `some L`, `no L`, `latest L`, `earliest L`: one keyword, then a full chain.
   * `count distinct date, level of L` counts distinct values; `latest 3 of L` is the last three
   * members in date order; `some v in L` names the element (`v.date` inside the chain).
   */
  private listPrefix = this.RULE("listPrefix", () => {
    this.OR(this.listOperators);
    this.OPTION2(this.ordinal);
    this.OPTION3(this.elementName);
    this.SUBRULE(this.chain, CHAIN_ARGS.chained);
  });

  private readonly distinctKeys = () => {
    this.CONSUME(T.Distinct);
    this.CONSUME(T.Identifier, KEYS);
    this.MANY(this.moreKeys);
    this.CONSUME(T.Of);
  };

  private readonly moreKeys = () => {
    this.CONSUME(T.Comma);
    this.CONSUME2(T.Identifier, KEYS);
  };

  private readonly listOperators = [
    {
      ALT: () => {
        this.CONSUME(T.Count, OPERATOR);
        this.OPTION(this.distinctKeys);
      },
    },
    { ALT: () => this.CONSUME(T.Some, OPERATOR) },
    { ALT: () => this.CONSUME(T.No, OPERATOR) },
    { ALT: () => this.CONSUME(T.Latest, OPERATOR) },
    { ALT: () => this.CONSUME(T.Earliest, OPERATOR) },
  ];

  private readonly ordinal = () => {
    this.ACTION(() => (this.sawOrdinal = true));
    this.CONSUME(T.NumberLiteral, ORDINAL);
    this.CONSUME2(T.Of);
  };

  private readonly elementName = () => {
    this.CONSUME3(T.Identifier, ELEMENT);
    this.CONSUME(T.In);
  };

  private chain = this.RULE("chain", (noChain?: boolean) => {
    this.SUBRULE(this.access);
    this.MANY(byChain(this.chainSteps, noChain));
  });

  private readonly chainSteps = forChain((noChain) => ({
    GATE: () => !noChain,
    DEF: () => this.SUBRULE(this.chainStep),
  }));

  private chainStep = this.RULE("chainStep", () => {
    this.OR(this.stepKinds);
  });

  private readonly years = [{ ALT: () => this.CONSUME(T.Calendar, YEAR) }, { ALT: () => this.CONSUME(T.Plan, YEAR) }];

  private readonly windows = {
    ERR_MSG: "a duration, `calendar year` or `plan year`",
    DEF: [
      { ALT: () => this.CONSUME(T.DurationLiteral) },
      {
        ALT: () => {
          this.OR3(this.years);
          this.CONSUME(T.Year);
        },
      },
    ],
  };

  private readonly stepKinds = [
    {
      ALT: () => {
        this.CONSUME(T.Where);
        this.SUBRULE(this.expression, CHAIN_ARGS.unchained);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.Within);
        this.OR2(this.windows);
      },
    },
  ];

  private access = this.RULE("access", () => {
    this.SUBRULE(this.primary);
    this.MANY(this.fieldSteps);
  });

  private readonly fieldSteps = () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.Identifier, FIELDS);
  };

  private primary = this.RULE("primary", () => {
    this.OR(this.primaries);
  });

  private readonly primaries = {
    ERR_MSG: "an expression",
    DEF: [
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.PercentLiteral) },
      { ALT: () => this.CONSUME(T.DurationLiteral) },
      { ALT: () => this.CONSUME(T.DateLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Item) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression, CHAIN_ARGS.chained);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.group) },
    ],
  };

  /** `all(a, b, ...)` / `any(a, b, ...)`, trailing comma allowed. */
  private group = this.RULE("group", () => {
    this.OR(this.groupOperators);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, CHAIN_ARGS.chained);
    this.MANY(this.groupOperands);
    this.OPTION(this.trailingComma);
    this.CONSUME(T.RParen);
  });

  private readonly groupOperators = [
    { ALT: () => this.CONSUME(T.All, OPERATOR) },
    { ALT: () => this.CONSUME(T.Any, OPERATOR) },
  ];

  private readonly groupOperands = {
    GATE: () => this.LA(2).tokenType !== T.RParen,
    DEF: () => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expression, CHAIN_ARGS.chained);
    },
  };

  private readonly trailingComma = () => this.CONSUME2(T.Comma);
}

let parser: PolParser | undefined;

/**
 * The one parser instance, built on first use, so that a process that parses nothing (`pol
 * --version`, `pol init`) does not pay for its self-analysis. Chevrotain parsers are reusable:
 * set `input`, call a rule.
 */
export function polParser(): PolParser {
  if (parser === undefined) {
    // The grammar's definition checks run only in Chevrotain's own analysis.
    parser = buildParser(recordedAnalysis !== undefined && !checkGrammarDefinition ? { kind: "restore", analysis: recordedAnalysis } : { kind: "chevrotain" });
  }
  return parser;
}

/** A new parser, for recording its analysis and for tests (parses go through `polParser`). */
export function buildParser(analysis: Analysis): PolParser {
  return new PolParser(analysis);
}

/** A production of the recorded grammar, as far as `subrulesReaching` reads it. */
interface Production {
  definition?: Production[];
  nonTerminalName?: string;
  label?: string;
}

/**
 * For each rule, the CST keys (label or rule name) of its subrules that can hold a `target` node,
 * from the grammar the parser recorded. A walk looking for `target` nodes follows only these keys:
 * a CST node's children are only what its rule's productions consumed, so nothing is missed.
 */
export function subrulesReaching(target: string): ReadonlyMap<string, readonly string[]> {
  const rules = polParser().getGAstProductions();
  const subrules = new Map<string, { key: string; rule: string }[]>();
  for (const [name, rule] of Object.entries(rules)) {
    const found: { key: string; rule: string }[] = [];
    const visit = (production: Production): void => {
      // A subrule's `definition` is its rule's: not followed.
      if (production.nonTerminalName !== undefined) found.push({
          key: production.label ?? production.nonTerminalName,
          rule: production.nonTerminalName,
        });
      else for (const inner of production.definition ?? []) visit(inner);
    };
    visit(rule as Production);
    subrules.set(name, found);
  }
  const reaching = new Set([target]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, found] of subrules) {
      if (!reaching.has(name) && found.some((subrule) => reaching.has(subrule.rule))) {
        reaching.add(name);
        grew = true;
      }
    }
  }
  const keys = new Map<string, readonly string[]>();
  for (const [name, found] of subrules) keys.set(name, [...new Set(found.filter((subrule) => reaching.has(subrule.rule)).map((subrule) => subrule.key))]);
  return keys;
}

export interface CstParseResult {
  /** Typed by grammar/cst.d.ts; after recovery from errors any child may be missing. */
  cst: FileCstNode;
  errors: PolParser["errors"];
  /** False when no `listPrefix` node of the CST has an `ordinal`. */
  ordinals: boolean;
}

/** Parse a token vector into a CST; errors are the parser's (recovered) recognition errors. */
export function parseTokens(tokens: IToken[], parser: PolParser = polParser()): CstParseResult {
  parser.input = tokens;
  parser.sawOrdinal = false;
  const cst = parser.file() as FileCstNode;
  return { cst, errors: parser.errors, ordinals: parser.sawOrdinal };
}
