// Expressions to TypeScript, following the evaluation mapping shared with the interpreter
// (src/interpret/evaluate.ts): every operand is evaluated, left to right, through the same
// runtime calls, so both record the same reads in the same order. List chains are fused at
// compile time into one membership function per aggregate instead of view objects at run time.

import type { BinaryExpression, DurationLiteral, Expression, NameRef } from "../ast.js";
import { CASE_RECORD, type CheckedPolicy, type FieldModel } from "../model.js";
import type { Imports } from "./imports.js";
import type { RuntimeValueName } from "./runtime-names.js";
import { camelCase, commentText, localName, quote } from "./names.js";
import { windowKey, type Symbols } from "./symbols.js";

/** A compiled expression and what its users need to know to combine it. */
export interface Code {
  text: string;
  /** Statically typed `Tri`: usable as an operand of `and`/`or`/`not` without a cast. */
  tri: boolean;
  /** Never null (none) at run time: a read from a record that exists, a logic result, a literal. */
  nonNull: boolean;
  /** For an `and(...)`/`or(...)` call: its operands, so a nested call of the same kind splices in
   *  (Kleene conjunction and disjunction are associative, unknowns merge in the same order). */
  junction?: { operator: "and" | "or"; operands: string[] };
  /** A record of the case itself, typed as one: the case, the item or a list's element (never
   *  none or unknown), whose fields can be read as properties. */
  record?: boolean;
}

/** A list chain fused into one membership test over its elements. */
interface Chain {
  /** Record model of the elements. */
  record: string;
  /** The list: an array or an Unknown. */
  list: string;
  /** A `Member` the chain starts from (a list let's view), if any. */
  base?: string;
  /** Lambda parameter bound to the element. */
  element: string;
  /** Membership conditions over `element`, conjoined after `base`. */
  terms: Code[];
  /** The window for `coverage`: a `{ start, end }` expression or `null`. */
  window: string;
}

// Code for: a value that may be none (a read from a record that may not exist, a `latest` pick);
// a value that never is (a read from an element, the item or the case; literals; arithmetic,
// where nullness does not matter); a logic result, statically `Tri`.
const maybeNone = (text: string): Code => ({ text, tri: false, nonNull: false });
const present = (text: string): Code => ({ text, tri: false, nonNull: true });
const logic = (text: string): Code => ({ text, tri: true, nonNull: true });
const caseRecord = (text: string): Code => ({ text, tri: false, nonNull: true, record: true });

const FLIPPED = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" } as const;

export class ExpressionCompiler {
  /** What the compiled expressions reached, for the module to emit (and nothing else). */
  readonly letDecls = new Map<string, string>(); // by let name
  readonly computedDecls = new Map<string, string>(); // by `record.field`
  readonly windowsUsed = new Set<string>(); // window keys (`12mo`)
  readonly codeSetsUsed = new Set<string>();
  usesView = false;
  usesListOf = false;

  private readonly letRefs = new Map<string, Code>();
  /** While compiling a computed field: its scope's first name is the function's parameter, typed
   *  `unknown` (it may be none or unknown), so it is read through `field`. */
  private inComputedField = false;
  private readonly computedNonNull = new Map<string, boolean>();

  constructor(
    private readonly policy: CheckedPolicy,
    private readonly symbols: Symbols,
    private readonly imports: Imports,
  ) {}

  /** A condition as a `Tri` expression at the top level (a criterion, a rule's `when`). */
  condition(expr: Expression): Code {
    const code = this.value(expr, []);
    return code.tri ? code : { ...code, text: this.asTri(code), tri: true };
  }

  /** `and` of several conditions, nested `and`s spliced in. */
  conjunction(parts: Code[]): Code {
    return this.junction("and", parts);
  }

  codeSet(name: string): string {
    this.codeSetsUsed.add(name);
    return this.symbol(this.symbols.codeSets, name, "code set");
  }

  /** A record field read through the field read rule: computed fields are computed. */
  read(record: string, target: Code, name: string): Code {
    const model = this.fieldModel(record, name);
    if (model.computed) {
      const fn = this.computedFunction(record, model);
      const nonNull = target.nonNull && this.computedNonNull.get(`${record}.${name}`) === true;
      return { text: `${fn}(c, ${target.text})`, tri: false, nonNull };
    }
    const args = `c, ${quote(record)}, ${target.text}, ${quote(name)}`;
    if (target.record && model.type.kind !== "duration") {
      // The property load at the call site is specialised per site by V8, which a load inside
      // the shared `field` cannot be; `fieldValue` only handles what that load leaves open.
      return present(`${this.imports.value("fieldValue")}(${args}, ${target.text}.${name})`);
    }
    const text = `${this.imports.value("field")}(${args})`;
    return target.nonNull ? present(text) : maybeNone(text);
  }

