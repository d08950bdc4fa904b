// @pol/runtime: one module of the dependency-free runtime package (see index.ts).
//
// Determinations

import { and, MALFORMED, type Missing, or, type Tri, Unknown } from "./logic.js";
import { type IsoDate, isIsoDate, isValidDate } from "./calendar.js";
import { type CaseError, type SchemaDescriptor, type ValidateOptions, type Validation, validateCase } from "./validate.js";
import { Context, fixedValue, Scans } from "./context.js";
import { field, isPlainCode } from "./access.js";
import { type CodeSet, inCodes } from "./codes.js";
import type { Fact } from "./types.js";
import { type ComputedValue, type ConditionParts, computedValues, conditionFromParts, type ShowPlan, type ShownValue, showPlansOf } from "./explain.js";
import { NeededFacts, neededFacts, type WeighedCriterion, type WeighedRule } from "./relevance.js";

export type Outcome =
  | "approved"
  | "denied"
  | "pended"
  | "not_covered"
  | "not_separately_billable"
  | "authorization_required"
  | "referred_for_review"
  | "policy_not_in_effect"
  | "no_applicable_policy";

/** Every outcome, in the order the type lists them (the check below keeps the list complete). */
export const OUTCOMES = [
  "approved",
  "denied",
  "pended",
  "not_covered",
  "not_separately_billable",
  "authorization_required",
  "referred_for_review",
  "policy_not_in_effect",
  "no_applicable_policy",
] as const satisfies readonly Outcome[];
const everyOutcome: Exclude<Outcome, (typeof OUTCOMES)[number]> extends never ? true : never = true;
void everyOutcome;

/** `waived`: the criterion's waiver holds, so it does not stand in the way whatever it says. */
export type Status = "met" | "not_met" | "unknown" | "waived";

/**
 * What a criterion does when it is not met:
 * - require: its condition must hold; when it does not, the item is denied.
 * - deny / not_covered / bundle: exclusions; when their condition holds (or they have none),
 *   the item is denied, not covered, or not separately billable.
 * - authorization / refer: administrative; when their condition holds (or they have none), an
 *   item that passes every clinical criterion needs prior authorization, or goes to a clinical
 *   reviewer (pended for review, not for documentation).
 * - note: never changes the outcome; when its condition holds (or it has none) the item's
 *   determination carries it as a caution for the reviewer.
 * - waive: when its condition holds, the criteria of its rule it names (`waives`) are waived.
 * - approve: no condition; always met. It says that the rule approves every item it applies to
 *   (unless another criterion stands in the way), so a rule without criteria is never silent.
 */
export type CriterionEffect =
  | "require"
  | "deny"
  | "not_covered"
  | "bundle"
  | "authorization"
  | "refer"
  | "note"
  | "waive"
  | "approve";

/** How each effect is written in a `.pol` file: for the formatter, hover texts and letters. */
export const EFFECT_KEYWORDS: Readonly<Record<CriterionEffect, string>> = {
  require: "require",
  deny: "deny",
  not_covered: "not covered",
  bundle: "bundle",
  authorization: "prior authorization",
  refer: "refer",
  note: "note",
  waive: "waive",
  approve: "approve",
};

export interface PolicyInfo {
  id: string;
  title: string;
  payer: string;
  number: string;
  version: string;
  /** Absent for a proposed policy, which is in effect only when evaluated `asProposed`. */
  effective?: IsoDate;
  /** Present (true) for a proposed policy: declared with `effective proposed`. */
  proposed?: true;
  expires?: IsoDate;
  source: string;
  sourceHash: string;
}

/** A rule as the decision procedure sees it; the interpreter and compiled code both build these. */
export interface RuleSpec {
  readonly id: string;
  readonly title: string;
  readonly citation: string;
  /** The code sets the rule binds to: it applies to an item whose code is in any of them ... */
  readonly codes: readonly CodeSet[];
  /** ... and, when given, for which this condition holds. */
  readonly when?: (context: Context) => Tri;
  /** The parts of `when` (explain.ts), for the facts an item whose rule may apply needs; or, for
   *  a `when` that is one test, its key. */
  readonly whenParts?: ConditionParts;
  readonly whenKey?: string;
  readonly criteria: readonly CriterionSpec[];
}

/** The current item's code as the rules' code sets test it (read once per item, for every rule):
 *  as its field's read gives it, so a blank code is unknown, exactly like a code left out. */
function codeOf(context: Context): unknown {
  // The usual code, not blank, is what the read gives: taken as it is, without looking the read
  // up (a read that a trace records goes through `field`, and is made once).
  const item = context.item;
  if (context.tracing || !context.itemCodeIsCode || item instanceof Unknown) return field(context, "item", item, "code");
  const code = item.code;
  return isPlainCode(code) ? code : field(context, "item", item, "code");
}

/** Whether a rule applies to the current item: its code (`code`, as `codeOf` reads it, once per
 *  item) is in one of the rule's sets, and `when` holds. */
function ruleApplies(context: Context, rule: RuleSpec, code: unknown): Tri {
  const inSet = inRuleSets(rule, code);
  return rule.when === undefined || inSet === false ? inSet : and(inSet, rule.when(context));
}

/** Whether the item's code is in one of the rule's code sets. */
function inRuleSets(rule: RuleSpec, code: unknown): Tri {
  // `or` of the sets' answers, without an array per item: every unknown answer is the code's own.
  let inSet: Tri = false;
  const sets = rule.codes;
  for (let i = 0; i < sets.length; i++) {
    const answer = inCodes(code, sets[i]!);
    if (answer === true) {
      inSet = true;
      break;
    }
    if (answer instanceof Unknown) inSet = answer;
  }
  return inSet;
}

export interface CriterionSpec {
  readonly id: string;
  readonly effect: CriterionEffect;
  readonly citation: string;
  readonly description: string;
  readonly line: number;
  /** For `require`, the condition that must hold. For exclusions and notes, the `when`
   *  condition; absent when the exclusion or note is unconditional. */
  readonly condition?: (context: Context) => Tri;
  /**
   * For a criterion named by a `waive` of its rule: the waiver's id and condition. When the
   * condition holds the criterion is waived; when it is unknown, only a criterion not known to be
   * met waits for it.
   */
  readonly waivedBy?: string;
  readonly waiver?: (context: Context) => Tri;
  /**
   * How much work the condition is, roughly (the lists it scans): `decide` tries cheaper criteria
   * first within a level, where the order cannot change the outcome. 0 when absent.
   */
  readonly cost?: number;
  /** The condition's parts (explain.ts): the values the trace shows, the facts a pended item
   *  needs; or, for a condition that is one test showing nothing, its key. */
  readonly parts?: ConditionParts;
  readonly key?: string;
}

