// The runtime names generated modules import. They are typed against the runtime's own exports,
// so a name the runtime does not export fails to type-check here instead of in generated code.

import type * as runtime from "@pol/runtime";
import type { Names } from "./names.js";
import { ident, type Ts } from "./ts.js";

/** The package generated modules import the runtime from. */
export const RUNTIME_PACKAGE = "@pol/runtime";

/** A value the runtime exports (a function or a class). */
export type RuntimeValue = {
  [K in keyof typeof runtime]: (typeof runtime)[K] extends (...args: never[]) => unknown
    ? K
    : (typeof runtime)[K] extends abstract new (...args: never[]) => unknown
      ? K
      : never;
}[keyof typeof runtime];

/** The types generated modules name, each resolved against the runtime: one it does not export
 *  fails to type-check here. */
interface RuntimeTypes {
  CaseError: runtime.CaseError;
  ConditionParts: runtime.ConditionParts;
  Context: runtime.Context;
  Determination: runtime.Determination;
  EvaluateOptions: runtime.EvaluateOptions;
  Outcome: runtime.Outcome;
  PolicyInfo: runtime.PolicyInfo;
  RuleSpec: runtime.RuleSpec;
  Row: runtime.Row;
  Tri: runtime.Tri;
  Validation: runtime.Validation<unknown>;
}

export type RuntimeType = keyof RuntimeTypes;

/**
 * The runtime's names by concern, for the import lists of a module: one `import` each, so that
 * a reader sees what each part of the runtime is used for (and the list is a few lines, not one
 * line per name). Checked against the runtime's exports; a name of no group joins the last.
 */
const IMPORT_GROUPS: readonly (readonly (RuntimeValue | RuntimeType)[])[] = [
  // Three-valued logic.
  ["and", "andAll", "not", "or", "orAll", "truth", "Tri"],
  // Comparisons, arithmetic and enum members.
  [
    "add", "asPercent", "atLeast", "atMost", "divide", "equal", "greaterThan", "inList", "lessThan", "lookup",
    "multiply", "negate", "normaliseText", "notEqual", "oneOf", "rank", "subtract",
  ],
  // Dates, elapsed time and windows.
  [
    "between", "calendarYear", "dateDifference", "elapsedAtLeast", "elapsedAtMost", "elapsedEqual", "elapsedLessThan",
    "elapsedMoreThan", "elapsedNotEqual", "overlaps", "planYear", "shiftDate", "shiftDays", "since", "sinceAtLeast",
    "sinceAtMost", "sinceEqual", "sinceLessThan", "sinceMoreThan", "sinceNotEqual", "spanDays", "windowBack", "within",
  ],
  // Code sets.
  ["CodeSet", "inCodes", "normaliseCode"],
  // Lists and their aggregates.
  [
    "candidates", "count", "countDistinct", "coverageOf", "cut", "earliest", "everyElement", "latest", "list", "listIn", "ListScan",
    "none", "select", "some", "sumOf",
  ],
  // The request's other line items.
  [
    "countEarlier", "countEarlierKeyed", "countOthers", "countOthersKeyed", "granted", "noEarlier", "noEarlierKeyed",
    "noOther", "noOtherKeyed", "someEarlier", "someEarlierKeyed", "someOther", "someOtherKeyed",
  ],
  // Reading the case; values worked out once per case or per line item.
  ["asOf", "computed", "documented", "perCase", "perItem", "Context", "Row"],
  // The parts of conditions, for the trace.
  ["conditionParts", "shown", "shownElapsed"],
  // The module itself: its runtime, its rules, its entry points.
  ["evaluators", "requireRuntime", "PolicyInfo", "RuleSpec"],
];

/** The runtime names one module uses, so it imports exactly those, each under a name no
 *  declaration of the module has taken (`count as count2` when a let is called `count`). */
export class RuntimeImports {
  private readonly aliases = new Map<string, string>();
  private readonly types = new Set<string>();
  private readonly values = new Set<string>();

  constructor(private readonly names: Names) {}

  value(name: RuntimeValue): Ts {
    this.values.add(name);
    return ident(this.local(name));
  }

  type(name: RuntimeType): Ts {
    this.types.add(name);
    return ident(this.local(name));
  }

  /**
   * The import lists, one per concern of the runtime (IMPORT_GROUPS) and each sorted by runtime
   * name: `a, b as b2, type C`. A name of no group joins the last.
   */
  importGroups(): string[][] {
    const groups = IMPORT_GROUPS.map((): [string, string][] => []);
    for (const entry of this.aliases) {
      const group = IMPORT_GROUPS.findIndex((names) => (names as readonly string[]).includes(entry[0]));
      groups[group < 0 ? groups.length - 1 : group]!.push(entry);
    }
    return groups
      .filter((group) => group.length > 0)
      .map((group) =>
        group
          .sort(([a], [b]) => compareNames(a, b))
          .map(([name, alias]) => `${this.values.has(name) ? "" : "type "}${alias === name ? name : `${name} as ${alias}`}`),
      );
  }

  private local(name: string): string {
    let alias = this.aliases.get(name);
    if (alias === undefined) {
      alias = this.names.claim(name);
      this.aliases.set(name, alias);
    }
    return alias;
  }
}

function compareNames(a: string, b: string): number {
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
