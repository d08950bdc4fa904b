// The documents an editor has open and what checking them found. A document is checked from its
// editor text, with every file it `use`s read from the editor when open there and from disk
// otherwise. Edits arriving together are checked once, with the latest text; a request that
// needs the analysis of a document checks it first when an edit is still pending.

import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CheckResult, FileHost, ProgramAnalysis } from "../../index.js";
import { checkSource, nodeFileHost } from "../../index.js";
import { indexProgram, type SymbolIndex } from "./symbols.js";

export interface Checked {
  version: number;
  path: string;
  result: CheckResult;
  /** The analysis of this check, or of the last check that had one (while the text does not parse). */
  analysis?: ProgramAnalysis;
  /** The symbols of `analysis`, worked out on first use: a keystroke only needs diagnostics. */
  readonly index?: SymbolIndex;
  /** Whether `analysis` is from an earlier text than `version`. */
  stale: boolean;
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export class Workspace {
  private readonly documents = new Map<string, TextDocument>();
  private readonly uriByPath = new Map<string, string>();
  private readonly checked = new Map<string, Checked>();
  /** The workspace folders (absolute): where references to a declaration are searched for. */
  roots: string[] = [];

  readonly host: FileHost = {
    readFile: (path) => {
      const uri = this.uriByPath.get(resolve(path));
      const open = uri === undefined ? undefined : this.documents.get(uri);
      return open ? open.getText() : nodeFileHost.readFile(path);
    },
    ...(nodeFileHost.realPath ? { realPath: nodeFileHost.realPath } : {}),
  };

  open(document: TextDocument): void {
    this.set(document);
  }

  change(document: TextDocument): void {
    this.set(document);
  }

  close(uri: string): void {
    const document = this.documents.get(uri);
    this.documents.delete(uri);
    this.checked.delete(uri);
    if (document) {
      const path = uriToPath(uri);
      if (path) this.uriByPath.delete(path);
    }
  }

  /** Forgets the check of an open document: a file it uses has changed. */
  invalidate(uri: string): void {
    this.checked.delete(uri);
  }

  document(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  openUris(): string[] {
    return [...this.documents.keys()];
  }

  uriOf(path: string): string {
    const absolute = resolve(path);
    return this.uriByPath.get(absolute) ?? pathToFileURL(absolute).href;
  }

  /** The text of the file at `path`: the editor's when open there. */
  text(path: string): string | undefined {
    const read = this.host.readFile(path);
    return typeof read === "string" ? read : undefined;
  }

  /** The check of an open document at its current version, checking it now when needed. */
  check(uri: string): Checked | undefined {
    const document = this.documents.get(uri);
    const path = uriToPath(uri);
    if (!document || !path) return undefined;
    const previous = this.checked.get(uri);
    if (previous && previous.version === document.version) return previous;
    const checked = this.checkText(document.getText(), path, document.version, previous);
    this.checked.set(uri, checked);
    return checked;
  }

  private checkText(text: string, path: string, version: number, previous?: Checked): Checked {
    const result = checkSource(text, path, this.host);
    const analysis = result.analysis ?? previous?.analysis;
    let index: SymbolIndex | undefined;
    return {
      version,
      path,
      result,
      ...(analysis ? { analysis } : {}),
      stale: result.analysis === undefined,
      get index() {
        if (!analysis) return undefined;
        if (analysis === previous?.analysis) return previous.index;
        return (index ??= indexProgram(analysis));
      },
    };
  }

  /**
   * The programs references and renames search: the open document's own, then every other
   * `.pol` file under the workspace folders (a schema's fields are used by the policies that use
   * it), each checked as it stands in the editor or on disk.
   */
  programs(uri: string): Checked[] {
    const own = this.check(uri);
    const programs = own ? [own] : [];
    const seen = new Set(own ? [own.path] : []);
    for (const path of this.workspaceFiles()) {
      if (seen.has(path)) continue;
      seen.add(path);
      const openUri = this.uriByPath.get(path);
      const checked = openUri ? this.check(openUri) : undefined;
      if (checked) {
        programs.push(checked);
        continue;
      }
      const text = this.text(path);
      if (text !== undefined) programs.push(this.checkText(text, path, 0));
    }
    return programs;
  }

  private workspaceFiles(): string[] {
    const found: string[] = [];
    const walk = (folder: string, depth: number) => {
      if (depth > 12) return;
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path, depth + 1);
        else if (entry.isFile() && entry.name.endsWith(".pol")) found.push(path);
      }
    };
    for (const root of this.roots) walk(root, 0);
    return found.sort();
  }

  private set(document: TextDocument): void {
    this.documents.set(document.uri, document);
    const path = uriToPath(document.uri);
    if (path) this.uriByPath.set(path, document.uri);
  }
}
