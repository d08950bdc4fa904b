// Lowered expressions as TypeScript. Each node maps to one runtime call specialised for it (a
// comparison knows its operator, a field read its handle), in the order the interpreter evaluates
// them, so both evaluators record the same reads. Chains become one membership function per
// aggregate, its filters conjoined.

import type { Chain, CompareOperator, Expr, LoweredPolicy } from "../lower/ir.js";
import { camelCase, localName, type Names } from "./names.js";
import { JUNCTION_ARITY } from "@pol/runtime";
import type { RuntimeImports, RuntimeValue } from "./runtime-api.js";
import { ident, list, num, str, ts, type Ts } from "./ts.js";

/** The runtime function that puts a text or a code in the form it compares in. */
const NORMAL_FORMS = { text: "normaliseText", code: "normaliseCode" } as const satisfies Record<string, RuntimeValue>;

const COMPARE: Record<CompareOperator, RuntimeValue> = {
  "==": "equal",
  "!=": "notEqual",
  "<": "lessThan",
  "<=": "atMost",
  ">": "greaterThan",
  ">=": "atLeast",
};

const COMPARE_ELAPSED: Record<CompareOperator, RuntimeValue> = {
  "==": "elapsedEqual",
  "!=": "elapsedNotEqual",
  "<": "elapsedLessThan",
  "<=": "elapsedAtMost",
  ">": "elapsedMoreThan",
  ">=": "elapsedAtLeast",
};

/** `time since x` compared with a duration: the date against bounds per date of service. */
const COMPARE_SINCE: Record<CompareOperator, RuntimeValue> = {
  "==": "sinceEqual",
  "!=": "sinceNotEqual",
  "<": "sinceLessThan",
  "<=": "sinceAtMost",
  ">": "sinceMoreThan",
  ">=": "sinceAtLeast",
};

const ARITHMETIC: Record<"+" | "-" | "*" | "/", RuntimeValue> = {
  "+": "add",
  "-": "subtract",
  "*": "multiply",
  "/": "divide",
};

/** The runtime's aggregates over the other and the earlier line items, by table kind (see the
 *  `shared` and `keyed` of aggregates). */
const OVER_LINE_ITEMS = {
  otherItems: {
    shared: { count: "countOthers", some: "someOther", none: "noOther" },
    keyed: { count: "countOthersKeyed", some: "someOtherKeyed", none: "noOtherKeyed" },
  },
  earlierItems: {
    shared: { count: "countEarlier", some: "someEarlier", none: "noEarlier" },
    keyed: { count: "countEarlierKeyed", some: "someEarlierKeyed", none: "noEarlierKeyed" },
  },
} as const satisfies Record<string, Record<string, Record<"count" | "some" | "none", RuntimeValue>>>;

/** Module-level names of what expressions refer to, by index into the lowered tables. */
export interface ModuleNames {
  names: Names;
  codeSets: readonly Ts[];
  tables: readonly Ts[];
  windows: readonly Ts[];
  computed: readonly Ts[];
  lets: readonly Ts[];
  lists: readonly Ts[];
  /** For a list let that is a selection (`earliest 3 of L`): the name of its selection, made once
   *  per line item. */
  selections: readonly (Ts | undefined)[];
  /** By index into the lowered `candidates`: the elements of a list a membership could hold. */
  candidates: readonly Ts[];
  /** The per-case cache slot of a shared membership table (see the `shared` of aggregates). */
  sharedSlot(index: number): number;
  /** Record name -> the field-handle table imported from the schema module. */
  handles(record: string): Ts;
}

export class ExpressionWriter {
  /** The value sets `oneOf` tests name, in the order first used: declared at module level. */
  readonly valueSets: { name: Ts; values: readonly string[] }[] = [];
  /** Membership functions of chains with filters, declared at module level (no closure per
   *  aggregate call), in the order first used; one per distinct test. */
  readonly members: { name: Ts; element: Ts; body: Ts; block?: Ts; key?: "element" | "item" }[] = [];
  /** By index into the lowered `scans`: the `ListScan` answering its aggregates, named after
   *  their membership, declared at module level once written. */
  readonly scans: { name: Ts; member: Ts; candidates?: number }[] = [];

  constructor(
    private readonly policy: LoweredPolicy,
    private readonly names: ModuleNames,
    private readonly rt: RuntimeImports,
  ) {}

