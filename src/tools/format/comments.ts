// Comment placement for the formatter. pol comments run from `#` to the end of the line, so each
// one is either *own-line* (nothing but blanks before it on its line) or *trailing* (after code on
// the same line). The printer walks the AST in source order and offers "slots": before a
// construct it takes every pending comment that starts earlier (printed on their own lines);
// after a construct it takes the comment trailing its last line. A comment in a spot with no slot
// (between `count` and its list, say) waits for the next slot, so no comment is ever dropped and
// the order never changes.

import { doc, type Doc } from "prettier";
import type { Comment } from "../../index.js";

const { breakParent, hardline, lineSuffix } = doc.builders;

/** Characters that may sit between a construct's end and a comment still counted as trailing it. */
const TRAILING_GAP = /^[ \t),]*$/;

export class CommentQueue {
  private pending: Comment[];
  /** Start offset of each comment by its end offset. */
  private readonly startByEnd = new Map<number, number>();

  constructor(
    comments: readonly Comment[],
    private readonly source: string,
  ) {
    this.pending = [...comments].sort((a, b) => a.span.start.offset - b.span.start.offset);
    for (const comment of comments) this.startByEnd.set(comment.span.end.offset, comment.span.start.offset);
  }

  /** Where `keyword` starts when it is the last token before `offset` (else `offset`). */
  keywordBefore(offset: number, keyword: string): number {
    let i = offset;
    for (;;) {
      while (i > 0 && /\s/.test(this.source[i - 1]!)) i--;
      const commentStart = this.startByEnd.get(i);
      if (commentStart === undefined) break;
      i = commentStart;
    }
    return this.source.slice(i - keyword.length, i) === keyword ? i - keyword.length : offset;
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
    const rest =
      alsoAllowed === ""
        ? gap
        : gap
            .split("")
            .filter((c) => !alsoAllowed.includes(c))
            .join("");
    if (!TRAILING_GAP.test(rest)) return undefined;
    this.pending.splice(index, 1);
    return comment;
  }

  /**
   * Keep a claimed trailing comment only when no comment before it is still waiting (one from a
   * spot inside the construct that nothing had a place for); else give it back, so it is printed
   * after those, on its own line, by the next construct.
   */
  settle(trailing: Comment | undefined): Comment | undefined {
    if (trailing === undefined || !this.hasBefore(trailing.span.start.offset)) return trailing;
    const index = this.pending.findIndex((comment) => comment.span.start.offset > trailing.span.start.offset);
    this.pending.splice(index < 0 ? this.pending.length : index, 0, trailing);
    return undefined;
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
      if (index > 0 && keepBlankLines && this.blankLineBefore(comment.span.start.offset))
        parts.push(hardline);
      parts.push(commentText(comment), hardline);
    });
    if (taken.length > 0 && keepBlankLines && this.blankLineBefore(offset)) parts.push(hardline);
    return parts;
  }
}

export function commentText(comment: Comment): string {
  return `#${comment.text.trimEnd()}`;
}

/** A comment printed after a construct, on its last line. Forces the enclosing groups to break. */
export function trailingComment(comment: Comment | undefined): Doc {
  return comment === undefined ? "" : [lineSuffix([" ", commentText(comment)]), breakParent];
}

/**
 * A construct with its comments: the own-line ones before it and the one trailing its last line.
 * A comment from a spot inside it with no place of its own (between `count` and its list, say)
 * stays pending for the next construct, which prints it on its own line above itself.
 */
export function withComments(
  comments: CommentQueue,
  range: { start: number; end: number },
  options: { keepBlankLines: boolean },
  print: () => Doc,
): { leading: Doc[]; body: Doc; hasTrailing: boolean } {
  const leading = comments.leading(range.start, options.keepBlankLines);
  const trailing = comments.takeTrailing(range.end);
  const printed = print();
  const settled = comments.settle(trailing);
  return { leading, body: [printed, trailingComment(settled)], hasTrailing: settled !== undefined };
}
