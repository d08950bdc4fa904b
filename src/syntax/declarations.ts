// CST -> AST for files, headers and declarations.

import type { CstNode, IToken } from "chevrotain";
import type {
  Comment,
  Recovered,
  RuleDecl,
  Criterion,
  CriterionEffect,
  Expression,
  TableEntry,
  Declaration,
  FhirHeader,
  FieldDecl,
  ReadDecl,
  ReadField,
  HeaderField,
  HeaderKey,
  PolicyHeader,
  SchemaHeader,
  SourceFile,
  Span,
  TypeRef,
  UseDecl,
} from "../ast.js";
import type {
  CaseDeclCstNode,
  CodeSetDeclCstNode,
  CriterionCstNode,
  EnumDeclCstNode,
  ExtendDeclCstNode,
  FhirHeaderCstNode,
  FieldBlockCstNode,
  FileCstNode,
  ReadDeclCstNode,
  HeaderFieldCstNode,
  ItemDeclCstNode,
  LetDeclCstNode,
  TableDeclCstNode,
  PolicyHeaderCstNode,
  RecordDeclCstNode,
  RuleDeclCstNode,
  SchemaHeaderCstNode,
  TypeRefCstNode,
  UseDeclCstNode,
} from "../../grammar/cst.js";
import { one, onlyChild } from "./cst.js";
import { ExpressionBuilder } from "./expressions.js";
import { citationText, codeEntry, codeSystem } from "./literals.js";
import type { SourcePositions } from "./positions.js";

/** The node of whichever declaration a `declaration` holds. */
type DeclarationCstNode =
  | EnumDeclCstNode
  | RecordDeclCstNode
  | CaseDeclCstNode
  | ItemDeclCstNode
  | CodeSetDeclCstNode
  | TableDeclCstNode
  | LetDeclCstNode
  | RuleDeclCstNode
  | ExtendDeclCstNode
  | ReadDeclCstNode;

const effects: Record<string, CriterionEffect> = {
  require: "require",
  deny: "deny",
  bundle: "bundle",
  refer: "refer",
  note: "note",
  waive: "waive",
  approve: "approve",
};

/** The effect of a criterion keyword: the two-word keywords by their first word. */
function effectOf(keyword: string): CriterionEffect {
  const effect = effects[keyword];
  if (effect !== undefined) return effect;
  return keyword.startsWith("prior") ? "authorization" : "not_covered";
}

export class DeclarationBuilder {
  private readonly expressions: ExpressionBuilder;

  constructor(private readonly positions: SourcePositions) {
    this.expressions = new ExpressionBuilder(positions);
  }

  /** The whole file; `comments` come from the lexer's comment group. */
  file(cst: FileCstNode, comments: readonly IToken[]): SourceFile {
    const uses: UseDecl[] = [];
    const declarations: Declaration[] = [];
    for (const item of cst.children.topLevel ?? []) {
      const use = item.children.useDecl?.[0];
      if (use !== undefined) uses.push(this.use(use));
      else declarations.push(this.declaration(onlyChild(one(item.children.declaration)) as DeclarationCstNode));
    }
    const schema = cst.children.schemaHeader?.[0];
    const fhir = cst.children.fhirHeader?.[0];
    return {
      kind: "SourceFile",
      header:
        schema !== undefined
          ? this.schemaHeader(schema)
          : fhir !== undefined
            ? this.fhirHeader(fhir)
            : this.policyHeader(one(cst.children.policyHeader)),
      uses,
      declarations,
      comments: comments.map((comment) => this.comment(comment)),
      span: this.positions.span(0, this.positions.source.length),
    };
  }

