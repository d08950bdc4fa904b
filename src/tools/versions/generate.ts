// `pol test --generate POLICY`: a policy test file for the analyst to review. For every criterion,
// a case for each state it can reach (met, not met, unknown: the states `pol test` counts for
// coverage), and cases on, a step below and a step above every boundary its condition tests (a
// threshold, an elapsed time, a window's start and end), with the date of service at a month's
// end and on 29 February for the boundaries that are dates. The solver finds each case over the
// lowered form (encode.ts); every case is then evaluated by the interpreter and the compiled
// evaluator, which must agree, and a case meant to reach a state must reach it: the expected
// outcome, reasons and missing facts written to the file are the evaluators', never the solver's.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { CheckedPolicy, Diagnostic, ItemDetermination, LoweredPolicy, LoweredRule, Span } from "../../index.js";
import { AS_PROPOSED, SolverDisagreement, type Confirmer } from "./confirm.js";
import { codeUniverse, runtimeSet } from "./codes.js";
import { PolicyEncoder, Unsupported, type Probe, type StatusTerms } from "./encode.js";
import { unsupportedDiagnostic } from "./diagnostics.js";
import { dayNumberOf } from "./calendar.js";
import { itemCodeIn, symbolicCase, type Version } from "./semantic.js";
import { loadZ3, type Z3 } from "./solver.js";
import { countCeiling } from "./verify.js";
import { type B, type Bounds, type SymbolicCase } from "./symbolic-case.js";

export type CriterionState = "met" | "not_met" | "unknown";

/** One generated test, as a test file holds it. */
export interface GeneratedTest {
  name: string;
  source: string;
  asProposed?: true;
  case: Record<string, unknown>;
  expect: { outcome: string; reasons: string[]; missing: string[]; notes: string[] }[];
}

export interface GenerateOptions {
  /** Bounds tried in turn for each target, smallest first. */
  bounds: readonly Bounds[];
  /** Per solver query, in milliseconds. */
  timeout: number;
}

export const DEFAULT_GENERATE: GenerateOptions = {
  bounds: [
    { list: 1, items: 0 },
    { list: 2, items: 1 },
  ],
  timeout: 20_000,
};

export interface GenerateReport {
  tests: GeneratedTest[];
  /** Reachable states no case was found for within the bounds, and why. */
  unreached: { rule: string; criterion: string; state: CriterionState; why: string }[];
  /** Constructs the solver cannot encode (POL5001), and questions it could not decide (POL5002). */
  diagnostics: Diagnostic[];
  queries: number;
  milliseconds: number;
}

/** The states a criterion can reach, as `pol test` counts them for coverage. */
export type ReachableStates = (rule: string, criterion: string) => ReadonlySet<string>;

const DELTAS = [
  { delta: 0, label: "on" },
  { delta: -1, label: "a step below" },
  { delta: 1, label: "a step above" },
] as const;

/** Where the date of service sits for a boundary that is a date. */
type Calendar = "any" | "month end" | "29 February";

export async function generateTests(
  checked: CheckedPolicy,
  reachable: ReachableStates,
  options: GenerateOptions,
  confirmer: Confirmer,
): Promise<GenerateReport> {
  const started = Date.now();
  const { lower } = await import("../../index.js");
  const z3 = await loadZ3();
  const version: Version = { checked, lowered: lower(checked) };
  const generator = new Generator(z3, version, options, confirmer, reachable);
  for (const rule of version.lowered.rules) await generator.rule(rule);
  return { ...generator.result(), milliseconds: Date.now() - started };
}

/** One target's question over one symbolic case: the terms it constrains. */
interface Setting {
  sym: SymbolicCase;
  encoder: PolicyEncoder;
  applies: B;
  statuses: StatusTerms[];
  probes: Probe[];
}

