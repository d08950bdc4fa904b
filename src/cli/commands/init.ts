// `pol init [folder]`: scaffold an analysts' repository (src/project/init.ts), then compile its
// policy, so `pol check`, `pol test` and `pol compile --check` pass at once.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkedPolicies, checkPaths, compileOutputs, displayPath, initProject, loadConfig, writeCompiled } from "../../index.js";
import { EXIT_FAILED, EXIT_OK, printDiagnostics, writeData, type Io } from "../io.js";

export interface InitOptions {
  format: "human" | "json";
}

export async function runInit(folder: string, options: InitOptions, io: Io): Promise<number> {
  const result = initProject(folder);
  const shown = (path: string) => displayPath(join(folder, path));
  if (!result.ok) {
    if (options.format === "json") writeData(io, JSON.stringify({ created: [], existing: result.existing.map(shown) }, null, 2) + "\n");
    else {
      io.err(`error: \`pol init\` writes nothing over existing files, and these exist:\n`);
      for (const path of result.existing) io.err(`  ${shown(path)}\n`);
      io.err("help: run `pol init` in a new or empty folder, e.g. `pol init my-policies`\n");
    }
    return EXIT_FAILED;
  }
  // Compile as `pol compile` would in the new project, so its compiled/ folder starts up to date.
  const load = loadConfig(join(folder, "pol.config.json"));
  if (!load.ok) throw new Error("the `pol init` template's pol.config.json does not load");
  const { config } = load;
  const checked = checkPaths(config.sources.map((source) => join(config.root, source)));
  if (checked.diagnostics.length > 0) {
    printDiagnostics(checked, "human", io);
    throw new Error("the `pol init` template does not check");
  }
  const out = join(config.root, config.out);
  const compiled = [...(await compileOutputs(checkedPolicies(checked), out)).entries()];
  writeCompiled(out, new Map(compiled));
  const created = [...result.created.map(shown), ...compiled.map(([path]) => displayPath(path))];
  if (options.format === "json") {
    writeData(io, JSON.stringify({ created, existing: [] }, null, 2) + "\n");
    return EXIT_OK;
  }
  for (const path of created) io.out(`created ${path}\n`);
  const steps: [string, string][] = [
    ["npx pol check", "type-check the policies"],
    ["npx pol test", "run the tests, with coverage (the minimum is in pol.config.json)"],
    ["npx pol eval policies/knee-arthroscopy.pol cases/example.json", "evaluate the example case"],
    ["npx pol compile", "rewrite compiled/ after changing a policy (CI runs `pol compile --check`)"],
  ];
  const moved = displayPath(folder) === "" || displayPath(folder) === "." ? [] : [`  cd ${displayPath(folder)}`];
  io.out(["", "next:", ...moved, ...steps.map(([command, what]) => `  ${command}\n      ${what}`), ""].join("\n"));
  if (!existsSync(join(folder, "package.json"))) {
    io.out("there is no package.json here: CI (.github/workflows/pol.yml) runs `npm ci`, so add pol and @pol/runtime as dependencies\n");
  }
  return EXIT_OK;
}