  value(expr: Expression, scope: readonly string[]): Code {
    const rt = (name: RuntimeValueName) => this.imports.value(name);
    switch (expr.kind) {
      case "BooleanLiteral":
        return logic(String(expr.value));
      case "NumberLiteral":
      case "PercentLiteral":
        return present(String(expr.value));
      case "DateLiteral":
      case "StringLiteral":
        return present(quote(expr.value));
      case "DurationLiteral":
        return present(String(fixedDays(expr)));
      case "NameRef":
        return this.name(expr, scope);
      case "FieldAccess": {
        const target = this.value(expr.target, scope);
        const { record, field } = this.policy.fieldOf(expr);
        return this.read(record, target, field.name);
      }
      case "UnaryExpression": {
        const operand = this.value(expr.operand, scope);
        if (expr.operator === "not") return logic(`${rt("not")}(${this.asTri(operand)})`);
        // A negative literal reads as one; `negate` of a number is exactly its negation.
        if (isNumeric(expr.operand)) return present(`-${operand.text}`);
        return present(`${rt("negate")}(${operand.text})`);
      }
      case "BinaryExpression":
        return this.binary(expr, scope);
      case "InCodesExpression": {
        const operand = this.value(expr.operand, scope);
        const test = `${rt("inCodes")}(${operand.text}, ${this.codeSet(expr.codes.name)})`;
        return logic(expr.negated ? `${rt("not")}(${test})` : test);
      }
      case "AsPercentExpression":
        return present(`${rt("asPercent")}(${this.value(expr.operand, scope).text})`);
      case "GroupExpression": {
        const operands = expr.operands.map((operand) => this.value(operand, scope));
        return this.junction(expr.operator === "all" ? "and" : "or", operands);
      }
      case "CountExpression": {
        const chain = this.chain(expr.source, scope);
        return present(`${rt("count")}(${chain.list}, ${this.member(chain)})`);
      }
      case "QuantifierExpression": {
        const chain = this.chain(expr.source, scope);
        const fn = expr.quantifier === "some" ? "some" : "none";
        return logic(`${rt(fn)}(${chain.list}, ${this.member(chain)})`);
      }
      case "PickExpression": {
        const chain = this.chain(expr.source, scope);
        const date = this.elementRead(chain, this.dated(chain.record).start);
        return maybeNone(`${rt("pick")}(${quote(expr.pick)}, ${chain.list}, ${this.member(chain)}, ${date})`);
      }
      case "SumExpression": {
        const chain = this.chain(expr.source, scope);
        const summed = this.fieldModel(chain.record, expr.field.name);
        const value = this.elementRead(chain, summed.name);
        const nonNegative = summed.type.kind === "duration";
        return present(`${rt("sum")}(${chain.list}, ${this.member(chain)}, ${value}, ${nonNegative})`);
      }
      case "CoverageExpression": {
        const chain = this.chain(expr.source, scope);
        const { start, end } = this.dated(chain.record);
        if (end === undefined) throw internal(`coverage over \`${chain.record}\`, which is not an episode`, expr);
        const args = [chain.list, this.member(chain), this.elementRead(chain, start), this.elementRead(chain, end)];
        return present(`${rt("coverage")}(${args.join(", ")}, ${chain.window})`);
      }
      case "TimeSinceExpression":
        return present(`${rt("since")}(${this.value(expr.from, scope).text}, c.dos)`);
      case "TimeBetweenExpression": {
        const from = this.value(expr.from, scope);
        const to = this.value(expr.to, scope);
        return present(`${rt("between")}(${from.text}, ${to.text})`);
      }
      case "WhereExpression":
      case "WithinExpression":
        throw internal("a list chain used as a value", expr);
    }
  }

  private name(ref: NameRef, scope: readonly string[]): Code {
    const binding = this.policy.resolve(ref);
    switch (binding.kind) {
      case "element":
        return this.read(binding.record, this.elementCode(scope, binding.depth, ref), binding.field);
      case "let":
        return this.letRef(binding.name);
      case "caseField":
        // Through the field read rule, so a computed case field is computed, as the interpreter does.
        return this.read(CASE_RECORD, caseRecord("c.input"), binding.field);
      case "item":
        return caseRecord("c.item");
      case "dos":
        return present("c.dos");
      case "enumMember":
        return present(quote(binding.member));
      case "items":
      case "otherItems":
        throw internal(`the list \`${ref.name}\` used as a value`, ref);
    }
  }

