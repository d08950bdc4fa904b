// One FHIR value as the value of a pol field: the conversions of docs/fhir.md ("Values"). A value
// that cannot be read exactly is refused with the reason, never approximated: a percent must be a
// UCUM `%` quantity, a duration a UCUM time quantity in a fixed unit, a date a whole calendar
// date, a code one of the binding's systems.

import type { FhirFieldBinding } from "../../../index.js";

const UCUM = "http://unitsofmeasure.org";

/** A value as the FHIRPath engine gave it: its FHIR type (when known) and its JSON. */
export interface FhirValue {
  type: string | undefined;
  data: unknown;
}

export type Converted =
  /** `value` undefined: nothing to read (a concept given as text only, without codings). */
  | { ok: true; value: unknown }
  | { ok: false; kind: "wrong-type" | "unknown-system" | "unit" | "unmapped-code" | "ambiguous"; message: string };

const wrongType = (message: string): Converted => ({ ok: false, kind: "wrong-type", message });
const unit = (message: string): Converted => ({ ok: false, kind: "unit", message });

const QUANTITY_TYPES = new Set(["Quantity", "Age", "Duration", "Count", "Distance", "SimpleQuantity", "MoneyQuantity"]);
const NUMBER_TYPES = new Set(["integer", "decimal", "positiveInt", "unsignedInt", "integer64"]);
const TEXT_TYPES = new Set(["string", "markdown", "code", "id", "uri", "url", "canonical"]);

function describe(value: FhirValue): string {
  if (value.type !== undefined) return `a \`${value.type}\``;
  if (typeof value.data === "string") return "text";
  return `a ${typeof value.data}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value of `binding`'s field read from `value`. */
export function convert(binding: FhirFieldBinding, value: FhirValue): Converted {
  const { data, type } = value;
  const field = `\`${binding.field}\``;
  switch (binding.kind) {
    case "bool":
      return typeof data === "boolean" ? { ok: true, value: data } : wrongType(`${field} is a boolean, but the binding gave ${describe(value)}`);
    case "text":
      return typeof data === "string" && (type === undefined || TEXT_TYPES.has(type))
        ? { ok: true, value: data }
        : wrongType(`${field} is text, but the binding gave ${describe(value)}`);
    case "date":
      return date(field, value);
    case "number":
      if (typeof data === "number" && (type === undefined || NUMBER_TYPES.has(type))) return finite(field, data);
      if (isQuantity(value)) return dimensionless(field, data as Record<string, unknown>);
      return wrongType(`${field} is a number, but the binding gave ${describe(value)}`);
    case "percent":
      if (!isQuantity(value)) return wrongType(`${field} is a percent, read from a UCUM \`%\` quantity, but the binding gave ${describe(value)}`);
      return percent(field, data as Record<string, unknown>);
    case "duration":
      if (!isQuantity(value)) return wrongType(`${field} is a duration, read from a UCUM time quantity, but the binding gave ${describe(value)}`);
      return duration(field, data as Record<string, unknown>);
    case "code":
      return code(binding, value);
    case "enum":
      return member(binding, value);
  }
}

function isQuantity(value: FhirValue): boolean {
  return isObject(value.data) && (value.type === undefined ? "value" in value.data : QUANTITY_TYPES.has(value.type));
}

function finite(field: string, value: unknown): Converted {
  return typeof value === "number" && Number.isFinite(value) ? { ok: true, value } : wrongType(`${field} needs a number, found \`${String(value)}\``);
}

function date(field: string, value: FhirValue): Converted {
  const { data, type } = value;
  if (typeof data !== "string" || (type !== undefined && !["date", "dateTime", "instant"].includes(type))) {
    return wrongType(`${field} is a date, but the binding gave ${describe(value)}`);
  }
  const match = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(data);
  if (match === null) {
    return wrongType(`${field} is a calendar date, but \`${data}\` gives only ${/^\d{4}-\d{2}$/.test(data) ? "a month" : /^\d{4}$/.test(data) ? "a year" : "no date"}`);
  }
  return { ok: true, value: match[1] };
}

function dimensionless(field: string, quantity: Record<string, unknown>): Converted {
  const code = quantity["code"];
  const system = quantity["system"];
  // UCUM's unity is `1`; an annotation alone (`{score}`) is unity too.
  const unity = code === undefined ? quantity["unit"] === undefined : system === UCUM && (code === "1" || /^\{[^{}]*\}$/.test(String(code)));
  if (!unity) return unit(`${field} is a plain number, but the quantity has the unit \`${String(code ?? quantity["unit"])}\``);
  return finite(field, quantity["value"]);
}

function percent(field: string, quantity: Record<string, unknown>): Converted {
  if (quantity["system"] !== UCUM || quantity["code"] !== "%") {
    return unit(`${field} is a percent: the quantity's unit must be UCUM \`%\`, found \`${String(quantity["code"] ?? quantity["unit"] ?? "no unit")}\``);
  }
  const value = quantity["value"];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) {
    return wrongType(`${field} is a percent from 0 to 100, found \`${String(value)}\``);
  }
  return { ok: true, value };
}

/** Fixed UCUM time units and their length in hours; calendar units are refused. */
const HOURS: Record<string, bigint> = { wk: 168n, d: 24n, h: 1n };
const SUB_HOUR: Record<string, bigint> = { min: 60n, s: 3600n };
const CALENDAR = new Set(["mo", "a", "mo_j", "a_j", "mo_g", "a_g", "mo_s", "a_t"]);

/**
 * A UCUM time quantity as a pol duration, exactly: in its own unit when whole, else in the
 * largest smaller unit (weeks, days, hours) that makes it whole. Months and years have no fixed
 * length and are refused (calendar units never silently become days).
 */
