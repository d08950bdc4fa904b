// Random, schema-valid cases for property tests, derived from a SchemaDescriptor (one arbitrary
// per field type) and steered by the policy's own literals so that thresholds are actually hit:
// codes from its code sets (exact codes, range ends and their neighbours, prefixes), percents and
// numbers next to the ones it compares with, dates around the date of service with month ends and
// Feb 29 over-represented. Any optional field may be absent or null (an unknown fact).

import fc from "fast-check";
import type { Expression } from "../../src/ast.js";
import type { CheckedPolicy } from "../../src/model.js";
import type { FieldDescriptor, RecordDescriptor, SchemaDescriptor } from "@pol/runtime";

/** Values worth generating because the policy mentions them (or their neighbours). */
export interface CaseHints {
  codes: string[];
  percents: number[];
  numbers: number[];
  /** Fixed durations, in days. */
  durations: number[];
  /** Durations written in hours (literals and table values), in hours. */
  hours: number[];
  texts: string[];
  dates: string[];
}

const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Dates (independent of the runtime's calendar code; years 1000-9999)

function toIso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(iso: string, days: number): string {
  return toIso(new Date(Date.parse(`${iso}T00:00:00Z`) + days * MS_PER_DAY));
}

function lastDayOf(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `iso` shifted by whole months, the day clamped to the end of the month. */
function addMonths(iso: string, months: number): string {
  const [year, month, day] = iso.split("-").map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const d = Math.min(day, lastDayOf(y, m));
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function civil(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A date of service: any day, a month end, or Feb 29, near the policy's own dates. */
function dateOfService(hints: CaseHints): fc.Arbitrary<string> {
  const anyDay = fc
    .record({ year: fc.integer({ min: 2023, max: 2027 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => civil(year, month, Math.min(day, lastDayOf(year, month))));
  const monthEnd = fc
    .record({ year: fc.integer({ min: 2023, max: 2027 }), month: fc.integer({ min: 1, max: 12 }) })
    .map(({ year, month }) => civil(year, month, lastDayOf(year, month)));
  const leapDay = fc.constantFrom("2024-02-29", "2028-02-29");
  const arbitraries = [
    { weight: 4, arbitrary: anyDay },
    { weight: 2, arbitrary: monthEnd },
    { weight: 1, arbitrary: leapDay },
  ];
  if (hints.dates.length > 0) arbitraries.push({ weight: 1, arbitrary: fc.constantFrom(...hints.dates) });
  return fc.oneof(...arbitraries);
}

/** A date related to the date of service: some days or whole months before it (clamped at month
 *  ends, give or take a day), a month end, or one of the policy's dates. */
function dateNear(dos: string, hints: CaseHints): fc.Arbitrary<string> {
  const byDays = fc.integer({ min: -800, max: 10 }).map((days) => addDays(dos, days));
  const byMonths = fc
    .record({ months: fc.integer({ min: -40, max: 1 }), nudge: fc.integer({ min: -1, max: 1 }) })
    .map(({ months, nudge }) => addDays(addMonths(dos, months), nudge));
  const monthEnd = fc.integer({ min: -24, max: 0 }).map((months) => {
    const [year, month] = addMonths(dos, months).split("-").map(Number) as [number, number];
    return civil(year, month, lastDayOf(year, month));
  });
  const arbitraries = [
    { weight: 3, arbitrary: byDays },
    { weight: 3, arbitrary: byMonths },
    { weight: 1, arbitrary: monthEnd },
  ];
  if (hints.dates.length > 0) arbitraries.push({ weight: 1, arbitrary: fc.constantFrom(...hints.dates) });
  return fc.oneof(...arbitraries);
}

// ---------------------------------------------------------------------------------------------
// Field values

function near(values: number[], step: number, min = -Infinity, max = Infinity): number[] {
  const out = new Set<number>();
  for (const value of values) {
    for (const candidate of [value - step, value - step / 2, value, value + step / 2, value + step]) {
      if (candidate >= min && candidate <= max) out.add(candidate);
    }
  }
  return [...out].sort((a, b) => a - b);
}

function fromHintsOr(hinted: number[], fallback: fc.Arbitrary<number>): fc.Arbitrary<number> {
  return hinted.length === 0 ? fallback : fc.oneof(fc.constantFrom(...hinted), fallback);
}

function durationText(days: number): fc.Arbitrary<string> {
  return days % 7 === 0 ? fc.constantFrom(`${days}d`, `${days / 7}wk`) : fc.constant(`${days}d`);
}

function valueOf(
  descriptor: FieldDescriptor,
  schema: SchemaDescriptor,
  hints: CaseHints,
  dos: string,
  depth: number,
): fc.Arbitrary<unknown> {
  const type = descriptor.type;
  if (typeof type === "object") {
    if ("enum" in type) return fc.constantFrom(...type.enum);
    if ("values" in type) {
      const value = valueOf({ type: type.values, label: descriptor.label }, schema, hints, dos, depth);
      return fc.array(value, { maxLength: 3 });
    }
    const element = schema.records[type.list];
    if (!element) throw new Error(`the schema has no record \`${type.list}\``);
    // Nested lists stay short: the interesting structure is in the case's own lists.
    return fc.array(recordOf(type.list, element, schema, hints, dos, depth + 1), { maxLength: depth === 0 ? 4 : 2 });
  }
  switch (type) {
    case "bool":
      return fc.boolean();
    case "number":
      return fromHintsOr(near(hints.numbers, 1), fc.integer({ min: 0, max: 20 }).map((n) => n / 2));
    case "percent":
      return fromHintsOr(near(hints.percents, 1, 0, 100), fc.integer({ min: 0, max: 100 }));
    case "date":
      return dateNear(dos, hints);
    case "duration": {
      const hinted = near(hints.durations, 2, 0).filter(Number.isInteger);
      const random = fc.integer({ min: 0, max: 120 });
      const days = fromHintsOr(hinted, random).chain(durationText);
      if (hints.hours.length === 0) return days;
      const hours = fromHintsOr(near(hints.hours, 1, 0).filter(Number.isInteger), fc.integer({ min: 0, max: 48 })).map((h) => `${h}h`);
      return fc.oneof(days, hours);
    }
    case "code":
      return codeArbitrary(hints);
    case "text":
      return hints.texts.length > 0 ? fc.oneof(fc.constantFrom(...hints.texts), fc.constantFrom("other", "")) : fc.constantFrom("a", "b", "");
  }
}

function codeArbitrary(hints: CaseHints): fc.Arbitrary<string> {
  const random = fc.oneof(fc.stringMatching(/^[0-9]{5}$/), fc.constantFrom("99213", "M54.5", "J3490"));
  return hints.codes.length === 0 ? random : fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...hints.codes) }, { weight: 1, arbitrary: random });
}

/** A record: each field present, absent or null; required fields always present. */
function recordOf(
  name: string,
  record: RecordDescriptor,
  schema: SchemaDescriptor,
  hints: CaseHints,
  dos: string,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [field, descriptor] of Object.entries(record.fields)) {
    if (descriptor.computed) continue;
    if (name === "case" && (field === "date_of_service" || field === "items")) continue;
    const value = valueOf(descriptor, schema, hints, dos, depth);
    if (name === "item" && field === "code") {
      fields[field] = value;
      continue;
    }
    fields[field] = fc.oneof(
      { weight: 6, arbitrary: value },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  }
  return fc.record(fields).map((value) => {
    const present: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) present[key] = v;
    return present;
  });
}

/** A valid case of `schema`: a date of service, 1-4 line items, and the case's other fields. */
export function caseArbitrary(schema: SchemaDescriptor, hints: CaseHints): fc.Arbitrary<Record<string, unknown>> {
  const caseRecord = schema.records.case;
  const itemRecord = schema.records.item;
  if (!caseRecord || !itemRecord) throw new Error("the schema has no case or item record");
  return dateOfService(hints).chain((dos) =>
    fc
      .record({
        rest: recordOf("case", caseRecord, schema, hints, dos, 0),
        items: fc.array(recordOf("item", itemRecord, schema, hints, dos, 1), { minLength: 1, maxLength: 4 }),
      })
      .map(({ rest, items }) => ({ date_of_service: dos, items, ...rest })),
  );
}

// ---------------------------------------------------------------------------------------------
// Hints from the policy

/** The code with its trailing number moved by `delta`, same width; undefined when impossible. */
function shiftCode(code: string, delta: number): string | undefined {
  const match = /^(.*?)(\d+)$/.exec(code);
  if (!match) return undefined;
  const [, head, digits] = match as unknown as [string, string, string];
  const next = Number(digits) + delta;
  if (next < 0 || String(next).length > digits.length) return undefined;
  return head + String(next).padStart(digits.length, "0");
}

function codesOf(policy: CheckedPolicy): string[] {
  const codes = new Set<string>();
  const add = (code: string | undefined) => {
    if (code !== undefined && code !== "") codes.add(code);
  };
  for (const decl of policy.codeSets.values()) {
    for (const entry of decl.entries) {
      if (entry.kind === "CodeExact") add(entry.code);
      else if (entry.kind === "CodePrefix") {
        for (const suffix of ["", ".9", "9", ".29"]) add(entry.prefix + suffix);
        add(shiftCode(entry.prefix, 1));
      } else {
        add(entry.from);
        add(entry.to);
        add(shiftCode(entry.from, -1));
        add(shiftCode(entry.to, 1));
        const from = /(\d+)$/.exec(entry.from)?.[1];
        const to = /(\d+)$/.exec(entry.to)?.[1];
        if (from && to) add(shiftCode(entry.from, Math.floor((Number(to) - Number(from)) / 2)));
      }
    }
  }
  return [...codes].sort();
}

/** Every expression node under `root`, in source order. */
function expressionsIn(root: Expression | undefined): Expression[] {
  const found: Expression[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.kind === "string") found.push(record as unknown as Expression);
    for (const [key, child] of Object.entries(record)) if (key !== "span") visit(child);
  };
  visit(root);
  return found;
}

export function policyHints(policy: CheckedPolicy): CaseHints {
  const roots: (Expression | undefined)[] = [];
  for (const record of policy.schema.records.values()) for (const field of record.fields.values()) roots.push(field.computed);
  for (const entry of policy.lets) roots.push(entry.decl.value);
  for (const rule of policy.rules) {
    roots.push(rule.decl.when);
    for (const criterion of rule.criteria) roots.push(criterion.condition);
  }
  const percents = new Set<number>();
  const numbers = new Set<number>();
  const durations = new Set<number>();
  const hours = new Set<number>();
  for (const table of policy.tables.values()) {
    if (table.type.kind !== "duration") continue;
    for (const value of table.values.values()) if (typeof value === "number") hours.add(Math.round(value * 24));
  }
  const texts = new Set<string>();
  const dates = new Set<string>();
  if (policy.metadata.effective) {
    dates.add(policy.metadata.effective);
    dates.add(addDays(policy.metadata.effective, -1));
  }
  if (policy.metadata.expires) {
    dates.add(policy.metadata.expires);
    dates.add(addDays(policy.metadata.expires, 1));
  }
  for (const expr of roots.flatMap(expressionsIn)) {
    switch (expr.kind) {
      case "PercentLiteral":
        percents.add(expr.value);
        break;
      case "NumberLiteral":
        numbers.add(expr.value);
        break;
      case "DurationLiteral":
        if (expr.unit === "d") durations.add(expr.amount);
        if (expr.unit === "wk") durations.add(expr.amount * 7);
        if (expr.unit === "h") hours.add(expr.amount);
        break;
      case "StringLiteral":
        texts.add(expr.value);
        break;
      case "DateLiteral":
        for (const delta of [-1, 0, 1]) dates.add(addDays(expr.value, delta));
        break;
      default:
        break;
    }
  }
  const sorted = (values: Set<number>) => [...values].sort((a, b) => a - b);
  return {
    codes: codesOf(policy),
    percents: sorted(percents),
    numbers: sorted(numbers),
    durations: sorted(durations),
    hours: sorted(hours),
    texts: [...texts].sort(),
    dates: [...dates].sort(),
  };
}