export interface CriterionTrace {
  rule: string;
  criterion: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  line: number;
  /** met: the criterion does not stand in the way of approval. For a note: met when it does not
   *  apply (condition false), not_met when it applies, unknown when that is unknown. For a
   *  waiver: met when it holds. waived: a waiver of the rule holds (see `waivedBy`). */
  status: Status;
  /** The id of the waiver that waives this criterion, when it has one. */
  waivedBy?: string;
  /** The facts the condition read, in order, each once; at most MAX_FACTS of them. */
  facts: Fact[];
  /** Present (true) when the condition read more facts than `facts` lists. */
  factsTruncated?: true;
  missing: Missing[];
  /** The values the condition's comparisons computed, with what they are compared with. */
  values: ComputedValue[];
}

export interface Reason {
  rule: string;
  criterion: string;
  effect: CriterionEffect;
  citation: string;
  description: string;
  /**
   * Present (true) on a pended item: the criterion is not met, but the outcome waits for the
   * missing documentation (or for whether its rule applies), so it has decided nothing yet.
   */
  pending?: true;
}

/** A caution for the reviewer: a `note` criterion that applies to the item. Never changes the outcome. */
export interface Note {
  rule: string;
  criterion: string;
  citation: string;
  description: string;
}

export interface MissingDocumentation {
  fact: string;
  label: string;
  /** Criterion ids (and rule ids, for an unknown rule applicability) that need it. */
  criteria: string[];
}

export interface RuleApplication {
  rule: string;
  title: string;
  citation: string;
  applies: Status;
}

export interface ItemDetermination {
  index: number;
  code: string;
  outcome: Outcome;
  rules: RuleApplication[];
  reasons: Reason[];
  missing: MissingDocumentation[];
  /** The notes of the rules that apply whose condition holds or that have none, in rule and
   *  criterion order. A note whose condition is unknown is left out. */
  notes: Note[];
  /** Every criterion of every rule that applies or may apply; empty when not tracing. */
  trace: CriterionTrace[];
}

export interface Determination {
  policy: PolicyInfo;
  dateOfService: IsoDate;
  items: ItemDetermination[];
}

export interface EvaluateOptions extends ValidateOptions {
  /** Include the per-criterion trace with facts (default true). */
  trace?: boolean;
  /** Evaluate a proposed policy (`effective proposed`) as if it were in effect (default false). */
  asProposed?: boolean;
}

/** What `decide` takes: unknown fields, and whether to evaluate a proposed policy as if it were in effect. */
export type DecideOptions = Pick<EvaluateOptions, "asProposed" | "unknownFields">;

/**
 * The outcome each level of criteria produces when one of its criteria is not met, strongest
 * first: the clinical outcomes, then the administrative ones (prior authorization, referral to a
 * clinical reviewer), which only a request that passes every clinical criterion reaches.
 */
export const LEVEL_OUTCOMES = [
  "not_covered",
  "not_separately_billable",
  "denied",
  "authorization_required",
  "referred_for_review",
] as const;

const LEVELS: Record<CriterionEffect, number> = {
  not_covered: 0,
  bundle: 1,
  require: 2,
  deny: 2,
  approve: 2,
  authorization: 3,
  refer: 4,
  note: -1,
  waive: -1,
};

/** A criterion's level in LEVEL_OUTCOMES; -1 for a note or a waiver, which take part in no level. */
export function levelOf(effect: CriterionEffect): number {
  return LEVELS[effect];
}

/**
 * Whether a criterion stands in the way of approval. A `require` is met when its condition holds;
 * an exclusion (`deny`, `not covered`, `bundle`) is met when its `when` condition does not hold,
 * and never met when it has no condition; an `approve` is always met. A `note` reads like an exclusion (not_met: it applies)
 * but never stands in the way: the outcome, reasons and missing documentation ignore notes.
 */
export function criterionStatus(effect: CriterionEffect, condition: Tri | undefined): Status {
  if (effect === "approve") return "met";
  if (condition instanceof Unknown) return "unknown";
  if (effect === "require" || effect === "waive") return condition === true ? "met" : "not_met";
  if (condition === undefined) return "not_met";
  return condition === true ? "not_met" : "met";
}

/**
 * A criterion's condition and status with its waiver applied: waived when the waiver holds; when
 * the waiver is unknown, a criterion not known to be met is unknown too, waiting for the waiver's
 * facts and its own (Kleene `or` of the waiver and "the criterion is met").
 */
function waived(
  criterion: CriterionSpec,
  context: Context,
  condition: Tri | undefined,
  status: Status,
): { status: Status; unknown: Unknown | undefined } {
  const own = condition instanceof Unknown ? condition : undefined;
  if (criterion.waiver === undefined || status === "met") return { status, unknown: own };
  const waiver = criterion.waiver(context);
  if (waiver === true) return { status: "waived", unknown: undefined };
  if (waiver === false) return { status, unknown: own };
  const either = or(waiver, own ?? false);
  return { status: "unknown", unknown: either instanceof Unknown ? either : undefined };
}

/**
 * `rule as of date`: whether every clinical criterion of `rule` (`require`, `deny`, `not covered`,
 * `bundle`) is met or waived on `date`, with the date of service set to it and the case's history
 * cut there. The rule's code sets and `when` are not consulted, nor its administrative criteria
 * and notes. An unknown date is unknown; none (no such event) is false.
 */
export function asOf(context: Context, date: unknown, rule: RuleSpec): Tri {
  if (date instanceof Unknown) return date;
  if (date === null || date === undefined) return false;
  if (typeof date !== "string" || !isIsoDate(date)) return MALFORMED;
  return clinicallyMet(context.asOf(date), rule);
}

/** Kleene conjunction of "met or waived" over a rule's clinical criteria. */
function clinicallyMet(context: Context, rule: RuleSpec): Tri {
  const passes: Tri[] = [];
  for (const criterion of rule.criteria) {
    const level = levelOf(criterion.effect);
    if (level < 0 || level > LEVELS.deny) continue;
    const condition = conditionOf(context, criterion);
    const { status, unknown } = waived(criterion, context, condition, criterionStatus(criterion.effect, condition));
    if (status === "not_met") return false;
    if (status === "unknown") passes.push(unknown ?? new Unknown([]));
  }
  return and(...passes);
}

/** A criterion's status for the current item, its waiver applied. */
export function effectiveStatus(context: Context, criterion: CriterionSpec): Status {
  const condition = conditionOf(context, criterion);
  if (criterion.waiver === undefined) return criterionStatus(criterion.effect, condition);
  return waived(criterion, context, condition, criterionStatus(criterion.effect, condition)).status;
}

function statusOf(value: Tri): Status {
  return value === true ? "met" : value instanceof Unknown ? "unknown" : "not_met";
}

interface EvaluatedCriterion {
  /** What is fixed about it: its spec, its level, the values it shows. */
  plan: CriterionPlan;
  /** The condition's own value (before any waiver); undefined for an unconditional criterion. */
  condition: Tri | undefined;
  status: Status;
  unknown: Unknown | undefined;
  facts: Fact[];
  factsTruncated: boolean;
  /** The parts' values, when the trace shows some (explain.ts). */
  values: readonly unknown[] | undefined;
}

