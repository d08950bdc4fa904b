// Copied by pol from src/runtime.ts. Do not edit: evaluators in this folder import it.

// pol runtime: the semantics shared by the reference interpreter and every compiled evaluator.
// Dependency-free on purpose: `pol compile` copies this file and its modules (src/runtime/*.ts,
// one per concern, importing only each other) next to the evaluators it emits. This file is the
// public barrel: everything the interpreter and generated code use is imported from here.
//
// Value model (plain JavaScript values, so the common case costs nothing):
//   known values   boolean | number | string (ISO dates, codes, enum members, text) | record objects
//   unknown        an `Unknown` instance carrying the facts whose absence made it unknown
//   none           `null`: the field of an event that does not exist (`latest` of an empty list)
// Percents are numbers 0-100; fixed durations are numbers of days; dates are ISO `YYYY-MM-DD`.
//
// Performance rule: when every value is known, logic, comparisons, field reads and aggregates
// allocate nothing (date arithmetic builds its result string, `since` its Elapsed). Unknown
// merging, ranges and read recording are only paid for when they happen.

export {
  and,
  isRange,
  isUnknown,
  type Missing,
  not,
  or,
  type Range,
  type Tri,
  Unknown,
  unknownOf,
} from "./runtime/logic.js";
export {
  arithmetic,
  type ArithmeticOperator,
  asPercent,
  compare,
  type CompareOperator,
  negate,
} from "./runtime/compare.js";
export {
  addDays,
  addDuration,
  addMonths,
  between,
  type CalendarUnit,
  compareElapsed,
  dateDifference,
  daysBetween,
  type Elapsed,
  inWindow,
  type IsoDate,
  monthsBetween,
  overlapsWindow,
  parseDuration,
  parseIsoDate,
  shiftDate,
  since,
  windowStart,
} from "./runtime/calendar.js";
export {
  CodeSet,
  inCodes,
} from "./runtime/codes.js";
export {
  type CaseError,
  type FieldDescriptor,
  type FieldType,
  type RecordDescriptor,
  type SchemaDescriptor,
  validateCase,
  type Validation,
} from "./runtime/validate.js";
export {
  Context,
  field,
  fieldValue,
  list,
} from "./runtime/context.js";
export {
  count,
  coverage,
  type Member,
  none,
  pick,
  some,
  sum,
} from "./runtime/aggregates.js";
export {
  type CriterionEffect,
  type CriterionSpec,
  criterionStatus,
  type CriterionTrace,
  decideOutcomes,
  type Determination,
  determine,
  type EvaluateOptions,
  type Fact,
  type ItemDetermination,
  type MissingDocumentation,
  type Note,
  type Outcome,
  type PolicyInfo,
  type Reason,
  type RuleApplication,
  type RuleSpec,
  type Status,
} from "./runtime/determine.js";
