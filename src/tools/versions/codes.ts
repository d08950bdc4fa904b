// Codes as a finite domain. The analysis cannot range over every string, but code sets only tell
// codes apart by which sets hold them, so it is enough to take, from both versions, every exact
// code, each range's ends and the codes just inside and just outside them, a code under each
// prefix, and one code in no set. Codes with the same membership in every set of both versions
// form one class: the semantic diff asks one question per class.

import { CodeSet } from "@pol/runtime";
import type { LoweredCodeSet, LoweredPolicy } from "../../index.js";

/** The code `delta` away from `code` in its trailing digits, the same length; undefined past the ends. */
function shifted(code: string, delta: number): string | undefined {
  const match = /^(.*?)(\d+)$/.exec(code);
  if (match === null) return undefined;
  const [, head, digits] = match as unknown as [string, string, string];
  const next = Number(digits) + delta;
  if (next < 0) return undefined;
  const text = String(next).padStart(digits.length, "0");
  return text.length === digits.length ? head + text : undefined;
}

function normal(code: string): string {
  return code.trim().replace(/\./g, "").toUpperCase();
}

/** The representative codes of both versions' code sets, in a stable order. */
export function codeUniverse(policies: readonly LoweredPolicy[]): string[] {
  const codes = new Set<string>();
  const add = (code: string | undefined) => {
    if (code !== undefined && code !== "") codes.add(normal(code));
  };
  for (const policy of policies) {
    for (const set of policy.codeSets) {
      for (const code of set.exact) add(code);
      for (const prefix of set.prefixes) add(`${prefix}9`);
      for (const [lo, hi] of set.ranges) {
        add(lo);
        add(hi);
        add(shifted(lo, -1));
        add(shifted(lo, 1));
        add(shifted(hi, -1));
        add(shifted(hi, 1));
      }
    }
  }
  const sets = policies.flatMap((policy) => policy.codeSets.map(runtimeSet));
  for (const other of ["99999", "ZZZZZ", "00000X"]) {
    if (!sets.some((set) => set.has(other))) {
      codes.add(other);
      break;
    }
  }
  return [...codes].sort();
}

export function runtimeSet(set: LoweredCodeSet): CodeSet {
  return new CodeSet(set.exact, set.prefixes, set.ranges);
}

/** A class of codes every set of both versions treats alike. */
export interface CodeClass {
  codes: string[];
  /** The code shown for the class: its first. */
  code: string;
}

/** The universe split by membership in every set of both versions; codes in no rule's set left out. */
export function codeClasses(policies: readonly LoweredPolicy[], universe: readonly string[]): CodeClass[] {
  const ruleSets = policies.flatMap((policy) => [
    ...new Set(policy.rules.flatMap((rule) => rule.codeSets.map((index) => policy.codeSets[index]!))),
  ]);
  const allSets = policies.flatMap((policy) => policy.codeSets.map(runtimeSet));
  const bindable = ruleSets.map(runtimeSet);
  const classes = new Map<string, CodeClass>();
  for (const code of universe) {
    if (!bindable.some((set) => set.has(code))) continue;
    const key = allSets.map((set) => (set.has(code) ? "1" : "0")).join("");
    const entry = classes.get(key);
    if (entry === undefined) classes.set(key, { codes: [code], code });
    else entry.codes.push(code);
  }
  return [...classes.values()];
}
