// `prettier` in the browser: the standalone build, which needs its parsers passed in. The code
// generator formats TypeScript only.
import * as standalone from "prettier/standalone";
import type { Options } from "prettier";
import * as estree from "prettier/plugins/estree";
import * as typescript from "prettier/plugins/typescript";

export function format(source: string, options: Options): Promise<string> {
  return standalone.format(source, { ...options, plugins: [estree, typescript, ...(options.plugins ?? [])] });
}
