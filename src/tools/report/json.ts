// The determination as JSON with a fixed key order, whatever order the evaluator (interpreter
// or compiled code) built its objects in: the same determination always prints the same bytes.

import type {
  ComputedValue,
  CriterionTrace,
  Determination,
  Fact,
  ItemDetermination,
  Missing,
  MissingDocumentation,
  Note,
  PolicyInfo,
  Reason,
  RuleApplication,
} from "@pol/runtime";

export function renderJson(d: Determination): string {
  return JSON.stringify(determination(d), null, 2) + "\n";
}

/** The same JSON on one line, as NDJSON carries it (`pol eval` over many cases). */
export function renderJsonLine(d: Determination): string {
  return JSON.stringify(determination(d)) + "\n";
}

function determination(d: Determination) {
  return {
    policy: policy(d.policy),
    dateOfService: d.dateOfService,
    items: d.items.map(item),
  };
}

function policy(p: PolicyInfo) {
  return {
    id: p.id,
    title: p.title,
    payer: p.payer,
    number: p.number,
    version: p.version,
    ...(p.effective === undefined ? {} : { effective: p.effective }),
    ...(p.proposed ? { proposed: true } : {}),
    ...(p.expires === undefined ? {} : { expires: p.expires }),
    source: p.source,
    sourceHash: p.sourceHash,
  };
}

function item(i: ItemDetermination) {
  return {
    index: i.index,
    code: i.code,
    outcome: i.outcome,
    rules: i.rules.map(rule),
    reasons: i.reasons.map(reason),
    missing: i.missing.map(documentation),
    notes: i.notes.map(note),
    trace: i.trace.map(criterion),
  };
}

function rule(r: RuleApplication) {
  return {
    rule: r.rule,
    title: r.title,
    citation: r.citation,
    applies: r.applies,
  };
}

function reason(r: Reason) {
  return {
    rule: r.rule,
    criterion: r.criterion,
    effect: r.effect,
    citation: r.citation,
    description: r.description,
    ...(r.pending ? { pending: true } : {}),
  };
}

function note(n: Note) {
  return { rule: n.rule, criterion: n.criterion, citation: n.citation, description: n.description };
}

function documentation(m: MissingDocumentation) {
  return { fact: m.fact, label: m.label, criteria: [...m.criteria] };
}

function criterion(t: CriterionTrace) {
  return {
    rule: t.rule,
    criterion: t.criterion,
    effect: t.effect,
    citation: t.citation,
    description: t.description,
    line: t.line,
    status: t.status,
    ...(t.waivedBy === undefined ? {} : { waivedBy: t.waivedBy }),
    facts: t.facts.map(fact),
    ...(t.factsTruncated ? { factsTruncated: true } : {}),
    missing: t.missing.map(missing),
    values: t.values.map(computed),
  };
}

function computed(v: ComputedValue) {
  return {
    expression: v.expression,
    value: canonical(v.value),
    ...(v.unit === undefined ? {} : { unit: v.unit }),
    ...(v.from === undefined ? {} : { from: v.from }),
    ...(v.to === undefined ? {} : { to: v.to }),
    operator: v.operator,
    threshold: v.threshold,
    ...(v.thresholdValue === undefined ? {} : { thresholdValue: canonical(v.thresholdValue) }),
    holds: v.holds,
    ...(v.required ? { required: true } : {}),
  };
}

function fact(f: Fact) {
  return { fact: f.fact, value: canonical(f.value) };
}

function missing(m: Missing) {
  return { fact: m.fact, label: m.label };
}

/** A JSON value read from the case, with object keys sorted so it prints the same every time. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = canonical((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value === undefined ? null : value;
}
