import { describe, expect, it } from "vitest";
import { formatPol } from "../src/tools/format/prettier-plugin.js";
import { parseShape } from "./support/ast-shape.js";
import { CONSTRUCTS_POLICY, CONSTRUCTS_SCHEMA } from "./support/constructs-fixture.js";

// Every example is checked three ways: it formats to the expected text, the expected text is a
// fixed point (idempotence), and formatting kept the AST and the comments.
async function expectFormat(input: string, expected: string): Promise<void> {
  const output = await formatPol(input);
  expect(output).toBe(expected);
  expect(await formatPol(expected)).toBe(expected);
  expect(parseShape(output)).toEqual(parseShape(input));
}

const HEAD = 'policy t.p\n  title "T"\n  payer "P"\n  number "1"\n  version "1"\n  effective 2025-01-01\n';

/** The canonical text of `let x = <expression>` in a policy (on the next line when it starts with one). */
async function expectExpression(input: string, expected: string): Promise<void> {
  const printed = expected.startsWith("\n") ? `let x =${expected}` : `let x = ${expected}`;
  await expectFormat(`${HEAD}\nlet x = ${input}\n`, `${HEAD}\n${printed}\n`);
}

describe("declarations", () => {
  it("lays out a policy header, uses, code sets, lets and rules", async () => {
    await expectFormat(
      `policy   truecare.sij title "Sacroiliac joint procedures" payer "TrueCare"
number "MM-1463" version "2025-02-26" effective 2025-07-01 use "../schema/spine.pol"
codes sij_injection "sacroiliac joint injection" = cpt {27096,64451 , g0260}
let sij_history "prior SIJ injections" =
    procedures   where code in sij_injection
let last_sij "the latest SIJ injection" = latest sij_history
rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B] for sij_injection ,other_codes when item.purpose == therapeutic
require B1 [D.I.B.1] "the last SIJ injection gave at least 75% relief" last_sij.relief >= 75%
deny C6 [D.I.C.6] "herpes zoster" when item.diagnosis in herpes_zoster
not   covered US [US] "not covered" bundle C1 [C.1] "bundled"
note C4 [D.I.C.4] "long-term use may be reviewed"   when count sij_history >= 4 note N [N] "always"`,
      `policy truecare.sij
  title "Sacroiliac joint procedures"
  payer "TrueCare"
  number "MM-1463"
  version "2025-02-26"
  effective 2025-07-01

use "../schema/spine.pol"

codes sij_injection "sacroiliac joint injection" = cpt { 27096 64451 G0260 }
let sij_history "prior SIJ injections" = procedures where code in sij_injection
let last_sij "the latest SIJ injection" = latest sij_history

rule therapeutic_sij "Therapeutic SIJ injection" [D.I.B]
  for sij_injection, other_codes when item.purpose == therapeutic

  require B1 [D.I.B.1] "the last SIJ injection gave at least 75% relief"
    last_sij.relief >= 75%

  deny C6 [D.I.C.6] "herpes zoster"
    when item.diagnosis in herpes_zoster

  not covered US [US] "not covered"

  bundle C1 [C.1] "bundled"

  note C4 [D.I.C.4] "long-term use may be reviewed"
    when count sij_history >= 4

  note N [N] "always"
`,
    );
  });

  it("keeps one empty line where the author had any, and always one around rules", async () => {
    await expectFormat(
      `${HEAD}
let a = 1


let b = 2
let c = 3
rule r "R" [R]
  for s
  require A [A] "a"
    a
let d = 4
`,
      `${HEAD}
let a = 1

let b = 2
let c = 3

rule r "R" [R]
  for s

  require A [A] "a"
    a

let d = 4
`,
    );
  });

  it("lays out a schema: enums, records, computed fields, case and item", async () => {
    await expectFormat(
      `schema spine "Spine cases"
enum Side "side of the body" {left,right bilateral}
enum TherapyKind "kind of conservative therapy" { physical_therapy occupational_therapy home_exercise_program chiropractic }
record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  functional_improvement: bool "whether function or activity tolerance improved after the prior procedure"
  score_relief: percent "pain relief from the scores" = (pain_before - pain_after) / pain_before as percent
}
record Therapy dated by start to end { start: date end: date }
case { procedures: list of Procedure "prior procedures" }
item {}
`,
      `schema spine "Spine cases"

enum Side "side of the body" { left right bilateral }
enum TherapyKind "kind of conservative therapy" {
  physical_therapy
  occupational_therapy
  home_exercise_program
  chiropractic
}
record Procedure "prior procedure" dated by date {
  code: code "procedure code"
  date: date "date of the procedure"
  functional_improvement: bool
    "whether function or activity tolerance improved after the prior procedure"
  score_relief: percent = (pain_before - pain_after) / pain_before as percent
    "pain relief from the scores"
}
record Therapy dated by start to end {
  start: date
  end: date
}
case {
  procedures: list of Procedure "prior procedures"
}
item {}
`,
    );
  });

  it("puts a code list on one line, else alone on the next, else one source line per line", async () => {
    await expectFormat(
      `${HEAD}
codes image_guidance "image guidance for the injection" = cpt { 77002 77003 77012 77021 76942 73542 }
codes herpes "herpes zoster" = icd10 { b02.* }
codes neural_blockade "neural blockade (nerve block or spinal injection)" = cpt { 27096 64451 G0260
  62320-62327
  64400-64450 64454 64461-64463 64479-64484 64486-64489 64490-64495 }
codes empty = hcpcs { }
`,
      `${HEAD}
codes image_guidance "image guidance for the injection" =
  cpt { 77002 77003 77012 77021 76942 73542 }
codes herpes "herpes zoster" = icd10 { B02.* }
codes neural_blockade "neural blockade (nerve block or spinal injection)" = cpt {
  27096 64451 G0260
  62320-62327
  64400-64450 64454 64461-64463 64479-64484 64486-64489 64490-64495
}
codes empty = hcpcs {}
`,
    );
  });

  it("wraps a long line of codes at the print width", async () => {
    const codes = Array.from({ length: 20 }, (_, index) => String(10000 + index)).join(" ");
    const output = await formatPol(`${HEAD}\ncodes many = cpt { ${codes} }\n`);
    const lines = output.split("\n").filter((text) => /^\s+1\d{4}/.test(text));
    expect(lines.length).toBe(2);
    for (const text of lines) expect(text.length).toBeLessThanOrEqual(100);
    expect(parseShape(output)).toEqual(parseShape(`${HEAD}\ncodes many = cpt { ${codes} }\n`));
  });

  it("breaks a long let after `=` and indents the value", async () => {
    await expectFormat(
      `${HEAD}
let last_therapeutic_tpi_same_muscle "the preceding therapeutic injection of the requested muscle" = latest therapeutic_tpi_same_muscle
`,
      `${HEAD}
let last_therapeutic_tpi_same_muscle "the preceding therapeutic injection of the requested muscle" =
  latest therapeutic_tpi_same_muscle
`,
    );
  });
});

