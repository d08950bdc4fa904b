// The parses of used files are kept for later checks in the process (src/check/loader.ts): an
// unchanged schema is not parsed again, an edited one is, and the file being checked is always
// parsed afresh.

import { describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import { HEADER, memoryHost, POLICY_PATH, ruleWith, SCHEMA, SCHEMA_PATH } from "./checker-fixtures.js";

const POLICY = HEADER + ruleWith("imaging_done");

/** The declaration of the case field `imaging_done` as the check saw it. */
const imagingDecl = (result: ReturnType<typeof checkSource>) => result.policy?.schema.records.get("case")?.fields.get("imaging_done")?.decl;

describe("parses of used files kept between checks", () => {
  it("reuses the parse of an unchanged schema, frozen under the test runner", () => {
    const first = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    const second = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(imagingDecl(first)).toBeDefined();
    expect(imagingDecl(second)).toBe(imagingDecl(first));
    // A check that changed a shared AST would change every later check's: the tests would see it.
    expect(Object.isFrozen(imagingDecl(first))).toBe(true);
  });

  it("parses the checked file afresh every time", () => {
    const first = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    const second = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    expect(second.policy?.file).toBeDefined();
    expect(second.policy?.file).not.toBe(first.policy?.file);
  });

  it("sees a schema edited between two checks, and the first text again when it comes back", () => {
    const edited = SCHEMA.replace('imaging_done: bool "imaging was done"', 'imaging_done: date "date of the imaging"');
    expect(edited).not.toBe(SCHEMA);
    const before = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    const after = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: edited }));
    const back = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    expect(before.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // A date is not a condition: the edit must reach the check.
    expect(after.policy).toBeUndefined();
    expect(after.diagnostics.filter((d) => d.severity === "error").map((d) => d.span.file)).toEqual([POLICY_PATH]);
    expect(back.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(imagingDecl(back)).toBe(imagingDecl(before));
  });

  it("keys by path as well as text: the same schema under another path is another file", () => {
    const other = "other/policies/sij.pol";
    const first = checkSource(POLICY, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));
    const moved = checkSource(POLICY, other, memoryHost({ "other/schema/spine.pol": SCHEMA }));
    expect(moved.policy?.schemaSource).toBe("other/schema/spine.pol");
    expect(imagingDecl(moved)).not.toBe(imagingDecl(first));
  });
});
