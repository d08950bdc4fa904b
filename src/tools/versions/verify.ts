// `pol verify POLICY`: properties of one policy, each decided by the solver over the bounded
// symbolic case (docs/versions.md): a rule that can never approve (POL5010), a criterion that can
// never fail once its rule applies (POL5011) or never be met (POL5012), two rules that apply to
// one item with conflicting outcomes (POL5013), a pend that no documentation can resolve
// (POL5014), and a `deny` that can fire while another rule approves the item (POL5015). A
// property that holds for some case comes with that case, evaluated by both evaluators first.

import type { CheckedPolicy, Diagnostic, Expr, LoweredPolicy, LoweredRule } from "../../index.js";
import { codeUniverse, runtimeSet } from "./codes.js";
import { confirmCase, type Confirmer, type ItemSummary } from "./confirm.js";
import { levelOf, OUTCOMES, PolicyEncoder, Unsupported, type Outcome } from "./encode.js";
import { limitText, unsupportedDiagnostic } from "./diagnostics.js";
import { itemCodeIn, symbolicCase, type SemanticOptions, type Version } from "./semantic.js";
import { loadZ3 } from "./solver.js";
import { intOf, type A, type B } from "./symbolic-case.js";

export interface VerifyFinding {
  diagnostic: Diagnostic;
  /** The case showing it, for properties some case exhibits. */
  case?: Record<string, unknown>;
  item?: ItemSummary;
}

export interface VerifyReport {
  policy: { id: string; version: string; source: string };
  findings: VerifyFinding[];
  /** Questions asked, and how many the solver could not decide in time. */
  queries: number;
  undecided: number;
  milliseconds: number;
}

function ruleCodes(policy: LoweredPolicy, rule: LoweredRule, universe: readonly string[]): string[] {
  const sets = rule.codeSets.map((index) => runtimeSet(policy.codeSets[index]!));
  return universe.filter((code) => sets.some((set) => set.has(code)));
}

function rulesSharing(policy: LoweredPolicy, codes: readonly string[]): LoweredRule[] {
  return policy.rules.filter((rule) => rule.codeSets.some((index) => codes.some((code) => runtimeSet(policy.codeSets[index]!).has(code))));
}

/**
 * One more than the largest number a `count` is compared with: "can never" answers about a
 * criterion are checked again with lists this long, so a count limit above the list bound cannot
 * make a criterion look dead.
 */
export function countCeiling(policy: LoweredPolicy): number {
  let ceiling = 0;
  // A count, or a sum of counts (`count a + count b >= 10` needs as many events too).
  const isCount = (expr: Expr): boolean =>
    (expr.kind === "aggregate" && (expr.operator === "count" || expr.operator === "countDistinct")) ||
    (expr.kind === "let" && isCount(policy.lets[expr.slot]!.body)) ||
    (expr.kind === "arithmetic" && expr.operator === "+" && (isCount(expr.left) || isCount(expr.right)));
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const expr = node as Expr;
    if (expr.kind === "compare") {
      for (const [a, b] of [[expr.left, expr.right], [expr.right, expr.left]] as const) {
        if (isCount(a) && b.kind === "literal" && typeof b.value === "number") ceiling = Math.max(ceiling, Math.floor(b.value) + 1);
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== "span") walk(value);
  };
  walk(policy.rules);
  walk(policy.lets);
  walk(policy.lists);
  return ceiling;
}

