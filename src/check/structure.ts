// Policy structure: the header, rule and criterion names, citations and descriptions, and the
// conditions of rules and criteria (typed through the expression checker).

import type { Criterion, Expression, HeaderKey, LetDecl, PolicyHeader, RuleDecl, SourceFile, Span } from "../ast.js";
import type { Facts } from "./facts.js";
import { diagnostic, suggest, type Diagnostic } from "../diagnostics.js";
import type { CheckedCriterion, CheckedRule } from "../model.js";
import { location } from "./format.js";
import type { ExpressionChecker } from "./types.js";

const REQUIRED_KEYS: readonly HeaderKey[] = ["title", "payer", "number", "version", "effective"];
const DATE_KEYS: ReadonlySet<HeaderKey> = new Set(["effective", "expires"]);

export interface HeaderValues {
  id: string;
  values: Partial<Record<HeaderKey, string>>;
}

export function checkHeader(header: PolicyHeader, diagnostics: Diagnostic[]): HeaderValues {
  const values: Partial<Record<HeaderKey, string>> = {};
  for (const field of header.fields) {
    const wantsDate = DATE_KEYS.has(field.key);
    if (field.value.kind === "Identifier") {
      // The one word a header takes: `effective proposed`, a policy not yet in effect.
      const word = field.value.name;
      if (field.key === "effective" && word === "proposed") {
        values.effective ??= word;
        continue;
      }
      const expected = field.key === "effective" ? "a date or `proposed`" : wantsDate ? "a date" : "a string";
      const help =
        field.key === "effective"
          ? ({ help: "effective" } as const)
          : ({ help: "other", example: wantsDate ? `write a date, e.g. \`${field.key} 2025-07-01\`` : `put it in quotes: \`${field.key} "${word}"\`` } as const);
      diagnostics.push(diagnostic("POL1025", field.value.span, { key: field.key, expected, word }, help));
      continue;
    }
    if (wantsDate && field.value.kind !== "DateLiteral") {
      diagnostics.push(diagnostic("POL3020", field.value.span, { key: field.key }, { key: field.key }));
    } else if (!wantsDate && field.value.kind !== "StringLiteral") {
      diagnostics.push(diagnostic("POL3021", field.value.span, { key: field.key }, { key: field.key, value: field.value.value }));
    }
    values[field.key] ??= field.value.value;
  }
  const idSpan = headerIdSpan(header);
  const id = header.id.map((part) => part.name).join(".");
  for (const key of REQUIRED_KEYS) {
    if (header.fields.some((field) => field.key === key)) continue;
    const example = DATE_KEYS.has(key) ? `${key} 2025-07-01` : `${key} "..."`;
    diagnostics.push(diagnostic("POL1009", idSpan, { policy: id, key }, { example }));
  }
  return { id, values };
}

/** Check the rules of one file; the returned rules are meaningful only when nothing was reported. */
export function checkRules(file: SourceFile, expressions: ExpressionChecker, diagnostics: Diagnostic[]): CheckedRule[] {
  const rules: CheckedRule[] = [];
  const ruleNames = new Map<string, Span>();
  const criterionIds = new Map<string, Span>();
  for (const decl of file.declarations) {
    if (decl.kind !== "RuleDecl") continue;
    if (file.header.kind === "SchemaHeader") {
      diagnostics.push(
        diagnostic("POL2010", decl.id.span, { rule: decl.id.name }),
      );
    }
    const first = ruleNames.get(decl.id.name);
    if (first) {
      diagnostics.push(diagnostic("POL4002", decl.id.span, { rule: decl.id.name }, { location: location(first) }));
    } else ruleNames.set(decl.id.name, decl.id.span);
    rules.push(checkRule(decl, criterionIds, expressions, diagnostics, file.recovered?.partialRules));
  }
  return rules;
}