  /**
   * After syntax errors: the file with only the uses, declarations and criteria that no error
   * touches (`touched(start, end)`), or undefined when the header itself is broken. A criterion
   * the parser resumed at after an error belongs to the rule before it. What was left out is
   * listed in `recovered`, so the checker reports nothing that follows from it.
   */
  partialFile(cst: FileCstNode, touched: (start: number, end: number) => boolean): SourceFile | undefined {
    const recovered: Recovered = { names: new Set(), schema: false, partialRules: new Set() };
    // A node is clean when no error lies from its start up to whatever follows it: an error right
    // after a criterion (`>= 3 months`) cut it short, and checking the rest would only cascade.
    const clean = <T>(node: CstNode, build: () => T, until?: number): T | undefined => {
      const location = node.location;
      if (location === undefined || Number.isNaN(location.startOffset) || Number.isNaN(location.endOffset ?? NaN)) return undefined;
      if (touched(location.startOffset, until ?? location.endOffset!) || recoveredIn(node)) return undefined;
      try {
        return build();
      } catch {
        return undefined;
      }
    };
    const headerCst = cst.children.schemaHeader?.[0] ?? cst.children.policyHeader?.[0] ?? cst.children.fhirHeader?.[0];
    if (headerCst === undefined) return undefined;
    const header = clean(headerCst, () =>
      headerCst.name === "schemaHeader"
        ? this.schemaHeader(headerCst as SchemaHeaderCstNode)
        : headerCst.name === "fhirHeader"
          ? this.fhirHeader(headerCst as FhirHeaderCstNode)
          : this.policyHeader(headerCst as PolicyHeaderCstNode),
    );
    if (header === undefined) return undefined;
    const uses: UseDecl[] = [];
    const declarations: Declaration[] = [];
    let rule: RuleDecl | undefined;
    const items = cst.children.topLevel ?? [];
    items.forEach((item, index) => {
      const next = items[index + 1]?.location?.startOffset;
      const until = next === undefined || Number.isNaN(next) ? this.positions.source.length : next - 1;
      const use = item.children.useDecl?.[0];
      const criterion = item.children.criterion?.[0];
      const declarationCst = item.children.declaration?.[0];
      if (use !== undefined) {
        const built = clean(use, () => this.use(use), until);
        if (built) uses.push(built);
      } else if (criterion !== undefined) {
        const built = rule && clean(criterion, () => this.criterion(criterion), until);
        if (rule && built) rule.criteria.push(built);
        else if (rule) recovered.partialRules.add(rule);
      } else if (declarationCst !== undefined) {
        const node = onlyChild(declarationCst) as DeclarationCstNode;
        const built =
          node.name === "ruleDecl"
            ? this.partialRule(node as RuleDeclCstNode, clean, recovered, until)
            : clean(node, () => this.declaration(node), until);
        rule = built?.kind === "RuleDecl" ? built : undefined;
        if (built) declarations.push(built);
        else this.lost(node, recovered);
      }
    });
    return {
      kind: "SourceFile",
      header,
      uses,
      declarations,
      comments: [],
      span: this.positions.span(0, this.positions.source.length),
      recovered,
    };
  }

  /** A rule whose heading is clean, with the criteria that are; undefined when the heading is not. */
  private partialRule(
    cst: RuleDeclCstNode,
    clean: <T>(node: CstNode, build: () => T, until?: number) => T | undefined,
    recovered: Recovered,
    until: number,
  ): RuleDecl | undefined {
    const criteria = cst.children.criterion ?? [];
    const headingEnd = criteria[0]?.location?.startOffset;
    const headingOnly: RuleDeclCstNode = { ...cst, children: { ...cst.children, criterion: [] } };
    const heading: CstNode =
      headingEnd === undefined ? headingOnly : { ...headingOnly, location: { ...cst.location!, endOffset: headingEnd - 1 } };
    const rule = clean(heading, () => this.declaration(headingOnly) as RuleDecl);
    if (rule === undefined) return undefined;
    criteria.forEach((criterion, index) => {
      const next = criteria[index + 1]?.location?.startOffset;
      const built = clean(criterion, () => this.criterion(criterion), next === undefined || Number.isNaN(next) ? until : next - 1);
      if (built) rule.criteria.push(built);
      else recovered.partialRules.add(rule);
    });
    return rule;
  }

