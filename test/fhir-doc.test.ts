// docs/fhir.md's transcript of one full loop cannot rot: every command it shows prints exactly
// the output shown (run in-process), and every file it shows is the file in the repository.
// Markers, on the line before a fenced block:
//   <!-- fhir-output: COMMAND -->   the block is `$ COMMAND` and what it prints
//   <!-- fhir-file: PATH -->        the block is the file PATH
// `UPDATE_DOCS=1 npx vitest run test/fhir-doc.test.ts` rewrites the outputs after a deliberate
// change (a policy's source hash is in the ids the answers carry).

import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runPol } from "./support/run-pol.js";

const DOC = "docs/fhir.md";
const PATTERN = /^<!-- fhir-(output|file): (.+?) -->\n```([a-z]*)\n([\s\S]*?)^```$/gm;

describe("docs/fhir.md", () => {
  it("shows one full loop, bundle -> pended -> questionnaire -> response -> approved, as pol prints it", async () => {
    let doc = readFileSync(DOC, "utf8");
    const blocks = [...doc.matchAll(PATTERN)];
    const commands = blocks.filter((block) => block[1] === "output").map((block) => block[2]!);
    expect(commands.length).toBeGreaterThanOrEqual(5);
    expect(commands.some((command) => command.includes("--format questionnaire"))).toBe(true);
    expect(commands.some((command) => command.includes("--response"))).toBe(true);
    const printed = new Map<string, string>();
    for (const [whole, kind, argument, language, body] of blocks) {
      if (kind === "file") {
        expect(body, argument).toBe(readFileSync(argument!, "utf8"));
        continue;
      }
      const [program, ...args] = argument!.split(" ");
      expect(program).toBe("pol");
      const { code, out, err } = await runPol(...args);
      expect(code, `${argument}\n${err}`).toBe(0);
      printed.set(argument!, out);
      const shown = `$ ${argument}\n${out}`;
      if (process.env.UPDATE_DOCS) doc = doc.replace(whole!, `<!-- fhir-output: ${argument} -->\n\`\`\`${language}\n${shown}\`\`\``);
      else expect(body, argument).toBe(shown);
    }
    // Each response shown answers the questionnaire shown for its bundle: it names its URL.
    for (const [whole, kind, path] of blocks.filter((block) => block[1] === "file" && block[2]!.includes("response"))) {
      const bundle = path!.replace(/\.response\.json$/, ".bundle.json");
      const questionnaire = [...printed].find(([command]) => command.includes("--format questionnaire") && command.includes(bundle));
      expect(questionnaire, `a questionnaire for ${bundle}`).toBeDefined();
      const url = (JSON.parse(questionnaire![1]) as { url: string }).url;
      const response = JSON.parse(readFileSync(path!, "utf8")) as { questionnaire?: string };
      if (process.env.UPDATE_DOCS && response.questionnaire !== url) {
        const text = readFileSync(path!, "utf8").replace(response.questionnaire!, url);
        writeFileSync(path!, text);
        doc = doc.replace(whole!, whole!.replace(response.questionnaire!, url));
      } else expect(response.questionnaire, `${kind} ${path}`).toBe(url);
    }
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, doc);
    // The loop ends where the transcript says: pended first, approved after the answers.
    const outputs = blocks.filter((block) => block[1] === "output").map((block) => block[4]!);
    expect(outputs[0]).toContain("PENDED for documentation");
    expect(outputs.find((output) => output.includes("--response") && !output.includes("--format"))).toContain("APPROVED");
  });
});
