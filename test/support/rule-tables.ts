// What the properties over hand-made rule tables share (the trace's assembly, and the determination
// with and without the trace): a schema of a case and its line items only, a policy, a code set
// every code is in, condition shapes drawn over a number of parts, and a condition over its parts'
// values as a generated module writes it.
import fc from "fast-check";
import { and, CodeSet, not, or, type PolicyInfo, type SchemaDescriptor, type Shape, type Tri } from "@pol/runtime";

export const schema: SchemaDescriptor = {
  records: {
    case: {
      label: "case",
      fields: {
        date_of_service: { type: "date", label: "date of service" },
        items: { type: { list: "item" }, label: "requested line items" },
      },
    },
    item: {
      label: "requested line item",
      fields: { code: { type: "code", label: "code" } },
    },
  },
};

/** A policy in effect from 2025-01-01, named `test.ID`. */
export function policyNamed(id: string): PolicyInfo {
  return {
    id: `test.${id}`,
    title: id,
    payer: "test",
    number: "1",
    version: "1",
    effective: "2025-01-01",
    source: "test.pol",
    sourceHash: "0",
  };
}

export const anyCode = new CodeSet([], [""], []);

/** The condition over its parts' values, as a generated module writes it. */
export function conditionOf(shape: Shape, values: readonly Tri[]): Tri {
  if (typeof shape === "number") return values[shape]!;
  if (shape[0] === "not") return not(conditionOf(shape[1] as Shape, values));
  const operands = (shape.slice(1) as Shape[]).map((operand) => conditionOf(operand, values));
  return shape[0] === "and" ? and(...operands) : or(...operands);
}

/** An `and`/`or`/`not` skeleton over parts 0 to `parts` - 1. */
export function shapeArbitrary(parts: number): fc.Arbitrary<Shape> {
  return fc.letrec<{ shape: Shape }>((tie) => ({
    shape: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.integer({ min: 0, max: parts - 1 }),
      fc
        .tuple(fc.constantFrom("and" as const, "or" as const), fc.array(tie("shape"), { minLength: 1, maxLength: 4 }))
        .map(([operator, operands]) => [operator, ...operands] as Shape),
      tie("shape").map((operand) => ["not", operand] as Shape),
    ),
  })).shape;
}
