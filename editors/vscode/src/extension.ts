// The pol extension's client: starts `pol lsp --stdio` for the `.pol` files of the workspace and
// hands the editor to it. Which `pol` runs: the `pol.server.path` setting, else the workspace's
// own `node_modules/.bin/pol`, else `pol` on the PATH.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { commands, window, workspace, type ExtensionContext } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The `pol` command to run: the setting, the workspace's installed pol, or `pol` on the PATH. */
export function polCommand(configured: string, folders: readonly string[], platform: NodeJS.Platform = process.platform): string {
  if (configured.trim() !== "") return configured.trim();
  const bin = platform === "win32" ? "pol.cmd" : "pol";
  for (const folder of folders) {
    const local = join(folder, "node_modules", ".bin", bin);
    if (existsSync(local)) return local;
  }
  return "pol";
}

function createClient(): LanguageClient {
  const configured = workspace.getConfiguration("pol").get<string>("server.path") ?? "";
  const folders = (workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const command = polCommand(configured, folders);
  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
    options: { cwd: folders[0], shell: process.platform === "win32" },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "pol" }],
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.pol") },
    outputChannelName: "pol",
  };
  return new LanguageClient("pol", "pol", serverOptions, clientOptions);
}

export async function activate(context: ExtensionContext): Promise<void> {
  client = createClient();
  context.subscriptions.push(
    commands.registerCommand("pol.restartServer", async () => {
      await client?.stop();
      client = createClient();
      await client.start();
    }),
  );
  try {
    await client.start();
  } catch (error) {
    void window.showErrorMessage(
      `pol: the language server did not start (${(error as Error).message}). Install pol in the workspace (npm install) or set pol.server.path.`,
    );
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
