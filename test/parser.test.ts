import { describe, expect, it } from "vitest";
import type {
  CodeSetDecl,
  Declaration,
  EnumDecl,
  Expression,
  LetDecl,
  PolicyHeader,
  RecordDecl,
  RuleDecl,
  SchemaHeader,
  SourceFile,
} from "../src/ast.js";
import { parse } from "../src/syntax/parse.js";

// ---------------------------------------------------------------------------------------------
// Helpers

function parseOk(source: string): SourceFile {
  const result = parse(source, "test.pol");
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(result.file).toBeDefined();
  return result.file!;
}

const POLICY_HEAD = 'policy t.p\n  title "T"\n';

function declarations(body: string): Declaration[] {
  return parseOk(POLICY_HEAD + body).declarations;
}

function declaration<K extends Declaration["kind"]>(
  body: string,
  kind: K,
): Extract<Declaration, { kind: K }> {
  const [first] = declarations(body);
  expect(first?.kind).toBe(kind);
  return first as Extract<Declaration, { kind: K }>;
}

/** The expression of `let x = <source>`. */
function expression(source: string): Expression {
  return declaration(`let x = ${source}\n`, "LetDecl").value;
}

/** An expression as an s-expression: nesting and operators at a glance. */
function shape(e: Expression): string {
  switch (e.kind) {
    case "BooleanLiteral":
      return String(e.value);
    case "NumberLiteral":
    case "PercentLiteral":
      return e.text;
    case "DurationLiteral":
      return `${e.amount}${e.unit}`;
    case "DateLiteral":
      return e.value;
    case "StringLiteral":
      return JSON.stringify(e.value);
    case "NameRef":
      return e.name;
    case "FieldAccess":
      return `(. ${shape(e.target)} ${e.field.name})`;
    case "UnaryExpression":
      return `(${e.operator === "-" ? "neg" : "not"} ${shape(e.operand)})`;
    case "BinaryExpression":
      return `(${e.operator} ${shape(e.left)} ${shape(e.right)})`;
    case "InCodesExpression":
      return `(${e.negated ? "not-in" : "in"} ${shape(e.operand)} ${e.codes.name})`;
    case "AsPercentExpression":
      return `(as-percent ${shape(e.operand)})`;
    case "AsOfExpression":
      return `(as-of ${shape(e.rule)} ${shape(e.date)})`;
    case "GroupExpression":
      return `(${e.operator} ${e.operands.map(shape).join(" ")})`;
    case "WhereExpression":
      return `(where ${shape(e.source)} ${shape(e.condition)})`;
    case "WithinExpression":
      return `(within ${shape(e.source)} ${e.window.kind === "YearWindow" ? `${e.window.year}-year` : `${e.window.amount}${e.window.unit}`})`;
    case "InListExpression":
      return `(${e.negated ? "not-in" : "in"} ${shape(e.operand)} ${shape(e.list)})`;
    case "InSetExpression":
      return `(${e.negated ? "not-in" : "in"} ${shape(e.operand)} {${e.members.map((m) => (m.kind === "Identifier" ? m.name : JSON.stringify(m.value))).join(" ")}})`;
    case "CountExpression":
      return `(count${e.distinct ? ` distinct ${e.distinct.map((k) => k.name).join(",")}` : ""}${named(e.element)} ${shape(e.source)})`;
    case "QuantifierExpression":
      return `(${e.quantifier}${named(e.element)} ${shape(e.source)})`;
    case "PickExpression":
      return `(${e.pick}${named(e.element)} ${shape(e.source)})`;
    case "SelectExpression":
      return `(${e.pick} ${e.count.text}${named(e.element)} ${shape(e.source)})`;
    case "DocumentedExpression":
      return `(documented ${shape(e.operand)})`;
    case "LookupExpression":
      return `(lookup ${e.table.name} ${shape(e.key)})`;
    case "SumExpression":
      return `(sum ${e.field.name} ${shape(e.source)})`;
    case "CoverageExpression":
      return `(coverage ${shape(e.source)})`;
    case "TimeSinceExpression":
      return `(since ${shape(e.from)})`;
    case "TimeBetweenExpression":
      return `(between ${shape(e.from)} ${shape(e.to)})`;
  }
}

