// The whole front end on hostile input: random bytes (decoded as UTF-8), arbitrary strings,
// strings of pol's own characters, token soup (pol keywords, operators, names and literals),
// the real policies and schema with tokens or lines deleted, duplicated, swapped or inserted,
// and valid policies with hostile text. Each input goes through the checker (never a throw,
// a policy exactly when there are no diagnostics, every diagnostic well formed, each timed),
// the formatter when it parses (idempotent, same AST), the generator when it checks, and for a
// sample the import of the generated module.
//
// CI runs a moderate number of inputs; `npm run test:deep` 100 times as many (over a million
// in all): the counts are printed at the end of the file, with the slowest check.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { keywordSpellings } from "../../grammar/lexer.js";
import { nodeFileHost, type CheckResult, type FileHost } from "../../src/check/checker.js";
import { checkSource } from "../../src/check/checker.js";
import { generateModules } from "../../src/generate/modules.js";
import { parse } from "../../src/syntax/parse.js";
import { formatPol } from "../../src/tools/format/prettier-plugin.js";
import { parseShape } from "../support/ast-shape.js";
import { property } from "../support/runs.js";
import { hostileText, importPolicy, PAYLOADS, polString, Slowest, TIME_BOUND_MS } from "./support.js";

const ROOT = resolve(new URL("../../", import.meta.url).pathname);
const POLICY_FILES = ["policies/truecare/sacroiliac-joint-procedures.pol", "policies/cigna/trigger-point-injections.pol"];
const SCHEMA_FILE = "policies/schema/spine.pol";
const TEXTS = new Map([...POLICY_FILES, SCHEMA_FILE].map((file) => [file, readFileSync(join(ROOT, file), "utf8")]));

const checks = new Slowest("checker");
const totals = { inputs: 0, parsed: 0, formatted: 0, checked: 0, generated: 0, imported: 0 };

/** Reads the real files, except those given (by path relative to the root) in `overrides`. */
function hostWith(overrides: ReadonlyMap<string, string>): FileHost {
  return {
    readFile(path) {
      const relative = resolve(ROOT, path).slice(ROOT.length + 1);
      return overrides.get(relative) ?? nodeFileHost.readFile(path);
    },
    realPath: (path) => nodeFileHost.realPath!(path),
  };
}

const IMPORT_SAMPLE = property("front end: imports of generated modules per property (sample)", 2).numRuns;

/**
 * Everything the front end does with `source` as the file at `path` (the other files through
 * `host`). Returns the check result; fails the property on any throw or broken contract.
 */
async function throughFrontEnd(source: string, path: string, host: FileHost, imports: { left: number }): Promise<CheckResult> {
  totals.inputs++;
  const result = checks.time(source, () => checkSource(source, join(ROOT, path), host));
  expect(checks.ms).toBeLessThan(TIME_BOUND_MS);
  // A policy comes back only without errors; warnings (an unused `let` once the line using it is
  // gone) may come with it.
  expect(result.policy === undefined || result.diagnostics.every((diagnostic) => diagnostic.severity !== "error")).toBe(true);
  for (const diagnostic of result.diagnostics) {
    expect(diagnostic.code).toMatch(/^POL\d{4}$/);
    expect(diagnostic.message).not.toMatch(/internal|undefined|\[object Object\]|NaN/);
    expect(diagnostic.span.start.offset).toBeGreaterThanOrEqual(0);
    expect(diagnostic.span.start.offset).toBeLessThanOrEqual(diagnostic.span.end.offset);
    expect(result.sources.has(diagnostic.span.file)).toBe(true);
    expect(diagnostic.span.end.offset).toBeLessThanOrEqual(result.sources.get(diagnostic.span.file)!.length);
  }

  // The formatter takes only what parses, and must then keep its meaning and be idempotent.
  if (parse(source, path).file !== undefined) {
    totals.parsed++;
    const once = await formatPol(source, path);
    expect(parseShape(once)).toEqual(parseShape(source));
    expect(await formatPol(once, path)).toBe(once);
    totals.formatted++;
  }

  if (result.policy) {
    totals.checked++;
    const modules = await generateModules([result.policy]);
    expect(modules.size).toBe(2);
    totals.generated++;
    if (imports.left > 0) {
      imports.left--;
      const { module } = await importPolicy(result.policy);
      expect((module.policy as { id: string }).id).toBe(result.policy.metadata.id);
      totals.imported++;
    }
  }
  return result;
}

/** Check `source` standing alone (it uses nothing that exists). */
function alone(source: string, imports: { left: number }): Promise<CheckResult> {
  return throughFrontEnd(source, "fuzz/input.pol", hostWith(new Map()), imports);
}

afterAll(() => {
  const line = `front end fuzz: ${totals.inputs} inputs (${totals.parsed} parsed and formatted, ${totals.checked} checked clean and generated, ${totals.imported} imported)`;
  process.stdout.write(`${line}\n`);
  checks.report();
});

