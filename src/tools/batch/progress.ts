// The progress line a batch run draws on a terminal's stderr: a bar when the input's size is
// known (a file), else the count so far, with the rate. Redrawn at most ten times a second and
// erased before anything else is printed, so it never mixes with error lines or the summary.

const WIDTH = 30;
const INTERVAL_MS = 100;

export class ProgressLine {
  private lastDraw = 0;
  private shown = false;
  private readonly started = Date.now();

  constructor(
    private readonly write: (text: string) => void,
    /** The input's size in bytes, when known. */
    private readonly totalBytes: number | undefined,
  ) {}

  update(bytesRead: number, cases: number): void {
    const now = Date.now();
    if (now - this.lastDraw < INTERVAL_MS) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? `  ${Math.round(cases / seconds).toLocaleString("en-US")} cases/s` : "";
    let bar = "";
    if (this.totalBytes !== undefined && this.totalBytes > 0) {
      const fraction = Math.min(1, bytesRead / this.totalBytes);
      const filled = Math.round(fraction * WIDTH);
      bar = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  `;
    }
    this.write(`\r\x1b[K${bar}${cases.toLocaleString("en-US")} cases${rate}`);
    this.shown = true;
  }

  /** Erase the line (before other output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.write("\r\x1b[K");
    this.shown = false;
  }
}
