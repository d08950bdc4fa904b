// The checker's policy-structure rules: the header, rules, criteria, citations and descriptions.

import { describe, expect, it } from "vitest";
import { checkSource } from "../src/check/checker.js";
import { catalogue } from "../src/diagnostics.js";
import { parse } from "../src/syntax/parse.js";
import { checkPolicy, HEADER, memoryHost, POLICY_PATH, ruleWith, SCHEMA, SCHEMA_PATH, single } from "./checker-fixtures.js";

const check = (source: string) => checkSource(source, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA }));

describe("header", () => {
  it("reports each missing required key on the policy id (POL1009)", () => {
    const source = HEADER.replace('  payer "TrueCare"\n', "").replace("  effective 2025-07-01\n", "") + ruleWith("true");
    const result = check(source);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      ["POL1009", "the header of policy `truecare.sij` has no `payer`", 'add `payer "..."` to the header'],
      ["POL1009", "the header of policy `truecare.sij` has no `effective`", "add `effective 2025-07-01` to the header"],
    ]);
    expect(result.diagnostics.every((d) => d.span.start.line === 1 && d.span.start.column === 8)).toBe(true);
  });

  it("requires dates for `effective` and `expires` and strings for the others", () => {
    const source = HEADER.replace("effective 2025-07-01", 'effective "2025-07-01"\n  expires 2026-07-01').replace(
      'version "2025-02-26"',
      "version 2025-02-26",
    );
    const result = check(source + ruleWith("true"));
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["POL3021", "`version` must be a string, not a date"],
      ["POL3020", "`effective` must be a date, not a string"],
    ]);
  });

  it("carries `expires` into the metadata", () => {
    const result = check(HEADER.replace("effective 2025-07-01", "effective 2025-07-01\n  expires 2026-06-30") + ruleWith("true"));
    expect(result.policy?.metadata.expires).toBe("2026-06-30");
  });

  it("requires at least one rule (POL4004)", () => {
    const d = single(checkPolicy(""));
    expect(d).toMatchObject({ code: "POL4004", message: "policy `truecare.sij` has no rules", text: "truecare.sij" });
  });
});

describe("rules and criteria", () => {
  const rule = (name: string, criteria: string) => `\nrule ${name} "A rule" [D.I]\n  for sij_injection\n${criteria}`;

  it("reports a duplicate rule name (POL4002)", () => {
    const d = single(checkPolicy(rule("r", '  require A [D.1] "a" true\n') + rule("r", '  require B [D.2] "b" true\n')));
    expect(d).toMatchObject({ code: "POL4002", message: "rule `r` is already declared", text: "r" });
    expect(d.span.start.line).toBe(16);
    expect(d.help).toBe(`the first is at ${POLICY_PATH}:12:6; rename one of them`);
  });

  it("reports a criterion id used twice across rules (POL4003)", () => {
    const d = single(checkPolicy(rule("r1", '  require A [D.1] "a" true\n') + rule("r2", '  deny A [D.2] "a again" when true\n')));
    expect(d).toMatchObject({ code: "POL4003", message: "criterion `A` is already declared", text: "A" });
  });

  it("reports a criterion without a citation on its id (POL4001)", () => {
    const d = single(checkPolicy(rule("r", '  require B1 "relief" true\n')));
    expect(d).toMatchObject({
      code: "POL4001",
      message: "criterion `B1` has no citation",
      text: "B1",
      help: "add the policy section it encodes, e.g. `[D.I.B.1]`",
    });
  });

  it("reports a criterion without a description (POL4006)", () => {
    const d = single(checkPolicy(rule("r", "  require B1 [D.1] true\n")));
    expect(d).toMatchObject({ code: "POL4006", message: "criterion `B1` has no description", text: "B1" });
  });

  it("accepts exclusions without a condition", () => {
    const result = checkPolicy(rule("r", '  require B1 [D.1] "relief" true\n  deny B2 [D.2] "always"\n  bundle B3 [D.3] "bundled"\n'));
    expect(result.diagnostics).toEqual([]);
    expect(result.policy!.rules[0]!.criteria.map((c) => c.condition)).toEqual([expect.anything(), undefined, undefined]);
  });

  it("accepts notes with or without a condition, but wants their citation and description", () => {
    const result = checkPolicy(
      rule("r", '  note N1 [D.1] "always"\n  note N2 [D.2] "sometimes" when count procedures >= 2\n  approve A [D] "covered"\n'),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.policy!.rules[0]!.criteria.map((c) => [c.effect, c.condition?.kind])).toEqual([
      ["note", undefined],
      ["note", "BinaryExpression"],
      ["approve", undefined],
    ]);
    const bare = checkPolicy(rule("r", "  note N1 when true\n"));
    expect(bare.diagnostics.map((d) => d.code)).toEqual(["POL4021", "POL4001", "POL4006"]);
  });

  it("retires POL4005: a `require` without a condition is a syntax error", () => {
    // The grammar insists on a condition after `require`, so the checker's POL4005 could never
    // fire; the code stays reserved and docs/diagnostics.md marks it retired.
    expect(catalogue.POL4005.retired).toMatch(/grammar requires a condition/);
    const cut = parse(HEADER + rule("r", '  require B1 [D.1] "relief"\n  require B2 [D.2] "more" true\n'), POLICY_PATH);
    expect(cut.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["POL1002", "expected a condition but found `require`"],
    ]);
    const atEnd = parse(HEADER + rule("r", '  require B1 [D.1] "relief"\n'), POLICY_PATH);
    expect(atEnd.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["POL1007", "unexpected end of file: expected a condition"],
    ]);
  });

  it("checks the `when` of a rule and of exclusions as conditions", () => {
    const result = checkPolicy(
      `\nrule r "A rule" [D.I]\n  for sij_injection when item.purpose\n  deny B2 [D.2] "always" when count procedures\n`,
    );
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["POL3005", "`item.purpose` is `Purpose`, not a condition"],
      ["POL3005", "`count procedures` is `number`, not a condition"],
    ]);
  });

  it("produces checked rules with citations, descriptions and lines", () => {
    const result = checkPolicy(
      `\nrule r "A rule"\n  for sij_injection when item.purpose == therapeutic\n  require B1 [D.I.B.1] "relief" true\n  not covered C [D.II] "never" when false\n  bundle G [G.1] "bundled"\n`,
    );
    expect(result.diagnostics).toEqual([]);
    const [checked] = result.policy!.rules;
    expect(checked).toMatchObject({ id: "r", title: "A rule", citation: "", codeSets: ["sij_injection"] });
    expect(checked!.criteria.map((c) => [c.id, c.effect, c.citation, c.description, c.line, c.condition?.kind])).toEqual([
      ["B1", "require", "D.I.B.1", "relief", 14, "BooleanLiteral"],
      ["C", "not_covered", "D.II", "never", 15, "BooleanLiteral"],
      ["G", "bundle", "G.1", "bundled", 16, undefined],
    ]);
  });
});
