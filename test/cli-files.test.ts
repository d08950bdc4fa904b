// What pol reads and where from, and how file-system trouble is reported: `use` paths stay inside
// the project root and name regular `.pol` files only; files named on the command line are
// regular files of the right kind; FIFOs and devices never block or flood pol; module names do
// not collide; CR-only line endings and a BOM keep positions right; output does not depend on the
// working directory; closed pipes and failing file systems give one line, never a stack trace.

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli/cli.js";
import type { Io } from "../src/cli/io.js";
import { nodeWriteFs } from "../src/files/output-folder.js";
import { MAX_FILE_BYTES, sourceFs } from "../src/files/source-files.js";

const POL = resolve("bin/pol.js");
const posix = process.platform !== "win32";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pol-files-"));
  cpSync("tutorial/schema.pol", join(dir, "policies/schema.pol"));
  cpSync("tutorial/lumbar-mri.pol", join(dir, "policies/lumbar-mri.pol"));
  cpSync("tutorial/case.json", join(dir, "case.json"));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function pol(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (text) => void (out += text), err: (text) => void (err += text) };
  const code = await main(args, io);
  return { code, out, err };
}

/** The built CLI in a child process, so a read that blocks or floods cannot take the tests down. */
function polProcess(args: string[], options: { cwd?: string; input?: string } = {}) {
  const result = spawnSync(process.execPath, [POL, ...args], {
    cwd: options.cwd ?? dir,
    encoding: "utf8",
    timeout: 20_000,
    input: options.input ?? "",
  });
  return { code: result.status, out: result.stdout, err: result.stderr, timedOut: result.error !== undefined };
}

const at = (...parts: string[]) => join(dir, ...parts);
/** The tutorial policy as shipped (the copy in `dir` is edited by the tests). */
const TUTORIAL_POLICY = readFileSync("tutorial/lumbar-mri.pol", "utf8");
const policy = () => TUTORIAL_POLICY;

function withUse(path: string): string {
  return policy().replace('use "schema.pol"', `use "schema.pol"\nuse ${JSON.stringify(path)}`);
}

describe("`use` reads only regular .pol files inside the project root", () => {
  it("rejects an absolute path and never shows the file", async () => {
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("/etc/passwd"));
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toContain("error[POL2019]: `use` path `/etc/passwd` is absolute: `use` paths must be relative");
    expect(err).not.toMatch(/root:/);
  });

  it("rejects a `..` path that leaves the project root", async () => {
    writeFileSync(at("secret.pol"), "schema secret\n");
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("../secret.pol"));
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toContain("error[POL2019]: `use` path `../secret.pol` leaves the project root");
    // With a marker above, the project root is that folder and the same `use` is fine.
    writeFileSync(at("pol.config.json"), "{}\n");
    writeFileSync(at("secret.pol"), readFileSync("tutorial/schema.pol", "utf8").replace("schema imaging", "schema extra").replace(/^(enum|record|case|item)[\s\S]*$/m, ""));
    const inside = await pol("check", at("policies"));
    expect(inside.err).not.toContain("POL2019");
  });

  it.runIf(posix)("rejects a link inside the project that points outside it", async () => {
    const outside = mkdtempSync(join(tmpdir(), "pol-outside-"));
    try {
      writeFileSync(join(outside, "x.pol"), "schema x\n");
      symlinkSync(join(outside, "x.pol"), at("policies/link.pol"));
      writeFileSync(at("policies/lumbar-mri.pol"), withUse("link.pol"));
      const { code, err } = await pol("check", at("policies/lumbar-mri.pol"));
      expect(code).toBe(1);
      expect(err).toContain("through a symbolic link");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("names only `.pol` files, and never echoes another file in a code frame", async () => {
    writeFileSync(at("policies/notes.txt"), "TOP SECRET LINE\n");
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("notes.txt"));
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toContain("error[POL2020]: `use` can only name a `.pol` source file, not `notes.txt`");
    expect(err).not.toContain("TOP SECRET");
  });

  it.runIf(posix)("refuses a device behind a `.pol` name without reading it (/dev/zero)", () => {
    symlinkSync("/dev/zero", at("policies/zero.pol"));
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("zero.pol"));
    const result = polProcess(["check", "policies/lumbar-mri.pol"]);
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(1);
    // The link leads outside the project, so it is refused before anything is opened.
    expect(result.err).toContain("error[POL2019]: `use` path `zero.pol` leaves the project root `policies` through a symbolic link");
    expect(result.err).not.toContain("internal error");
  });

  it.runIf(posix)("does not block on a FIFO named `*.pol`, used or named on the command line", () => {
    expect(spawnSync("mkfifo", [at("policies/fifo.pol")]).status).toBe(0);
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("fifo.pol"));
    const used = polProcess(["check", "policies/lumbar-mri.pol"]);
    expect(used.timedOut).toBe(false);
    expect(used.code).toBe(1);
    expect(used.err).toContain("`policies/fifo.pol` is not a regular file");
    // A folder walk skips it; naming it is a usage error.
    const named = polProcess(["check", "policies/fifo.pol"]);
    expect(named.timedOut).toBe(false);
    expect(named.code).toBe(2);
    expect(named.err).toBe("error: `policies/fifo.pol` is not a regular file\n");
  });

  it.runIf(posix)("does not read standard input through `/dev/stdin`", async () => {
    symlinkSync("/dev/stdin", at("policies/stdin.pol"));
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("stdin.pol"));
    // Standard input is a pipe that stays open: reading it would block until the timeout.
    const result = await new Promise<{ status: number | null; stderr: string; timedOut: boolean }>((done) => {
      const child = spawn(process.execPath, [POL, "check", "policies/lumbar-mri.pol"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => void (stderr += String(chunk)));
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("close", (status, signal) => {
        clearTimeout(timer);
        child.stdin.destroy();
        done({ status, stderr, timedOut: signal === "SIGKILL" });
      });
    });
    expect(result.timedOut).toBe(false);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error\[POL20(19|20)\]: `use` (path `stdin.pol` leaves|can only name)/);
  });

  it("refuses files over the size limit", async () => {
    writeFileSync(at("policies/big.pol"), `schema big\n${"# padding\n".repeat(MAX_FILE_BYTES / 10 + 1)}`);
    writeFileSync(at("policies/lumbar-mri.pol"), withUse("big.pol"));
    const { code, err } = await pol("check", at("policies/lumbar-mri.pol"));
    expect(code).toBe(1);
    expect(err).toContain("is larger than 1 MiB, the most pol reads");
  });
});

