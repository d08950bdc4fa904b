// The determination as a reviewer's letter: per line item the outcome, the criteria that decided
// it with their citations and the facts behind them, the documentation still needed, and the
// cautions (notes) for the reviewer.

import {
  type ComputedValue,
  EFFECT_KEYWORDS,
  type CriterionEffect,
  type CriterionTrace,
  type Determination,
  type ItemDetermination,
  type Note,
  type Outcome,
  type Reason,
  type RuleApplication,
  type Status,
} from "@pol/runtime";
import { codeName, showFact, showValue, wrap } from "./layout.js";

const OUTCOME_WORDS: Record<Outcome, string> = {
  approved: "APPROVED",
  denied: "DENIED (not medically necessary)",
  pended: "PENDED for documentation",
  not_covered: "NOT COVERED",
  not_separately_billable: "NOT SEPARATELY BILLABLE",
  authorization_required: "PRIOR AUTHORIZATION REQUIRED",
  referred_for_review: "REFERRED for clinical review",
  policy_not_in_effect: "POLICY NOT IN EFFECT",
  no_applicable_policy: "NO APPLICABLE POLICY",
};

const APPLIES_WORDS: Record<Status, string> = {
  met: "applies",
  not_met: "does not apply",
  unknown: "may apply (unknown)",
  waived: "waived",
};

const STATUS_WORDS: Record<Status, string> = {
  met: "met",
  not_met: "not met",
  unknown: "unknown",
  waived: "waived",
};

/** Widest status word plus a space: the trace's status column. */
const STATUS_COLUMN = 9;

export function renderText(d: Determination, options: { explain: boolean }): string {
  const p = d.policy;
  const out = wrap(
    "",
    `${p.payer} ${p.number} "${p.title}", version ${p.version} — date of service ${d.dateOfService}`,
    "  ",
  );
  for (const item of d.items) {
    out.push("");
    out.push(...renderItem(d, item, options.explain));
  }
  return out.join("\n") + "\n";
}

function renderItem(d: Determination, item: ItemDetermination, explain: boolean): string[] {
  const out = wrap(
    "",
    `Line ${item.index + 1} — ${codeName(item.code)}: ${OUTCOME_WORDS[item.outcome]}`,
    "  ",
  );
  out.push("  Rationale:");
  out.push(...rationale(d, item));
  if (item.missing.length > 0) {
    out.push("  Documentation needed:");
    for (const m of item.missing) {
      out.push(...wrap("    - ", `${m.label} (${m.fact}), needed for ${m.criteria.join(", ")}`, "      "));
    }
  }
  if (item.notes.length > 0) {
    out.push("  Cautions:");
    for (const note of item.notes) out.push(...wrap("    - ", cautionText(note), "      "));
  }
  if (explain) out.push(...trace(item));
  return out;
}

function rationale(d: Determination, item: ItemDetermination): string[] {
  const line = (text: string) => wrap("    ", text, "      ");
  switch (item.outcome) {
    case "policy_not_in_effect": {
      const { effective, expires, proposed } = d.policy;
      if (proposed && !(expires !== undefined && d.dateOfService > expires))
        return line("The policy is proposed and not yet in effect; it decides only when evaluated as proposed.");
      return line(
        effective !== undefined && d.dateOfService < effective
          ? `The date of service ${d.dateOfService} is before the policy's effective date ${effective}.`
          : `The date of service ${d.dateOfService} is after the policy's expiry date ${expires ?? ""}.`,
      );
    }
    case "no_applicable_policy":
      return line(`No rule of this policy applies to ${codeName(item.code)}.`);
    default:
      break;
  }
  if (item.outcome === "approved") return approval(item);
  const out: string[] = [];
  if (item.outcome === "pended") {
    if (item.trace.length > 0) {
      // The criteria not known to be met, unknown ones included (reasons hold only those
      // definitely not met).
      for (const t of deciding(item.trace).filter((t) => t.status !== "met")) out.push(...line(reasonText(t, t, true)));
    } else {
      for (const reason of item.reasons) out.push(...line(reasonText(reason, undefined, true)));
      const undecided = [...new Set(item.missing.flatMap((m) => m.criteria))];
      if (undecided.length > 0)
        out.push(...line(`Undecided without the documentation below: ${undecided.join(", ")}.`));
    }
    for (const rule of item.rules.filter((r) => r.applies === "unknown")) {
      out.push(...line(`[${rule.citation}] ${rule.title} — whether the rule applies is unknown`));
    }
    return out;
  }
  for (const reason of item.reasons.filter((r) => decides(r.effect, item.outcome))) {
    out.push(...line(reasonText(reason, traceOf(item, reason), false)));
  }
  return out;
}

