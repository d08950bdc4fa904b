// The formatter's entry point: a parsed `.pol` file and its source text in, a prettier Doc out.

import type { Doc } from "prettier";
import type { SourceFile } from "../../index.js";
import { CommentQueue } from "./comments.js";
import { DeclarationPrinter } from "./declarations.js";

export function printSourceFile(file: SourceFile, source: string, printWidth: number): Doc {
  return new DeclarationPrinter(new CommentQueue(file.comments, source), source, printWidth).file(file);
}
