// `pol serve POLICY...`: the CRD service (CDS Hooks `order-select` and `order-sign`) on localhost
// for the policies named, each reading the patient's record through its FHIR bindings. It prints
// its URL and serves until it is interrupted (Ctrl-C) or terminated.

import { resolve } from "node:path";
import {
  loadPolicy,
  readFhirCase,
  requireFile,
  schemaDescriptor,
  startServer,
  UsageError,
  type CaseReader,
  type RunningServer,
  type ServedPolicy,
} from "../../index.js";
import { fhirBindingsPath, loadBindings } from "../bindings.js";
import { EXIT_FAILED, EXIT_OK, printLoadFailure, type Io } from "../io.js";

export interface ServeOptions {
  port: number;
  host: string;
  /** The FHIR bindings for every policy (default: each policy's `<schema>.fhir.pol`). */
  bindings?: string;
  /** Decide for proposed policies as if they were in effect. */
  asProposed?: boolean;
}

/** The policies with their readers, or the exit code after reporting why one cannot be served. */
function servedPolicies(paths: readonly string[], options: ServeOptions, io: Io): ServedPolicy[] | number {
  const served: ServedPolicy[] = [];
  // One reader per binding file: policies over one schema read each record once.
  const readers = new Map<string, CaseReader>();
  for (const path of paths) {
    const load = loadPolicy(path);
    if (!load.ok) {
      printLoadFailure(load, io);
      return EXIT_FAILED;
    }
    const { policy } = load;
    const bindingsPath = fhirBindingsPath(path, policy, options.bindings, io);
    if (bindingsPath === null) return EXIT_FAILED;
    let reader = readers.get(resolve(bindingsPath));
    if (reader === undefined) {
      const bindings = loadBindings(bindingsPath, io);
      if (bindings === null) return EXIT_FAILED;
      reader = { read: (bundle) => readFhirCase(bindings, bundle) };
      readers.set(resolve(bindingsPath), reader);
    }
    served.push({ policy, schema: schemaDescriptor(policy.schema), reader, ...(options.asProposed ? { asProposed: true } : {}) });
  }
  return served;
}

export async function runServe(paths: string[], options: ServeOptions, io: Io): Promise<number> {
  if (paths.length === 0) throw new UsageError("name the policies to serve: `pol serve POLICY.pol...`");
  for (const path of paths) requireFile(path, [".pol"]);
  if (options.bindings !== undefined) requireFile(options.bindings, [".pol"]);
  const served = servedPolicies(paths, options, io);
  if (typeof served === "number") return served;
  let running: RunningServer;
  try {
    running = await startServer({ policies: served, port: options.port, host: options.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EADDRINUSE" && code !== "EACCES" && code !== "EADDRNOTAVAIL") throw error;
    io.err(`error: cannot listen on ${options.host}:${options.port}: ${code === "EADDRINUSE" ? "the port is in use" : code === "EACCES" ? "permission denied" : "no such address"}\n`);
    io.err("help: choose another port with `--port N` (0: any free port)\n");
    return EXIT_FAILED;
  }
  // Listening for the signals before the URL is printed: a client may stop the service at once.
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  const names = served.map(({ policy }) => `${policy.metadata.payer} ${policy.metadata.number}`).join(", ");
  io.out(`pol serve: CDS Hooks discovery at ${running.url}/cds-services (order-select, order-sign) for ${names}\n`);
  await stopped;
  await running.close();
  return EXIT_OK;
}
