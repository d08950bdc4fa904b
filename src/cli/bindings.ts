// The FHIR bindings a command reads bundles with (`pol eval --fhir`, `pol serve`): the file named
// with `--bindings`, else `<schema>.fhir.pol` beside the policy's schema, checked.

import { defaultFhirBindingsPath, loadFhirBindings, type CheckedPolicy, type FhirBindings } from "../core.js";
import { printDiagnostics, type Io } from "./io.js";

/** The binding file's path, or null after reporting that the policy has none. */
export function fhirBindingsPath(policyPath: string, policy: CheckedPolicy, named: string | undefined, io: Io): string | null {
  const path = named ?? defaultFhirBindingsPath(policyPath, policy);
  if (path !== undefined) return path;
  io.err(`error: ${policy.metadata.id} has no FHIR bindings: no \`${policy.schemaSource.replace(/\.pol$/, ".fhir.pol")}\` beside its schema\n`);
  io.err("help: write the bindings there (docs/fhir.md), or name them with `--bindings FILE`\n");
  return null;
}

/** The checked bindings in `path`, or null after printing their errors. */
export function loadBindings(path: string, io: Io): FhirBindings | null {
  const loaded = loadFhirBindings(path);
  if (loaded.bindings !== undefined) return loaded.bindings;
  printDiagnostics({ results: new Map(), diagnostics: loaded.diagnostics, sources: loaded.sources }, "human", io);
  if (loaded.problem !== undefined) io.err(`error: ${loaded.problem}\n`);
  return null;
}

/** The bindings to read bundles with for `policy`, or null after reporting why there are none. */
export function fhirBindings(policyPath: string, policy: CheckedPolicy, named: string | undefined, io: Io): FhirBindings | null {
  const path = fhirBindingsPath(policyPath, policy, named, io);
  return path === null ? null : loadBindings(path, io);
}