function duration(field: string, quantity: Record<string, unknown>): Converted {
  const code = quantity["code"];
  if (quantity["system"] !== UCUM || typeof code !== "string") {
    return unit(`${field} is a duration: the quantity needs a UCUM time unit, found \`${String(code ?? quantity["unit"] ?? "no unit")}\``);
  }
  if (CALENDAR.has(code)) {
    return unit(`${field} is a fixed duration, but \`${code}\` is a calendar unit with no fixed length: record it in weeks (\`wk\`) or days (\`d\`)`);
  }
  const value = quantity["value"];
  const exact = typeof value === "number" && Number.isFinite(value) && value >= 0 ? decimal(value) : undefined;
  if (exact === undefined) return wrongType(`${field} needs a duration that is not negative, found \`${String(value)}\``);
  const perHour = HOURS[code];
  const perUnit = SUB_HOUR[code];
  if (perHour === undefined && perUnit === undefined) return unit(`${field} is a duration, but \`${code}\` is not a UCUM unit of time pol reads (\`wk\`, \`d\`, \`h\`, \`min\`, \`s\`)`);
  // Hours as the fraction numerator / denominator.
  const numerator = exact.digits * (perHour ?? 1n);
  const denominator = exact.scale * (perUnit ?? 1n);
  for (const [name, hours] of [["wk", 168n], ["d", 24n], ["h", 1n]] as const) {
    if (perHour !== undefined && hours > perHour) continue;
    if (numerator % (denominator * hours) === 0n) return { ok: true, value: `${numerator / (denominator * hours)}${name}` };
  }
  return unit(`${field} is a whole number of hours, days or weeks, but ${String(value)} ${code} is not`);
}

/** A finite non-negative number as digits / 10^places, exactly as JSON wrote it. */
function decimal(value: number): { digits: bigint; scale: bigint } | undefined {
  const text = String(value);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const fraction = match[2] ?? "";
  return { digits: BigInt(match[1]! + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** The codings of a Coding or CodeableConcept value. */
function codings(value: FhirValue): Record<string, unknown>[] | undefined {
  const { data, type } = value;
  if (!isObject(data)) return undefined;
  if (type === "Coding" || (type === undefined && "code" in data && !("coding" in data))) return [data];
  if (type === "CodeableConcept" || (type === undefined && "coding" in data)) {
    const list = data["coding"];
    return Array.isArray(list) ? list.filter(isObject) : [];
  }
  return undefined;
}

function code(binding: FhirFieldBinding, value: FhirValue): Converted {
  const field = `\`${binding.field}\``;
  const list = codings(value);
  if (list === undefined) return wrongType(`${field} is a code, read from a Coding or CodeableConcept, but the binding gave ${describe(value)}`);
  if (list.length === 0) return { ok: true, value: undefined };
  const systems = binding.systems ?? [];
  const found = new Set(list.filter((c) => systems.includes(String(c["system"])) && typeof c["code"] === "string").map((c) => c["code"] as string));
  if (found.size === 1) return { ok: true, value: [...found][0] };
  if (found.size > 1) return { ok: false, kind: "ambiguous", message: `${field} has several codes of its systems: ${[...found].map((c) => `\`${c}\``).join(", ")}` };
  const others = [...new Set(list.map((c) => String(c["system"] ?? "no system")))];
  return {
    ok: false,
    kind: "unknown-system",
    message: `${field} reads codes of ${systems.map((s) => `\`${s}\``).join(", ")}, but the codes here are of ${others.map((s) => `\`${s}\``).join(", ") || "no system"}`,
  };
}

function member(binding: FhirFieldBinding, value: FhirValue): Converted {
  const field = `\`${binding.field}\``;
  const map = binding.map ?? [];
  const coded = map.some((entry) => entry.system !== undefined);
  if (!coded) {
    const data = value.data;
    if (typeof data !== "string" && typeof data !== "boolean") return wrongType(`${field} reads plain values, but the binding gave ${describe(value)}`);
    const hit = map.find((entry) => entry.code === String(data));
    return hit ? { ok: true, value: hit.member } : { ok: false, kind: "unmapped-code", message: `${field} has no member for the value \`${String(data)}\`` };
  }
  const list = codings(value);
  if (list === undefined) return wrongType(`${field} is read from a Coding or CodeableConcept, but the binding gave ${describe(value)}`);
  if (list.length === 0) return { ok: true, value: undefined };
  const members = new Set<string>();
  const unmapped: string[] = [];
  const systems = new Set(map.map((entry) => entry.system));
  for (const coding of list) {
    const system = coding["system"];
    if (!systems.has(system as string)) continue;
    const hit = map.find((entry) => entry.system === system && entry.code === coding["code"]);
    if (hit) members.add(hit.member);
    else unmapped.push(String(coding["code"]));
  }
  if (members.size === 1) return { ok: true, value: [...members][0] };
  if (members.size > 1) return { ok: false, kind: "ambiguous", message: `${field} has codes of several members: ${[...members].map((m) => `\`${m}\``).join(", ")}` };
  if (unmapped.length > 0) return { ok: false, kind: "unmapped-code", message: `${field} has no member for the code ${unmapped.map((c) => `\`${c}\``).join(", ")}` };
  const others = [...new Set(list.map((c) => String(c["system"] ?? "no system")))];
  return {
    ok: false,
    kind: "unknown-system",
    message: `${field} reads codes of ${[...systems].map((s) => `\`${s}\``).join(", ")}, but the codes here are of ${others.map((s) => `\`${s}\``).join(", ") || "no system"}`,
  };
}
