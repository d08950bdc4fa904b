// pol's CLI run in-process, its stdout and stderr captured apart.

import { main } from "../../src/cli/cli.js";
import type { Io } from "../../src/cli/io.js";

export async function runPol(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (text) => void (out += text), err: (text) => void (err += text) };
  const code = await main(args, io);
  return { code, out, err };
}
