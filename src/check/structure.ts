// Policy structure: the header, rule and criterion names, citations and descriptions, and the
// conditions of rules and criteria (typed through the expression checker).

import type { Criterion, HeaderKey, PolicyHeader, RuleDecl, SourceFile, Span } from "../ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
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
 * A rule approves the items it applies to unless a criterion stands in the way, so a rule whose
 * only criteria are notes (or that has none) approves everything in its code sets. That must be
 * written as `approve`; an `approve` beside criteria that decide says nothing and is a warning.
 */
function checkRuleDecides(decl: RuleDecl, diagnostics: Diagnostic[]): void {
  const deciding = decl.criteria.filter((c) => c.effect !== "note" && c.effect !== "approve");
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

/** The dotted id of a policy header: where header-level diagnostics point. */
export function headerIdSpan(header: PolicyHeader): Span {
  const first = header.id[0]?.span ?? header.span;
  const last = header.id[header.id.length - 1]?.span ?? header.span;
  return { file: first.file, start: first.start, end: last.end };
}
