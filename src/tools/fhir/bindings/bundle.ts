// The shape of a FHIR R4 Bundle checked before anything is read from it: a JSON object with
// `resourceType` `Bundle`, entries that are objects each holding a resource with a known R4
// resource type, within limits of size and depth (hostile input must not exhaust the stack or
// memory of the reader or of the FHIRPath engine). Each problem is located by a JSON pointer.

import { isFhirResourceType } from "../../../index.js";
import type { FhirProblem } from "./read.js";

/** Limits on what a bundle may hold; beyond them it is refused, never read in part. */
export const BUNDLE_LIMITS = {
  /** Entries of one bundle. */
  entries: 20_000,
  /** Nesting of objects and arrays, counted from the bundle. */
  depth: 64,
  /** Objects, arrays and values in the whole bundle. */
  nodes: 2_000_000,
} as const;

export interface BundleEntry {
  index: number;
  resource: Record<string, unknown>;
  resourceType: string;
  id?: string;
  fullUrl?: string;
  /** Every `reference` string in the resource. */
  references: string[];
}

export type BundleCheck = { ok: true; entries: BundleEntry[] } | { ok: false; problems: FhirProblem[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const malformed = (pointer: string, message: string): BundleCheck => ({ ok: false, problems: [{ kind: "malformed", message, pointer }] });

export function checkBundle(bundle: unknown): BundleCheck {
  if (!isObject(bundle)) return malformed("", `expected a FHIR Bundle (a JSON object), found ${Array.isArray(bundle) ? "a list" : bundle === null ? "null" : `a ${typeof bundle}`}`);
  if (bundle["resourceType"] !== "Bundle") {
    const found = bundle["resourceType"];
    return malformed("/resourceType", typeof found === "string" ? `expected a Bundle, found a \`${found.slice(0, 60)}\` resource` : "expected `resourceType` `Bundle`");
  }
  const shape = shapeProblem(bundle);
  if (shape !== undefined) return malformed(shape.pointer, shape.message);
  const list = bundle["entry"];
  if (list === undefined) return { ok: true, entries: [] };
  if (!Array.isArray(list)) return malformed("/entry", "`entry` must be a list of entries");
  if (list.length > BUNDLE_LIMITS.entries) return malformed("/entry", `the bundle has ${list.length} entries, more than the ${BUNDLE_LIMITS.entries} pol reads`);
  const entries: BundleEntry[] = [];
  for (let index = 0; index < list.length; index++) {
    const entry: unknown = list[index];
    const at = `/entry/${index}`;
    if (!isObject(entry)) return malformed(at, "an entry must be an object");
    const resource = entry["resource"];
    if (resource === undefined) continue; // an entry of a transaction response or a search may carry none
    if (!isObject(resource)) return malformed(`${at}/resource`, "`resource` must be an object");
    const type = resource["resourceType"];
    if (typeof type !== "string") return malformed(`${at}/resource/resourceType`, "a resource needs its `resourceType`");
    if (!isFhirResourceType(type)) return malformed(`${at}/resource/resourceType`, `\`${type.slice(0, 60)}\` is not a FHIR R4 resource type`);
    const id = resource["id"];
    if (id !== undefined && typeof id !== "string") return malformed(`${at}/resource/id`, "`id` must be a string");
    const fullUrl = entry["fullUrl"];
    if (fullUrl !== undefined && typeof fullUrl !== "string") return malformed(`${at}/fullUrl`, "`fullUrl` must be a string");
    entries.push({
      index,
      resource,
      resourceType: type,
      ...(id !== undefined ? { id } : fullUrl !== undefined ? { id: fullUrl } : {}),
      ...(fullUrl !== undefined ? { fullUrl } : {}),
      references: references(resource),
    });
  }
  return { ok: true, entries };
}

/** The first place the bundle is too deep or too large, walking it without recursion. */
function shapeProblem(bundle: Record<string, unknown>): { pointer: string; message: string } | undefined {
  const stack: { value: unknown; depth: number; pointer: string }[] = [{ value: bundle, depth: 0, pointer: "" }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth, pointer } = stack.pop()!;
    if (++nodes > BUNDLE_LIMITS.nodes) return { pointer: "", message: `the bundle holds more than ${BUNDLE_LIMITS.nodes} values, more than pol reads` };
    if (typeof value !== "object" || value === null) continue;
    if (depth >= BUNDLE_LIMITS.depth) return { pointer, message: `the bundle nests deeper than ${BUNDLE_LIMITS.depth} levels here` };
    if (Array.isArray(value)) value.forEach((child, i) => stack.push({ value: child, depth: depth + 1, pointer: `${pointer}/${i}` }));
    else for (const [key, child] of Object.entries(value)) stack.push({ value: child, depth: depth + 1, pointer: `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}` });
  }
  return undefined;
}

/** Every `reference` string in a resource (depth is bounded by `shapeProblem`). */
function references(resource: Record<string, unknown>): string[] {
  const out: string[] = [];
  const stack: unknown[] = [resource];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) for (const child of value) stack.push(child);
    else if (isObject(value)) {
      const reference = value["reference"];
      if (typeof reference === "string") out.push(reference);
      for (const child of Object.values(value)) if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
  return out;
}
