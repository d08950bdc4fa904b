// Reading the files pol is given or led to (`.pol` sources, `use`d files, cases, test files)
// safely: only regular files, never more than MAX_FILE_BYTES, opened so that a FIFO or a device
// cannot block or flood the process. Also the project root that `use` paths must stay inside and
// that emitted source paths are relative to, and the errors of the file system in house style.

import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { FileHost } from "../check/loader.js";

/** The largest file pol reads: 1 MiB. Policies, schemas, cases and test files are far smaller. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Files whose presence marks the top folder of a project (the project root). */
export const ROOT_MARKERS = ["pol.config.json", "package.json"] as const;

/** The byte order mark some editors put first; it is not part of the text. */
const BOM = "\uFEFF";

/** A failure of the file system (not of pol): reported as one line, exit code 1. */
export class FileSystemError extends Error {}

export type FileRead = { ok: true; text: string } | { ok: false; problem: string; missing: boolean };

/**
 * The file-system calls the CLI makes to find and read files, in one object so a test can make
 * one of them fail (tests run as root, where permissions cannot make a call fail).
 */
export const sourceFs = {
  readdir: (path: string): Dirent[] => readdirSync(path, { withFileTypes: true }),
  stat: (path: string) => statSync(path),
  open: (path: string): number => openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)),
};

/**
 * The text of a regular file of at most MAX_FILE_BYTES, without a leading byte order mark. A
 * FIFO, device, socket or folder is refused without reading from it: the file is opened
 * non-blocking and checked on the open descriptor, so it cannot be swapped in between.
 */
export function readTextFile(path: string): FileRead {
  let fd: number;
  try {
    fd = sourceFs.open(path);
  } catch (error) {
    const code = errorCode(error);
    return { ok: false, problem: describeErrno(code, path), missing: code === "ENOENT" || code === "ENOTDIR" };
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { ok: false, problem: `\`${path}\` is a folder, not a file`, missing: false };
    if (!stats.isFile()) return { ok: false, problem: `\`${path}\` is not a regular file`, missing: false };
    if (stats.size > MAX_FILE_BYTES) return { ok: false, problem: tooLarge(path), missing: false };
    // The size can change under us: read at most one byte more than the limit to notice.
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) return { ok: false, problem: tooLarge(path), missing: false };
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    const text = buffer.subarray(0, length).toString("utf8");
    return { ok: true, text: text.startsWith(BOM) ? text.slice(1) : text };
  } catch (error) {
    return { ok: false, problem: describeErrno(errorCode(error), path), missing: false };
  } finally {
    closeSync(fd);
  }
}

/** The checker's files on disk: regular files of at most MAX_FILE_BYTES only. The one module of
 *  the check pipeline that touches the file system (a browser build swaps it for its own). */
export const nodeFileHost: FileHost = {
  readFile(path: string) {
    const read = readTextFile(path);
    return read.ok ? read.text : { problem: read.problem, missing: read.missing };
  },
  realPath(path: string) {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  },
};

function tooLarge(path: string): string {
  return `\`${path}\` is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, the most pol reads`;
}

/**
 * The project root for a path named on the command line (or the main file of a check): the
 * nearest folder, from the path's own folder upwards, holding `pol.config.json` or
 * `package.json`; without one, the named folder itself (for a file, its folder). `use` paths
 * must stay inside it, and emitted source paths are relative to it, so compiled output does not
 * depend on the working directory.
 */
export function projectRoot(path: string): string {
  const absolute = resolve(path);
  let start = absolute;
  try {
    if (!statSync(absolute).isDirectory()) start = dirname(absolute);
  } catch {
    start = dirname(absolute);
  }
  for (let folder = start; ; folder = dirname(folder)) {
    if (ROOT_MARKERS.some((marker) => existsSync(join(folder, marker)))) return folder;
    if (dirname(folder) === folder) return start;
  }
}

/** Whether `path` (absolute, or relative to the working directory) is inside the folder `root`. */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** `path` relative to `root`, with `/` separators: the form stamped into compiled output. */
export function rootRelative(path: string, root: string): string {
  return relative(root, resolve(path)).split(sep).join("/");
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether `error` is a failure of a file-system call (it carries an errno code and a syscall). */
export function isFileSystemFailure(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof errorCode(error) === "string" && "syscall" in error;
}

/** "cannot read `x`: permission denied" for an errno code; `path` is shown as given. */
export function describeErrno(code: string | undefined, path: string, action = "read"): string {
  return `cannot ${action} \`${path}\`: ${errnoPhrase(code)}`;
}

export function errnoPhrase(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "no such file or folder";
    case "ENOTDIR":
      return "a part of the path is a file, not a folder";
    case "EISDIR":
      return "it is a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "the file system is read-only";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "the disk quota is exhausted";
    case "EEXIST":
      return "it already exists";
    case "ENOTEMPTY":
      return "the folder is not empty";
    case "EBUSY":
      return "it is busy";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "EIO":
      return "an input/output error";
    default:
      return code === undefined ? "unknown error" : `error ${code}`;
  }
}

/** One line for any file-system failure that reached the top of a command. */
export function describeFileSystemFailure(error: NodeJS.ErrnoException): string {
  const action = FAILED_ACTIONS[error.syscall ?? ""] ?? "use";
  const path = error.path === undefined ? "a file" : `\`${displayFsPath(error.path)}\``;
  return `cannot ${action} ${path}: ${errnoPhrase(error.code)}`;
}

const FAILED_ACTIONS: Record<string, string> = {
  open: "open",
  read: "read",
  scandir: "read the folder",
  stat: "read",
  lstat: "read",
  write: "write",
  mkdir: "create the folder",
  rename: "rename",
  rmdir: "remove",
  rm: "remove",
  unlink: "remove",
};

function displayFsPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return (rel === "" || rel.startsWith("..") ? path : rel).split(sep).join("/");
}
