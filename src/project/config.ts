// `pol.config.json`: a project's source roots, output folder, minimum coverage and whether
// warnings fail the run. Found from the working directory upwards; bare `pol check`, `pol test`,
// `pol compile` and `pol fmt` run on the project it describes, from its own folder, so their
// output is the same wherever they are started. Every mistake in the file is a located
// diagnostic (POL2040-POL2044), shown with a code frame like a mistake in a policy.

import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Position, Span } from "../ast.js";
import { diagnostic, suggest, type Diagnostic } from "../diagnostics.js";
import { jsonErrorMessage } from "../files/json-text.js";
import { displayPath } from "../files/paths.js";
import { isInside, readTextFile } from "../files/source-files.js";

export const CONFIG_FILE = "pol.config.json";

/** The settings, resolved: every path absolute. */
export interface PolConfig {
  /** The configuration file. */
  file: string;
  /** The folder holding it: the project root, where bare commands run. */
  root: string;
  /** Folders holding `.pol` and `*.test.json` files, as written (relative to `root`). */
  sources: string[];
  /** The output folder of `pol compile`, as written (relative to `root`). */
  out: string;
  /** Percent (0-100) of reachable criterion states `pol test` must cover. */
  minCoverage?: number;
  /** Whether a warning fails `pol check`, `pol compile` and `pol test` as an error does. */
  warningsAsErrors: boolean;
}

export type ConfigLoad =
  | { ok: true; config: PolConfig }
  | { ok: false; diagnostics: Diagnostic[]; sources: Map<string, string> };

/** What each key holds, for messages and for the template `pol init` writes. */
const KEYS = {
  $schema: "the URL of a JSON Schema for editors (pol ignores it)",
  sources: "a list of folder names",
  out: "a folder name",
  minCoverage: "a number from 0 to 100 (a percent)",
  warningsAsErrors: "`true` or `false`",
} as const;

type Key = keyof typeof KEYS;

export const CONFIG_DEFAULTS = { sources: ["policies"], out: "compiled", warningsAsErrors: false } as const;

/** The nearest `pol.config.json` from `folder` upwards, if any. */
export function findConfig(folder: string): string | undefined {
  for (let current = resolve(folder); ; current = dirname(current)) {
    const candidate = join(current, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** Read and check the configuration file at `path`. */
export function loadConfig(path: string): ConfigLoad {
  const file = displayPath(path);
  const read = readTextFile(path);
  const text = read.ok ? read.text : "";
  const sources = new Map([[file, text]]);
  const failed = (diagnostics: Diagnostic[]): ConfigLoad => ({ ok: false, diagnostics, sources });
  const lines = new Offsets(text, file);
  if (!read.ok) return failed([diagnostic("POL2040", lines.span(0, 0), { problem: `readable: ${read.problem}` })]);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const offset = Number(/at position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const at = Math.min(offset, text.length);
    return failed([diagnostic("POL2040", lines.span(at, at + 1), { problem: `valid JSON: ${jsonErrorMessage(error as Error, text)}` })]);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return failed([diagnostic("POL2040", lines.span(0, text.trimEnd().length), { problem: `an object: it holds ${kind(json)}` })]);
  }

  const members = topLevelMembers(text);
  const keySpan = (key: string) => {
    const member = members.get(key);
    return member ? lines.span(member.key[0], member.key[1]) : lines.span(0, 1);
  };
  const valueSpan = (key: string) => {
    const member = members.get(key);
    return member ? lines.span(member.value[0], member.value[1]) : lines.span(0, 1);
  };
  const diagnostics: Diagnostic[] = [];
  const values = json as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    if (Object.hasOwn(KEYS, key)) continue;
    diagnostics.push(
      diagnostic(
        "POL2041",
        keySpan(key),
        { key },
        suggest(key, Object.keys(KEYS)) ?? { suggestion: `the keys are ${Object.keys(KEYS).map((k) => `\`${k}\``).join(", ")}` },
      ),
    );
  }
  const wrong = (key: Key, found: unknown) =>
    diagnostics.push(
      diagnostic("POL2042", valueSpan(key), { key, expected: KEYS[key], found: kind(found) }, { example: `e.g. ${exampleOf(key)}` }),
    );

  const root = dirname(resolve(path));
  let sourceRoots: string[] = [...CONFIG_DEFAULTS.sources];
  if ("sources" in values) {
    const list = values.sources;
    if (!Array.isArray(list) || list.length === 0 || list.some((entry) => typeof entry !== "string" || entry.trim() === "")) {
      wrong("sources", list);
    } else {
      sourceRoots = list as string[];
      for (const source of sourceRoots) {
        const problem = sourceProblem(source, root);
        if (problem !== undefined) {
          diagnostics.push(diagnostic("POL2043", stringSpan(text, members.get("sources"), source, lines), { path: source, problem }));
        }
      }
    }
  } else {
    const problem = sourceProblem(CONFIG_DEFAULTS.sources[0], root);
    if (problem !== undefined) {
      diagnostics.push(
        diagnostic("POL2043", lines.span(0, 1), { path: CONFIG_DEFAULTS.sources[0], problem: `${problem} (it is the default: add \`"sources"\`)` }),
      );
    }
  }

  let out: string = CONFIG_DEFAULTS.out;
  if ("out" in values) {
    if (typeof values.out !== "string" || values.out.trim() === "") wrong("out", values.out);
    else out = values.out;
  }
  const outProblem = outputProblem(out, sourceRoots, root);
  if (outProblem !== undefined) {
    diagnostics.push(diagnostic("POL2044", "out" in values ? valueSpan("out") : lines.span(0, 1), { out, problem: outProblem }));
  }

  let minCoverage: number | undefined;
  if ("minCoverage" in values) {
    const value = values.minCoverage;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) wrong("minCoverage", value);
    else minCoverage = value;
  }
  let warningsAsErrors: boolean = CONFIG_DEFAULTS.warningsAsErrors;
  if ("warningsAsErrors" in values) {
    if (typeof values.warningsAsErrors !== "boolean") wrong("warningsAsErrors", values.warningsAsErrors);
    else warningsAsErrors = values.warningsAsErrors;
  }
  if ("$schema" in values && typeof values.$schema !== "string") wrong("$schema", values.$schema);

  if (diagnostics.length > 0) return failed(diagnostics);
  return {
    ok: true,
    config: {
      file: resolve(path),
      root,
      sources: sourceRoots,
      out,
      ...(minCoverage !== undefined ? { minCoverage } : {}),
      warningsAsErrors,
    },
  };
}