function named(element: { name: string } | undefined): string {
  return element === undefined ? "" : ` ${element.name} in`;
}

const shapeOf = (source: string) => shape(expression(source));

/** `line:column-line:column` of a span. */
function at(node: {
  span: { start: { line: number; column: number }; end: { line: number; column: number } };
}) {
  const { start, end } = node.span;
  return `${start.line}:${start.column}-${end.line}:${end.column}`;
}

// ---------------------------------------------------------------------------------------------

const SIJ_POLICY = `policy truecare.sij
  title "Sacroiliac joint procedures"
  payer "TrueCare"
  number "MM-1463"
  version "2025-02-26"
  effective 2025-07-01
  expires 2026-07-01

use "../schema/spine.pol"

codes sij_injection "sacroiliac joint injection" = cpt { 27096 64451 G0260 }

let sij_history "prior SIJ injections" = procedures where code in sij_injection
let last_sij "the latest SIJ injection" = latest sij_history

rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
  for sij_injection when item.purpose == therapeutic

  require B1 [D.I.B.1] "the last SIJ injection gave at least 75% relief and better function"
    last_sij.relief >= 75% and last_sij.functional_improvement

  require B4 [D.I.B.4] "at least two months since the last SIJ injection"
    no sij_history or time since last_sij.date >= 2mo

  require B5 [D.I.B.5] "no more than 4 injections at this site in the last 12 months"
    count sij_history where site == item.site within 12mo <= 4
`;

describe("policy files", () => {
  it("parses the example policy of docs/language.md", () => {
    const file = parseOk(SIJ_POLICY);
    const header = file.header as PolicyHeader;
    expect(header.kind).toBe("PolicyHeader");
    expect(header.id.map((part) => part.name)).toEqual(["truecare", "sij"]);
    expect(header.fields.map((field) => [field.key, field.value.kind, field.value.kind === "Identifier" ? field.value.name : field.value.value])).toEqual([
      ["title", "StringLiteral", "Sacroiliac joint procedures"],
      ["payer", "StringLiteral", "TrueCare"],
      ["number", "StringLiteral", "MM-1463"],
      ["version", "StringLiteral", "2025-02-26"],
      ["effective", "DateLiteral", "2025-07-01"],
      ["expires", "DateLiteral", "2026-07-01"],
    ]);
    expect(file.uses.map((use) => use.path.value)).toEqual(["../schema/spine.pol"]);
    expect(file.declarations.map((d) => d.kind)).toEqual([
      "CodeSetDecl",
      "LetDecl",
      "LetDecl",
      "RuleDecl",
    ]);

    const rule = file.declarations[3] as RuleDecl;
    expect(rule.id.name).toBe("therapeutic_sij");
    expect(rule.title.value).toBe("Therapeutic SIJ injection");
    expect(rule.citation?.text).toBe("D.I.B");
    expect(rule.codes.map((codes) => codes.name)).toEqual(["sij_injection"]);
    expect(shape(rule.when!)).toBe("(== (. item purpose) therapeutic)");
    expect(
      rule.criteria.map((c) => [c.effect, c.id.name, c.citation?.text, shape(c.condition!)]),
    ).toEqual([
      [
        "require",
        "B1",
        "D.I.B.1",
        "(and (>= (. last_sij relief) 75%) (. last_sij functional_improvement))",
      ],
      ["require", "B4", "D.I.B.4", "(or (no sij_history) (>= (since (. last_sij date)) 2mo))"],
      [
        "require",
        "B5",
        "D.I.B.5",
        "(<= (count (within (where sij_history (== site (. item site))) 12mo)) 4)",
      ],
    ]);
    expect(rule.criteria[0]!.description?.value).toBe(
      "the last SIJ injection gave at least 75% relief and better function",
    );
  });

  it("parses a schema header with and without a title", () => {
    const titled = parseOk('schema spine "Interventional spine pain cases"\n')
      .header as SchemaHeader;
    expect(titled).toMatchObject({
      kind: "SchemaHeader",
      name: { name: "spine" },
      title: { value: "Interventional spine pain cases" },
    });
    const bare = parseOk("schema spine\n").header as SchemaHeader;
    expect(bare.name.name).toBe("spine");
    expect(bare.title).toBeUndefined();
  });

  it("parses a policy with a one-part id and no header fields", () => {
    const header = parseOk("policy solo\n").header as PolicyHeader;
    expect(header.id.map((part) => part.name)).toEqual(["solo"]);
    expect(header.fields).toEqual([]);
  });

  it("keeps uses in order", () => {
    const file = parseOk('schema s\nuse "a.pol"\nuse "b/c.pol"\nenum E { a }\n');
    expect(file.uses.map((use) => use.path.value)).toEqual(["a.pol", "b/c.pol"]);
  });
});