function checkRule(
  decl: RuleDecl,
  criterionIds: Map<string, Span>,
  expressions: ExpressionChecker,
  diagnostics: Diagnostic[],
  partialRules: ReadonlySet<RuleDecl> | undefined,
): CheckedRule {
  for (const codes of decl.codes) expressions.checkCodeSetName(codes.name, codes.span);
  if (decl.when) expressions.checkCondition(decl.when);
  const criteria = decl.criteria.map((criterion) => checkCriterion(criterion, criterionIds, expressions, diagnostics));
  checkWaivers(decl, criteria, diagnostics);
  // A rule that lost criteria to a syntax error is judged when they parse.
  if (!partialRules?.has(decl)) checkRuleDecides(decl, diagnostics);
  return {
    decl,
    id: decl.id.name,
    title: decl.title.value,
    citation: decl.citation?.text ?? "",
    codeSets: decl.codes.map((codes) => codes.name),
    criteria,
  };
}

function checkCriterion(
  criterion: Criterion,
  criterionIds: Map<string, Span>,
  expressions: ExpressionChecker,
  diagnostics: Diagnostic[],
): CheckedCriterion {
  const id = criterion.id.name;
  const first = criterionIds.get(id);
  if (first) {
    diagnostics.push(diagnostic("POL4003", criterion.id.span, { id }, { location: location(first) }));
  } else criterionIds.set(id, criterion.id.span);
  if (!criterion.citation) {
    diagnostics.push(diagnostic("POL4001", criterion.id.span, { id }));
  }
  if (!criterion.description) {
    diagnostics.push(
      diagnostic("POL4006", criterion.id.span, { id }),
    );
  }
  // The grammar requires a condition after `require` (POL4005 is retired).
  if (criterion.condition) expressions.checkCondition(criterion.condition);
  const checked: CheckedCriterion = {
    id,
    effect: criterion.effect,
    citation: criterion.citation?.text ?? "",
    description: criterion.description?.value ?? "",
    line: criterion.span.start.line,
    span: criterion.span,
  };
  if (criterion.condition) checked.condition = criterion.condition;
  return checked;
}

/**
 * A waiver names criteria of its own rule that decide an outcome, each waived at most once; each
 * named criterion records its waiver (`waivedBy`).
 */
function checkWaivers(decl: RuleDecl, criteria: CheckedCriterion[], diagnostics: Diagnostic[]): void {
  const byId = new Map(criteria.map((criterion) => [criterion.id, criterion]));
  for (const waiver of decl.criteria) {
    if (waiver.effect !== "waive") continue;
    for (const named of waiver.waives ?? []) {
      const target = byId.get(named.name);
      if (target === undefined) {
        const candidates = criteria.filter((c) => c.effect !== "waive" && c.effect !== "note" && c.effect !== "approve").map((c) => c.id);
        const list = candidates.length > 0 ? candidates.map((id) => `\`${id}\``).join(", ") : "its criteria";
        diagnostics.push(
          diagnostic(
            "POL2030",
            named.span,
            { waiver: waiver.id.name, id: named.name, rule: decl.id.name },
            suggest(named.name, candidates) ?? { criteria: list },
          ),
        );
      } else if (target.effect === "note" || target.effect === "waive") {
        const effect = target.effect === "note" ? "note" : "waiver";
        diagnostics.push(diagnostic("POL4013", named.span, { waiver: waiver.id.name, id: named.name, effect }));
      } else if (target.waivedBy !== undefined) {
        diagnostics.push(diagnostic("POL4014", named.span, { id: named.name, first: target.waivedBy }));
      } else {
        target.waivedBy = waiver.id.name;
      }
    }
  }
}

/**
 * A rule approves the items it applies to unless a criterion stands in the way, so a rule whose
 * only criteria are notes (or that has none) approves everything in its code sets. That must be
 * written as `approve`; an `approve` beside criteria that decide says nothing and is a warning.
 */