describe("expressions", () => {
  it.each([
    ["a or b and c", "a or (b and c)"],
    ["(a and b) or c", "(a and b) or c"],
    ["(a or b) and c", "(a or b) and c"],
    ["((a))", "a"],
    ["not (a and b)", "not (a and b)"],
    ["not a == b", "not a == b"],
    ["a - (b - c)", "a - (b - c)"],
    ["(a - b) - c", "a - b - c"],
    ["(a + b) * c", "(a + b) * c"],
    ["a == -1", "a == -1"],
    [
      "(pain_before - pain_after) / pain_before as percent",
      "(pain_before - pain_after) / pain_before as percent",
    ],
    ["(x.y).z", "x.y.z"],
    ["(latest procedures).date", "(latest procedures).date"],
    ["code not in sij_injection", "code not in sij_injection"],
    // `count a in s` would name the element `a` of a list `s`: the parentheses stay.
    ["(count (a)) in sij", "(count a) in sij"],
    ["(latest a) in {x, y}", "(latest a) in {x, y}"],
    ["(count a within 12mo) in sij", "count a within 12mo in sij"],
    ["all(a, b,)", "all(a, b)"],
    ["any( a , (b or c) )", "any(a, b or c)"],
  ])("%s -> %s", async (input, expected) => {
    await expectExpression(input, expected);
  });

  it.each([
    // The condition of `where` takes everything after it: a following `or` needs parentheses.
    ["(some procedures where relief > 5%) or b", "(some procedures where relief > 5%) or b"],
    ["some procedures where (relief > 5% or b)", "some procedures where relief > 5% or b"],
    // ... and a comparison after a `where` condition keeps parentheses that show its scope,
    // although the grammar would not need them (a comparison cannot take a second one).
    ["count (procedures where a == b) <= 4", "(count procedures where a == b) <= 4"],
    ["(count procedures where code in s) >= 2", "(count procedures where code in s) >= 2"],
    ["(count a + count (b where c)) <= 5", "(count a + count b where c) <= 5"],
    ["count a + count b <= 5", "count a + count b <= 5"],
    [
      "count procedures where code in s and site == item.site within 12mo <= 4",
      "count procedures where code in s and site == item.site within 12mo <= 4",
    ],
    ["count (procedures where a) within 12mo", "count procedures where a within 12mo"],
    // A prefix form inside a condition takes its own chain greedily.
    ["procedures where some x within 3mo", "procedures where some x within 3mo"],
    ["procedures where (b within 2mo)", "procedures where (b within 2mo)"],
    ["(procedures where some x) within 3mo", "(procedures where some x) within 3mo"],
    // `time since` takes an additive operand.
    ["(time since x) + 1d", "(time since x) + 1d"],
    ["time since (x + 1d)", "time since x + 1d"],
    ["time since x >= 2mo", "time since x >= 2mo"],
    ["time between (latest p where a).date and b", "time between (latest p where a).date and b"],
    ["time between (latest p where a) and b", "time between (latest p where a) and b"],
    ["(time between a and b) - 1d", "(time between a and b) - 1d"],
    ["(x where a) as percent", "(x where a) as percent"],
    ["(x where a) in s", "(x where a) in s"],
  ])("%s -> %s", async (input, expected) => {
    await expectExpression(input, expected);
  });

  it("breaks a long condition before `or`, filling each line, continuation indented", async () => {
    await expectFormat(
      `${HEAD}
let conservative "conservative treatment episodes" = therapies where kind == pharmacotherapy or kind == physical_therapy or kind == home_exercise_program or kind == occupational_therapy or kind == chiropractic
`,
      `${HEAD}
let conservative "conservative treatment episodes" =
  therapies where kind == pharmacotherapy or kind == physical_therapy
    or kind == home_exercise_program or kind == occupational_therapy or kind == chiropractic
`,
    );
  });

  it("indents nested chains in parentheses one step further", async () => {
    await expectFormat(
      `${HEAD}
let active_therapy "active conservative therapy episodes [C.ACTIVE]" = therapies where kind == physical_therapy or kind == occupational_therapy or kind == chiropractic or kind == manipulation or (kind == home_exercise_program and physician_supervised and exercise_prescription and ((follow_up_documented and time between start and end >= 6wk) or stopped_for_physical_reason))
`,
      `${HEAD}
let active_therapy "active conservative therapy episodes [C.ACTIVE]" =
  therapies where kind == physical_therapy or kind == occupational_therapy or kind == chiropractic
    or kind == manipulation
    or (kind == home_exercise_program and physician_supervised and exercise_prescription
      and ((follow_up_documented and time between start and end >= 6wk)
        or stopped_for_physical_reason))
`,
    );
  });

  it("breaks a long criterion condition with the continuation under the condition", async () => {
    await expectFormat(
      `${HEAD}
rule r "R" [TP]
  for s
  require TP2_relief [TP.2] "the preceding therapeutic session gave more than 50% relief"
    no therapeutic_tpi_same_muscle or last_therapeutic_tpi_same_muscle.relief > 50% or last_therapeutic_tpi_same_muscle.score_relief > 50%
`,
      `${HEAD}
rule r "R" [TP]
  for s

  require TP2_relief [TP.2] "the preceding therapeutic session gave more than 50% relief"
    no therapeutic_tpi_same_muscle or last_therapeutic_tpi_same_muscle.relief > 50%
      or last_therapeutic_tpi_same_muscle.score_relief > 50%
`,
    );
  });

  it("puts the operands of a long all(...) one per line", async () => {
    await expectExpression(
      "any(low_back_pain_documented, upper_back_pain_documented, neck_pain_documented, myofascial_pain_syndrome)",
      `
  any(
    low_back_pain_documented,
    upper_back_pain_documented,
    neck_pain_documented,
    myofascial_pain_syndrome,
  )`,
    );
  });

  it("keeps a condition that starts with a string from becoming the description", async () => {
    await expectFormat(
      `${HEAD}\nrule r "R" [R]\n  for s\n  require A [A] ("x" == y)\n`,
      `${HEAD}\nrule r "R" [R]\n  for s\n\n  require A [A]\n    ("x" == y)\n`,
    );
  });

  it("escapes quotes and backslashes in strings", async () => {
    await expectExpression(String.raw`"a \"b\" \\ c"`, String.raw`"a \"b\" \\ c"`);
  });
});

