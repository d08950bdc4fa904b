// The pol language server (`pol lsp`), over stdio: diagnostics as you type (the codes, messages
// and helps of `pol check`, warnings included), hover, go to definition, references and rename
// across `use`d files and the workspace, completion, the outline, formatting through the prettier
// plugin, and quick fixes for "did you mean" helps.

import { dirname, resolve } from "node:path";
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic, SourceFile, Span } from "../../index.js";
import { formatPol, keywordSpellings } from "../../index.js";
import { complete } from "./completion.js";
import { hoverText } from "./hover.js";
import { occurrenceAt, type Occurrence } from "./symbols.js";
import { uriToPath, Workspace, type Checked } from "./workspace.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DID_YOU_MEAN = /^did you mean `([^`]+)`\?$/;

export function spanRange(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

/** A pol diagnostic as the editor shows it: the help on a line of its own, as `pol check` prints it. */
export function toLspDiagnostic(diagnostic: Diagnostic): LspDiagnostic {
  const suggestion = diagnostic.help === undefined ? undefined : DID_YOU_MEAN.exec(diagnostic.help)?.[1];
  return {
    range: spanRange(diagnostic.span),
    severity: diagnostic.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: diagnostic.code,
    source: "pol",
    message: diagnostic.help === undefined ? diagnostic.message : `${diagnostic.message}\nhelp: ${diagnostic.help}`,
    ...(suggestion !== undefined ? { data: { suggestion } } : {}),
  };
}

export function startLanguageServer(connection: Connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout)): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  /** target uri -> origin uri -> diagnostics that origin's check found in the target. */
  const published = new Map<string, Map<string, LspDiagnostic[]>>();
  const pending = new Set<string>();
  let scheduled = false;

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((folder) => uriToPath(folder.uri)) ?? [];
    const root = params.rootUri ? uriToPath(params.rootUri) : undefined;
    workspace.roots = [...folders, root].filter((path): path is string => path !== undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ["."] },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: "pol" },
    };
  });

  // Edits that arrive together are checked once: the check runs after the pending messages.
  const schedule = (uri: string) => {
    pending.add(uri);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const edited = [...pending];
      pending.clear();
      // An open file that uses an edited one is checked again too.
      const paths = edited.map(uriToPath).filter((path): path is string => path !== undefined);
      const uris = new Set(edited);
      for (const other of workspace.openUris()) {
        if (!uris.has(other) && paths.some((path) => dependsOn(workspace.check(other), path))) {
          workspace.invalidate(other);
          uris.add(other);
        }
      }
      const targets = new Set<string>();
      for (const next of uris) for (const target of collect(next)) targets.add(target);
      for (const target of targets) send(target);
    });
  };

  /** Checks the document and files what it found under each file; returns the files touched. */
  const collect = (uri: string): string[] => {
    const checked = workspace.check(uri);
    if (!checked) return [];
    const byTarget = new Map<string, LspDiagnostic[]>([[uri, []]]);
    for (const diagnostic of checked.result.diagnostics) {
      const target = workspace.uriOf(resolve(diagnostic.span.file));
      const list = byTarget.get(target) ?? [];
      list.push(toLspDiagnostic(diagnostic));
      byTarget.set(target, list);
    }
    const targets = new Set([...byTarget.keys()]);
    for (const [target, origins] of published) if (origins.has(uri)) targets.add(target);
    for (const target of targets) {
      const origins = published.get(target) ?? new Map<string, LspDiagnostic[]>();
      const found = byTarget.get(target);
      if (found) origins.set(uri, found);
      else origins.delete(uri);
      published.set(target, origins);
    }
    return [...targets];
  };

  const send = (target: string) => {
    const seen = new Set<string>();
    const diagnostics: LspDiagnostic[] = [];
    for (const list of published.get(target)?.values() ?? []) {
      for (const diagnostic of list) {
        const key = `${diagnostic.code} ${diagnostic.range.start.line}:${diagnostic.range.start.character} ${diagnostic.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(diagnostic);
      }
    }
    void connection.sendDiagnostics({ uri: target, diagnostics });
  };

  documents.onDidOpen(({ document }) => {
    workspace.open(document);
    schedule(document.uri);
  });
  documents.onDidChangeContent(({ document }) => {
    workspace.change(document);
    schedule(document.uri);
  });
  documents.onDidClose(({ document }) => {
    workspace.close(document.uri);
    const targets: string[] = [];
    for (const [target, origins] of published) if (origins.delete(document.uri)) targets.push(target);
    for (const target of targets) send(target);
  });

  /** The check of the document and the occurrence under the cursor. */
  const at = (uri: string, position: Position): { checked: Checked; occurrence?: Occurrence } | undefined => {
    const checked = workspace.check(uri);
    const document = workspace.document(uri);
    if (!checked?.index || !document) return checked && { checked };
    const occurrence = occurrenceAt(checked.index, checked.path, document.offsetAt(position));
    return occurrence ? { checked, occurrence } : { checked };
  };

  const location = (path: string, span: Span): Location => ({ uri: workspace.uriOf(path), range: spanRange(span) });

  connection.onHover(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    if (!found?.occurrence || !found.checked.analysis) return null;
    const value = hoverText(found.checked.analysis, found.occurrence);
    return value === undefined ? null : { contents: { kind: "markdown", value }, range: spanRange(found.occurrence.span) };
  });

  connection.onDefinition(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    if (!found) return null;
    const use = useAt(found.checked, workspace.document(textDocument.uri)!.offsetAt(position));
    if (use) return { uri: workspace.uriOf(use), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const key = found.occurrence?.key;
    const declaration = key === undefined ? undefined : found.checked.index?.declarations.get(key);
    return declaration ? location(declaration.path, declaration.span) : null;
  });

  /** Every occurrence of the symbol under the cursor, in every program of the workspace. */
  const occurrencesOf = (uri: string, position: Position): Occurrence[] | undefined => {
    const key = at(uri, position)?.occurrence?.key;
    if (key === undefined) return undefined;
    const seen = new Set<string>();
    const found: Occurrence[] = [];
    for (const program of workspace.programs(uri)) {
      for (const occurrence of program.index?.occurrences ?? []) {
        if (occurrence.key !== key) continue;
        const id = `${occurrence.path}:${occurrence.span.start.offset}`;
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(occurrence);
      }
    }
    return found;
  };

  connection.onReferences(({ textDocument, position, context }) => {
    const found = occurrencesOf(textDocument.uri, position);
    if (!found) return null;
    return found.filter((o) => context.includeDeclaration || !o.declaration).map((o) => location(o.path, o.span));
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const occurrence = at(textDocument.uri, position)?.occurrence;
    if (occurrence?.key === undefined) return null;
    return { range: spanRange(occurrence.span), placeholder: occurrence.name };
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    if (!NAME.test(newName) || keywordSpellings.includes(newName)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a name: a name is a letter or \`_\` followed by letters, digits or \`_\`, and not a keyword`);
    }
    const found = occurrencesOf(textDocument.uri, position);
    if (!found) return null;
    const changes: WorkspaceEdit["changes"] = {};
    for (const occurrence of found) {
      const uri = workspace.uriOf(occurrence.path);
      (changes[uri] ??= []).push({ range: spanRange(occurrence.span), newText: newName });
    }
    return { changes };
  });

  connection.onCompletion(({ textDocument, position }) => {
    const document = workspace.document(textDocument.uri);
    const checked = workspace.check(textDocument.uri);
    if (!document || !checked) return [];
    const before = document.getText({ start: { line: position.line, character: 0 }, end: position });
    return complete(checked.analysis, {
      before,
      line: position.line,
      character: position.character,
      offset: document.offsetAt(position),
      path: checked.path,
    });
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const checked = workspace.check(textDocument.uri);
    const main = checked?.analysis?.files.find((file) => file.hostPath === checked.path);
    return main ? outline(main.ast) : [];
  });

  connection.onDocumentFormatting(async ({ textDocument }): Promise<TextEdit[]> => {
    const document = workspace.document(textDocument.uri);
    if (!document) return [];
    const text = document.getText();
    let formatted: string;
    try {
      formatted = await formatPol(text, uriToPath(textDocument.uri));
    } catch {
      // A file with syntax errors is left alone, as `pol fmt` does; its diagnostics say why.
      return [];
    }
    if (formatted === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
  });

  connection.onCodeAction(({ textDocument, context }) => {
    const document = workspace.document(textDocument.uri);
    if (!document) return [];
    const actions: CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const suggestion = (diagnostic.data as { suggestion?: unknown } | undefined)?.suggestion;
      if (typeof suggestion !== "string" || !NAME.test(document.getText(diagnostic.range))) continue;
      actions.push({
        title: `Change to \`${suggestion}\``,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [textDocument.uri]: [{ range: diagnostic.range, newText: suggestion }] } },
      });
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
}

