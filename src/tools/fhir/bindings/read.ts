// A FHIR R4 bundle read into a case through checked bindings (docs/fhir.md, "From a bundle to a
// case"). Every fact set names the resource and element it came from; data that cannot be read
// exactly is reported with its resource and path and leaves the fact unknown; a fact no binding
// finds stays unknown. Nothing here guesses: two different values for one fact are reported,
// not chosen between.

import {
  FHIRPATH_SYSTEM_VARIABLES,
  fhirpathEngine,
  type FhirBindings,
  type FhirBlock,
  type FhirFieldBinding,
  type FhirpathEngine,
  type FhirpathItem,
} from "../../../index.js";
import { checkBundle, type BundleEntry } from "./bundle.js";
import { convert, type FhirValue } from "./values.js";

export interface FhirFactSource {
  /** The case path, as determinations name missing facts: `pain_onset`, `items[0].side`, `procedures[1]`. */
  fact: string;
  resourceType: string;
  /** The resource's id, or its fullUrl when it has none. */
  id?: string;
  /** Index in `Bundle.entry`. */
  entry: number;
  /** The binding's FHIRPath (`= member` for a fixed value, empty for a bare boolean). */
  expression: string;
  /** The element the value came from, e.g. `Procedure.extension[0].valueQuantity`. */
  element?: string;
}

export type FhirProblemKind = "malformed" | "wrong-type" | "unknown-system" | "unit" | "ambiguous" | "unmapped-code" | "evaluation";

export interface FhirProblem {
  kind: FhirProblemKind;
  /** One lowercase sentence. */
  message: string;
  fact?: string;
  resourceType?: string;
  id?: string;
  entry?: number;
  expression?: string;
  /** JSON pointer into the bundle, e.g. `/entry/3/resource/valueQuantity`. */
  pointer?: string;
}

export interface FhirCaseRead {
  /** False when the bundle is malformed (the first problem says where); the case is then empty. */
  ok: boolean;
  case: Record<string, unknown>;
  sources: FhirFactSource[];
  problems: FhirProblem[];
}

/** One value found for a fact, with where it came from. */
interface Found {
  value: unknown;
  source: FhirFactSource;
  pointer: string;
}

interface Context {
  entry: BundleEntry;
  /** The resource, or one backbone element of it. */
  data: unknown;
  /** Where `data` is: `/entry/3/resource` or `/entry/3/resource/item/0`. */
  pointer: string;
  /** The element path of `data` for provenance: `Claim` or `Claim.item[0]`. */
  element: string;
}

/** Read `bundle` (untrusted JSON) into a case with `bindings`. */
export function readFhirCase(bindings: FhirBindings, bundle: unknown): FhirCaseRead {
  const checked = checkBundle(bundle);
  if (!checked.ok) return { ok: false, case: {}, sources: [], problems: checked.problems };
  return new Reader(bindings, checked.entries, bundle).read();
}

class Reader {
  private readonly engine: FhirpathEngine = fhirpathEngine();
  private readonly problems: FhirProblem[] = [];
  private readonly sources: FhirFactSource[] = [];
  /** Entry index -> the entries whose references point at it. */
  private readonly referrers: Map<number, BundleEntry[]>;
  private readonly compiled = new Map<string, (input: unknown, variables: Record<string, unknown>) => unknown[]>();

  constructor(
    private readonly bindings: FhirBindings,
    private readonly entries: BundleEntry[],
    private readonly bundle: unknown,
  ) {
    this.referrers = referrersOf(entries);
  }