  /**
   * A comparison whose values a trace shows, at the top level of a condition: its truth and the
   * values of its two sides, each side evaluated once (`shown(atMost, count(...), 4)`).
   */
  shown(expr: Expr): Ts {
    const rt = (name: RuntimeValue) => this.rt.value(name);
    if (expr.kind === "compare") {
      return ts`${rt("shown")}(${rt(COMPARE[expr.operator])}, ${this.write(expr.left, [])}, ${this.write(expr.right, [])})`;
    }
    if (expr.kind === "compareElapsed") {
      return ts`${rt("shownElapsed")}(${rt(COMPARE_ELAPSED[expr.operator])}, ${this.write(expr.elapsed, [])}, ${expr.amount}, ${str(expr.unit)})`;
    }
    return this.write(expr, []);
  }

  /** An expression; `scope` names the elements bound by enclosing chains, by level. */
  write(expr: Expr, scope: readonly Ts[]): Ts {
    const rt = (name: RuntimeValue) => this.rt.value(name);
    switch (expr.kind) {
      case "literal":
        return typeof expr.value === "string" ? str(expr.value) : typeof expr.value === "number" ? number(expr.value) : ts`${expr.value ? ts`true` : ts`false`}`;
      case "dos":
        return ts`c.dos`;
      case "case":
        return ts`c.input`;
      case "item":
        return ts`c.item`;
      case "element":
        return this.element(scope, expr.level);
      case "field":
        return this.read(expr.record, expr.field, this.write(expr.target, scope));
      case "computed":
        return ts`${this.names.computed[expr.index]!}(c, ${this.write(expr.target, scope)})`;
      case "let":
        return ts`${this.names.lets[expr.slot]!}(c)`;
      case "not":
        return ts`${rt("not")}(${this.write(expr.operand, scope)})`;
      case "negate":
        return ts`${rt("negate")}(${this.write(expr.operand, scope)})`;
      case "junction":
        return this.junction(expr.operator, expr.operands.map((operand) => this.write(operand, scope)));
      case "compare":
        return ts`${rt(COMPARE[expr.operator])}(${this.write(expr.left, scope)}, ${this.write(expr.right, scope)})`;
      case "compareElapsed":
        if (expr.elapsed.kind === "since") {
          return ts`${rt(COMPARE_SINCE[expr.operator])}(${this.write(expr.elapsed.from, scope)}, c.dos, ${expr.amount}, ${str(expr.unit)})`;
        }
        return ts`${rt(COMPARE_ELAPSED[expr.operator])}(${this.write(expr.elapsed, scope)}, ${expr.amount}, ${str(expr.unit)})`;
      case "inCodes": {
        const test = ts`${rt("inCodes")}(${this.write(expr.operand, scope)}, ${this.names.codeSets[expr.codeSet]!})`;
        return expr.negated ? ts`${rt("not")}(${test})` : test;
      }
      case "oneOf":
        return ts`${rt("oneOf")}(${this.write(expr.operand, scope)}, ${this.valueSet(expr)})`;
      case "asPercent":
        return ts`${rt("asPercent")}(${this.write(expr.operand, scope)})`;
      case "asOf":
        // The rule table's row of the rule, declared below; read only when this runs.
        return ts`${rt("asOf")}(c, ${this.write(expr.date, scope)}, rules[${expr.rule}]!)`;
      case "normaliseText":
        return ts`${rt("normaliseText")}(${this.write(expr.operand, scope)})`;
      case "normaliseCode":
        return ts`${rt("normaliseCode")}(${this.write(expr.operand, scope)})`;
      case "rank":
        return ts`${rt("rank")}(${this.write(expr.operand, scope)}, ${this.rankTable(expr.enum, expr.members)})`;
      case "inList": {
        const normalise = expr.normalise === undefined ? ts`` : ts`, ${rt(NORMAL_FORMS[expr.normalise])}`;
        const test = ts`${rt("inList")}(${this.write(expr.operand, scope)}, ${this.write(expr.list, scope)}${normalise})`;
        return expr.negated ? ts`${rt("not")}(${test})` : test;
      }
      case "lookup":
        return ts`${rt("lookup")}(${this.write(expr.operand, scope)}, ${this.names.tables[expr.table]!})`;
      case "documented":
        return ts`${rt("documented")}(${this.write(expr.operand, scope)})`;
      case "spanDays":
        return ts`${rt("spanDays")}(c.dos, ${expr.amount}, ${str(expr.unit)})`;
      case "arithmetic":
        return ts`${rt(ARITHMETIC[expr.operator])}(${this.write(expr.left, scope)}, ${this.write(expr.right, scope)})`;
      case "shiftDate":
        return ts`${rt("shiftDate")}(${this.write(expr.date, scope)}, ${expr.sign}, ${expr.amount}, ${str(expr.unit)})`;
      case "shiftDays":
        return ts`${rt("shiftDays")}(${this.write(expr.date, scope)}, ${expr.sign}, ${this.write(expr.days, scope)})`;
      case "dateDifference":
        return ts`${rt("dateDifference")}(${this.write(expr.left, scope)}, ${this.write(expr.right, scope)})`;
      case "since":
        return ts`${rt("since")}(${this.write(expr.from, scope)}, c.dos)`;
      case "between":
        return ts`${rt("between")}(${this.write(expr.from, scope)}, ${this.write(expr.to, scope)})`;
      case "aggregate":
        return this.aggregate(expr, scope);
    }
  }

