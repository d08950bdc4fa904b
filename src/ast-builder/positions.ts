// Source positions: chevrotain reports 0-based offsets; the AST wants 1-based lines and columns
// (UTF-16 code units) and exclusive ends. One table of line starts converts between them.

import type { IToken } from "chevrotain";
import type { Position, Span } from "../ast.js";

export class SourcePositions {
  /** Offset of the first character of each line; lines end at `\n` (so `\r\n` works too). */
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly fileName: string,
    readonly source: string,
  ) {
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.source.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { offset: clamped, line: low + 1, column: clamped - this.lineStarts[low]! + 1 };
  }

  /** `end` is exclusive. */
  span(start: number, end: number): Span {
    return { file: this.fileName, start: this.position(start), end: this.position(end) };
  }

  tokenSpan(token: IToken): Span {
    return this.span(token.startOffset, token.startOffset + token.image.length);
  }

  /** From the start of `first` to the end of `last`. */
  join(first: Span, last: Span): Span {
    return { file: this.fileName, start: first.start, end: last.end };
  }
}
