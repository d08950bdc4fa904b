// Loading a file and everything it `use`s: each file is read and parsed once, `use` paths resolve
// relative to the using file and must stay inside the project root, and missing files, files that
// are not `.pol` sources and cycles are reported at the `use` that names them.

import { isAbsolute, posix, relative, sep } from "node:path";
import type { SourceFile, Span } from "../ast.js";
import { diagnostic, fromProblem, type Diagnostic, type Problem } from "../diagnostics.js";
import { parse, type ParseResult } from "../syntax/parse.js";
import type { CheckResult } from "./checker.js";
import { projectRoot, rootRelative } from "../files/source-files.js";
import { linksOutside, refuseUse, rootDisplay } from "./use-paths.js";

/** Why a file could not be read: `missing` when there is no such file. */
export interface ReadFailure {
  problem: string;
  missing: boolean;
}

export interface FileHost {
  /** Absolute or cwd-relative path in; the file's contents, or undefined (or why) when it cannot be read. */
  readFile(path: string): string | undefined | ReadFailure;
  /** The path with symbolic links resolved (absolute), or undefined; lets the loader refuse a
   *  link inside the project that points outside it. Hosts without links leave it out. */
  realPath?(path: string): string | undefined;
}

export interface LoadOptions {
  /** The project root (absolute): `use` paths must stay inside it, and `rootPath`s are relative
   *  to it. Default: `projectRoot(mainPath)`. */
  root?: string;
  /** Shared by the checks of one run (`checkPaths`): files several checked files read are
   *  parsed once. Leave it out when files may change between checks (an editor). */
  run?: RunCache;
}

/**
 * Parses by display path and text. An AST is never changed after parsing, and every check keeps
 * what it learns about the nodes in tables of its own, so one parse can serve every check that
 * reads the same text under the same path; a changed file has another text, so another key.
 * With a limit, the least recently used parse goes first.
 */
export class ParseCache {
  private readonly parses = new Map<string, ParseResult>();

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  parse(text: string, display: string): ParseResult {
    const key = `${display}\u0000${text}`;
    let parsed = this.parses.get(key);
    if (parsed !== undefined) {
      if (this.limit !== Number.POSITIVE_INFINITY) {
        this.parses.delete(key);
        this.parses.set(key, parsed);
      }
      return parsed;
    }
    parsed = parse(text, display);
    if (guardShared) deepFreeze(parsed);
    this.parses.set(key, parsed);
    if (this.parses.size > this.limit) this.parses.delete(this.parses.keys().next().value!);
    return parsed;
  }
}

/**
 * What the checks of one run share: the parse of each file read, checked or used, and the
 * checked binding files other binding files extend.
 */
export class RunCache {
  private readonly files = new ParseCache();
  /** Checked binding files without a base of their own, by host path, root and text. */
  readonly bindings = new Map<string, CheckResult>();

  parse(text: string, display: string): ParseResult {
    return this.files.parse(text, display);
  }
}

/**
 * The parses of files reached through `use`, kept for every later check in the process: an editor
 * checking a policy again on every change, a watch, the bench. The file being checked is parsed
 * afresh unless a run shares it: it is the one that changes. 64 files is more than any project's
 * schemas and shared declarations.
 */
const usedFiles = new ParseCache(64);

/**
 * Under the test runner, shared parses are frozen, so a change to an AST or a diagnostic after
 * parsing (which would leak from one check into the next) throws in the tests instead.
 */
const guardShared = process.env.VITEST !== undefined;

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}

/** The one extension of pol sources: `use` names no other file. */
export const SOURCE_EXTENSION = ".pol";

export interface LoadedFile {
  /** The path handed to the host: absolute when the main file was given absolute, else cwd-relative. */
  hostPath: string;
  /** Relative to the working directory with `/` separators: the path every span and report uses. */
  display: string;
  /** Relative to the project root with `/` separators: the path stamped into compiled output and
   *  its source hash, the same from any working directory. */
  rootPath: string;
  text: string;
  /** Present when the file parsed without syntax errors. */
  ast?: SourceFile;
}

export interface LoadedProgram {
  /** The main file, unless it could not be read. */
  main?: LoadedFile;
  /** Main file first, then used files depth-first in `use` order: the order of the source hash. */
  files: LoadedFile[];
  /** Used files before their users (depth-first post-order): the order declarations are read in,
   *  so a clash is reported on the later, using declaration. */
  declarationOrder: LoadedFile[];
  diagnostics: Diagnostic[];
  /** The project root the program was loaded against (absolute). */
  root: string;
}

