// Policy text never becomes code. Any string in any text position of a policy or its schema
// (header values, code-set, let, rule, criterion, schema, enum, record and field labels) compiles
// to modules that parse and type-check, whose tokens are those of the same policy with plain
// text, that run none of the string's code when imported, and that carry the string exactly
// wherever the runtime reports it (policy metadata, rule titles, reasons, traces, labels).

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { generateModules } from "../src/generate/modules.js";
import { interpret } from "../src/interpret/interpreter.js";
import type { CheckedPolicy } from "../src/model.js";
import { checkMemory, hostileText, importPolicy, PAYLOADS, polString } from "./fuzz/support.js";
import { property } from "./support/runs.js";
import { consumerFolder, isRuntimeFile, STRICT_OPTIONS } from "./support/strict-typecheck.js";

const POSITIONS = [
  "title",
  "payer",
  "number",
  "version",
  "schemaLabel",
  "enumLabel",
  "recordLabel",
  "recordFieldLabel",
  "caseFieldLabel",
  "listFieldLabel",
  "itemFieldLabel",
  "codeSetLabel",
  "letLabel",
  "ruleTitle",
  "description",
  "noteDescription",
] as const;

type Texts = Record<(typeof POSITIONS)[number], string>;

const plain = Object.fromEntries(POSITIONS.map((position) => [position, "x"])) as Texts;

/** The schema and the policy with each text in its position (id `t.p`, schema `s`). */
function sources(t: Texts, id = "t.p", schema = "s"): { schema: string; policy: string } {
  const q = polString;
  return {
    schema: `schema ${schema} ${q(t.schemaLabel)}

enum Side ${q(t.enumLabel)} { left right }

record Proc ${q(t.recordLabel)} {
  code: code ${q(t.recordFieldLabel)}
}

case {
  flag: bool ${q(t.caseFieldLabel)}
  procs: list of Proc ${q(t.listFieldLabel)}
}

item {
  code: code "requested code"
  side: Side ${q(t.itemFieldLabel)}
}
`,
    policy: `policy ${id}
  title ${q(t.title)}
  payer ${q(t.payer)}
  number ${q(t.number)}
  version ${q(t.version)}
  effective 2025-01-01

use "schema.pol"

codes c ${q(t.codeSetLabel)} = cpt { 11111 }

let l ${q(t.letLabel)} = flag and no procs where code in c

rule r ${q(t.ruleTitle)} [1]
  for c when item.side == left

  require a [1.a] ${q(t.description)}
    l

  note n [1.n] ${q(t.noteDescription)}
`,
  };
}

function checked(t: Texts, id?: string, schema?: string): CheckedPolicy {
  const { schema: schemaText, policy } = sources(t, id, schema);
  const result = checkMemory(policy, { "mem/schema.pol": schemaText });
  if (!result.policy) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return result.policy;
}

const texts: fc.Arbitrary<Texts> = fc.record(Object.fromEntries(POSITIONS.map((position) => [position, hostileText])) as Record<keyof Texts, fc.Arbitrary<string>>);

/** The module's tokens, without trivia, string contents or the trailing commas prettier adds
 *  when it breaks a list over lines: what a text could change only by escaping its literal. */
function tokenKinds(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, source);
  const kinds: string[] = [];
  // Template literal types (`${number}-${IsoMonth}-${IsoDay}`): a `}` that closes a substitution
  // continues the template, which the scanner only knows when told (as the parser tells it).
  const braces: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.TemplateHead) braces.push(0);
    else if (kind === ts.SyntaxKind.OpenBraceToken && braces.length > 0) braces[braces.length - 1]!++;
    else if (kind === ts.SyntaxKind.CloseBraceToken && braces.length > 0) {
      if (braces[braces.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) braces.pop();
      } else braces[braces.length - 1]!--;
    }
    kinds.push(ts.SyntaxKind[kind]);
  }
  return kinds.filter((kind, i) => !(kind === "CommaToken" && /^Close(Brace|Bracket|Paren)Token$/.test(kinds[i + 1] ?? "")));
}

