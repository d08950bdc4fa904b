// The example policy, policies/examples/lumbar-facet-interventions.pol, exists to show every
// construct of the issue "the constructs real policies need" on one clinical topic. This test
// reads its syntax tree (and its schema's) and fails when one of the fifteen is no longer used
// where it decides something: in a rule's binding, a criterion, or a let or table they reach.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Criterion, Expression, LetDecl, RuleDecl, SourceFile, TableDecl } from "../src/ast.js";
import { walk } from "../src/check/warnings.js";
import { parse } from "../src/syntax/parse.js";

const POLICY = "policies/examples/lumbar-facet-interventions.pol";

function parsed(path: string): SourceFile {
  const { file, diagnostics } = parse(readFileSync(path, "utf8"), path);
  expect(diagnostics).toEqual([]);
  return file!;
}

const policy = parsed(POLICY);
const schemaPath = join(dirname(POLICY), policy.uses[0]!.path.value);
const schema = parsed(schemaPath);

const lets = new Map<string, LetDecl>();
const tables = new Map<string, TableDecl>();
const codeSets = new Set<string>();
const rules: RuleDecl[] = [];
for (const d of policy.declarations) {
  if (d.kind === "LetDecl") lets.set(d.name.name, d);
  else if (d.kind === "TableDecl") tables.set(d.name.name, d);
  else if (d.kind === "CodeSetDecl") codeSets.add(d.name.name);
  else if (d.kind === "RuleDecl") rules.push(d);
}
const criteria: Criterion[] = rules.flatMap((r) => r.criteria);

/** Every expression a rule decides with: bindings, criteria, and the lets and tables they reach. */
function decidingExpressions(): Expression[] {
  const found: Expression[] = [];
  const seenLets = new Set<string>();
  const visit = (root: Expression): void => {
    walk(root, (e) => {
      found.push(e);
      if (e.kind === "NameRef" && lets.has(e.name) && !seenLets.has(e.name)) {
        seenLets.add(e.name);
        visit(lets.get(e.name)!.value);
      }
      if (e.kind === "LookupExpression") usedTables.add(e.table.name);
    });
  };
  for (const rule of rules) if (rule.when) visit(rule.when);
  for (const c of criteria) if (c.condition) visit(c.condition);
  return found;
}
const usedTables = new Set<string>();
const deciding = decidingExpressions();
const has = (test: (e: Expression) => boolean): boolean => deciding.some(test);

const fieldTypes = schema.declarations.flatMap((d) =>
  d.kind === "RecordDecl" || d.kind === "CaseDecl" || d.kind === "ItemDecl" ? d.fields : [],
);
const listOfValues = new Set(
  fieldTypes.filter((f) => f.type.list && !schema.declarations.some((d) => d.kind === "RecordDecl" && !d.extension && d.name.name === f.type.name.name)).map((f) => f.name.name),
);
const orderedEnums = new Set(schema.declarations.flatMap((d) => (d.kind === "EnumDecl" && d.ordered ? [d.name.name] : [])));
const orderedFields = new Set(fieldTypes.filter((f) => orderedEnums.has(f.type.name.name)).map((f) => f.name.name));
const comparison = (e: Expression): e is Expression & { kind: "BinaryExpression" } =>
  e.kind === "BinaryExpression" && ["<", "<=", ">", ">="].includes(e.operator);
const effects = new Set(criteria.map((c) => c.effect));
const header = (key: string) => policy.header.kind === "PolicyHeader" ? policy.header.fields.find((f) => f.key === key) : undefined;

const CONSTRUCTS: [string, () => boolean][] = [
  ["1 distinct counting", () => has((e) => e.kind === "CountExpression" && (e.distinct?.length ?? 0) > 0)],
  ["2 ordinal selection", () => has((e) => e.kind === "SelectExpression")],
  ["3 named elements", () => has((e) => (e.kind === "QuantifierExpression" || e.kind === "CountExpression" || e.kind === "PickExpression") && e.element !== undefined)],
  [
    "4 months of coverage",
    () => has((e) => comparison(e) && e.left.kind === "CoverageExpression" && e.right.kind === "DurationLiteral" && (e.right.unit === "mo" || e.right.unit === "y")),
  ],
  [
    "5 hours and lookup tables",
    () =>
      has((e) => e.kind === "LookupExpression") &&
      [...usedTables].some((t) => tables.get(t)!.entries.some((entry) => entry.value.kind === "DurationLiteral" && entry.value.unit === "h")),
  ],
  [
    "6 list-valued fields with membership",
    () =>
      has(
        (e) =>
          e.kind === "InListExpression" ||
          (e.kind === "InCodesExpression" && !codeSets.has(e.codes.name) && listOfValues.has(e.codes.name)),
      ),
  ],
  [
    "7 enum sets and ordered enums",
    () => has((e) => e.kind === "InSetExpression") && has((e) => comparison(e) && e.left.kind === "NameRef" && orderedFields.has(e.left.name)),
  ],
  ["8 documented", () => has((e) => e.kind === "DocumentedExpression")],
  ["9 waivable groups", () => criteria.some((c) => c.effect === "waive" && (c.waives?.length ?? 0) > 0)],
  ["10 line order within a request", () => has((e) => e.kind === "NameRef" && e.name === "earlier_items")],
  ["11 administrative outcomes", () => effects.has("authorization") && effects.has("refer")],
  [
    "12 calendar and plan years",
    () =>
      has((e) => e.kind === "WithinExpression" && e.window.kind === "YearWindow" && e.window.year === "calendar") &&
      has((e) => e.kind === "WithinExpression" && e.window.kind === "YearWindow" && e.window.year === "plan"),
  ],
  [
    "13 no effective date",
    () => {
      const effective = header("effective");
      return effective?.value.kind === "Identifier" && effective.value.name === "proposed";
    },
  ],
  ["14 schema extension", () => schema.declarations.some((d) => "extension" in d && d.extension === true) && schema.uses.length > 0],
  ["15 criteria as of an earlier date", () => has((e) => e.kind === "AsOfExpression")],
];

describe("the example policy uses every construct", () => {
  it("lists fifteen constructs", () => {
    expect(CONSTRUCTS).toHaveLength(15);
  });

  it.each(CONSTRUCTS)("%s", (_name, used) => {
    expect(used()).toBe(true);
  });

  it("reaches every table and let it declares from some criterion", () => {
    const reachedLets = new Set(deciding.flatMap((e) => (e.kind === "NameRef" && lets.has(e.name) ? [e.name] : [])));
    expect([...lets.keys()].filter((name) => !reachedLets.has(name))).toEqual([]);
    expect([...tables.keys()].filter((name) => !usedTables.has(name))).toEqual([]);
  });
});
