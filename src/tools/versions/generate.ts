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
import { diagnostic, type CheckedPolicy, type Diagnostic, type ItemDetermination, type LoweredPolicy, type LoweredRule, type Span } from "../../index.js";
import { AS_PROPOSED, SolverDisagreement, type Confirmer } from "./confirm.js";
import { codeUniverse, runtimeSet } from "./codes.js";
import { PolicyEncoder, Unsupported, type Probe, type StatusTerms } from "./encode.js";
import { limitText, unsupportedDiagnostic } from "./diagnostics.js";
import { dayNumberOf, isoDateOf, yearsFrom } from "./calendar.js";
import { itemCodeIn, type Version } from "./semantic.js";
import type { Solver } from "z3-solver";
import { loadZ3, type Z3 } from "./solver.js";
import { countCeiling } from "./verify.js";
import { serviceDates, SymbolicCase, type B, type Bounds, type DateRange } from "./symbolic-case.js";

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
  /** Z3's resource limit per query (0: none): a limit that does not depend on the machine's load. */
  rlimit?: number;
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
  /** Reachable states no case was found for, and why: each also has its diagnostic. */
  unreached: { rule: string; criterion: string; state: CriterionState; why: "none within the bounds" | "timeout" | "unsupported" }[];
  /** Constructs the solver cannot encode (POL5001), states no case reaches within the bounds
   *  (POL5030) and states the solver could not decide (POL5031). */
  diagnostics: Diagnostic[];
  /** Boundary cases no case exists for within the bounds (a 29 February the window cannot reach, a
   *  step below a threshold of 0, ...), by the name the test would have had. */
  boundaryGaps: { name: string; why: string }[];
  /** Criterion states `pol test` counts as reachable, and how many of them the tests reach. */
  states: { reachable: number; reached: number };
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

/** The time limit of a boundary's second try, with longer lists (a count's boundary may need them). */
const QUICK_TIMEOUT = 3_000;

/** Why a target has no case: none within the bounds, the solver's time limit, or a construct it cannot encode (POL5001). */
type NotFound = "none" | "timeout" | "unsupported";

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
  solver?: Solver<"main">;
}

