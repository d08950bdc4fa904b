// The semantic diff: for each class of line-item codes (codes every set of both versions treats
// alike), a minimal case whose item under decision gets different outcomes from the two
// versions, or the statement that none exists within the bounds. Each case the solver finds is
// evaluated by both versions' interpreter and compiled evaluator before it is reported (see
// confirm.ts): a disagreement is an error of pol, never a result.

import type { CheckedPolicy, Diagnostic, LoweredPolicy, LoweredRule } from "../../index.js";
import { canonicalRules } from "./canonical.js";
import { codeClasses, codeUniverse, runtimeSet, type CodeClass } from "./codes.js";
import { confirmCase, SolverDisagreement, type Confirmer, type ItemSummary } from "./confirm.js";
import { differsByEvaluation, pinned, shrink, type Differs } from "./minimise.js";
import { dayNumberOf, isoDateOf } from "./calendar.js";
import { OUTCOMES, PolicyEncoder, Unsupported, type Outcome } from "./encode.js";
import { incrementalSolver, loadZ3, type Z3 } from "./solver.js";
import type { Model, Solver } from "z3-solver";
import { intOf, serviceDates, SymbolicCase, type A, type B, type Bounds } from "./symbolic-case.js";
import { limitText, shortList, unsupportedDiagnostic } from "./diagnostics.js";

export interface Version {
  checked: CheckedPolicy;
  lowered: LoweredPolicy;
}

export interface SemanticOptions {
  bounds: Bounds;
  /** Per solver query, in milliseconds. */
  timeout: number;
  /** Z3's resource limit per query, besides the time limit: a query that runs out is undecided
   *  whatever the machine's load (the golden test of POL5002 sets it). */
  rlimit?: number;
  /** How long to look for a counterexample with fewer facts, in milliseconds, per code class. */
  minimizeBudget: number;
}

export type CodeFinding =
  | {
      kind: "difference";
      codes: string[];
      /** The counterexample: a valid case, only the facts that matter. */
      case: Record<string, unknown>;
      /** The index of its line item whose outcome differs. */
      item: number;
      facts: number;
      /** Whether the solver proved no smaller case exists (false when minimising ran out of time). */
      minimal: boolean;
      old: ItemSummary;
      new: ItemSummary;
      milliseconds: number;
    }
  /** `unchanged`: the rules for these codes mean the same in both versions, no solver needed. */
  | { kind: "same"; codes: string[]; milliseconds: number; unchanged?: boolean }
  | { kind: "unsupported"; codes: string[]; diagnostic: Diagnostic; milliseconds: number }
  | { kind: "timeout"; codes: string[]; diagnostic: Diagnostic; milliseconds: number };

export interface SemanticDiff {
  bounds: Bounds;
  findings: CodeFinding[];
  milliseconds: number;
}

/** The rules of a policy that may apply to an item whose code is `code`. */
export function rulesFor(policy: LoweredPolicy, code: string): LoweredRule[] {
  return policy.rules.filter((rule) => rule.codeSets.some((index) => runtimeSet(policy.codeSets[index]!).has(code)));
}

/** The shared setting of a query: one symbolic case, both versions encoded over it. */
export function symbolicCase(z3: Z3, versions: readonly Version[], bounds: Bounds): SymbolicCase {
  const sym = new SymbolicCase(z3, versions[0]!.lowered.schema, bounds, serviceDates(versions.map((v) => v.lowered.metadata)));
  sym.setCodes(codeUniverse(versions.map((v) => v.lowered)));
  return sym;
}

export function itemCodeIn(sym: SymbolicCase, codes: readonly string[]): B {
  const code = sym.item.field("code").value;
  return sym.z3.Or(...codes.map((c) => (code as ReturnType<typeof sym.z3.Int.const>).eq(sym.stringId(c))));
}

export async function semanticDiff(
  older: Version,
  newer: Version,
  options: SemanticOptions,
  confirmer: Confirmer,
): Promise<SemanticDiff> {
  const started = Date.now();
  const z3 = await loadZ3();
  const classes = codeClasses([older.lowered, newer.lowered], codeUniverse([older.lowered, newer.lowered]));
  const findings: CodeFinding[] = [];
  let shared: SharedEncoding | undefined;
  try {
    for (const codeClass of classes) {
      const compared = Date.now();
      if (sameRules(older, newer, codeClass)) {
        findings.push({ kind: "same", codes: codeClass.codes, milliseconds: Date.now() - compared, unchanged: true });
        continue;
      }
      if (shared === undefined) {
        // The compiled evaluators confirm each counterexample: build them while the solver works
        // (the solver runs on its own threads). A build that fails fails again, reported, when
        // the confirmation asks for it.
        for (const version of [older, newer]) confirmer.load(version.checked).catch(() => undefined);
        shared = new SharedEncoding(z3, older, newer, options);
      }
      findings.push(await diffClass(shared, codeClass, options, confirmer));
    }
  } finally {
    shared?.release();
  }
  return { bounds: options.bounds, findings, milliseconds: Date.now() - started };
}