interface EvaluatedRule {
  spec: RuleSpec;
  applies: Tri;
  criteria: EvaluatedCriterion[];
}

/**
 * The outcome of a set of applying rules: levels strongest first; an unknown level pends. In one
 * pass: the strongest level with a criterion not met decides, unless a stronger one is unknown.
 */
function outcomeOf(rules: readonly EvaluatedRule[]): Outcome {
  if (rules.length === 0) return "no_applicable_policy";
  let notMet: number = LEVEL_OUTCOMES.length;
  let unknown: number = LEVEL_OUTCOMES.length;
  for (let r = 0; r < rules.length; r++) {
    const criteria = rules[r]!.criteria;
    for (let i = 0; i < criteria.length; i++) {
      const { plan, status } = criteria[i]!;
      const level = plan.level;
      if (level < 0) continue;
      if (status === "not_met") {
        if (level < notMet) notMet = level;
      } else if (status === "unknown" && level < unknown) unknown = level;
    }
  }
  if (unknown < notMet) return "pended";
  return (LEVEL_OUTCOMES as readonly Outcome[])[notMet] ?? "approved";
}

/** A criterion's condition for the current item; undefined for an unconditional exclusion. */
function conditionOf(context: Context, criterion: CriterionSpec): Tri | undefined {
  return criterion.condition === undefined ? undefined : criterion.condition(context);
}

/**
 * Whether the policy is in effect on the date of service (both ends included). A proposed policy
 * has no effective date: it is in effect only when evaluated `asProposed`, up to its expiry.
 */
function inEffect(policy: PolicyInfo, dos: IsoDate, options: EvaluateOptions | undefined): boolean {
  if (policy.proposed === true && options?.asProposed !== true) return false;
  if (policy.effective !== undefined && dos < policy.effective) return false;
  return !(policy.expires !== undefined && dos > policy.expires);
}

/** The facts of a criterion evaluated without the trace (never shown: no trace is built). */
const NO_FACTS: Fact[] = [];

/**
 * What the evaluate path works from, fixed by the rule table and built once for it: each rule's
 * criteria with their levels and the plans of the values their traces show, so that a
 * determination looks none of this up per criterion.
 */
class EvaluatePlan {
  readonly rules: readonly RulePlan[];
  /** Whether an item's code is in each rule's code sets: `decideTrusted`'s table, shared. */
  readonly codes: DecidePlan;

  constructor(rules: readonly RuleSpec[]) {
    let first = rules.length;
    this.rules = rules.map((spec) => {
      const criteria = spec.criteria.map(criterionPlan);
      const plan = { spec, criteria, first };
      first += 3 * criteria.length;
      return plan;
    });
    this.codes = decidePlan(rules);
  }
}

interface RulePlan {
  readonly spec: RuleSpec;
  readonly criteria: readonly CriterionPlan[];
  /** Where its first criterion's slots begin in an untraced item's working space (`untracedItem`). */
  readonly first: number;
}

interface CriterionPlan {
  readonly spec: CriterionSpec;
  /** `levelOf(spec.effect)`. */
  readonly level: number;
  /** The plans of the parts whose values the trace shows; undefined when it shows none. */
  readonly shows: readonly ShowPlan[] | undefined;
}

function criterionPlan(spec: CriterionSpec): CriterionPlan {
  const shows = spec.parts === undefined ? undefined : showPlansOf(spec.parts);
  return { spec, level: levelOf(spec.effect), shows: shows !== undefined && shows.length > 0 ? shows : undefined };
}

const evaluatePlans = new WeakMap<readonly RuleSpec[], EvaluatePlan>();

function evaluatePlan(rules: readonly RuleSpec[]): EvaluatePlan {
  let plan = evaluatePlans.get(rules);
  if (plan === undefined) evaluatePlans.set(rules, (plan = new EvaluatePlan(rules)));
  return plan;
}

function evaluateRule(context: Context, rule: RulePlan, applies: Tri): EvaluatedRule {
  const plans = rule.criteria;
  const criteria: EvaluatedCriterion[] = [];
  const tracing = context.tracing;
  // In a case of several line items a criterion that lists the same facts for the next item
  // gives the same array (see `Context.endReads`).
  const shared = tracing && context.items.length > 1;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const criterion = plan.spec;
    if (tracing) context.beginReads();
    const parts = criterion.parts;
    // A trace shows the values of the parts that show some: they are the condition's tests, read
    // in its order, so the condition's value is derived from them instead of worked out twice.
    const values = tracing && plan.shows !== undefined ? parts!.values(context) : undefined;
    const condition = values !== undefined ? conditionFromParts(parts!.shape, values) : conditionOf(context, criterion);
    let status = criterionStatus(criterion.effect, condition);
    let unknown = condition instanceof Unknown ? condition : undefined;
    if (criterion.waiver !== undefined) ({ status, unknown } = waived(criterion, context, condition, status));
    const facts = tracing ? context.endReads(shared ? criterion : undefined) : NO_FACTS;
    const factsTruncated = tracing && context.readsTruncated;
    // The parts of an unknown condition are worked out only if the item pends (see `weighed`).
    criteria.push({ plan, condition, status, unknown, facts, factsTruncated, values });
  }
  return { spec: rule.spec, applies, criteria };
}

/** A rule that applies or may apply, as `neededFacts` weighs it: its applicability in parts, its criteria. */
function weighed(context: Context, rule: EvaluatedRule): WeighedRule {
  const { spec } = rule;
  const known = !(rule.applies instanceof Unknown);
  const when = known || spec.when === undefined ? undefined : spec.when(context);
  const weighedRule: WeighedRule = { id: spec.id, inSet: known ? true : inRuleSets(spec, codeOf(context)), criteria: [] };
  if (when !== undefined) {
    const whenParts = spec.whenParts;
    weighedRule.when = { value: when, parts: whenParts, values: whenParts?.values(context), key: spec.whenKey };
  }
  const criteria = rule.criteria;
  const weighedCriteria: WeighedCriterion[] = [];
  for (let i = 0; i < criteria.length; i++) {
    const { plan, condition, values: shown } = criteria[i]!;
    const criterion = plan.spec;
    const parts = criterion.parts;
    // Every criterion is weighed by its parts, with the trace or without: those not worked out yet
    // (all but those the trace shows) are worked out here, for a condition that is unknown
    // (relevance reads no part of a known one), after the reads are recorded, so that the trace
    // lists only the condition's own reads. An item that does not pend needs no parts.
    const values = shown ?? (parts !== undefined && condition instanceof Unknown ? parts.values(context) : undefined);
    weighedCriteria.push({
      id: criterion.id,
      level: plan.level,
      metWhenTrue: criterion.effect === "require" || criterion.effect === "waive",
      fixed: criterion.effect === "approve" ? true : criterion.condition === undefined ? false : undefined,
      condition,
      parts: values === undefined ? undefined : parts,
      values: parts === undefined ? undefined : values,
      key: criterion.key,
      waivedBy: criterion.waiver === undefined ? undefined : criterion.waivedBy,
    });
  }
  weighedRule.criteria = weighedCriteria;
  return weighedRule;
}

