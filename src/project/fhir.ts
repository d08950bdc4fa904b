// FHIR bindings on disk: checking a `fhir` file for the commands, and finding the one that goes
// with a policy (`<schema>.fhir.pol` beside the schema the policy uses).

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkFile, nodeFileHost } from "../check/checker.js";
import type { Diagnostic } from "../diagnostics.js";
import { projectRoot } from "../files/source-files.js";
import type { CheckedPolicy, FhirBindings } from "../model.js";

export interface FhirBindingsLoad {
  /** Present when the file is a `fhir` file without errors. */
  bindings?: FhirBindings;
  /** Sorted; errors of the file and of the schema it uses. */
  diagnostics: Diagnostic[];
  /** Display path -> text of every file read, for code frames. */
  sources: Map<string, string>;
  /** Why there are no bindings when there are no errors either (the file is no `fhir` file). */
  problem?: string;
}

/** Check the binding file at `path` (and the schema it uses). */
export function loadFhirBindings(path: string, options: { root?: string } = {}): FhirBindingsLoad {
  const result = checkFile(path, nodeFileHost, { root: options.root ?? projectRoot(path) });
  if (result.fhir) return { bindings: result.fhir, diagnostics: result.diagnostics, sources: result.sources };
  const load: FhirBindingsLoad = { diagnostics: result.diagnostics, sources: result.sources };
  if (!result.diagnostics.some((d) => d.severity === "error")) {
    load.problem = `\`${path}\` holds no FHIR bindings: a binding file starts with \`fhir NAME "title"\``;
  }
  return load;
}

/** The binding file of `policy` (checked from `policyPath`): `<schema>.fhir.pol` beside its schema, if there is one. */
export function defaultFhirBindingsPath(policyPath: string, policy: CheckedPolicy): string | undefined {
  const schema = join(projectRoot(policyPath), policy.schemaSource);
  if (!schema.endsWith(".pol")) return undefined;
  const candidate = `${schema.slice(0, -".pol".length)}.fhir.pol`;
  return existsSync(candidate) && statSync(candidate).isFile() ? candidate : undefined;
}