  private aggregate(expr: Extract<Expr, { kind: "aggregate" }>, scope: readonly Ts[]): Ts {
    const rt = (name: RuntimeValue) => this.rt.value(name);
    const { chain } = expr;
    const element = this.elementName(chain, scope);
    const source = expr.candidates === undefined ? this.source(chain, scope) : ts`${this.names.candidates[expr.candidates]!}(c)`;
    const member = this.member(chain, scope, element);
    const handle = (field: string) => ts`${this.names.handles(chain.record)}.${ident(field)}`;
    if (expr.keyed !== undefined || expr.shared !== undefined) {
      const over = OVER_LINE_ITEMS[chain.source.kind === "earlierItems" ? "earlierItems" : "otherItems"];
      const operator = expr.operator as "count" | "some" | "none";
      if (expr.keyed === undefined) return ts`${rt(over.shared[operator])}(c, ${this.names.sharedSlot(expr.shared!)}, ${member})`;
      const rest = this.member(expr.keyed.rest, scope, element);
      const { key, itemKey } = this.keyFunctions(chain, expr.keyed.element, expr.keyed.item, element);
      return ts`${rt(over.keyed[operator])}(c, ${this.names.sharedSlot(expr.keyed.table)}, ${member}, ${rest}, ${key}, ${itemKey})`;
    }
    if (expr.scan !== undefined) return this.scannedAggregate(expr, member);
    switch (expr.operator) {
      case "count":
      case "some":
      case "none":
        return ts`${rt(expr.operator)}(${source}, ${member}, c)`;
      case "countDistinct":
        if (expr.keyForms === undefined) return ts`${rt("countDistinct")}(c, ${source}, ${member}, [${list(expr.keys!.map(handle))}])`;
        const forms = expr.keyForms.map((form) => (form === undefined ? ts`undefined` : rt(NORMAL_FORMS[form])));
        return ts`${rt("countDistinct")}(c, ${source}, ${member}, [${list(expr.keys!.map(handle))}], [${list(forms)}])`;
      case "latest":
      case "earliest":
        return ts`${rt(expr.operator)}(c, ${source}, ${member}, ${handle(chain.dated!.start)})`;
      case "sum":
        return ts`${rt("sumOf")}(c, ${source}, ${member}, ${handle(expr.summed!.field)})`;
      case "coverage": {
        const window = chain.window === undefined ? ts`null` : ts`${this.names.windows[chain.window]!}(c)`;
        return ts`${rt("coverageOf")}(c, ${source}, ${member}, ${handle(chain.dated!.start)}, ${handle(chain.dated!.end!)}, ${window})`;
      }
    }
  }

  /** An aggregate a scan answers: `therapeuticTpiSameMuscleScan.latest(c)`, the scan named after
   *  its membership (after the list when every element belongs). */
  private scannedAggregate({ scan, operator, chain, candidates }: Extract<Expr, { kind: "aggregate" }>, member: Ts): Ts {
    const words = chain.filters.length === 0 && chain.base === undefined ? camelCase(`${this.sourceName(chain)} scan`) : `${member}Scan`;
    const declared = (this.scans[scan!] ??= { name: ident(this.names.names.claim(words)), member, ...(candidates !== undefined ? { candidates } : {}) });
    return ts`${declared.name}.${ident(operator)}(c)`;
  }

  private source(chain: Chain, scope: readonly Ts[]): Ts {
    const source = chain.source;
    switch (source.kind) {
      case "caseList":
        return ts`${this.rt.value("list")}(c, ${this.names.handles("case")}.${ident(source.field)})`;
      case "otherItems":
        return ts`c.otherItems`;
      case "earlierItems":
        return ts`c.earlierItems`;
      case "recordList":
        return ts`${this.rt.value("listIn")}(c, ${this.write(source.target, scope)}, ${this.names.handles(source.record)}.${ident(source.field)})`;
    }
  }

