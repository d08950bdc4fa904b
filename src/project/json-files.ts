// JSON inputs (cases): read and parse a file, turning every failure into one clear message.

import { jsonErrorMessage } from "../files/json-text.js";
import { readTextFile } from "../files/source-files.js";

/** `unreadable`: the file could not be read at all (missing, not a regular file, too large). */
export type JsonRead = { ok: true; value: unknown } | { ok: false; message: string; unreadable?: boolean };

export function readJsonFile(path: string): JsonRead {
  const read = readTextFile(path);
  if (!read.ok) return { ok: false, message: read.missing ? `cannot read \`${path}\`` : read.problem, unreadable: true };
  const text = read.text;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `\`${path}\` is not valid JSON: ${jsonErrorMessage(error as Error, text)}` };
  }
}
