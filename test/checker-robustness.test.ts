// Bad input never crashes the checker: any edit of a valid policy (a span of it deleted,
// duplicated or replaced by another token) yields diagnostics or a policy, never an exception,
// and a policy only when there are no errors (warnings may come with a policy).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import { HEADER, memoryHost, POLICY_PATH, SCHEMA, SCHEMA_PATH } from "./checker-fixtures.js";
import { runs } from "./support/runs.js";

const POLICY =
  HEADER +
  `
let sij_history "prior SIJ injections" = procedures where code in sij_injection
let last_sij "the latest SIJ injection" = latest sij_history

rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
  for sij_injection when item.purpose == therapeutic
  require B1 [D.I.B.1] "relief" last_sij.relief >= 75% and last_sij.score_relief >= 50%
  require B4 [D.I.B.4] "two months" no sij_history or time since last_sij.date >= 2mo
  require B5 [D.I.B.5] "at most four" count sij_history where side == item.side within 12mo <= 4
  deny C1 [D.I.C.1] "therapy" when coverage of therapies within 6mo < 6wk and sum sessions of therapies > 3
`;

const TOKENS = ["item", "within", "12mo", "75%", "==", "(", ")", "where", "latest", "sum", "of", "count", "left", "2025-01-01", '"x"', ".", "and", "not", "-"];

const edit = fc.record({
  start: fc.nat({ max: POLICY.length }),
  length: fc.nat({ max: 30 }),
  insert: fc.oneof(fc.constant(""), fc.constantFrom(...TOKENS).map((token) => ` ${token} `)),
});

describe("checker robustness", () => {
  it("accepts the unedited policy", () => {
    const result = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    expect(result.diagnostics).toEqual([]);
    expect(result.policy).toBeDefined();
  });

  it("never throws on an edited policy or schema", () => {
    fc.assert(
      fc.property(edit, fc.boolean(), ({ start, length, insert }, inSchema) => {
        const target = inSchema ? SCHEMA : POLICY;
        const at = Math.min(start, target.length);
        const edited = target.slice(0, at) + insert + target.slice(at + length);
        const files = { [SCHEMA_PATH]: inSchema ? edited : SCHEMA };
        const result = checkSource(inSchema ? POLICY : edited, POLICY_PATH, memoryHost(files));
        const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
        expect(result.policy === undefined || errors.length === 0).toBe(true);
        for (const diagnostic of result.diagnostics) {
          expect(result.sources.has(diagnostic.span.file)).toBe(true);
          expect(diagnostic.message).not.toMatch(/\.$/);
          expect(diagnostic.message[0]).toBe(diagnostic.message[0]!.toLowerCase());
        }
      }),
      { numRuns: runs(300) },
    );
  });
});