describe("comments", () => {
  it("keeps own-line comments before declarations and rules, with their empty lines", async () => {
    await expectFormat(
      `# About this policy.
${HEAD}
# Cigna 0139 has no numbered sections.
#   [DSP.1]  Diagnostic/Stabilization Phase

use "../schema/spine.pol"
# ----------
# Codes
codes a = cpt { 1 }
# The rule.
rule r "R" [R]
  for a
  require A [A] "a"
    b
`,
      `# About this policy.
${HEAD}
# Cigna 0139 has no numbered sections.
#   [DSP.1]  Diagnostic/Stabilization Phase

use "../schema/spine.pol"

# ----------
# Codes
codes a = cpt { 1 }

# The rule.
rule r "R" [R]
  for a

  require A [A] "a"
    b
`,
    );
  });

  it("keeps trailing comments on their line", async () => {
    await expectFormat(
      `policy t.p # the id
  title "T"   # the title
  payer "P"
  number "1"
  version "1"
  effective 2025-01-01
  expires 2026-01-01        # optional
use "x.pol" # the schema
let a = 1 # one
rule r "R" [R] # the rule
  for s when b # binding
  require A [A] "a" # the head
    c # the condition
`,
      `policy t.p # the id
  title "T" # the title
  payer "P"
  number "1"
  version "1"
  effective 2025-01-01
  expires 2026-01-01 # optional

use "x.pol" # the schema

let a = 1 # one

rule r "R" [R] # the rule
  for s when b # binding

  require A [A] "a" # the head
    c # the condition
`,
    );
  });

  it("keeps comments between criteria, before the `for` line and after the last criterion", async () => {
    await expectFormat(
      `${HEAD}
rule r "R" [R]
  # what the rule binds to
  for s

  # The requested injection counts.
  deny A [A] "a"
    # the window
    when count h within 12mo >= 10
  # between

  bundle B [B] "b"
  # still about the rule
# about the next one
let z = 1
`,
      `${HEAD}
rule r "R" [R]
  # what the rule binds to
  for s

  # The requested injection counts.
  deny A [A] "a"
    # the window
    when count h within 12mo >= 10

  # between

  bundle B [B] "b"
  # still about the rule

# about the next one
let z = 1
`,
    );
  });

  it("keeps comments inside code lists, enums and records", async () => {
    await expectFormat(
      `${HEAD}
codes a "a" = cpt { 27096 64451, # SIJ
  # epidurals
  62320-62327
  G0260 # hcpcs
}
enum Side { left # the left one
  right }
record R "r" dated by d { # open
  d: date "d" # the date

  # computed
  e: percent = a / b as percent "e"
  # last
}
`,
      `${HEAD}
codes a "a" = cpt {
  27096 64451 # SIJ
  # epidurals
  62320-62327
  G0260 # hcpcs
}
enum Side {
  left # the left one
  right
}
record R "r" dated by d { # open
  d: date "d" # the date

  # computed
  e: percent = a / b as percent "e"
  # last
}
`,
    );
  });

  it("keeps comments inside long conditions, breaking the line after them", async () => {
    await expectFormat(
      `${HEAD}
let h = a # why a
  # before b
  or b or (c # inside
  and d)
`,
      `${HEAD}
let h =
  a # why a
    # before b
    or b or (c # inside
      and d)
`,
    );
  });

  it("keeps comments inside all(...)", async () => {
    await expectExpression(
      "all(a, # first\n b)",
      `
  all(
    a, # first
    b,
  )`,
    );
  });

  it("moves a comment from a spot with no line break to the line below the construct", async () => {
    await expectFormat(
      `${HEAD}\nlet a = count # odd\n  procedures >= 2 # after\nlet b = 1\n`,
      `${HEAD}\nlet a = count procedures >= 2\n# odd\n# after\nlet b = 1\n`,
    );
  });

  it("moves a comment after a condition's last operand below the construct when more follows", async () => {
    // Printed in place it would be carried past `within 6d` and run into the comment ending the line.
    await expectFormat(
      `${HEAD}\nlet a = procedures where code in x\n  and code not in y # why y\n  within 6d # why 6d\nlet b = 1\n`,
      `${HEAD}\nlet a = procedures where code in x and code not in y within 6d\n# why y\n# why 6d\nlet b = 1\n`,
    );
  });

  it("moves a comment after an opening parenthesis above the operand", async () => {
    await expectFormat(
      `${HEAD}\nlet a = x and (( # odd\n  b and c) or d)\n`,
      `${HEAD}\nlet a =\n  x\n    # odd\n    and ((b and c) or d)\n`,
    );
  });

  it("keeps comments at the end of the file", async () => {
    await expectFormat(
      `${HEAD}\nlet a = 1\n# last\n\n\n# very last`,
      `${HEAD}\nlet a = 1\n# last\n\n# very last\n`,
    );
  });
});

