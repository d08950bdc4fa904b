// The bench's printed report: plain text tables with the targets beside the figures.

import type { CompilerResults } from "./compiler/stages.js";
import type { ColdCheck } from "./compiler/cold.js";
import type { EvaluationResults } from "./evaluation.js";
import type { Machine } from "./machine.js";
import type { MemoryResult } from "./memory.js";
import { printStartupProfile } from "./profiling.js";
import type { ScalingResults, ScalingSeries } from "./scaling.js";
import { TARGETS } from "./plan.js";
import type { Throughput } from "./timing.js";

export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const ms = (seconds: number): string => `${fixed(seconds * 1000, 1)} ms`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function targetChecks(
  evaluation: EvaluationResults,
  compiler: CompilerResults,
  memory: readonly MemoryResult[],
  scaling: ScalingResults,
): TargetCheck[] {
  const hw = evaluation.handwritten.casesPerSecond;
  const decision = hw / evaluation.compiled.casesPerSecond;
  const trace = hw / evaluation.compiledTrace.casesPerSecond;
  const vsJson = evaluation.compiled.casesPerSecond / evaluation.jsonRules.casesPerSecond;
  const check = compiler.stages.find((stage) => stage.stage.startsWith("check"))!;
  const parse = compiler.stages.find((stage) => stage.stage.startsWith("parse"))!;
  const bytes = (engine: string) => memory.find((m) => m.engine === engine)?.bytesPerCase ?? NaN;
  const allocation = bytes("compiled") / bytes("hand-written");
  const scalingChecks = (["decideTrusted", "evaluateTrusted+trace"] as const).flatMap((engine) =>
    (["items", "procedures"] as const).map((dimension): TargetCheck => {
      const series = scaling.series.filter((s) => s.engine === engine && s.dimension === dimension);
      const steps = series.flatMap((s) => s.points.filter((p) => p.size > 100 && p.growth !== undefined).map((p) => p.growth!));
      const skipped = series.flatMap((s) => s.points.filter((p) => p.skipped !== undefined).map((p) => `${s.policy} ${int(p.size)}`));
      const worst = Math.max(...steps);
      return {
        name: `scaling, ${engine}, in ${dimension === "items" ? "line items" : "prior procedures"} (worst growth per 10x, from 100 up)`,
        target: `<= ${TARGETS.growthPer10x}x (linear: 10x)`,
        actual: `${fixed(worst, 1)}x` + (skipped.length > 0 ? `; skipped: ${skipped.join(", ")}` : ""),
        met: worst <= TARGETS.growthPer10x && skipped.length === 0,
      };
    }),
  );
  return [
    {
      name: "compiled, decision only (decideTrusted), vs hand-written",
      target: `<= ${TARGETS.decisionVsHandwritten}x`,
      actual: `${fixed(decision, 2)}x`,
      met: decision <= TARGETS.decisionVsHandwritten,
    },
    {
      name: "compiled, with trace (evaluateTrusted, trace: true), vs hand-written",
      target: `<= ${TARGETS.traceVsHandwritten}x`,
      actual: `${fixed(trace, 2)}x`,
      met: trace <= TARGETS.traceVsHandwritten,
    },
    {
      name: "compiled, decision only (decideTrusted), vs json-rules-engine",
      target: `>= ${TARGETS.vsJsonRules}x faster`,
      actual: `${fixed(vsJson, 1)}x faster`,
      met: vsJson >= TARGETS.vsJsonRules,
    },
    {
      name: "compiled, decision only (decideTrusted), bytes allocated per case vs hand-written",
      target: `<= ${TARGETS.allocationVsHandwritten}x`,
      actual: `${fixed(allocation, 2)}x (${int(bytes("compiled"))} B vs ${int(bytes("hand-written"))} B)`,
      met: allocation <= TARGETS.allocationVsHandwritten,
    },
    ...scalingChecks,
    {
      name: "cold `pol check policies` (median wall time)",
      target: `<= ${TARGETS.coldCheckSeconds} s`,
      actual: `${fixed(compiler.coldCheck.median, 3)} s (${fixed(compiler.coldCheck.aboveNode, 3)} s above \`node -e 0\`)`,
      met: compiler.coldCheck.median <= TARGETS.coldCheckSeconds,
    },
    {
      name: "parse, lines/s",
      target: `>= ${int(TARGETS.frontEndLinesPerSecond)}`,
      actual: int(parse.linesPerSecond),
      met: parse.linesPerSecond >= TARGETS.frontEndLinesPerSecond,
    },
    {
      name: "parse + check (checkSource), lines/s",
      target: `>= ${int(TARGETS.frontEndLinesPerSecond)}`,
      actual: int(check.linesPerSecond),
      met: check.linesPerSecond >= TARGETS.frontEndLinesPerSecond,
    },
  ];
}

