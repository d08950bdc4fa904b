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
import { node, nodes, onlyChild, optionalNode, optionalToken, token, tokens } from "./cst.js";
import { ExpressionBuilder } from "./expressions.js";
import { citationText, codeEntry, codeSystem } from "./literals.js";
import type { SourcePositions } from "./positions.js";

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
  file(cst: CstNode, comments: readonly IToken[]): SourceFile {
    const uses: UseDecl[] = [];
    const declarations: Declaration[] = [];
    for (const item of nodes(cst, "topLevel")) {
      const use = optionalNode(item, "useDecl");
      if (use !== undefined) uses.push(this.use(use));
      else declarations.push(this.declaration(onlyChild(node(item, "declaration"))));
    }
    const schema = optionalNode(cst, "schemaHeader");
    return {
      kind: "SourceFile",
      header:
        schema !== undefined
          ? this.schemaHeader(schema)
          : this.policyHeader(node(cst, "policyHeader")),
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

  private schemaHeader(cst: CstNode): SchemaHeader {
    const title = optionalToken(cst, "StringLiteral");
    return {
      kind: "SchemaHeader",
      name: this.expressions.identifier(token(cst, "Identifier")),
      ...(title !== undefined ? { title: this.expressions.string(title) } : {}),
      span: this.span(cst),
    };
  }

  private policyHeader(cst: CstNode): PolicyHeader {
    return {
      kind: "PolicyHeader",
      id: tokens(cst, "Identifier").map((part) => this.expressions.identifier(part)),
      fields: nodes(cst, "headerField").map((field) => this.headerField(field)),
      span: this.span(cst),
    };
  }

  private headerField(cst: CstNode): HeaderField {
    const key = token(cst, "Identifier");
    const date = optionalToken(cst, "DateLiteral");
    return {
      kind: "HeaderField",
      key: key.image as HeaderKey,
      keySpan: this.positions.tokenSpan(key),
      value:
        date !== undefined
          ? { kind: "DateLiteral", value: date.image, span: this.positions.tokenSpan(date) }
          : this.expressions.string(token(cst, "StringLiteral")),
      span: this.span(cst),
    };
  }

  private use(cst: CstNode): UseDecl {
    return {
      kind: "UseDecl",
      path: this.expressions.string(token(cst, "StringLiteral")),
      span: this.span(cst),
    };
  }

  private declaration(cst: CstNode): Declaration {
    const span = this.span(cst);
    const label = this.optionalLabel(cst);
    switch (cst.name) {
      case "enumDecl":
        return {
          kind: "EnumDecl",
          name: this.expressions.identifier(token(cst, "name")),
          ...label,
          members: tokens(cst, "members").map((member) => this.expressions.identifier(member)),
          span,
        };
      case "recordDecl": {
        const dated = optionalNode(cst, "datedBy");
        const end = dated !== undefined ? optionalToken(dated, "end") : undefined;
        return {
          kind: "RecordDecl",
          name: this.expressions.identifier(token(cst, "Identifier")),
          ...label,
          ...(dated !== undefined
            ? {
                dated: {
                  kind: "DatedBy",
                  start: this.expressions.identifier(token(dated, "start")),
                  ...(end !== undefined ? { end: this.expressions.identifier(end) } : {}),
                  span: this.span(dated),
                },
              }
            : {}),
          fields: this.fields(node(cst, "fieldBlock")),
          span,
        };
      }
      case "caseDecl":
        return { kind: "CaseDecl", fields: this.fields(node(cst, "fieldBlock")), span };
      case "itemDecl":
        return { kind: "ItemDecl", fields: this.fields(node(cst, "fieldBlock")), span };
      case "codeSetDecl":
        return {
          kind: "CodeSetDecl",
          name: this.expressions.identifier(token(cst, "Identifier")),
          ...label,
          system: codeSystem(token(cst, "CodeListOpen").image),
          entries: tokens(cst, "CodeEntry").map((entry) =>
            codeEntry(entry, this.positions.tokenSpan(entry)),
          ),
          span,
        };
      case "letDecl":
        return {
          kind: "LetDecl",
          name: this.expressions.identifier(token(cst, "Identifier")),
          ...label,
          value: this.expressions.expression(node(cst, "expression")),
          span,
        };
      case "ruleDecl": {
        const citation = optionalToken(cst, "Citation");
        const when = optionalNode(cst, "expression");
        return {
          kind: "RuleDecl",
          id: this.expressions.identifier(token(cst, "name")),
          title: this.expressions.string(token(cst, "StringLiteral")),
          ...(citation !== undefined ? { citation: this.citation(citation) } : {}),
          codes: tokens(cst, "codes").map((codes) => this.expressions.identifier(codes)),
          ...(when !== undefined ? { when: this.expressions.expression(when) } : {}),
          criteria: nodes(cst, "criterion").map((criterion) => this.criterion(criterion)),
          span,
        };
      }
      default:
        throw new Error(`unknown declaration ${cst.name}`);
    }
  }

  private optionalLabel(cst: CstNode) {
    const label = optionalToken(cst, "StringLiteral");
    return label !== undefined ? { label: this.expressions.string(label) } : {};
  }

  private citation(citation: IToken) {
    return {
      kind: "Citation" as const,
      text: citationText(citation.image),
      span: this.positions.tokenSpan(citation),
    };
  }

  private fields(block: CstNode): FieldDecl[] {
    return nodes(block, "field").map((field) => {
      const label = optionalToken(field, "label") ?? optionalToken(field, "trailingLabel");
      const computed = optionalNode(field, "expression");
      return {
        kind: "FieldDecl",
        name: this.expressions.identifier(token(field, "Identifier")),
        type: this.typeRef(node(field, "typeRef")),
        ...(label !== undefined ? { label: this.expressions.string(label) } : {}),
        ...(computed !== undefined ? { computed: this.expressions.expression(computed) } : {}),
        span: this.span(field),
      };
    });
  }

  private typeRef(cst: CstNode): TypeRef {
    return {
      kind: "TypeRef",
      name: this.expressions.identifier(optionalToken(cst, "Percent") ?? token(cst, "Identifier")),
      list: optionalToken(cst, "List") !== undefined,
      span: this.span(cst),
    };
  }

  private criterion(cst: CstNode): Criterion {
    const effect = token(cst, "effect");
    const head = node(cst, "criterionHead");
    const citation = optionalToken(head, "Citation");
    const description = optionalToken(head, "StringLiteral");
    const condition = optionalNode(cst, "expression");
    return {
      kind: "Criterion",
      effect: effects[effect.image] ?? "not_covered",
      effectSpan: this.positions.tokenSpan(effect),
      id: this.expressions.identifier(token(head, "Identifier")),
      ...(citation !== undefined ? { citation: this.citation(citation) } : {}),
      ...(description !== undefined ? { description: this.expressions.string(description) } : {}),
      ...(condition !== undefined ? { condition: this.expressions.expression(condition) } : {}),
      span: this.span(cst),
    };
  }
}
