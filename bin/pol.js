#!/usr/bin/env node
// The `pol` command: a thin launcher for the CLI built in dist/ (by `npm ci` via `prepare`, or
// `npm run build`): tsc's output bundled into dist/cli/ (scripts/bundle-cli.mjs), started by
// dist/cli/launch.js (src/cli/launch.ts).
import { launch } from "../dist/cli/launch.js";

process.exitCode = await launch(process.argv.slice(2));
