// The base of a binding file that extends another (`fhir NAME "title" extends "base.fhir.pol"`):
// its path is resolved as a `use` path is (relative to the file, inside the project root, a `.pol`
// source), it is checked on its own, with its own schema, and its bindings become the starting
// point of the extending file's. A base that is missing, not a binding file or on a cycle of
// `extends` is reported at the path that names it.

import { isAbsolute } from "node:path";
import type { FhirHeader } from "../ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { FhirBindings } from "../model.js";
import { isInside } from "../files/source-files.js";
import { displayPath, resolveUse, SOURCE_EXTENSION, type FileHost, type LoadedProgram } from "./loader.js";

/** What checking a base file gave: its bindings when it has no errors. */
export interface BaseCheck {
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  fhir?: FhirBindings;
  /** The kind of file it is, from its header, when it parsed. */
  header?: "policy" | "schema" | "fhir";
}

/**
 * The checked base of `header` (undefined when there is none or it failed; failures are
 * reported into `diagnostics`, the base's own diagnostics and sources included).
 * `chain` holds the host paths of the binding files that extend this one, for cycles.
 */
export function loadFhirBase(
  header: FhirHeader,
  program: LoadedProgram,
  host: FileHost,
  chain: readonly string[],
  checkBase: (path: string, chain: readonly string[]) => BaseCheck,
  diagnostics: Diagnostic[],
  sources: Map<string, string>,
): FhirBindings | undefined {
  const base = header.base;
  const main = program.main;
  if (base === undefined || main === undefined) return undefined;
  const written = base.value.replace(/\\/g, "/");
  const refuse = (problem: string): undefined => {
    diagnostics.push(diagnostic("POL6042", base.span, { path: base.value, problem }, { help: "path" }));
    return undefined;
  };
  if (isAbsolute(written) || /^[A-Za-z]:\//.test(written)) return refuse("the path is absolute");
  const target = resolveUse(main.hostPath, base.value);
  if (!isInside(target, program.root)) return refuse("the path leaves the project root");
  if (!written.endsWith(SOURCE_EXTENSION)) return refuse(`a binding file is a \`${SOURCE_EXTENSION}\` source`);
  const onChain = [...chain, main.hostPath];
  const cycleStart = onChain.indexOf(target);
  if (cycleStart >= 0) {
    const cycle = [...onChain.slice(cycleStart), target].map(displayPath).map((p) => `\`${p}\``);
    diagnostics.push(diagnostic("POL6041", base.span, { cycle: cycle.join(" extends ") }));
    return undefined;
  }
  const text = host.readFile(target);
  if (typeof text !== "string") {
    if (text === undefined || text.missing) {
      diagnostics.push(diagnostic("POL6042", base.span, { path: base.value, problem: "there is no such file" }, { help: "looked", resolved: displayPath(target) }));
      return undefined;
    }
    return refuse(text.problem);
  }
  const checked = checkBase(target, onChain);
  for (const [display, source] of checked.sources) if (!sources.has(display)) sources.set(display, source);
  const seen = new Set(diagnostics.map(diagnosticKey));
  for (const d of checked.diagnostics) if (!seen.has(diagnosticKey(d))) diagnostics.push(d);
  if (checked.fhir) return checked.fhir;
  if (checked.header !== undefined && checked.header !== "fhir") {
    diagnostics.push(diagnostic("POL6040", base.span, { path: base.value, what: checked.header === "policy" ? "a policy" : "a schema" }));
  }
  // Otherwise the base has errors of its own, reported in it.
  return undefined;
}

function diagnosticKey(d: Diagnostic): string {
  return `${d.code}\u0000${d.span.file}\u0000${d.span.start.offset}\u0000${d.message}`;
}
