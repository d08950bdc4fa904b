// A language client for tests: starts `pol lsp --stdio` as a child process and speaks the
// Language Server Protocol to it through the protocol library, as an editor would.

import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";

const ROOT = resolve(import.meta.dirname, "../..");

export const uriOf = (path: string): string => pathToFileURL(resolve(path)).href;

export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly versions = new Map<string, number>();
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; resolve: (params: PublishDiagnosticsParams) => void }[] = [];
  stderr = "";

  private constructor(cwd: string) {
    this.child = spawn(process.execPath, [resolve(ROOT, "bin/pol.js"), "lsp", "--stdio"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr!.on("data", (chunk) => (this.stderr += String(chunk)));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.latest.set(params.uri, params);
      for (const waiter of this.waiters.filter((w) => w.uri === params.uri)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    });
    this.connection.listen();
  }

  /** Starts a server with `root` as its one workspace folder. */
  static async start(root: string, cwd = ROOT): Promise<LspClient> {
    const client = new LspClient(cwd);
    const result = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: "policies" }],
      capabilities: {},
    });
    if (!result.capabilities.hoverProvider) throw new Error("the server did not announce hover");
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** The next diagnostics published for `uri`. */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, resolve }));
  }

  async open(path: string, text: string): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    const published = this.nextDiagnostics(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "pol", version: 1, text },
    });
    return (await published).diagnostics;
  }

  async change(path: string, changes: TextDocumentContentChangeEvent[]): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return (await published).diagnostics;
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    this.connection.dispose();
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once("exit", () => resolve());
      setTimeout(() => {
        this.child.kill();
        resolve();
      }, 2000);
    });
  }
}
