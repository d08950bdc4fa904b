// `pol init`: a new analysts' repository from the template shipped with pol (templates/init/):
// `pol.config.json`, a schema, one policy, its test file, an example case and a CI workflow.
// Nothing is overwritten: when any file the template would write exists, nothing is written.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { polPackageRoot } from "./version.js";

/** Template paths that cannot ship under their own name (npm leaves dot-folders alone; keep them plain). */
const RENAMED: Readonly<Record<string, string>> = { "github/": ".github/" };

/** The template's files: project-relative path (with `/`) -> content, sorted. */
export function initTemplate(): Map<string, string> {
  const base = join(polPackageRoot(), "templates", "init");
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(projectPath(relative(base, path).split(sep).join("/")), readFileSync(path, "utf8"));
    }
  };
  walk(base);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function projectPath(path: string): string {
  for (const [from, to] of Object.entries(RENAMED)) if (path.startsWith(from)) return to + path.slice(from.length);
  return path;
}

export type InitResult = { ok: true; created: string[] } | { ok: false; existing: string[] };

/** Write the template into `folder` (created if missing), unless one of its files is there already. */
export function initProject(folder: string): InitResult {
  const files = initTemplate();
  const existing = [...files.keys()].filter((path) => existsSync(join(folder, path)));
  if (existing.length > 0) return { ok: false, existing };
  for (const [path, content] of files) {
    const target = join(folder, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { flag: "wx" });
  }
  return { ok: true, created: [...files.keys()] };
}