  private binary(expr: BinaryExpression, scope: readonly string[]): Code {
    const { operator, left, right } = expr;
    const rt = (name: RuntimeValueName) => this.imports.value(name);
    switch (operator) {
      case "and":
      case "or":
        return this.junction(operator, [this.value(left, scope), this.value(right, scope)]);
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const kindOf = (e: Expression) => this.policy.typeOf(e).kind;
        if (kindOf(left) === "elapsed" && right.kind === "DurationLiteral") {
          const elapsed = this.value(left, scope);
          return logic(`${rt("compareElapsed")}(${elapsed.text}, ${quote(operator)}, ${right.amount}, ${quote(right.unit)})`);
        }
        if (kindOf(right) === "elapsed" && left.kind === "DurationLiteral") {
          // `2mo <= time since x` is `time since x >= 2mo`.
          const elapsed = this.value(right, scope);
          const flipped = FLIPPED[operator];
          return logic(`${rt("compareElapsed")}(${elapsed.text}, ${quote(flipped)}, ${left.amount}, ${quote(left.unit)})`);
        }
        const l = this.value(left, scope);
        const r = this.value(right, scope);
        return logic(`${rt("compare")}(${quote(operator)}, ${l.text}, ${r.text})`);
      }
      case "+":
      case "-": {
        const sign = operator === "+" ? "1" : "-1";
        const leftKind = this.policy.typeOf(left).kind;
        const rightKind = this.policy.typeOf(right).kind;
        if (leftKind === "date" && right.kind === "DurationLiteral") {
          const date = this.value(left, scope);
          return present(`${rt("shiftDate")}(${date.text}, ${sign}, ${right.amount}, ${quote(right.unit)})`);
        }
        if (leftKind === "date" && rightKind === "duration") {
          const date = this.value(left, scope);
          const days = this.value(right, scope);
          // The runtime takes an unknown or none amount too, and propagates it.
          return present(`${rt("shiftDate")}(${date.text}, ${sign}, ${days.text} as number, "d")`);
        }
        const l = this.value(left, scope);
        const r = this.value(right, scope);
        if (operator === "-" && leftKind === "date" && rightKind === "date") {
          return present(`${rt("dateDifference")}(${l.text}, ${r.text})`);
        }
        return present(`${rt("arithmetic")}(${quote(operator)}, ${l.text}, ${r.text})`);
      }
      case "*":
      case "/": {
        const l = this.value(left, scope);
        const r = this.value(right, scope);
        return present(`${rt("arithmetic")}(${quote(operator)}, ${l.text}, ${r.text})`);
      }
    }
  }

  private junction(operator: "and" | "or", parts: Code[]): Code {
    const operands = parts.flatMap((part) =>
      part.junction?.operator === operator ? part.junction.operands : [this.asTri(part)],
    );
    return { ...logic(`${this.imports.value(operator)}(${operands.join(", ")})`), junction: { operator, operands } };
  }

  private asTri(code: Code): string {
    return code.tri ? code.text : `${code.text} as ${this.imports.type("Tri")}`;
  }

  // -------------------------------------------------------------------------------------------
  // List chains

  private chain(expr: Expression, scope: readonly string[]): Chain {
    switch (expr.kind) {
      case "WhereExpression": {
        const chain = this.chain(expr.source, scope);
        const condition = this.value(expr.condition, [...scope, chain.element]);
        return { ...chain, terms: [...chain.terms, condition] };
      }
      case "WithinExpression": {
        const chain = this.chain(expr.source, scope);
        const window = `${this.window(expr.window)}(c)`;
        const { start, end } = this.dated(chain.record);
        const element = caseRecord(chain.element);
        const from = this.read(chain.record, element, start).text;
        const test =
          end === undefined
            ? `${this.imports.value("inWindow")}(${from}, ${window}.start, ${window}.end)`
            : `${this.imports.value("overlapsWindow")}(${from}, ${this.read(chain.record, element, end).text}, ${window}.start, ${window}.end)`;
        return { ...chain, terms: [...chain.terms, logic(test)], window };
      }
      case "NameRef":
        return this.chainBase(expr, scope);
      case "FieldAccess": {
        // A list field of a record value (the case's lists are reached through bare names).
        const target = this.value(expr.target, scope);
        const { record, field } = this.policy.fieldOf(expr);
        return this.start(expr, scope, this.listOf(this.read(record, target, field.name)));
      }
      default:
        throw internal(`\`${expr.kind}\` used as a list`, expr);
    }
  }

  private chainBase(ref: NameRef, scope: readonly string[]): Chain {
    const binding = this.policy.resolve(ref);
    switch (binding.kind) {
      case "caseField":
        return this.start(ref, scope, `${this.imports.value("list")}(c, ${quote(binding.field)})`);
      case "items":
        return this.start(ref, scope, `${this.imports.value("list")}(c, "items")`);
      case "otherItems":
        return this.start(ref, scope, "c.otherItems");
      case "let": {
        const view = this.letRef(binding.name).text;
        const chain = this.start(ref, scope, `${view}.list`);
        return { ...chain, base: `${view}.member`, window: `${view}.window` };
      }
      case "element": {
        const element = this.elementCode(scope, binding.depth, ref);
        return this.start(ref, scope, this.listOf(this.read(binding.record, element, binding.field)));
      }
      default:
        throw internal(`\`${ref.name}\` used as a list`, ref);
    }
  }

  /** A chain over every element of `list`; the element is named after its record. */
  private start(expr: Expression, scope: readonly string[], list: string): Chain {
    const type = this.policy.typeOf(expr);
    if (type.kind !== "list") throw internal("expected a list", expr);
    const element = localName(camelCase(type.element), this.symbols.names, scope);
    return { record: type.element, list, element, terms: [], window: "null" };
  }

  /** The chain's membership function: its base's membership and its conditions, conjoined. */
  private member(chain: Chain): string {
    if (chain.terms.length === 0) return chain.base ?? "() => true";
    const terms = chain.base ? [logic(`${chain.base}(${chain.element})`), ...chain.terms] : chain.terms;
    const only = terms.length === 1 ? terms[0] : undefined;
    // `and(true, x)` is `x` whenever x is never none: a none condition must still go through `and`.
    const body = only?.nonNull ? this.asTri(only) : this.junction("and", terms).text;
    return `(${chain.element}) => ${body}`;
  }

  /** `(element) => <read of field>` over the chain's elements. */
  private elementRead(chain: Chain, field: string): string {
    return `(${chain.element}) => ${this.read(chain.record, caseRecord(chain.element), field).text}`;
  }

  private listOf(read: Code): string {
    this.usesListOf = true;
    this.imports.value("isUnknown");
    this.imports.type("Unknown");
    return `listOf(${read.text})`;
  }

  private window(literal: DurationLiteral): string {
    const key = windowKey(literal);
    const entry = this.symbols.windows.get(key);
    if (!entry) throw internal(`no name for the window \`${key}\``, literal);
    this.windowsUsed.add(key);
    return entry.name;
  }

  // -------------------------------------------------------------------------------------------
  // Lets and computed fields, compiled on first use

  private letRef(name: string): Code {
    const known = this.letRefs.get(name);
    if (known) return known;
    const entry = this.policy.lets.find((candidate) => candidate.name === name);
    if (!entry) throw new Error(`internal error: unknown let \`${name}\``);
    const fn = this.symbol(this.symbols.lets, name, "let");
    const doc = `/** ${commentText(entry.label)} */\n`;
    const ref = this.compiling(false, () => this.letFunctions(entry, fn, doc));
    this.letRefs.set(name, ref);
    return ref;
  }

  private letFunctions(entry: CheckedPolicy["lets"][number], fn: string, doc: string): Code {
    const context = this.imports.type("Context");
    let ref: Code;
    if (entry.type.kind === "list") {
      this.usesView = true;
      const chain = this.chain(entry.decl.value, []);
      const view = `{ list: ${chain.list}, member: ${this.member(chain)}, window: ${chain.window} }`;
      this.letDecls.set(entry.name, cachedFunctions(this.symbols, context, entry.name, doc, fn, ": View", `(${view})`));
      ref = logic(`${fn}(c)`);
    } else if (entry.type.kind === "bool") {
      const body = this.value(entry.decl.value, []);
      const tri = this.imports.type("Tri");
      this.letDecls.set(entry.name, cachedFunctions(this.symbols, context, entry.name, doc, fn, `: ${tri}`, this.asTri(body)));
      ref = { text: `${fn}(c)`, tri: true, nonNull: body.nonNull };
    } else {
      const body = this.value(entry.decl.value, []);
      this.letDecls.set(entry.name, cachedFunctions(this.symbols, context, entry.name, doc, fn, "", body.text));
      ref = { text: `${fn}(c)`, tri: false, nonNull: body.nonNull };
    }
    return ref;
  }

  private computedFunction(record: string, model: FieldModel): string {
    const key = `${record}.${model.name}`;
    const fn = this.symbol(this.symbols.computed, key, "computed field");
    if (this.computedDecls.has(key) || !model.computed) return fn;
    // Reserve the entry first: a computed field never refers to itself, but be safe against loops.
    this.computedDecls.set(key, "");
    const param = localName(camelCase(record), this.symbols.names, []);
    const body = this.compiling(true, () => this.value(model.computed!, [param]));
    this.computedNonNull.set(key, body.nonNull);
    const context = this.imports.type("Context");
    const isUnknown = this.imports.value("isUnknown");
    this.computedDecls.set(
      key,
      `/** ${commentText(model.label)} */\n` +
        `function ${fn}(c: ${context}, ${param}: unknown): unknown {\n` +
        `  // A computed field of a record that is none or unknown is none or unknown itself.\n` +
        `  if (${param} === null || ${isUnknown}(${param})) return ${param};\n` +
        `  return ${body.text};\n}`,
    );
    return fn;
  }

  // -------------------------------------------------------------------------------------------
  // Lookups

  /** An element in scope as code: a typed record, except a computed field's parameter. */
  private elementCode(scope: readonly string[], depth: number, ref: NameRef): Code {
    const name = this.element(scope, depth, ref);
    const isParameter = this.inComputedField && depth === scope.length - 1;
    return isParameter ? present(name) : caseRecord(name);
  }

  /** `compile()` with `inComputedField` set as given (a let reached from a computed field is not one). */
  private compiling<T>(inComputedField: boolean, compile: () => T): T {
    const outer = this.inComputedField;
    this.inComputedField = inComputedField;
    try {
      return compile();
    } finally {
      this.inComputedField = outer;
    }
  }

  private element(scope: readonly string[], depth: number, ref: NameRef): string {
    const name = scope[scope.length - 1 - depth];
    if (name === undefined) throw internal(`\`${ref.name}\` refers to an element outside any \`where\``, ref);
    return name;
  }

  private fieldModel(record: string, field: string): FieldModel {
    const model = this.policy.schema.records.get(record)?.fields.get(field);
    if (!model) throw new Error(`internal error: unknown field \`${record}.${field}\``);
    return model;
  }

  private dated(record: string): { start: string; end?: string } {
    const dated = this.policy.schema.records.get(record)?.dated;
    if (!dated) throw new Error(`internal error: record \`${record}\` has no date`);
    return dated;
  }

  private symbol(table: Map<string, string>, key: string, what: string): string {
    const name = table.get(key);
    if (name === undefined) throw new Error(`internal error: no name for ${what} \`${key}\``);
    return name;
  }
}

