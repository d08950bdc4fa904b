// `pol --help` and every subcommand's help, and the suggestions for mistyped commands and
// options. The command list is read from `pol --help` itself, so a new command is covered (and
// must bring its own Examples section, and a line in the README's command table) automatically.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/cli.js";

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  return { code, out, err };
}

/** The command names in the `Commands:` section of `pol --help`, without the built-in `help`. */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? "";
  return [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]!).filter((name) => name !== "help");
}

describe("pol --help", () => {
  it("lists the commands, examples and exit codes and exits 0", async () => {
    const { code, out } = await run("--help");
    expect(code).toBe(0);
    const commands = commandsIn(out);
    expect(commands).toEqual(expect.arrayContaining(["check", "compile", "eval"]));
    expect(out).toMatch(/^Examples:$/m);
    expect(out).toMatch(/^Exit codes:$/m);
    for (const exit of ["0", "1", "2"]) expect(out).toMatch(new RegExp(`^ {2}${exit} {2}\\S`, "m"));
  });

  it("prints the same help when run without arguments", async () => {
    const bare = await run();
    const help = await run("--help");
    expect(bare.code).toBe(0);
    expect(bare.out + bare.err).toBe(help.out);
  });

  it("gives every command an Examples section whose examples run that command", async () => {
    const commands = commandsIn((await run("--help")).out);
    for (const command of commands) {
      const { code, out } = await run(command, "--help");
      expect(code, command).toBe(0);
      expect(out, command).toContain(`Usage: pol ${command}`);
      const examples = out.split(/^Examples:$/m)[1];
      expect(examples, `${command} --help has no Examples section`).toBeDefined();
      const lines = examples!.split("\n").filter((line) => line.trim().startsWith("$ "));
      expect(lines.length, command).toBeGreaterThanOrEqual(2);
      for (const line of lines) expect(line.trim(), command).toMatch(new RegExp(`^\\$ pol ${command}\\b`));
    }
  });

  it("`pol help <command>` is the command's own help", async () => {
    const viaHelp = await run("help", "compile");
    const viaOption = await run("compile", "--help");
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toBe(viaOption.out);
  });

  it("every command is in the README's command table", async () => {
    const readme = readFileSync("README.md", "utf8");
    for (const command of commandsIn((await run("--help")).out)) {
      expect(readme, `README.md does not document \`pol ${command}\``).toMatch(new RegExp(`^\\| \`pol ${command}\\b`, "m"));
    }
  });
});

describe("mistakes", () => {
  it("suggests the closest command for an unknown one and exits 2", async () => {
    const { code, out, err } = await run("chek");
    expect(code).toBe(2);
    expect(out).toBe("");
    expect(err).toContain("unknown command 'chek'");
    expect(err.toLowerCase()).toContain("did you mean check");
  });

  it("suggests the closest option for an unknown one and exits 2", async () => {
    const { code, err } = await run("compile", "--chek");
    expect(code).toBe(2);
    expect(err).toContain("unknown option '--chek'");
    expect(err.toLowerCase()).toContain("did you mean --check");
  });

  it("rejects an invalid option value with the allowed choices and exits 2", async () => {
    const { code, err } = await run("check", "--format", "xml");
    expect(code).toBe(2);
    expect(err).toContain("xml");
    expect(err).toContain("Allowed choices are human, json");
  });

  it("reports a missing argument and exits 2", async () => {
    const { code, err } = await run("eval", "policy.pol");
    expect(code).toBe(2);
    expect(err).toContain("missing required argument 'case'");
  });

  it("reports a missing path as a usage error, not a stack trace", async () => {
    const { code, err } = await run("check", "no/such/folder");
    expect(code).toBe(2);
    expect(err).toBe("error: no such file or directory `no/such/folder`\n");
  });
});
