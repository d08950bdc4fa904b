// What an item's answer says in words: the criteria that decided it with their citations (the
// "specific reasons" CMS requires of a denial), and the documentation a pended item waits for.

import type { CriterionEffect, Determination, ItemDetermination, Outcome, Reason } from "@pol/runtime";

/** The effects whose unmet criteria produce each decided outcome; `reasons` lists every unmet criterion. */
const DECIDING_EFFECTS: Partial<Record<Outcome, readonly CriterionEffect[]>> = {
  denied: ["require", "deny", "approve"],
  not_covered: ["not_covered"],
  not_separately_billable: ["bundle"],
  authorization_required: ["authorization"],
  referred_for_review: ["refer"],
};

/** The reasons that decided the item's outcome (for pended and approved items: none). */
export function decidingReasons(item: ItemDetermination): Reason[] {
  const effects = DECIDING_EFFECTS[item.outcome];
  return effects === undefined ? [] : item.reasons.filter((reason) => effects.includes(reason.effect));
}

/** `Cigna 0139` */
export function policyName(determination: Determination): string {
  return `${determination.policy.payer} ${determination.policy.number}`;
}

/** `[D.I.B.1] the previous injection gave at least 75% pain relief: not met (TrueCare MM-1463)` */
export function reasonText(determination: Determination, reason: Reason): string {
  const verdict = reason.effect === "require" || reason.effect === "approve" ? "not met" : "applies";
  return `[${reason.citation}] ${reason.description}: ${verdict} (${policyName(determination)})`;
}

/** The rules that applied, as the grounds of an approval: `[D.I.B] Therapeutic SIJ injection`. */
export function approvalText(determination: Determination, item: ItemDetermination): string {
  const rules = item.rules.filter((rule) => rule.applies === "met").map((rule) => `[${rule.citation}] ${rule.title}`);
  return `every criterion of ${policyName(determination)} is met: ${rules.join("; ")}`;
}

/** `documentation needed: a; b; c` */
export function documentationText(item: ItemDetermination): string {
  return `documentation needed: ${item.missing.map((missing) => missing.label).join("; ")}`;
}

/** Why a policy gives no decision on the item. */
export function undecidedText(determination: Determination, item: ItemDetermination): string {
  const { policy } = determination;
  if (item.outcome === "policy_not_in_effect")
    return `${policyName(determination)} is not in effect on the date of service ${determination.dateOfService}`;
  return `no rule of ${policyName(determination)} (${policy.title}) applies to code ${item.code}`;
}
