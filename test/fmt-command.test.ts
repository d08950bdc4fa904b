// `pol fmt` through the CLI entry point, on files in a temporary folder.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  return { code, out, err };
}

const FORMATTED = `policy t.p
  title "T"
  payer "P"
  number "1"
  version "1"
  effective 2025-01-01

let a = 1 # one
`;
const UNFORMATTED =
  'policy t.p title "T" payer "P" number "1" version "1" effective 2025-01-01\nlet   a = 1 # one\n';
const BROKEN = `${FORMATTED}let b = (1\n`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pol-fmt-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe("pol fmt --check", () => {
  it("exits 0 when every file is formatted", async () => {
    write("a.pol", FORMATTED);
    write("nested/b.pol", FORMATTED);
    const { code, out, err } = await run("fmt", "--check", dir);
    expect(code).toBe(0);
    expect(out).toBe("2 files already formatted\n");
    expect(err).toBe("");
  });

  it("lists the files that are not formatted, exits 1 and writes nothing", async () => {
    write("a.pol", FORMATTED);
    const path = write("b.pol", UNFORMATTED);
    const { code, out, err } = await run("fmt", "--check", dir);
    expect(code).toBe(1);
    expect(out.trim().split("\n")).toEqual([expect.stringMatching(/b\.pol$/)]);
    expect(err).toContain("1 file not formatted (run `pol fmt`)");
    expect(readFileSync(path, "utf8")).toBe(UNFORMATTED);
  });
});

describe("pol fmt", () => {
  it("rewrites the files that are not formatted and leaves the others alone", async () => {
    const formatted = write("a.pol", FORMATTED);
    const unformatted = write("b.pol", UNFORMATTED);
    const { code, out } = await run("fmt", dir);
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toEqual([expect.stringMatching(/^formatted .*b\.pol$/)]);
    expect(readFileSync(unformatted, "utf8")).toBe(FORMATTED);
    expect(readFileSync(formatted, "utf8")).toBe(FORMATTED);
    expect(readdirSync(dir).sort()).toEqual(["a.pol", "b.pol"]);

    const again = await run("fmt", dir);
    expect(again.code).toBe(0);
    expect(again.out).toBe("2 files already formatted\n");
  });

  it("takes single files as well as folders", async () => {
    const path = write("only.pol", UNFORMATTED);
    write("other.pol", UNFORMATTED);
    const { code } = await run("fmt", path);
    expect(code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(FORMATTED);
    expect(readFileSync(join(dir, "other.pol"), "utf8")).toBe(UNFORMATTED);
  });

  it("reports a file with syntax errors with its diagnostics, exits 1 and still formats the rest", async () => {
    const broken = write("broken.pol", BROKEN);
    const other = write("other.pol", UNFORMATTED);
    const { code, err } = await run("fmt", dir);
    expect(code).toBe(1);
    expect(err).toMatch(/^error\[POL1\d{3}\]: /m);
    expect(err).toMatch(/broken\.pol:9:\d+/);
    expect(err).toContain("1 file not formatted because of errors");
    expect(err).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(readFileSync(broken, "utf8")).toBe(BROKEN);
    expect(readFileSync(other, "utf8")).toBe(FORMATTED);
  });

  it("with --check, a file with syntax errors also fails", async () => {
    write("broken.pol", BROKEN);
    const { code, err } = await run("fmt", "--check", dir);
    expect(code).toBe(1);
    expect(err).toMatch(/^error\[POL1\d{3}\]: /m);
  });

  it("exits 2 for a path that does not exist", async () => {
    const { code, err } = await run("fmt", join(dir, "missing"));
    expect(code).toBe(2);
    expect(err).toContain("no such file or directory");
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});
