// The analysis' diagnostics (POL5xxx), made through the facade's catalogue.

import { diagnostic, type Diagnostic } from "../../index.js";
import type { Unsupported } from "./encode.js";

/** POL5001: a construct the encoder does not handle, at its place in the policy. */
export function unsupportedDiagnostic(error: Unsupported, codes: readonly string[]): Diagnostic {
  return diagnostic("POL5001", error.span, { construct: error.construct }, { codes: shortList(codes) });
}

export function shortList(codes: readonly string[]): string {
  const shown = codes.slice(0, 6).map((code) => `\`${code}\``);
  return codes.length > 6 ? `${shown.join(", ")} and ${codes.length - 6} more` : shown.join(", ");
}

/** A solver time limit as the diagnostics show it: `1 ms`, `20 s`. */
export function limitText(milliseconds: number): string {
  return milliseconds < 1000 ? `${milliseconds} ms` : `${Math.round(milliseconds / 100) / 10} s`;
}
