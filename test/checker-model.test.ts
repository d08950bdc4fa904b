// The CheckedPolicy the checker hands to the interpreter and code generator: types of
// expressions, bindings of names (contextual enum members, element depths), fields of accesses,
// let order and item dependence, the source hash, and reading real files.

import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import type { Expression, FieldAccess, NameRef, Node } from "../src/ast.js";
import { checkFile } from "../src/check/checker.js";
import type { CheckedPolicy } from "../src/model.js";
import { checkPolicy, POLICY_PATH, SCHEMA, SCHEMA_PATH } from "./checker-fixtures.js";

const BODY = `
let recent "recent SIJ injections" = sij_history within 12mo
let sij_history "prior SIJ injections" = procedures where code in sij_injection
let same_side "prior SIJ injections on this side" = sij_history where side == item.side
let last_sij "the latest SIJ injection" = latest sij_history
let others "other requested codes" = count other_items where code in sij_injection

rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
  for sij_injection when item.purpose == therapeutic

  require B1 [D.I.B.1] "relief" last_sij.relief >= 75%
  require B4 [D.I.B.4] "two months" no sij_history or time since last_sij.date >= 2mo
  require B5 [D.I.B.5] "at most four" count same_side within 12mo <= 4
  require B6 [D.I.B.6] "therapy" some procedures where (some therapies where start <= date) and left != side
  deny X [D.I.C] "early" when date_of_service < pain_onset + 6wk or others > 1 or count items > 3 or dos - pain_onset > 6wk
`;

function* walk(value: unknown): Generator<Node> {
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const entry of value) yield* walk(entry);
    return;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.kind === "string" && "span" in record) yield record as unknown as Node;
  for (const [key, entry] of Object.entries(record)) if (key !== "span") yield* walk(entry);
}

function checked(): CheckedPolicy {
  const result = checkPolicy(BODY);
  expect(result.diagnostics).toEqual([]);
  return result.policy!;
}

/** The `index`-th name reference to `name` in the policy file. */
function nameRef(policy: CheckedPolicy, name: string, index = 0): NameRef {
  const found = [...walk(policy.file)].filter((node): node is NameRef => node.kind === "NameRef" && node.name === name);
  expect(found.length, `references to ${name}`).toBeGreaterThan(index);
  return found[index]!;
}

function access(policy: CheckedPolicy, field: string): FieldAccess {
  const found = [...walk(policy.file)].find((node): node is FieldAccess => node.kind === "FieldAccess" && node.field.name === field);
  expect(found, `access to ${field}`).toBeDefined();
  return found!;
}