/** Whether the rules that may apply to the class's codes mean the same in both versions. */
function sameRules(older: Version, newer: Version, codeClass: CodeClass): boolean {
  const [a, b] = [older, newer].map((v) => canonicalRules(v.lowered, rulesFor(v.lowered, codeClass.code)));
  return a === b;
}

/**
 * Both versions encoded once over one symbolic case, shared by the questions of every code class:
 * each version's encoder keeps the rules, lets and windows it has encoded, so a rule that applies
 * to several classes is encoded once, and one incremental solver holds the definitions. Each
 * class asks its question in a scope of its own (`push`/`pop`). Sharing is exact: everything the
 * encoders add to the solver's base is a definition (a named condition, a month decomposition) or
 * a range of a case variable that every question's bounds state anyway; none rules out a case.
 */
class SharedEncoding {
  readonly sym: SymbolicCase;
  readonly solver: Solver<"main">;
  private readonly encoders: [PolicyEncoder, PolicyEncoder];
  private asserted = 0;

  constructor(
    readonly z3: Z3,
    readonly older: Version,
    readonly newer: Version,
    options: SemanticOptions,
  ) {
    this.sym = symbolicCase(z3, [older, newer], options.bounds);
    this.encoders = [new PolicyEncoder(older.lowered, this.sym, "old"), new PolicyEncoder(newer.lowered, this.sym, "new")];
    this.solver = incrementalSolver(z3, options.timeout);
    if (options.rlimit !== undefined) this.solver.set("rlimit", options.rlimit);
  }

  /** The outcome of the item under decision in each version, for a code of the class. */
  outcomes(codeClass: CodeClass): [A, A] {
    const [old, neu] = this.encoders.map((encoder) => encoder.outcome(rulesFor(encoder.policy, codeClass.code)));
    return [old!, neu!];
  }

  /** Whether the versions' interpreters decide a case's item differently. */
  async differs(): Promise<Differs> {
    this.evaluated ??= await differsByEvaluation([this.older.checked, this.newer.checked]);
    return this.evaluated;
  }

  private evaluated: Differs | undefined;

  /** The date of service of the barest case: the later effective date, when there is one. */
  bareDate(): number {
    const { first, last } = this.sym.serviceDates;
    const effective = [this.older, this.newer].flatMap((v) => (v.lowered.metadata.effective === undefined ? [] : [dayNumberOf(v.lowered.metadata.effective)]));
    return Math.min(last, Math.max(first, ...effective));
  }

  /** Adds the definitions made since the last call to the solver's base. */
  sync(): void {
    const constraints = this.sym.constraints;
    if (this.asserted < constraints.length) this.solver.add(...constraints.slice(this.asserted));
    this.asserted = constraints.length;
  }

  release(): void {
    this.solver.release();
  }
}

async function diffClass(shared: SharedEncoding, codeClass: CodeClass, options: SemanticOptions, confirmer: Confirmer): Promise<CodeFinding> {
  const started = Date.now();
  const phase = phaseTimer(codeClass.code);
  const { older, newer, sym, solver } = shared;
  const codes = codeClass.codes;
  let outcomes;
  try {
    outcomes = shared.outcomes(codeClass);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return { kind: "unsupported", codes, diagnostic: unsupportedDiagnostic(error, codes), milliseconds: Date.now() - started };
  } finally {
    // What an encoding left unfinished defines only terms no question reads.
    shared.sync();
  }
  const [before, after] = outcomes;
  phase("encode");
  solver.set("timeout", options.timeout);
  solver.push();
  try {
    solver.add(itemCodeIn(sym, codes), before.neq(after));
    const bare = await barestDifference(shared, codeClass);
    phase(`barest case (${bare === undefined ? "alike" : "differs"})`);
    const answer = bare === undefined ? await solver.check() : "sat";
    if (bare === undefined) phase(`check (${answer})`);
    if (answer === "unsat") return { kind: "same", codes, milliseconds: Date.now() - started };
    if (answer === "unknown") {
      const { diagnostic } = await import("../../index.js");
      const rule = rulesFor(newer.lowered, codeClass.code)[0] ?? rulesFor(older.lowered, codeClass.code)[0]!;
      const question = `whether the versions decide ${codes.length === 1 ? "code" : "codes"} ${shortList(codes)} alike`;
      const limit = limitText(options.timeout);
      return { kind: "timeout", codes, diagnostic: diagnostic("POL5002", rule.span, { question, limit }), milliseconds: Date.now() - started };
    }
    return await counterexample(shared, codeClass, bare ?? solver.model(), [before, after], options, confirmer, started, phase);
  } finally {
    solver.pop();
  }
}

