#!/usr/bin/env node
// The `pol` command: a thin launcher for the compiled CLI in dist/ (built by `npm ci` via `prepare`).
import { main } from "../dist/src/cli/cli.js";
import { tolerateClosedOutput } from "../dist/src/cli/closed-streams.js";

tolerateClosedOutput();
process.exitCode = await main(process.argv.slice(2));
