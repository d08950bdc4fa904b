// The compiler corpus: many policies made from the repository's real ones, so the front end sees
// realistic text. Each variant renames the policy and every declared name (codes, lets, rules,
// criteria), shuffles the criteria inside each rule, and appends a few extra definitions. The
// variants live beside the real policies (policies/bench-variants/, never written to disk) so
// their `use "../schema/spine.pol"` reads the real schema.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FileHost } from "../../src/check/checker.js";
import { Random } from "../prng.js";

export interface PolicyVariant {
  /** Absolute path the variant pretends to live at. */
  path: string;
  source: string;
  lines: number;
}

export interface CompilerCorpus {
  variants: PolicyVariant[];
  lines: number;
  /** Reads variants from memory and every other file (the schema) from disk, once. */
  host: FileHost;
  schemaPath: string;
}

const CRITERION_START = /^ {2}(require|deny|not covered|bundle) /;

export function buildCompilerCorpus(root: string, policyFiles: readonly string[], minLines: number, seed: number): CompilerCorpus {
  const random = new Random(seed);
  const originals = policyFiles.map((file) => readFileSync(resolve(root, file), "utf8"));
  const variants: PolicyVariant[] = [];
  let lines = 0;
  for (let k = 0; lines < minLines; k++) {
    const source = variant(originals[k % originals.length]!, k, random);
    const path = resolve(root, "policies/bench-variants", `variant-${k}.pol`);
    const count = lineCount(source);
    variants.push({ path, source, lines: count });
    lines += count;
  }
  const byPath = new Map(variants.map((v) => [v.path, v.source]));
  const disk = new Map<string, string | undefined>();
  const host: FileHost = {
    readFile(path: string): string | undefined {
      const own = byPath.get(resolve(path));
      if (own !== undefined) return own;
      if (!disk.has(path)) {
        try {
          disk.set(path, readFileSync(path, "utf8"));
        } catch {
          disk.set(path, undefined);
        }
      }
      return disk.get(path);
    },
  };
  return { variants, lines, host, schemaPath: resolve(root, "policies/schema/spine.pol") };
}

export function lineCount(source: string): number {
  let lines = 1;
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lines++;
  return source.endsWith("\n") ? lines - 1 : lines;
}

function variant(original: string, k: number, random: Random): string {
  const renamed = renameDeclarations(original, k);
  const shuffled = shuffleCriteria(renamed, random);
  return shuffled.trimEnd() + "\n\n" + extraLets(shuffled, k, random) + "\n";
}

/** Every declared name gets the suffix `_vK`; the policy id becomes `bench.vK_NAME`. */
function renameDeclarations(source: string, k: number): string {
  const names = new Set<string>();
  for (const match of source.matchAll(/^(?:let|codes|rule) (\w+)/gm)) names.add(match[1]!);
  for (const match of source.matchAll(/^\s+(?:require|deny|not covered|bundle) (\w+)/gm)) names.add(match[1]!);
  const pattern = new RegExp(`\\b(${[...names].join("|")})\\b`, "g");
  return source
    .replace(pattern, (name) => `${name}_v${k}`)
    .replace(/^policy (\w+)\.(\w+)/m, (_, __, id: string) => `policy bench.v${k}_${id}`);
}

/** Criteria of each rule in a random order; a comment stays with the criterion after it. */
function shuffleCriteria(source: string, random: Random): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.startsWith("rule ")) {
      out.push(lines[i++]!);
      continue;
    }
    // The rule's header: `rule ...` and its `for` line(s), up to the first criterion.
    out.push(lines[i++]!);
    while (i < lines.length && !startsCriterion(lines, i) && !endsRule(lines[i]!)) out.push(lines[i++]!);
    const chunks: string[][] = [];
    while (i < lines.length && !endsRule(lines[i]!)) {
      if (startsCriterion(lines, i) || chunks.length === 0) chunks.push([]);
      chunks[chunks.length - 1]!.push(lines[i++]!);
    }
    const trimmed = chunks.map((chunk) => {
      while (chunk.length > 0 && chunk[chunk.length - 1]!.trim() === "") chunk.pop();
      return chunk.join("\n");
    });
    out.push(random.shuffle(trimmed).join("\n\n"), "");
  }
  return out.join("\n");
}

/** A criterion keyword line, or an indented comment directly above one. */
function startsCriterion(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  if (CRITERION_START.test(line)) return !/^ {2}#/.test(lines[i - 1] ?? "");
  return /^ {2}#/.test(line) && !/^ {2}#/.test(lines[i - 1] ?? "");
}

/** A line at the left margin (a declaration or a section comment) ends the rule before it. */
function endsRule(line: string): boolean {
  return line.length > 0 && line[0] !== " ";
}

/** A few more definitions over the schema, in the shapes the real policies use. */
function extraLets(source: string, k: number, random: Random): string {
  const codeSet = /^codes (\w+)/m.exec(source)![1]!;
  const shapes = [
    (n: string) =>
      `let ${n} "recent procedures of the first code set with some relief" =\n  count procedures where code in ${codeSet} and relief >= ${random.int(10, 90)}% within ${random.int(1, 24)}mo`,
    (n: string) =>
      `let ${n} "a supervised therapy episode" =\n  some therapies where kind == physical_therapy and (physician_supervised or time between start and end >= ${random.int(2, 8)}wk)`,
    (n: string) => `let ${n} "the latest procedure on the left" = latest procedures where side == left or side == bilateral`,
    (n: string) =>
      `let ${n} "long-standing somatic pain" =\n  time since pain_onset >= ${random.int(1, 12)}mo and not radicular_pain\n    and any(low_back_pain, neck_pain, upper_back_pain)`,
  ];
  const lets: string[] = [];
  const count = random.int(3, 6);
  for (let j = 0; j < count; j++) lets.push(random.pick(shapes)(`extra_v${k}_${j}`));
  return lets.join("\n\n");
}