function checkRuleDecides(decl: RuleDecl, diagnostics: Diagnostic[]): void {
  // A waiver only lifts other criteria: it decides nothing itself.
  const deciding = decl.criteria.filter((c) => c.effect !== "note" && c.effect !== "approve" && c.effect !== "waive");
  const approvals = decl.criteria.filter((c) => c.effect === "approve");
  if (deciding.length === 0 && approvals.length === 0) {
    const citation = decl.citation?.text ?? "SECTION";
    diagnostics.push(diagnostic("POL4021", decl.id.span, { rule: decl.id.name }, { example: `${decl.id.name}_covered`, citation }));
  }
  if (deciding.length > 0) {
    for (const approval of approvals) {
      diagnostics.push(diagnostic("POL4022", approval.id.span, { id: approval.id.name, rule: decl.id.name }));
    }
  }
}

/**
 * `rule as of date` evaluates a rule's criteria on an earlier date, where there is no line item:
 * the rule must read none (POL4015), and no rule may be evaluated as of a date inside itself,
 * directly or through other rules (POL4016).
 */
export function checkAsOf(
  rules: ReadonlyMap<string, RuleDecl>,
  lets: ReadonlyMap<string, LetDecl>,
  facts: Facts,
  diagnostics: Diagnostic[],
): void {
  if (facts.asOf.size === 0) return;
  interface Reads {
    item?: Span;
    asOf: { rule: string; span: Span }[];
  }
  const summaries = new Map<string, Reads>();
  const walk = (node: unknown, reads: Reads, seenLets: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((child) => walk(child, reads, seenLets));
    if (typeof node !== "object" || node === null) return;
    const expression = node as Expression;
    if (expression.kind === "AsOfExpression") {
      const rule = facts.asOf.get(expression);
      if (rule !== undefined) reads.asOf.push({ rule, span: expression.span });
      walk(expression.date, reads, seenLets);
      return;
    }
    if (expression.kind === "NameRef") {
      const binding = facts.bindings.get(expression);
      if (binding === undefined) return;
      if (["item", "items", "otherItems", "earlierItems"].includes(binding.kind)) reads.item ??= expression.span;
      if (binding.kind === "let" && !seenLets.has(binding.name)) {
        seenLets.add(binding.name);
        walk(lets.get(binding.name)?.value, reads, seenLets);
      }
      return;
    }
    for (const [key, child] of Object.entries(node)) if (key !== "span") walk(child, reads, seenLets);
  };
  const summary = (name: string): Reads => {
    let reads = summaries.get(name);
    if (reads === undefined) {
      reads = { asOf: [] };
      summaries.set(name, reads);
      for (const criterion of rules.get(name)?.criteria ?? []) walk(criterion.condition, reads, new Set());
    }
    return reads;
  };
  const reported = new Set<string>();
  for (const [expression, name] of facts.asOf) {
    const item = summary(name).item;
    if (item !== undefined && !reported.has(name)) {
      reported.add(name);
      diagnostics.push(diagnostic("POL4015", expression.span, { rule: name, location: location(item) }));
    }
  }
  // Cycles: a rule reaching itself through `as of`.
  const state = new Map<string, "open" | "done">();
  const visit = (name: string, path: string[]): void => {
    state.set(name, "open");
    for (const edge of summary(name).asOf) {
      const mark = state.get(edge.rule);
      if (mark === "open") {
        const cycle = [...path.slice(path.indexOf(edge.rule)), edge.rule].map((r) => `\`${r}\``).join(" -> ");
        diagnostics.push(diagnostic("POL4016", edge.span, { rule: edge.rule, cycle }));
      } else if (mark === undefined) visit(edge.rule, [...path, edge.rule]);
    }
    state.set(name, "done");
  };
  for (const name of rules.keys()) if (!state.has(name)) visit(name, [name]);
}

/** The dotted id of a policy header: where header-level diagnostics point. */
export function headerIdSpan(header: PolicyHeader): Span {
  const first = header.id[0]?.span ?? header.span;
  const last = header.id[header.id.length - 1]?.span ?? header.span;
  return { file: first.file, start: first.start, end: last.end };
}