function sourceProblem(source: string, root: string): string | undefined {
  const absolute = resolve(root, source);
  if (!isInside(absolute, root)) return "is outside the project (the folder holding `pol.config.json`)";
  if (!existsSync(absolute)) return "does not exist";
  if (!statSync(absolute).isDirectory()) return "is not a folder";
  return undefined;
}

function outputProblem(out: string, sources: readonly string[], root: string): string | undefined {
  const absolute = resolve(root, out);
  if (!isInside(absolute, root)) return "is outside the project (the folder holding `pol.config.json`)";
  if (absolute === root) return "is the project folder itself";
  for (const source of sources) {
    const folder = resolve(root, source);
    if (isInside(folder, absolute)) return `holds the source root \`${source}\``;
    if (isInside(absolute, folder)) return `is inside the source root \`${source}\``;
  }
  return undefined;
}

function exampleOf(key: Key): string {
  switch (key) {
    case "sources":
      return '`"sources": ["policies"]`';
    case "out":
      return '`"out": "compiled"`';
    case "minCoverage":
      return '`"minCoverage": 100`';
    case "warningsAsErrors":
      return '`"warningsAsErrors": true`';
    case "$schema":
      return '`"$schema": "https://example.org/pol.config.schema.json"`';
  }
}

/** A JSON value as a message shows it. */
function kind(value: unknown): string {
  if (value === null) return "`null`";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list holding something other than folder names";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value.trim() === "" ? "an empty string" : `\`${JSON.stringify(value).slice(0, 40)}\``;
  return `\`${String(value)}\``;
}

/** Offsets into the text as spans (1-based lines and columns) in `file`. */
class Offsets {
  private readonly starts: number[] = [0];
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.starts.push(i + 1);
  }

  span(start: number, end: number): Span {
    return { file: this.file, start: this.position(start), end: this.position(Math.max(end, start)) };
  }

  private position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let line = 0;
    while (line + 1 < this.starts.length && this.starts[line + 1]! <= clamped) line++;
    return { offset: clamped, line: line + 1, column: clamped - this.starts[line]! + 1 };
  }
}

interface Member {
  key: [number, number];
  value: [number, number];
}

/**
 * Where each top-level key and its value are in JSON text that parsed as an object: for pointing
 * at a mistake. The last occurrence of a repeated key wins, as in JSON.parse.
 */
function topLevelMembers(text: string): Map<string, Member> {
  const members = new Map<string, Member>();
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipString = () => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
  };
  const skipValue = () => {
    let depth = 0;
    do {
      const char = text[i];
      if (char === '"') {
        skipString();
        continue;
      }
      if (char === "{" || char === "[") depth++;
      else if (char === "}" || char === "]") depth--;
      else if (depth === 0 && (char === "," || /\s/.test(char ?? ""))) return;
      i++;
    } while (i < text.length && depth > 0);
    if (depth === 0) while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  };
  skipSpace();
  i++; // `{`
  for (;;) {
    skipSpace();
    if (i >= text.length || text[i] !== '"') return members;
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i)) as string;
    const keyEnd = i;
    skipSpace();
    i++; // `:`
    skipSpace();
    const valueStart = i;
    skipValue();
    members.set(key, { key: [keyStart, keyEnd], value: [valueStart, i] });
    skipSpace();
    if (text[i] !== ",") return members;
    i++;
  }
}

/** The span of the string `value` inside the member's (list) value, else of the whole value. */
function stringSpan(text: string, member: Member | undefined, value: string, lines: Offsets): Span {
  if (!member) return lines.span(0, 1);
  const [start, end] = member.value;
  const quoted = JSON.stringify(value);
  const at = text.slice(start, end).indexOf(quoted);
  return at < 0 ? lines.span(start, end) : lines.span(start + at, start + at + quoted.length);
}
