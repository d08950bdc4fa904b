// @pol/runtime: the semantics shared by the reference interpreter and every compiled evaluator.
// A versioned, dependency-free package: generated evaluators import it by name and check at load
// time that it is the version they were compiled for (`requireRuntime`). Its modules (src/*.ts,
// one per concern) import only each other, without cycles; this file is the public barrel:
// everything the interpreter and generated code use is imported from here.
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
  andAll,
  isRange,
  isUnknown,
  type Missing,
  JUNCTION_ARITY,
  not,
  or,
  orAll,
  type Range,
  type Tri,
  Unknown,
  unknownOf,
  truth,
} from "./logic.js";
export {
  arithmetic,
  type ArithmeticOperator,
  asPercent,
  compare,
  type CompareOperator,
  negate,
} from "./compare.js";
export {
  addDays,
  addDuration,
  addMonths,
  between,
  calendarYearStart,
  type CalendarUnit,
  compareElapsed,
  dateDifference,
  daysBetween,
  inWindow,
  type Elapsed,
  type IsoDate,
  monthsBetween,
  overlapsWindow,
  parseDuration,
  parseIsoDate,
  planYearStart,
  shiftDate,
  since,
  windowStart,
} from "./calendar.js";
export {
  CodeSet,
  inCodes,
  normaliseCode,
} from "./codes.js";
export {
  type CaseError,
  type FieldDescriptor,
  type FieldType,
  type RecordDescriptor,
  type SchemaDescriptor,
  validateCase,
  type ValidateOptions,
  type Validation,
} from "./validate.js";
export {
  Context,
  ItemReads,
  Scans,
  MAX_FACTS,
} from "./context.js";
export {
  count,
  coverage,
  type Member,
  none,
  pick,
  some,
  sum,
} from "./aggregates.js";
export {
  type CriterionEffect,
  type CriterionSpec,
  EFFECT_KEYWORDS,
  OUTCOMES,
  criterionStatus,
  type CriterionTrace,
  type Decision,
  type Evaluation,
  evaluators,
  type Evaluators,
  decideOutcomes,
  type Determination,
  determine,
  type EvaluateOptions,
  type ItemDetermination,
  type MissingDocumentation,
  asOf,
  type DecideOptions,
  effectiveStatus,
  type Note,
  type Outcome,
  type PolicyInfo,
  type Reason,
  type RuleApplication,
  type RuleSpec,
  type Status,
  LEVEL_OUTCOMES,
  levelOf,
} from "./determine.js";
export type { Fact } from "./types.js";
export {
  type ComputedValue,
  conditionParts,
  type ConditionParts,
  type Part,
  type PartsTree,
  type Shape,
  shown,
  shownElapsed,
  type ShownValue,
  type Shows,
} from "./explain.js";
export { MAX_OPEN_TESTS } from "./relevance.js";
export {
  calendarYear,
  computed,
  coverageOf,
  cut,
  earliest,
  everyElement,
  type Field,
  type FieldHandle,
  type FieldHandles,
  type FieldRead,
  type FieldReads,
  field,
  fieldsOf,
  isCheckedDate,
  isMemberOf,
  isPlainCode,
  latest,
  list,
  listIn,
  overlaps,
  perCase,
  perItem,
  planYear,
  read,
  readInFull,
  readsAsIs,
  type Row,
  sumOf,
  type Window,
  windowBack,
  within,
} from "./access.js";
export {
  countEarlier,
  countEarlierKeyed,
  countOthers,
  countOthersKeyed,
  granted,
  noEarlier,
  noEarlierKeyed,
  noOther,
  noOtherKeyed,
  someEarlier,
  someEarlierKeyed,
  someOther,
  someOtherKeyed,
  STANDING_OUTCOMES,
  type ElementKey,
  type ItemKey,
} from "./others.js";
export { boundedEditDistance, closestName, SUGGESTION_LIMITS, type SuggestionWork } from "./names.js";
export {
  add,
  atLeast,
  atMost,
  divide,
  documented,
  inList,
  lookup,
  elapsedAtLeast,
  elapsedAtMost,
  elapsedEqual,
  elapsedLessThan,
  elapsedMoreThan,
  elapsedNotEqual,
  equal,
  greaterThan,
  lessThan,
  multiply,
  normaliseText,
  notEqual,
  oneOf,
  rank,
  shiftDays,
  sinceAtLeast,
  sinceAtMost,
  sinceEqual,
  sinceLessThan,
  sinceMoreThan,
  sinceNotEqual,
  spanDays,
  subtract,
} from "./operators.js";
export { countDistinct, distinctCount, select, selectBy } from "./selection.js";
export { ListScan } from "./scan.js";
export { candidates, type CaseList } from "./candidates.js";
export { requireRuntime, RUNTIME_VERSION } from "./version.js";
