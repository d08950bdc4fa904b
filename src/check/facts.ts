// What the checker learned about each expression, kept for the interpreter and code generator:
// the type of every expression, the binding of every bare name, the field of every `a.b`.

import type { Expression, FieldAccess, InCodesExpression, NameRef } from "../ast.js";
import type { Binding, FieldModel, Type } from "../model.js";

// Plain Maps, not WeakMaps: the facts live exactly as long as the checked policy that holds them
// and its AST, so weak keys would free nothing earlier, and they cost every check in the
// collector's ephemeron work.
export class Facts {
  readonly types = new Map<Expression, Type>();
  readonly bindings = new Map<NameRef, Binding>();
  readonly fields = new Map<FieldAccess, { record: string; field: FieldModel }>();
  /** `rule as of date`: the rule each names. */
  readonly asOf = new Map<Expression, string>();
  /** Qualified enum members, `Kind.member`. */
  readonly members = new Map<FieldAccess, { enum: string; member: string }>();
  /** `level in levels` where `levels` is a list of values, not a code set: the list's name. */
  readonly memberships = new Map<InCodesExpression, NameRef>();

  typeOf(expression: Expression): Type {
    const type = this.types.get(expression);
    if (!type) throw new Error(`internal error: the checker never typed this ${describe(expression)}`);
    return type;
  }

  resolve(name: NameRef): Binding {
    const binding = this.bindings.get(name);
    if (!binding) throw new Error(`internal error: the checker never resolved this ${describe(name)}`);
    return binding;
  }

  fieldOf(access: FieldAccess): { record: string; field: FieldModel } {
    const field = this.fields.get(access);
    if (!field) throw new Error(`internal error: the checker never resolved this ${describe(access)}`);
    return field;
  }
}

function describe(expression: Expression): string {
  const { file, start } = expression.span;
  return `${expression.kind} at ${file}:${start.line}:${start.column}`;
}
