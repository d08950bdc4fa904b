// `npm run bench:cold`: only the cold-start part of the bench (bench/compiler/cold.ts): `node -e
// 0`, `pol --version` and `pol check policies` in fresh processes, in turn, then one profiled run
// of the check, with the target beside the figure. `node dist/bench/cold.js [rounds]`.

import { loadavg } from "node:os";
import { coldCheck } from "./compiler/cold.js";
import { describeMachine } from "./machine.js";
import { COLD_CHECK_RUNS, TARGETS } from "./plan.js";
import { coldReport, machineReport } from "./report.js";

const rounds = Number(process.argv[2] ?? COLD_CHECK_RUNS);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a whole number from 1, not ${process.argv[2]}`);
process.stdout.write(machineReport(describeMachine()) + "\n\n");
const cold = coldCheck(process.cwd(), rounds);
process.stdout.write(coldReport(cold) + "\n\n");
const met = cold.median <= TARGETS.coldCheckSeconds;
const cpu = cold.commands[2]?.cpuMedian;
process.stdout.write(
  `target: cold \`pol check policies\` <= ${TARGETS.coldCheckSeconds} s: ${(cold.median * 1000).toFixed(1)} ms ` +
    `(${(cold.aboveNode * 1000).toFixed(1)} ms above \`node -e 0\`${cpu === undefined ? "" : `; CPU ${(cpu * 1000).toFixed(0)} ms`}), ${met ? "PASS" : "MISS"}; ` +
    `load average at the end ${loadavg().map((n) => n.toFixed(2)).join(" ")}\n`,
);