/**
 * Every missing fact a pended item's unknown criteria wait for, each with the criteria (and rules)
 * that need it: what the item asks for when `neededFacts` cannot narrow it down.
 */
function missingDocumentation(rules: readonly EvaluatedRule[]): MissingDocumentation[] {
  const needed = new NeededFacts();
  for (const rule of rules) {
    if (rule.applies instanceof Unknown) needed.add(rule.applies.missing, rule.spec.id);
    for (const criterion of rule.criteria)
      if (criterion.unknown !== undefined && criterion.plan.level >= 0) needed.add(criterion.unknown.missing, criterion.plan.spec.id);
  }
  return needed.list();
}

function reasonsOf(rules: readonly EvaluatedRule[], pending: boolean): Reason[] {
  const reasons: Reason[] = [];
  for (const rule of rules) {
    for (const { plan: { spec, level }, status } of rule.criteria) {
      if (status !== "not_met" || level < 0) continue;
      const reason: Reason = { rule: rule.spec.id, criterion: spec.id, effect: spec.effect, citation: spec.citation, description: spec.description };
      if (pending) reason.pending = true;
      reasons.push(reason);
    }
  }
  return reasons;
}

/** The notes that apply (not_met) in rules that apply: unknown notes are not shown. */
function notesOf(rules: readonly EvaluatedRule[]): Note[] {
  const notes: Note[] = [];
  for (const rule of rules) {
    for (const { plan: { spec }, status } of rule.criteria) {
      if (spec.effect !== "note" || status !== "not_met") continue;
      notes.push({ rule: rule.spec.id, criterion: spec.id, citation: spec.citation, description: spec.description });
    }
  }
  return notes;
}

function traceOf(rules: readonly EvaluatedRule[], shared: Shared | undefined): CriterionTrace[] {
  const trace: CriterionTrace[] = [];
  // Most entries miss nothing and show nothing: they all list one empty list, the determination's
  // in a case of several line items.
  const none = shared?.none ?? [];
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    const criteria = rule.criteria;
    for (let i = 0; i < criteria.length; i++) {
      const { plan, status, unknown, facts, factsTruncated, values } = criteria[i]!;
      const spec = plan.spec;
      const missing = unknown === undefined || unknown.missing.length === 0 ? none : unknown.missing.slice();
      let shown = plan.shows !== undefined && values !== undefined ? computedValues(plan.shows, values) : none;
      if (shared !== undefined && shown !== none) shown = shared.shownAgain(plan, shown);
      if (shared !== undefined && missing === none) {
        // The entry the criterion had for the previous item, when this one would say the same.
        const previous = shared.entries.get(plan);
        if (
          previous !== undefined &&
          previous.status === status &&
          previous.facts === facts &&
          previous.values === shown &&
          (previous.factsTruncated === true) === factsTruncated
        ) {
          trace.push(previous);
          continue;
        }
        const entry = traceEntry(rule.spec.id, spec, status, facts, factsTruncated, missing, shown);
        shared.entries.set(plan, entry);
        trace.push(entry);
        continue;
      }
      trace.push(traceEntry(rule.spec.id, spec, status, facts, factsTruncated, missing, shown));
    }
  }
  return trace;
}

/**
 * A criterion's trace entry, its properties in the order the JSON lists them. Each combination of
 * the optional ones is written out whole, so that every entry is made at its full size at once.
 */
function traceEntry(
  rule: string,
  spec: CriterionSpec,
  status: Status,
  facts: Fact[],
  factsTruncated: boolean,
  missing: Missing[],
  values: ComputedValue[],
): CriterionTrace {
  const { id: criterion, effect, citation, description, line, waivedBy } = spec;
  if (waivedBy === undefined) {
    return factsTruncated
      ? { rule, criterion, effect, citation, description, line, status, facts, factsTruncated, missing, values }
      : { rule, criterion, effect, citation, description, line, status, facts, missing, values };
  }
  return factsTruncated
    ? { rule, criterion, effect, citation, description, line, status, waivedBy, facts, factsTruncated, missing, values }
    : { rule, criterion, effect, citation, description, line, status, waivedBy, facts, missing, values };
}

/** An item's code as reported: itself when valid; anything a case that skipped validation holds
 *  instead as `String` shows it, or as `[object Object]` for an object `String` cannot convert. */
function codeText(code: unknown): string {
  try {
    return String(code);
  } catch {
    return Object.prototype.toString.call(code);
  }
}

function determineItem(
  context: Context,
  policy: PolicyInfo,
  plan: EvaluatePlan,
  index: number,
  options: EvaluateOptions | undefined,
  shared: Shared | undefined,
): ItemDetermination {
  context.beginItem(index);
  const code = codeText(context.item.code);
  const dos = context.dos;
  if (!isValidDate(dos)) {
    // A case that skipped validation without a valid date of service: nothing can be decided.
    return undecided(index, code, "pended", [], [{ fact: "date_of_service", label: "date of service", criteria: [] }]);
  }
  if (!inEffect(policy, dos, options)) return undecided(index, code, "policy_not_in_effect", [], []);
  const rules = plan.rules;
  const applications: RuleApplication[] = [];
  // Each rule's applicability (false: it does not apply), in the context's working space.
  const applying = context.scratch as Tri[];
  let relevant = 0;
  const itemCode = codeOf(context);
  // The rules' code sets answer for a code as written once, in the table `decideTrusted` keeps.
  const inSets = typeof itemCode === "string" ? plan.codes.inSets(itemCode) : undefined;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!.spec;
    const applies = inSets === undefined ? ruleApplies(context, rule, itemCode) : inSets[r] === 0 ? false : whenHolds(context, rule);
    applying[r] = applies;
    const status = statusOf(applies);
    applications.push(
      shared === undefined ? { rule: rule.id, title: rule.title, citation: rule.citation, applies: status } : shared.application(rule, status),
    );
    if (status !== "not_met") relevant++;
  }
  if (relevant === 0) return undecided(index, code, "no_applicable_policy", applications, []);
  if (!context.tracing) return untracedItem(context, rules, applying, index, code, applications);
  const definite: EvaluatedRule[] = [];
  const evaluated: EvaluatedRule[] = [];
  for (let r = 0; r < rules.length; r++) {
    const applies = applying[r]!;
    if (applies === false) continue;
    const rule = evaluateRule(context, rules[r]!, applies);
    evaluated.push(rule);
    if (applies === true) definite.push(rule);
  }
  return assembled(context, index, code, applications, definite, evaluated, shared);
}

