// `pol serve`: the CRD service over HTTP with node's own http module. Routes: `GET /cds-services`
// (discovery), `POST /cds-services/{id}` (a hook), `GET /Questionnaire/{id}` (a questionnaire a
// coverage-information extension names). A bad request gets a 4xx with an OperationOutcome that
// says what is wrong and where; an unexpected failure a 500; the server itself never stops.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CoverageService, type ServedPolicy } from "./service.js";
import type { RequestProblem } from "./hooks.js";

export interface ServeOptions {
  policies: readonly ServedPolicy[];
  /** 0: any free port. */
  port: number;
  /** Default 127.0.0.1: the service is local unless told otherwise. */
  host?: string;
  /** The largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Today's date, `YYYY-MM-DD` (default: the clock's). */
  today?: () => string;
}

export interface RunningServer {
  /** `http://127.0.0.1:8380` */
  url: string;
  server: Server;
  close(): Promise<void>;
}

type IssueCode = "invalid" | "not-found" | "not-supported" | "too-long" | "exception" | "structure";

function outcome(code: IssueCode, problems: readonly RequestProblem[]) {
  return {
    resourceType: "OperationOutcome",
    issue: problems.map((problem) => ({
      severity: "error",
      code,
      diagnostics: problem.message,
      ...(problem.path === "" ? {} : { expression: [problem.path] }),
    })),
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": status < 300 ? "application/json" : "application/fhir+json",
    "content-length": Buffer.byteLength(text),
    "access-control-allow-origin": "*",
    ...headers,
  });
  response.end(text);
}

const fail = (response: ServerResponse, status: number, code: IssueCode, message: string, path = "", headers?: Record<string, string>) =>
  send(response, status, outcome(code, [{ path, message }]), headers);

/** The request body, or undefined (after answering 413) when it is larger than `limit`. */
function readBody(request: IncomingMessage, response: ServerResponse, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        fail(response, 413, "too-long", `the request body is larger than ${limit} bytes`, "", { connection: "close" });
        resolve(undefined);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    request.on("error", reject);
  });
}

async function route(service: CoverageService, request: IncomingMessage, response: ServerResponse, limit: number): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
  const method = request.method ?? "GET";
  if (method === "OPTIONS") {
    response.writeHead(204, {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type",
    });
    response.end();
    return;
  }
  if (path === "/cds-services") {
    if (method !== "GET") return fail(response, 405, "not-supported", "discovery is `GET /cds-services`", "", { allow: "GET, OPTIONS" });
    return send(response, 200, service.discovery());
  }
  const hook = /^\/cds-services\/([^/]+)$/.exec(path);
  if (hook !== null) {
    if (method !== "POST") return fail(response, 405, "not-supported", "a hook is called with `POST`", "", { allow: "POST, OPTIONS" });
    const text = await readBody(request, response, limit);
    if (text === undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return fail(response, 400, "structure", `the request body is not JSON: ${(error as Error).message}`);
    }
    const reply = service.answer(decodeURIComponent(hook[1]!), json);
    if (reply.status === 200) return send(response, 200, reply.body);
    return send(response, reply.status, outcome(reply.status === 404 ? "not-found" : "invalid", reply.problems));
  }
  const questionnaire = /^\/Questionnaire\/([A-Za-z0-9\-.]{1,64})$/.exec(path);
  if (questionnaire !== null && method === "GET") {
    const found = service.questionnaire(questionnaire[1]!);
    return found === undefined ? fail(response, 404, "not-found", `no questionnaire \`${questionnaire[1]}\``) : send(response, 200, found, { "content-type": "application/fhir+json" });
  }
  return fail(response, 404, "not-found", `nothing at \`${method} ${path || "/"}\`; discovery is \`GET /cds-services\``);
}

/** Start the service; resolves once it listens. */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  let service: CoverageService | undefined;
  const server = createServer((request, response) => {
    route(service!, request, response, limit).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else fail(response, 500, "exception", `the service failed on this request: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  // EHRs keep connections open between hooks: Node's default 5 s lets an idle connection close
  // just as a client reuses it.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  // A malformed HTTP request never reaches a handler: answer it here rather than drop it.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
      service = new CoverageService(options.policies, url, options.today);
      resolve({
        url,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
