// The determination as a criterion tree: per line item its outcome, the rules that apply (or may),
// and under each rule its criteria with their status (met, not met, unknown), citation and
// description, the documentation still missing, and the notes for the reviewer.

import type { CriterionTrace, Determination, ItemDetermination } from "@pol/runtime";

const OUTCOME_WORDS: Record<string, string> = {
  approved: "approved",
  denied: "denied",
  pended: "pended for documentation",
  not_covered: "not covered",
  not_separately_billable: "not separately billable",
  policy_not_in_effect: "policy not in effect",
  no_applicable_policy: "no applicable policy",
};

const STATUS_WORDS: Record<string, string> = { met: "met", not_met: "not met", unknown: "unknown", waived: "waived" };
const APPLIES_WORDS: Record<string, string> = { met: "applies", not_met: "does not apply", unknown: "may apply" };
const EFFECT_WORDS: Record<string, string> = { require: "require", deny: "deny", not_covered: "not covered", bundle: "bundle", note: "note", approve: "approve" };

function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function renderTree(determination: Determination): HTMLElement {
  const root = element("ul", "tree");
  for (const item of determination.items) root.append(renderItem(item));
  return root;
}

function renderItem(item: ItemDetermination): HTMLElement {
  const node = element("li", "item");
  node.dataset["outcome"] = item.outcome;
  const head = element("div", "item-head");
  head.append(element("span", "item-code", `line ${item.index + 1}: ${item.code}`), element("span", `outcome outcome-${item.outcome}`, OUTCOME_WORDS[item.outcome] ?? item.outcome));
  node.append(head);
  const rules = element("ul", "rules");
  for (const rule of item.rules) {
    const ruleNode = element("li", "rule");
    ruleNode.dataset["applies"] = rule.applies;
    const ruleHead = element("div", "rule-head");
    ruleHead.append(
      element("span", "rule-id", rule.rule),
      element("span", "citation", `[${rule.citation}]`),
      element("span", "rule-title", rule.title),
      element("span", `applies applies-${rule.applies}`, APPLIES_WORDS[rule.applies] ?? rule.applies),
    );
    ruleNode.append(ruleHead);
    const criteria = item.trace.filter((trace) => trace.rule === rule.rule);
    if (criteria.length > 0) {
      const list = element("ul", "criteria");
      for (const criterion of criteria) list.append(renderCriterion(criterion));
      ruleNode.append(list);
    }
    rules.append(ruleNode);
  }
  node.append(rules);
  if (item.missing.length > 0) {
    const missing = element("div", "missing", "documentation needed: ");
    missing.append(element("span", "", item.missing.map((m) => `${m.label} (${m.criteria.join(", ")})`).join("; ")));
    node.append(missing);
  }
  for (const note of item.notes) node.append(element("div", "note", `note [${note.citation}] ${note.description}`));
  return node;
}

function renderCriterion(criterion: CriterionTrace): HTMLElement {
  const node = element("li", "criterion");
  node.dataset["criterion"] = criterion.criterion;
  node.dataset["status"] = criterion.status;
  node.append(
    element("span", `status status-${criterion.status}`, STATUS_WORDS[criterion.status] ?? criterion.status),
    element("span", "effect", EFFECT_WORDS[criterion.effect] ?? criterion.effect),
    element("span", "criterion-id", criterion.criterion),
    element("span", "citation", `[${criterion.citation}]`),
    element("span", "description", criterion.description),
  );
  if (criterion.missing.length > 0) {
    node.append(element("div", "criterion-missing", `missing: ${criterion.missing.map((m) => m.label).join("; ")}`));
  }
  return node;
}