describe("files named on the command line", () => {
  it("must be `.pol` files for check, fmt and compile, and are never shown otherwise", async () => {
    writeFileSync(at("notes.txt"), "TOP SECRET LINE\n");
    for (const command of ["check", "fmt", "compile"]) {
      const { code, err } = await pol(command, at("notes.txt"));
      expect(code, command).toBe(2);
      expect(err, command).toContain("is not a `*.pol` file");
      expect(err, command).not.toContain("TOP SECRET");
    }
    const evaluated = await pol("eval", at("notes.txt"), at("case.json"));
    expect(evaluated.code).toBe(2);
    expect(evaluated.err).not.toContain("TOP SECRET");
  });

  it.runIf(posix)("a case that is a FIFO or a device is a usage error, without blocking", () => {
    expect(spawnSync("mkfifo", [at("case-fifo.json")]).status).toBe(0);
    const fifo = polProcess(["eval", "policies/lumbar-mri.pol", "case-fifo.json"]);
    expect(fifo.timedOut).toBe(false);
    expect(fifo.code).toBe(2);
    expect(fifo.err).toBe("error: `case-fifo.json` is not a regular file\n");
    const zero = polProcess(["eval", "policies/lumbar-mri.pol", "/dev/zero"]);
    expect(zero.timedOut).toBe(false);
    expect(zero.code).toBe(2);
    expect(zero.err).toBe("error: `/dev/zero` is not a regular file\n");
  });
});

describe("policy ids and the files they compile to", () => {
  const withId = (id: string) => policy().replace("policy acme.lumbar_mri", `policy ${id}`);

  it("rejects ids that compile to `runtime.ts` or `index.ts`", async () => {
    writeFileSync(at("policies/lumbar-mri.pol"), withId("runtime"));
    writeFileSync(at("policies/index.pol"), withId("Index"));
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toContain("error[POL2021]: policy `runtime` would compile to `runtime.ts`, a file name pol reserves");
    expect(err).toContain("error[POL2021]: policy `Index` would compile to `index.ts`");
    const compiled = await pol("compile", at("policies"), "--out", at("compiled"));
    expect(compiled.code).toBe(1);
    expect(existsSync(at("compiled"))).toBe(false);
  });

  it("rejects two policies that compile to one file, at both, naming the other", async () => {
    writeFileSync(at("policies/lumbar-mri.pol"), withId("acme.a.b"));
    writeFileSync(at("policies/other.pol"), withId("acme.a_b"));
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    // Paths are shown relative to the working directory, whichever folder the test runs from.
    const first = `${relative(process.cwd(), at("policies/lumbar-mri.pol")).split(sep).join("/")}:1:8`;
    expect(err).toContain("error[POL2022]: policy `acme.a.b` compiles to `acme-a-b.ts`, as does policy `acme.a_b`");
    expect(err).toContain(`error[POL2022]: policy \`acme.a_b\` compiles to \`acme-a-b.ts\`, as does policy \`acme.a.b\` (`);
    expect(err).toContain(first);
    expect((await pol("compile", at("policies"), "--out", at("compiled"))).code).toBe(1);
  });
});