describe("the checked policy", () => {
  const policy = checked();

  it("binds enum members by the type of the other operand", () => {
    expect(policy.resolve(nameRef(policy, "therapeutic"))).toEqual({ kind: "enumMember", enum: "Purpose", member: "therapeutic" });
    expect(policy.resolve(nameRef(policy, "left"))).toEqual({ kind: "enumMember", enum: "Side", member: "left" });
    expect(policy.typeOf(nameRef(policy, "left"))).toEqual({ kind: "enum", name: "Side" });
  });

  it("binds element fields by depth, innermost first", () => {
    expect(policy.resolve(nameRef(policy, "start"))).toEqual({ kind: "element", record: "Therapy", field: "start", depth: 0 });
    expect(policy.resolve(nameRef(policy, "date"))).toEqual({ kind: "element", record: "Procedure", field: "date", depth: 1 });
    expect(policy.resolve(nameRef(policy, "side", 1))).toEqual({ kind: "element", record: "Procedure", field: "side", depth: 0 });
    expect(policy.resolve(nameRef(policy, "code"))).toEqual({ kind: "element", record: "Procedure", field: "code", depth: 0 });
    expect(policy.resolve(nameRef(policy, "code", 1))).toEqual({ kind: "element", record: "item", field: "code", depth: 0 });
  });

  it("binds lets, case fields and built-ins", () => {
    expect(policy.resolve(nameRef(policy, "sij_history"))).toEqual({ kind: "let", name: "sij_history" });
    expect(policy.resolve(nameRef(policy, "procedures"))).toEqual({ kind: "caseField", field: "procedures" });
    expect(policy.resolve(nameRef(policy, "date_of_service"))).toEqual({ kind: "caseField", field: "date_of_service" });
    expect(policy.resolve(nameRef(policy, "item"))).toEqual({ kind: "item" });
    expect(policy.resolve(nameRef(policy, "items"))).toEqual({ kind: "items" });
    expect(policy.resolve(nameRef(policy, "other_items"))).toEqual({ kind: "otherItems" });
    expect(policy.resolve(nameRef(policy, "dos"))).toEqual({ kind: "dos" });
  });

  it("types expressions", () => {
    expect(policy.typeOf(nameRef(policy, "last_sij"))).toEqual({ kind: "record", name: "Procedure", optional: true });
    expect(policy.typeOf(nameRef(policy, "items"))).toEqual({ kind: "list", element: "item" });
    const recent = policy.lets.find((l) => l.name === "recent")!;
    expect(recent.type).toEqual({ kind: "list", element: "Procedure", window: { amount: 12, unit: "mo" } });
    const timeSince = [...walk(policy.file)].find((n) => n.kind === "TimeSinceExpression") as Expression;
    expect(policy.typeOf(timeSince)).toEqual({ kind: "elapsed" });
    const literals = [...walk(policy.file)].filter((n): n is Expression => n.kind === "DurationLiteral");
    expect(literals.map((l) => policy.typeOf(l).kind)).toEqual(["calendar", "calendar", "calendar", "duration", "duration"]);
    const subtraction = [...walk(policy.file)].filter((n) => n.kind === "BinaryExpression" && n.operator === "-") as Expression[];
    expect(policy.typeOf(subtraction[0]!)).toEqual({ kind: "duration" });
  });

  it("resolves field accesses to their record and field", () => {
    const relief = policy.fieldOf(access(policy, "relief"));
    expect(relief.record).toBe("Procedure");
    expect(relief.field).toMatchObject({ name: "relief", type: { kind: "percent" }, label: "percent pain relief" });
    expect(policy.fieldOf(access(policy, "purpose"))).toMatchObject({ record: "item", field: { name: "purpose" } });
  });

  it("orders lets by dependency and marks those that read the line item", () => {
    expect(policy.lets.map((l) => [l.name, l.label, l.dependsOnItem])).toEqual([
      ["sij_history", "prior SIJ injections", false],
      ["recent", "recent SIJ injections", false],
      ["same_side", "prior SIJ injections on this side", true],
      ["last_sij", "the latest SIJ injection", false],
      ["others", "other requested codes", true],
    ]);
    expect(policy.lets[0]!.type).toEqual({ kind: "list", element: "Procedure" });
    expect(policy.lets[4]!.type).toEqual({ kind: "number" });
  });

  it("builds the schema model with built-in case fields first and labels", () => {
    const caseFields = [...policy.schema.records.get("case")!.fields.values()];
    expect(caseFields.slice(0, 3).map((f) => [f.name, f.label, f.type.kind])).toEqual([
      ["date_of_service", "date of service", "date"],
      ["items", "requested line items", "list"],
      ["pain_onset", "date the pain began", "date"],
    ]);
    const procedure = policy.schema.records.get("Procedure")!;
    expect(procedure.dated).toEqual({ start: "date" });
    expect(policy.schema.records.get("Therapy")!.dated).toEqual({ start: "start", end: "finish" });
    expect(policy.schema.enums.get("Side")).toEqual({ name: "Side", label: "side of the body", members: ["left", "right", "bilateral"], ordered: false });
    expect([...policy.codeSets.keys()]).toEqual(["sij_injection"]);
  });

  it("types computed fields with their record's fields in scope", () => {
    const computed = policy.schema.records.get("Procedure")!.fields.get("score_relief")!;
    expect(computed.type).toEqual({ kind: "percent" });
    expect(policy.typeOf(computed.computed!)).toEqual({ kind: "percent" });
    const painBefore = [...walk(computed.computed)].find((n): n is NameRef => n.kind === "NameRef" && n.name === "pain_before")!;
    expect(policy.resolve(painBefore)).toEqual({ kind: "element", record: "Procedure", field: "pain_before", depth: 0 });
  });

  it("refuses to answer about expressions it never checked", () => {
    const stranger: NameRef = { kind: "NameRef", name: "x", span: policy.file.span };
    expect(() => policy.resolve(stranger)).toThrow(/internal error: the checker never resolved this NameRef/);
    expect(() => policy.typeOf(stranger)).toThrow(/internal error/);
  });

  it("hashes every file with its display path, policy first", () => {
    const result = checkPolicy(BODY);
    const expected = createHash("sha256")
      .update(`${POLICY_PATH}\n${result.source}`)
      .update(`${SCHEMA_PATH}\n${SCHEMA}`)
      .digest("hex");
    expect(policy.metadata.sourceHash).toBe(expected);
    const edited = checkPolicy(BODY, { [SCHEMA_PATH]: SCHEMA + "\n# edited\n" });
    expect(edited.policy!.metadata.sourceHash).not.toBe(expected);
  });
});

describe("checkFile on disk", () => {
  it("reads the policy and its schema and reports paths relative to the working directory", () => {
    const root = mkdtempSync(join(tmpdir(), "pol-checker-"));
    try {
      // The project root: `use "../schema/spine.pol"` must stay inside it.
      writeFileSync(join(root, "pol.config.json"), "{}\n");
      mkdirSync(join(root, "schema"));
      mkdirSync(join(root, "policies"));
      writeFileSync(join(root, "schema", "spine.pol"), SCHEMA);
      const policyPath = join(root, "policies", "sij.pol");
      writeFileSync(policyPath, checkPolicy(BODY).source);
      const result = checkFile(policyPath);
      expect(result.diagnostics.map((d) => d.code)).toEqual(["POL4023"]); // BODY's `recent` is unused
      const display = relative(process.cwd(), policyPath).split(sep).join("/");
      // Compiled output names the source relative to the project root, whatever the working directory.
      expect(result.policy!.metadata.source).toBe("policies/sij.pol");
      expect([...result.sources.keys()]).toEqual([display, relative(process.cwd(), join(root, "schema", "spine.pol")).split(sep).join("/")]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
