// The checker's handling of files and names: `use`, cycles, unknown names, fields, code sets and
// enum members, duplicates, and reporting every error rather than the first.

import { describe, expect, it } from "vitest";
import { checkFile, checkSource } from "../src/check/checker.js";
import {
  checkCondition,
  checkPolicy,
  HEADER,
  memoryHost,
  POLICY_PATH,
  ruleWith,
  SCHEMA,
  SCHEMA_PATH,
  single,
  spanText,
} from "./checker-fixtures.js";

describe("a well-formed policy", () => {
  it("checks without diagnostics and yields the policy", () => {
    const result = checkCondition("some procedures where code in sij_injection and relief >= 75%");
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.metadata).toMatchObject({
      id: "truecare.sij",
      title: "Sacroiliac joint procedures",
      payer: "TrueCare",
      number: "MM-1463",
      version: "2025-02-26",
      effective: "2025-07-01",
      source: POLICY_PATH,
    });
    expect(result.policy?.metadata.expires).toBeUndefined();
    expect([...result.sources.keys()]).toEqual([POLICY_PATH, SCHEMA_PATH]);
  });

  it("checks a schema on its own without a policy", () => {
    const result = checkSource(SCHEMA, SCHEMA_PATH, memoryHost({}));
    expect(result.diagnostics).toEqual([]);
    expect(result.policy).toBeUndefined();
  });
});

describe("files and `use`", () => {
  it("reports a used file that cannot be read on the path string (POL2006)", () => {
    const source = HEADER.replace("../schema/spine.pol", "../schema/spin.pol") + ruleWith("imaging_done");
    const d = single(checkSource(source, POLICY_PATH, memoryHost({ [SCHEMA_PATH]: SCHEMA })));
    expect(d.code).toBe("POL2006");
    expect(d.message).toBe("cannot read `../schema/spin.pol`");
    expect(d.text).toBe('"../schema/spin.pol"');
    expect(d.help).toBe("looked for `fixtures/schema/spin.pol`");
  });

  it("reports a main file that cannot be read", () => {
    const result = checkFile("policies/x.pol", memoryHost({}));
    expect(result.diagnostics.map((d) => [d.code, d.message, d.span.file])).toEqual([["POL2006", "cannot read `policies/x.pol`", "policies/x.pol"]]);
    expect(result.policy).toBeUndefined();
  });

  it("reports a cycle of `use` at the `use` that closes it (POL2007)", () => {
    const a = `schema a "a"\nuse "b.pol"\nenum A "a" { one }\n`;
    const b = `schema b "b"\nuse "a.pol"\nenum B "b" { two }\n`;
    const result = checkSource(a, "lib/a.pol", memoryHost({ "lib/b.pol": b }));
    const d = single(result);
    expect(d.code).toBe("POL2007");
    expect(d.span.file).toBe("lib/b.pol");
    expect(d.message).toBe("`use` cycle: `lib/a.pol` uses `lib/b.pol` uses `lib/a.pol`");
    expect(d.text).toBe('"a.pol"');
  });

  it("reads each file once even when two files use it", () => {
    const shared = `schema shared "shared"\nenum Flag "flag" { up down }\n`;
    const left = `schema left "left"\nuse "shared.pol"\n`;
    const right = `schema right "right"\nuse "shared.pol"\n`;
    const main = `schema main "main"\nuse "left.pol"\nuse "right.pol"\n`;
    const host = memoryHost({ "s/shared.pol": shared, "s/left.pol": left, "s/right.pol": right });
    const result = checkSource(main, "s/main.pol", host);
    expect(result.diagnostics).toEqual([]);
    expect(host.reads.filter((path) => path === "s/shared.pol")).toHaveLength(1);
    expect([...result.sources.keys()]).toEqual(["s/main.pol", "s/left.pol", "s/shared.pol", "s/right.pol"]);
  });

  it("reports syntax errors of a used file with that file's path", () => {
    const broken = SCHEMA.replace('record Diagnosis "diagnosis" {', 'record Diagnosis "diagnosis" {{');
    const result = checkPolicy(ruleWith("imaging_done"), { [SCHEMA_PATH]: broken });
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.span.file === SCHEMA_PATH && d.code.startsWith("POL1"))).toBe(true);
    expect(result.policy).toBeUndefined();
  });

  it("shows display paths relative to the working directory for an absolute path", () => {
    const absolute = `${process.cwd()}/fixtures/policies/sij.pol`;
    const host = memoryHost({ [`${process.cwd()}/fixtures/schema/spine.pol`]: SCHEMA });
    const result = checkSource(HEADER + ruleWith("imaging_done"), absolute, host);
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.metadata.source).toBe(POLICY_PATH);
    expect([...result.sources.keys()]).toEqual([POLICY_PATH, SCHEMA_PATH]);
  });

  it("reports rules in a schema file (POL2010)", () => {
    const schema = `${SCHEMA}\ncodes x "x" = cpt { 27096 }\nrule r "r" [A]\n  for x\n  require A1 [A.1] "a" true\n`;
    const d = single(checkSource(schema, SCHEMA_PATH, memoryHost({})));
    expect(d.code).toBe("POL2010");
    expect(d.message).toBe("a schema cannot contain rules, but `r` is a rule");
    expect(d.text).toBe("r");
  });

  it("reports a policy that sees no `case` or `item` (POL2011)", () => {
    const source = HEADER.replace('use "../schema/spine.pol"', "") + ruleWith("true");
    const d = single(checkSource(source, POLICY_PATH, memoryHost({})));
    expect(d.code).toBe("POL2011");
    expect(d.message).toBe("policy `truecare.sij` has no schema: no `case` or `item` declaration is visible");
    expect(d.text).toBe("truecare.sij");
  });
});

