// Declarations -> prettier Doc, in the house style of policies/: header fields, rule bodies and
// record fields indented two spaces; a criterion's condition on the line below its head, two
// spaces further in; an empty line around every rule and between criteria; elsewhere the
// author's empty lines are kept (several collapse to one).

import { EFFECT_KEYWORDS } from "@pol/runtime";
import { doc, util, type Doc } from "prettier";
import type {
  CodeSetDecl,
  Criterion,
  EnumDecl,
  FhirHeader,
  ReadDecl,
  ReadField,
  FieldDecl,
  LetDecl,
  PolicyHeader,
  RecordDecl,
  CaseDecl,
  ItemDecl,
  RuleDecl,
  SchemaHeader,
  SourceFile,
  Span,
  TableDecl,
  TableEntry,
  UseDecl,
  Declaration,
} from "../../index.js";
import { commentText, trailingComment, withComments, type CommentQueue } from "./comments.js";
import { ExpressionPrinter, quote } from "./expressions.js";

const { fill, group, hardline, indent, join, line } = doc.builders;

type TopLevel = PolicyHeader | SchemaHeader | FhirHeader | UseDecl | Declaration;

export class DeclarationPrinter {
  private readonly expressions: ExpressionPrinter;

  constructor(
    private readonly comments: CommentQueue,
    private readonly source: string,
    private readonly printWidth: number,
  ) {
    this.expressions = new ExpressionPrinter(comments);
  }

  file(file: SourceFile): Doc {
    const items: TopLevel[] = [file.header, ...file.uses, ...file.declarations];
    const parts: Doc[] = [];
    items.forEach((item, index) => {
      if (index > 0) {
        const previous = items[index - 1]!;
        const firstStart = this.comments.firstStart(item.span.start.offset);
        const blank = category(previous) !== category(item) || this.comments.blankLineBefore(firstStart);
        parts.push(blank ? [hardline, hardline] : hardline);
      }
      const { leading, body } = withComments(this.comments, range(item.span), { keepBlankLines: true }, () =>
        this.topLevel(item),
      );
      parts.push(...leading, body);
      if (item.kind === "RuleDecl") {
        const next = items[index + 1];
        parts.push(indent(this.indentedComments(next === undefined ? Infinity : next.span.start.offset)));
      }
    });
    for (const comment of this.comments.takeBefore(Infinity)) {
      parts.push(this.comments.blankLineBefore(comment.span.start.offset) ? [hardline, hardline] : hardline);
      parts.push(commentText(comment));
    }
    return [parts, hardline];
  }

  private topLevel(item: TopLevel): Doc {
    switch (item.kind) {
      case "PolicyHeader":
        return this.policyHeader(item);
      case "SchemaHeader":
        return ["schema ", item.name.name, item.title ? [" ", quote(item.title)] : ""];
      case "FhirHeader":
        // The base goes on its own line, as a policy's header fields do.
        return ["fhir ", item.name.name, item.title ? [" ", quote(item.title)] : "", item.base ? indent([hardline, "extends ", quote(item.base)]) : ""];
      case "UseDecl":
        return ["use ", quote(item.path)];
      case "EnumDecl":
        return this.enumDecl(item);
      case "RecordDecl":
      case "CaseDecl":
      case "ItemDecl":
        return this.recordLike(item);
      case "CodeSetDecl":
        return this.codeSet(item);
      case "TableDecl":
        return this.tableDecl(item);
      case "LetDecl":
        return this.letDecl(item);
      case "RuleDecl":
        return this.rule(item);
      case "ReadDecl":
        return this.readDecl(item);
    }
  }

  /** `read TARGET from RESOURCE ["element"] [where "filter"] { ... }`, a field binding a line. */
  private readDecl(decl: ReadDecl): Doc {
    const header = [
      decl.extension ? "extend read " : "read ",
      decl.target.name,
      " from ",
      decl.resource.name,
      decl.element ? [" ", quote(decl.element)] : "",
      decl.filter ? group(indent([line, "where ", quote(decl.filter)])) : "",
    ];
    const headerEnd = (decl.filter ?? decl.element ?? decl.resource).span.end.offset;
    return this.block(header, headerEnd, decl.span.end.offset, decl.fields, (field) => this.readField(field));
  }

