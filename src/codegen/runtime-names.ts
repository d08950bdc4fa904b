// Every name the runtime exports. Generated identifiers avoid all of them, not just the ones a
// module imports, so adding a criterion never renames anything else in the module.
//
// Value exports come from the runtime itself (`Object.keys` of its namespace), so they cannot go
// stale. Type-only exports are invisible at run time, so they are listed here; the list is typed
// (`Imports.type` accepts only these names and the value exports), and test/runtime-package.test.ts
// asserts, with the TypeScript compiler, that it is exactly the runtime's type-only exports.

import * as runtime from "@pol/runtime";

/** A value the runtime exports (function, class, constant): a typo here is a type error. */
export type RuntimeValueName = keyof typeof runtime;

/** The runtime's type-only exports (invisible to `Object.keys` of the module namespace). */
export const RUNTIME_TYPES = [
  "Missing",
  "Tri",
  "Range",
  "CompareOperator",
  "ArithmeticOperator",
  "IsoDate",
  "CalendarUnit",
  "Elapsed",
  "FieldType",
  "FieldDescriptor",
  "RecordDescriptor",
  "SchemaDescriptor",
  "CaseError",
  "Validation",
  "Member",
  "Outcome",
  "Status",
  "CriterionEffect",
  "Fact",
  "PolicyInfo",
  "RuleSpec",
  "CriterionSpec",
  "CriterionTrace",
  "Reason",
  "MissingDocumentation",
  "Note",
  "RuleApplication",
  "ItemDetermination",
  "Determination",
  "EvaluateOptions",
] as const;

/** A type the runtime exports: a type-only export, or a class used as a type. */
export type RuntimeTypeName = (typeof RUNTIME_TYPES)[number] | RuntimeValueName;

export const RUNTIME_NAMES: readonly string[] = [...Object.keys(runtime).sort(), ...RUNTIME_TYPES];