/** Syntax errors of one generated TypeScript module. */
function syntaxErrors(source: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(source, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

const g = globalThis as { __pwned?: unknown };

describe("hostile text in every text position", () => {
  it("the checker accepts every text without a line break", () => {
    for (const payload of PAYLOADS.filter((text) => !/[\r\n]/.test(text))) {
      const t = Object.fromEntries(POSITIONS.map((position) => [position, payload])) as Texts;
      expect(() => checked(t), JSON.stringify(payload)).not.toThrow();
    }
  });

  it("the token comparison is not vacuous: text spliced unescaped into a literal or a comment changes the tokens", async () => {
    const modules = await generateModules([checked({ ...plain, title: "TITLE", ruleTitle: "RULETITLE" })]);
    const source = modules.get("t-p.ts")!;
    expect(source).toContain('"TITLE"');
    expect(source).toMatch(/\/\/ Rule .*RULETITLE/);
    const tokens = tokenKinds(source);
    expect(tokenKinds(source.replace('"TITLE"', '""; globalThis.__pwned=1; ""'))).not.toEqual(tokens);
    expect(tokenKinds(source.replace("RULETITLE", "\u2028globalThis.__pwned=1//"))).not.toEqual(tokens);
    expect(tokenKinds(source.replace("TITLE", "any text at all"))).toEqual(tokens);
  });

  it("compiles to modules with the plain text's tokens, runs none of it on import, and reports it exactly", async () => {
    const baseline = await generateModules([checked(plain)]);
    const baselineTokens = new Map([...baseline].map(([file, source]) => [file, tokenKinds(source)]));
    await fc.assert(
      fc.asyncProperty(texts, async (t) => {
        const policy = checked(t);
        const modules = await generateModules([policy]);
        expect([...modules.keys()]).toEqual([...baseline.keys()]);
        for (const [file, source] of modules) {
          expect(syntaxErrors(source), file).toEqual([]);
          expect(tokenKinds(source), file).toEqual(baselineTokens.get(file));
        }

        delete g.__pwned;
        const { module, directory } = await importPolicy(policy);
        const schemaModule = (await import(pathToFileURL(join(directory, "s.schema.js")).href)) as { schema: { records: Record<string, { label: string; fields: Record<string, { label: string }> }> } };
        expect(g.__pwned).toBeUndefined();

        // Metadata, exactly.
        const info = module.policy as Record<string, string>;
        expect({ title: info.title, payer: info.payer, number: info.number, version: info.version }).toEqual({
          title: t.title,
          payer: t.payer,
          number: t.number,
          version: t.version,
        });
        // Labels the runtime reports, exactly.
        const records = schemaModule.schema.records;
        expect(records.Proc!.label).toBe(t.recordLabel);
        expect(records.Proc!.fields.code!.label).toBe(t.recordFieldLabel);
        expect(records.case!.fields.flag!.label).toBe(t.caseFieldLabel);
        expect(records.case!.fields.procs!.label).toBe(t.listFieldLabel);
        expect(records.item!.fields.side!.label).toBe(t.itemFieldLabel);

        const evaluate = module.evaluateTrusted as (input: unknown) => {
          items: { outcome: string; rules: { title: string }[]; reasons: { description: string }[]; notes: { description: string }[]; missing: { fact: string; label: string }[]; trace: { description: string }[] }[];
        };
        // Omitted facts: pended, asking for them by their labels, the criterion in the trace.
        const unknown = { date_of_service: "2025-09-15", items: [{ code: "11111" }] };
        const pended = evaluate(unknown).items[0]!;
        expect(pended.outcome).toBe("pended");
        expect(pended.rules.map((rule) => rule.title)).toEqual([t.ruleTitle]);
        expect(Object.fromEntries(pended.missing.map((m) => [m.fact, m.label]))).toEqual({
          flag: t.caseFieldLabel,
          procs: t.listFieldLabel,
          "items[0].side": t.itemFieldLabel,
        });
        expect(pended.trace.map((entry) => entry.description)).toEqual([t.description, t.noteDescription]);
        // Denied: the criterion's description is the reason; the note is reported.
        const deniedCase = { date_of_service: "2025-09-15", items: [{ code: "11111", side: "left" }], flag: false, procs: [] };
        const denied = evaluate(deniedCase).items[0]!;
        expect(denied.outcome).toBe("denied");
        expect(denied.reasons.map((reason) => reason.description)).toEqual([t.description]);
        expect(denied.notes.map((note) => note.description)).toEqual([t.noteDescription]);
        // The interpreter reports the same texts.
        expect(interpret(policy, deniedCase).items[0]!.reasons.map((reason) => reason.description)).toEqual([t.description]);
        expect(g.__pwned).toBeUndefined();
      }),
      property("hostile text: modules keep their tokens, run nothing and report the text exactly", 20),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A full type-check of a batch of hostile policies, laid out like `pol compile` output.

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("hostile text type-checks", () => {
  it("a batch of hostile policies and their schemas type-check under the strictest settings", async () => {
    // One program for the batch: type-checking is slow, so the batch grows only a little in deep mode.
    const { numRuns, seed } = property("hostile text: generated modules type-check (one program per batch)", 8);
    const batch = fc.sample(texts, { numRuns: Math.min(numRuns, 60), ...(seed === undefined ? {} : { seed }) });
    batch.push(Object.fromEntries(POSITIONS.map((position, i) => [position, PAYLOADS[i % PAYLOADS.length]!])) as Texts);
    const folder = consumerFolder("pol-hostile-typecheck-");
    folders.push(folder);
    const files: string[] = [];
    for (const [n, t] of batch.entries()) {
      for (const [file, source] of await generateModules([checked(t, `t.p${n}`, `s${n}`)])) {
        writeFileSync(join(folder, file), source);
        files.push(join(folder, file));
      }
    }
    expect(files).toHaveLength(2 * batch.length);
    const program = ts.createProgram(files, STRICT_OPTIONS);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || !isRuntimeFile(d.file.fileName))
      .map((d) => `${d.file?.fileName ?? ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(diagnostics).toEqual([]);
  });
});