describe("schema declarations", () => {
  it("parses enums with spaces or commas between members", () => {
    const spaced = declaration('enum Side "side of the body" { left right bilateral }', "EnumDecl");
    expect(spaced.name.name).toBe("Side");
    expect(spaced.label?.value).toBe("side of the body");
    expect(spaced.members.map((m) => m.name)).toEqual(["left", "right", "bilateral"]);
    const commas = declaration("enum Purpose { diagnostic, therapeutic }", "EnumDecl") as EnumDecl;
    expect(commas.label).toBeUndefined();
    expect(commas.members.map((m) => m.name)).toEqual(["diagnostic", "therapeutic"]);
  });

  it("parses an event record: dated by one field, typed and labelled fields", () => {
    const record = declaration(
      `record Procedure "prior procedure" dated by date {
        code: code "procedure code"
        date: date "date of the procedure"
        side: Side
        number: number "header keys are ordinary names"
      }`,
      "RecordDecl",
    );
    expect(record.name.name).toBe("Procedure");
    expect(record.label?.value).toBe("prior procedure");
    expect(record.dated?.start.name).toBe("date");
    expect(record.dated?.end).toBeUndefined();
    expect(
      record.fields.map((f) => [f.name.name, f.type.name.name, f.type.list, f.label?.value]),
    ).toEqual([
      ["code", "code", false, "procedure code"],
      ["date", "date", false, "date of the procedure"],
      ["side", "Side", false, undefined],
      ["number", "number", false, "header keys are ordinary names"],
    ]);
  });

  it("parses an episode record: dated by start to end", () => {
    const record = declaration(
      'record Therapy "conservative therapy episode" dated by start to end { start: date end: date }',
      "RecordDecl",
    ) as RecordDecl;
    expect(record.dated?.start.name).toBe("start");
    expect(record.dated?.end?.name).toBe("end");
    expect(record.fields).toHaveLength(2);
  });

  it("parses a record without a label or a date", () => {
    const record = declaration("record Note { text: text }", "RecordDecl");
    expect(record.label).toBeUndefined();
    expect(record.dated).toBeUndefined();
  });

  it("parses computed fields with the label before or after the expression", () => {
    const record = declaration(
      `record Procedure {
        pain_before: number
        pain_after: number
        score_relief: percent "relief from scores" = (pain_before - pain_after) / pain_before as percent
        relief_again: percent = (pain_before - pain_after) / pain_before as percent
          "pain relief computed from the pain scores"
      }`,
      "RecordDecl",
    );
    const [, , before, after] = record.fields;
    expect(before!.type).toMatchObject({ name: { name: "percent" }, list: false });
    expect(before!.label?.value).toBe("relief from scores");
    expect(shape(before!.computed!)).toBe(
      "(as-percent (/ (- pain_before pain_after) pain_before))",
    );
    expect(after!.label?.value).toBe("pain relief computed from the pain scores");
    expect(shape(after!.computed!)).toBe(shape(before!.computed!));
  });

  it("parses case and item blocks with list types", () => {
    const [caseDecl, itemDecl] = declarations(`case {
        pain_onset: date "date the pain began"
        procedures: list of Procedure "prior procedures"
      }
      item {
        code: code "requested procedure code"
        purpose: Purpose "diagnostic or therapeutic purpose of the request"
      }`);
    expect(caseDecl?.kind).toBe("CaseDecl");
    expect(itemDecl?.kind).toBe("ItemDecl");
    if (caseDecl?.kind !== "CaseDecl" || itemDecl?.kind !== "ItemDecl") return;
    expect(caseDecl.fields.map((f) => [f.name.name, f.type.name.name, f.type.list])).toEqual([
      ["pain_onset", "date", false],
      ["procedures", "Procedure", true],
    ]);
    expect(itemDecl.fields.map((f) => f.name.name)).toEqual(["code", "purpose"]);
  });

  it("parses empty field blocks", () => {
    expect(declaration("case { }", "CaseDecl").fields).toEqual([]);
  });
});

