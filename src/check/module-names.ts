// The file each policy compiles to, and the names that must not collide: a policy id that maps
// onto a file pol writes itself (`runtime.ts`, `index.ts`), or two ids that map onto one file
// (`acme.a_b` and `acme.a.b`), would make one output silently overwrite another.

import type { Span } from "../ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { location } from "./format.js";

/** Base names of files pol writes beside the evaluators, which no policy may compile to. */
export const RESERVED_MODULE_NAMES: readonly string[] = ["runtime", "index"];

/** The generated file's base name: `truecare.sij` -> `truecare-sij`. */
export function moduleFileName(policyId: string): string {
  const name = policyId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "policy" : name;
}

export interface NamedPolicy {
  id: string;
  /** The id in the policy's header. */
  span: Span;
}

/** A reserved file name is reported at the policy; a shared one at each policy, naming the other. */
export function checkModuleNames(policies: readonly NamedPolicy[], diagnostics: Diagnostic[]): void {
  const byName = new Map<string, NamedPolicy[]>();
  for (const policy of policies) {
    const name = moduleFileName(policy.id);
    if (RESERVED_MODULE_NAMES.includes(name)) {
      diagnostics.push(
        diagnostic("POL2021", policy.span, { policy: policy.id, file: `${name}.ts` }, { policy: policy.id }),
      );
    }
    const same = byName.get(name) ?? [];
    same.push(policy);
    byName.set(name, same);
  }
  for (const [name, same] of byName) {
    const distinct = same.filter((policy, index) => same.findIndex((other) => sameSpan(other.span, policy.span)) === index);
    if (distinct.length < 2) continue;
    for (const policy of distinct) {
      const others = distinct.filter((other) => other !== policy).map((other) => `\`${other.id}\` (${location(other.span)})`);
      diagnostics.push(
        diagnostic("POL2022", policy.span, { policy: policy.id, file: `${name}.ts`, others: others.join(" and ") }),
      );
    }
  }
}

function sameSpan(a: Span, b: Span): boolean {
  return a.file === b.file && a.start.offset === b.start.offset;
}
