// Source positions: chevrotain reports 0-based offsets; the AST wants 1-based lines and columns
// (UTF-16 code units) and exclusive ends. One table of line starts converts between them.

import type { IToken } from "chevrotain";
import type { Position, Span } from "../ast.js";

export class SourcePositions {
  /** Offset of the first character of each line; lines end at `\n`, `\r\n` or a lone `\r`. */
  private readonly lineStarts: number[] = [0];
  /** The line index of the last lookup: the builder asks in source order, so it is usually
   *  the answer again, which saves the binary search. */
  private lastLine = 0;

  constructor(
    readonly fileName: string,
    readonly source: string,
  ) {
    if (!source.includes("\r")) {
      for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
    } else {
      // Old Mac line endings (a lone `\r`) end lines too, as they do in editors.
      for (let i = 0; i < source.length; i++) {
        const c = source.charCodeAt(i);
        if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.source.length));
    const line = this.lineOf(clamped);
    return { offset: clamped, line: line + 1, column: clamped - this.lineStarts[line]! + 1 };
  }

  /** 0-based index of the line holding `offset` (already clamped). */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    const hint = this.lastLine;
    if (starts[hint]! <= offset && (hint + 1 === starts.length || starts[hint + 1]! > offset)) return hint;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    this.lastLine = low;
    return low;
  }

  /** `end` is exclusive. */
  span(start: number, end: number): Span {
    return { file: this.fileName, start: this.position(start), end: this.position(end) };
  }

  tokenSpan(token: IToken): Span {
    return this.span(token.startOffset, token.startOffset + token.image.length);
  }

  /** From offset `start` to the end of `last`. */
  spanFrom(start: number, last: Span): Span {
    return { file: this.fileName, start: this.position(start), end: last.end };
  }

  /** From the start of `first` to the end of `last`. */
  join(first: Span, last: Span): Span {
    return { file: this.fileName, start: first.start, end: last.end };
  }
}
