// What the checker learned about each expression, kept for the interpreter and code generator:
// the type of every expression, the binding of every bare name, the field of every `a.b`.

import type { Expression, FieldAccess, NameRef } from "../ast.js";
import type { Binding, FieldModel, Type } from "../model.js";

export class Facts {
  readonly types = new WeakMap<Expression, Type>();
  readonly bindings = new WeakMap<NameRef, Binding>();
  readonly fields = new WeakMap<FieldAccess, { record: string; field: FieldModel }>();

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