  /**
   * The chain's membership function: the list let's own for a chain without filters, else a
   * module-level function `(procedure, c) => and(...tests)` (a closure only for a chain inside
   * another chain's test, whose test may read the enclosing element); `everyElement` for a chain
   * with neither; for a selection (`earliest 3 of L`), the runtime's membership function over
   * the whole list.
   */
  private member(chain: Chain, scope: readonly Ts[], element: Ts): Ts {
    if (chain.selection !== undefined) return this.selection(chain, [...scope, element], element);
    if (chain.filters.length === 0 && chain.base !== undefined) return this.names.lists[chain.base]!;
    const tests = this.tests(chain, [...scope, element], element);
    if (tests.length === 0) return this.rt.value("everyElement");
    const body = this.conjunction(tests);
    if (scope.length > 0) return ts`(${element}) => ${body}`;
    const known = this.members.find((member) => member.key === undefined && member.element === element && member.body === body);
    if (known) return known.name;
    const base = chain.base === undefined ? this.sourceName(chain) : this.policy.lists[chain.base]!.name;
    const windows = chain.filters.flatMap((filter) => (filter.kind === "within" ? [filter.window] : []));
    const onlyWindows = windows.length === chain.filters.length;
    const suffix = onlyWindows ? `in ${this.windowWords(windows[windows.length - 1]!)}` : "where";
    const name = ident(this.names.names.claim(camelCase(`${base} ${suffix}`)));
    this.members.push({ name, element, body, block: this.functionBody(chain, tests, element) });
    return name;
  }

  /** The two sides of a keyed aggregate's equality as module-level functions: the element's
   *  (`(item, c) => ...`) and the item's under decision (`(c) => ...`). */
  private keyFunctions(chain: Chain, elementSide: Expr, itemSide: Expr, element: Ts): { key: Ts; itemKey: Ts } {
    const declare = (body: Ts, words: string, key: "element" | "item"): Ts => {
      const known = this.members.find((member) => member.key === key && member.element === element && member.body === body);
      if (known) return known.name;
      const name = ident(this.names.names.claim(camelCase(words)));
      this.members.push({ name, element, body, key });
      return name;
    };
    const other = chain.source.kind === "earlierItems" ? "earlier" : "other";
    return {
      key: declare(this.write(elementSide, [element]), `${other} key`, "element"),
      itemKey: declare(this.write(itemSide, []), "item key", "item"),
    };
  }

  private sourceName(chain: Chain): string {
    const source = chain.source;
    switch (source.kind) {
      case "otherItems":
        return "other items";
      case "earlierItems":
        return "earlier items";
      case "caseList":
        return source.field;
      case "recordList":
        return `${source.record} ${source.field}`;
    }
  }

  private windowWords(index: number): string {
    const window = this.policy.windows[index]!;
    if (window.kind === "calendarYear") return "calendar year";
    if (window.kind === "planYear") return "plan year";
    return `last ${window.amount} ${{ d: "days", wk: "weeks", mo: "months", y: "years" }[window.unit]}`;
  }


  /** `select(c, list, inner, Record.date, "earliest", 3, then)`: the members selected by order. */
  selection(chain: Chain, scope: readonly Ts[], element: Ts): Ts {
    const { pick, count, inner } = chain.selection!;
    const outer = scope.slice(0, -1);
    const rest = this.membership({ ...chain, selection: undefined } as Chain, scope, element);
    const then = rest === undefined ? ts`` : ts`, (${element}) => ${rest}`;
    const date = ts`${this.names.handles(chain.record)}.${ident(chain.dated!.start)}`;
    return ts`${this.rt.value("select")}(c, ${this.source(chain, outer)}, ${this.member(inner, outer, element)}, ${date}, ${str(pick)}, ${count}${then})`;
  }

  /** Whether `element` belongs to the chain: its base list's test, then its filters, conjoined. */
  membership(chain: Chain, scope: readonly Ts[], element: Ts): Ts | undefined {
    if (chain.selection !== undefined) return ts`${this.selection(chain, scope, element)}(${element}, c)`;
    const tests = this.tests(chain, scope, element);
    return tests.length === 0 ? undefined : this.conjunction(tests);
  }