export async function verifyPolicy(checked: CheckedPolicy, options: SemanticOptions, confirmer: Confirmer): Promise<VerifyReport> {
  const started = Date.now();
  const { lower, diagnostic } = await import("../../index.js");
  const z3 = await loadZ3();
  const version: Version = { checked, lowered: lower(checked) };
  const policy = version.lowered;
  const universe = codeUniverse([policy]);
  const findings: VerifyFinding[] = [];
  let queries = 0;
  let undecided = 0;
  const unsupportedShown = new Set<string>();

  for (const rule of policy.rules) {
    const codes = ruleCodes(policy, rule, universe);
    if (codes.length === 0) continue;
    const sym = symbolicCase(z3, [version], options.bounds);
    const encoder = new PolicyEncoder(policy, sym);
    const others = rulesSharing(policy, codes).filter((other) => other !== rule);
    let encoded;
    let outcome: A;
    const alone = new Map<LoweredRule, A>();
    try {
      encoded = encoder.rule(rule);
      outcome = encoder.outcome(rulesSharing(policy, codes));
      for (const other of [rule, ...others]) alone.set(other, encoder.outcome([other]));
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      const key = `${error.span.file}:${error.span.start.offset}`;
      if (!unsupportedShown.has(key)) findings.push({ diagnostic: unsupportedDiagnostic(error, codes) });
      unsupportedShown.add(key);
      continue;
    }
    const base = [...sym.constraints, itemCodeIn(sym, codes)];
    // "Never" answers again with lists long enough for every count limit.
    const wide = { ...options.bounds, list: Math.max(options.bounds.list, countCeiling(policy)) };
    let wideEncoding: { constraints: B[]; encoded: ReturnType<PolicyEncoder["rule"]> } | undefined;
    const neverWithLongLists = async (question: (encoded: ReturnType<PolicyEncoder["rule"]>) => B[]): Promise<boolean> => {
      if (wide.list === options.bounds.list) return true;
      if (wideEncoding === undefined) {
        const wideSym = symbolicCase(z3, [version], wide);
        const wideEncoded = new PolicyEncoder(policy, wideSym).rule(rule);
        wideEncoding = { constraints: [...wideSym.constraints, itemCodeIn(wideSym, codes)], encoded: wideEncoded };
      }
      queries++;
      const wideSolver = new z3.Solver();
      wideSolver.set("timeout", options.timeout);
      wideSolver.add(...wideEncoding.constraints, ...question(wideEncoding.encoded));
      const answer = await wideSolver.check();
      wideSolver.release();
      if (answer === "unknown") undecided++;
      return answer === "unsat";
    };
    const id = (o: Outcome) => z3.Int.val(OUTCOMES.indexOf(o));
    // One solver per question: Z3 preprocesses a fresh problem far better than one asked under
    // assumptions.
    let solver = new z3.Solver();
    const ask = async (...question: B[]): Promise<"sat" | "unsat" | "unknown"> => {
      queries++;
      solver.release();
      solver = new z3.Solver();
      solver.set("timeout", options.timeout);
      solver.add(...base, ...question);
      const t0 = Date.now();
      const answer = await solver.check();
      if (process.env["POL_DEBUG_TIMES"]) console.error(`${rule.id} question ${queries}: ${answer} ${Date.now() - t0} ms`);
      if (answer === "unknown") {
        undecided++;
        if (!timedOut) {
          timedOut = true;
          const limit = limitText(options.timeout);
          findings.push({ diagnostic: diagnostic("POL5002", rule.span, { question: `a property of rule \`${rule.id}\``, limit }) });
        }
      }
      return answer;
    };
    let timedOut = false;
    const witness = async (make: () => Diagnostic): Promise<void> => {
      const model = solver.model();
      const json = sym.extract(model);
      const expected = OUTCOMES[intOf(model, outcome)] as Outcome;
      const [item] = await confirmCase(json, sym.itemIndex(model), [checked], [expected], confirmer);
      findings.push({ diagnostic: make(), case: json, item: item! });
    };
    const applies = encoded.applies.t;
    const statuses = rule.criteria.map((c, i) => ({ criterion: c, status: encoded.criteria[i]! }));
    // The criteria that can stand in the way (not notes or waivers), each with its waiver applied.
    const live = statuses.filter(({ criterion }) => levelOf(criterion.effect) >= 0);
    const unconditional = live.some(
      ({ criterion }) => criterion.effect !== "require" && criterion.effect !== "approve" && criterion.condition === undefined,
    );

    // POL5010: the rule can approve.
    const liveIndex = rule.criteria.map((c, i) => (levelOf(c.effect) < 0 ? -1 : i)).filter((i) => i >= 0);
    if (
      !unconditional &&
      (await ask(applies, ...live.map(({ status }) => status.met))) === "unsat" &&
      (await neverWithLongLists((e) => [e.applies.t, ...liveIndex.map((i) => e.criteria[i]!.met)]))
    ) {
      const inapplicable = (await ask(applies)) === "unsat";
      findings.push({ diagnostic: diagnostic("POL5010", rule.span, { rule: rule.id }, { help: inapplicable ? "inapplicable" : "never" }) });
    }
    // POL5011 and POL5012: each criterion (a waiver too) can fail, and can be met, while the rule applies.
    for (const { criterion, status } of statuses.filter(({ criterion }) => criterion.effect !== "note")) {
      if (criterion.condition === undefined) continue;
      const i = rule.criteria.indexOf(criterion);
      if ((await ask(applies, status.notMet)) === "unsat" && (await neverWithLongLists((e) => [e.applies.t, e.criteria[i]!.notMet]))) {
        findings.push({ diagnostic: diagnostic("POL5011", criterion.span, { criterion: criterion.id, rule: rule.id }) });
      }
      if ((await ask(applies, status.met)) === "unsat" && (await neverWithLongLists((e) => [e.applies.t, e.criteria[i]!.met]))) {
        findings.push({ diagnostic: diagnostic("POL5012", criterion.span, { criterion: criterion.id, rule: rule.id }) });
      }
    }
    // POL5014: a pend with every fact documented.
    const allKnown = sym.allKnown();
    if ((await ask(applies, allKnown, outcome.eq(id("pended")))) === "sat") {
      await witness(() => diagnostic("POL5014", rule.span, { rule: rule.id }));
    }
    // POL5013 and POL5015, against each later rule that shares codes with this one.
    const mine = alone.get(rule)!;
    for (const other of others) {
      const theirs = alone.get(other)!;
      const both = z3.And(applies, encoder.rule(other).applies.t);
      if (policy.rules.indexOf(other) > policy.rules.indexOf(rule)) {
        const excluded = (o: A) => z3.Or(o.eq(id("not_covered")), o.eq(id("not_separately_billable")));
        const conflict = z3.And(
          mine.neq(theirs),
          z3.Or(mine.eq(id("approved")), excluded(mine)),
          z3.Or(theirs.eq(id("approved")), excluded(theirs)),
        );
        if ((await ask(both, conflict)) === "sat") {
          const model = solver.model();
          const outcomes = `${OUTCOMES[intOf(model, mine)]} by \`${rule.id}\`, ${OUTCOMES[intOf(model, theirs)]} by \`${other.id}\``;
          await witness(() => diagnostic("POL5013", other.span, { first: rule.id, second: other.id, outcomes }));
        }
      }
      for (const { criterion, status } of live) {
        if (criterion.effect !== "deny") continue;
        if ((await ask(both, status.notMet, theirs.eq(id("approved")))) === "sat") {
          await witness(() => diagnostic("POL5015", criterion.span, { criterion: criterion.id, rule: rule.id, other: other.id }));
        }
      }
    }
    solver.release();
  }
  return {
    policy: { id: checked.metadata.id, version: checked.metadata.version, source: checked.metadata.source },
    findings,
    queries,
    undecided,
    milliseconds: Date.now() - started,
  };
}