  /** Note what a declaration the errors touch would have declared. */
  private lost(cst: DeclarationCstNode, recovered: Recovered): void {
    if (cst.name === "enumDecl" || cst.name === "recordDecl" || cst.name === "caseDecl" || cst.name === "itemDecl") recovered.schema = true;
    const children = cst.children as { name?: IToken[]; Identifier?: IToken[] };
    const name = cst.name === "ruleDecl" ? undefined : (children.name ?? children.Identifier)?.[0];
    if (name !== undefined && name.image !== "") recovered.names.add(name.image);
  }

  private span(cst: CstNode) {
    return this.positions.span(cst.location!.startOffset, cst.location!.endOffset! + 1);
  }

  private comment(comment: IToken): Comment {
    return {
      kind: "Comment",
      text: comment.image.slice(1),
      span: this.positions.tokenSpan(comment),
    };
  }

  private schemaHeader(cst: SchemaHeaderCstNode): SchemaHeader {
    const title = cst.children.StringLiteral?.[0];
    return {
      kind: "SchemaHeader",
      name: this.expressions.identifier(one(cst.children.Identifier)),
      ...(title !== undefined ? { title: this.expressions.string(title) } : {}),
      span: this.span(cst),
    };
  }

  private fhirHeader(cst: FhirHeaderCstNode): FhirHeader {
    const title = cst.children.StringLiteral?.[0];
    const base = cst.children.base?.[0];
    return {
      kind: "FhirHeader",
      name: this.expressions.identifier(one(cst.children.Identifier)),
      ...(title !== undefined ? { title: this.expressions.string(title) } : {}),
      ...(base !== undefined ? { base: this.expressions.string(base) } : {}),
      span: this.span(cst),
    };
  }

  private policyHeader(cst: PolicyHeaderCstNode): PolicyHeader {
    return {
      kind: "PolicyHeader",
      id: cst.children.Identifier.map((part) => this.expressions.identifier(part)),
      fields: (cst.children.headerField ?? []).map((field) => this.headerField(field)),
      span: this.span(cst),
    };
  }

  private headerField(cst: HeaderFieldCstNode): HeaderField {
    const key = one(cst.children.Identifier);
    const date = cst.children.DateLiteral?.[0];
    const word = cst.children.word?.[0];
    return {
      kind: "HeaderField",
      key: key.image as HeaderKey,
      keySpan: this.positions.tokenSpan(key),
      value:
        date !== undefined
          ? { kind: "DateLiteral", value: date.image, span: this.positions.tokenSpan(date) }
          : word !== undefined
            ? this.expressions.identifier(word)
            : this.expressions.string(one(cst.children.StringLiteral)),
      span: this.span(cst),
    };
  }

  private use(cst: UseDeclCstNode): UseDecl {
    return {
      kind: "UseDecl",
      path: this.expressions.string(one(cst.children.StringLiteral)),
      span: this.span(cst),
    };
  }