  private readField(field: ReadField): Doc {
    const name = field.field.name;
    if (field.constant) {
      return [name, " = ", field.constant.kind === "BooleanLiteral" ? String(field.constant.value) : field.constant.name];
    }
    if (!field.path) return name;
    const systems = field.systems.length > 0 ? [" in ", field.systems.map((system) => system.name).join(", ")] : "";
    const map = field.map
      ? [
          " {",
          indent(
            field.map.map((entry) => [
              hardline,
              entry.member.name,
              " = ",
              entry.system ? [entry.system.name, " "] : "",
              quote(entry.code),
            ]),
          ),
          hardline,
          "}",
        ]
      : "";
    return [name, ": ", quote(field.path), systems, map];
  }

  private policyHeader(header: PolicyHeader): Doc {
    const idEnd = header.id[header.id.length - 1]!.span.end.offset;
    const trailing = this.comments.settle(this.comments.takeTrailing(idEnd));
    const fields = header.fields.map((field) => {
      const separator = this.separator(field.keySpan.start.offset);
      const { leading, body } = withComments(
        this.comments,
        { start: field.keySpan.start.offset, end: field.value.span.end.offset },
        { keepBlankLines: true },
        () => [
          field.key,
          " ",
          field.value.kind === "StringLiteral"
            ? quote(field.value)
            : field.value.kind === "Identifier"
              ? field.value.name
              : field.value.value,
        ],
      );
      return [separator, ...leading, body];
    });
    return [
      "policy ",
      header.id.map((part) => part.name).join("."),
      trailingComment(trailing),
      indent(fields),
    ];
  }

  /** A line break before an item of a block, keeping one empty line where the author had one. */
  private separator(start: number): Doc {
    return this.comments.blankLineBefore(this.comments.firstStart(start)) ? [hardline, hardline] : hardline;
  }

  /** Own-line comments before `end`, at the current indentation (the end of a block). */
  private danglingComments(end: number): Doc[] {
    return this.comments
      .takeBefore(end)
      .flatMap((comment) => [this.separator(comment.span.start.offset), commentText(comment)]);
  }

  /** Indented comments after a rule's last criterion: they stay with the rule. */
  private indentedComments(nextStart: number): Doc[] {
    return this.comments
      .takeIndentedBefore(nextStart)
      .flatMap((comment) => [this.separator(comment.span.start.offset), commentText(comment)]);
  }

  private enumDecl(decl: EnumDecl): Doc {
    let headerEnd = (decl.label ?? decl.name).span.end.offset;
    // `ordered` has no node of its own: a comment after it trails the header too.
    if (decl.ordered) {
      const at = this.source.slice(headerEnd).search(/\bordered\b/);
      if (at >= 0) headerEnd += at + "ordered".length;
    }
    const openTrailing = this.comments.settle(this.comments.takeTrailing(headerEnd, "{"));
    const members = decl.members.map((member) => {
      const { leading, body } = withComments(
        this.comments,
        range(member.span),
        { keepBlankLines: false },
        () => member.name,
      );
      return [...leading, body];
    });
    const dangling = this.danglingComments(decl.span.end.offset);
    return group([
      decl.extension ? "extend enum " : "enum ",
      decl.name.name,
      decl.label ? [" ", quote(decl.label)] : "",
      decl.ordered ? " ordered" : "",
      " {",
      trailingComment(openTrailing),
      indent([line, join(line, members), ...dangling]),
      line,
      "}",
    ]);
  }

  /** A table: its header, then one `member value` entry per line. */
  private tableDecl(decl: TableDecl): Doc {
    const headerEnd = decl.key.span.end.offset;
    const openTrailing = this.comments.settle(this.comments.takeTrailing(headerEnd, "{"));
    const entries = decl.entries.map((entry) => {
      const { leading, body } = withComments(this.comments, range(entry.span), { keepBlankLines: false }, () => [
        entry.member.name,
        " ",
        tableValue(entry),
      ]);
      return [...leading, body];
    });
    const dangling = this.danglingComments(decl.span.end.offset);
    return [
      "table ",
      decl.name.name,
      decl.label ? [" ", quote(decl.label)] : "",
      " by ",
      decl.key.name,
      " {",
      trailingComment(openTrailing),
      indent([hardline, join(hardline, entries), ...dangling]),
      hardline,
      "}",
    ];
  }