describe("the plugin", () => {
  it("reports a syntax error with its position instead of formatting", async () => {
    const failure = await formatPol(`${HEAD}\nlet a = (1\n`).then(
      () => undefined,
      (error: unknown) => error as Error & { loc?: { start: { line: number; column: number } } },
    );
    expect(failure).toBeInstanceOf(SyntaxError);
    expect(failure?.message).toMatch(/^POL1\d{3}: /);
    expect(failure?.loc?.start.line).toBeGreaterThanOrEqual(8);
  });

  it("formats an empty-bodied policy and a Windows line-ended file", async () => {
    const crlf = `${HEAD}\nlet a = 1 # one\n`.replace(/\n/g, "\r\n");
    expect(await formatPol(crlf)).toBe(`${HEAD}\nlet a = 1 # one\n`);
  });
});

describe("counting, ordering and naming constructs", () => {
  it("prints distinct counts, selections, named elements, member sets, documented and ordered enums", async () => {
    await expectExpression("count   distinct date ,level of injections within 12mo>4", "count distinct date, level of injections within 12mo > 4");
    await expectExpression("earliest 3 of  injections where relief>0%", "earliest 3 of injections where relief > 0%");
    await expectExpression("no (earliest 3 of injections) where relief >= 50%", "no (earliest 3 of injections) where relief >= 50%");
    await expectExpression("earliest (latest 2 of blocks)", "earliest (latest 2 of blocks)");
    await expectExpression(
      "some v  in visits where count visits where date >= v.date and date <= v.date + 6wk >= 4",
      "some v in visits where (count visits where date >= v.date and date <= v.date + 6wk) >= 4",
    );
    await expectExpression('kind in {a b,c}  and name not in {"x"}', 'kind in {a, b, c} and name not in {"x"}');
    await expectExpression("documented  last.relief or x in last.levels", "documented last.relief or x in last.levels");
    await expectFormat('schema s "S"\nenum Severity "severity"   ordered {none mild}\n', 'schema s "S"\n\nenum Severity "severity" ordered { none mild }\n');
  });

  it("prints a table one entry per line, and lookups", async () => {
    await expectFormat(
      `${HEAD}\ntable   t "how long" by Anesthetic { lidocaine 2h, bupivacaine 8h }\nlet x = t  of  last.anesthetic\n`,
      `${HEAD}\ntable t "how long" by Anesthetic {\n  lidocaine 2h\n  bupivacaine 8h\n}\nlet x = t of last.anesthetic\n`,
    );
  });

  it("formats the constructs fixture idempotently, keeping its AST", async () => {
    for (const source of [CONSTRUCTS_SCHEMA, CONSTRUCTS_POLICY]) {
      const once = await formatPol(source);
      expect(await formatPol(once)).toBe(once);
      expect(parseShape(once)).toEqual(parseShape(source));
    }
  });
});
