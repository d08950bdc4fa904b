// The project a command runs on. The nearest `pol.config.json` (from the working directory
// upwards) supplies source roots, the output folder, the minimum coverage and whether warnings
// fail the run; options on the command line win. A command given no paths runs on the
// configured source roots from the project's own folder, so what it prints, the annotations CI
// shows and what it writes are the same wherever it was started.

import { relative, resolve, sep } from "node:path";
import { CONFIG_DEFAULTS, findConfig, loadConfig, type DiagnosticFormat, type PolConfig } from "../core.js";
import { EXIT_USAGE, printDiagnostics, type Io } from "./io.js";

export interface Project {
  /** The paths to work on: as given, or the configured source roots (relative to the root). */
  paths: string[];
  /** The output folder of `pol compile`, relative to the working directory the command runs in. */
  out: string;
  minCoverage?: number;
  warningsAsErrors: boolean;
  /** The configuration in effect, if a `pol.config.json` was found. */
  config?: PolConfig;
  /** Whether the command runs from the project root (no paths given, a configuration found). */
  fromRoot: boolean;
}

export type ProjectLoad = { ok: true; project: Project } | { ok: false; exitCode: number };

/**
 * The project for a command given `paths` (empty: none named). Configuration errors are printed
 * in `format` and end the command with exit code 2, as a bad option does.
 */
export function resolveProject(paths: readonly string[], format: DiagnosticFormat, io: Io): ProjectLoad {
  const file = findConfig(process.cwd());
  if (file === undefined) {
    return {
      ok: true,
      project: {
        paths: paths.length > 0 ? [...paths] : [...CONFIG_DEFAULTS.sources],
        out: CONFIG_DEFAULTS.out,
        warningsAsErrors: false,
        fromRoot: false,
      },
    };
  }
  const load = loadConfig(file);
  if (!load.ok) {
    printDiagnostics({ results: new Map(), diagnostics: load.diagnostics, sources: load.sources }, format, io);
    return { ok: false, exitCode: EXIT_USAGE };
  }
  const { config } = load;
  const fromRoot = paths.length === 0;
  const base = fromRoot ? config.root : process.cwd();
  return {
    ok: true,
    project: {
      paths: fromRoot ? [...config.sources] : [...paths],
      out: forwardSlashes(relative(base, resolve(config.root, config.out)) || "."),
      ...(config.minCoverage !== undefined ? { minCoverage: config.minCoverage } : {}),
      warningsAsErrors: config.warningsAsErrors,
      config,
      fromRoot,
    },
  };
}

/** Run `work` from the project root when the project says so, then return to where we were. */
export async function inProjectFolder<T>(project: Project, work: () => Promise<T> | T): Promise<T> {
  if (!project.fromRoot || project.config === undefined) return await work();
  const before = process.cwd();
  process.chdir(project.config.root);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}

function forwardSlashes(path: string): string {
  return path.split(sep).join("/");
}
