// The source hash stamped into generated code: it changes when any file of the policy changes,
// including a renamed or moved file.

import { createHash } from "node:crypto";

/** sha256 (hex) over each file's display path, a line break and its text, in the given order. */
export function sourceHash(files: readonly { display: string; text: string }[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file.display}\n${file.text}`);
  return hash.digest("hex");
}
