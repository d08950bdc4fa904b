// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// The runtime's version, and the check every generated evaluator makes when it is loaded.

/**
 * This package's version. A constant, read from nothing at run time; a test keeps it equal to
 * `version` in package.json.
 */
export const RUNTIME_VERSION = "0.11.0";

/** `major.minor` of a version: the part that must match (for 0.x, a new minor may break). */
function compatible(version: string): string {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version);
  return match === null ? version : `${match[1]}.${match[2]}`;
}

/**
 * Throws unless this runtime can run an evaluator compiled for runtime `version` (same major and
 * minor). Generated modules call it once, when they are loaded, so a mismatched install fails at
 * startup with a message saying what to do, instead of evaluating cases with other semantics.
 */
export function requireRuntime(version: string, policyId: string): void {
  const wanted = compatible(version);
  if (compatible(RUNTIME_VERSION) === wanted) return;
  throw new Error(
    `pol runtime ${RUNTIME_VERSION} is installed but the evaluator for policy ${policyId} was compiled for ${wanted}.x; ` +
      `run pol compile again or install @pol/runtime@${wanted}`,
  );
}
