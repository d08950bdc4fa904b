// Where a command writes. Tests pass their own to capture output; the CLI uses the process streams.

import type { CheckedFiles, DiagnosticFormat } from "../core.js";
import { diagnosticReport } from "../core.js";
import { writeIfOpen } from "./closed-streams.js";
import { colourize, colourWanted } from "./colour.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Machine output (JSON, SARIF, XML, annotations): never painted. Defaults to `out`. */
  data?(text: string): void;
  /** Standard input, for commands that read `-` (the process's stdin when absent). */
  stdin?: AsyncIterable<Buffer | string>;
  /** Standard output as a stream, for commands that stream with backpressure (`out` when absent). */
  stdout?: NodeJS.WritableStream;
  /** Whether stderr is a terminal: progress is drawn only there. */
  errIsTerminal?: boolean;
}

/**
 * The process streams; output to a stream whose reader has gone is dropped
 * (src/cli/closed-streams.ts); human output is painted on a colour terminal (src/cli/colour.ts).
 */
export const processIo: Io = {
  out: (text) => writeIfOpen(process.stdout, colourWanted(process.stdout) ? colourize(text) : text),
  err: (text) => writeIfOpen(process.stderr, colourWanted(process.stderr) ? colourize(text) : text),
  data: (text) => writeIfOpen(process.stdout, text),
  stdin: process.stdin,
  stdout: process.stdout,
  errIsTerminal: process.stderr.isTTY === true,
};

/** Write machine output (never painted). */
export function writeData(io: Io, text: string): void {
  (io.data ?? io.out)(text);
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Print the diagnostics of `checked`: JSON on stdout, or code frames and a summary on stderr. */
export function printDiagnostics(checked: CheckedFiles, format: DiagnosticFormat, io: Io): void {
  const { out, err } = diagnosticReport(checked, format);
  if (out !== "") writeData(io, out);
  if (err !== "") io.err(err);
}

/** Why a policy could not be loaded for evaluation or analysis: its errors, then the problem. */
export function printLoadFailure(load: { checked: CheckedFiles; problem?: string }, io: Io): void {
  printDiagnostics(load.checked, "human", io);
  if (load.problem !== undefined) io.err(`error: ${load.problem}\n`);
}