describe("code sets", () => {
  function entries(decl: CodeSetDecl): string[] {
    return decl.entries.map((entry) =>
      entry.kind === "CodeExact"
        ? `=${entry.code}`
        : entry.kind === "CodePrefix"
          ? `${entry.prefix}*`
          : `${entry.from}..${entry.to}`,
    );
  }

  it("parses exact codes, ranges and prefixes, separated by spaces or commas", () => {
    const decl = declaration(
      'codes mixed "mixed" = cpt { 27096, 64490-64495 G0260,64451, }',
      "CodeSetDecl",
    );
    expect(decl).toMatchObject({
      name: { name: "mixed" },
      label: { value: "mixed" },
      system: "cpt",
    });
    expect(entries(decl)).toEqual(["=27096", "64490..64495", "=G0260", "=64451"]);
  });

  it("normalises codes to upper case and strips the prefix marker", () => {
    const decl = declaration(
      "codes zoster = icd10 { b02.* M54* m54.5 b02.1-b02.9 }",
      "CodeSetDecl",
    );
    expect(decl.system).toBe("icd10");
    expect(decl.label).toBeUndefined();
    expect(entries(decl)).toEqual(["B02*", "M54*", "=M54.5", "B02.1..B02.9"]);
  });

  it("reads the system from hcpcs and from a brace on the next line", () => {
    expect(declaration("codes h = hcpcs { J1040 }", "CodeSetDecl").system).toBe("hcpcs");
    const split = declaration("codes c = cpt\n{ 20552 }", "CodeSetDecl");
    expect(split.system).toBe("cpt");
    expect(entries(split)).toEqual(["=20552"]);
  });

  it("parses an empty code list and code lists spanning lines with comments", () => {
    expect(declaration("codes none = cpt {}", "CodeSetDecl").entries).toEqual([]);
    const file = parseOk(POLICY_HEAD + "codes c = cpt {\n  20552 # one muscle group\n  20553\n}\n");
    expect(entries(file.declarations[0] as CodeSetDecl)).toEqual(["=20552", "=20553"]);
    expect(file.comments.map((c) => c.text)).toEqual([" one muscle group"]);
  });
});