class Generator {
  private readonly tests: GeneratedTest[] = [];
  private readonly names = new Set<string>();
  private readonly cases = new Set<string>();
  private readonly unreached: GenerateReport["unreached"] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly shown = new Set<string>();
  private queries = 0;
  private readonly universe: string[];
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly z3: Z3,
    private readonly version: Version,
    private readonly options: GenerateOptions,
    private readonly confirmer: Confirmer,
    private readonly reachable: ReachableStates,
  ) {
    this.universe = codeUniverse([version.lowered]);
    // A count limit is crossed only with as many events: the last try has lists that long.
    const longest = Math.max(...options.bounds.map((b) => b.list));
    const ceiling = countCeiling(version.lowered);
    this.stateBounds = ceiling > longest ? [...options.bounds, { list: ceiling, items: 0 }] : options.bounds;
  }

  private readonly stateBounds: readonly Bounds[];

  result(): Omit<GenerateReport, "milliseconds"> {
    return { tests: this.tests, unreached: this.unreached, diagnostics: this.diagnostics, queries: this.queries };
  }

  private get policy(): LoweredPolicy {
    return this.version.lowered;
  }

  /** The cases for one rule: its criteria's states, then the boundaries its conditions test. */
  async rule(rule: LoweredRule): Promise<void> {
    const sets = rule.codeSets.map((index) => runtimeSet(this.policy.codeSets[index]!));
    const codes = this.universe.filter((code) => sets.some((set) => set.has(code)));
    if (codes.length === 0) return;
    const settings = new Map<Bounds, Setting | Unsupported>();
    const setting = (bounds: Bounds): Setting | Unsupported => {
      let made = settings.get(bounds);
      if (made === undefined) {
        made = this.setting(rule, codes, bounds);
        settings.set(bounds, made);
      }
      return made;
    };
    for (const [i, criterion] of rule.criteria.entries()) {
      for (const state of ["met", "not_met", "unknown"] as const) {
        if (!this.reachable(rule.id, criterion.id).has(state)) continue;
        if (this.reached(rule.id, criterion.id, state)) continue;
        const found = await this.find(setting, this.stateBounds, (s) => [this.stateTerm(s.statuses[i]!, state)], async (json, index, determination) => {
          const trace = determination.trace.find((t) => t.rule === rule.id && t.criterion === criterion.id);
          if (trace?.status !== state) {
            throw new SolverDisagreement(
              `the solver's case should drive \`${rule.id}.${criterion.id}\` to ${state}, but its evaluators give ${trace?.status ?? "no status"}\n${JSON.stringify(json)}`,
            );
          }
          return this.add(`${rule.id}.${criterion.id} ${stateText(state)}`, `generated: ${criterion.text} [${criterion.citation}]`, json, index);
        });
        if (found !== true) this.unreached.push({ rule: rule.id, criterion: criterion.id, state, why: found });
      }
    }
    // Boundaries: the probes recorded while the rule was encoded with the first bounds.
    const first = setting(this.options.bounds[0]!);
    if (first instanceof Unsupported) return;
    for (const probe of first.probes) {
      const calendars: Calendar[] = probe.date ? ["any", "month end", "29 February"] : ["any"];
      for (const calendar of calendars) {
        for (const { delta, label } of DELTAS) {
          if (calendar !== "any" && delta !== 0) continue;
          const where = `${probe.kind} at line ${probe.span.start.line} (\`${this.text(probe.span)}\`)`;
          const name = `${rule.id}: ${label} the ${where}${calendar === "any" ? "" : `, ${calendar}`}`;
          // Boundaries are looked for within the smallest bounds only: a step either side of a
          // threshold needs no longer history than the threshold itself.
          await this.find(
            setting,
            this.options.bounds.slice(0, 1),
            (s) => {
              const same = s.probes.find((p) => p.key === probe.key);
              return same === undefined ? [this.z3.Bool.val(false)] : this.boundaryTerms(s.sym, same, delta, calendar);
            },
            async (json, index) => this.add(name, `generated: boundary of rule ${rule.id} [${rule.citation}]`, json, index),
          );
        }
      }
    }
  }

  /** A symbolic case for a rule's codes, with the rule encoded over it and its boundaries recorded. */
  private setting(rule: LoweredRule, codes: readonly string[], bounds: Bounds): Setting | Unsupported {
    const sym = symbolicCase(this.z3, [this.version], bounds);
    const encoder = new PolicyEncoder(this.policy, sym);
    encoder.probes = new Map();
    try {
      const encoded = encoder.rule(rule);
      // The rule's codes, on a date the policy is in effect (else no criterion is evaluated).
      sym.constraints.push(itemCodeIn(sym, codes), encoder.inEffect());
      return { sym, encoder, applies: encoded.applies.t, statuses: encoded.criteria, probes: [...encoder.probes.values()] };
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      const key = `${error.span.file}:${error.span.start.offset}`;
      if (!this.shown.has(key)) this.diagnostics.push(unsupportedDiagnostic(error, [...codes]));
      this.shown.add(key);
      return error;
    }
  }

  private stateTerm(status: StatusTerms, state: CriterionState): B {
    const z3 = this.z3;
    if (state === "met") return status.met;
    if (state === "not_met") return status.notMet;
    return z3.And(z3.Not(status.met), z3.Not(status.notMet));
  }

  /** On the boundary (`delta` 0), or a step to either side, with the date of service placed. */
  private boundaryTerms(sym: SymbolicCase, probe: Probe, delta: number, calendar: Calendar): B[] {
    const z3 = this.z3;
    const terms: B[] = [probe.known, probe.a.eq(probe.b.add(delta * probe.step))];
    if (calendar === "month end") {
      const dos = sym.dosParts();
      terms.push(dos.day.eq(sym.monthLength(dos.month)));
    } else if (calendar === "29 February" && probe.leap !== undefined) {
      const leap = probe.leap;
      const days = leapDays(sym);
      terms.push(days.length === 0 ? z3.Bool.val(false) : z3.Or(...days.map((day) => leap.eq(day))));
    }
    return terms;
  }

  /**
   * Ask for a case with the rule applying to the item under decision and `terms`, with each bounds
   * in turn; `accept` evaluates it. True when a case was found, else why not.
   */
  private async find(
    setting: (bounds: Bounds) => Setting | Unsupported,
    boundsTried: readonly Bounds[],
    terms: (s: Setting) => B[],
    accept: (json: Record<string, unknown>, index: number, determination: ItemDetermination) => Promise<void>,
  ): Promise<true | string> {
    let why = "no case within the bounds";
    for (const bounds of boundsTried) {
      const s = setting(bounds);
      if (s instanceof Unsupported) return `the analysis does not support ${s.construct} yet`;
      const solver = new this.z3.Solver();
      solver.set("timeout", this.options.timeout);
      solver.add(...s.sym.constraints, s.applies, ...terms(s));
      this.queries++;
      const asked = Date.now();
      const answer = await solver.check();
      if (process.env["POL_DEBUG_TIMES"]) console.error(`query ${this.queries}: ${answer} ${Date.now() - asked} ms`);
      if (answer === "sat") {
        const model = solver.model();
        const json = s.sym.extract(model);
        const index = s.sym.itemIndex(model);
        solver.release();
        const determination = await this.evaluate(json, index);
        await accept(json, index, determination);
        return true;
      }
      solver.release();
      if (answer === "unknown") why = `the solver could not decide within ${this.options.timeout / 1000} s`;
    }
    return why;
  }

  /** The item's determination from both evaluators, which must agree; a valid case is required. */
  private async evaluate(json: Record<string, unknown>, index: number): Promise<ItemDetermination> {
    const { evaluateCase } = await import("../../index.js");
    const policy = this.version.checked;
    const evaluated = evaluateCase(policy, json, { ...AS_PROPOSED, trace: true });
    if (!evaluated.ok) {
      const errors = evaluated.errors.map((error) => `${error.path}: ${error.message}`).join("; ");
      throw new SolverDisagreement(`the solver's case is not a valid case of ${policy.metadata.id}: ${errors}\n${JSON.stringify(json)}`);
    }
    const compiled = (await this.confirmer.load(policy)).evaluateTrusted(json, AS_PROPOSED);
    const interpreted = evaluated.determination;
    const shape = (items: readonly ItemDetermination[]) => JSON.stringify(items.map(expectationOf));
    if (shape(interpreted.items) !== shape(compiled.items)) {
      throw new SolverDisagreement(
        `the interpreter and the compiled evaluator of ${policy.metadata.id} disagree on a generated case\n${JSON.stringify(json)}`,
      );
    }
    this.lastItems = interpreted.items;
    return interpreted.items[index]!;
  }

  private lastItems: readonly ItemDetermination[] = [];

  /** Whether a test already reaches the state (a case found for another target may have). */
  private reached(rule: string, criterion: string, state: CriterionState): boolean {
    return this.reachedStates.has(`${rule}.${criterion}:${state}`);
  }

  private readonly reachedStates = new Set<string>();

  /** A test for the case last evaluated, unless the same case is already in the file. */
  private async add(name: string, source: string, json: Record<string, unknown>, index: number): Promise<void> {
    void index;
    const key = JSON.stringify(json);
    if (this.cases.has(key)) return;
    this.cases.add(key);
    let unique = name;
    for (let n = 2; this.names.has(unique); n++) unique = `${name} (${n})`;
    this.names.add(unique);
    for (const item of this.lastItems) for (const t of item.trace) if (t.status !== "waived") this.reachedStates.add(`${t.rule}.${t.criterion}:${t.status}`);
    const expect = this.lastItems.map(expectationOf);
    const outcome = expect[index]!.outcome;
    this.tests.push({
      name: `${unique}: ${outcome}`,
      source,
      ...(this.version.checked.metadata.proposed ? { asProposed: true as const } : {}),
      case: json,
      expect,
    });
  }

  private text(span: Span): string {
    let text = this.texts.get(span.file);
    if (text === undefined) {
      try {
        text = readFileSync(span.file, "utf8");
      } catch {
        text = "";
      }
      this.texts.set(span.file, text);
    }
    const shown = text.slice(span.start.offset, span.end.offset).replace(/\s+/g, " ").trim();
    return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  }
}