  private declaration(cst: DeclarationCstNode): Declaration {
    const span = this.span(cst);
    if (cst.name === "extendDecl") return this.extension(cst, span);
    if (cst.name === "readDecl") return this.read(cst, span);
    const label = this.optionalLabel(cst);
    switch (cst.name) {
      case "enumDecl":
        return {
          kind: "EnumDecl",
          name: this.expressions.identifier(one(cst.children.name)),
          ...label,
          members: cst.children.members.map((member) => this.expressions.identifier(member)),
          ...(cst.children.ordered !== undefined ? { ordered: true } : {}),
          span,
        };
      case "recordDecl": {
        const dated = cst.children.datedBy?.[0];
        const end = dated?.children.end?.[0];
        return {
          kind: "RecordDecl",
          name: this.expressions.identifier(one(cst.children.Identifier)),
          ...label,
          ...(dated !== undefined
            ? {
                dated: {
                  kind: "DatedBy",
                  start: this.expressions.identifier(one(dated.children.start)),
                  ...(end !== undefined ? { end: this.expressions.identifier(end) } : {}),
                  span: this.span(dated),
                },
              }
            : {}),
          fields: this.fields(one(cst.children.fieldBlock)),
          span,
        };
      }
      case "caseDecl":
        return { kind: "CaseDecl", fields: this.fields(one(cst.children.fieldBlock)), span };
      case "itemDecl":
        return { kind: "ItemDecl", fields: this.fields(one(cst.children.fieldBlock)), span };
      case "codeSetDecl":
        return {
          kind: "CodeSetDecl",
          name: this.expressions.identifier(one(cst.children.Identifier)),
          ...label,
          system: codeSystem(one(cst.children.CodeListOpen).image),
          entries: (cst.children.CodeEntry ?? []).map((entry) =>
            codeEntry(entry, this.positions.tokenSpan(entry)),
          ),
          span,
        };
      case "tableDecl":
        return {
          kind: "TableDecl",
          name: this.expressions.identifier(one(cst.children.name)),
          ...label,
          key: this.expressions.identifier(one(cst.children.key)),
          entries: (cst.children.tableEntry ?? []).map((entry) => {
            const value = this.expressions.literalOrName(one(entry.children.value));
            if (!isTableValue(value)) throw new Error("a table value that is not a literal");
            const member = this.expressions.identifier(one(entry.children.member));
            return { kind: "TableEntry", member, value, span: this.positions.join(member.span, value.span) };
          }),
          span,
        };
      case "letDecl":
        return {
          kind: "LetDecl",
          name: this.expressions.identifier(one(cst.children.Identifier)),
          ...label,
          value: this.expressions.expression(one(cst.children.expression)),
          span,
        };
      case "ruleDecl": {
        const children = cst.children;
        const citation = children.Citation?.[0];
        const when = children.expression?.[0];
        return {
          kind: "RuleDecl",
          id: this.expressions.identifier(one(children.name)),
          title: this.expressions.string(one(children.StringLiteral)),
          ...(citation !== undefined ? { citation: this.citation(citation) } : {}),
          codes: (children.codes ?? []).map((codes) => this.expressions.identifier(codes)),
          ...(when !== undefined ? { when: this.expressions.expression(when) } : {}),
          criteria: (children.criterion ?? []).map((criterion) => this.criterion(criterion)),
          span,
        };
      }
      default:
        throw new Error(`unknown declaration ${(cst as CstNode).name}`);
    }
  }

  /** `extend ...`: the declaration it adds to, marked as an extension. */
  private extension(cst: ExtendDeclCstNode, span: Span): Declaration {
    const children = cst.children;
    const read = children.readDecl?.[0];
    // `extend read ...` spans from `extend`: its keyword is where mistakes about the base are shown.
    if (read !== undefined) return { ...this.read(read, span), extension: true };
    const block = children.fieldBlock?.[0];
    const fields = block === undefined ? [] : this.fields(block);
    if (children.Case !== undefined) return { kind: "CaseDecl", extension: true, fields, span };
    if (children.Item !== undefined) return { kind: "ItemDecl", extension: true, fields, span };
    const name = this.expressions.identifier(one(children.name));
    if (children.Record !== undefined) return { kind: "RecordDecl", extension: true, name, fields, span };
    const members = (children.members ?? []).map((member) => this.expressions.identifier(member));
    return { kind: "EnumDecl", extension: true, name, members, span };
  }

