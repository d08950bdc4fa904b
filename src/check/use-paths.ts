// Which `use` paths the loader may follow: relative ones that stay inside the project root (also
// after following symbolic links) and name `.pol` files. Checked before anything is read.

import { isAbsolute, relative, sep } from "node:path";
import { isInside } from "../source-files.js";
import { displayPath, resolveUse, SOURCE_EXTENSION, type FileHost } from "./loader.js";

/**
 * Why a `use` path may not be followed: it is absolute, it leaves the project root, or it names a
 * file that is not a `.pol` source. Checked on the path alone, before anything is read.
 */
export function refuseUse(
  usePath: string,
  fromHostPath: string,
  root: string,
): { code: "POL2012" | "POL2013"; message: string; help: string } | undefined {
  const written = usePath.replace(/\\/g, "/");
  if (isAbsolute(written) || /^[A-Za-z]:\//.test(written)) {
    return {
      code: "POL2012",
      message: `\`use\` paths must be relative, but \`${usePath}\` is absolute`,
      help: "write the path relative to this file's folder, e.g. `use \"../schema/spine.pol\"`",
    };
  }
  const target = resolveUse(fromHostPath, usePath);
  if (!isInside(target, root)) {
    return {
      code: "POL2012",
      message: `\`use\` path \`${usePath}\` leaves the project root \`${rootDisplay(root)}\``,
      help: "a used file must be inside the project: the nearest folder holding `pol.config.json` or `package.json` (else the folder being checked)",
    };
  }
  if (!written.endsWith(SOURCE_EXTENSION)) {
    return {
      code: "POL2013",
      message: `\`use\` can only name a \`.pol\` source file, not \`${usePath}\``,
      help: "name a schema or policy file ending in `.pol`",
    };
  }
  return undefined;
}

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