// ---------------------------------------------------------------------------------------------
// Inputs

const HEADER = 'policy f.z\n  title "t"\n  payer "p"\n  number "n"\n  version "v"\n  effective 2025-01-01\n\nuse "../policies/schema/spine.pol"\n\n';

const WORDS = [
  ...keywordSpellings,
  "title", "payer", "number", "version", "effective", "expires", "policy", "schema", "use",
  "x", "y", "item", "item.code", "item.side", "procedures", "therapies", "pain_onset", "relief", "date", "code",
  "cpt {", "icd10 {", "hcpcs {", "B02.*", "64490-64495", "27096", "M54.5",
  "12mo", "7d", "6wk", "1y", "75%", "0.5", "42", "-1", "2025-07-01", "2025-02-30", "9999-99-99",
  '"text"', '"open', '"\\q"', "[D.1]", "[D.1", "[]",
  "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", ",", ".", ":", "=", "{", "}", "#", "# comment\n",
  "\n", "\n  ", " ", "\t", "\r\n", "\u2028",
];

const tokenSoup = fc
  .tuple(fc.constantFrom("", HEADER, "policy p\n", "schema s\n"), fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }))
  .map(([head, words]) => head + words.join(" "));

/** Token-sized pieces and lines of the real files, for mutations. */
const PIECE = /"(?:[^"\\\n]|\\.)*"|\[[^\]\n]*\]|[A-Za-z0-9_.%*-]+|[=!<>]=|#[^\n]*|\S/g;

type Mutation = { unit: "piece" | "line"; kind: "delete" | "duplicate" | "swap" | "insert"; at: number; other: number; word: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  unit: fc.constantFrom("piece" as const, "line" as const),
  kind: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const, "insert" as const),
  at: fc.nat(),
  other: fc.nat(),
  word: fc.nat(),
});

/** Apply mutations one after the other, each to the text the previous one left. */
function mutate(text: string, mutations: readonly Mutation[]): string {
  let result = text;
  for (const m of mutations) {
    const spans =
      m.unit === "piece"
        ? [...result.matchAll(PIECE)].map((match) => ({ start: match.index, end: match.index + match[0].length }))
        : [...result.matchAll(/[^\n]*\n?/g)].filter((match) => match[0] !== "").map((match) => ({ start: match.index, end: match.index + match[0].length }));
    if (spans.length === 0) continue;
    const a = spans[m.at % spans.length]!;
    const b = spans[m.other % spans.length]!;
    const slice = (span: { start: number; end: number }) => result.slice(span.start, span.end);
    switch (m.kind) {
      case "delete":
        result = result.slice(0, a.start) + result.slice(a.end);
        break;
      case "duplicate":
        result = result.slice(0, a.end) + (m.unit === "piece" ? " " : "") + slice(a) + result.slice(a.end);
        break;
      case "insert": {
        const word = m.unit === "piece" ? `${WORDS[m.word % WORDS.length]!} ` : slice(b);
        result = result.slice(0, a.start) + word + result.slice(a.start);
        break;
      }
      case "swap": {
        const [first, second] = a.start <= b.start ? [a, b] : [b, a];
        if (first.end > second.start) break;
        result = result.slice(0, first.start) + slice(second) + result.slice(first.end, second.start) + slice(first) + result.slice(second.end);
        break;
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

describe("the front end never throws", () => {
  it("on random bytes decoded as UTF-8", async () => {
    const imports = { left: IMPORT_SAMPLE };
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await alone(new TextDecoder().decode(bytes), imports);
      }),
      property("front end: random bytes", 2500),
    );
  });

  it("on arbitrary strings, lone surrogates and all", async () => {
    const imports = { left: IMPORT_SAMPLE };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: "grapheme", maxLength: 100 })), async (text) => {
        await alone(text, imports);
      }),
      property("front end: arbitrary strings", 2500),
    );
  });

  it("on strings of pol's characters", async () => {
    const imports = { left: IMPORT_SAMPLE };
    const unit = fc.constantFrom(..."abcxyz_019 \t\n\r\"\\#[]{}().,:=!<>+-*/%@'", "\u2028", "\u00e9");
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.constantFrom("", HEADER, "schema s\n"), fc.string({ unit, maxLength: 300 })), async ([head, text]) => {
        await alone(head + text, imports);
      }),
      property("front end: strings of pol's characters", 2000),
    );
  });

  it("on token soup", async () => {
    const imports = { left: IMPORT_SAMPLE };
    await fc.assert(
      fc.asyncProperty(tokenSoup, async (source) => {
        await throughFrontEnd(source, "fuzz/input.pol", hostWith(new Map()), imports);
      }),
      property("front end: token soup", 3000),
    );
  });

  it("on the real policies and schema with tokens and lines deleted, duplicated, swapped or inserted", async () => {
    const imports = { left: IMPORT_SAMPLE };
    let clean = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POLICY_FILES), fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (file, inSchema, mutations) => {
        const target = inSchema ? SCHEMA_FILE : file;
        const mutated = mutate(TEXTS.get(target)!, mutations);
        const host = hostWith(new Map(inSchema ? [[SCHEMA_FILE, mutated]] : []));
        const result = await throughFrontEnd(inSchema ? TEXTS.get(file)! : mutated, file, host, imports);
        if (result.policy) clean++;
        // A mutated schema is also checked as a file of its own.
        if (inSchema) await throughFrontEnd(mutated, SCHEMA_FILE, host, imports);
      }),
      property("front end: mutated real policies and schema", 100),
    );
    // Not vacuous: some mutations (a duplicated comment, a deleted blank line) still check.
    expect(clean).toBeGreaterThan(0);
  });

  it("on valid policies with hostile text in their strings and comments", async () => {
    const imports = { left: IMPORT_SAMPLE };
    const file = POLICY_FILES[1]!;
    const text = TEXTS.get(file)!;
    const strings = [...text.matchAll(/"(?:[^"\\\n]|\\.)*"/g)].map((match) => match.index);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), hostileText), { minLength: 1, maxLength: 5 }), async (replacements) => {
        let source = text;
        // From the last string to the first, so offsets stay right; `use` paths stay as they are.
        const chosen = new Map(replacements.map(([n, value]) => [strings[n % strings.length]!, value]));
        for (const offset of [...chosen.keys()].sort((a, b) => b - a)) {
          const literal = /^"(?:[^"\\\n]|\\.)*"/.exec(source.slice(offset))![0];
          if (source.slice(Math.max(0, offset - 4), offset) === "use ") continue;
          source = source.slice(0, offset) + polString(chosen.get(offset)!) + source.slice(offset + literal.length);
        }
        source += `\n# ${replacements.map(([, value]) => value).join(" ")}\n`;
        const result = await throughFrontEnd(source, file, hostWith(new Map()), imports);
        expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      }),
      property("front end: valid policies with hostile strings", 30),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Large inputs: each under 100 KB, each timed; the bound is generous (the machine is shared), the
