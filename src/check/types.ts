// Expression typing: every expression gets a Type, every bare name a Binding, every `a.b` its
// field. A node already reported gets the `error` type, and no rule complains about an `error`
// operand, so one mistake yields one diagnostic.

import type { BinaryExpression, DurationLiteral, Expression, FieldAccess, Identifier, LetDecl, NameRef, RuleDecl, Span, YearWindow } from "../ast.js";
import {
  diagnostic,
  fromProblem,
  suggest,
  type Diagnostic,
  type DiagnosticCode,
  type HelpArgs,
  type MessageArgs,
  type Suggestion,
} from "../diagnostics.js";
import { CASE_RECORD, ITEM_RECORD, PLAN_YEAR_START, windowText, type Binding, type RecordModel, type Type } from "../model.js";
import type { Facts } from "./facts.js";
import { Excerpts, typeName } from "./format.js";
import { arithmetic, comparison, negation, sameType, type Operand, type OperatorResult } from "./operators.js";
import type { Environment } from "./schema.js";
import {
  elementsWithField,
  globalName,
  lookupName,
  namedElementWithField,
  TOP_SCOPE,
  visibleNames,
  withElement,
  type Scope,
} from "./scope.js";

export interface CheckedLet {
  decl: LetDecl;
  name: string;
  label: string;
  type: Type;
  dependsOnItem: boolean;
}

type LetState = { status: "checking" } | { status: "done"; type: Type; dependsOnItem: boolean };

const ERROR: Type = { kind: "error" };
const BOOL: Type = { kind: "bool" };
const NUMBER: Type = { kind: "number" };

export class ExpressionChecker {
  /** Lets in dependency order, filled as each finishes. */
  readonly lets: CheckedLet[] = [];
  private readonly letStates = new Map<string, LetState>();
  /** The lets being inferred, innermost last, each noting whether it reads the line item. */
  private readonly letStack: { name: string; dependsOnItem: boolean }[] = [];
  /** While checking a computed field, `Record.field`; references to other computed fields are
   *  collected so a field computed from itself is caught before it loops at run time. */
  private computedField: string | undefined;
  private readonly computedReferences = new Map<string, { target: string; span: Span }[]>();
  /** The `where` steps whose element an aggregate names (`some v in visits where ...`). */
  private readonly elementNames = new Map<Expression, string>();

  constructor(
    private readonly env: Environment,
    private readonly facts: Facts,
    private readonly diagnostics: Diagnostic[],
    private readonly excerpts: Excerpts,
  ) {}

  /** Infer every let, in declaration order; each one's dependencies are inferred first. */
  checkLets(): void {
    for (const name of this.env.lets.keys()) this.inferLet(name);
  }

  /** A computed field is checked with its record's fields in scope and must have its declared type. */
  checkComputedField(record: RecordModel, field: { name: string; type: Type }, expression: Expression): void {
    this.computedField = `${record.name}.${field.name}`;
    const actual = this.check(expression, { elements: [{ record: record.name }], recordOnly: true });
    this.computedField = undefined;
    if (actual.kind === "error" || field.type.kind === "error" || sameType(actual, field.type)) return;
    this.report(
      "POL3012",
      expression.span,
      { field: field.name, declared: typeName(field.type), actual: typeName(actual) },
      field.type.kind === "percent" && actual.kind === "number" ? { help: "percent" } : undefined,
    );
  }

  /** Report each computed field that refers to itself, directly or through other computed fields. */
  checkComputedCycles(): void {
    const state = new Map<string, "visiting" | "done">();
    const visit = (field: string, path: string[]): void => {
      state.set(field, "visiting");
      for (const { target, span } of this.computedReferences.get(field) ?? []) {
        if (state.get(target) === "visiting") {
          const cycle = [...path.slice(path.indexOf(target)), target].map((f) => `\`${f}\``).join(" -> ");
          this.report("POL2017", span, { field: target, cycle });
        } else if (!state.has(target)) visit(target, [...path, target]);
      }
      state.set(field, "done");
    };
    for (const field of this.computedReferences.keys()) if (!state.has(field)) visit(field, [field]);
  }

  private noteComputedReference(record: string, field: string, span: Span): void {
    if (!this.computedField || !this.env.schema.records.get(record)?.fields.get(field)?.computed) return;
    const references = this.computedReferences.get(this.computedField) ?? [];
    references.push({ target: `${record}.${field}`, span });
    this.computedReferences.set(this.computedField, references);
  }