/** `ruleApplies` for a rule whose code sets hold the item's code: Kleene `and` of true and `when`. */
function whenHolds(context: Context, rule: RuleSpec): Tri {
  if (rule.when === undefined) return true;
  const holds = rule.when(context);
  return holds === true || holds instanceof Unknown ? holds : false;
}

/** An item's determination from its evaluated rules: those that apply (`definite`) and those that apply or may (`relevant`). */
function assembled(
  context: Context,
  index: number,
  code: string,
  applications: RuleApplication[],
  definite: readonly EvaluatedRule[],
  relevant: readonly EvaluatedRule[],
  shared: Shared | undefined,
): ItemDetermination {
  // Decided only when the rules that may apply cannot change what the rules that do apply say.
  const certain = outcomeOf(definite);
  const possible = outcomeOf(relevant);
  const outcome: Outcome = certain === possible && certain !== "pended" ? certain : "pended";
  return {
    index,
    code,
    outcome,
    rules: applications,
    reasons: outcome === "pended" ? reasonsOf(relevant, true) : reasonsOf(definite, false),
    missing: outcome === "pended" ? (neededFacts(relevant.map((rule) => weighed(context, rule))) ?? missingDocumentation(relevant)) : [],
    notes: notesOf(definite),
    trace: context.tracing ? traceOf(relevant, shared) : [],
  };
}

/**
 * An item's determination without the trace: what `assembled` gives, with no object per rule or
 * criterion. Each criterion's status, condition and unknown go into three slots of the context's
 * working space after the rules' applicability (`RulePlan.first`), and the outcome is worked out
 * as they come. A pended item (rare) is then assembled from those slots as with the trace, since
 * what it asks for weighs every criterion; any other gets its reasons and notes in one pass over
 * the rules that apply, and misses nothing.
 */
function untracedItem(
  context: Context,
  rules: readonly RulePlan[],
  applying: Tri[],
  index: number,
  code: string,
  applications: RuleApplication[],
): ItemDetermination {
  const slots = context.scratch;
  // The strongest level with a criterion not met, and with one unknown: of the rules that apply
  // (`certain`'s) and of those that apply or may (`possible`'s).
  const none: number = LEVEL_OUTCOMES.length;
  let notMet = none;
  let unknownAt = none;
  let notMetIfAny = none;
  let unknownIfAny = none;
  let definite = 0;
  for (let r = 0; r < rules.length; r++) {
    const applies = applying[r]!;
    if (applies === false) continue;
    if (applies === true) definite++;
    const { criteria, first } = rules[r]!;
    for (let i = 0; i < criteria.length; i++) {
      const { spec, level } = criteria[i]!;
      const condition = conditionOf(context, spec);
      let status = criterionStatus(spec.effect, condition);
      let unknown = condition instanceof Unknown ? condition : undefined;
      if (spec.waiver !== undefined) ({ status, unknown } = waived(spec, context, condition, status));
      const at = first + 3 * i;
      slots[at] = status;
      slots[at + 1] = condition;
      slots[at + 2] = unknown;
      if (level < 0) continue;
      if (status === "not_met") {
        if (level < notMetIfAny) notMetIfAny = level;
        if (applies === true && level < notMet) notMet = level;
      } else if (status === "unknown") {
        if (level < unknownIfAny) unknownIfAny = level;
        if (applies === true && level < unknownAt) unknownAt = level;
      }
    }
  }
  // `outcomeOf` of the rules that apply and of those that apply or may (of which there are some).
  const outcomes: readonly Outcome[] = LEVEL_OUTCOMES;
  const certain = definite === 0 ? "no_applicable_policy" : unknownAt < notMet ? "pended" : (outcomes[notMet] ?? "approved");
  const possible = unknownIfAny < notMetIfAny ? "pended" : (outcomes[notMetIfAny] ?? "approved");
  if (certain !== possible || certain === "pended") return pendedItem(context, rules, applying, index, code, applications);
  const reasons: Reason[] = [];
  const notes: Note[] = [];
  for (let r = 0; r < rules.length; r++) {
    if (applying[r] !== true) continue;
    const { spec: rule, criteria, first } = rules[r]!;
    for (let i = 0; i < criteria.length; i++) {
      if (slots[first + 3 * i] !== "not_met") continue;
      const { spec, level } = criteria[i]!;
      if (level >= 0) reasons.push({ rule: rule.id, criterion: spec.id, effect: spec.effect, citation: spec.citation, description: spec.description });
      else if (spec.effect === "note") notes.push({ rule: rule.id, criterion: spec.id, citation: spec.citation, description: spec.description });
    }
  }
  return { index, code, outcome: certain, rules: applications, reasons, missing: [], notes, trace: [] };
}

/** A pended item's determination without the trace, from the slots `untracedItem` filled. */
function pendedItem(
  context: Context,
  rules: readonly RulePlan[],
  applying: readonly Tri[],
  index: number,
  code: string,
  applications: RuleApplication[],
): ItemDetermination {
  const slots = context.scratch;
  const definite: EvaluatedRule[] = [];
  const relevant: EvaluatedRule[] = [];
  for (let r = 0; r < rules.length; r++) {
    const applies = applying[r]!;
    if (applies === false) continue;
    const { spec, criteria: plans, first } = rules[r]!;
    const criteria: EvaluatedCriterion[] = [];
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]!;
      const at = first + 3 * i;
      const status = slots[at] as Status;
      const condition = slots[at + 1] as Tri | undefined;
      const unknown = slots[at + 2] as Unknown | undefined;
      // The parts of an unknown condition are worked out by `weighed`, as with the trace.
      criteria.push({ plan, condition, status, unknown, facts: NO_FACTS, factsTruncated: false, values: undefined });
    }
    const rule = { spec, applies, criteria };
    relevant.push(rule);
    if (applies === true) definite.push(rule);
  }
  return assembled(context, index, code, applications, definite, relevant, undefined);
}

/**
 * What the line items of one determination share instead of each making its own: the empty list
 * of a trace entry that misses nothing or shows no value, a criterion's trace entry when it says
 * the same as for the previous item, and each rule's application as each status (every item lists
 * every rule). A determination is read, not edited (docs/semantics.md);
 * sharing keeps the one of a case of many line items small, which the garbage collector traces
 * again and again while it grows.
 */
class Shared {
  readonly none: never[] = [];
  /** Per criterion, its last trace entry that misses nothing: the next item's is that one when it
   *  has the same status, facts (the same array: see `CaseFacts.listed`) and values (`shownAgain`). */
  readonly entries = new Map<CriterionPlan, CriterionTrace>();
  /** Per criterion, the values its trace showed last (see `shownAgain`). */
  private readonly shown = new Map<CriterionPlan, ComputedValue[]>();

