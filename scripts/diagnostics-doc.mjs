#!/usr/bin/env node
// Generates docs/diagnostics.md from the diagnostic catalogue (src/diagnostics.ts) and the golden
// error files (test/golden/POLxxxx-*.pol): every code with its summary, severity, message and help
// templates, and the message pol really prints for the golden example (configuration codes:
// test/golden/config/POLxxxx-*.json, read as `pol.config.json`). `node scripts/diagnostics-doc.mjs` rewrites the doc (run
// `npm run build` first: it uses the compiled checker in dist/); `--check` exits 1 when the doc
// is stale. test/docs.test.ts calls `diagnosticsDoc` with the TypeScript sources instead, so the
// doc is checked against the code under test, built or not.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const DOC_PATH = "docs/diagnostics.md";
export const GOLDEN_DIR = "test/golden";
export const CONFIG_GOLDEN_DIR = "test/golden/config";

const RANGES = [
  ["POL1", "Syntax"],
  ["POL2", "Names and files"],
  ["POL3", "Types and units"],
  ["POL4", "Policy structure"],
  ["POL5", "Policy analysis (pol diff, pol verify, pol test --generate)"],
  ["POL6", "FHIR"],
];

/** The analysis' goldens: rendered by test/analysis-golden.test.ts, shown here as they are. */
const ANALYSIS_DIR = "test/golden/analysis";

/**
 * The text of docs/diagnostics.md.
 * @param {{ catalogue: Record<string, CatalogueEntry>,
 *           checkFile: (path: string) => { diagnostics: any[], sources: Map<string, string> },
 *           renderDiagnostic: (diagnostic: any, source: string) => string,
 *           loadConfig: (path: string) => { ok: boolean, diagnostics?: any[], sources?: Map<string, string> },
 *           goldenDir?: string, configGoldenDir?: string }} tools
 */
export function diagnosticsDoc({ catalogue, checkFile, renderDiagnostic, loadConfig, goldenDir = GOLDEN_DIR, configGoldenDir = CONFIG_GOLDEN_DIR }) {
  const goldens = readdirSync(goldenDir).filter((name) => /^POL\d{4}-.*\.pol$/.test(name));
  const configGoldens = readdirSync(configGoldenDir).filter((name) => /^POL\d{4}-.*\.json$/.test(name));
  const readConfig = (path) => {
    const load = loadConfig(path);
    return load.ok ? { diagnostics: [], sources: new Map() } : load;
  };
  const out = [
    "# Diagnostics",
    "",
    "Every diagnostic `pol check` (and `pol compile`, `pol eval`, `pol test`, `pol diff`, `pol verify`) can report. Codes are",
    "stable: `POL1xxx` syntax, `POL2xxx` names and files, `POL3xxx` types and units, `POL4xxx` policy",
    "structure; a retired code keeps its number reserved. Each code has one message shape: the",
    "message and help templates below name their parameters in braces (`{name}`), and a help that",
    "depends on the case lists its variants. Any help may instead be a suggestion, \"did you mean",
    "`x`?\". Each example is what pol prints for the file of the same name in `test/golden/`.",
    "",
    "Errors make `pol check` exit 1; warnings are reported but alone exit 0. At most 100 diagnostics",
    "are shown per file, followed by a line such as `... and 15,900 more errors in this file`;",
    "`--format json` lists at most 100 per file too, with `total` counting all of them and `omitted`",
    "giving the number left out per file.",
    "",
    "This file is generated from the catalogue in `src/diagnostics.ts` by",
    "`node scripts/diagnostics-doc.mjs`; `test/docs.test.ts` fails when it is out of date.",
    "",
  ];
  for (const [prefix, title] of RANGES) {
    const codes = Object.keys(catalogue).filter((code) => code.startsWith(prefix));
    if (codes.length === 0) continue;
    out.push(`## ${title}`, "");
    for (const code of codes) {
      const entry = catalogue[code];
      out.push(`### ${code}: ${entry.summary}${entry.retired ? " (retired)" : ""}`, "");
      if (entry.retired) out.push(`Retired: ${entry.retired}. The number stays reserved.`, "");
      out.push(`- severity: ${entry.severity}`, `- message: ${entry.message}`);
      if (typeof entry.help === "string") out.push(`- help: ${entry.help}`);
      else if (entry.help) {
        out.push("- help, depending on the case:");
        for (const variant of Object.values(entry.help)) out.push(`  - ${variant}`);
      }
      out.push("");
      if (entry.internal) {
        out.push("No example: this code reports a bug in pol, not a mistake in the policy.", "");
        continue;
      }
      if (code.startsWith("POL5")) {
        const baseline = readdirSync(join(goldenDir, "analysis"))
          .filter((name) => name.startsWith(`${code}-`) && name.endsWith(".errors.txt") && !name.includes("-satisfied"))
          .sort()[0];
        if (baseline === undefined) {
          out.push(`No example yet: add \`${ANALYSIS_DIR}/${code}-NAME.pol\`.`, "");
          continue;
        }
        const source = readFileSync(join(goldenDir, "analysis", baseline.replace(/\.errors\.txt$/, ".pol")), "utf8");
        const diagnostic = analysisDiagnostic(code, readFileSync(join(goldenDir, "analysis", baseline), "utf8"));
        out.push("```text", renderDiagnostic(diagnostic, source), "```", "");
        continue;
      }
      const configGolden = configGoldens.find((name) => name.startsWith(`${code}-`));
      const golden = goldens.find((name) => name.startsWith(`${code}-`)) ?? configGolden;
      if (golden === undefined) {
        out.push("No example yet: add `test/golden/" + code + "-NAME.pol`.", "");
        continue;
      }
      const example =
        golden === configGolden
          ? exampleOf(code, join(configGoldenDir, golden), readConfig, renderDiagnostic)
          : exampleOf(code, join(goldenDir, golden), checkFile, renderDiagnostic);
      if (example.code !== code) {
        out.push(`The mistake in \`${golden}\` is reported first as ${example.code}:`, "");
      }
      out.push("```text", example.text, "```", "");
    }
  }
  const others = Object.keys(catalogue).filter((code) => !RANGES.some(([prefix]) => code.startsWith(prefix)));
  if (others.length > 0) throw new Error(`codes outside the known ranges: ${others.join(", ")}`);
  return out.join("\n");
}