  /** `read TARGET from RESOURCE ["element"] [where "filter"] { fields }`. */
  private read(cst: ReadDeclCstNode, span: Span): ReadDecl {
    const children = cst.children;
    const element = children.element?.[0];
    const filter = children.filter?.[0];
    return {
      kind: "ReadDecl",
      target: this.expressions.identifier(one(children.target)),
      resource: this.expressions.identifier(one(children.resource)),
      ...(element !== undefined ? { element: this.expressions.string(element) } : {}),
      ...(filter !== undefined ? { filter: this.expressions.string(filter) } : {}),
      fields: (children.readField ?? []).map((field): ReadField => {
        const f = field.children;
        const path = f.path?.[0];
        const constant = f.constant?.[0];
        return {
          kind: "ReadField",
          field: this.expressions.identifier(one(f.field)),
          ...(path !== undefined ? { path: this.expressions.string(path) } : {}),
          systems: (f.systems ?? []).map((system) => this.expressions.identifier(system)),
          ...(f.LBrace !== undefined
            ? {
                map: (f.readMapEntry ?? []).map((entry) => {
                  const e = entry.children;
                  const system = e.system?.[0];
                  return {
                    kind: "ReadMapEntry" as const,
                    member: this.expressions.identifier(one(e.member)),
                    ...(system !== undefined ? { system: this.expressions.identifier(system) } : {}),
                    code: this.expressions.string(one(e.code)),
                    span: this.span(entry),
                  };
                }),
              }
            : {}),
          ...(constant !== undefined
            ? {
                constant:
                  constant.tokenType.name === "True" || constant.tokenType.name === "False"
                    ? { kind: "BooleanLiteral" as const, value: constant.tokenType.name === "True", span: this.positions.tokenSpan(constant) }
                    : this.expressions.identifier(constant),
              }
            : {}),
          span: this.span(field),
        };
      }),
      span,
    };
  }

  /** The label of a declaration that may have one: its string literal. */
  private optionalLabel(cst: DeclarationCstNode) {
    if (cst.name === "readDecl") return {};
    const label = "StringLiteral" in cst.children ? cst.children.StringLiteral?.[0] : undefined;
    return label !== undefined ? { label: this.expressions.string(label) } : {};
  }

  private citation(citation: IToken) {
    return {
      kind: "Citation" as const,
      text: citationText(citation.image),
      span: this.positions.tokenSpan(citation),
    };
  }

  private fields(block: FieldBlockCstNode): FieldDecl[] {
    return (block.children.field ?? []).map((field) => {
      const children = field.children;
      const label = children.label?.[0] ?? children.trailingLabel?.[0];
      const computed = children.expression?.[0];
      return {
        kind: "FieldDecl",
        name: this.expressions.identifier(one(children.Identifier)),
        type: this.typeRef(one(children.typeRef)),
        ...(label !== undefined ? { label: this.expressions.string(label) } : {}),
        ...(computed !== undefined ? { computed: this.expressions.expression(computed) } : {}),
        span: this.span(field),
      };
    });
  }

  private typeRef(cst: TypeRefCstNode): TypeRef {
    const children = cst.children;
    return {
      kind: "TypeRef",
      name: this.expressions.identifier(children.Percent?.[0] ?? one(children.Identifier)),
      list: children.List !== undefined,
      span: this.span(cst),
    };
  }

  private criterion(cst: CriterionCstNode): Criterion {
    const effect = one(cst.children.effect);
    const head = one(cst.children.criterionHead).children;
    const citation = head.Citation?.[0];
    const description = head.StringLiteral?.[0];
    const condition = cst.children.expression?.[0];
    return {
      kind: "Criterion",
      effect: effectOf(effect.image),
      effectSpan: this.positions.tokenSpan(effect),
      id: this.expressions.identifier(one(head.Identifier)),
      ...(citation !== undefined ? { citation: this.citation(citation) } : {}),
      ...(description !== undefined ? { description: this.expressions.string(description) } : {}),
      ...(condition !== undefined ? { condition: this.expressions.expression(condition) } : {}),
      ...(cst.children.waived !== undefined
        ? { waives: cst.children.waived.map((id) => this.expressions.identifier(id)) }
        : {}),
      span: this.span(cst),
    };
  }
}

/** Whether the parser's error recovery made up part of `node`: a token it inserted, or a node it
 *  re-synchronised. */
function recoveredIn(node: CstNode): boolean {
  if (node.recoveredNode === true) return true;
  for (const elements of Object.values(node.children)) {
    for (const element of elements) {
      if ("image" in element ? element.isInsertedInRecovery === true : recoveredIn(element)) return true;
    }
  }
  return false;
}

function isTableValue(value: Expression): value is TableEntry["value"] {
  return ["NumberLiteral", "PercentLiteral", "DurationLiteral", "StringLiteral", "BooleanLiteral"].includes(value.kind);
}
