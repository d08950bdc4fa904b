// The prettier plugin for `.pol` files: `prettier --write "policies/**/*.pol"` with the plugin
// configured in .prettierrc.json, and `pol fmt`. The printer places comments itself (by source
// position, see comments.ts), so the AST handed to prettier carries none: prettier's
// own comment attachment does not apply.

import type { Parser, Plugin, Printer, SupportLanguage } from "prettier";
import { parse, type SourceFile } from "../../index.js";
import { printSourceFile } from "./print.js";

/** What the `pol` parser hands to prettier: the file and the text it was parsed from. */
export interface PolDocument {
  kind: "PolDocument";
  file: SourceFile;
  source: string;
}

/** A syntax error in the shape prettier reports: message plus `loc` (1-based line and column). */
export class PolSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } },
  ) {
    super(`${message} (${loc.start.line}:${loc.start.column})`);
    this.name = "SyntaxError";
  }
}

export const languages: SupportLanguage[] = [
  { name: "pol", parsers: ["pol"], extensions: [".pol"], vscodeLanguageIds: ["pol"] },
];

const polParser: Parser<PolDocument> = {
  astFormat: "pol",
  parse(text, options) {
    const { file, diagnostics } = parse(text, options.filepath ?? "<input>");
    const first = diagnostics[0];
    if (file === undefined || first !== undefined) {
      const span = first?.span;
      const start = { line: span?.start.line ?? 1, column: span?.start.column ?? 1 };
      const end = { line: span?.end.line ?? start.line, column: span?.end.column ?? start.column };
      const code = first ? `${first.code}: ${first.message}` : "the file could not be parsed";
      throw new PolSyntaxError(code, { start, end });
    }
    return { kind: "PolDocument", file, source: text };
  },
  locStart: (node: PolDocument) => node.file.span.start.offset,
  locEnd: (node: PolDocument) => node.file.span.end.offset,
};

export const parsers: Record<string, Parser> = { pol: polParser };

const polPrinter: Printer<PolDocument> = {
  print(path, options) {
    const node = path.node;
    return printSourceFile(node.file, node.source, options.printWidth);
  },
};

export const printers: Record<string, Printer> = { pol: polPrinter };

export const defaultOptions: Plugin["defaultOptions"] = { printWidth: 100, tabWidth: 2 };

const plugin: Plugin<PolDocument> = { languages, parsers, printers, defaultOptions };
export default plugin;

/** Format `.pol` source text with this plugin and its default options (what `pol fmt` writes). */
export async function formatPol(source: string, fileName = "<input>"): Promise<string> {
  const { format } = await import("prettier");
  return format(source, { parser: "pol", plugins: [plugin], filepath: fileName });
}