/**
 * The first diagnostic with `code` in an analysis baseline (rendered by `renderBaseline`: a
 * `file(line,col): severity CODE: message` line, then the source with `~` under the span and
 * `!!! CODE:`/`!!! help:` lines), read back so the doc shows it as pol prints it.
 */
function analysisDiagnostic(code, baseline) {
  const lines = baseline.split("\n");
  const head = lines.map((l) => /^(.+)\((\d+),(\d+)\): (error|warning) (POL\d{4}): (.*)$/.exec(l)).find((m) => m && m[5] === code);
  if (!head) throw new Error(`the analysis baseline for ${code} does not report it`);
  const [, file, line, column, severity, , message] = head;
  const at = lines.indexOf(`!!! ${code}: ${message}`);
  const marks = /^( *)(~+)$/.exec(lines[at - 1] ?? "");
  const start = { line: Number(line), column: Number(column) };
  const end = { line: start.line, column: marks ? marks[1].length + marks[2].length + 1 : start.column + 1 };
  const help = lines[at + 1]?.startsWith("!!! help: ") ? lines[at + 1].slice("!!! help: ".length) : undefined;
  return { code, severity, message, ...(help ? { help } : {}), span: { file, start, end } };
}

/**
 * The first diagnostic with `code` that checking `path` reports (or, when an earlier stage reports
 * the mistake under another code, the first diagnostic), rendered as `pol check` prints it.
 */
function exampleOf(code, path, checkFile, renderDiagnostic) {
  const result = checkFile(path);
  const diagnostic = result.diagnostics.find((d) => d.code === code) ?? result.diagnostics[0];
  if (diagnostic === undefined) throw new Error(`${path} has no error: it cannot illustrate ${code}`);
  return { code: diagnostic.code, text: renderDiagnostic(diagnostic, result.sources.get(diagnostic.span.file) ?? "") };
}

/**
 * @typedef {{ severity: string, summary: string, message: string,
 *             help?: string | Record<string, string>, retired?: string, internal?: true }} CatalogueEntry
 */

async function run() {
  const { catalogue, renderDiagnostic } = await import("../dist/src/diagnostics.js");
  const { checkFile } = await import("../dist/src/check/checker.js");
  const { loadConfig } = await import("../dist/src/project/config.js");
  const text = diagnosticsDoc({ catalogue, checkFile, renderDiagnostic, loadConfig });
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(DOC_PATH, "utf8");
    } catch {
      // a missing doc is stale
    }
    if (current !== text) {
      process.stderr.write(`${DOC_PATH} is out of date: run \`node scripts/diagnostics-doc.mjs\`\n`);
      process.exitCode = 1;
    } else process.stdout.write(`${DOC_PATH} is up to date\n`);
    return;
  }
  writeFileSync(DOC_PATH, text);
  process.stdout.write(`wrote ${DOC_PATH}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
