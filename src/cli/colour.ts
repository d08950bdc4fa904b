// Colour on a terminal: the human reports are plain text everywhere (tests, logs, files, pipes);
// when a stream is a colour terminal its lines are painted by what they are (an error heading,
// the underline of a span, a help line, a failing test, the totals). `NO_COLOR` (any non-empty
// value, https://no-color.org) turns colour off, `FORCE_COLOR` turns it on without a terminal
// (CI logs that render ANSI), `TERM=dumb` means a terminal without colour.

const RESET = "\u001b[0m";
const STYLES = {
  red: "\u001b[31m",
  green: "\u001b[32m",
  yellow: "\u001b[33m",
  cyan: "\u001b[36m",
  dim: "\u001b[2m",
  boldRed: "\u001b[1;31m",
  boldYellow: "\u001b[1;33m",
} as const;

type Style = keyof typeof STYLES;

const paint = (style: Style, text: string) => `${STYLES[style]}${text}${RESET}`;

/** Whether to paint what goes to a stream, from the environment and whether it is a terminal. */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** The line rules, first match wins. */
const RULES: [RegExp, (...groups: string[]) => string][] = [
  [/^(error|warning)(\[POL\d{4}\])?(:.*)$/, (kind, code = "", rest) => paint(kind === "error" ? "boldRed" : "boldYellow", `${kind}${code}`) + rest],
  [/^(\s*(?:\d+)? +\| +)(~+)$/, (gutter, underline) => paint("cyan", gutter) + paint("red", underline)],
  [/^(\s*(?:\d+ )?\s*\|)(.*)$/, (gutter, rest) => paint("cyan", gutter) + rest],
  [/^(\s*--> )(.*)$/, (arrow, rest) => paint("cyan", arrow) + rest],
  [/^(\s*= help:)(.*)$/, (help, rest) => paint("cyan", help) + rest],
  [/^(\s*)(FAIL)( .*)$/, (indent, fail, rest) => indent + paint("boldRed", fail) + rest],
  [/^(\s+)(- \w+:.*)$/, (indent, rest) => indent + paint("red", rest)],
  [/^(\s+)(\+ \w+:.*)$/, (indent, rest) => indent + paint("green", rest)],
  [/^(.*?)(\d+) passed, (\d+) failed$/, (prefix, passed, failed) => prefix + totals(passed!, failed!)],
  [/^(checked \d+ files?: no errors|\S+ is up to date .*)$/, (line) => paint("green", line)],
];

function totals(passed: string, failed: string): string {
  return `${paint("green", `${passed} passed`)}, ${failed === "0" ? `${failed} failed` : paint("red", `${failed} failed`)}`;
}

/** `text` with each line painted by the first rule that matches it. */
export function colourize(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      for (const [pattern, render] of RULES) {
        const match = pattern.exec(line);
        if (match) return render(...match.slice(1).map((group) => group ?? ""));
      }
      return line;
    })
    .join("\n");
}
