// The README tutorial cannot rot: every file block it shows is byte-identical to the file in
// tutorial/, every command output it shows is what the command prints today, tutorial/compiled is
// what `pol compile` generates, and tutorial/app.ts type-checks under --strict and runs.
//
// README markers (HTML comments, invisible on GitHub) on the line before a fenced block:
//   <!-- tutorial: PATH -->                        the block is the file PATH
//   <!-- tutorial-output: COMMAND -->              the block is what COMMAND prints
//   <!-- tutorial-typo: PATH "FROM" "TO" -->       the "(with the typo)" command runs on a copy
//                                                  of tutorial/ with FROM replaced by TO in PATH
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";

const README = readFileSync("README.md", "utf8");

interface Block {
  marker: string;
  argument: string;
  body: string;
}

/** Every fenced block preceded by a `<!-- tutorial...: ... -->` marker line. */
function markedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const pattern = /^<!-- (tutorial(?:-output)?): (.+?) -->\n```[a-z]*\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(pattern)) {
    blocks.push({ marker: match[1]!, argument: match[2]!, body: match[3]! });
  }
  return blocks;
}

const blocks = markedBlocks(README);
const fileBlocks = blocks.filter((block) => block.marker === "tutorial");
const outputBlocks = new Map(
  blocks.filter((block) => block.marker === "tutorial-output").map((block) => [block.argument, block.body]),
);

function shownOutput(command: string): string {
  const body = outputBlocks.get(command);
  if (body === undefined) throw new Error(`README.md shows no output for \`${command}\``);
  return body;
}

/** Run pol in-process; stdout and stderr interleaved as a terminal shows them. */
async function pol(...argv: string[]): Promise<{ code: number; output: string }> {
  let output = "";
  const write = (text: string) => void (output += text);
  const code = await main(argv, { out: write, err: write });
  return { code, output };
}

const scratch = mkdtempSync(join(tmpdir(), "pol-tutorial-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `path` under the scratch folder, as pol displays it (relative to the working directory). */
const shownPath = (path: string) => relative(process.cwd(), path);

describe("README tutorial", () => {
  it("shows every tutorial file, each exactly as it is in tutorial/", () => {
    const shown = fileBlocks.map((block) => block.argument).sort();
    expect(shown).toEqual(
      [
        "tutorial/app.ts",
        "tutorial/case.json",
        "tutorial/lumbar-mri.pol",
        "tutorial/schema.pol",
        "tutorial/tests/lumbar-mri.test.json",
        "tutorial/tsconfig.json",
      ].sort(),
    );
    for (const block of fileBlocks) expect(block.body, block.argument).toBe(readFileSync(block.argument, "utf8"));
  });

  it("`pol check tutorial` passes and prints what the README shows", async () => {
    const { code, output } = await pol("check", "tutorial");
    expect(code).toBe(0);
    expect(output).toBe(shownOutput("pol check tutorial"));
  });

  it("`pol fmt --check tutorial` finds the files formatted and prints what the README shows", async () => {
    const { code, output } = await pol("fmt", "--check", "tutorial");
    expect(code).toBe(0);
    expect(output).toBe(shownOutput("pol fmt --check tutorial"));
  });

  it("the misspelling step gives exactly the diagnostic the README shows, and exits 1", async () => {
    const typo = /^<!-- tutorial-typo: (\S+) "(.+?)" "(.+?)" -->$/m.exec(README);
    expect(typo, "README.md has no tutorial-typo marker").not.toBeNull();
    const [, file, from, to] = typo!;
    const copy = join(scratch, "typo");
    cpSync("tutorial", join(copy, "tutorial"), { recursive: true });
    const source = readFileSync(file!, "utf8");
    expect(source.split(from!).length, `\`${from}\` must occur once in ${file}`).toBe(2);
    writeFileSync(join(copy, file!), source.replace(from!, to!));

    const { code, output } = await pol("check", join(copy, "tutorial"));
    expect(code).toBe(1);
    const asShown = output.replaceAll(shownPath(join(copy, "tutorial")) + "/", "tutorial/");
    expect(asShown).toBe(shownOutput("pol check tutorial (with the typo)"));
    expect(asShown).toMatch(/^error\[POL2001\]: unknown name /);
  });

  it("`pol eval` prints the determination the README shows", async () => {
    const { code, output } = await pol("eval", "tutorial/lumbar-mri.pol", "tutorial/case.json");
    expect(code).toBe(0);
    expect(output).toBe(shownOutput("pol eval tutorial/lumbar-mri.pol tutorial/case.json"));
  });

  it("`pol test tutorial --min-coverage 100` passes and prints what the README shows", async () => {
    const { code, output } = await pol("test", "tutorial", "--min-coverage", "100");
    expect(code).toBe(0);
    expect(output).toBe(shownOutput("pol test tutorial --min-coverage 100"));
  });

  it("tutorial/compiled is what `pol compile tutorial` generates, and the README shows its output", async () => {
    const out = join(scratch, "compiled");
    const { code, output } = await pol("compile", "tutorial", "--out", out);
    expect(code).toBe(0);
    expect(output.replaceAll(shownPath(out) + "/", "tutorial/compiled/")).toBe(
      shownOutput("pol compile tutorial --out tutorial/compiled"),
    );
    // Recursive, so that a leftover copy of the runtime in a subfolder would be noticed too.
    const filesUnder = (folder: string) =>
      readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((path) => path.endsWith(".ts")).sort();
    const generated = filesUnder(out);
    expect(filesUnder("tutorial/compiled")).toEqual(generated);
    for (const name of generated) {
      expect(readFileSync(join("tutorial/compiled", name), "utf8"), `tutorial/compiled/${name} is stale: run \`pol compile tutorial --out tutorial/compiled\``).toBe(
        readFileSync(join(out, name), "utf8"),
      );
    }
    expect((await pol("compile", "tutorial", "--out", "tutorial/compiled", "--check")).code).toBe(0);
  });

  it("tutorial/app.ts type-checks under --strict with tutorial/compiled, runs, and prints what the README shows", () => {
    const tsconfig = JSON.parse(readFileSync("tutorial/tsconfig.json", "utf8"));
    expect(tsconfig.compilerOptions.strict).toBe(true);
    const out = join(scratch, "app");
    const tsc = spawnSync(
      process.execPath,
      ["node_modules/typescript/bin/tsc", "-p", "tutorial/tsconfig.json", "--outDir", out],
      { encoding: "utf8" },
    );
    expect(tsc.stdout + tsc.stderr, "tsc reported errors").toBe("");
    expect(tsc.status).toBe(0);
    // The emitted files are ES modules, like every .js file of this package, and import the
    // runtime package, installed here as an application installs it.
    writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
    mkdirSync(join(out, "node_modules", "@pol"), { recursive: true });
    symlinkSync(realpathSync("packages/runtime"), join(out, "node_modules", "@pol", "runtime"), "dir");
    const run = spawnSync(process.execPath, [join(out, "app.js")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(shownOutput("npx tsc -p tutorial/tsconfig.json && node dist/tutorial/app.js"));
  });

  it("shows an output for every command it runs, and no output this test does not check", () => {
    expect([...outputBlocks.keys()].sort()).toEqual(
      [
        "npx tsc -p tutorial/tsconfig.json && node dist/tutorial/app.js",
        "pol check tutorial",
        "pol check tutorial (with the typo)",
        "pol compile tutorial --out tutorial/compiled",
        "pol eval tutorial/lumbar-mri.pol tutorial/case.json",
        "pol fmt --check tutorial",
        "pol test tutorial --min-coverage 100",
      ].sort(),
    );
  });
});