  /**
   * The body of a module-level membership function `(procedure, c) => ...` whose chain selects
   * nothing: its tests conjoined, as `membership` writes them; over a list field of the case
   * with three tests or more, a block that returns false once all but the last leave the element
   * out (Kleene: the conjunction is false whatever the last is), so an element they exclude is
   * read no further, unless a trace records reads (it lists every fact the tests read).
   */
  functionBody(chain: Chain, tests: readonly Ts[], element: Ts): Ts {
    if (tests.length < 3 || chain.source.kind !== "caseList") return this.conjunction(tests);
    const first = ident(localName("first", this.names.names, [element]));
    const lead = this.conjunction(tests.slice(0, -1));
    return ts`{\n  const ${first} = ${lead};\n  return ${first} === false && !c.tracing ? false : ${this.junction("and", [first, tests[tests.length - 1]!])};\n}`;
  }

  /** The tests of a chain that selects nothing: its base list's test, then its filters. */
  tests(chain: Chain, scope: readonly Ts[], element: Ts): Ts[] {
    const base = chain.base === undefined ? [] : [ts`${this.names.lists[chain.base]!}(${element}, c)`];
    // An `and` filter's operands join the conjunction: `and` is associative, and the operands are
    // evaluated in the same order either way.
    const tests = chain.filters.flatMap((filter) => {
      if (filter.kind === "where") {
        const condition = filter.condition;
        if (condition.kind === "junction" && condition.operator === "and") return condition.operands.map((operand) => this.write(operand, scope));
        return [this.write(condition, scope)];
      }
      if (filter.kind === "granted") return [ts`${this.rt.value("granted")}(c, ${element})`];
      if (filter.kind === "cut") {
        return [ts`${this.rt.value("cut")}(c, ${element}, ${this.names.handles(chain.record)}.${ident(chain.dated!.start)})`];
      }
      const window = ts`${this.names.windows[filter.window]!}(c)`;
      const read = (field: string) => this.read(chain.record, field, element);
      const { start, end } = chain.dated!;
      return [
        end === undefined
          ? ts`${this.rt.value("within")}(${read(start)}, ${window})`
          : ts`${this.rt.value("overlaps")}(${read(start)}, ${read(end)}, ${window})`,
      ];
    });
    return [...base, ...tests];
  }

  private conjunction(tests: readonly Ts[]): Ts {
    return tests.length === 1 ? tests[0]! : this.junction("and", tests);
  }

  /** A stored field of a record: `Procedure.code.read(c, procedure)`, the read its handle has for
   *  the field's shape (the runtime's `fieldsOf` gives each handle the read of its shape). */
  private read(record: string, field: string, target: Ts): Ts {
    return ts`${this.names.handles(record)}.${ident(field)}.read(c, ${target})`;
  }

  /** `and(a, b)`: its operands as arguments, or as one array past the most `and` takes. */
  junction(operator: "and" | "or", operands: readonly Ts[]): Ts {
    if (operands.length <= JUNCTION_ARITY) return ts`${this.rt.value(operator)}(${list(operands)})`;
    return ts`${this.rt.value(operator === "and" ? "andAll" : "orAll")}([${list(operands)}])`;
  }

  /** The module-level set a `oneOf` tests, declared once per distinct list of values. */
  private valueSet(expr: Extract<Expr, { kind: "oneOf" }>): Ts {
    const known = this.valueSets.find((set) => set.values.join("\u0000") === expr.values.join("\u0000"));
    if (known) return known.name;
    const operand = expr.operand.kind === "normaliseText" || expr.operand.kind === "normaliseCode" ? expr.operand.operand : expr.operand;
    const field = operand.kind === "field" ? operand.field : "allowed";
    const name = ident(this.names.names.claim(`${camelCase(field)}Values`));
    this.valueSets.push({ name, values: expr.values });
    return name;
  }

  /** The members of an ordered enum, declared once per enum at module level. */
  readonly rankTables: { name: Ts; members: readonly string[] }[] = [];

  private rankTable(enumeration: string, members: readonly string[]): Ts {
    const known = this.rankTables.find((table) => table.members.join("\u0000") === members.join("\u0000"));
    if (known) return known.name;
    const name = ident(this.names.names.claim(`${camelCase(enumeration)}Order`));
    this.rankTables.push({ name, members });
    return name;
  }

  /** A name for the element of a list let's function. */
  elementOf(chain: Chain): Ts {
    return this.elementName(chain, []);
  }

  private elementName(chain: Chain, scope: readonly Ts[]): Ts {
    return ident(localName(camelCase(chain.record), this.names.names, scope));
  }

  private element(scope: readonly Ts[], level: number): Ts {
    const name = scope[level];
    if (name === undefined) throw new Error(`internal error: no element bound at level ${level}`);
    return name;
  }
}

/** A number literal; a negative one in parentheses, so it reads as one operand anywhere. */
function number(value: number): Ts {
  return value < 0 ? ts`(${num(value)})` : num(value);
}
