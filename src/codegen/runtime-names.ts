// Every name the runtime exports. Generated identifiers avoid all of them, not just the ones a
// module imports, so adding a criterion never renames anything else in the module.

import * as runtime from "../runtime.js";

/** The runtime's type-only exports (invisible to `Object.keys` of the module namespace). */
const RUNTIME_TYPES = [
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
];

export const RUNTIME_NAMES: readonly string[] = [...Object.keys(runtime).sort(), ...RUNTIME_TYPES];
