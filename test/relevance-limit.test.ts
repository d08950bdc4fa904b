// What a pended item asks for is worked out by trying every truth value of its open tests, up to
// 12 of them (docs/semantics.md, "What a pended item asks for"); with more, it asks for every fact
// its unknown criteria wait for. Only tests that can still matter count toward that limit: a test
// of a criterion whose waiver holds, or of an operand that a known operand already settles
// (`t or true`), changes no outcome whatever its value. So such tests never push an item past the
// limit into asking for facts that cannot change its outcome: the item asks for what it would ask
// for with those tests gone. Both evaluators, traced and not.

import { describe, expect, it } from "vitest";
import { interpret } from "../src/interpret/interpreter.js";
import { checkInMemory, compileInMemory } from "./support/compile-in-memory.js";

const FACTS = Array.from({ length: 14 }, (_, i) => `d${i + 1}`);

const SCHEMA = `schema limit "Relevance's limit"

case {
  exempt: bool "repeat exemption"
  active: bool "active therapy failed"
  contra: bool "therapy contraindicated"
  inactive: bool "inactive therapy failed"
  holds: bool "the waiver's condition"
  settled: bool "a fact that settles an or"
${FACTS.map((fact) => `  ${fact}: bool "document ${fact}"`).join("\n")}
}

item {
  code: code "requested procedure code"
}
`;

/** Exempt, or active therapy failed or contraindicated; exempt, or inactive therapy failed: only
 *  the exemption can change the outcome when inactive therapy did not fail (docs/semantics.md's
 *  example). `many` reads `count` of the documented facts; `waived` is waived when `holds`. */
function policySource(count: number, form: "waived" | "settled" | "none"): string {
  const many = FACTS.slice(0, count).join(" and ");
  const extra =
    form === "waived"
      ? `  require many [1.c] "every document" ${many}\n  waive w [1.w] "the waiver" for many when holds\n`
      : form === "settled"
        ? `  require many [1.c] "exempt, with every document or a settling fact" (settled or (${many})) and exempt\n`
        : "";
  return `policy test.limit
  title "Limit"
  payer "Test"
  number "L-1"
  version "1"
  effective 2025-01-01

use "schema.pol"

codes c "code" = cpt { 99213 }

rule r "rule" [1]
  for c

  require active_or [1.a] "exempt, or active therapy failed or is contraindicated"
    exempt or active or contra

  require inactive_or [1.b] "exempt, or inactive therapy failed"
    exempt or inactive

${extra}`;
}

describe("relevance's limit of open tests", () => {
  const input = { date_of_service: "2025-06-01", items: [{ code: "99213" }], inactive: false, holds: true, settled: true };

  /** What the item asks for in each evaluator and mode. */
  async function asked(source: string): Promise<Record<string, unknown>> {
    const policy = checkInMemory(SCHEMA, source);
    const compiled = await compileInMemory(policy);
    const of = (determination: { items: { outcome: string; missing: { fact: string }[] }[] }) => {
      const item = determination.items[0]!;
      return { outcome: item.outcome, missing: item.missing.map((m) => m.fact) };
    };
    return {
      interpreted: of(interpret(policy, input)),
      "interpreted, no trace": of(interpret(policy, input, { trace: false })),
      compiled: of(compiled.evaluate(input)),
      "compiled, no trace": of(compiled.evaluate(input, { trace: false })),
    };
  }

  it("asks only for the exemption, without a waived criterion", async () => {
    const alone = await asked(policySource(0, "none"));
    expect(alone.interpreted).toEqual({ outcome: "pended", missing: ["exempt"] });
    for (const mode of Object.values(alone)) expect(mode).toEqual(alone.interpreted);
  });

  it("a criterion whose waiver holds adds no open test, however many its condition has", async () => {
    const alone = await asked(policySource(0, "none"));
    for (const count of [1, 9, 10, 14]) expect(await asked(policySource(count, "waived")), `${count} tests`).toEqual(alone);
  });

  it("an operand a known operand settles adds no open test", async () => {
    const alone = await asked(policySource(0, "none"));
    for (const count of [1, 10, 14]) expect(await asked(policySource(count, "settled")), `${count} tests`).toEqual(alone);
  });

  it("open tests that can matter still count: past 12, the item asks for every fact its unknown criteria wait for", async () => {
    const source = policySource(10, "waived");
    const policy = checkInMemory(SCHEMA, source);
    const unsettled = { ...input, holds: undefined };
    const missing = interpret(policy, unsettled).items[0]!.missing.map((m) => m.fact);
    // 3 tests of the first two criteria, 10 of the third and the waiver's: 14.
    expect(missing.sort()).toEqual(["active", "contra", "exempt", "holds", ...FACTS.slice(0, 10)].sort());
  });
});
