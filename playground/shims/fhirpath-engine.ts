// The browser's stand-in for src/check/fhirpath-engine.ts: the same engine, imported as an ES
// module (bundled with the playground) instead of loaded on first use with `require`.

import fhirpath from "fhirpath";
import r4 from "fhirpath/fhir-context/r4";
import type { FhirModel, FhirpathEngine, FhirpathNode } from "../../src/check/fhirpath-engine.js";

export type { FhirModel, FhirpathEngine, FhirpathItem, FhirpathNode } from "../../src/check/fhirpath-engine.js";

const model = r4 as unknown as FhirModel;
const engine: FhirpathEngine = {
  parse: (expression) => fhirpath.parse(expression) as unknown as FhirpathNode,
  evaluate: (input, expression, variables) =>
    fhirpath.evaluate(input as never, expression as never, variables as never, r4, { resolveInternalTypes: false }) as unknown[],
  compile: (expression) => {
    const run = fhirpath.compile(expression as never, r4, { resolveInternalTypes: false });
    return (input, variables) => run(input as never, variables as never) as unknown[];
  },
  plain: (item) => fhirpath.resolveInternalTypes(item as never),
  model,
  version: fhirpath.version,
};

export function fhirpathEngine(): FhirpathEngine {
  return engine;
}
