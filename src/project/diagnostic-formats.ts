// Diagnostics for CI: SARIF 2.1.0 (code-scanning tools, GitHub's code scanning upload) and
// GitHub Actions workflow commands (`::error file=...::message`), which annotate the changed
// lines of a pull request. Paths are shown as the human report shows them: relative to the
// working directory, which for a bare command is the project root (src/cli/project.ts).

import { catalogue, type Diagnostic } from "../diagnostics.js";

/** The SARIF log of `diagnostics`: one run of the tool `pol`, one rule per code reported. */
export function diagnosticsToSarif(diagnostics: readonly Diagnostic[], version: string): Record<string, unknown> {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const entries = catalogue as Record<string, { summary: string; severity: string }>;
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "pol",
            version,
            rules: codes.map((code) => ({
              id: code,
              shortDescription: { text: entries[code]?.summary ?? code },
              defaultConfiguration: { level: entries[code]?.severity === "warning" ? "warning" : "error" },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: codes.indexOf(d.code),
          level: d.severity === "warning" ? "warning" : "error",
          message: { text: d.help ? `${d.message}\nhelp: ${d.help}` : d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(d.span.file) },
                region: {
                  startLine: d.span.start.line,
                  startColumn: d.span.start.column,
                  endLine: d.span.end.line,
                  endColumn: Math.max(d.span.end.column, d.span.end.line === d.span.start.line ? d.span.start.column + 1 : 1),
                },
              },
            },
          ],
        })),
      },
    ],
  };
}

/** One GitHub Actions workflow command per diagnostic: `::error file=F,line=L,...::message`. */
export function diagnosticsToGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const properties = [
        `file=${escapeProperty(d.span.file)}`,
        `line=${d.span.start.line}`,
        `col=${d.span.start.column}`,
        `endLine=${d.span.end.line}`,
        `endColumn=${d.span.end.column}`,
        `title=${escapeProperty(d.code)}`,
      ].join(",");
      const message = d.help ? `${d.message}\nhelp: ${d.help}` : d.message;
      return `::${d.severity === "warning" ? "warning" : "error"} ${properties}::${escapeData(message)}\n`;
    })
    .join("");
}

/** A workflow command's message: `%`, CR and LF escaped (GitHub's toolkit `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A workflow command's property value: also `:` and `,` (GitHub's toolkit `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