describe("names", () => {
  it("reports an unknown name with a suggestion (POL2001)", () => {
    const d = single(checkCondition("some procedures where relif >= 75%"));
    expect(d).toMatchObject({ code: "POL2001", message: "unknown name `relif`", help: "did you mean `relief`?", text: "relif" });
  });

  it("explains a bare enum member used where no enum is expected", () => {
    const d = single(checkCondition("therapeutic"));
    expect(d.code).toBe("POL2001");
    expect(d.help).toBe("`therapeutic` is a member of `Purpose`: compare a `Purpose` with it, e.g. `x == therapeutic`, or write `Purpose.therapeutic`");
  });

  it("reports an unknown field with a suggestion (POL2002)", () => {
    const d = single(checkCondition("last.releif >= 75%", 'let last "the latest procedure" = latest procedures\n'));
    expect(d).toMatchObject({ code: "POL2002", message: "unknown field `releif` on `Procedure`", help: "did you mean `relief`?", text: "releif" });
  });

  it("reports an unknown code set in `in` and in `for` (POL2003)", () => {
    const inCodes = single(checkCondition("item.code in sij_injectoin"));
    expect(inCodes).toMatchObject({ code: "POL2003", message: "unknown code set `sij_injectoin`", help: "did you mean `sij_injection`?", text: "sij_injectoin" });
    const forCodes = single(checkPolicy(ruleWith("true").replace("for sij_injection", "for sij_injections")));
    expect(forCodes).toMatchObject({ code: "POL2003", message: "unknown code set `sij_injections`", text: "sij_injections" });
    const second = single(checkPolicy(ruleWith("true").replace("for sij_injection", "for sij_injection, sij_injectoin")));
    expect(second).toMatchObject({ code: "POL2003", message: "unknown code set `sij_injectoin`", text: "sij_injectoin" });
  });

  it("reports an unknown enum member against the other operand's enum (POL2009)", () => {
    const d = single(checkCondition("item.purpose == theraputic"));
    expect(d).toMatchObject({ code: "POL2009", message: "`theraputic` is not a member of `Purpose`", help: "did you mean `therapeutic`?", text: "theraputic" });
    const flipped = single(checkCondition("sideways != item.side"));
    expect(flipped).toMatchObject({ code: "POL2009", message: "`sideways` is not a member of `Side`", text: "sideways" });
    expect(flipped.help).toBe("`Side` is one of `left`, `right`, `bilateral`");
  });

  it("does not report a member of an unresolved operand a second time", () => {
    const d = single(checkCondition("item.purpos == therapeutic"));
    expect(d.code).toBe("POL2002");
  });

  it("reports a let that refers to itself (POL2017)", () => {
    const direct = single(checkCondition("loop", 'let loop "a loop" = loop and imaging_done\n'));
    expect(direct).toMatchObject({ code: "POL2008", message: "`loop` refers to itself: `loop` -> `loop`", text: "loop" });
    expect(direct.span.start.line).toBe(11);
    const indirect = single(checkCondition("a", 'let a "a" = b\nlet b "b" = c\nlet c "c" = a\n'));
    expect(indirect).toMatchObject({ code: "POL2008", message: "`a` refers to itself: `a` -> `b` -> `c` -> `a`" });
    expect(indirect.span.start.line).toBe(13);
  });

  it("reports a computed field computed from itself (POL2017)", () => {
    const schema = SCHEMA.replace('pain_after: number "pain score after"', 'pain_after: number = pain_after + 1 "pain score after"');
    const d = single(checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema }));
    expect(d).toMatchObject({ code: "POL2017", message: "computed field `Procedure.pain_after` refers to itself: `Procedure.pain_after` -> `Procedure.pain_after`", text: "pain_after" });
  });

  it("keeps computed fields to their own record's fields", () => {
    const schema = SCHEMA.replace('pain_after: number "pain score after"', 'pain_after: number = count procedures "pain score after"');
    const d = single(checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema }));
    expect(d).toMatchObject({ code: "POL2001", message: "unknown name `procedures`", help: "a computed field can use only the fields of its own record" });
  });
});

