// Warnings: constructs that check and run, but most likely do not say what their author meant.
// Each has its own code (docs/diagnostics.md); `pol check --deny-warnings` makes them fail CI.
// They run over the policy files of a program after typing, reading the types and bindings the
// checker recorded, and never change what a policy means.

import type { Expression, LetDecl, SourceFile } from "../ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { Facts } from "./facts.js";
import type { Excerpts } from "./format.js";

/** The direct subexpressions of `e`, in source order: every property holding expressions, so
 *  that a form added to the language is walked without being listed here. */
export function children(e: Expression): Expression[] {
  const found: Expression[] = [];
  const node = e as unknown as Record<string, unknown>;
  for (const key in node) if (key !== "span") addExpressions(node[key], found);
  // Properties are mostly declared in source order: sort only when they are not.
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.span.start.offset < found[i - 1]!.span.start.offset) return found.sort((x, y) => x.span.start.offset - y.span.start.offset);
  }
  return found;
}

function addExpressions(value: unknown, found: Expression[]): void {
  if (Array.isArray(value)) for (const entry of value) addExpressions(entry, found);
  else if (isExpression(value)) found.push(value);
}

/** Names, citations and other nodes that are not expressions carry no reads. */
const NOT_EXPRESSIONS = new Set(["Identifier", "Citation", "Comment"]);

function isExpression(value: unknown): value is Expression {
  if (typeof value !== "object" || value === null) return false;
  const node = value as { kind?: unknown; span?: unknown };
  return typeof node.kind === "string" && typeof node.span === "object" && !NOT_EXPRESSIONS.has(node.kind);
}

/**
 * Calls `visit` on every expression of `root` with its parent (undefined for the root), parents
 * first, until a call returns true (then the walk stops and returns true).
 */
export function walk(root: Expression, visit: (e: Expression, parent: Expression | undefined) => boolean | void, parent?: Expression): boolean {
  if (visit(root, parent) === true) return true;
  for (const child of children(root)) if (walk(child, visit, root)) return true;
  return false;
}

