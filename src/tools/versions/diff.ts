// `pol diff OLD.pol NEW.pol`: the structural diff and the semantic diff of two versions of a
// policy (or two policies over one schema), as one report.

import type { CheckedPolicy, Diagnostic } from "../../index.js";
import { structuralDiff, type Change } from "./structural.js";
import { semanticDiff, type SemanticDiff, type SemanticOptions, type Version } from "./semantic.js";
import { releaseZ3 } from "./solver.js";
import { DEFAULT_BOUNDS, serviceDates, type DateRange } from "./symbolic-case.js";
import { isoDateOf } from "./calendar.js";
import { verifyPolicy, type VerifyReport } from "./verify.js";

export interface DiffOptions {
  /** Skip the semantic diff (no solver). */
  structuralOnly?: boolean;
  semantic?: Partial<SemanticOptions>;
}

export const DEFAULT_SEMANTIC: SemanticOptions = { bounds: DEFAULT_BOUNDS, timeout: 30_000, minimizeBudget: 1_000 };

export interface DiffReport {
  old: { id: string; version: string; source: string };
  new: { id: string; version: string; source: string };
  changes: Change[];
  semantic?: SemanticDiff & { serviceDates: { first: string; last: string } };
  /** Why there is no semantic diff, when there is none. */
  diagnostics: Diagnostic[];
}

function versionOf(checked: CheckedPolicy, lower: (policy: CheckedPolicy) => Version["lowered"]): Version {
  return { checked, lowered: lower(checked) };
}

/** Same schema: the same records with the same fields and types, and the same enums. */
function sameSchema(a: Version, b: Version): boolean {
  const shape = (v: Version) =>
    JSON.stringify({
      records: [...v.lowered.schema.records.values()].map((r) => [r.name, [...r.fields.values()].map((f) => [f.name, f.type])]),
      enums: [...v.lowered.schema.enums.values()].map((e) => [e.name, e.members]),
    });
  return shape(a) === shape(b);
}

/** `pol verify`: the policy's properties, with the solver released afterwards. */
export async function verify(policy: CheckedPolicy, options: Partial<SemanticOptions> = {}): Promise<VerifyReport> {
  const { CompiledEvaluators } = await import("../../index.js");
  const compiled = new CompiledEvaluators();
  try {
    return await verifyPolicy(policy, { ...DEFAULT_SEMANTIC, ...options }, compiled);
  } finally {
    compiled.dispose();
    await releaseZ3();
  }
}

export async function diffVersions(older: CheckedPolicy, newer: CheckedPolicy, options: DiffOptions = {}): Promise<DiffReport> {
  const { lower, CompiledEvaluators, diagnostic } = await import("../../index.js");
  const a = versionOf(older, lower);
  const b = versionOf(newer, lower);
  const report: DiffReport = {
    old: { id: older.metadata.id, version: older.metadata.version, source: older.metadata.source },
    new: { id: newer.metadata.id, version: newer.metadata.version, source: newer.metadata.source },
    changes: structuralDiff(a.lowered, b.lowered),
    diagnostics: [],
  };
  if (options.structuralOnly) return report;
  if (!sameSchema(a, b)) {
    report.diagnostics.push(
      diagnostic("POL5003", newer.file.span, { old: older.metadata.id, new: newer.metadata.id }),
    );
    return report;
  }
  const semanticOptions: SemanticOptions = { ...DEFAULT_SEMANTIC, ...options.semantic };
  const compiled = new CompiledEvaluators();
  try {
    const semantic = await semanticDiff(a, b, semanticOptions, compiled);
    const dates: DateRange = serviceDates([older.metadata, newer.metadata]);
    report.semantic = { ...semantic, serviceDates: { first: isoDateOf(dates.first), last: isoDateOf(dates.last) } };
    for (const finding of semantic.findings) {
      if (finding.kind === "unsupported" || finding.kind === "timeout") report.diagnostics.push(finding.diagnostic);
    }
  } finally {
    compiled.dispose();
    await releaseZ3();
  }
  return report;
}
