// Shared pieces of the fuzz and hostile-input tests: a .pol string literal for any text, hostile
// texts, a fresh folder per imported module, and a record of the slowest input a property saw.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { checkSource, type CheckResult } from "../../src/check/checker.js";
import { writeLoadableModules } from "../../src/generate/loadable.js";
import type { CheckedPolicy } from "../../src/model.js";

/** `text` as a .pol string literal: only `"` and `\` are escaped (the only escapes pol has). */
export function polString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Each, if it escaped a string literal or a comment of generated code, would run `__pwned = 1`. */
export const PAYLOADS = [
  "\u2028globalThis.__pwned=1//",
  "\u2029globalThis.__pwned=1//",
  "\u0085globalThis.__pwned=1//",
  "\u2028globalThis.__pwned=1;/*",
  "*/globalThis.__pwned=1;/*",
  "*/ globalThis.__pwned = 1 /*",
  "**/globalThis.__pwned=1;/**",
  "*\u2028/globalThis.__pwned=1;/*",
  '"; globalThis.__pwned=1; "',
  '", x: (globalThis.__pwned=1), y: "',
  "'; globalThis.__pwned=1; '",
  "'), (globalThis.__pwned=1), ('",
  "${globalThis.__pwned=1}",
  "`; globalThis.__pwned=1; `",
  "`${globalThis.__pwned=1}`",
  "\\\"; globalThis.__pwned=1; //",
  '\\"; globalThis.__pwned=1; //',
  "\\u0022; globalThis.__pwned=1; //",
  "\\u2028globalThis.__pwned=1//",
  "</script><script>globalThis.__pwned=1</script>",
  "-->globalThis.__pwned=1",
  "<!--globalThis.__pwned=1",
  "#!globalThis.__pwned=1",
  "\u0000globalThis.__pwned=1",
  "\ud800globalThis.__pwned=1//\udfff",
  "\udc00*/globalThis.__pwned=1;/*",
  "\r",
  "// @ts-nocheck",
  "@ts-ignore */ globalThis.__pwned=1; /*",
  "} globalThis.__pwned=1; {",
  "]; globalThis.__pwned=1; [",
  "\\",
  "\\\\",
  '"',
  "",
  " ",
  "\t\v\f\u00a0\ufeff\u200b\u200d",
  "\u001b[31mred\u001b[0m",
  "\u{1f600} \u{10ffff}",
  "__proto__",
  "constructor",
];

/** Characters that matter to JavaScript, TypeScript, JSON, HTML or prettier. */
const SHARP = [..."\"'`\\/*${}()[];,:#!<>-+=@\t\u000b\u000c \u00a0\u0085\u2028\u2029\ufeff\u200b\u0000\u001f\u007f\ud800\udbff\udc00\udfff"];

/** Any text a .pol string may hold: everything but a raw CR or LF (which would end the line). */
export const hostileText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PAYLOADS), fc.constantFrom(...SHARP)), { maxLength: 6 }).map((parts) => parts.join("")) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...SHARP), maxLength: 20 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  )
  .map((text) => text.replace(/[\r\n]/g, "\u2028"));

/** A fresh temporary folder, removed when the worker exits. */
const root = mkdtempSync(join(tmpdir(), "pol-fuzz-"));
process.once("exit", () => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** Generate, transpile and import the policy's module (and return its folder too). */
export async function importPolicy(policy: CheckedPolicy): Promise<{ module: Record<string, unknown>; directory: string }> {
  const directory = join(root, `m${++count}`);
  const url = await writeLoadableModules(policy, directory);
  return { module: (await import(url)) as Record<string, unknown>, directory };
}

/** Check `policy` at mem/policy.pol with the files of `files` (keyed by path) readable. */
export function checkMemory(policy: string, files: Record<string, string> = {}): CheckResult {
  return checkSource(policy, "mem/policy.pol", { readFile: (path) => (Object.hasOwn(files, path) ? files[path] : undefined) });
}

/** The slowest input seen so far by a named measurement, printed at the end of the test. */
export class Slowest {
  ms = 0;
  input = "";
  count = 0;
  constructor(readonly name: string) {}

  /** Run `work` on `input`, remembering it if it is the slowest yet. */
  time<T>(input: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      const elapsed = performance.now() - start;
      this.count++;
      if (elapsed > this.ms) {
        this.ms = elapsed;
        this.input = input;
      }
    }
  }

  report(): string {
    const shown = JSON.stringify(this.input.length > 200 ? `${this.input.slice(0, 200)}...` : this.input);
    const line = `${this.name}: ${this.count} inputs, slowest ${this.ms.toFixed(1)} ms (${this.input.length} chars: ${shown})`;
    process.stdout.write(`${line}\n`);
    return line;
  }
}

/** The bound no single input may exceed: generous, since the machine is shared. */
export const TIME_BOUND_MS = 10_000;