describe("lets and rules", () => {
  it("parses lets with and without a label", () => {
    const [labelled, bare] = declarations('let a "the a" = 1\nlet b = a + 1\n') as LetDecl[];
    expect(labelled!.label?.value).toBe("the a");
    expect(shape(labelled!.value)).toBe("1");
    expect(bare!.label).toBeUndefined();
    expect(shape(bare!.value)).toBe("(+ a 1)");
  });

  it("parses every criterion effect, with and without when", () => {
    const rule = declaration(
      `rule r "title" for codes_a
         require A1 [S.1] "must" a
         deny A2 [S.2] "denied when" when b
         deny A3 [S.3] "always denied"
         not covered A4 [S.4] "not covered" when c
         not    covered A5 [S.5]
         bundle A6 [S.6] "bundled" when d or e
         note A7 [S.7] "a caution" when f
         note A8 [S.8] "always a caution"`,
      "RuleDecl",
    );
    expect(rule.citation).toBeUndefined();
    expect(rule.when).toBeUndefined();
    expect(
      rule.criteria.map((c) => [
        c.effect,
        c.id.name,
        c.citation?.text,
        c.description?.value,
        c.condition && shape(c.condition),
      ]),
    ).toEqual([
      ["require", "A1", "S.1", "must", "a"],
      ["deny", "A2", "S.2", "denied when", "b"],
      ["deny", "A3", "S.3", "always denied", undefined],
      ["not_covered", "A4", "S.4", "not covered", "c"],
      ["not_covered", "A5", "S.5", undefined, undefined],
      ["bundle", "A6", "S.6", "bundled", "(or d e)"],
      ["note", "A7", "S.7", "a caution", "f"],
      ["note", "A8", "S.8", "always a caution", undefined],
    ]);
  });

  it("binds a rule to several code sets separated by commas", () => {
    const rule = declaration('rule r "t" for imaging, contrast ,dye when true\n  bundle B [B] "b"', "RuleDecl");
    expect(rule.codes.map((codes) => codes.name)).toEqual(["imaging", "contrast", "dye"]);
    expect(rule.codes[1]!.span.start.column).toBe(25);
    expect(shape(rule.when!)).toBe("true");
  });

  it("reads `note` as a name everywhere but at the start of a criterion", () => {
    const [letNote, rule] = declarations(
      'let note = 1\nrule r "t" for s\n  require note [S.1] "d" note >= 1\n  note N [S.2] "n" when note.x\n  deny D [S.3] "d"\n',
    ) as [LetDecl, RuleDecl];
    expect(letNote.name.name).toBe("note");
    expect(rule.criteria.map((c) => [c.effect, c.id.name, c.condition && shape(c.condition)])).toEqual([
      ["require", "note", "(>= note 1)"],
      ["note", "N", "(. note x)"],
      ["deny", "D", undefined],
    ]);
  });

  it("ends a rule's when condition and a criterion at the next keyword, across lines", () => {
    const [first, , second] = declarations(
      'rule r "t" [R] for s when item.side == left\nrequire A [x] "a" b\nlet after = 1\nrule q "u" for s\n',
    ) as [RuleDecl, LetDecl, RuleDecl];
    expect(shape(first.when!)).toBe("(== (. item side) left)");
    expect(first.criteria).toHaveLength(1);
    expect(second.criteria).toEqual([]);
  });

  it("allows a criterion without a citation or description (the checker reports them)", () => {
    const rule = declaration('rule r "t" for s\nrequire A x > 1\n', "RuleDecl");
    expect(rule.criteria[0]).toMatchObject({ id: { name: "A" } });
    expect(rule.criteria[0]!.citation).toBeUndefined();
    expect(rule.criteria[0]!.description).toBeUndefined();
    expect(shape(rule.criteria[0]!.condition!)).toBe("(> x 1)");
  });
});

