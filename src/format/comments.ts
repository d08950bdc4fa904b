// Comment placement for the formatter. pol comments run from `#` to the end of the line, so each
// one is either *own-line* (nothing but blanks before it on its line) or *trailing* (after code on
// the same line). The printer walks the AST in source order and offers "slots": before a
// construct it takes every pending comment that starts earlier (printed on their own lines);
// after a construct it takes the comment trailing its last line. Anything a construct leaves
// behind (a comment in a spot with no slot, like between `count` and its list) is printed after
// that construct, so no comment is ever dropped and the order never changes.

import { doc, type Doc } from "prettier";
import type { Comment } from "../ast.js";

const { breakParent, hardline, lineSuffix } = doc.builders;

/** Characters that may sit between a construct's end and a comment still counted as trailing it. */
const TRAILING_GAP = /^[ \t),]*$/;

export class CommentQueue {
  private pending: Comment[];

  constructor(
    comments: readonly Comment[],
    private readonly source: string,
  ) {
    this.pending = [...comments].sort((a, b) => a.span.start.offset - b.span.start.offset);
  }

  get isEmpty(): boolean {
    return this.pending.length === 0;
  }

  /** Whether any pending comment starts before `offset`. */
  hasBefore(offset: number): boolean {
    return this.pending.length > 0 && this.pending[0]!.span.start.offset < offset;
  }

  /** Offset of the first pending comment before `offset`, else `offset` itself. */
  firstStart(offset: number): number {
    return this.hasBefore(offset) ? this.pending[0]!.span.start.offset : offset;
  }

  /** Take every pending comment that starts before `offset`. */
  takeBefore(offset: number): Comment[] {
    let count = 0;
    while (count < this.pending.length && this.pending[count]!.span.start.offset < offset) count++;
    return this.pending.splice(0, count);
  }

  /** Take the pending comments before `offset` that are indented, up to the first one that is not. */
  takeIndentedBefore(offset: number): Comment[] {
    let count = 0;
    while (
      count < this.pending.length &&
      this.pending[count]!.span.start.offset < offset &&
      this.pending[count]!.span.start.column > 1
    ) {
      count++;
    }
    return this.pending.splice(0, count);
  }

  /**
   * Take the comment that trails a construct ending at `end`: on the same line, with only blanks,
   * closing parentheses, commas (or the characters in `alsoAllowed`, such as an opening `{`) in
   * between. Taken out of order on purpose: the outermost construct ending on a line claims it
   * before its parts are printed, so it lands after every closing parenthesis.
   */
  takeTrailing(end: number, alsoAllowed = ""): Comment | undefined {
    const index = this.pending.findIndex((comment) => comment.span.start.offset >= end);
    if (index < 0) return undefined;
    const comment = this.pending[index]!;
    const gap = this.source.slice(end, comment.span.start.offset);
    const rest = alsoAllowed === "" ? gap : gap.split("").filter((c) => !alsoAllowed.includes(c)).join("");
    if (!TRAILING_GAP.test(rest)) return undefined;
    this.pending.splice(index, 1);
    return comment;
  }

  /** Whether the source has an empty line just before `offset` (ignoring the blanks before it). */
  blankLineBefore(offset: number): boolean {
    let newlines = 0;
    for (let i = offset - 1; i >= 0; i--) {
      const c = this.source[i]!;
      if (c === "\n") newlines++;
      else if (c !== " " && c !== "\t" && c !== "\r") break;
    }
    return newlines >= 2;
  }

  /**
   * Own-line comments before a construct starting at `offset`, each followed by a line break.
   * With `keepBlankLines`, an empty line between two of them, or between the last one and the
   * construct, is kept (several collapse to one).
   */
  leading(offset: number, keepBlankLines: boolean): Doc[] {
    const taken = this.takeBefore(offset);
    const parts: Doc[] = [];
    taken.forEach((comment, index) => {
      if (index > 0 && keepBlankLines && this.blankLineBefore(comment.span.start.offset)) parts.push(hardline);
      parts.push(commentText(comment), hardline);
    });
    if (taken.length > 0 && keepBlankLines && this.blankLineBefore(offset)) parts.push(hardline);
    return parts;
  }
}

export function commentText(comment: Comment): string {
  return `#${comment.text.trimEnd()}`;
}

/**
 * Comments printed after a construct: the first on the construct's last line, any others on the
 * lines below it. Forces the enclosing groups to break, so code never follows a comment.
 */
export function trailingComments(comments: readonly (Comment | undefined)[]): Doc {
  const present = comments.filter((comment): comment is Comment => comment !== undefined);
  if (present.length === 0) return "";
  const [first, ...rest] = present;
  return [lineSuffix([" ", commentText(first!), ...rest.flatMap((c) => [hardline, commentText(c)])]), breakParent];
}

/** A construct with its comments: the leading ones above it, its own trailing one after it. */
export function withComments(
  comments: CommentQueue,
  range: { start: number; end: number },
  options: { keepBlankLines: boolean; trailingAlsoAllowed?: string },
  print: () => Doc,
): { leading: Doc[]; body: Doc; hasTrailing: boolean } {
  const leading = comments.leading(range.start, options.keepBlankLines);
  const trailing = comments.takeTrailing(range.end, options.trailingAlsoAllowed);
  const printed = print();
  const after = [...comments.takeBefore(range.end), ...(trailing ? [trailing] : [])];
  return { leading, body: [printed, trailingComments(after)], hasTrailing: after.length > 0 };
}