  /**
   * `shown`, or the array the criterion showed for the previous item when that says the same:
   * most criteria over the history show the same values item after item, and a determination of
   * thousands of items that keeps one array for them keeps less for the garbage collector to
   * copy and mark as it grows.
   */
  shownAgain(plan: CriterionPlan, shown: ComputedValue[]): ComputedValue[] {
    const previous = this.shown.get(plan);
    if (previous !== undefined && sameComputedValues(previous, shown)) return previous;
    this.shown.set(plan, shown);
    return shown;
  }
  /** Per rule, its application as met, not met and unknown. */
  private readonly applications = new Map<RuleSpec, (RuleApplication | undefined)[]>();

  application(rule: RuleSpec, applies: Status): RuleApplication {
    const byStatus = this.applications;
    let made = byStatus.get(rule);
    if (made === undefined) byStatus.set(rule, (made = [undefined, undefined, undefined]));
    const at = applies === "met" ? 0 : applies === "not_met" ? 1 : 2;
    return (made[at] ??= { rule: rule.id, title: rule.title, citation: rule.citation, applies });
  }
}

/** Whether two lists of computed values say the same, property by property (`computedValues`
 *  sets each in one order, and an optional one only to a value that is never undefined). */
function sameComputedValues(a: readonly ComputedValue[], b: readonly ComputedValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.expression !== y.expression ||
      !sameShownValue(x.value, y.value) ||
      x.operator !== y.operator ||
      x.threshold !== y.threshold ||
      x.holds !== y.holds ||
      x.from !== y.from ||
      x.to !== y.to ||
      x.unit !== y.unit ||
      !sameShownValue(x.thresholdValue, y.thresholdValue) ||
      x.required !== y.required
    ) {
      return false;
    }
  }
  return true;
}

/** Whether two shown values are the same: equal primitives, ranges or lists of missing facts. */
function sameShownValue(a: ShownValue | undefined, b: ShownValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if ("missing" in a || "missing" in b) {
    if (!("missing" in a && "missing" in b) || a.missing.length !== b.missing.length) return false;
    return a.missing.every((fact, i) => fact === b.missing[i]);
  }
  return a.min === b.min && a.max === b.max;
}

/** The determination of an item no criterion decided: no reasons, notes or trace. */
function undecided(index: number, code: string, outcome: Outcome, rules: RuleApplication[], missing: MissingDocumentation[]): ItemDetermination {
  return { index, code, rules, reasons: [], missing, notes: [], trace: [], outcome };
}

/**
 * The decision procedure, shared by interpreter and compiled evaluators (docs/language.md,
 * "Outcomes"). `input` should be a case that passed `validateCase`. One that skipped it is still
 * never approved on a malformed fact: a date that is no calendar date or a number that is not
 * finite reads as unknown (see `field`), and an invalid date of service pends every item.
 */
export function determine(
  policy: PolicyInfo,
  schema: SchemaDescriptor,
  rules: readonly RuleSpec[],
  input: Record<string, unknown>,
  options?: EvaluateOptions,
): Determination {
  return determineWith(new Context(schema, input, options?.trace !== false), policy, rules, options);
}

function determineWith(
  context: Context,
  policy: PolicyInfo,
  rules: readonly RuleSpec[],
  options: EvaluateOptions | undefined,
  plan: EvaluatePlan = evaluatePlan(rules),
): Determination {
  const count = context.items.length;
  const items: ItemDetermination[] = [];
  // Only a case of several line items shares parts: for one, a table here made every decision of
  // the corpus measurably slower.
  const shared = count > 1 ? new Shared() : undefined;
  for (let index = 0; index < count; index++) {
    const item = determineItem(context, policy, plan, index, options, shared);
    items.push(item);
    // Line order within a request: the lines after this one see what it came to (`earlier_items`);
    // after the last, none.
    if (index < count - 1) context.decided.push({ outcome: item.outcome, missing: item.missing.map(({ fact, label }) => ({ fact, label })) });
  }
  // A date of service that is not a string (a case that skipped validation) is the caller's object.
  const dos = context.dos;
  return { policy, dateOfService: typeof dos === "string" ? dos : (fixedValue(dos) as IsoDate), items };
}

/**
 * The outcome of every line item, in order: exactly `determine(...).items.map((i) => i.outcome)`,
 * without reasons, missing documentation, trace or rule applications, and stopping at the first
 * criterion that settles the outcome. `input` should be a valid case (see `determine`).
 */
export function decideOutcomes(
  policy: PolicyInfo,
  schema: SchemaDescriptor,
  rules: readonly RuleSpec[],
  input: Record<string, unknown>,
  options?: DecideOptions,
): Outcome[] {
  const context = new Context(schema, input, false);
  context.outcomeOnly = true;
  return decideWith(context, policy, rules, options);
}

function decideWith(
  context: Context,
  policy: PolicyInfo,
  rules: readonly RuleSpec[],
  options: DecideOptions | undefined,
  plan: DecidePlan = decidePlan(rules),
): Outcome[] {
  const count = context.items.length;
  // The date of service is the case's: whether it is valid and in effect is the same for every item.
  const dos = context.dos;
  const settled: Outcome | undefined = !isValidDate(dos) ? "pended" : !inEffect(policy, dos, options) ? "policy_not_in_effect" : undefined;
  // The usual request, one line item, gets an array of exactly one element; others one sized once.
  if (count === 1) return [settled ?? decideItem(context, rules, 0, plan)];
  const outcomes = new Array<Outcome>(count);
  for (let index = 0; index < count; index++) {
    const outcome = settled ?? decideItem(context, rules, index, plan);
    outcomes[index] = outcome;
    // Only whether an earlier line is pended matters to the lines after it, not for what.
    context.decided.push({ outcome, missing: [] });
  }
  return outcomes;
}

/**
 * The contexts of one policy's entry points, one per kind of evaluation, reused from case to case
 * so that a decision allocates no context of its own. An evaluation that starts while another is
 * under way (one cannot, unless a caller re-enters from inside an evaluation) gets a fresh one.
 */
class Contexts {
  private readonly idle: (Context | undefined)[] = [undefined, undefined, undefined];

  constructor(private readonly schema: SchemaDescriptor) {}

  /** A context for `input`, taken from the idle ones: give it back with `release`. */
  take(input: Record<string, unknown>, kind: EvaluationKind): Context {
    let context = this.idle[kind];
    if (context === undefined) {
      context = new Context(this.schema, input, kind === EvaluationKind.Trace);
      context.outcomeOnly = kind === EvaluationKind.Outcomes;
      context.scans = new Scans();
      return context;
    }
    this.idle[kind] = undefined;
    // `release` let go of its last case.
    context.startCase(input);
    return context;
  }

  release(context: Context, kind: EvaluationKind): void {
    context.endCase();
    this.idle[kind] = context;
  }
}