  /** Type `expression` as a condition: it must be a `bool`. */
  checkCondition(expression: Expression, scope: Scope = TOP_SCOPE): Type {
    const type = this.check(expression, scope);
    if (type.kind === "bool" || type.kind === "error") return type;
    const text = this.excerpts.of(expression);
    this.report("POL3005", expression.span, { text, type: typeName(type) }, conditionHelp(type, text));
    return ERROR;
  }

  check(expression: Expression, scope: Scope, expected?: Type): Type {
    const type = this.infer(expression, scope, expected);
    this.facts.types.set(expression, type);
    return type;
  }

  private infer(e: Expression, scope: Scope, expected: Type | undefined): Type {
    switch (e.kind) {
      case "BooleanLiteral":
        return BOOL;
      case "NumberLiteral":
        return NUMBER;
      case "PercentLiteral":
        if (e.value < 0 || e.value > 100) {
          const written = e.text.endsWith("%") ? e.text : `${e.text}%`;
          this.report("POL3002", e.span, { text: written });
        }
        return { kind: "percent" };
      case "DurationLiteral":
        return durationType(e);
      case "DateLiteral":
        return { kind: "date" };
      case "StringLiteral":
        return { kind: "text" };
      case "NameRef":
        return this.name(e, scope, expected);
      case "FieldAccess":
        return this.fieldAccess(e, scope);
      case "UnaryExpression":
        if (e.operator === "not") {
          this.checkCondition(e.operand, scope);
          return BOOL;
        }
        return this.operator(negation(this.check(e.operand, scope)), e.span, this.facts.types.get(e.operand));
      case "BinaryExpression":
        return this.binary(e, scope);
      case "InCodesExpression": {
        if (!this.env.codeSets.has(e.codes.name) && lookupName(this.env, scope, e.codes.name) !== undefined) {
          // `level in levels`: a name that is no code set but a value in scope, a list of values.
          const list: NameRef = { kind: "NameRef", name: e.codes.name, span: e.codes.span };
          this.facts.memberships.set(e, list);
          this.inList(e.operand, list, scope);
          return BOOL;
        }
        const operand = this.check(e.operand, scope);
        if (operand.kind !== "code" && operand.kind !== "error") {
          this.report(
            "POL3008",
            e.operand.span,
            { text: this.excerpts.of(e.operand), type: typeName(operand) },
            operand.kind === "record" && operand.name === ITEM_RECORD ? { help: "item" } : undefined,
          );
        }
        this.checkCodeSetName(e.codes.name, e.codes.span);
        return BOOL;
      }
      case "AsOfExpression":
        return this.asOf(e, scope);
      case "AsPercentExpression": {
        const operand = this.check(e.operand, scope);
        if (operand.kind === "number" || operand.kind === "error") return operand.kind === "error" ? ERROR : { kind: "percent" };
        this.report("POL3022", e.operand.span, { text: this.excerpts.of(e.operand), type: typeName(operand) });
        return ERROR;
      }
      case "GroupExpression":
        for (const operand of e.operands) this.checkCondition(operand, scope);
        return BOOL;
      case "WhereExpression": {
        const source = this.list(e.source, scope, "`where`");
        if (!source) return ERROR;
        this.checkCondition(e.condition, withElement(scope, source.element, this.elementNames.get(e)));
        return source;
      }
      case "WithinExpression":
        return this.within(e.source, e.window, scope);
      case "CountExpression": {
        this.nameElement(e.element, e.source, scope);
        const source = this.list(e.source, scope, "`count`");
        if (source && e.distinct) this.distinctKeys(e.distinct, source.element);
        return NUMBER;
      }
      case "QuantifierExpression":
        this.nameElement(e.element, e.source, scope);
        this.list(e.source, scope, `\`${e.quantifier}\``);
        return BOOL;
      case "PickExpression": {
        this.nameElement(e.element, e.source, scope);
        const source = this.list(e.source, scope, `\`${e.pick}\``);
        if (!source || !this.dated(e.source, source.element, `\`${e.pick}\` picks by date`)) return ERROR;
        return { kind: "record", name: source.element, optional: true };
      }
      case "SelectExpression": {
        this.nameElement(e.element, e.source, scope);
        const user = `\`${e.pick} ${e.count.text} of\``;
        const source = this.list(e.source, scope, user);
        if (!source || !this.dated(e.source, source.element, `${user} picks by date`)) return ERROR;
        return source;
      }
      case "DocumentedExpression":
        this.documented(e.operand, scope);
        return BOOL;
      case "LookupExpression":
        return this.lookup(e, scope);
      case "InSetExpression":
        this.memberSet(e, scope);
        return BOOL;
      case "InListExpression":
        this.inList(e.operand, e.list, scope);
        return BOOL;
      case "SumExpression": {
        const source = this.list(e.source, scope, "`sum`");
        if (!source) return ERROR;
        const record = this.env.schema.records.get(source.element)!;
        const field = record.fields.get(e.field.name);
        if (!field) return this.unknownField(e.field.name, e.field.span, record);
        if (field.type.kind === "number" || field.type.kind === "duration") return field.type;
        if (field.type.kind !== "error") {
          this.report("POL3011", e.field.span, { field: e.field.name, type: typeName(field.type) });
        }
        return ERROR;
      }
      case "CoverageExpression": {
        const source = this.list(e.source, scope, "`coverage`");
        if (!source) return { kind: "duration" };
        const record = this.env.schema.records.get(source.element)!;
        if (!record.dated?.end) {
          this.report("POL3010", e.source.span, { record: record.name }, { record: record.name });
        }
        return { kind: "duration" };
      }
      case "TimeSinceExpression":
        this.date(e.from, scope, "`time since`");
        return { kind: "elapsed" };
      case "TimeBetweenExpression":
        this.date(e.from, scope, "`time between`");
        this.date(e.to, scope, "`time between`");
        return { kind: "elapsed" };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Names and fields

  private name(e: NameRef, scope: Scope, expected: Type | undefined): Type {
    const binding = lookupName(this.env, scope, e.name);
    if (binding) {
      this.facts.bindings.set(e, binding);
      if (binding.kind === "element") {
        const records = elementsWithField(this.env, scope, e.name);
        if (records.length > 1) {
          this.report("POL2023", e.span, { name: e.name, records: records.map((r) => `\`${r}\``).join(" inside ") }, { name: e.name });
          return ERROR;
        }
      }
      return this.bindingType(binding, e);
    }
    const named = namedElementWithField(this.env, scope, e.name);
    if (named !== undefined) {
      this.report("POL2025", e.span, { name: e.name, element: named });
      return ERROR;
    }
    if (expected?.kind === "error") return ERROR; // the other operand is already reported
    if (this.env.lost.has(e.name)) return ERROR; // declared where a syntax error struck
    if (expected?.kind === "enum") {
      const members = this.env.schema.enums.get(expected.name)?.members ?? [];
      if (members.includes(e.name)) {
        this.facts.bindings.set(e, { kind: "enumMember", enum: expected.name, member: e.name });
        return expected;
      }
      const help = suggest(e.name, members) ?? { enum: expected.name, members: members.map((m) => `\`${m}\``).join(", ") };
      this.report("POL2009", e.span, { name: e.name, enum: expected.name }, help);
      return ERROR;
    }
    this.report("POL2001", e.span, { name: e.name }, this.unknownNameHelp(e.name, scope));
    return ERROR;
  }

  private unknownNameHelp(name: string, scope: Scope): HelpArgs<"POL2001"> | Suggestion | undefined {
    const close = suggest(name, visibleNames(this.env, scope));
    if (close) return close;
    const enumeration = [...this.env.schema.enums.values()].find((en) => en.members.includes(name));
    if (enumeration) return { help: "enumMember", name, enum: enumeration.name };
    if (this.env.codeSets.has(name)) return { help: "codeSet", name };
    if (scope.recordOnly) return { help: "recordOnly" };
    return undefined;
  }

  private bindingType(binding: Binding, at: NameRef): Type {
    const frame = this.letStack[this.letStack.length - 1];
    switch (binding.kind) {
      case "element":
        this.noteComputedReference(binding.record, binding.field, at.span);
        return this.env.schema.records.get(binding.record)!.fields.get(binding.field)!.type;
      case "namedElement":
        return { kind: "record", name: binding.record, optional: false };
      case "caseField":
        return this.env.schema.records.get("case")!.fields.get(binding.field)!.type;
      case "let": {
        const state = this.inferLet(binding.name, at);
        if (frame && state.dependsOnItem) frame.dependsOnItem = true;
        return state.type;
      }
      case "item":
        if (frame) frame.dependsOnItem = true;
        return { kind: "record", name: ITEM_RECORD, optional: false };
      case "otherItems":
      case "earlierItems":
        if (frame) frame.dependsOnItem = true;
        return { kind: "list", element: ITEM_RECORD };
      case "items":
        return { kind: "list", element: ITEM_RECORD };
      case "dos":
        return { kind: "date" };
      case "enumMember":
        return { kind: "enum", name: binding.enum };
    }
  }

  private inferLet(name: string, reference?: NameRef): { type: Type; dependsOnItem: boolean } {
    const state = this.letStates.get(name);
    if (state?.status === "done") return state;
    if (state?.status === "checking") {
      const names = this.letStack.map((frame) => frame.name);
      const path = names.slice(names.indexOf(name));
      const cycle = [...path, name].map((n) => `\`${n}\``).join(" -> ");
      this.report("POL2008", reference!.span, { name, cycle });
      return { type: ERROR, dependsOnItem: false };
    }
    const decl = this.env.lets.get(name)!;
    this.letStates.set(name, { status: "checking" });
    const frame = { name, dependsOnItem: false };
    this.letStack.push(frame);
    const type = this.check(decl.value, TOP_SCOPE);
    this.letStack.pop();
    const done = { status: "done" as const, type, dependsOnItem: frame.dependsOnItem };
    this.letStates.set(name, done);
    this.lets.push({ decl, name, label: decl.label?.value ?? name, type, dependsOnItem: frame.dependsOnItem });
    return done;
  }

  private fieldAccess(e: FieldAccess, scope: Scope): Type {
    const qualified = this.qualifiedMember(e, scope);
    if (qualified) return qualified;
    const target = this.check(e.target, scope);
    if (target.kind === "error") return ERROR;
    if (target.kind !== "record") {
      const text = this.excerpts.of(e.target);
      const field = e.field.name;
      const help = target.kind === "list" ? { help: "list" as const, text, field } : undefined;
      this.report("POL3007", e.target.span, { text, type: typeName(target), field }, help);
      return ERROR;
    }
    const record = this.env.schema.records.get(target.name)!;
    const field = record.fields.get(e.field.name);
    if (!field) return this.unknownField(e.field.name, e.field.span, record);
    this.facts.fields.set(e, { record: record.name, field });
    this.noteComputedReference(record.name, field.name, e.field.span);
    return field.type;
  }

  /** `Kind.member`: an enum's name (that no let or field hides) and one of its members. */
  private qualifiedMember(e: FieldAccess, scope: Scope): Type | undefined {
    if (e.target.kind !== "NameRef" || lookupName(this.env, scope, e.target.name) !== undefined) return undefined;
    const enumeration = this.env.schema.enums.get(e.target.name);
    if (!enumeration) return undefined;
    const member = e.field.name;
    if (!enumeration.members.includes(member)) {
      const members = enumeration.members.map((m) => `\`${m}\``).join(", ");
      this.report("POL2009", e.field.span, { name: member, enum: enumeration.name }, suggest(member, enumeration.members) ?? { enum: enumeration.name, members });
      return ERROR;
    }
    this.facts.members.set(e, { enum: enumeration.name, member });
    return { kind: "enum", name: enumeration.name };
  }

  private unknownField(name: string, span: Span, record: RecordModel): Type {
    const fields = [...record.fields.keys()].map((f) => `\`${f}\``).join(", ");
    const help = suggest(name, record.fields.keys()) ?? { record: record.name, fields };
    this.report("POL2002", span, { field: name, record: record.name }, record.fields.size > 0 ? help : undefined);
    return ERROR;
  }

  /** A code set named by `in CODESET` or by a rule's `for CODESET` must be declared. */
  checkCodeSetName(name: string, span: Span): void {
    if (this.env.codeSets.has(name) || this.env.lost.has(name)) return;
    this.report("POL2003", span, { name }, suggest(name, this.env.codeSets.keys()));
  }

  // -------------------------------------------------------------------------------------------
  // Operators

  private binary(e: BinaryExpression, scope: Scope): Type {
    switch (e.operator) {
      case "and":
      case "or":
        this.checkCondition(e.left, scope);
        this.checkCondition(e.right, scope);
        return BOOL;
      case "+":
      case "-":
      case "*":
      case "/": {
        const left = this.check(e.left, scope);
        const right = this.check(e.right, scope);
        if (left.kind === "error" || right.kind === "error") return ERROR;
        if (left.kind === "date" && e.right.kind === "DurationLiteral" && e.right.unit === "h") {
          this.report("POL3043", e.right.span, { text: this.excerpts.of(e.right), user: "a date" });
          return ERROR;
        }
        return this.operator(arithmetic(e.operator, left, right), e.span);
      }
      default: {
        const [left, right] = this.operands(e, scope);
        if (left.type.kind === "error" || right.type.kind === "error") return BOOL;
        const ordering = e.operator !== "==" && e.operator !== "!=";
        if (ordering && left.type.kind === "enum" && sameType(left.type, right.type)) {
          const enumeration = this.env.schema.enums.get(left.type.name);
          if (enumeration?.ordered) return BOOL;
          this.report("POL3036", e.operatorSpan, { operator: e.operator, enum: left.type.name }, { enum: left.type.name });
          return BOOL;
        }
        const hours = [e.left, e.right].find((side) => side.kind === "DurationLiteral" && side.unit === "h");
        if (hours !== undefined && (left.type.kind === "elapsed" || right.type.kind === "elapsed")) {
          this.report("POL3043", hours.span, { text: this.excerpts.of(hours), user: "elapsed time between dates" });
          return BOOL;
        }
        const months = this.coverageInMonths(e.left, e.right) ?? this.coverageInMonths(e.right, e.left);
        if (months !== undefined) return BOOL;
        const result = this.operator(comparison(e.operator, left, right), e.span);
        if (result.kind !== "error") this.freeText(e, left, right);
        return result;
      }
    }
  }

  /** Type both sides of a comparison. A bare name that resolves to nothing else is read as a member
   *  of the other side's enum (`item.purpose == therapeutic`), so that side is typed first. */
  private operands(e: BinaryExpression, scope: Scope): [Operand, Operand] {
    // A name that is also an enum member is typed last, so that a clash with the other side's
    // enum is reported as such (POL2036), not as whatever its own meaning leads to.
    const typedLast = (x: Expression) =>
      x.kind === "NameRef" && (lookupName(this.env, scope, x.name) === undefined || this.isEnumMember(x.name));
    let left: Type;
    let right: Type;
    if (typedLast(e.left) && !typedLast(e.right)) {
      right = this.check(e.right, scope);
      left = this.memberClash(e.left, right, scope) ?? this.check(e.left, scope, right);
    } else {
      left = this.check(e.left, scope);
      right = this.memberClash(e.right, left, scope) ?? this.check(e.right, scope, left);
    }
    return [this.operand(e.left, left), this.operand(e.right, right)];
  }

  /** `kind == "physical"`: free text matched against one wording, where an enum would be exact. */
  private freeText(e: BinaryExpression, left: Operand, right: Operand): void {
    if (e.operator !== "==" && e.operator !== "!=") return;
    const [field, literal] = e.right.kind === "StringLiteral" ? [left, e.right] : e.left.kind === "StringLiteral" ? [right, e.left] : [];
    if (!field || !literal || field.type.kind !== "text" || e.left.kind === e.right.kind) return;
    this.report("POL3055", e.span, { text: field.text, literal: `"${literal.value}"` }, { text: field.text });
  }

  private isEnumMember(name: string): boolean {
    for (const enumeration of this.env.schema.enums.values()) if (enumeration.members.includes(name)) return true;
    return false;
  }

  /** A name compared with an enum that has a member of that name, while the name means something else. */
  private memberClash(e: Expression, other: Type, scope: Scope): Type | undefined {
    if (e.kind !== "NameRef" || other.kind !== "enum") return undefined;
    const members = this.env.schema.enums.get(other.name)?.members ?? [];
    const binding = lookupName(this.env, scope, e.name);
    if (!binding || !members.includes(e.name)) return undefined;
    const what =
      binding.kind === "let"
        ? `the \`let\` \`${e.name}\``
        : binding.kind === "element"
          ? `the field \`${e.name}\` of \`${binding.record}\``
          : binding.kind === "caseField"
            ? `the case field \`${e.name}\``
            : `the built-in \`${e.name}\``;
    this.report("POL2036", e.span, { name: e.name, what, enum: other.name }, { name: e.name, what, enum: other.name });
    this.facts.types.set(e, ERROR);
    return ERROR;
  }

  private operand(expression: Expression, type: Type): Operand {
    const literal =
      expression.kind === "DurationLiteral" ? "duration" : expression.kind === "NumberLiteral" ? "number" : expression.kind === "PercentLiteral" ? "percent" : undefined;
    return new ExcerptedOperand(type, expression, this.excerpts, literal);
  }

  private operator(result: OperatorResult, span: Span, operandType?: Type): Type {
    if (operandType?.kind === "error") return ERROR;
    if ("type" in result) return result.type;
    this.diagnostics.push(fromProblem(result, span));
    return ERROR;
  }

  // -------------------------------------------------------------------------------------------
  // Lists and dates

  /** Type `e` as a list; report and return undefined when it is not one. */
  private list(e: Expression, scope: Scope, user: string): Extract<Type, { kind: "list" }> | undefined {
    const type = this.check(e, scope);
    if (type.kind === "list" || type.kind === "error") return type.kind === "list" ? type : undefined;
    const text = this.excerpts.of(e);
    // A list of values is a list too, but not one these forms range over.
    if (type.kind === "values") this.report("POL3080", e.span, { user, text, type: typeName(type) }, { text });
    else this.report("POL3006", e.span, { user, text, type: typeName(type) });
    return undefined;
  }

  /** Whether the records of `e` are dated; reports POL3004 when they are not. */
  private dated(e: Expression, element: string, why: string): boolean {
    if (this.env.schema.records.get(element)?.dated) return true;
    this.report(
      "POL3004",
      e.span,
      { text: this.excerpts.of(e), record: element },
      element === ITEM_RECORD ? { help: "item", why } : { help: "record", why, record: element },
    );
    return false;
  }

  private within(sourceExpression: Expression, window: DurationLiteral | YearWindow, scope: Scope): Type {
    if (window.kind === "DurationLiteral") {
      this.check(window, scope);
      if (window.unit === "h") {
        this.report("POL3043", window.span, { text: `${window.amount}h`, user: "a window" });
        return ERROR;
      }
    }
    const source = this.list(sourceExpression, scope, "`within`");
    if (!source || !this.dated(sourceExpression, source.element, "`within` keeps records by date")) return ERROR;
    if (source.window) {
      this.report("POL3015", window.span, { window: windowText(source.window) });
      return ERROR;
    }
    if (window.kind === "YearWindow") {
      if (window.year === "plan" && !this.planYearStart(window)) return ERROR;
      return { kind: "list", element: source.element, window: { year: window.year } };
    }
    return { kind: "list", element: source.element, window: { amount: window.amount, unit: window.unit } };
  }

  /**
   * `rule as of date`: the left names a rule of the policy (POL3046, POL2033), the right is a date
   * (POL3047). Whether the rule reads the line item, and cycles, are checked with the rules.
   */
  private asOf(e: Extract<Expression, { kind: "AsOfExpression" }>, scope: Scope): Type {
    this.date(e.date, scope, "`as of`");
    if (e.rule.kind !== "NameRef") {
      this.report("POL3046", e.rule.span, { text: this.excerpts.of(e.rule) });
      return ERROR;
    }
    const name = e.rule.name;
    if (!this.rules.has(name)) {
      this.report("POL2033", e.rule.span, { name }, suggest(name, this.rules.keys()) ?? { rules: [...this.rules.keys()].map((r) => `\`${r}\``).join(", ") || "none" });
      return ERROR;
    }
    this.facts.asOf.set(e, name);
    return { kind: "bool" };
  }

  /** The rules of the program, by name: what `as of` may name. */
  rules: ReadonlyMap<string, RuleDecl> = new Map();

  /** `within plan year` reads the case's `plan_year_start`, a date: reports when there is none. */
  private planYearStart(window: YearWindow): boolean {
    const field = this.env.schema.records.get(CASE_RECORD)?.fields.get(PLAN_YEAR_START);
    if (field === undefined) {
      this.report("POL2031", window.span, { field: PLAN_YEAR_START }, { field: PLAN_YEAR_START });
      return false;
    }
    if (field.type.kind !== "date") {
      this.report("POL3045", window.span, { field: PLAN_YEAR_START, type: typeName(field.type) }, { field: PLAN_YEAR_START });
      return false;
    }
    return true;
  }

  private date(e: Expression, scope: Scope, user: string): void {
    const type = this.check(e, scope);
    if (type.kind === "date" || type.kind === "error") return;
    const text = this.excerpts.of(e);
    const help = type.kind === "record" ? { help: "record" as const, text } : type.kind === "list" ? { help: "list" as const, text } : undefined;
    this.report("POL3023", e.span, { user, text, type: typeName(type) }, help);
  }

  /**
   * `coverage of L within 6mo >= 3mo`: coverage (days) compared with a calendar amount means the
   * days of that many months back from the date of service. Only coverage, and only with a
   * literal; a window too short to ever reach the amount is an error. Undefined when `coverage`
   * and `amount` are not that pair.
   */
  private coverageInMonths(coverage: Expression, amount: Expression): true | undefined {
    if (amount.kind !== "DurationLiteral" || (amount.unit !== "mo" && amount.unit !== "y")) return undefined;
    const source = this.coverageSource(coverage);
    if (source === undefined) return undefined;
    const window = (this.facts.types.get(source) as Extract<Type, { kind: "list" }> | undefined)?.window;
    // A calendar or plan year so far can hold any amount up to a year: nothing to say statically.
    if (window !== undefined && !("year" in window)) {
      const wanted = amount.unit === "y" ? amount.amount * 12 : amount.amount;
      const short =
        window.unit === "mo" || window.unit === "y"
          ? (window.unit === "y" ? window.amount * 12 : window.amount) < wanted
          : (window.unit === "wk" ? window.amount * 7 : window.amount) < wanted * 28;
      if (short) {
        const text = `${window.amount}${window.unit}`;
        this.report("POL3037", amount.span, { window: text, amount: `${amount.amount}${amount.unit}` });
      }
    }
    return true;
  }

  /** The list a coverage expression covers, through lets. */
  private coverageSource(e: Expression): Expression | undefined {
    if (e.kind === "CoverageExpression") return e.source;
    if (e.kind !== "NameRef") return undefined;
    const binding = this.facts.bindings.get(e);
    if (binding?.kind !== "let") return undefined;
    const decl = this.env.lets.get(binding.name);
    return decl === undefined ? undefined : this.coverageSource(decl.value);
  }

  /** `action_time of last_block.anesthetic`: the key must be a value of the table's enum. */
  private lookup(e: Extract<Expression, { kind: "LookupExpression" }>, scope: Scope): Type {
    const table = this.env.tables.get(e.table.name);
    const key = this.check(e.key, scope, table ? { kind: "enum", name: table.key } : undefined);
    if (!table) {
      this.report("POL2027", e.table.span, { name: e.table.name }, suggest(e.table.name, this.env.tables.keys()));
      return ERROR;
    }
    if (key.kind !== "error" && !(key.kind === "enum" && key.name === table.key)) {
      this.report("POL3042", e.key.span, { table: table.name, enum: table.key, text: this.excerpts.of(e.key), type: typeName(key) });
      return ERROR;
    }
    return table.type;
  }

  // -------------------------------------------------------------------------------------------
  // Named elements, distinct counts, documentation, member sets

  /**
   * `some v in visits where ...`: every `where` step of the chain's own spine binds its element
   * as `v`. The name must not hide a let, a case field, a built-in or an enclosing element.
   */
  private nameElement(name: Identifier | undefined, source: Expression, scope: Scope): void {
    if (name === undefined) return;
    const clash =
      scope.elements.some((element) => element.name === name.name)
        ? "an enclosing element"
        : globalName(this.env, name.name) !== undefined
          ? (describeGlobal(globalName(this.env, name.name)!.kind))
          : undefined;
    if (clash !== undefined) this.report("POL2024", name.span, { name: name.name, what: clash });
    for (let step: Expression = source; ; ) {
      if (step.kind === "WhereExpression") this.elementNames.set(step, name.name);
      else if (step.kind !== "WithinExpression") break;
      step = step.source;
    }
  }

  /** `count distinct date, level of L`: each key is a field of the element with a value to compare. */
  private distinctKeys(keys: readonly Identifier[], element: string): void {
    const record = this.env.schema.records.get(element)!;
    const seen = new Set<string>();
    for (const key of keys) {
      const field = record.fields.get(key.name);
      if (!field) {
        this.unknownField(key.name, key.span, record);
        continue;
      }
      if (seen.has(key.name)) this.report("POL3033", key.span, { field: key.name });
      seen.add(key.name);
      if (field.type.kind !== "error" && !DISTINCT_KINDS.has(field.type.kind)) {
        this.report("POL3032", key.span, { field: key.name, type: typeName(field.type) });
      }
    }
  }

  /** `documented x`: `x` must be a fact a case supplies, a stored field. */
  private documented(operand: Expression, scope: Scope): void {
    const type = this.check(operand, scope);
    if (type.kind === "error") return;
    const text = this.excerpts.of(operand);
    let stored: boolean;
    if (operand.kind === "FieldAccess") stored = !this.facts.fields.get(operand)?.field.computed;
    else if (operand.kind === "NameRef") {
      const binding = this.facts.bindings.get(operand);
      const field =
        binding?.kind === "element"
          ? this.env.schema.records.get(binding.record)?.fields.get(binding.field)
          : binding?.kind === "caseField"
            ? this.env.schema.records.get("case")?.fields.get(binding.field)
            : undefined;
      stored = field !== undefined && !field.computed;
    } else stored = false;
    if (!stored) this.report("POL3031", operand.span, { text }, { help: "field" });
  }

  /** `kind in {a, b}`: members of the operand's enum, or strings for text and codes. */
  private memberSet(e: Extract<Expression, { kind: "InSetExpression" }>, scope: Scope): void {
    const operand = this.check(e.operand, scope);
    if (operand.kind === "error") return;
    const seen = new Set<string>();
    for (const member of e.members) {
      const value = member.kind === "Identifier" ? member.name : member.value;
      if (seen.has(value)) this.report("POL3034", member.span, { member: member.kind === "Identifier" ? value : JSON.stringify(value) });
      seen.add(value);
      if (operand.kind === "enum") {
        if (member.kind === "StringLiteral") {
          this.report("POL3030", member.span, { member: JSON.stringify(value), type: typeName(operand) }, { help: "enumName", value });
          continue;
        }
        const members = this.env.schema.enums.get(operand.name)?.members ?? [];
        if (!members.includes(value)) {
          const help = suggest(value, members) ?? { enum: operand.name, members: members.map((m) => `\`${m}\``).join(", ") };
          this.report("POL2009", member.span, { name: value, enum: operand.name }, help);
        }
      } else if (operand.kind === "text" || operand.kind === "code") {
        if (member.kind === "Identifier") {
          this.report("POL3030", member.span, { member: value, type: typeName(operand) }, { help: "quote", value });
        }
      } else {
        this.report("POL3030", member.span, { member: member.kind === "Identifier" ? value : JSON.stringify(value), type: typeName(operand) }, { help: "kind" });
        return;
      }
    }
  }

  /** `x in r.list`: a list field of values (not of records). */
  private inList(operand: Expression, list: Expression, scope: Scope): void {
    const type = this.check(list, scope);
    const value = this.check(operand, scope, type.kind === "values" ? type.element : undefined);
    if (type.kind === "error") return;
    if (type.kind !== "values") {
      this.report("POL3035", list.span, { text: this.excerpts.of(list), type: typeName(type) });
      return;
    }
    if (value.kind === "error") return;
    if (value.kind === "values") {
      const listText = this.excerpts.of(list);
      this.report("POL3081", operand.span, { text: this.excerpts.of(operand), type: typeName(value), list: listText }, { list: listText });
      return;
    }
    const fits = sameType(value, type.element) || (value.kind === "code" && type.element.kind === "text") || (value.kind === "text" && type.element.kind === "code");
    if (!fits) this.report("POL3044", operand.span, { text: this.excerpts.of(operand), type: typeName(value), list: typeName(type) });
  }

  private report<C extends DiagnosticCode>(code: C, span: Span, args: MessageArgs<C>, help?: HelpArgs<C> | Suggestion): void {
    this.diagnostics.push(diagnostic(code, span, args, help));
  }
}

/** Values `count distinct` can tell apart. */
const DISTINCT_KINDS = new Set<Type["kind"]>(["bool", "number", "percent", "date", "duration", "code", "text", "enum"]);

function describeGlobal(kind: string): string {
  switch (kind) {
    case "let":
      return "a let";
    case "caseField":
      return "a case field";
    default:
      return "a built-in name";
  }
}

function durationType(literal: DurationLiteral): Type {
  return literal.unit === "mo" || literal.unit === "y" ? { kind: "calendar" } : { kind: "duration" };
}

function conditionHelp(type: Type, text: string): HelpArgs<"POL3005"> | undefined {
  switch (type.kind) {
    case "list":
      return { help: "list", text };
    case "number":
    case "percent":
    case "date":
    case "duration":
      return { help: "compare", text };
    default:
      return undefined;
  }
}

/** An operand whose text, which only a message quotes, is cut from the source when first read. */
class ExcerptedOperand implements Operand {
  private excerpt: string | undefined;

  constructor(
    readonly type: Type,
    private readonly expression: Expression,
    private readonly excerpts: Excerpts,
    readonly literal: Operand["literal"],
  ) {}

  get text(): string {
    return (this.excerpt ??= this.excerpts.of(this.expression));
  }
}
