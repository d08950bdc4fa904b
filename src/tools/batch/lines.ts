// Splitting an NDJSON stream into numbered lines, chunk by chunk, without holding more than one
// line (at most `maxLineChars`) beyond the chunk being read. A line longer than that is dropped as
// it arrives and reported by number, so one runaway line cannot exhaust memory.

import { StringDecoder } from "node:string_decoder";

/** A line of input: its 1-based number and text (without `\n` or `\r\n`), or why it was dropped. */
export type Line = { number: number; text: string } | { number: number; tooLong: true };

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private skipping = false;
  private count = 0;

  constructor(private readonly maxLineChars: number) {}

  /** The lines a chunk completes. */
  push(chunk: Buffer | string): Line[] {
    const text = this.partial + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
    const lines: Line[] = [];
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      lines.push(this.line(text.slice(start, newline)));
      start = newline + 1;
    }
    this.partial = text.slice(start);
    if (this.partial.length > this.maxLineChars) {
      this.skipping = true;
      this.partial = "";
    }
    return lines;
  }

  /** The last line, when the input does not end with a newline. */
  end(): Line[] {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    return rest === "" && !this.skipping ? [] : [this.line(rest)];
  }

  private line(raw: string): Line {
    const number = ++this.count;
    if (this.skipping || raw.length > this.maxLineChars) {
      this.skipping = false;
      return { number, tooLong: true };
    }
    let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { number, text };
  }
}