describe("expressions", () => {
  it("parses literals", () => {
    expect(expression("true")).toMatchObject({ kind: "BooleanLiteral", value: true });
    expect(expression("false")).toMatchObject({ kind: "BooleanLiteral", value: false });
    expect(expression("0.5")).toMatchObject({ kind: "NumberLiteral", value: 0.5, text: "0.5" });
    expect(expression("62.5%")).toMatchObject({
      kind: "PercentLiteral",
      value: 62.5,
      text: "62.5%",
    });
    expect(expression("2025-07-01")).toMatchObject({ kind: "DateLiteral", value: "2025-07-01" });
    expect(expression('"a \\"quoted\\" \\\\ b"')).toMatchObject({
      kind: "StringLiteral",
      value: 'a "quoted" \\ b',
    });
    for (const [text, amount, unit] of [
      ["7d", 7, "d"],
      ["6wk", 6, "wk"],
      ["12mo", 12, "mo"],
      ["1y", 1, "y"],
    ] as const) {
      expect(expression(text)).toMatchObject({ kind: "DurationLiteral", amount, unit });
    }
  });

  it("parses names, item and field access", () => {
    expect(expression("item")).toMatchObject({ kind: "NameRef", name: "item" });
    expect(expression("items")).toMatchObject({ kind: "NameRef", name: "items" });
    expect(shapeOf("item.code")).toBe("(. item code)");
    expect(shapeOf("latest procedures.date")).toBe("(latest (. procedures date))");
    expect(shapeOf("(latest procedures).date")).toBe("(. (latest procedures) date)");
    expect(shapeOf("a.b.c")).toBe("(. (. a b) c)");
  });

  it("does not take keywords out of longer names", () => {
    expect(
      shapeOf("nothing or notes or index or items or timeline or policyholder or nothing_else"),
    ).toBe(
      "(or (or (or (or (or (or nothing notes) index) items) timeline) policyholder) nothing_else)",
    );
  });

  it("orders or, and, not, comparison", () => {
    expect(shapeOf("a or b and c")).toBe("(or a (and b c))");
    expect(shapeOf("a and b or c")).toBe("(or (and a b) c)");
    expect(shapeOf("not a and b")).toBe("(and (not a) b)");
    expect(shapeOf("not not a")).toBe("(not (not a))");
    expect(shapeOf("not a == b")).toBe("(not (== a b))");
    expect(shapeOf("a < b and c >= d")).toBe("(and (< a b) (>= c d))");
    expect(shapeOf("a != b or c <= d or e > f")).toBe("(or (or (!= a b) (<= c d)) (> e f))");
  });

  it("orders arithmetic, left to right within a level", () => {
    expect(shapeOf("a + b * c")).toBe("(+ a (* b c))");
    expect(shapeOf("a - b - c")).toBe("(- (- a b) c)");
    expect(shapeOf("a / b * c")).toBe("(* (/ a b) c)");
    expect(shapeOf("(a + b) * c")).toBe("(* (+ a b) c)");
    expect(shapeOf("a + b == c * d")).toBe("(== (+ a b) (* c d))");
    expect(shapeOf("-a * b")).toBe("(* (neg a) b)");
    expect(shapeOf("- - 1")).toBe("(neg (neg 1))");
  });

  it("binds as percent looser than arithmetic and tighter than comparison", () => {
    expect(shapeOf("(a - b) / a as percent")).toBe("(as-percent (/ (- a b) a))");
    expect(shapeOf("a - b / a as percent")).toBe("(as-percent (- a (/ b a)))");
    expect(shapeOf("a / b as percent >= 50%")).toBe("(>= (as-percent (/ a b)) 50%)");
  });

  it("parses code membership, negated or not", () => {
    expect(expression("code in sij")).toMatchObject({
      kind: "InCodesExpression",
      negated: false,
      codes: { name: "sij" },
    });
    expect(shapeOf("item.code not in sij")).toBe("(not-in (. item code) sij)");
    expect(shapeOf("not code in sij and x")).toBe("(and (not (in code sij)) x)");
  });

  it("parses all(...) and any(...), with a trailing comma", () => {
    expect(shapeOf("all(a, b or c, not d)")).toBe("(all a (or b c) (not d))");
    expect(shapeOf("any(a,)")).toBe("(any a)");
    expect(shapeOf("all(a, any(b, c),) and e")).toBe("(and (all a (any b c)) e)");
  });

  it("parses list prefixes", () => {
    expect(shapeOf("count procedures")).toBe("(count procedures)");
    expect(shapeOf("some diagnoses where code in zoster")).toBe(
      "(some (where diagnoses (in code zoster)))",
    );
    expect(shapeOf("no procedures")).toBe("(no procedures)");
    expect(shapeOf("earliest therapies within 6mo")).toBe("(earliest (within therapies 6mo))");
    expect(shapeOf("sum relief_duration of procedures where relief > 50%")).toBe(
      "(sum relief_duration (where procedures (> relief 50%)))",
    );
    expect(shapeOf("coverage of therapies within 6mo >= 42d")).toBe(
      "(>= (coverage (within therapies 6mo)) 42d)",
    );
    expect(shapeOf("count procedures + 1")).toBe("(+ (count procedures) 1)");
  });

  it("parses distinct counts, ordinal selection and named elements", () => {
    expect(shapeOf("count distinct date, level of injections within 12mo > 4")).toBe(
      "(> (count distinct date,level (within injections 12mo)) 4)",
    );
    expect(shapeOf("earliest 3 of injections where relief > 0%")).toBe("(earliest 3 (where injections (> relief 0%)))");
    expect(shapeOf("earliest (latest 2 of blocks)")).toBe("(earliest (latest 2 blocks))");
    expect(shapeOf("no (earliest 3 of blocks) where relief >= 50%")).toBe("(no (where (earliest 3 blocks) (>= relief 50%)))");
    expect(shapeOf("some v in visits where count visits where date >= v.date and date <= v.date + 6wk >= 4")).toBe(
      "(some v in (where visits (>= (count (where visits (and (>= date (. v date)) (<= date (+ (. v date) 6wk))))) 4)))",
    );
    expect(shapeOf("count b in blocks where b.relief > 50%")).toBe("(count b in (where blocks (> (. b relief) 50%)))");
  });

  it("parses member sets, list membership and documented", () => {
    expect(shapeOf("kind in {physical_therapy, chiropractic}")).toBe("(in kind {physical_therapy chiropractic})");
    expect(shapeOf('kind not in {"a" "b"}')).toBe('(not-in kind {"a" "b"})');
    expect(shapeOf("item.level in last.levels")).toBe("(in (. item level) (. last levels))");
    expect(shapeOf("code in sij")).toBe("(in code sij)");
    expect(shapeOf("documented last.relief and documented date")).toBe(
      "(and (documented (. last relief)) (documented date))",
    );
  });

  it("parses lookup tables, lookups and hours", () => {
    const [table] = declarations('table action_time "how long it acts" by Anesthetic {\n  lidocaine 2h\n  bupivacaine 8h,\n}\n');
    expect(table).toMatchObject({
      kind: "TableDecl",
      name: { name: "action_time" },
      key: { name: "Anesthetic" },
      entries: [
        { member: { name: "lidocaine" }, value: { kind: "DurationLiteral", amount: 2, unit: "h" } },
        { member: { name: "bupivacaine" }, value: { kind: "DurationLiteral", amount: 8, unit: "h" } },
      ],
    });
    expect(shapeOf("last.relief_duration >= action_time of last.anesthetic")).toBe(
      "(>= (. last relief_duration) (lookup action_time (. last anesthetic)))",
    );
    expect(shapeOf("table + 1")).toBe("(+ table 1)");
  });

  it("reads `ordered` before the members of an enum, and only there", () => {
    const [ordered, plain] = declarations('enum Severity "severity" ordered { mild moderate }\nenum ordered { a b }\n');
    expect(ordered).toMatchObject({ kind: "EnumDecl", ordered: true });
    expect(plain).toMatchObject({ kind: "EnumDecl", name: { name: "ordered" } });
    expect(plain).not.toHaveProperty("ordered");
  });

  it("parses time since and time between with additive arguments", () => {
    expect(shapeOf("time since last.date >= 2mo")).toBe("(>= (since (. last date)) 2mo)");
    expect(shapeOf("time since a + 1d")).toBe("(since (+ a 1d))");
    expect(shapeOf("time between a.date and b.date <= 30d and c")).toBe(
      "(and (<= (between (. a date) (. b date)) 30d) c)",
    );
  });

  describe("list chains", () => {
    it("continues the outer chain after a where condition", () => {
      expect(
        shapeOf("count procedures where code in sij and site == item.site within 12mo <= 4"),
      ).toBe(
        "(<= (count (within (where procedures (and (in code sij) (== site (. item site)))) 12mo)) 4)",
      );
      expect(shapeOf("procedures where a where b")).toBe("(where (where procedures a) b)");
      expect(shapeOf("procedures within 12mo where a within 6mo")).toBe(
        "(within (where (within procedures 12mo) a) 6mo)",
      );
    });

    it("lets a prefix form inside a condition take its own chain greedily", () => {
      expect(shapeOf("procedures where some therapies where a within 6mo")).toBe(
        "(where procedures (some (within (where therapies a) 6mo)))",
      );
      expect(shapeOf("procedures where (some therapies where a) within 6mo")).toBe(
        "(within (where procedures (some (where therapies a))) 6mo)",
      );
      expect(shapeOf("procedures where time since date <= 30d within 1y")).toBe(
        "(within (where procedures (<= (since date) 30d)) 1y)",
      );
    });

    // The grammar builds what it hands to Chevrotain once per value of `noChain` (grammar/parser.ts):
    // each level that passes it down must pass the condition's value, so that the last operand
    // of a condition, at any level, leaves `within` to the outer chain.
    it.each([
      ["a or b", "(or a b)"],
      ["a and b", "(and a b)"],
      ["not b", "(not b)"],
      ["a == b", "(== a b)"],
      ["a < b", "(< a b)"],
      ["a as percent > b", "(> (as-percent a) b)"],
      ["a as of b", "(as-of a b)"],
      ["a + b", "(+ a b)"],
      ["a - b * c", "(- a (* b c))"],
      ["a / -b", "(/ a (neg b))"],
      ["time since b", "(since b)"],
      ["time between a and b", "(between a b)"],
      ["not not a or b and c >= d - e", "(or (not (not a)) (and b (>= c (- d e))))"],
    ])("passes the condition's `noChain` down through `%s`", (condition, expected) => {
      expect(shapeOf(`procedures where ${condition} within 6mo`)).toBe(`(within (where procedures ${expected}) 6mo)`);
      expect(shapeOf(`(procedures where ${condition}) within 6mo where x`)).toBe(
        `(where (within (where procedures ${expected}) 6mo) x)`,
      );
      // Outside a condition, parsed after it, a name takes its chain again.
      expect(shapeOf(`x == b within 6mo`)).toBe("(== x (within b 6mo))");
    });

    it("lets a parenthesized operand inside a condition take a chain", () => {
      expect(shapeOf("procedures where (others where x) == y")).toBe(
        "(where procedures (== (where others x) y))",
      );
    });

    it("applies steps to an access path and to a parenthesized list", () => {
      expect(shapeOf("case_data.procedures within 1y")).toBe(
        "(within (. case_data procedures) 1y)",
      );
      expect(shapeOf("(a where b) within 1y")).toBe("(within (where a b) 1y)");
    });
  });
});