function expectationOf(item: ItemDetermination): GeneratedTest["expect"][number] {
  return {
    outcome: item.outcome,
    reasons: item.reasons.map((reason) => reason.criterion),
    missing: item.missing.map((entry) => entry.fact),
    notes: item.notes.map((note) => note.criterion),
  };
}

function stateText(state: CriterionState): string {
  return state === "not_met" ? "not met" : state;
}

/** Every 29 February among the dates a fact may take. */
function leapDays(sym: SymbolicCase): number[] {
  const days: number[] = [];
  const first = new Date(sym.factDates.first * 86_400_000).getUTCFullYear();
  const last = new Date(sym.factDates.last * 86_400_000).getUTCFullYear();
  for (let year = first; year <= last; year++) {
    if ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) days.push(dayNumberOf(`${year}-02-29`));
  }
  return days;
}

/**
 * `pol test --generate`: the test file's text for `policyPath`, to be written at `outPath` (the
 * policy named relative to it). Released solver and compiled evaluators when done.
 */
export async function generateTestFile(
  checked: CheckedPolicy,
  policyPath: string,
  outPath: string,
  options: Partial<GenerateOptions> = {},
): Promise<GenerateReport & { text: string }> {
  const { CompiledEvaluators, OptionalFactReads, reachableStates } = await import("../../index.js");
  const { releaseZ3 } = await import("./solver.js");
  const facts = new OptionalFactReads(checked);
  const reachable: ReachableStates = (ruleId, criterionId) => {
    const criterion = checked.rules.find((rule) => rule.id === ruleId)?.criteria.find((c) => c.id === criterionId);
    return criterion === undefined ? new Set() : reachableStates(criterion, facts);
  };
  const compiled = new CompiledEvaluators();
  try {
    const report = await generateTests(checked, reachable, { ...DEFAULT_GENERATE, ...options }, compiled);
    const policy = relative(dirname(resolve(outPath)), resolve(policyPath)).split(sep).join("/");
    const file = { policy, tests: report.tests };
    return { ...report, text: `${JSON.stringify(file, null, 2)}\n` };
  } finally {
    compiled.dispose();
    await releaseZ3();
  }
}

/** Where `pol test --generate` writes by default: `tests/<name>.generated.test.json` beside the policy. */
export function defaultTestFilePath(policyPath: string): string {
  return join(dirname(policyPath), "tests", `${basename(policyPath, ".pol")}.generated.test.json`);
}

/**
 * Write `text` to `path` all at once: to a temporary file beside it, then renamed over it, so a
 * reader never sees half a file. Refuses an existing file unless `force`.
 */
export function writeAtomically(path: string, text: string, force: boolean): void {
  if (!force && existsSync(path)) throw new Error(`\`${path}\` exists: give --force to replace it`);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
