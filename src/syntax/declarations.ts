// CST -> AST for files, headers and declarations.

import type { CstNode, IToken } from "chevrotain";
import type {
  Comment,
  Criterion,
  CriterionEffect,
  Declaration,
  FieldDecl,
  HeaderField,
  HeaderKey,
  PolicyHeader,
  SchemaHeader,
  SourceFile,
  TypeRef,
  UseDecl,
} from "../ast.js";
import type {
  CaseDeclCstNode,
  CodeSetDeclCstNode,
  CriterionCstNode,
  EnumDeclCstNode,
  FieldBlockCstNode,
  FileCstNode,
  HeaderFieldCstNode,
  ItemDeclCstNode,
  LetDeclCstNode,
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
  | LetDeclCstNode
  | RuleDeclCstNode;

const effects: Record<string, CriterionEffect> = {
  require: "require",
  deny: "deny",
  bundle: "bundle",
  note: "note",
};

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
    return {
      kind: "SourceFile",
      header:
        schema !== undefined
          ? this.schemaHeader(schema)
          : this.policyHeader(one(cst.children.policyHeader)),
      uses,
      declarations,
      comments: comments.map((comment) => this.comment(comment)),
      span: this.positions.span(0, this.positions.source.length),
    };
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
    return {
      kind: "HeaderField",
      key: key.image as HeaderKey,
      keySpan: this.positions.tokenSpan(key),
      value:
        date !== undefined
          ? { kind: "DateLiteral", value: date.image, span: this.positions.tokenSpan(date) }
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

  /** The label of a declaration that may have one: its string literal. */
  private optionalLabel(cst: DeclarationCstNode) {
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
      effect: effects[effect.image] ?? "not_covered",
      effectSpan: this.positions.tokenSpan(effect),
      id: this.expressions.identifier(one(head.Identifier)),
      ...(citation !== undefined ? { citation: this.citation(citation) } : {}),
      ...(description !== undefined ? { description: this.expressions.string(description) } : {}),
      ...(condition !== undefined ? { condition: this.expressions.expression(condition) } : {}),
      span: this.span(cst),
    };
  }
}