describe("file-system failures", () => {
  it("`--out` naming a file is a usage error, a path through a file an input error: one line each", async () => {
    writeFileSync(at("file"), "x\n");
    const onFile = await pol("compile", at("policies"), "--out", at("file"));
    expect(onFile.code).toBe(2);
    expect(onFile.err).toMatch(/^error: `--out` names `.*file`, which is a file, not a folder\n$/);
    const through = await pol("compile", at("policies"), "--out", at("file/compiled"));
    expect(through.code).toBe(1);
    expect(through.err).toMatch(/^error: cannot write the output folder `.*file\/compiled`: a part of the path is a file, not a folder\nhelp: /);
    expect(through.err).not.toContain("internal error");
    expect(readFileSync(at("file"), "utf8")).toBe("x\n");
  });

  it("an unreadable folder is one line, exit 1", async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, scandir"), { code: "EACCES", syscall: "scandir" });
    vi.spyOn(sourceFs, "readdir").mockImplementation(() => {
      throw denied;
    });
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toMatch(/^error: cannot read the folder `.*policies`: permission denied\n/);
    expect(err).not.toContain("internal error");
  });

  it("an unwritable output folder is one line, exit 1", async () => {
    const denied = (path: string) => Object.assign(new Error(`EACCES: permission denied, mkdir '${path}'`), { code: "EACCES", syscall: "mkdir", path });
    vi.spyOn(nodeWriteFs, "mkdir").mockImplementation((path) => {
      throw denied(path);
    });
    const { code, err } = await pol("compile", at("policies"), "--out", at("compiled"));
    expect(code).toBe(1);
    expect(err).toMatch(/^error: cannot write the output folder `.*compiled`: permission denied\nhelp: /);
    expect(err).not.toContain("internal error");
  });

  it.runIf(posix)("a reader that closes the pipe early gets no stack trace (`pol check | true`)", () => {
    const result = spawnSync("bash", ["-c", `"${process.execPath}" "${POL}" check policies | true; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      cwd: dir,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.stderr).toBe("exit=0\n");
  });
});

describe("line endings, byte order marks and the working directory", () => {
  it("places errors on the right line with CR-only line endings", async () => {
    const broken = policy().replace("red_flags or time since", "red_flag or time since").replace(/\n/g, "\r");
    writeFileSync(at("policies/lumbar-mri.pol"), broken);
    const { code, err } = await pol("check", at("policies"));
    expect(code).toBe(1);
    expect(err).toContain("error[POL2001]: unknown name `red_flag`");
    expect(err).toMatch(/lumbar-mri\.pol:18:5\n/);
    expect(err).toContain("18 |     red_flag or time since pain_onset >= 6wk\n");
  });

  it("ignores a leading byte order mark, with positions unchanged", async () => {
    writeFileSync(at("policies/lumbar-mri.pol"), `\uFEFF${policy()}`);
    expect((await pol("check", at("policies"))).code).toBe(0);
    writeFileSync(at("policies/lumbar-mri.pol"), `\uFEFF${policy().replace("policy acme.lumbar_mri", "policy acme.lumbar_mri oops")}`);
    const { err } = await pol("check", at("policies"));
    expect(err).toContain(":1:24\n");
    expect(err).not.toContain("POL1001");
    writeFileSync(at("policies/lumbar-mri.pol"), `\uFEFF${policy().replace("red_flags or time", "red_flag or time")}`);
    expect((await pol("check", at("policies"))).err).toMatch(/lumbar-mri\.pol:18:5\n/);
  });

  it("compiles the same output from any working directory", async () => {
    writeFileSync(at("pol.config.json"), "{}\n");
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect((await pol("compile", "policies", "--out", "compiled")).code).toBe(0);
      const written = readFileSync(at("compiled/acme-lumbar-mri.ts"), "utf8");
      expect(written).toContain("// Generated by pol from policies/lumbar-mri.pol.");
      process.chdir(at("policies"));
      const check = await pol("compile", ".", "--out", "../compiled", "--check");
      expect(check.err).toBe("");
      expect(check.code).toBe(0);
      process.chdir(tmpdir());
      expect((await pol("compile", at("policies"), "--out", at("compiled"), "--check")).code).toBe(0);
      expect(readdirSync(at("compiled")).filter((file) => file.endsWith(".ts")).sort()).toEqual(["acme-lumbar-mri.ts", "imaging.schema.ts", "index.ts"]);
    } finally {
      process.chdir(cwd);
    }
  });
});