/** An approval is decided by every criterion; without a trace, by the rules that applied. */
function approval(item: ItemDetermination): string[] {
  const line = (text: string) => wrap("    ", text, "      ");
  if (item.trace.length > 0) return deciding(item.trace).flatMap((t) => line(reasonText(t, t, false)));
  return item.rules
    .filter((r) => r.applies === "met")
    .flatMap((r) => line(`[${r.citation}] ${r.title} — every criterion met`));
}

/** Reasons hold every criterion not met; the outcome is decided by those of its own level. */
function decides(effect: CriterionEffect, outcome: Outcome): boolean {
  switch (outcome) {
    case "not_covered":
      return effect === "not_covered";
    case "not_separately_billable":
      return effect === "bundle";
    case "denied":
      return effect === "require" || effect === "deny" || effect === "approve";
    case "authorization_required":
      return effect === "authorization";
    case "referred_for_review":
      return effect === "refer";
    default:
      return true;
  }
}

/** The traced criteria that take part in the outcome: all but notes, which are cautions, and
 *  waivers, which show in the criteria they waive. */
function deciding(trace: readonly CriterionTrace[]): CriterionTrace[] {
  return trace.filter((t) => t.effect !== "note" && t.effect !== "waive");
}

/** `[D.I.C.4] description (note C4)`: a caution names its criterion so the reviewer can find it. */
function cautionText(note: Note): string {
  return `[${note.citation}] ${note.description} (note ${note.criterion})`;
}

function traceOf(item: ItemDetermination, reason: Reason): CriterionTrace | undefined {
  return item.trace.find((t) => t.rule === reason.rule && t.criterion === reason.criterion);
}

/**
 * `[D.I.B.1] description — not met: relief = 60% (needs at least 75%) (facts)`. Reasons without
 * a trace are criteria not met. On a pended item nothing is decided yet, so an exclusion whose
 * condition holds is said to hold, not to apply.
 */
function reasonText(reason: Reason, traced: CriterionTrace | undefined, pended: boolean): string {
  const status = traced?.status ?? "not_met";
  if (status === "waived") return `[${reason.citation}] ${reason.description} — waived by ${traced?.waivedBy ?? "a waiver"}`;
  const values = traced && traced.values.length > 0 ? `: ${traced.values.map(valueText).join("; ")}` : "";
  const more = traced?.factsTruncated ? ", and more" : "";
  const facts = traced && traced.facts.length > 0 ? ` (${traced.facts.map(showFact).join(", ")}${more})` : "";
  return `[${reason.citation}] ${reason.description} — ${verdict(reason.effect, status, pended)}${values}${facts}`;
}

/** A requirement is met or not; an exclusion applies (stands in the way) or does not. */
function verdict(effect: CriterionEffect, status: Status, pended: boolean): string {
  if (status === "unknown") return "unknown";
  if (effect === "require" || effect === "approve") return STATUS_WORDS[status];
  if (status === "not_met") return pended ? "its condition holds" : "applies";
  return "does not apply";
}

