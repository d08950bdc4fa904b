// The bench's printed report: plain text tables with the targets beside the figures.

import type { CompilerResults } from "./compiler/stages.js";
import type { EvaluationResults } from "./evaluation.js";
import type { Machine } from "./machine.js";
import type { MemoryResult } from "./memory.js";
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

export function targetChecks(evaluation: EvaluationResults, compiler: CompilerResults): TargetCheck[] {
  const hw = evaluation.handwritten.casesPerSecond;
  const decision = hw / evaluation.compiled.casesPerSecond;
  const trace = hw / evaluation.compiledTrace.casesPerSecond;
  const vsJson = evaluation.compiled.casesPerSecond / evaluation.jsonRules.casesPerSecond;
  const check = compiler.stages.find((stage) => stage.stage.startsWith("check"))!;
  const parse = compiler.stages.find((stage) => stage.stage.startsWith("parse"))!;
  return [
    {
      name: "compiled, decision only (decide), vs hand-written",
      target: `<= ${TARGETS.decisionVsHandwritten}x`,
      actual: `${fixed(decision, 2)}x`,
      met: decision <= TARGETS.decisionVsHandwritten,
    },
    {
      name: "compiled, with trace (evaluate, trace: true), vs hand-written",
      target: `<= ${TARGETS.traceVsHandwritten}x`,
      actual: `${fixed(trace, 2)}x`,
      met: trace <= TARGETS.traceVsHandwritten,
    },
    {
      name: "compiled, decision only (decide), vs json-rules-engine",
      target: `>= ${TARGETS.vsJsonRules}x faster`,
      actual: `${fixed(vsJson, 1)}x faster`,
      met: vsJson >= TARGETS.vsJsonRules,
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
    `all 6 engines agree on every case: ${outcomes}`,
    "",
    table(
      ["engine", "cases", "passes", "median pass", "cases/s", "time vs hand-written"],
      [
        row("hand-written TypeScript", evaluation.handwritten),
        row("pol compiled, decision only (decide)", evaluation.compiled),
        row("pol compiled, full determination without trace", evaluation.compiledFull),
        row("pol compiled, with trace (evaluate)", evaluation.compiledTrace),
        row("pol reference interpreter", evaluation.interpreter),
        row("json-rules-engine", evaluation.jsonRules),
      ],
    ),
    "(one warm-up pass before the timed passes; a forced GC between passes)",
  ].join("\n");
}

export function memoryReport(memory: readonly MemoryResult[]): string {
  return table(
    ["engine (fresh process)", "cases", "peak heap growth", "peak RSS growth", "peak RSS", "allocated per case"],
    memory.map((m) => [
      m.engine,
      int(m.cases),
      `${fixed(m.peakHeapGrowth)} MB`,
      `${fixed(m.peakRssGrowth)} MB`,
      `${fixed(m.peakRss)} MB`,
      `${int(m.bytesPerCase)} B` + (m.gcsDuringAllocation > 0 ? ` (${m.gcsDuringAllocation} GCs: a lower bound)` : ""),
    ]),
  );
}

export function compilerReport(compiler: CompilerResults): string {
  return [
    `corpus: ${compiler.policies} generated policies, ${int(compiler.lines)} lines (schema ${compiler.schemaLines} lines, parsed again for each); ` +
      `generated TypeScript ${int(compiler.generatedLines)} lines before prettier`,
    "",
    table(
      ["stage", "lines", "passes", "median", "lines/s"],
      compiler.stages.map((s) => [s.stage, int(s.lines), String(s.passes.length), ms(s.median), int(s.linesPerSecond)]),
    ),
    "",
    `cold \`pol check policies\` (${compiler.coldCheck.files} files, fresh node process): median ${ms(compiler.coldCheck.median)} ` +
      `of ${compiler.coldCheck.passes.length} (${compiler.coldCheck.passes.map((p) => ms(p)).join(", ")})`,
  ].join("\n");
}

export function targetsReport(checks: readonly TargetCheck[]): string {
  return table(
    ["target", "goal", "measured", "result"],
    checks.map((c) => [c.name, c.target, c.actual, c.met ? "PASS" : "MISS"]),
  );
}
