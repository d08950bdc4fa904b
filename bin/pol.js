#!/usr/bin/env node
// The `pol` command: a thin launcher for the CLI built in dist/ (by `npm ci` via `prepare`, or
// `npm run build`): tsc's output bundled into dist/cli/ (scripts/bundle-cli.mjs).
import { main, tolerateClosedOutput } from "../dist/cli/cli.js";

tolerateClosedOutput();
process.exitCode = await main(process.argv.slice(2));