export class Warnings {
  constructor(
    private readonly facts: Facts,
    private readonly excerpts: Excerpts,
    private readonly sources: ReadonlyMap<string, string>,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** Every warning about one policy file, whose lets and rules are all typed. */
  checkPolicyFile(file: SourceFile): void {
    // With an error in the file some names never resolved, so what they use is not known.
    if (!this.diagnostics.some((d) => d.severity === "error" && d.span.file === file.span.file)) this.unused(file);
    for (const expression of this.expressions(file)) {
      walk(expression, (e, parent) => {
        // A chain `a and b and c` is checked once, at its top, with its operands flattened.
        const operator = junctionOf(e);
        if (operator && !(e.kind === "BinaryExpression" && parent?.kind === "BinaryExpression" && junctionOf(parent) === operator)) {
          const operands = operandsOf(e, operator);
          if (!this.constantOperand(e, operator, operands)) this.selfContradiction(e, operator, operands);
        }
        this.swallowedComparison(e, parent);
      });
    }
    for (const decl of file.declarations) {
      if (decl.kind !== "RuleDecl") continue;
      for (const criterion of decl.criteria) {
        if (criterion.effect === "require" && criterion.condition) this.metByAbsence(criterion.condition, file);
      }
    }
  }

  /**
   * `not (last.injectate == steroid)` in a `require` is met when there is no such event at all,
   * since a comparison on none is not met and its negation is (docs/semantics.md, "None"). The
   * semantics stay; the warning asks the author to write the absence out, `no L or ...`, which
   * also silences it.
   */
  private metByAbsence(condition: Expression, file: SourceFile): void {
    const lets = new Map<string, LetDecl>();
    for (const decl of file.declarations) if (decl.kind === "LetDecl") lets.set(decl.name.name, decl);
    const seen = new Set<string>();
    const negations: Expression[] = [];
    let explicit = false;
    const visit = (root: Expression, negated: boolean): void => {
      walk(root, (e) => {
        if (e.kind === "QuantifierExpression") explicit = true;
        if (e.kind === "UnaryExpression" && e.operator === "not" && !negated && this.readsPossibleNone(e.operand)) negations.push(e);
        if (e.kind !== "NameRef") return;
        const binding = this.facts.bindings.get(e);
        if (binding?.kind !== "let" || seen.has(binding.name)) return;
        seen.add(binding.name);
        const decl = lets.get(binding.name);
        if (decl) visit(decl.value, negated);
      });
    };
    visit(condition, false);
    if (explicit || negations.length === 0) return;
    // A condition already reported as decided by its form needs no second finding.
    if (this.diagnostics.some((d) => d.code === "POL4025" && d.span.start.offset === condition.span.start.offset && d.span.file === condition.span.file)) return;
    const negation = negations[0] as Expression & { kind: "UnaryExpression" };
    const text = this.excerpts.of(negation);
    this.diagnostics.push(diagnostic("POL4027", condition.span, { text }, { text, list: this.pickedList(negation.operand, lets) ?? "LIST" }));
  }

  /** Whether `e` compares a field of a record that may be none (`latest`, `earliest`). */
  private readsPossibleNone(e: Expression): boolean {
    return this.noneTarget(e) !== undefined;
  }

  private noneTarget(e: Expression): Expression | undefined {
    let found: Expression | undefined;
    walk(e, (node) => {
      if (node.kind !== "FieldAccess") return false;
      const target = this.facts.types.get(node.target);
      if (target?.kind === "record" && target.optional) found = node.target;
      return found !== undefined;
    });
    return found;
  }

  /** The list a possibly-none record is picked from, as written: for the help's `no L or ...`. */
  private pickedList(e: Expression, lets: ReadonlyMap<string, LetDecl>): string | undefined {
    let target = this.noneTarget(e);
    if (target?.kind === "NameRef") target = lets.get(target.name)?.value;
    return target?.kind === "PickExpression" ? this.excerpts.of(target.source) : undefined;
  }

  /** The conditions of the file's rules and criteria and the values of its lets. */
  private *expressions(file: SourceFile): Generator<Expression> {
    for (const decl of file.declarations) {
      if (decl.kind === "LetDecl") yield decl.value;
      if (decl.kind !== "RuleDecl") continue;
      if (decl.when) yield decl.when;
      for (const criterion of decl.criteria) if (criterion.condition) yield criterion.condition;
    }
  }

  /** A `let` or code set of a policy file that no rule reaches, directly or through other lets. */
  private unused(file: SourceFile): void {
    const lets = new Map<string, LetDecl>();
    for (const decl of file.declarations) if (decl.kind === "LetDecl") lets.set(decl.name.name, decl);
    const usedLets = new Set<string>();
    const usedCodes = new Set<string>();
    const visit = (expression: Expression): void => {
      walk(expression, (e) => {
        if (e.kind === "InCodesExpression") usedCodes.add(e.codes.name);
        if (e.kind !== "NameRef") return;
        const binding = this.facts.bindings.get(e);
        if (binding?.kind !== "let" || usedLets.has(binding.name)) return;
        usedLets.add(binding.name);
        const decl = lets.get(binding.name);
        if (decl) visit(decl.value);
      });
    };
    for (const decl of file.declarations) {
      if (decl.kind !== "RuleDecl") continue;
      for (const codes of decl.codes) usedCodes.add(codes.name);
      if (decl.when) visit(decl.when);
      for (const criterion of decl.criteria) if (criterion.condition) visit(criterion.condition);
    }
    for (const decl of file.declarations) {
      if (decl.kind === "LetDecl" && !usedLets.has(decl.name.name)) {
        this.diagnostics.push(diagnostic("POL4023", decl.name.span, { name: decl.name.name }));
      }
      if (decl.kind === "CodeSetDecl" && !usedCodes.has(decl.name.name)) {
        this.diagnostics.push(diagnostic("POL4024", decl.name.span, { name: decl.name.name }));
      }
    }
  }

  /** `true or x` is always true, `false and x` always false; `true and x` is just `x`. */
  private constantOperand(e: Expression, operator: "and" | "or", operands: readonly Expression[]): boolean {
    for (const operand of operands) {
      if (operand.kind !== "BooleanLiteral") continue;
      const decides = (operator === "or") === operand.value;
      const value = decides ? String(operand.value) : undefined;
      this.diagnostics.push(
        diagnostic(
          "POL4025",
          e.span,
          { text: this.excerpts.of(e), outcome: value ? `always ${value}` : `the same as without \`${operand.value}\`` },
          value ? { help: "decided", literal: String(operand.value), operator } : { help: "neutral", literal: String(operand.value) },
        ),
      );
      return true;
    }
    return false;
  }

  /** `x and not x` is always false, `x or not x` always true (x as written, spacing aside). */
  private selfContradiction(e: Expression, operator: "and" | "or", operands: readonly Expression[]): void {
    if (!operands.some(isNegation)) return;
    const written = new Set(operands.filter((o) => !isNegation(o)).map((o) => this.text(o)));
    for (const operand of operands) {
      if (!isNegation(operand) || !written.has(this.text(operand.operand))) continue;
      const value = operator === "or" ? "true" : "false";
      this.diagnostics.push(
        diagnostic("POL4025", e.span, { text: this.excerpts.of(e), outcome: `always ${value}` }, {
          help: "negated",
          operand: this.excerpts.of(operand.operand),
        }),
      );
      return;
    }
  }

  /**
   * `count L where a and b >= 2`: the comparison belongs to the `where` condition (so the count
   * counts elements with `b >= 2`), which reads as if the count were compared. Written inside
   * parentheses, `where (a and b >= 2)`, the condition is explicit and nothing is reported.
   */
  private swallowedComparison(e: Expression, parent: Expression | undefined): void {
    if (e.kind !== "CountExpression" || e.source.kind !== "WhereExpression") return;
    if (parent?.kind === "BinaryExpression" && isComparison(parent.operator) && parent.left === e) return;
    const condition = e.source.condition;
    if (condition.kind !== "BinaryExpression" || (condition.operator !== "and" && condition.operator !== "or")) return;
    const last = condition.right;
    if (last.kind !== "BinaryExpression" || !isComparison(last.operator) || last.right.kind !== "NumberLiteral") return;
    // Comparing a condition with a number is a type error already reported.
    if (this.facts.types.get(last.left)?.kind !== "number") return;
    if (this.enclosed(e.source.source.span.end.offset, condition.span.end.offset, condition.span.file)) return;
    const filter = `count ${this.excerpts.of(e.source.source)} where (${this.excerpts.of(condition)})`;
    this.diagnostics.push(diagnostic("POL4026", last.span, { comparison: this.excerpts.of(last) }, { filter }));
  }

  /** Whether the text from `from` to `to` leaves a parenthesis open: the condition is wrapped. */
  private enclosed(from: number, to: number, file: string): boolean {
    const text = this.sources.get(file)?.slice(from, to) ?? "";
    let depth = 0;
    for (const c of text) depth += c === "(" ? 1 : c === ")" ? -1 : 0;
    return depth > 0;
  }

  private text(e: Expression): string {
    return (this.sources.get(e.span.file)?.slice(e.span.start.offset, e.span.end.offset) ?? "").replace(/\s+/g, " ").trim();
  }
}

function junctionOf(e: Expression): "and" | "or" | undefined {
  if (e.kind === "BinaryExpression" && (e.operator === "and" || e.operator === "or")) return e.operator;
  if (e.kind === "GroupExpression") return e.operator === "all" ? "and" : "or";
  return undefined;
}

/** The operands of a junction, a chain of the same operator flattened: `a and b and c` has three. */
function operandsOf(e: Expression, operator: "and" | "or"): Expression[] {
  if (e.kind === "GroupExpression") return e.operands;
  if (e.kind !== "BinaryExpression" || e.operator !== operator) return [e];
  return [...operandsOf(e.left, operator), ...operandsOf(e.right, operator)];
}

function isNegation(e: Expression): e is Expression & { kind: "UnaryExpression" } {
  return e.kind === "UnaryExpression" && e.operator === "not";
}

function isComparison(operator: string): boolean {
  return ["==", "!=", "<", "<=", ">", ">="].includes(operator);
}