export function loadProgram(mainPath: string, host: FileHost, mainSource?: string, options: LoadOptions = {}): LoadedProgram {
  const root = options.root ?? projectRoot(mainPath);
  const diagnostics: Diagnostic[] = [];
  const files: LoadedFile[] = [];
  const declarationOrder: LoadedFile[] = [];
  const loaded = new Map<string, LoadedFile | undefined>();

  const read = (hostPath: string, text: string, used: boolean): LoadedFile => {
    const display = displayPath(hostPath);
    const parsed = options.run ? options.run.parse(text, display) : used ? usedFiles.parse(text, display) : parse(text, display);
    for (const d of parsed.diagnostics) diagnostics.push(d);
    const rootPath = rootRelative(hostPath, root);
    // A file with syntax errors is still checked as far as it parsed cleanly (SourceFile.recovered).
    const ast = parsed.file ?? parsed.partial;
    const file: LoadedFile = ast ? { hostPath, display, rootPath, text, ast } : { hostPath, display, rootPath, text };
    files.push(file);
    loaded.set(hostPath, file);
    return file;
  };

  // A policy's rules and header belong to it alone: `use` would take its lets and code sets and
  // silently leave its rules behind, so only schemas (and files of shared declarations) are used.
  const refusePolicy = (used: LoadedFile | undefined, path: { value: string; span: Span }): void => {
    const header = used?.ast?.header;
    if (header?.kind === "FhirHeader") {
      diagnostics.push(diagnostic("POL6016", path.span, { path: path.value, name: header.name.name }, { path: path.value }));
      return;
    }
    if (header?.kind !== "PolicyHeader") return;
    const policy = header.id.map((part) => part.name).join(".");
    diagnostics.push(diagnostic("POL2037", path.span, { path: path.value, policy }));
  };

  const visit = (file: LoadedFile, stack: string[]): void => {
    for (const use of file.ast?.uses ?? []) {
      const refused = refuseUse(use.path.value, file.hostPath, root);
      if (refused) {
        diagnostics.push(fromProblem(refused, use.path.span));
        continue;
      }
      const target = resolveUse(file.hostPath, use.path.value);
      const cycleStart = stack.indexOf(target);
      if (cycleStart >= 0) {
        const cycle = [...stack.slice(cycleStart), target].map(displayPath).map((p) => `\`${p}\``);
        diagnostics.push(
          diagnostic("POL2007", use.path.span, { cycle: cycle.join(" uses ") }),
        );
        continue;
      }
      if (loaded.has(target)) {
        refusePolicy(loaded.get(target), use.path);
        continue;
      }
      if (linksOutside(host, target, root)) {
        diagnostics.push(
          diagnostic("POL2019", use.path.span, { path: use.path.value, problem: `leaves the project root \`${rootDisplay(root)}\` through a symbolic link` }, { help: "link" }),
        );
        continue;
      }
      const text = host.readFile(target);
      if (typeof text !== "string") {
        if (text === undefined || text.missing) {
          diagnostics.push(
            diagnostic("POL2006", use.path.span, { path: use.path.value }, { help: "looked", resolved: displayPath(target) }),
          );
        } else {
          diagnostics.push(
            diagnostic("POL2020", use.path.span, { path: use.path.value }, { help: "unreadable", problem: text.problem }),
          );
        }
        continue;
      }
      const used = read(target, text, true);
      refusePolicy(used, use.path);
      visit(used, [...stack, target]);
    }
    declarationOrder.push(file);
  };

  const hostPath = normalizePath(mainPath);
  const text = mainSource ?? host.readFile(hostPath);
  if (typeof text !== "string") {
    const help = text === undefined || text.missing ? undefined : { help: "problem" as const, problem: text.problem };
    diagnostics.push(diagnostic("POL2006", startOf(displayPath(hostPath)), { path: mainPath }, help));
    return { files, declarationOrder, diagnostics, root };
  }
  const main = read(hostPath, text, false);
  visit(main, [hostPath]);
  return { main, files, declarationOrder, diagnostics, root };
}

/** `use` paths are relative to the directory of the using file. */
export function resolveUse(fromHostPath: string, usePath: string): string {
  const target = usePath.replace(/\\/g, "/");
  if (isAbsolute(target)) return posix.normalize(target);
  return normalizePath(posix.join(posix.dirname(fromHostPath), target));
}

export function normalizePath(path: string): string {
  const normalized = posix.normalize(path.replace(/\\/g, "/"));
  return normalized.startsWith("./") ? normalized.slice(2) : normalized;
}

export function displayPath(hostPath: string): string {
  if (!isAbsolute(hostPath)) return hostPath;
  const rel = relative(process.cwd(), hostPath);
  return rel === "" ? hostPath : rel.split(sep).join("/");
}

function startOf(file: string): Span {
  const position = { offset: 0, line: 1, column: 1 };
  return { file, start: position, end: position };
}