  private recordLike(decl: RecordDecl | CaseDecl | ItemDecl): Doc {
    let header: Doc;
    let headerEnd: number;
    if (decl.kind === "RecordDecl") {
      const dated = decl.dated
        ? [" dated by ", decl.dated.start.name, decl.dated.end ? [" to ", decl.dated.end.name] : ""]
        : "";
      header = [decl.extension ? "extend record " : "record ", decl.name.name, decl.label ? [" ", quote(decl.label)] : "", dated];
      headerEnd = (decl.dated ?? decl.label ?? decl.name).span.end.offset;
    } else {
      const word = decl.kind === "CaseDecl" ? "case" : "item";
      header = decl.extension ? `extend ${word}` : word;
      // The end of the keyword(s), where a comment after the opening brace is looked for.
      headerEnd = decl.extension
        ? decl.span.start.offset + this.source.slice(decl.span.start.offset).search(new RegExp(`\\b${word}\\b`)) + word.length
        : decl.span.start.offset + word.length;
    }
    return this.block(header, headerEnd, decl.span.end.offset, decl.fields, (field) => this.field(field));
  }

  /** `header { ... }`, an item a line, with the comments after the brace and before the end. */
  private block<T extends { span: Span }>(header: Doc, headerEnd: number, end: number, items: readonly T[], print: (item: T) => Doc): Doc {
    const openTrailing = this.comments.settle(this.comments.takeTrailing(headerEnd, "{"));
    if (items.length === 0 && openTrailing === undefined && !this.comments.hasBefore(end)) return [header, " {}"];
    const lines = items.map((item, index) => {
      const separator = index === 0 ? hardline : this.separator(item.span.start.offset);
      const { leading, body } = withComments(this.comments, range(item.span), { keepBlankLines: true }, () => print(item));
      return [separator, ...leading, body];
    });
    const dangling = this.danglingComments(end);
    return [header, " {", trailingComment(openTrailing), indent([lines, ...dangling]), hardline, "}"];
  }

  private field(field: FieldDecl): Doc {
    const type = field.type.list ? ["list of ", field.type.name.name] : field.type.name.name;
    return group([
      field.name.name,
      ": ",
      type,
      field.computed ? [" = ", this.expressions.print(field.computed)] : "",
      field.label ? indent([line, quote(field.label)]) : "",
    ]);
  }

  /**
   * On one line when it fits; else the list alone on the next line; else one line per line of the
   * source list (the author's grouping of codes), each wrapped at the print width.
   */
  private codeSet(decl: CodeSetDecl): Doc {
    const head = `codes ${decl.name.name}${decl.label ? ` ${quote(decl.label)}` : ""} =`;
    const texts = decl.entries.map((entry) =>
      this.source.slice(entry.span.start.offset, entry.span.end.offset).toUpperCase(),
    );
    const flatList = texts.length === 0 ? `${decl.system} {}` : `${decl.system} { ${texts.join(" ")} }`;
    if (!this.comments.hasBefore(decl.span.end.offset)) {
      if (util.getStringWidth(`${head} ${flatList}`) <= this.printWidth) return `${head} ${flatList}`;
      if (2 + util.getStringWidth(flatList) <= this.printWidth) return [head, indent([hardline, flatList])];
    }
    const lines: Doc[] = [];
    for (const entries of groupByLine(
      decl.entries.map((entry, index) => ({ span: entry.span, text: texts[index]! })),
    )) {
      const first = entries[0]!.span;
      const last = entries[entries.length - 1]!.span;
      const separator = lines.length === 0 ? hardline : this.separator(first.start.offset);
      const { leading, body } = withComments(
        this.comments,
        { start: first.start.offset, end: last.end.offset },
        { keepBlankLines: true },
        () =>
          fill(
            join(
              line,
              entries.map((entry) => entry.text),
            ),
          ),
      );
      lines.push(separator, ...leading, body);
    }
    const dangling = this.danglingComments(decl.span.end.offset);
    return [head, " ", decl.system, " {", indent([...lines, ...dangling]), hardline, "}"];
  }