  read(): FhirCaseRead {
    const caseFacts = new Map<string, Found[]>();
    const caseLists = new Set<string>();
    // Elements in bundle order, whichever block read them.
    const lists = new Map<string, { elements: { entry: number; element: Record<string, unknown> }[] }>();
    const result: Record<string, unknown> = {};
    for (const block of this.bindings.blocks) {
      for (const context of this.contexts(block)) {
        if (block.target === "case") {
          for (const field of block.fields) {
            if (field.list) caseLists.add(field.field);
            for (const found of this.values(block, field, context, field.field)) {
              const list = caseFacts.get(field.field) ?? [];
              list.push(found);
              caseFacts.set(field.field, list);
            }
          }
          continue;
        }
        const list = lists.get(block.target) ?? { elements: [] };
        lists.set(block.target, list);
        // Facts are named by a placeholder index, renumbered once the list is in bundle order.
        const fact = `${block.target}[#${list.elements.length}]`;
        const element: Record<string, unknown> = {};
        this.sources.push(this.source(fact, context, block.element ?? "", undefined));
        for (const field of block.fields) {
          const found = this.values(block, field, context, `${fact}.${field.field}`);
          const value = field.list ? this.every(found, `${fact}.${field.field}`) : this.single(found, `${fact}.${field.field}`);
          if (value !== undefined) element[field.field] = value;
        }
        list.elements.push({ entry: context.entry.index, element });
      }
    }
    for (const [field, found] of caseFacts) {
      const value = caseLists.has(field) ? this.every(found, field) : this.single(found, field);
      if (value !== undefined) result[field] = value;
    }
    for (const [target, list] of lists) {
      const order = list.elements.map((element, index) => ({ ...element, index })).sort((a, b) => a.entry - b.entry || a.index - b.index);
      const renumber = new Map(order.map((element, position) => [`${target}[#${element.index}]`, `${target}[${position}]`]));
      const rename = (fact: string): string => fact.replace(/^[A-Za-z_][A-Za-z0-9_]*\[#\d+\]/, (head) => renumber.get(head) ?? head);
      for (const source of this.sources) source.fact = rename(source.fact);
      for (const problem of this.problems) if (problem.fact !== undefined) {
        problem.fact = rename(problem.fact);
        problem.message = problem.message.replace(/[A-Za-z_][A-Za-z0-9_]*\[#\d+\]/g, rename);
      }
      result[target] = order.map((element) => element.element);
    }
    return { ok: true, case: result, sources: this.sources, problems: this.problems };
  }

  /** The resources (or their backbone elements) a block reads, after its filter. */
  private contexts(block: FhirBlock): Context[] {
    const out: Context[] = [];
    for (const entry of this.entries) {
      if (entry.resourceType !== block.resource) continue;
      const base: Context = { entry, data: entry.resource, pointer: `/entry/${entry.index}/resource`, element: entry.resourceType };
      let contexts: Context[] = [base];
      if (block.element !== undefined && block.elementBase !== undefined) {
        const items = this.evaluate(block.element, undefined, base, undefined);
        if (items === undefined) continue;
        contexts = items.map((item) => {
          const node = item as FhirpathItem;
          const located = locate(node);
          return { entry, data: this.engine.plain(node.data ?? item), pointer: `${base.pointer}${located.pointer}`, element: `${entry.resourceType}${located.element}` };
        });
      }
      for (const context of contexts) {
        if (block.filter === undefined) {
          out.push(context);
          continue;
        }
        const result = this.evaluate(block.filter, block.elementBase, context, undefined);
        if (result === undefined) continue;
        const values = result.map((item) => this.engine.plain((item as FhirpathItem).data ?? item));
        if (values.length === 1 && values[0] === true) out.push(context);
        else if (values.length > 0 && !(values.length === 1 && values[0] === false)) {
          this.problems.push({
            kind: "wrong-type",
            message: `the filter of \`read ${block.target} from ${block.resource}\` gave ${values.length} value(s) instead of \`true\` or \`false\`; the resource is not read`,
            ...this.where(context, block.filter),
          });
        }
      }
    }
    return out;
  }

  /** Every value one field binding finds in one context. */
  private values(block: FhirBlock, field: FhirFieldBinding, context: Context, fact: string): Found[] {
    if (field.constant !== undefined) {
      return [{ value: field.constant, source: this.source(fact, context, `= ${String(field.constant)}`, context.element), pointer: context.pointer }];
    }
    if (field.path === undefined) {
      return [{ value: true, source: this.source(fact, context, "", context.element), pointer: context.pointer }];
    }
    const items = this.evaluate(field.path, block.elementBase, context, fact);
    if (items === undefined) return [];
    const found: Found[] = [];
    for (const item of items) {
      const value = this.value(item);
      const located = isNode(item) ? locate(item) : undefined;
      const pointer = `${context.pointer}${located?.pointer ?? ""}`;
      const element = located ? `${context.element}${located.element}` : undefined;
      const converted = convert(field, value);
      if (!converted.ok) {
        this.problems.push({ kind: converted.kind, message: converted.message, fact, ...this.where(context, field.path), pointer });
        continue;
      }
      if (converted.value !== undefined) found.push({ value: converted.value, source: this.source(fact, context, field.path, element), pointer });
    }
    return found;
  }

  /** The one value of a fact, or undefined (reported) when its values differ. */
  private single(found: Found[], fact: string): unknown {
    if (found.length === 0) return undefined;
    const distinct = new Map<string, Found>();
    for (const f of found) if (!distinct.has(JSON.stringify(f.value))) distinct.set(JSON.stringify(f.value), f);
    if (distinct.size > 1) {
      const shown = [...distinct.values()].map((f) => `\`${JSON.stringify(f.value)}\` (${f.source.resourceType}/${f.source.id ?? `entry ${f.source.entry}`})`);
      const first = [...distinct.values()][0]!;
      this.problems.push({
        kind: "ambiguous",
        message: `\`${fact}\` holds one value, but the bundle gives ${shown.join(" and ")}; it stays unknown`,
        fact,
        resourceType: first.source.resourceType,
        ...(first.source.id !== undefined ? { id: first.source.id } : {}),
        entry: first.source.entry,
        expression: first.source.expression,
        pointer: first.pointer,
      });
      return undefined;
    }
    // Every resource that gave the value is a source of it.
    for (const f of found) this.sources.push(f.source);
    return found[0]!.value;
  }

  /**
   * A list of values: every distinct value found, in bundle order; unknown when none was found, or
   * when any value could not be read (a list with one entry left out would be wrong, not partial).
   */
  private every(found: Found[], fact: string): unknown[] | undefined {
    if (found.length === 0 || this.problems.some((problem) => problem.fact === fact)) return undefined;
    const values = new Map<string, unknown>();
    for (const f of found) {
      if (!values.has(JSON.stringify(f.value))) values.set(JSON.stringify(f.value), f.value);
      this.sources.push(f.source);
    }
    return [...values.values()];
  }

  private evaluate(path: string, base: string | undefined, context: Context, fact: string | undefined): unknown[] | undefined {
    const key = `${base ?? ""}\u0000${path}`;
    let run = this.compiled.get(key);
    try {
      if (run === undefined) {
        run = this.engine.compile(base !== undefined ? { base, expression: path } : path);
        this.compiled.set(key, run);
      }
      return run(context.data, {
        ...FHIRPATH_SYSTEM_VARIABLES,
        resource: context.entry.resource,
        bundle: this.bundle,
        related: (this.referrers.get(context.entry.index) ?? []).map((entry) => entry.resource),
      });
    } catch (error) {
      const text = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
      this.problems.push({ kind: "evaluation", message: `the FHIRPath \`${path}\` failed on this resource: ${text}`, ...(fact ? { fact } : {}), ...this.where(context, path) });
      return undefined;
    }
  }

  /** An engine item as a typed JSON value. */
  private value(item: unknown): FhirValue {
    if (isNode(item)) return { type: item.fhirNodeDataType, data: this.engine.plain(item.data) };
    const name = (item as object | null)?.constructor?.name;
    const types: Record<string, string> = { FP_Date: "date", FP_DateTime: "dateTime", FP_Time: "time", FP_Quantity: "Quantity" };
    const type = name === undefined ? undefined : types[name];
    return { type, data: this.engine.plain(item) };
  }

  private source(fact: string, context: Context, expression: string, element: string | undefined): FhirFactSource {
    const { entry } = context;
    return {
      fact,
      resourceType: entry.resourceType,
      ...(entry.id !== undefined ? { id: entry.id } : {}),
      entry: entry.index,
      expression,
      ...(element !== undefined ? { element } : {}),
    };
  }

  private where(context: Context, expression: string): Pick<FhirProblem, "resourceType" | "id" | "entry" | "expression" | "pointer"> {
    const { entry } = context;
    return {
      resourceType: entry.resourceType,
      ...(entry.id !== undefined ? { id: entry.id } : {}),
      entry: entry.index,
      expression,
      pointer: context.pointer,
    };
  }
}

function isNode(item: unknown): item is FhirpathItem {
  return typeof item === "object" && item !== null && "fhirNodeDataType" in item && "data" in item;
}

/** Where an engine node sits below its resource: `.extension[0].valueQuantity` and `/extension/0/valueQuantity`. */
function locate(node: FhirpathItem): { element: string; pointer: string } {
  const steps: { name: string; index: number | null | undefined }[] = [];
  // The root (the resource, or the element a block reads) has no parent and adds no step.
  for (let n: FhirpathItem | null | undefined = node; n && n.parentResNode && typeof n.propName === "string"; n = n.parentResNode) {
    // Below an element read on its own (`Claim.item`), the engine names children by their full path.
    steps.unshift({ name: jsonName(n, n.propName.slice(n.propName.lastIndexOf(".") + 1)), index: n.index });
    if (steps.length > 64) break;
  }
  return {
    element: steps.map((s) => `.${s.name}${s.index !== null && s.index !== undefined ? `[${s.index}]` : ""}`).join(""),
    pointer: steps.map((s) => `/${s.name}${s.index !== null && s.index !== undefined ? `/${s.index}` : ""}`).join(""),
  };
}

/** The JSON key of a node: a choice element (`value`) is written with its type (`valueQuantity`). */
function jsonName(node: FhirpathItem, name: string): string {
  const parent = node.parentResNode?.data;
  if (typeof parent !== "object" || parent === null || name in parent) return name;
  const type = node.fhirNodeDataType;
  const typed = type === undefined ? undefined : `${name}${type[0]!.toUpperCase()}${type.slice(1)}`;
  return typed !== undefined && typed in parent ? typed : name;
}

/** For each entry, the entries that refer to it (`Procedure/p1`, or its fullUrl). */
function referrersOf(entries: readonly BundleEntry[]): Map<number, BundleEntry[]> {
  const byKey = new Map<string, number>();
  for (const entry of entries) {
    if (entry.id !== undefined) byKey.set(`${entry.resourceType}/${entry.id}`, entry.index);
    if (entry.fullUrl !== undefined) byKey.set(entry.fullUrl, entry.index);
  }
  const referrers = new Map<number, BundleEntry[]>();
  for (const entry of entries) {
    const targets = new Set<number>();
    for (const reference of entry.references) {
      const target = byKey.get(reference) ?? byKey.get(reference.replace(/^.*\/(\w+\/[^/]+)$/, "$1"));
      if (target !== undefined && target !== entry.index) targets.add(target);
    }
    for (const target of targets) {
      const list = referrers.get(target) ?? [];
      list.push(entry);
      referrers.set(target, list);
    }
  }
  return referrers;
}