/**
 * A value computed at most once per line item: `fn` reads it from its `Context.cached` slot and
 * the module-level `compute...` function computes it, so a use allocates nothing.
 */
export function cachedFunctions(
  symbols: Symbols,
  context: string,
  key: string,
  doc: string,
  fn: string,
  returnType: string,
  body: string,
): string {
  const cache = symbols.caches.get(key);
  if (cache === undefined) throw new Error(`internal error: no cache slot for \`${key}\``);
  return (
    `${doc}function ${fn}(c: ${context})${returnType} {\n  return c.cached(${cache.slot}, ${cache.compute});\n}\n\n` +
    `function ${cache.compute}(c: ${context})${returnType} {\n  return ${body};\n}`
  );
}

function isNumeric(expr: Expression): boolean {
  return expr.kind === "NumberLiteral" || expr.kind === "PercentLiteral" || expr.kind === "DurationLiteral";
}

/** A fixed duration literal as a value: days. Calendar literals are never values. */
function fixedDays(literal: DurationLiteral): number {
  if (literal.unit === "d") return literal.amount;
  if (literal.unit === "wk") return literal.amount * 7;
  throw internal("a calendar duration used as a value", literal);
}

function internal(message: string, expr: Expression): Error {
  const { file, start } = expr.span;
  return new Error(`internal error: ${message} at ${file}:${start.line}:${start.column}`);
}
