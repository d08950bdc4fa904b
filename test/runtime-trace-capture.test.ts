// A determination is fixed when `evaluateTrusted` returns: changing the case afterwards (a service
// that reuses or edits its request object) never changes what the determination says, its trace
// included. The trace lists the values read; a list read whole (`procedures`) or a malformed
// value that is an object is the caller's, so the trace keeps a copy taken at evaluation time.
// And in a case of several line items, a criterion that lists the same facts for consecutive items
// gives one array for them (a criterion over the other items lists the same 200 facts for most
// items); what it lists is still exactly that item's.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { MAX_FACTS, type Determination } from "@pol/runtime";
import { caseArbitrary, policyHints } from "./support/arbitraries.js";
import { asked, loadCompiled, type CompiledEvaluator } from "./support/compiled.js";
import { checkPolicyFile, policyFiles } from "./support/policy-files.js";
import { property } from "./support/runs.js";

type Json = Record<string, unknown>;

/** Every object (and array) reachable from `value`. */
function objectsIn(value: unknown, found = new Set<object>()): Set<object> {
  if (typeof value !== "object" || value === null || found.has(value)) return found;
  found.add(value);
  for (const child of Object.values(value)) objectsIn(child, found);
  return found;
}

/**
 * The case changed everywhere, in place: every list reversed and grown by a copy of its first
 * element, every field of every record given another value (texts, numbers, booleans, dates),
 * some fields deleted, and the date of service moved. `seed` picks which fields are deleted.
 */
function mutateEverywhere(value: unknown, seed: number, seen = new Set<object>()): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const element of value) mutateEverywhere(element, seed, seen);
    value.reverse();
    if (value.length > 0) value.push(typeof value[0] === "object" && value[0] !== null ? { ...value[0] } : value[0]);
    return;
  }
  const record = value as Json;
  let k = 0;
  for (const key of Object.keys(record)) {
    const field = record[key];
    if (typeof field === "object" && field !== null) mutateEverywhere(field, seed, seen);
    else if ((seed + k++) % 5 === 0) delete record[key];
    else if (typeof field === "string") record[key] = /^\d{4}-\d{2}-\d{2}$/.test(field) ? "1999-01-01" : field + "?";
    else if (typeof field === "number") record[key] = field + 1;
    else if (typeof field === "boolean") record[key] = !field;
    else record[key] = "changed";
  }
  record.added = [{ code: "00000" }];
}

const targets = policyFiles().map((file) => {
  const checked = checkPolicyFile(file);
  if (checked.policy === undefined) throw new Error(checked.failure);
  return { file, policy: checked.policy as CheckedPolicy };
});

describe("a determination does not change when the case does afterwards", () => {
  const compiled = new Map<string, CompiledEvaluator>();
  beforeAll(async () => {
    for (const { file, policy } of targets) compiled.set(file, await loadCompiled(policy));
  }, 120_000);

  for (const { file, policy } of targets) {
    it(`${file}: compiled and interpreted, with the trace`, () => {
      const evaluator = compiled.get(file)!;
      const options = { ...asked(policy), trace: true };
      fc.assert(
        fc.property(caseArbitrary(evaluator.schema, policyHints(policy)), fc.nat(4), (input, seed) => {
          const compiledDetermination = evaluator.evaluate(input, options);
          const interpreted = interpret(policy, input, options);
          const before = [JSON.stringify(compiledDetermination), JSON.stringify(interpreted)];
          // Nothing of the case is held by the determination: no list, record or value object.
          const ofCase = objectsIn(input);
          for (const held of [...objectsIn(compiledDetermination), ...objectsIn(interpreted)]) expect(ofCase.has(held)).toBe(false);
          mutateEverywhere(input, seed);
          expect([JSON.stringify(compiledDetermination), JSON.stringify(interpreted)]).toEqual(before);
        }),
        property(`${file}: a determination does not change when the case does`, 25),
      );
    });
  }

  it("a malformed value that is an object (a list, a Date, a nested record) is kept as read", () => {
    const { file, policy } = targets.find(({ file }) => file.includes("cigna"))!;
    const evaluator = compiled.get(file)!;
    const input = {
      date_of_service: "2025-03-01",
      items: [{ code: "20552", purpose: "therapeutic", muscle: ["trapezius"], injectate: { kind: new Date(Date.UTC(2025, 0, 1)) } }],
      procedures: [{ code: "20552", date: "2025-01-01", purpose: "therapeutic", muscle: { deep: { deeper: [1, 2, { x: "y" }] } } }],
      pain_persists: true,
    };
    const determination: Determination = evaluator.evaluate(input, { ...asked(policy), trace: true });
    const before = JSON.stringify(determination);
    const facts = determination.items[0]!.trace.flatMap((entry) => entry.facts);
    expect(facts.find((fact) => fact.fact === "items[0].muscle")?.value).toEqual(["trapezius"]);
    expect(facts.find((fact) => fact.fact === "procedures")?.value).toEqual(JSON.parse(JSON.stringify(input.procedures)));
    input.items[0]!.muscle.push("rhomboid major");
    (input.procedures[0]!.muscle as { deep: { deeper: unknown[] } }).deep.deeper.push(3);
    input.procedures.push({ ...input.procedures[0]! });
    expect(JSON.stringify(determination)).toBe(before);
  });

  it("a date of service that is an object (a case that skipped validation) is kept as it was", () => {
    const { file } = targets.find(({ file }) => file.includes("cigna"))!;
    const evaluator = compiled.get(file)!;
    const dos = { year: 2025 };
    const determination = evaluator.evaluate({ date_of_service: dos, items: [{ code: "20552" }] }, { trace: true });
    dos.year = 2026;
    expect(determination.dateOfService).toEqual({ year: 2025 });
    expect(determination.items[0]!.outcome).toBe("pended");
  });
});