/**
 * A model of the barest case (the date of service and the item's code, no other fact) when the
 * versions' interpreters decide it differently, as they do for most codes one version's rules
 * reach and the other's do not (a code added to or removed from a set). The solver is then asked
 * only to work out that one case under the question, which takes it a fraction of the open
 * search. Undefined when the barest case is decided alike (or is not a valid case): the open
 * question decides. A case the evaluators decide differently and the encoding rules out is an
 * error of pol.
 */
async function barestDifference(shared: SharedEncoding, codeClass: CodeClass): Promise<Model<"main"> | undefined> {
  const { sym, solver } = shared;
  const dos = shared.bareDate();
  const json = { date_of_service: isoDateOf(dos), items: [{ code: codeClass.code }] };
  if (!(await shared.differs())(json, 0)) return undefined;
  solver.push();
  try {
    solver.add(...sym.bare(dos, codeClass.code));
    const answer = await solver.check();
    if (answer === "unsat") {
      throw new SolverDisagreement(`both versions' evaluators decide the case differently, but the solver's encoding rules it out\n${JSON.stringify(json)}`);
    }
    return answer === "sat" ? solver.model() : undefined;
  } finally {
    solver.pop();
  }
}

/**
 * The case of the solver's model made small and confirmed. Leave out every fact that does not
 * matter (by evaluation), have the solver work out what both encodings decide for that case,
 * then, within the budget, ask for a case with fewer facts still (minimise.ts).
 */
async function counterexample(
  shared: SharedEncoding,
  codeClass: CodeClass,
  found: Model<"main">,
  [before, after]: [A, A],
  options: SemanticOptions,
  confirmer: Confirmer,
  started: number,
  phase: (label: string) => void,
): Promise<CodeFinding> {
  const { older, newer, sym, solver } = shared;
  const deadline = Date.now() + options.minimizeBudget;
  const differs = await shared.differs();
  const size = sym.size();
  let model = found;
  let minimal = false;
  for (;;) {
    const shape = shrink(sym, model, differs);
    phase("shrink");
    const fixed = await pinned(solver, sym, model, shape);
    phase("pin");
    if (fixed === "unsat") {
      throw new SolverDisagreement(
        `both versions' evaluators accept the case and decide it differently, but the solver's encoding rules it out\n${JSON.stringify(sym.extract(model, shape))}`,
      );
    }
    if (fixed !== undefined) model = fixed;
    const facts = intOf(model, size);
    // The item's code is a fact of every valid case.
    if (facts <= 1) {
      minimal = true;
      break;
    }
    if (Date.now() >= deadline) break;
    solver.set("timeout", Math.max(100, Math.min(options.timeout, deadline - Date.now())));
    const smaller = await solver.check(size.lt(facts));
    solver.set("timeout", options.timeout);
    phase(`fewer facts (${smaller})`);
    if (smaller === "unsat") {
      minimal = true;
      break;
    }
    if (smaller !== "sat") break;
    model = solver.model();
  }
  const json = sym.extract(model);
  const expected = [before, after].map((term) => OUTCOMES[intOf(model, term)] as Outcome) as [Outcome, Outcome];
  const item = sym.itemIndex(model);
  const [old, neu] = await confirmCase(json, item, [older.checked, newer.checked], expected, confirmer);
  phase("confirm");
  return {
    kind: "difference",
    codes: codeClass.codes,
    case: json,
    item,
    facts: intOf(model, size),
    minimal,
    old: old!,
    new: neu!,
    milliseconds: Date.now() - started,
  };
}

/** With POL_DEBUG_TIMES set, each phase of a class's question with its wall-clock and CPU time
 *  (the process's, Z3's threads included) on standard error. */
function phaseTimer(code: string): (label: string) => void {
  if (!process.env["POL_DEBUG_TIMES"]) return () => undefined;
  let wall = Date.now();
  let cpu = process.cpuUsage();
  return (label) => {
    const used = process.cpuUsage(cpu);
    console.error(`${code} ${label}: ${Date.now() - wall} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU`);
    wall = Date.now();
    cpu = process.cpuUsage();
  };
}
