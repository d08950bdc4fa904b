// Where the FHIRPath engine's module comes from: here, `fhirpath` in node_modules, loaded by
// Node module by module (about 40 CommonJS files). The check bundle of the CLI
// (scripts/bundle-cli.mjs) puts the engine inside itself instead, so that its code is compiled
// from the bundle's code cache; it then swaps this module for one returning that copy.

import type { FhirpathModule } from "./fhirpath-engine.js";

/** The engine's module, `require`d by `require` (made for src/check/fhirpath-engine.ts). */
export function fhirpathModule(require: NodeJS.Require): FhirpathModule {
  return require("fhirpath") as FhirpathModule;
}
