// Every worked example in docs/semantics.md, evaluated with the runtime. A row is a table line
// under the header `| operation | inputs | result | why |`; the operation is one of the few pol
// forms the doc uses, its names bound by the inputs column. A row this file cannot read fails
// the test rather than being skipped, so the doc can only say what the runtime does.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as rt from "@pol/runtime";
import { CodeSet as AnyCodeSet } from "@pol/runtime";
import type { CalendarUnit, CompareOperator, CriterionEffect, CriterionSpec, Tri } from "@pol/runtime";

/** Every code: these rules apply by their `when` alone. */
const anyCode = new AnyCodeSet([], [""], []);

interface Row {
  line: number;
  operation: string;
  inputs: string;
  result: string;
}

const HEADER = "| operation | inputs | result | why |";

function rowsOf(markdown: string): Row[] {
  const rows: Row[] = [];
  let inTable = false;
  markdown.split("\n").forEach((text, index) => {
    if (text.trim() === HEADER) {
      inTable = true;
      return;
    }
    if (!inTable) return;
    if (!text.startsWith("|")) {
      inTable = false;
      return;
    }
    if (/^\|\s*-/.test(text)) return;
    const cells = text.split("|").slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, ""));
    expect(cells.length, `docs/semantics.md:${index + 1} has ${cells.length} cells`).toBe(4);
    rows.push({ line: index + 1, operation: cells[0]!, inputs: cells[1]!, result: cells[2]! });
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Inputs: `name = value; name = value`, values as the doc writes them

const unknownFact = (name: string) => new rt.Unknown([{ fact: name, label: name }]);

function scalar(text: string, name: string): unknown {
  if (text === "unknown") return unknownFact(name);
  if (text === "none") return null;
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    expect(rt.parseIsoDate(text), `invalid date ${text}`).toBe(text);
    return text;
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw new Error(`cannot read the value \`${text}\` of \`${name}\``);
}

function inputsOf(text: string): [string, string][] {
  if (text === "") return [];
  return text.split(";").map((binding) => {
    const match = /^\s*(\w+) = ?(.*?)\s*$/.exec(binding);
    if (match === null) throw new Error(`cannot read the input \`${binding}\``);
    return [match[1]!, match[2]!];
  });
}

type Bindings = Map<string, string>;

function get(bindings: Bindings, name: string): string {
  const value = bindings.get(name);
  if (value === undefined) throw new Error(`no input \`${name}\``);
  return value;
}

/** A list input: comma-separated members; `unknown list` is a list the case does not supply. */
function listOf(bindings: Bindings, name: string, element: (text: string) => Record<string, unknown>) {
  const text = get(bindings, name);
  if (text === "unknown list") return unknownFact(name);
  return text === "" ? [] : text.split(",").map((member) => element(member.trim()));
}

// ---------------------------------------------------------------------------------------------
// Operations

const UNIT = "(\\d+)(d|wk|mo|y)";
const OPERATOR = "(>=|<=|==|!=|>|<)";

function evaluate(operation: string, bindings: Bindings): unknown {
  const value = (name: string) => scalar(get(bindings, name), name);
  const dos = () => get(bindings, "dos");
  let m: RegExpExecArray | null;

  if ((m = /^not \((.+)\)$/.exec(operation))) return rt.not(evaluate(m[1]!, bindings) as Tri);
  if ((m = /^not (\w+)$/.exec(operation))) return rt.not(value(m[1]!) as Tri);
  if ((m = /^(\w+) (and|or) (\w+)$/.exec(operation))) {
    const operands = [value(m[1]!), value(m[3]!)] as Tri[];
    return m[2] === "and" ? rt.andAll(operands) : rt.orAll(operands);
  }
  if ((m = /^(all|any)\((.+)\)$/.exec(operation))) {
    const operands = m[2]!.split(",").map((name) => value(name.trim()) as Tri);
    return m[1] === "all" ? rt.andAll(operands) : rt.orAll(operands);
  }
  if ((m = new RegExp(`^(\\w+) ([+-]) ${UNIT}$`).exec(operation))) {
    return rt.shiftDate(value(m[1]!), m[2] === "+" ? 1 : -1, Number(m[3]), m[4] as CalendarUnit);
  }
  if ((m = /^(\w+) ([+\-*/]) (\d+)$/.exec(operation))) {
    return rt.arithmetic(m[2] as rt.ArithmeticOperator, value(m[1]!), Number(m[3]));
  }
  if ((m = new RegExp(`^(\\w+) within ${UNIT}$`).exec(operation))) {
    const unit = m[3] as CalendarUnit;
    return rt.inWindow(value(m[1]!), rt.windowStart(dos(), Number(m[2]), unit), dos());
  }
  if ((m = /^(\w+) within calendar year$/.exec(operation))) {
    return rt.within(value(m[1]!), rt.calendarYear(dos()));
  }
  if ((m = /^(\w+) within plan year$/.exec(operation))) {
    return rt.within(value(m[1]!), rt.planYear(dos(), value("plan_year_start")));
  }
  if ((m = new RegExp(`^time since (\\w+) ${OPERATOR} ${UNIT}$`).exec(operation))) {
    const elapsed = rt.since(value(m[1]!), dos());
    return rt.compareElapsed(elapsed, m[2] as CompareOperator, Number(m[3]), m[4] as CalendarUnit);
  }
  if ((m = new RegExp(`^time between (\\w+) and (\\w+) ${OPERATOR} ${UNIT}$`).exec(operation))) {
    const elapsed = rt.between(value(m[1]!), value(m[2]!));
    return rt.compareElapsed(elapsed, m[3] as CompareOperator, Number(m[4]), m[5] as CalendarUnit);
  }
  if ((m = /^latest (\w+)$/.exec(operation))) {
    const list = listOf(bindings, m[1]!, (text) => ({ date: scalar(text, `${m![1]}.date`) }));
    return rt.pick("latest", list, () => true, (element) => element.date);
  }
  if ((m = new RegExp(`^count (\\w+)(?: ${OPERATOR} (\\d+))?$`).exec(operation))) {
    const list = listOf(bindings, m[1]!, (text) => ({ member: scalar(text, `${m![1]} member`) }));
    const counted = rt.count(list, (element) => element.member as Tri);
    return m[2] === undefined ? counted : rt.compare(m[2] as CompareOperator, counted, Number(m[3]));
  }
  if ((m = /^count distinct k of (\w+)$/.exec(operation))) {
    const list = listOf(bindings, m[1]!, (text) => {
      const maybe = text.startsWith("maybe ");
      const key = maybe ? text.slice("maybe ".length) : text;
      return { member: maybe ? unknownFact(`${m![1]} member`) : true, key: scalar(key, `${m![1]}.key`) };
    });
    return rt.distinctCount(list as Record<string, unknown>[] | rt.Unknown, (element) => element.member as Tri, (element) => [element.key]);
  }
  if ((m = /^count distinct k, j of (\w+)$/.exec(operation))) {
    const list = listOf(bindings, m[1]!, (text) => {
      const [key, second] = text.split(" ");
      const side = (value: string) => (value === "unknown" ? unknownFact(`${m![1]}.j`) : value);
      return { key: scalar(key!, `${m![1]}.k`), second: side(second!) };
    });
    return rt.distinctCount(list as Record<string, unknown>[] | rt.Unknown, () => true, (element) => [element.key, element.second]);
  }
  if ((m = /^(earliest|latest) (\d+) of (\w+)$/.exec(operation))) {
    const name = m[3]!;
    const list = listOf(bindings, name, (text) => {
      const maybe = text.startsWith("maybe ");
      const date = maybe ? text.slice("maybe ".length) : text;
      return { member: maybe ? unknownFact(`${name} member`) : true, date: scalar(date, `${name}.date`) };
    }) as Record<string, unknown>[];
    const selected = rt.selectBy(list, (element) => element.member as Tri, (element) => element.date, m[1] as "earliest", Number(m[2]));
    return list.map((element) => shown(selected(element))).join(", ");
  }
  if ((m = new RegExp(`^coverage of (\\w+) within ${UNIT} ${OPERATOR} ${UNIT}$`).exec(operation))) {
    const list = listOf(bindings, m[1]!, (text) => {
      const [start, end] = text.split("..");
      return { start: scalar(start!, "start"), end: scalar(end!, "end") };
    });
    const window = { start: rt.windowStart(dos(), Number(m[2]), m[3] as CalendarUnit), end: dos() };
    const covered = rt.coverage(list, () => true, (e) => e.start, (e) => e.end, window);
    return rt.compare(m[4] as CompareOperator, covered, rt.spanDays(dos(), Number(m[5]), m[6] as CalendarUnit));
  }
  if ((m = new RegExp(`^(\\w+) ${OPERATOR} (\\w+)$`).exec(operation)) && bindings.has("order")) {
    const order = get(bindings, "order").split(" ");
    const member = (text: string, name: string) => (order.includes(text) ? text : scalar(text, name));
    return rt.compare(m[2] as CompareOperator, rt.rank(member(get(bindings, m[1]!), m[1]!), order), rt.rank(m[3]!, order));
  }
  if ((m = /^(\w+) (not )?in \{(.+)\}$/.exec(operation))) {
    const text = get(bindings, m[1]!);
    const value = ["unknown", "none"].includes(text) ? scalar(text, m[1]!) : text;
    const test = rt.oneOf(value, new Set(m[3]!.split(",").map((member) => member.trim())));
    return m[2] === undefined ? test : rt.not(test);
  }
  if ((m = /^documented (\w+)$/.exec(operation))) return rt.documented(value(m[1]!));
  if ((m = /^(\w+) in (\w+)$/.exec(operation))) {
    const text = get(bindings, m[1]!);
    const listText = get(bindings, m[2]!);
    const list = listText === "unknown list" ? unknownFact(m[2]!) : listText === "" ? [] : listText.split(",").map((v) => v.trim());
    return rt.inList(["unknown", "none"].includes(text) ? scalar(text, m[1]!) : text, list);
  }
  if ((m = new RegExp(`^(\\w+) ${OPERATOR} (\\d+)(h|d)$`).exec(operation))) {
    const days = (text: string) => rt.parseDuration(text) ?? scalar(text, m![1]!);
    return rt.compare(m[2] as CompareOperator, days(get(bindings, m[1]!)), rt.parseDuration(`${m[3]}${m[4]}`));
  }
  if ((m = /^(\w+) \+ (\w+)$/.exec(operation))) {
    return rt.shiftDays(value(m[1]!), 1, rt.parseDuration(get(bindings, m[2]!)));
  }
  if ((m = /^(\w+) of (\w+)$/.exec(operation)) && m[1] !== "coverage") {
    const table = new Map(
      get(bindings, m[1]!).split(",").map((entry) => {
        const [member, duration] = entry.trim().split(" ");
        return [member!, rt.parseDuration(duration!)] as const;
      }),
    );
    const text = get(bindings, m[2]!);
    const looked = rt.lookup(["unknown", "none"].includes(text) ? scalar(text, m[2]!) : text, table);
    return typeof looked === "number" ? `${Math.round(looked * 24)}h` : looked;
  }
  if ((m = new RegExp(`^coverage of (\\w+)(?: within ${UNIT})?$`).exec(operation))) {
    const list = listOf(bindings, m[1]!, (text) => {
      const [start, end] = text.split("..");
      return { start: scalar(start!, "start"), end: scalar(end!, "end") };
    });
    const window =
      m[2] === undefined ? null : { start: rt.windowStart(dos(), Number(m[2]), m[3] as CalendarUnit), end: dos() };
    return rt.coverage(list, () => true, (e) => e.start, (e) => e.end, window, dos());
  }
  if ((m = new RegExp(`^(\\w+) ${OPERATOR} (\\d+)$`).exec(operation))) {
    return rt.compare(m[2] as CompareOperator, value(m[1]!), Number(m[3]));
  }
  if (operation === "outcome") return outcome([...bindingsList(bindings)]);
  throw new Error(`no evaluator for the operation \`${operation}\``);
}

// `outcome` rows repeat names (`require = true; require = unknown`), so keep them in order.
const orderedInputs = new WeakMap<Bindings, [string, string][]>();
function bindingsList(bindings: Bindings): [string, string][] {
  return orderedInputs.get(bindings) ?? [...bindings];
}

/** The outcome of one line item under one rule whose criteria have the given conditions. */
function outcome(inputs: [string, string][]): string {
  let applies: Tri = true;
  const criteria: CriterionSpec[] = [];
  for (const [name, text] of inputs) {
    if (name === "applies") {
      applies = scalar(text, "applies") as Tri;
      continue;
    }
    if (name === "waiver") {
      // A waiver of every criterion before it.
      const waiver = scalar(text, "waiver") as Tri;
      for (let i = 0; i < criteria.length; i++) criteria[i] = { ...criteria[i]!, waivedBy: "waiver", waiver: () => waiver };
      continue;
    }
    const effect = name as CriterionEffect;
    expect(["require", "deny", "not_covered", "bundle", "authorization", "refer", "note", "approve"]).toContain(effect);
    const id = `${effect}${criteria.length + 1}`;
    const spec: CriterionSpec = { id, effect, citation: "1", description: id, line: 1 };
    if (text !== "always") {
      const condition = scalar(text, id) as Tri;
      criteria.push({ ...spec, condition: () => condition });
    } else {
      criteria.push(spec);
    }
  }
  const rule = { id: "rule", title: "rule", citation: "1", codes: [anyCode], when: () => applies, criteria };
  const policy: rt.PolicyInfo = {
    id: "doc.example",
    title: "example",
    payer: "example",
    number: "1",
    version: "1",
    effective: "2025-01-01",
    source: "docs/semantics.md",
    sourceHash: "0",
  };
  const schema: rt.SchemaDescriptor = {
    records: {
      case: { label: "case", fields: {} },
      item: { label: "line item", fields: { code: { type: "code", label: "code" } } },
    },
  };
  const input = { date_of_service: "2025-03-15", items: [{ code: "X" }] };
  return rt.determine(policy, schema, [rule], input).items[0]!.outcome;
}

/** A result as the doc writes it. */
function shown(value: unknown): string {
  if (value instanceof rt.Unknown) return "unknown";
  if (value === null) return "none";
  if (rt.isRange(value)) {
    const bound = (x: number) => (x === Infinity ? "∞" : x === -Infinity ? "-∞" : String(x));
    return `[${bound(value.lo)}, ${bound(value.hi)}]`;
  }
  if (typeof value === "object" && value !== null && "date" in value) return String(value.date);
  return String(value);
}

// ---------------------------------------------------------------------------------------------

const rows = rowsOf(readFileSync("docs/semantics.md", "utf8"));

describe("docs/semantics.md worked examples", () => {
  it("has worked examples for every topic", () => {
    const operations = rows.map((row) => row.operation);
    for (const form of [" and ", " or ", "latest ", " + ", " - ", " within ", "time since ", "time between ", "count ", "coverage of ", "outcome"]) {
      expect(operations.some((operation) => operation.includes(form)), form).toBe(true);
    }
  });

  it.each(rows.map((row) => [`line ${row.line}: ${row.operation} with ${row.inputs || "no inputs"}`, row] as const))(
    "%s",
    (_, row) => {
      const inputs = inputsOf(row.inputs);
      const bindings: Bindings = new Map(inputs);
      orderedInputs.set(bindings, inputs);
      expect(shown(evaluate(row.operation, bindings))).toBe(row.result);
    },
  );
});
