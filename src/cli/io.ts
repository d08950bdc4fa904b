// Where a command writes. Tests pass their own to capture output; the CLI uses the process streams.

import type { CheckedFiles, DiagnosticFormat } from "../index.js";
import { diagnosticReport } from "../index.js";
import { writeIfOpen } from "./closed-streams.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard input, for commands that read `-` (the process's stdin when absent). */
  stdin?: AsyncIterable<Buffer | string>;
  /** Standard output as a stream, for commands that stream with backpressure (`out` when absent). */
  stdout?: NodeJS.WritableStream;
  /** Whether stderr is a terminal: progress is drawn only there. */
  errIsTerminal?: boolean;
}

/** The process streams; output to a stream whose reader has gone is dropped (src/cli/closed-streams.ts). */
export const processIo: Io = {
  out: (text) => writeIfOpen(process.stdout, text),
  err: (text) => writeIfOpen(process.stderr, text),
  stdin: process.stdin,
  stdout: process.stdout,
  errIsTerminal: process.stderr.isTTY === true,
};

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Print the diagnostics of `checked`: JSON on stdout, or code frames and a summary on stderr. */
export function printDiagnostics(checked: CheckedFiles, format: DiagnosticFormat, io: Io): void {
  const { out, err } = diagnosticReport(checked, format);
  if (out !== "") io.out(out);
  if (err !== "") io.err(err);
}