/** Whether the program checked for another document reads the file at `path`. */
function dependsOn(checked: Checked | undefined, path: string): boolean {
  if (!checked) return false;
  for (const display of checked.result.sources.keys()) if (resolve(display) === path) return true;
  return false;
}

/** The file a `use` (or a binding file's `extends`) under the cursor names. */
function useAt(checked: Checked, offset: number): string | undefined {
  const main = checked.analysis?.files.find((file) => file.hostPath === checked.path);
  const header = main?.ast.header;
  const base = header?.kind === "FhirHeader" ? header.base : undefined;
  for (const path of [...(main?.ast.uses ?? []).map((use) => use.path), ...(base ? [base] : [])]) {
    if (path.span.start.offset <= offset && offset <= path.span.end.offset) {
      return resolve(dirname(checked.path), path.value);
    }
  }
  return undefined;
}

/** Rules with their criteria, lets, code sets, records, enums, case and item: the outline. */
function outline(file: SourceFile): DocumentSymbol[] {
  const symbol = (name: string, detail: string | undefined, kind: SymbolKind, span: Span, selection: Span, children?: DocumentSymbol[]): DocumentSymbol => ({
    name,
    ...(detail !== undefined ? { detail } : {}),
    kind,
    range: spanRange(span),
    selectionRange: spanRange(selection),
    ...(children ? { children } : {}),
  });
  return file.declarations.map((decl) => {
    switch (decl.kind) {
      case "RuleDecl":
        return symbol(
          decl.id.name,
          `${decl.title.value}${decl.citation ? ` [${decl.citation.text}]` : ""}`,
          SymbolKind.Class,
          decl.span,
          decl.id.span,
          decl.criteria.map((criterion) =>
            symbol(
              criterion.id.name,
              `${criterion.effect.replace("_", " ")}${criterion.citation ? ` [${criterion.citation.text}]` : ""}${criterion.description ? ` ${criterion.description.value}` : ""}`,
              SymbolKind.Property,
              criterion.span,
              criterion.id.span,
            ),
          ),
        );
      case "LetDecl":
        return symbol(decl.name.name, decl.label?.value, SymbolKind.Variable, decl.span, decl.name.span);
      case "CodeSetDecl":
        return symbol(decl.name.name, decl.label?.value ?? decl.system, SymbolKind.Constant, decl.span, decl.name.span);
      case "TableDecl":
        return symbol(decl.name.name, decl.label?.value, SymbolKind.Constant, decl.span, decl.name.span);
      case "ReadDecl":
        return symbol(
          `${decl.extension ? "extend read" : "read"} ${decl.target.name} from ${decl.resource.name}`,
          decl.filter?.value,
          SymbolKind.Struct,
          decl.span,
          decl.target.span,
          decl.fields.map((f) => symbol(f.field.name, f.path?.value, SymbolKind.Field, f.span, f.field.span)),
        );
      case "EnumDecl":
        return symbol(decl.name.name, decl.label?.value, SymbolKind.Enum, decl.span, decl.name.span, decl.members.map((m) => symbol(m.name, undefined, SymbolKind.EnumMember, m.span, m.span)));
      case "RecordDecl":
      case "CaseDecl":
      case "ItemDecl": {
        const name = decl.kind === "RecordDecl" ? decl.name.name : decl.kind === "CaseDecl" ? "case" : "item";
        const selection = decl.kind === "RecordDecl" ? decl.name.span : decl.span;
        const detail = decl.kind === "RecordDecl" ? decl.label?.value : undefined;
        return symbol(name, detail, SymbolKind.Struct, decl.span, selection, decl.fields.map((f) => symbol(f.name.name, f.label?.value, SymbolKind.Field, f.span, f.name.span)));
      }
    }
  });
}