const OPERATOR_WORDS = { ">=": "at least ", ">": "more than ", "<=": "at most ", "<": "less than ", "==": "", "!=": "not " } as const;

/** `count = 2 (needs at most 4)`, `time since x.date = 47 days, from 2025-06-02 (needs at least 2mo)`. */
export function valueText(v: ComputedValue): string {
  const other = v.thresholdValue === undefined ? v.threshold : `${v.threshold} = ${shownText(v.thresholdValue, v.unit)}`;
  const from = v.from === undefined ? "" : v.to === undefined ? `, from ${v.from}` : `, from ${v.from} to ${v.to}`;
  return `${v.expression} = ${shownText(v.value, v.unit)}${from} (${v.required ? "needs " : ""}${OPERATOR_WORDS[v.operator]}${other})`;
}

function shownText(value: ComputedValue["value"], unit: ComputedValue["unit"]): string {
  if (value === null) return "none";
  if (typeof value === "object") {
    if ("missing" in value) return "unknown";
    const range = (n: number) => withUnit(n, unit);
    return value.max === null ? `at least ${range(value.min)}` : `${range(value.min)} to ${range(value.max)}`;
  }
  return typeof value === "number" ? withUnit(value, unit) : showValue(value);
}

function withUnit(n: number, unit: ComputedValue["unit"]): string {
  const shown = Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
  if (unit === "%") return `${shown}%`;
  if (unit === "days") return `${shown} ${n === 1 ? "day" : "days"}`;
  return shown;
}

function trace(item: ItemDetermination): string[] {
  const out = ["  Trace:"];
  const ruleBlock = (header: string, entries: CriterionTrace[]) => {
    out.push(...wrap("    ", header, "      "));
    for (const t of entries) out.push(...criterionLines(t));
  };
  // determine() traces exactly the rules that apply or may apply.
  for (const rule of item.rules.filter((r) => r.applies !== "not_met")) {
    ruleBlock(
      ruleHeader(rule),
      item.trace.filter((t) => t.rule === rule.rule),
    );
  }
  // Rules that do not apply have no criteria to show: one line names them all.
  const skipped = item.rules.filter((r) => r.applies === "not_met").map((r) => `${r.rule} [${r.citation}]`);
  if (skipped.length > 0)
    out.push(...wrap("    ", `Rules that do not apply: ${skipped.join(", ")}`, "      "));
  if (out.length === 1) out.push("    No rule was evaluated.");
  return out;
}

function ruleHeader(rule: RuleApplication): string {
  return `Rule ${rule.rule} [${rule.citation}] "${rule.title}": ${APPLIES_WORDS[rule.applies]}`;
}

function criterionLines(t: CriterionTrace): string[] {
  const indent = "      ";
  const hanging = indent + " ".repeat(STATUS_COLUMN);
  const status = STATUS_WORDS[t.status].padEnd(STATUS_COLUMN);
  const effect = EFFECT_KEYWORDS[t.effect];
  const by = t.status === "waived" && t.waivedBy !== undefined ? ` (waived by ${t.waivedBy})` : "";
  const out = wrap(indent + status, `[${t.citation}] ${effect} ${t.criterion}: ${t.description}${by}`, hanging);
  if (t.facts.length > 0)
    out.push(...wrap(hanging, `facts: ${t.facts.map(showFact).join(", ")}${t.factsTruncated ? ", and more" : ""}`, hanging + "  "));
  if (t.values.length > 0)
    out.push(...wrap(hanging, `values: ${t.values.map(valueText).join("; ")}`, hanging + "  "));
  const shown = new Set(t.facts.filter((f) => f.value === null).map((f) => f.fact));
  const missing = t.missing.filter((m) => !shown.has(m.fact));
  if (missing.length > 0) {
    out.push(
      ...wrap(hanging, `missing: ${missing.map((m) => `${m.label} (${m.fact})`).join(", ")}`, hanging + "  "),
    );
  }
  return out;
}