  private letDecl(decl: LetDecl): Doc {
    const head = ["let ", decl.name.name, decl.label ? [" ", quote(decl.label)] : "", " ="];
    const leading = this.comments.leading(decl.value.span.start.offset, false);
    const value = this.expressions.print(decl.value);
    if (leading.length > 0) return [head, indent([hardline, ...leading, value])];
    return group([head, indent([line, value])]);
  }

  private rule(decl: RuleDecl): Doc {
    const headEnd = (decl.citation ?? decl.title).span.end.offset;
    const headTrailing = this.comments.settle(this.comments.takeTrailing(headEnd));
    const firstCodes = decl.codes[0]!;
    const forEnd = (decl.when ?? decl.codes[decl.codes.length - 1]!).span.end.offset;
    const forLine = withComments(
      this.comments,
      { start: this.comments.keywordBefore(firstCodes.span.start.offset, "for"), end: forEnd },
      { keepBlankLines: true },
      () => [
        "for ",
        decl.codes.map((codes) => codes.name).join(", "),
        decl.when ? [" when ", this.expressions.print(decl.when)] : "",
      ],
    );
    const criteria = decl.criteria.map((criterion) => {
      const { leading, body } = withComments(
        this.comments,
        { start: criterion.effectSpan.start.offset, end: criterion.span.end.offset },
        { keepBlankLines: true },
        () => this.criterion(criterion),
      );
      return [hardline, hardline, ...leading, body];
    });
    return [
      "rule ",
      decl.id.name,
      " ",
      quote(decl.title),
      decl.citation ? ` [${decl.citation.text}]` : "",
      trailingComment(headTrailing),
      indent([hardline, ...forLine.leading, forLine.body, ...criteria]),
    ];
  }

  private criterion(criterion: Criterion): Doc {
    const headEnd = (criterion.description ?? criterion.citation ?? criterion.id).span.end.offset;
    const headTrailing = this.comments.settle(this.comments.takeTrailing(headEnd));
    const head = [
      EFFECT_KEYWORDS[criterion.effect],
      " ",
      criterion.id.name,
      criterion.citation ? ` [${criterion.citation.text}]` : "",
      criterion.description ? [" ", quote(criterion.description)] : "",
      trailingComment(headTrailing),
    ];
    const condition = criterion.condition;
    if (condition === undefined) return head;
    const leading = this.comments.leading(condition.span.start.offset, false);
    let printed = this.expressions.print(condition);
    // Without a description, a condition starting with a string would be read as the description.
    if (criterion.description === undefined && this.expressions.startsWithString(condition)) {
      printed = ["(", printed, ")"];
    }
    const keyword = criterion.effect === "require" ? "" : "when ";
    // A waiver names the criteria it waives before its condition: `for A1, A2 when ...`.
    const waived = criterion.waives ? `for ${criterion.waives.map((id) => id.name).join(", ")} ` : "";
    return [head, indent([hardline, ...leading, waived, keyword, printed])];
  }
}

function range(span: Span): { start: number; end: number } {
  return { start: span.start.offset, end: span.end.offset };
}

/** Header, uses and declarations are set apart by an empty line; so is every rule. */
function category(item: TopLevel): string {
  switch (item.kind) {
    case "PolicyHeader":
    case "SchemaHeader":
    case "FhirHeader":
      return "header";
    case "UseDecl":
      return "use";
    case "RuleDecl":
      return `rule@${item.span.start.offset}`;
    default:
      return "declaration";
  }
}

/** Consecutive entries that share a source line. */
function groupByLine<T extends { span: Span }>(entries: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const entry of entries) {
    const current = groups[groups.length - 1];
    if (current !== undefined && current[current.length - 1]!.span.end.line === entry.span.start.line)
      current.push(entry);
    else groups.push([entry]);
  }
  return groups;
}

function tableValue(entry: TableEntry): string {
  const value = entry.value;
  switch (value.kind) {
    case "DurationLiteral":
      return `${value.amount}${value.unit}`;
    case "StringLiteral":
      return quote(value);
    case "BooleanLiteral":
      return value.value ? "true" : "false";
    default:
      return value.text;
  }
}