describe("declarations", () => {
  it("reports a duplicate across files at the using file, pointing at the first (POL2005)", () => {
    const d = single(checkPolicy('enum Side "side" { left right }\n' + ruleWith("true")));
    expect(d).toMatchObject({ code: "POL2005", message: "`Side` is already declared", text: "Side" });
    expect(d.span.file).toBe(POLICY_PATH);
    expect(d.help).toBe(`the first declaration is at ${SCHEMA_PATH}:3:6 (an enum)`);
  });

  it("reports a let clashing with a code set, duplicate members and duplicate fields (POL2005)", () => {
    const letClash = single(checkPolicy('let sij_injection "x" = true\n' + ruleWith("true")));
    expect(letClash.message).toBe("`sij_injection` is already declared");
    expect(letClash.help).toMatch(/\(a code set\)$/);
    const schema = SCHEMA.replace("{ left right bilateral }", "{ left right left }").replace(
      'kind: text "kind of therapy"',
      'kind: text "kind of therapy"\n  kind: text "again"',
    );
    const result = checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema });
    expect(result.diagnostics.map((d) => [d.code, d.message, spanText(result, d)])).toEqual([
      ["POL2014", "`left` is already a member of `Side`", "left"],
      ["POL2016", "field `kind` is already declared in `Therapy`", "kind"],
    ]);
  });

  it("reports a case field named like a built-in (POL2015)", () => {
    const schema = SCHEMA.replace('pain_onset: date "date the pain began"', 'items: number "count"');
    const d = single(checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema }));
    expect(d).toMatchObject({ code: "POL2015", message: "`items` is a built-in field of the case", text: "items" });
  });

  it("reports an unknown type with a suggestion (POL2004)", () => {
    const schema = SCHEMA.replace('side: Side "side treated"', 'side: Sde "side treated"');
    const d = single(checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema }));
    expect(d).toMatchObject({ code: "POL2004", message: "unknown type `Sde`", help: "did you mean `Side`?", text: "Sde" });
  });

  it("reports a list of a non-record and a single record field (POL3016, POL3017)", () => {
    const schema = SCHEMA.replace('diagnoses: list of Diagnosis "diagnoses"', 'diagnoses: list of date "diagnoses"\n  first: Diagnosis "first"');
    const result = checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema });
    expect(result.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      [
        "POL3016",
        "a list must hold records, codes, texts or members of an enum, not `date`",
        "a list holds records (`list of Procedure`) or values tested with `in` (`list of code`, `list of text`, `list of Level`)",
      ],
      ["POL3017", "a field cannot hold a single `Diagnosis` record", "use `list of Diagnosis`"],
    ]);
  });
});

describe("reporting", () => {
  it("reports every independent error, sorted by position", () => {
    const result = checkPolicy(
      ruleWith("last.releif >= 75% and relif and item.code in sij_injectoin"),
      {},
    );
    const withLet = checkPolicy('let last "latest" = latest procedures\n' + ruleWith("last.releif >= 75% and relif and item.code in sij_injectoin"));
    expect(result.diagnostics.map((d) => d.code)).toEqual(["POL2001", "POL2001", "POL2003"]);
    expect(withLet.diagnostics.map((d) => [d.code, spanText(withLet, d)])).toEqual([
      ["POL2002", "releif"],
      ["POL2001", "relif"],
      ["POL2003", "sij_injectoin"],
    ]);
    expect(withLet.policy).toBeUndefined();
  });
});
