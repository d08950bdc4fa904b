// The VS Code extension (editors/vscode/) packaged as CI packages it: a .vsix (never published)
// holding the bundled client, the manifest, the grammar and the language configuration, and
// nothing else. The package is kept in artifacts/ for whoever wants to install it.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import yauzl from "yauzl";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const EXTENSION = join(ROOT, "editors/vscode");
const manifest = JSON.parse(readFileSync(join(EXTENSION, "package.json"), "utf8"));
const VSIX = join(ROOT, "artifacts", `${manifest.name}-${manifest.version}.vsix`);

/** Every entry of a zip file, with its text. */
function readZip(path: string): Promise<Map<string, string>> {
  return new Promise((done, fail) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return fail(error);
      const entries = new Map<string, string>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return fail(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => done(entries));
      zip.on("error", fail);
      zip.readEntry();
    });
  });
}

let entries: Map<string, string>;

beforeAll(async () => {
  mkdirSync(join(ROOT, "artifacts"), { recursive: true });
  execFileSync(process.execPath, [join(EXTENSION, "build.mjs"), "--package", "--out", VSIX], { cwd: ROOT, stdio: "pipe" });
  entries = await readZip(VSIX);
}, 180_000);

describe("the VS Code extension package", () => {
  it("holds the manifest, the bundled client, the grammar and the language configuration only", () => {
    const files = [...entries.keys()].filter((name) => !name.endsWith("/")).sort();
    expect(files).toEqual(
      [
        "[Content_Types].xml",
        "extension.vsixmanifest",
        "extension/dist/extension.js",
        "extension/language-configuration.json",
        "extension/package.json",
        "extension/readme.md",
        "extension/syntaxes/pol.tmLanguage.json",
      ].sort(),
    );
    expect(entries.get("extension.vsixmanifest")).toContain(`Id="${manifest.name}"`);
  });

  it("registers `.pol` files with the grammar and the language configuration", () => {
    const packaged = JSON.parse(entries.get("extension/package.json")!);
    expect(packaged.contributes.languages).toEqual([expect.objectContaining({ id: "pol", extensions: [".pol"], configuration: "./language-configuration.json" })]);
    expect(packaged.contributes.grammars).toEqual([{ language: "pol", scopeName: "source.pol", path: "./syntaxes/pol.tmLanguage.json" }]);
    const grammar = JSON.parse(entries.get("extension/syntaxes/pol.tmLanguage.json")!);
    expect(grammar.scopeName).toBe("source.pol");
    const configuration = JSON.parse(entries.get("extension/language-configuration.json")!);
    expect(configuration.comments).toEqual({ lineComment: "#" });
    expect(configuration.brackets).toEqual([["{", "}"], ["(", ")"], ["[", "]"]]);
  });

  it("bundles a client that starts `pol lsp` and needs only VS Code and Node at run time", () => {
    const client = entries.get("extension/dist/extension.js")!;
    const required = new Set([...client.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!));
    const foreign = [...required].filter((name) => name !== "vscode" && !name.startsWith("node:") && !builtinModules.includes(name));
    expect(foreign).toEqual([]);
    expect(required.has("vscode")).toBe(true);
    expect(client).toContain('"lsp"');
    expect(client).toContain("node_modules");
  });
});