export function machineReport(machine: Machine): string {
  return [
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}`,
    `node ${machine.node} (V8 ${machine.v8}); load average at start ${machine.loadAverage}`,
  ].join("\n");
}

export function evaluationReport(evaluation: EvaluationResults): string {
  const { agreement } = evaluation;
  const hw = evaluation.handwritten.casesPerSecond;
  const row = (name: string, t: Throughput): string[] => [
    name,
    int(t.cases),
    String(t.passes.length),
    ms(t.median),
    int(t.casesPerSecond),
    `${fixed(hw / t.casesPerSecond, 2)}x`,
  ];
  const outcomes = [...agreement.outcomes.entries()].sort().map(([o, n]) => `${o} ${int(n)}`).join(", ");
  return [
    `corpus: ${int(agreement.cases)} single-item cases (half SIJ, half TPI), ${int(agreement.withMissingFacts)} with missing facts`,
    `all 7 engines agree on every case: ${outcomes}`,
    "",
    table(
      ["engine", "cases", "passes", "median pass", "cases/s", "time vs hand-written"],
      [
        row("hand-written TypeScript", evaluation.handwritten),
        row("hand-written, with pol's checks", evaluation.handwrittenChecked),
        row("pol compiled, decision only (decideTrusted)", evaluation.compiled),
        row("pol compiled, full determination without trace", evaluation.compiledFull),
        row("pol compiled, with trace (evaluateTrusted)", evaluation.compiledTrace),
        row("pol reference interpreter", evaluation.interpreter),
        row("json-rules-engine", evaluation.jsonRules),
      ],
    ),
    "(one warm-up pass before the timed passes; a forced GC between passes)",
    `decideTrusted's time vs the hand-written function with pol's checks: ${fixed(evaluation.handwrittenChecked.casesPerSecond / evaluation.compiled.casesPerSecond, 2)}x`,
  ].join("\n");
}

export function memoryReport(memory: readonly MemoryResult[]): string {
  const hw = memory.find((m) => m.engine === "hand-written")?.bytesPerCase ?? NaN;
  return table(
    ["engine (fresh process)", "cases", "peak heap growth", "peak RSS growth", "peak RSS", "allocated per case", "vs hand-written"],
    memory.map((m) => [
      m.engine,
      int(m.cases),
      `${fixed(m.peakHeapGrowth)} MB`,
      `${fixed(m.peakRssGrowth)} MB`,
      `${fixed(m.peakRss)} MB`,
      `${int(m.bytesPerCase)} B` + (m.gcsDuringAllocation > 0 ? ` (${m.gcsDuringAllocation} GCs: a lower bound)` : ""),
      `${fixed(m.bytesPerCase / hw, 2)}x`,
    ]),
  );
}

export function compilerReport(compiler: CompilerResults): string {
  return [
    `corpus: ${compiler.policies} generated policies, ${int(compiler.lines)} lines (schema ${compiler.schemaLines} lines, parsed by the first check and kept for the rest); ` +
      `generated TypeScript ${int(compiler.generatedLines)} lines before prettier`,
    "",
    table(
      ["stage", "lines", "passes", "median", "lines/s"],
      compiler.stages.map((s) => [s.stage, int(s.lines), String(s.passes.length), ms(s.median), int(s.linesPerSecond)]),
    ),
    "",
    coldReport(compiler.coldCheck),
  ].join("\n");
}

/** The cold start: each command's median and passes, the time above bare node, the profile. */
export function coldReport(cold: ColdCheck): string {
  const bare = cold.commands[0]!.median;
  return [
    `cold start (${cold.files} files checked; fresh node processes, the three commands in turn in each of ${cold.passes.length} rounds):`,
    table(
      ["command", "median", "above node -e 0", "CPU median", "passes"],
      cold.commands.map((c) => [
        c.command,
        ms(c.median),
        c === cold.commands[0] ? "" : ms(c.median - bare),
        c.cpuMedian === undefined ? "" : ms(c.cpuMedian),
        c.passes.map((p) => ms(p)).join(", "),
      ]),
    ),
    "",
    "where a cold `pol check policies` spends its time (`node --cpu-prof`, one run):",
    printStartupProfile(cold.profile),
  ].join("\n");
}

export function targetsReport(checks: readonly TargetCheck[]): string {
  return table(
    ["target", "goal", "measured", "result"],
    checks.map((c) => [c.name, c.target, c.actual, c.met ? "PASS" : "MISS"]),
  );
}

const micro = (seconds: number): string => {
  const us = seconds * 1e6;
  return us >= 100 ? `${int(us)} us` : `${us.toFixed(us >= 10 ? 1 : 2)} us`;
};

/** One table per policy and dimension: time per case, per unit and growth, per engine. */
export function scalingReport(scaling: ScalingResults): string {
  const blocks: string[] = [];
  const keys = [...new Set(scaling.series.map((s) => `${s.policy}\t${s.dimension}`))];
  for (const key of keys) {
    const [policy, dimension] = key.split("\t") as [string, string];
    const series = scaling.series.filter((s) => s.policy === policy && s.dimension === dimension);
    const unit = dimension === "items" ? "item" : "procedure";
    const header = ["size", ...series.flatMap((s) => [`${s.engine} per case`, `per ${unit}`, "growth", `reads per ${unit}`])];
    const sizes = series[0]!.points.map((p) => p.size);
    const cell = (s: ScalingSeries, size: number): string[] => {
      const point = s.points.find((p) => p.size === size);
      if (point === undefined || point.perCase === undefined) return [point?.skipped ?? "-", "", "", ""];
      const reads = point.reads === undefined ? "" : fixed(point.reads / size, 1);
      return [micro(point.perCase), micro(point.perUnit!), point.growth === undefined ? "" : `${fixed(point.growth, 1)}x`, reads];
    };
    const title =
      dimension === "items"
        ? `${policy.toUpperCase()}: line items per case (8 prior procedures)`
        : `${policy.toUpperCase()}: prior procedures per case (1 line item)`;
    blocks.push(title + "\n" + table(header, sizes.map((size) => [int(size), ...series.flatMap((s) => cell(s, size))])));
  }
  const { compared, disagreements } = scaling.agreement;
  blocks.push(
    disagreements.length === 0
      ? `outcomes agree between engines at all ${compared} sizes compared (digest of every case's outcomes)`
      : `DISAGREEMENTS:\n${disagreements.join("\n")}`,
  );
  blocks.push(`(the hand-written function decides a case's first line item only, so it has no line-item series;
time per case is CPU time (the process's user and system time), the median of five rounds over the same
cases at every size, the sizes taking turns in each round; growth: time per case over the previous
size's, linear is 10x; reads: field reads of the case's line items and procedures, which no load
disturbs. A size that takes over ${scaling.limitSeconds} s is stopped.)`);
  return blocks.join("\n\n");
}