describe("one facts array for a criterion that lists the same facts for consecutive items", () => {
  const SCHEMA = `schema mem "in-memory cases"
case { flag: bool "flag" }
item {
  code: code "requested code"
  site: text "site"
}
`;
  const POLICY = `policy mem.shared
  title "Shared facts" payer "P" number "1" version "1" effective 2025-01-01
use "schema.pol"
codes injection "injection" = cpt { 27096 }
codes requested "a requested code" = cpt { 27096, 77003 }
rule r "Every item" [1]
  for requested
  require OTHERS [1] "an injection among the other items"
    some other_items where code in injection
  require FLAG [1] "the flag"
    flag
  require SITE [1] "a site"
    item.site != "nowhere"
  approve OK [1] "nothing else stands in the way"
`;

  it("shares the array exactly when the facts are the same objects in the same order", async () => {
    const { checkInMemory, compileInMemory } = await import("./support/compile-in-memory.js");
    const policy = checkInMemory(SCHEMA, POLICY);
    const compiled = await compileInMemory(policy);
    const n = MAX_FACTS + 60;
    // No injection until the last item: every item's OTHERS scans all the others, listing up to
    // MAX_FACTS codes, the same ones from item MAX_FACTS + 1 on.
    const items = Array.from({ length: n }, (_, index) => ({ code: index === n - 1 ? "27096" : "77003", site: `s${index % 3}` }));
    const determination = compiled.evaluate({ date_of_service: "2025-06-01", flag: true, items }, { trace: true });
    expect(interpret(policy, { date_of_service: "2025-06-01", flag: true, items }, { trace: true })).toEqual(determination);
    const entries = (index: number) => new Map(determination.items[index]!.trace.map((entry) => [entry.criterion, entry]));
    for (let index = 1; index < n; index++) {
      const [now, before] = [entries(index), entries(index - 1)];
      for (const criterion of ["OTHERS", "FLAG", "SITE", "OK"]) {
        const [a, b] = [now.get(criterion)!.facts, before.get(criterion)!.facts];
        const same = a.length === b.length && a.every((fact, i) => fact === b[i]);
        expect(a === b, `${criterion}, item ${index}`).toBe(same);
      }
      // What OTHERS lists is that item's: the other items' codes in order, at most MAX_FACTS.
      const others = Array.from({ length: n }, (_, other) => other).filter((other) => other !== index);
      const listed = others.slice(0, MAX_FACTS).map((other) => ({ fact: `items[${other}].code`, value: items[other]!.code }));
      expect(now.get("OTHERS")!.facts, `item ${index}`).toEqual(listed);
      expect(now.get("SITE")!.facts).toEqual([{ fact: `items[${index}].site`, value: items[index]!.site }]);
    }
    // Shared from item MAX_FACTS + 1 on (the first MAX_FACTS others are then the same), and the
    // flag's one fact for every item; never an item's own site.
    expect(entries(MAX_FACTS + 2).get("OTHERS")!.facts).toBe(entries(MAX_FACTS + 1).get("OTHERS")!.facts);
    expect(entries(MAX_FACTS).get("OTHERS")!.facts).not.toBe(entries(MAX_FACTS - 1).get("OTHERS")!.facts);
    expect(entries(5).get("FLAG")!.facts).toBe(entries(4).get("FLAG")!.facts);
    expect(entries(5).get("SITE")!.facts).not.toBe(entries(4).get("SITE")!.facts);
  });

  it("never shares an array between two cases evaluated one after the other, not even an empty one", async () => {
    const { checkInMemory, compileInMemory } = await import("./support/compile-in-memory.js");
    const compiled = await compileInMemory(checkInMemory(SCHEMA, POLICY));
    const input = { date_of_service: "2025-06-01", flag: true, items: [{ code: "77003", site: "a" }, { code: "77003", site: "b" }] };
    const first = compiled.evaluate(input, { trace: true });
    const second = compiled.evaluate(input, { trace: true });
    // Every object of one but the policy's description (the module's own) is its own.
    const own = (d: Determination) => {
      const found = objectsIn(d);
      for (const shared of objectsIn(d.policy)) found.delete(shared);
      return found;
    };
    const ofFirst = own(first);
    for (const held of own(second)) expect(ofFirst.has(held)).toBe(false);
    // Within one, the parts the items share: a rule's application, the empty lists.
    expect(second.items[1]!.rules[0]).toBe(second.items[0]!.rules[0]);
    expect(second.items[1]!.trace[0]!.missing).toBe(second.items[0]!.trace[1]!.values);
  });
});