// times are printed.

const LARGE: [string, string][] = [
  ["99 KB of `(`", HEADER + "let x = " + "(".repeat(99_000)],
  ["nested parentheses, 5,000 deep", HEADER + "let x = " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + "\n"],
  ["`not` 20,000 times", HEADER + "let x = " + "not ".repeat(20_000) + "true\n"],
  ["unary minus 30,000 times", HEADER + "let x = " + "-".repeat(30_000) + "1\n"],
  ["a chain of 10,000 `and`", HEADER + "let x = " + Array.from({ length: 10_000 }, () => "true").join(" and ") + "\n"],
  ["a chain of 8,000 `+`", HEADER + "let x = " + Array.from({ length: 8_000 }, () => "1").join(" + ") + " > 2\n"],
  ["2,000 lets, each using the previous", HEADER + Array.from({ length: 2_000 }, (_, i) => `let l${i} = ${i === 0 ? "true" : `l${i - 1}`}`).join("\n") + "\n"],
  ["one 99 KB string", HEADER.replace('title "t"', `title ${polString("x".repeat(99_000))}`)],
  ["an unterminated 99 KB string", HEADER + 'let x = "' + "y".repeat(99_000)],
  ["99 KB on one line of names", HEADER + "let x = " + "a ".repeat(49_000)],
  ["6,000 errors", HEADER + "let x = )\n".repeat(6_000)],
  ["a code set of 9,000 codes", HEADER + "codes c = cpt { " + Array.from({ length: 9_000 }, (_, i) => String(10_000 + i)).join(" ") + " }\n"],
  ["99 KB of `#`", "#".repeat(99_000)],
  ["99 KB of line breaks", "\n".repeat(99_000)],
  ["99 KB of U+2028", "\u2028".repeat(33_000)],
];

describe("large inputs", () => {
  const times = new Slowest("checker on large inputs");
  afterAll(() => times.report());

  it.each(LARGE)("%s: checked without a throw, within the bound", async (name, source) => {
    expect(Buffer.byteLength(source)).toBeLessThan(100_000);
    const start = performance.now();
    const result = times.time(name, () => checkSource(source, join(ROOT, "fuzz/large.pol"), hostWith(new Map())));
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(TIME_BOUND_MS);
    // A policy comes back only without errors; warnings (an unused `let` once the line using it is
  // gone) may come with it.
  expect(result.policy === undefined || result.diagnostics.every((diagnostic) => diagnostic.severity !== "error")).toBe(true);
    process.stdout.write(`large input ${name}: ${elapsed.toFixed(0)} ms, ${result.diagnostics.length} diagnostics\n`);
  });
});

// The hostile payloads are also checked as whole files.
describe("hostile payloads as whole files", () => {
  it.each(PAYLOADS.map((payload) => [JSON.stringify(payload), payload]))("%s", async (_, payload) => {
    await alone(payload, { left: 0 });
    await alone(HEADER + payload, { left: 0 });
  });
});