describe("comments and spans", () => {
  const source = [
    "# pol policy", //                                     line 1
    "policy t.p", //                                       line 2
    '  title "T" # the title', //                          line 3
    "codes s = cpt { 1 }", //                              line 4
    'rule r "t" [R] for s', //                             line 5
    '  not covered N1 [N.1] "n" when a.b >= 3', //         line 6
    "", //                                                 line 7
  ].join("\n");

  it("collects comments in source order, without the #", () => {
    const file = parseOk(source);
    expect(file.comments.map((c) => [c.kind, c.text, at(c)])).toEqual([
      ["Comment", " pol policy", "1:1-1:13"],
      ["Comment", " the title", "3:13-3:24"],
    ]);
  });

  it("gives every node a 1-based, end-exclusive span in the named file", () => {
    const file = parseOk(source);
    expect(file.span).toMatchObject({ file: "test.pol", start: { offset: 0, line: 1, column: 1 } });
    expect(file.span.end.offset).toBe(source.length);
    const header = file.header as PolicyHeader;
    expect(at(header)).toBe("2:1-3:12");
    expect(at({ span: header.fields[0]!.keySpan })).toBe("3:3-3:8");
    expect(at(header.fields[0]!)).toBe("3:3-3:12");
    const rule = file.declarations[1] as RuleDecl;
    expect(at(rule)).toBe("5:1-6:41");
    const criterion = rule.criteria[0]!;
    expect(at({ span: criterion.effectSpan })).toBe("6:3-6:14");
    expect(at(criterion.id)).toBe("6:15-6:17");
    expect(at(criterion.citation!)).toBe("6:18-6:23");
    const condition = criterion.condition!;
    expect(condition.kind).toBe("BinaryExpression");
    if (condition.kind !== "BinaryExpression") return;
    expect(at(condition)).toBe("6:33-6:41");
    expect(at({ span: condition.operatorSpan })).toBe("6:37-6:39");
    expect(condition.operatorSpan.start.offset).toBe(source.indexOf(">="));
    expect(at(condition.left)).toBe("6:33-6:36");
    const codes = file.declarations[0] as CodeSetDecl;
    expect(at(codes.entries[0]!)).toBe("4:17-4:18");
  });

  it("counts lines the same way with CRLF line endings, and keeps \\r out of comments", () => {
    const file = parseOk('policy t.p\r\n  title "T" # note\r\nlet x = a + b\r\n');
    expect(file.comments.map((c) => [c.text, at(c)])).toEqual([[" note", "2:13-2:19"]]);
    const value = (file.declarations[0] as LetDecl).value;
    expect(at(value)).toBe("3:9-3:14");
  });

  it("parses a file ending in a comment without a final line break", () => {
    const file = parseOk("schema s\nenum E { a } # last");
    expect(file.comments.map((c) => c.text)).toEqual([" last"]);
    expect(file.span.end).toMatchObject({ line: 2, column: 20, offset: 28 });
  });

  it("spans a chain from its source to its last step", () => {
    const value = expression("count procedures where a within 12mo");
    expect(value.kind).toBe("CountExpression");
    if (value.kind !== "CountExpression") return;
    // `let x = ` is 8 characters on line 3.
    expect(at(value)).toBe("3:9-3:45");
    expect(at(value.source)).toBe("3:15-3:45");
  });
});
