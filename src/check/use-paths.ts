// Which `use` paths the loader may follow: relative ones that stay inside the project root (also
// after following symbolic links) and name `.pol` files. Checked before anything is read.

import { isAbsolute, relative, sep } from "node:path";
import type { Problem } from "../diagnostics.js";
import { isInside } from "../files/source-files.js";
import { resolveUse, SOURCE_EXTENSION, type FileHost } from "./loader.js";

/**
 * Why a `use` path may not be followed: it is absolute, it leaves the project root, or it names a
 * file that is not a `.pol` source. Checked on the path alone, before anything is read.
 */
export function refuseUse(usePath: string, fromHostPath: string, root: string): Problem | undefined {
  const written = usePath.replace(/\\/g, "/");
  if (isAbsolute(written) || /^[A-Za-z]:\//.test(written)) {
    return { code: "POL2019", args: { path: usePath, problem: "is absolute: `use` paths must be relative" }, help: { help: "absolute" } };
  }
  const target = resolveUse(fromHostPath, usePath);
  if (!isInside(target, root)) {
    return {
      code: "POL2019",
      args: { path: usePath, problem: `leaves the project root \`${rootDisplay(root)}\`` },
      help: { help: "outside" },
    };
  }
  if (!written.endsWith(SOURCE_EXTENSION)) {
    return { code: "POL2020", args: { path: usePath }, help: { help: "extension" } };
  }
  return undefined;
}

/** Whether the target, its symbolic links followed, lies outside the (real) project root. */
export function linksOutside(host: FileHost, target: string, root: string): boolean {
  if (!host.realPath) return false;
  const real = host.realPath(target);
  const realRoot = host.realPath(root);
  return real !== undefined && realRoot !== undefined && !isInside(real, realRoot);
}

export function rootDisplay(root: string): string {
  const rel = relative(process.cwd(), root);
  return rel === "" ? "." : rel.split(sep).join("/");
}