/** What an evaluation produces: outcomes only, a determination, a determination with its trace. */
const enum EvaluationKind {
  Outcomes = 0,
  Determination = 1,
  Trace = 2,
}

/**
 * `determineItem`'s outcome, short-circuited, for an item whose date of service is valid and in
 * effect. determineItem takes `certain` = outcomeOf(rules that apply) and `possible` =
 * outcomeOf(rules that apply or may apply), and pends unless they agree. Walking the levels
 * strongest first, at each level: a not_met criterion of an applying rule gives that level's
 * outcome to both; otherwise an unknown one pends `certain`; otherwise any criterion of a possibly
 * applying rule that is not met decides `possible` at this level while `certain` goes on to a
 * different outcome: pended either way. With no applying rule at all, `certain` is
 * "no_applicable_policy", which `possible` never is: pended. Within a level none of this depends
 * on the order the criteria are tried in, so the plan tries the cheapest first, whatever their rule.
 */
function decideItem(context: Context, rules: readonly RuleSpec[], index: number, plan: DecidePlan): Outcome {
  context.beginItem(index);
  // Each rule's applicability, as a number (see `Applies`), in the context's working space.
  const applies = context.scratch as Applies[];
  let definite = 0;
  let possible = 0;
  const code = codeOf(context);
  // The rules' code sets answer for a code as written once, in a table shared by every case.
  const inSets = typeof code === "string" ? plan.inSets(code) : undefined;
  // Which rules apply for sure, one bit each (when the table has few enough rules to fit).
  let applying = 0;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    const when = rule.when;
    // `ruleApplies`, with the code sets' answer looked up: Kleene `and` of it and `when`.
    let inSet: Tri;
    if (inSets !== undefined) {
      if (inSets[r] === 0) {
        applies[r] = Applies.No;
        continue;
      }
      inSet = true;
    } else {
      inSet = inRuleSets(rule, code);
      if (inSet === false) {
        applies[r] = Applies.No;
        continue;
      }
    }
    const holds = when === undefined ? true : when(context);
    if (holds === true) {
      if (inSet === true) {
        applies[r] = Applies.Yes;
        applying |= 1 << r;
        definite++;
        continue;
      }
    } else if (!(holds instanceof Unknown)) {
      applies[r] = Applies.No;
      continue;
    }
    applies[r] = Applies.Maybe;
    possible++;
  }
  if (definite === 0) return possible === 0 ? "no_applicable_policy" : "pended";
  if (possible === 0 && plan.bitwise) return decideApplying(context, plan.levelsOf(applying));
  const levels = plan.levels;
  for (let l = 0; l < levels.length; l++) {
    const criteria = levels[l]!.criteria;
    let unknown = false;
    for (let i = 0; i < criteria.length; i++) {
      const criterion = criteria[i]!;
      if (applies[criterion.rule] !== Applies.Yes) continue;
      const verdict = verdictOf(context, criterion);
      if (verdict === Verdict.NotMet) return LEVEL_OUTCOMES[levels[l]!.level]!;
      if (verdict === Verdict.Unknown) unknown = true;
    }
    if (unknown) return "pended";
    if (possible === 0) continue;
    for (let i = 0; i < criteria.length; i++) {
      const criterion = criteria[i]!;
      if (applies[criterion.rule] === Applies.Maybe && verdictOf(context, criterion) !== Verdict.Met) return "pended";
    }
  }
  return "approved";
}

/**
 * `decideItem`'s walk when every rule applies or does not (none may): the levels' criteria of the
 * applying rules only, in the plan's order, so the walk tests no rule's applicability per criterion.
 */
function decideApplying(context: Context, levels: readonly LevelCriteria[]): Outcome {
  for (let l = 0; l < levels.length; l++) {
    const criteria = levels[l]!.criteria;
    let unknown = false;
    for (let i = 0; i < criteria.length; i++) {
      const verdict = verdictOf(context, criteria[i]!);
      if (verdict === Verdict.NotMet) return LEVEL_OUTCOMES[levels[l]!.level]!;
      if (verdict === Verdict.Unknown) unknown = true;
    }
    if (unknown) return "pended";
  }
  return "approved";
}

/** Whether a rule applies to the item under decision, as `decideItem` keeps it. */
const enum Applies {
  No = 0,
  Yes = 1,
  /** Unknown: it may apply. */
  Maybe = 2,
}

/** The criteria of one level of LEVEL_OUTCOMES, of every rule that has some at that level. */
interface LevelCriteria {
  readonly level: number;
  /** Cheapest first; of one cost, in the rule table's order. */
  readonly criteria: readonly Decisive[];
}

/** `effectiveStatus` as `decideItem` needs it: met (or waived), not met, or unknown. */
const enum Verdict {
  Met = 0,
  NotMet = 1,
  Unknown = 2,
}

/** How a criterion's condition gives its status (`criterionStatus`). */
const enum Reading {
  /** `approve`: always met. */
  Always = 0,
  /** `require`: met when the condition holds. */
  MetWhenTrue = 1,
  /** An exclusion or administrative criterion: met when its condition does not hold; never met without one. */
  MetWhenFalse = 2,
}

/** A criterion of a level, as `decideItem` tests it: `effectiveStatus` worked out in numbers. */
interface Decisive {
  /** Its rule's index in the rule table. */
  readonly rule: number;
  readonly reading: Reading;
  readonly condition: ((context: Context) => Tri) | undefined;
  readonly waiver: ((context: Context) => Tri) | undefined;
}

/** `effectiveStatus(context, criterion)`, waived counting as met; see `criterionStatus` and `waived`. */
function verdictOf(context: Context, criterion: Decisive): Verdict {
  const reading = criterion.reading;
  if (reading === Reading.Always) return Verdict.Met;
  const condition = criterion.condition === undefined ? undefined : criterion.condition(context);
  // The usual answers first: a requirement that holds, an exclusion that does not.
  let verdict: Verdict;
  if (reading === Reading.MetWhenTrue) {
    if (condition === true) return Verdict.Met;
    verdict = condition instanceof Unknown ? Verdict.Unknown : Verdict.NotMet;
  } else {
    if (condition === false) return Verdict.Met;
    verdict = condition === undefined || condition === true ? Verdict.NotMet : condition instanceof Unknown ? Verdict.Unknown : Verdict.Met;
    if (verdict === Verdict.Met) return verdict;
  }
  if (criterion.waiver === undefined) return verdict;
  // A waiver that holds waives it; one that is unknown leaves it unknown, waiting for both.
  const waiver = criterion.waiver(context);
  return waiver === true ? Verdict.Met : waiver === false ? verdict : Verdict.Unknown;
}