class Generator {
  private readonly tests: GeneratedTest[] = [];
  private readonly names = new Set<string>();
  /** The tests by their case, so a case is written once. */
  private readonly cases = new Map<string, GeneratedTest>();
  private readonly unreached: GenerateReport["unreached"] = [];
  private readonly boundaryGaps: GenerateReport["boundaryGaps"] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly shown = new Set<string>();
  private queries = 0;
  private targets = 0;
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
    const states = { reachable: this.targets, reached: this.targets - this.unreached.length };
    const { tests, unreached, boundaryGaps, diagnostics, queries } = this;
    return { tests, unreached, boundaryGaps, diagnostics, states, queries };
  }

  private get policy(): LoweredPolicy {
    return this.version.lowered;
  }

  /** The cases for one rule: its criteria's states, then the boundaries its conditions test. */
  async rule(rule: LoweredRule): Promise<void> {
    const sets = rule.codeSets.map((index) => runtimeSet(this.policy.codeSets[index]!));
    const codes = this.universe.filter((code) => sets.some((set) => set.has(code)));
    if (codes.length === 0) return;
    const settings = new Map<string, Setting | Unsupported>();
    const setting = (bounds: Bounds): Setting | Unsupported => {
      const key = `${bounds.list}/${bounds.items}`;
      let made = settings.get(key);
      if (made === undefined) {
        made = this.setting(rule, codes, bounds);
        settings.set(key, made);
      }
      return made;
    };
    // States the smallest bounds cannot reach, looked for again after the boundaries: their cases
    // are more templates for the variants.
    const later: (() => Promise<void>)[] = [];
    for (const [i, criterion] of rule.criteria.entries()) {
      for (const state of ["met", "not_met", "unknown"] as const) {
        if (!this.reachable(rule.id, criterion.id).has(state)) continue;
        this.targets++;
        if (this.reached(rule.id, criterion.id, state)) continue;
        const name = `${rule.id}.${criterion.id} ${stateText(state)}`;
        const source = `generated: ${criterion.text} [${criterion.citation}]`;
        const accept = async (json: Record<string, unknown>, index: number, determination: ItemDetermination) => {
          const trace = determination.trace.find((t) => t.rule === rule.id && t.criterion === criterion.id);
          if (trace?.status !== state) {
            throw new SolverDisagreement(
              `the solver's case should drive \`${rule.id}.${criterion.id}\` to ${state}, but its evaluators give ${trace?.status ?? "no status"}\n${JSON.stringify(json)}`,
            );
          }
          return this.add(name, source, json, index);
        };
        const terms = (s: Setting) => [this.stateTerm(s.statuses[i]!, state)];
        // The smallest bounds first (quick, and the cleanest cases); then a case already found,
        // changed by evaluation alone; then the solver with longer lists and other line items.
        const found = await this.find(setting, this.stateBounds.slice(0, 1), terms, accept);
        if (found === true || (await this.variant(rule.id, criterion.id, state, name, source))) continue;
        later.push(async () => {
          if (this.reached(rule.id, criterion.id, state) || (await this.variant(rule.id, criterion.id, state, name, source))) return;
          let why = found;
          if (this.stateBounds.length > 1) {
            const further = await this.find(setting, this.stateBounds.slice(1), terms, accept);
            if (further === true) return;
            why = further === "timeout" || found !== "timeout" ? further : found;
          }
          this.unreachedState(rule, criterion, state, why);
        });
      }
    }
    await this.boundaries(rule, setting);
    for (const search of later) await search();
  }

  /** Cases on and either side of every boundary the rule's conditions test. */
  private async boundaries(rule: LoweredRule, setting: (bounds: Bounds) => Setting | Unsupported): Promise<void> {
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
          const at = (s: Setting): B[] => {
            const same = s.probes.find((p) => p.key === probe.key);
            return same === undefined ? [this.z3.Bool.val(false)] : this.boundaryTerms(s.sym, same, delta, calendar);
          };
          const accept = async (json: Record<string, unknown>, index: number) =>
            this.add(name, `generated: boundary of rule ${rule.id} [${rule.citation}]`, json, index);
          // Preferably with every other criterion of the rule met (and no waiver holding), so the
          // outcome turns on this boundary alone; else any case on it.
          const focused = await this.find(setting, this.options.bounds.slice(0, 1), (s) => [...at(s), ...this.othersMet(rule, s, probe)], accept);
          if (focused === true) continue;
          const found = await this.find(setting, this.options.bounds.slice(0, 1), at, accept);
          if (found === "timeout") {
            const where = `${label} the ${probe.kind}${calendar === "any" ? "" : `, ${calendar}`}`;
            this.diagnostics.push(diagnostic("POL5032", probe.span, { boundary: where, limit: limitText(this.options.timeout) }));
            continue;
          }
          if (found !== "none") continue;
          // A count's boundary may need longer lists: a quick try with them.
          // A threshold compared with a number needs lists a step longer than that number at most.
          const limit = numeral(probe.b);
          const fitted = limit === undefined ? [] : [{ list: Math.ceil(limit) + 1, items: 0 }];
          const first = this.options.bounds[0]!.list;
          const longer = (fitted.length > 0 ? fitted : this.stateBounds.slice(1)).filter((b) => b.list > first);
          const quick = Math.min(this.options.timeout, QUICK_TIMEOUT);
          const further = longer.length === 0 ? "none" : await this.find(setting, longer, at, accept, quick);
          if (further === true) continue;
          const largest = Math.max(first, ...longer.map((b) => b.list));
          const why =
            further === "timeout"
              ? `none with lists of ${first}; undecided within ${limitText(quick)} with lists of up to ${largest}`
              : `none with lists of up to ${largest}`;
          this.boundaryGaps.push({ name, why });
        }
      }
    }
  }

  /** Every criterion of `rule` that does not read the probe's boundary met, and no waiver holding. */
  private othersMet(rule: LoweredRule, s: Setting, probe: Probe): B[] {
    return rule.criteria.flatMap((criterion, i) => {
      const status = s.statuses[i]!;
      if (criterion.effect === "waive") return [this.z3.Not(status.met)];
      return reads(this.policy, criterion, probe.span) ? [] : [status.met];
    });
  }

  /** A symbolic case for a rule's codes, with the rule encoded over it and its boundaries recorded. */
  private setting(rule: LoweredRule, codes: readonly string[], bounds: Bounds): Setting | Unsupported {
    const sym = new SymbolicCase(this.z3, this.policy.schema, bounds, generatedServiceDates(this.policy.metadata));
    sym.setCodes(this.universe);
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

  /** A reachable state without a case: proved so within the bounds (POL5030), undecided (POL5031), or unsupported (POL5001). */
  private unreachedState(rule: LoweredRule, criterion: LoweredRule["criteria"][number], state: CriterionState, why: NotFound): void {
    const reason = why === "none" ? "none within the bounds" : why;
    this.unreached.push({ rule: rule.id, criterion: criterion.id, state, why: reason });
    if (why === "unsupported") return; // POL5001 names the construct
    const names = { rule: rule.id, criterion: criterion.id, state: stateText(state) };
    const largest = this.stateBounds[this.stateBounds.length - 1]!;
    const made =
      why === "timeout"
        ? diagnostic("POL5031", criterion.span, { ...names, limit: limitText(this.options.timeout) })
        : diagnostic("POL5030", criterion.span, names, { list: largest.list, items: Math.max(...this.stateBounds.map((b) => b.items)) });
    this.diagnostics.push(made);
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
      terms.push(dos.day.eq(sym.monthLength(dos)));
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
    timeout = this.options.timeout,
  ): Promise<true | NotFound> {
    let why: NotFound = "none";
    for (const bounds of boundsTried) {
      const s = setting(bounds);
      if (s instanceof Unsupported) return "unsupported";
      const solver = this.solverOf(s);
      solver.set("timeout", timeout);
      solver.push();
      solver.add(...terms(s));
      this.queries++;
      const asked = Date.now();
      const answer = await solver.check();
      if (process.env["POL_DEBUG_TIMES"]) console.error(`query ${this.queries}: ${answer} ${Date.now() - asked} ms`);
      if (answer === "sat") {
        const model = solver.model();
        const json = s.sym.extract(model);
        const index = s.sym.itemIndex(model);
        solver.pop();
        const determination = await this.evaluate(json, index);
        await accept(json, index, determination);
        return true;
      }
      solver.pop();
      if (answer === "unknown") why = "timeout";
    }
    return why;
  }

  private solverOf(s: Setting) {
    if (s.solver === undefined) {
      s.solver = new this.z3.Solver();
      s.solver.set("timeout", this.options.timeout);
      if (this.options.rlimit !== undefined) s.solver.set("rlimit", this.options.rlimit);
      s.solver.add(...s.sym.constraints, s.applies);
    }
    return s.solver;
  }

  /**
   * A case for a criterion state made from a case already in the file, tried by evaluation before
   * the solver is asked with longer lists: a fact left out (unknown), a yes/no turned over, or a
   * list's elements repeated on earlier days (a count limit crossed). The interpreter screens the
   * candidates; the one kept is confirmed by both evaluators like every other case.
   */
  private async variant(rule: string, criterion: string, state: CriterionState, name: string, source: string): Promise<boolean> {
    const { evaluateCase } = await import("../../index.js");
    const longest = Math.max(...this.stateBounds.map((b) => b.list)) + 1;
    for (const test of [...this.tests]) {
      for (const candidate of variants(test.case, longest)) {
        const evaluated = evaluateCase(this.version.checked, candidate, { ...AS_PROPOSED, trace: true });
        if (!evaluated.ok) continue;
        const index = evaluated.determination.items.findIndex((item) =>
          item.trace.some((t) => t.rule === rule && t.criterion === criterion && t.status === state),
        );
        if (index < 0) continue;
        await this.evaluate(candidate, index);
        await this.add(name, source, candidate, index);
        return true;
      }
    }
    return false;
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
    const key = JSON.stringify(json);
    const same = this.cases.get(key);
    if (same !== undefined) {
      // The case is in the file already, for another target: its name says it is for this one too.
      const [labels, outcome] = [same.name.slice(0, same.name.lastIndexOf(": ")), same.name.slice(same.name.lastIndexOf(": ") + 2)];
      same.name = `${labels}; ${name}: ${outcome}`;
      return;
    }
    let unique = name;
    for (let n = 2; this.names.has(unique); n++) unique = `${name} (${n})`;
    this.names.add(unique);
    for (const item of this.lastItems) for (const t of item.trace) if (t.status !== "waived") this.reachedStates.add(`${t.rule}.${t.criterion}:${t.status}`);
    const expect = this.lastItems.map(expectationOf);
    const outcome = expect[index]!.outcome;
    const test: GeneratedTest = {
      name: `${unique}: ${outcome}`,
      source,
      ...(this.version.checked.metadata.proposed ? { asProposed: true as const } : {}),
      case: json,
      expect,
    };
    this.tests.push(test);
    this.cases.set(key, test);
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The cases one change away from `json` (see `Generator.variant`), lists repeated up to `longest` elements. */
function* variants(json: Record<string, unknown>, longest: number): IterableIterator<Record<string, unknown>> {
  const copy = () => structuredClone(json);
  for (const [key, value] of Object.entries(json)) {
    if (key === "date_of_service" || key === "items") continue;
    const without = copy();
    delete without[key];
    yield without;
    if (typeof value === "boolean") yield { ...copy(), [key]: !value };
    if (!Array.isArray(value) || value.length === 0) continue;
    for (const [i, element] of value.entries()) {
      if (typeof element !== "object" || element === null) continue;
      for (const field of Object.keys(element)) {
        const changed = copy();
        const list = changed[key] as Record<string, unknown>[];
        delete list[i]![field];
        yield changed;
      }
    }
    for (const template of value) {
      for (let length = value.length + 1; length <= longest; length++) {
        const changed = copy();
        const list = changed[key] as unknown[];
        for (let n = 1; list.length < length; n++) list.push(shiftDates(structuredClone(template), -n));
        yield changed;
      }
    }
  }
}

/** An element with every date in it moved by `days`. */
function shiftDates(element: unknown, days: number): unknown {
  if (typeof element !== "object" || element === null) return element;
  for (const [field, value] of Object.entries(element)) {
    if (typeof value === "string" && ISO_DATE.test(value)) (element as Record<string, unknown>)[field] = isoDateOf(dayNumberOf(value) + days);
  }
  return element;
}

/** The number a term is when it is a numeral (`5`, `5/2`), else undefined. */
function numeral(term: { sexpr(): string }): number | undefined {
  const text = term.sexpr().replace(/\s+/g, " ");
  const plain = /^\(?(?:to_real )?(-?\d+(?:\.\d+)?)\)?$/.exec(text);
  if (plain !== null) return Number(plain[1]);
  const ratio = /^\(\/ (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\)$/.exec(text);
  return ratio === null ? undefined : Number(ratio[1]) / Number(ratio[2]);
}

/** Whether `criterion`'s condition, through the lets and lists it reads, contains `span`. */
function reads(policy: LoweredPolicy, criterion: LoweredRule["criteria"][number], span: Span): boolean {
  const seen = new Set<unknown>();
  const contains = (outer: Span) =>
    outer.file === span.file && outer.start.offset <= span.start.offset && span.end.offset <= outer.end.offset;
  const walk = (node: unknown): boolean => {
    if (typeof node !== "object" || node === null || seen.has(node)) return false;
    seen.add(node);
    if (Array.isArray(node)) return node.some(walk);
    const record = node as Record<string, unknown>;
    const own = record["span"] as Span | undefined;
    if (own !== undefined && typeof own === "object" && "start" in own && contains(own)) return true;
    if (record["kind"] === "let" && typeof record["slot"] === "number" && walk(policy.lets[record["slot"]])) return true;
    if (typeof record["base"] === "number" && walk(policy.lists[record["base"]])) return true;
    return Object.entries(record).some(([key, value]) => key !== "span" && walk(value));
  };
  return contains(criterion.span) || walk(criterion.condition);
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

/**
 * The diff's dates of service, reaching on to five years after the effective date: a 29 February
 * on or after it, and a few months past it, are then always among them.
 */
function generatedServiceDates(metadata: LoweredPolicy["metadata"]): DateRange {
  const range = serviceDates([metadata]);
  return { first: range.first, last: Math.max(range.last, yearsFrom(range.first, 6) - 1) };
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
 * The generated tests for a checked policy, with the states `pol test` counts as reachable as the
 * targets and the compiled evaluators to confirm each case (the solver stays loaded).
 */
export async function generateForPolicy(checked: CheckedPolicy, options: Partial<GenerateOptions> = {}): Promise<GenerateReport> {
  const { CompiledEvaluators, OptionalFactReads, reachableStates } = await import("../../index.js");
  const facts = new OptionalFactReads(checked);
  const reachable: ReachableStates = (ruleId, criterionId) => {
    const criterion = checked.rules.find((rule) => rule.id === ruleId)?.criteria.find((c) => c.id === criterionId);
    return criterion === undefined ? new Set() : reachableStates(criterion, facts);
  };
  const compiled = new CompiledEvaluators();
  try {
    return await generateTests(checked, reachable, { ...DEFAULT_GENERATE, ...options }, compiled);
  } finally {
    compiled.dispose();
  }
}

/**
 * `pol test --generate`: the test file's text for `policyPath`, to be written at `outPath` (the
 * policy named relative to it). Releases the solver when done.
 */
export async function generateTestFile(
  checked: CheckedPolicy,
  policyPath: string,
  outPath: string,
  options: Partial<GenerateOptions> = {},
): Promise<GenerateReport & { text: string }> {
  const { releaseZ3 } = await import("./solver.js");
  try {
    const report = await generateForPolicy(checked, options);
    const policy = relative(dirname(resolve(outPath)), resolve(policyPath)).split(sep).join("/");
    const file = { policy, tests: report.tests };
    return { ...report, text: `${JSON.stringify(file, null, 2)}\n` };
  } finally {
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
