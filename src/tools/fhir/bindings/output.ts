// Where the facts of a case read from a FHIR bundle came from, beside the determination: a
// section of the reviewer's letter, and a `fhir` member of the JSON determination.

import type { FhirCaseRead, FhirFactSource, FhirProblem } from "./read.js";

/** The provenance of a read, as JSON: every source and every problem. */
export function fhirJson(read: FhirCaseRead): { sources: FhirFactSource[]; problems: FhirProblem[] } {
  return { sources: read.sources, problems: read.problems };
}

/** A JSON determination (as `renderJson` or `renderJsonLine` wrote it) with its `fhir` member. */
function withFhir(json: string, read: FhirCaseRead, indent: number | undefined): string {
  const determination = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({ ...determination, fhir: fhirJson(read) }, null, indent) + "\n";
}

export function fhirJsonText(json: string, read: FhirCaseRead): string {
  return withFhir(json, read, 2);
}

export function fhirLine(jsonLine: string, read: FhirCaseRead): string {
  return withFhir(jsonLine, read, undefined);
}

/** Case facts first, then line items and list elements in order (`procedures[2]` before `procedures[10]`). */
function factOrder(a: string, b: string): number {
  const key = (fact: string): [number, string, number, string] => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\](.*)$/.exec(fact);
    if (match === null) return [0, fact, 0, ""];
    return [match[1] === "items" ? 1 : 2, match[1]!, Number(match[2]), match[3]!];
  };
  const [x, y] = [key(a), key(b)];
  return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2] || (x[3] === "" ? -1 : y[3] === "" ? 1 : 0);
}

/** Where a source is: `Procedure/p1 Procedure.extension[0].valueQuantity`. */
function sourceText(source: FhirFactSource): string {
  const resource = `${source.resourceType}/${source.id ?? `(entry ${source.entry})`}`;
  return source.element !== undefined && source.element !== source.resourceType ? `${resource} ${source.element}` : resource;
}

/**
 * The letter's section on the bundle: for every fact, the resources it was read from; then the
 * data that could not be read, each with its resource and place in the bundle.
 */
export function renderFhirText(read: FhirCaseRead, bundle: string): string {
  const out = [`Facts read from the FHIR bundle ${bundle}:`];
  const byFact = new Map<string, FhirFactSource[]>();
  for (const source of read.sources) {
    const list = byFact.get(source.fact) ?? [];
    list.push(source);
    byFact.set(source.fact, list);
  }
  if (byFact.size === 0) out.push("  none");
  for (const [fact, sources] of [...byFact].sort(([a], [b]) => factOrder(a, b))) {
    const places = [...new Set(sources.map(sourceText))];
    const expression = sources[0]!.expression;
    out.push(`  ${fact} <- ${places.join(", ")}${expression === "" ? "" : ` (${expression})`}`);
  }
  if (read.problems.length > 0) {
    out.push("", "Not read from the bundle (the facts stay unknown):");
    for (const problem of read.problems) {
      const where = problem.resourceType ? `${problem.resourceType}/${problem.id ?? `(entry ${problem.entry})`}` : "";
      out.push(`  ${problem.fact ?? "(bundle)"}: ${problem.message}${where ? ` [${where}${problem.pointer ? ` at ${problem.pointer}` : ""}]` : ""}`);
    }
  }
  return out.join("\n") + "\n";
}