/** What `decideItem` works from, built once per rule table. */
class DecidePlan {
  /** The levels that have criteria, strongest first, each with its criteria (notes and waivers
   *  are in none): an item walks only these. */
  readonly levels: readonly LevelCriteria[];
  /** Per code as written, whether it is in each rule's code sets (1) or not (0). */
  private readonly answers = new Map<string, Uint8Array>();
  private lastCode: string | undefined;
  private lastAnswers: Uint8Array | undefined;
  /** Whether the rules' applicability fits in the bits of one number (see `levelsOf`). */
  readonly bitwise: boolean;
  /** Per set of applying rules (one bit each), the levels' criteria of those rules only. */
  private readonly applyingLevels = new Map<number, readonly LevelCriteria[]>();
  private lastApplying = -1;
  private lastLevels: readonly LevelCriteria[] = [];

  constructor(private readonly rules: readonly RuleSpec[]) {
    // Within a level any criterion not met decides, and otherwise any unknown pends: the order
    // does not change the outcome, so the cheapest go first, of every rule (a stable sort keeps
    // the rule table's order among equals).
    const levels: LevelCriteria[] = [];
    for (let level = 0; level < LEVEL_OUTCOMES.length; level++) {
      const criteria: { cost: number; decisive: Decisive }[] = [];
      rules.forEach((rule, r) => {
        for (const criterion of rule.criteria) {
          if (levelOf(criterion.effect) === level) criteria.push({ cost: criterion.cost ?? 0, decisive: decisive(criterion, r) });
        }
      });
      if (criteria.length === 0) continue;
      criteria.sort((a, b) => a.cost - b.cost);
      levels.push({ level, criteria: criteria.map((entry) => entry.decisive) });
    }
    this.levels = levels;
    this.bitwise = rules.length <= 31;
  }

  /**
   * The levels' criteria of the rules in `applying` (bit r: rule r applies), each level in the
   * plan's order, levels left without one left out. Items come in runs of the same rules: the last
   * set asked is answered without a lookup; the table is bounded like the code sets' answers.
   */
  levelsOf(applying: number): readonly LevelCriteria[] {
    if (applying === this.lastApplying) return this.lastLevels;
    let levels = this.applyingLevels.get(applying);
    if (levels === undefined) {
      const own: LevelCriteria[] = [];
      for (const { level, criteria } of this.levels) {
        const applied = criteria.filter((criterion) => (applying & (1 << criterion.rule)) !== 0);
        if (applied.length > 0) own.push({ level, criteria: applied });
      }
      levels = own;
      if (this.applyingLevels.size < MAX_CODES) this.applyingLevels.set(applying, levels);
    }
    this.lastApplying = applying;
    this.lastLevels = levels;
    return levels;
  }

  /** Whether `code` is in each rule's code sets (`inRuleSets`, always true or false for a string). */
  inSets(code: string): Uint8Array {
    // Requests come in runs of the same codes: the last one asked is answered without a lookup.
    if (code === this.lastCode) return this.lastAnswers!;
    let answers = this.answers.get(code);
    if (answers === undefined) {
      answers = new Uint8Array(this.rules.length);
      for (let r = 0; r < this.rules.length; r++) answers[r] = inRuleSets(this.rules[r]!, code) === true ? 1 : 0;
      // Bounded, so hostile input cannot grow it: past the bound, answers are worked out each time.
      if (this.answers.size < MAX_CODES) this.answers.set(code, answers);
    }
    this.lastCode = code;
    this.lastAnswers = answers;
    return answers;
  }
}

function decisive(criterion: CriterionSpec, rule: number): Decisive {
  const reading = criterion.effect === "approve" ? Reading.Always : criterion.effect === "require" ? Reading.MetWhenTrue : Reading.MetWhenFalse;
  return { rule, reading, condition: criterion.condition, waiver: criterion.waiver };
}

const MAX_CODES = 4096;

const decidePlans = new WeakMap<readonly RuleSpec[], DecidePlan>();

function decidePlan(rules: readonly RuleSpec[]): DecidePlan {
  let plan = decidePlans.get(rules);
  if (plan === undefined) decidePlans.set(rules, (plan = new DecidePlan(rules)));
  return plan;
}

/** What `evaluate` gives for untrusted JSON: the determination, or every validation error. */
export type Evaluation = { ok: true; determination: Determination } | { ok: false; errors: CaseError[] };

/** What `decide` gives for untrusted JSON: the outcomes, or every validation error. */
export type Decision = { ok: true; outcomes: Outcome[] } | { ok: false; errors: CaseError[] };

/** A compiled policy's entry points, typed by its case. */
export interface Evaluators<C> {
  /** Check untrusted JSON against the policy's schema: the case, or every error with its JSON path. */
  validate(json: unknown, options?: ValidateOptions): Validation<C>;
  /** Validate untrusted JSON, then determine every line item: what a service should call. */
  evaluate(json: unknown, options?: EvaluateOptions): Evaluation;
  /** Validate untrusted JSON, then decide every line item's outcome only. */
  decide(json: unknown, options?: DecideOptions): Decision;
  /** The determination of a case that has already passed `validate`: it trusts its input. */
  evaluateTrusted(input: C, options?: EvaluateOptions): Determination;
  /** The outcomes of a case that has already passed `validate`, stopping at the first deciding criterion. */
  decideTrusted(input: C, options?: DecideOptions): Outcome[];
}

/** The entry points of a compiled policy over its schema and rule table. */
export function evaluators<C extends object>(policy: PolicyInfo, schema: SchemaDescriptor, rules: readonly RuleSpec[]): Evaluators<C> {
  const validate = (json: unknown, options?: ValidateOptions) => validateCase(json, schema, options) as Validation<C>;
  const contexts = new Contexts(schema);
  // Built on the first determination, then held here: no lookup of it per case.
  let evaluation: EvaluatePlan | undefined;
  const evaluateTrusted = (input: C, options?: EvaluateOptions): Determination => {
    const kind = options?.trace !== false ? EvaluationKind.Trace : EvaluationKind.Determination;
    const context = contexts.take(input as Record<string, unknown>, kind);
    try {
      return determineWith(context, policy, rules, options, (evaluation ??= evaluatePlan(rules)));
    } finally {
      contexts.release(context, kind);
    }
  };
  // Built on the first decision, then held here: no lookup of it per case.
  let plan: DecidePlan | undefined;
  const decideTrusted = (input: C, options?: DecideOptions): Outcome[] => {
    const context = contexts.take(input as Record<string, unknown>, EvaluationKind.Outcomes);
    try {
      return decideWith(context, policy, rules, options, (plan ??= decidePlan(rules)));
    } finally {
      contexts.release(context, EvaluationKind.Outcomes);
    }
  };
  return {
    validate,
    evaluate(json, options) {
      const valid = validate(json, options);
      return valid.ok ? { ok: true, determination: evaluateTrusted(valid.value, options) } : valid;
    },
    decide(json, options) {
      const valid = validate(json, options);
      return valid.ok ? { ok: true, outcomes: decideTrusted(valid.value, options) } : valid;
    },
    evaluateTrusted,
    decideTrusted,
  };
}
