// The language server, driven over stdio by a protocol client as an editor drives it: diagnostics
// as you type (the codes, messages and helps of `pol check`), hover, definition and references
// across `use`d files, completion, rename, the outline, formatting and quick fixes. The server
// works on a copy of policies/ so nothing here can touch the repository's files.

import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { formatPol } from "../src/index.js";
import { toLspDiagnostic } from "../src/tools/lsp/server.js";
import { LspClient, uriOf } from "./support/lsp-client.js";

const ROOT = resolve(import.meta.dirname, "..");
let project: string;
let client: LspClient;
let truecare: string;
let cigna: string;
let spine: string;
let truecareText: string;

/** The position of the `nth` (0-based) occurrence of `needle` in `text`, `shift` characters in. */
function positionOf(text: string, needle: string, nth = 0, shift = 1): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`\`${needle}\` occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, offset + shift);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}

const hover = async (path: string, position: Position): Promise<string> => {
  const result = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(path) }, position })) as Hover | null;
  expect(result, "no hover").not.toBeNull();
  const contents = result!.contents as { kind: string; value: string };
  expect(contents.kind).toBe("markdown");
  return contents.value;
};

const completion = async (path: string, position: Position): Promise<string[]> => {
  const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uriOf(path) }, position })) as
    | CompletionItem[]
    | CompletionList
    | null;
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  return items.map((item) => item.textEdit && "newText" in item.textEdit ? item.textEdit.newText : item.label);
};

/** A policy's text as a file of the scratch folder, outside the workspace folder, would say it. */
const inScratch = (text: string) => text.replace('use "../schema/spine.pol"', 'use "../policies/schema/spine.pol"');

/** Writes a policy into the scratch folder: its references never show up in the workspace's. */
function scratch(name: string, text: string): string {
  const path = join(project, "scratch", `${name}.pol`);
  writeFileSync(path, inScratch(text));
  return path;
}

/** `pol check --format json` on a file of the copied project. */
function polCheckJson(path: string): { code: string; message: string; help?: string; line: number; column: number }[] {
  const run = spawnSync(process.execPath, [join(ROOT, "bin/pol.js"), "check", "--format", "json", path], { cwd: project, encoding: "utf8" });
  const report = JSON.parse(run.stdout) as { diagnostics: { code: string; message: string; help?: string; line: number; column: number }[] };
  return report.diagnostics;
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "pol-lsp-"));
  cpSync(join(ROOT, "policies"), join(project, "policies"), { recursive: true });
  writeFileSync(join(project, "package.json"), "{}\n");
  mkdirSync(join(project, "scratch"));
  truecare = join(project, "policies/truecare/sacroiliac-joint-procedures.pol");
  cigna = join(project, "policies/cigna/trigger-point-injections.pol");
  spine = join(project, "policies/schema/spine.pol");
  truecareText = readFileSync(truecare, "utf8");
  client = await LspClient.start(join(project, "policies"), project);
  expect(await client.open(truecare, truecareText)).toEqual([]);
});

afterAll(async () => {
  await client?.stop();
  rmSync(project, { recursive: true, force: true });
});

describe("diagnostics", () => {
  it("reports what `pol check` reports, with the same codes, messages, helps and places", async () => {
    const broken = truecareText.replace("where relief >= 75%", "where releif >= 75%").replace("code in sij_rfa", "code in sij_rfaa");
    const path = scratch("broken", broken);
    const expected = polCheckJson("scratch/broken.pol");
    expect(expected.map((d) => d.code)).toEqual(["POL2001", "POL2003"]);
    const diagnostics = await client.open(path, inScratch(broken));
    expect(
      diagnostics.map((d) => ({
        code: d.code,
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: d.severity,
        source: d.source,
      })),
    ).toEqual(
      expected.map((d) => ({
        code: d.code,
        message: d.help === undefined ? d.message : `${d.message}\nhelp: ${d.help}`,
        line: d.line,
        column: d.column,
        severity: 1,
        source: "pol",
      })),
    );
  });

  it("checks again as you type, from the editor's text, incremental edits included", async () => {
    const path = scratch("typing", truecareText);
    expect(await client.open(path, inScratch(truecareText))).toEqual([]);
    const at = positionOf(truecareText, "relief >= 75%", 0, 0);
    const typo = await client.change(path, [{ range: { start: at, end: { line: at.line, character: at.character + 6 } }, text: "relif" }]);
    expect(typo.map((d) => d.code)).toEqual(["POL2001"]);
    expect(typo[0]!.message).toContain("help: did you mean `relief`?");
    const fixed = await client.change(path, [{ range: { start: at, end: { line: at.line, character: at.character + 5 } }, text: "relief" }]);
    expect(fixed).toEqual([]);
    const syntax = await client.change(path, [{ range: { start: at, end: at }, text: "(" }]);
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax.every((d) => String(d.code).startsWith("POL1"))).toBe(true);
  });

  it("checks the open files that use a file again when that file changes in the editor", async () => {
    const spineText = readFileSync(spine, "utf8");
    const user = scratch("user", truecareText);
    expect(await client.open(user, inScratch(truecareText))).toEqual([]);
    const broken = spineText.replace("relief: percent", "relief_pct: percent");
    const userAfterBreak = client.nextDiagnostics(uriOf(user));
    expect(await client.open(spine, broken)).toEqual([]);
    const errors = (await userAfterBreak).diagnostics;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.code === "POL2001" || d.code === "POL2002")).toBe(true);
    const userAfterFix = client.nextDiagnostics(uriOf(user));
    expect(await client.change(spine, [{ text: spineText }])).toEqual([]);
    expect((await userAfterFix).diagnostics).toEqual([]);
  });

  it("publishes a used file's errors under that file, once, whichever open files found them", async () => {
    const spineText = readFileSync(spine, "utf8");
    const broken = spineText.replace("relief: percent", "relief: percnt");
    const own = await client.change(spine, [{ text: broken }]);
    expect(own.map((d) => d.code)).toEqual(["POL2004"]);
    expect(await client.change(spine, [{ text: spineText }])).toEqual([]);
  });

  it("keeps a warning a warning", () => {
    const span = { file: "a.pol", start: { offset: 0, line: 2, column: 3 }, end: { offset: 4, line: 2, column: 7 } };
    const warning = toLspDiagnostic({ code: "POL2001" as never, severity: "warning", message: "m", span, help: "did you mean `x`?" });
    expect(warning).toMatchObject({ severity: 2, range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, data: { suggestion: "x" } });
  });
});

describe("hover", () => {
  it("shows a field's type, label and unit", async () => {
    const text = await hover(truecare, positionOf(truecareText, "relief >= 75%"));
    expect(text).toContain("relief: percent");
    expect(text).toContain("percent pain relief reported after the prior procedure");
    expect(text).toContain("record `Procedure`");
    expect(text).toContain("unit: percent");
  });

  it("shows a criterion's citation and description", async () => {
    const text = await hover(truecare, positionOf(truecareText, "require A1_", 0, 9));
    expect(text).toMatch(/require A1_\w+ \[D\.I\.A\.1\]/);
    expect(text).toContain("must be met, or the item is denied");
  });

  it("shows a code set's codes", async () => {
    const text = await hover(truecare, positionOf(truecareText, "code in sij_rfa", 0, 9));
    expect(text).toContain("codes sij_rfa = cpt");
    expect(text).toContain("`64625`");
  });

  it("shows what a unit literal means", async () => {
    const months = await hover(truecare, positionOf(truecareText, "12mo within 36mo"));
    expect(months).toContain("12mo: 12 calendar months");
    expect(months).toContain("clamps to the end of a shorter month");
    const weeks = await hover(truecare, positionOf(truecareText, ">= 6wk", 0, 4));
    expect(weeks).toContain("(42 days)");
    const percent = await hover(truecare, positionOf(truecareText, "relief >= 75%", 0, 10));
    expect(percent).toContain("75%: percent");
  });

  it("shows a let's label and type", async () => {
    const text = await hover(truecare, positionOf(truecareText, "latest sij_same_joint", 0, 8));
    expect(text).toContain("let sij_same_joint: list of Procedure");
    expect(text).toContain("prior SIJ injections of a joint requested now");
  });
});

describe("definition and references", () => {
  it("goes from a field in a policy to its declaration in the used schema", async () => {
    const result = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uriOf(truecare) },
      position: positionOf(truecareText, "relief >= 75%"),
    })) as Location;
    const spineText = readFileSync(spine, "utf8");
    expect(result.uri).toBe(uriOf(spine));
    expect(result.range.start).toEqual(positionOf(spineText, "relief: percent", 0, 0));
  });

  it("goes from a `use` to the used file", async () => {
    const result = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uriOf(truecare) },
      position: positionOf(truecareText, '"../schema/spine.pol"', 0, 3),
    })) as Location;
    expect(result.uri).toBe(uriOf(spine));
  });

  it("finds the references to a let in its policy", async () => {
    const result = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: uriOf(truecare) },
      position: positionOf(truecareText, "let sij_history", 0, 5),
      context: { includeDeclaration: true },
    })) as Location[];
    const expected = [...truecareText.matchAll(/\bsij_history\b/g)].length;
    expect(result).toHaveLength(expected);
    expect(new Set(result.map((l) => l.uri))).toEqual(new Set([uriOf(truecare)]));
  });

  it("finds the references to a schema field across every policy that uses the schema", async () => {
    const spineText = readFileSync(spine, "utf8");
    await client.open(spine, spineText);
    const result = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: uriOf(spine) },
      position: positionOf(spineText, "relief: percent", 0, 2),
      context: { includeDeclaration: false },
    })) as Location[];
    const uris = new Set(result.map((l) => l.uri));
    expect(uris.has(uriOf(truecare))).toBe(true);
    expect(uris.has(uriOf(cigna))).toBe(true);
    const cignaText = readFileSync(cigna, "utf8");
    const inCigna = result.filter((l) => l.uri === uriOf(cigna)).map((l) => l.range.start);
    expect(inCigna).toContainEqual(positionOf(cignaText, "where relief > 0%", 0, 6));
    expect(inCigna).toContainEqual(positionOf(cignaText, ".relief > 50%", 0, 1));
    // `relief_duration` and the computed `score_relief` are other fields.
    expect(result.some((l) => l.range.end.character - l.range.start.character !== "relief".length)).toBe(false);
  });
});

describe("the newer constructs", () => {
  const extra = [
    'let set_test "a set" = some therapies where kind in {physical_therapy, chiropractic}',
    'let distinct_test "distinct kinds" = count distinct kind of therapies >= 2',
    'let named_test "named" = some v in therapies where v.kind == rest',
  ].join("\n");

  it("finds enum members in a member set and fields in `count distinct`, and hovers a named element", async () => {
    const text = inScratch(truecareText) + "\n" + extra + "\n";
    const path = scratch("constructs", text);
    // The added lets exist to be looked up, so no rule uses them: only those warnings (POL4023).
    const shown = (await client.open(path, text)) as { code?: unknown }[];
    expect(shown.filter((d) => d.code !== "POL4023")).toEqual([]);
    const references = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: uriOf(path) },
      position: positionOf(text, "{physical_therapy", 0, 2),
      context: { includeDeclaration: true },
    })) as Location[];
    const spineText = readFileSync(spine, "utf8");
    expect(references).toContainEqual({ uri: uriOf(spine), range: { start: positionOf(spineText, "  physical_therapy", 0, 2), end: { ...positionOf(spineText, "  physical_therapy", 0, 2), character: 2 + "physical_therapy".length } } });
    expect(references.filter((l) => l.uri === uriOf(path))).toHaveLength([...text.matchAll(/\bphysical_therapy\b/g)].length);
    const field = await hover(path, positionOf(text, "count distinct kind", 0, 16));
    expect(field).toContain("kind: TherapyKind");
    const element = await hover(path, positionOf(text, "v.kind", 0, 0));
    expect(element).toContain("v: Therapy");
  });
});

describe("completion", () => {
  it("offers a record's fields after `.`", async () => {
    const position = positionOf(truecareText, "item.side == bilateral", 0, 5);
    const items = await completion(truecare, position);
    expect(items).toEqual(expect.arrayContaining(["side", "code", "purpose"]));
    expect(items).not.toContain("rule");
  });

  it("offers enum members after `==`", async () => {
    const items = await completion(truecare, positionOf(truecareText, "side == bilateral", 0, 8));
    expect(items).toEqual(expect.arrayContaining(["left", "right", "bilateral"]));
    expect(items).not.toContain("diagnostic");
  });

  it("offers code sets after `in`", async () => {
    const items = await completion(truecare, positionOf(truecareText, "code in sij_rfa", 0, 8));
    expect(items).toEqual(expect.arrayContaining(["sij_rfa", "neural_blockade", "herpes_zoster"]));
  });

  it("offers units after a number", async () => {
    const items = await completion(truecare, positionOf(truecareText, "6mo >= 6wk", 0, 1));
    expect(items).toEqual(["6d", "6wk", "6mo", "6y", "6%"]);
  });

  it("offers the fields of the `where` element, lets, case fields and keywords elsewhere", async () => {
    const items = await completion(truecare, positionOf(truecareText, "where relief >= 75%", 0, 6));
    expect(items).toEqual(expect.arrayContaining(["relief", "pain_returned", "sij_history", "dos", "where", "latest"]));
  });
});

describe("rename", () => {
  it("renames a let at its declaration and every use", async () => {
    const position = positionOf(truecareText, "let sij_history", 0, 5);
    const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: uriOf(truecare) }, position });
    expect(prepared).toMatchObject({ placeholder: "sij_history" });
    const edit = (await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: uriOf(truecare) },
      position,
      newName: "sij_injections",
    })) as WorkspaceEdit;
    const edits = edit.changes![uriOf(truecare)]!;
    expect(edits).toHaveLength([...truecareText.matchAll(/\bsij_history\b/g)].length);
    expect(edits.every((e) => e.newText === "sij_injections")).toBe(true);
  });

  it("renames a schema field in the schema and in every policy using it", async () => {
    const edit = (await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: uriOf(truecare) },
      position: positionOf(truecareText, "relief >= 75%"),
      newName: "pain_relief",
    })) as WorkspaceEdit;
    // The example policy reads it too, through the schema that extends spine.pol.
    const example = join(project, "policies/examples/lumbar-facet-interventions.pol");
    expect(Object.keys(edit.changes!).sort()).toEqual([uriOf(cigna), uriOf(example), uriOf(spine), uriOf(truecare)].sort());
  });

  it("refuses a keyword or a malformed name", async () => {
    const request = (newName: string) =>
      client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: uriOf(truecare) }, position: positionOf(truecareText, "let sij_history", 0, 5), newName });
    await expect(request("where")).rejects.toThrow(/is not a name/);
    await expect(request("two words")).rejects.toThrow(/is not a name/);
  });
});

describe("FHIR binding files", () => {
  it("checks a binding file as `pol check` does, and answers hover, completion and the outline on it", async () => {
    const bindings = join(project, "policies/schema/spine.fhir.pol");
    const text = readFileSync(bindings, "utf8");
    expect(await client.open(bindings, text)).toEqual([]);
    const broken = text.replace('date: "performed"', 'date: "performedDate"');
    const diagnostics = await client.change(bindings, [{ text: broken }]);
    expect(diagnostics.map((d) => d.code)).toEqual(["POL6003"]);
    await client.change(bindings, [{ text }]);
    // Hover and completion anywhere in a `read` block answer (possibly with nothing) and never fail.
    for (const needle of ["procedures from Procedure", "date: \"performed\"", "left = snomed"]) {
      const position = positionOf(text, needle);
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(bindings) }, position });
      await completion(bindings, position);
    }
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uriOf(bindings) } })) as DocumentSymbol[];
    expect(symbols.map((s) => s.name)).toContain("read procedures from Procedure");
    expect(symbols.find((s) => s.name === "read procedures from Procedure")!.children!.map((c) => c.name)).toContain("relief");
    expect(client.stderr).toBe("");
  });

  it("checks a binding file that extends another, goes to its base, and reports a mistake the extension makes", async () => {
    const extending = join(project, "policies/schema/spine-plan.fhir.pol");
    const base = join(project, "policies/schema/spine.fhir.pol");
    const text = readFileSync(extending, "utf8");
    expect(await client.open(extending, text)).toEqual([]);
    const result = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uriOf(extending) },
      position: positionOf(text, '"spine.fhir.pol"', 0, 3),
    })) as Location;
    expect(result.uri).toBe(uriOf(base));
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uriOf(extending) } })) as DocumentSymbol[];
    expect(symbols.find((s) => s.name === "extend read items from ServiceRequest")!.children!.map((c) => c.name)).toEqual(["level", "authorization_on_file"]);
    // Binding a field again that the base's block binds is an error at the field.
    const broken = text.replace("  anesthetic: \"usedCode\" {", "  relief: \"extension('x').value\"\n  anesthetic: \"usedCode\" {");
    const diagnostics = await client.change(extending, [{ text: broken }]);
    expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([["POL6044", positionOf(broken, "relief: \"extension('x')", 0, 0).line]]);
    await client.change(extending, [{ text }]);
    expect(client.stderr).toBe("");
  });
});

describe("outline, formatting and quick fixes", () => {
  it("lists rules with their criteria, and the other declarations", async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uriOf(truecare) } })) as DocumentSymbol[];
    const rule = symbols.find((s) => s.name === "sij_diagnostic")!;
    expect(rule.detail).toBe("Diagnostic SIJ injection [D.I.A]");
    expect(rule.children!.map((c) => c.name)).toContain("A_limit");
    expect(symbols.map((s) => s.name)).toEqual(expect.arrayContaining(["sij_history", "neural_blockade"]));
  });

  it("formats through the prettier plugin, and leaves a file with syntax errors alone", async () => {
    const messy = truecareText.replace("let sij_history \"prior SIJ injections\" =", "let   sij_history \"prior SIJ injections\"   =");
    const path = scratch("messy", messy);
    await client.open(path, inScratch(messy));
    const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: uriOf(path) },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toHaveLength(1);
    expect(edits![0]!.newText).toBe(await formatPol(inScratch(messy), path));
    expect(edits![0]!.newText).toBe(inScratch(truecareText));
    await client.change(path, [{ text: inScratch(messy) + "\nrule (" }]);
    const none = await client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: uriOf(path) },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(none).toEqual([]);
  });

  it("offers the did-you-mean help as a quick fix", async () => {
    const broken = truecareText.replace("where relief >= 75%", "where releif >= 75%");
    const path = scratch("fixme", broken);
    const diagnostics: Diagnostic[] = await client.open(path, inScratch(broken));
    expect(diagnostics).toHaveLength(1);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(path) },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) as { title: string; edit: WorkspaceEdit }[];
    expect(actions.map((a) => a.title)).toEqual(["Change to `relief`"]);
    const [edit] = actions[0]!.edit.changes![uriOf(path)]!;
    expect(edit).toEqual({ range: diagnostics[0]!.range, newText: "relief" });
  });
});
