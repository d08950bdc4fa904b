// Plain-text layout for determination letters: word wrapping to a fixed width and the rendering
// of fact values, so every line of a report fits in 100 columns whatever the case contains.

export const WIDTH = 100;

/**
 * `text` wrapped to WIDTH: the first line starts with `first`, later lines with `rest` (both
 * usually indentation). Breaks at spaces; a word too long for a line is split, so no line is
 * ever wider than WIDTH.
 */
export function wrap(first: string, text: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(" ").filter((w) => w !== "")) {
    const separator = empty ? "" : " ";
    if (line.length + separator.length + word.length <= WIDTH) {
      line += separator + word;
      empty = false;
      continue;
    }
    if (!empty) {
      lines.push(line);
      line = rest;
    }
    let remaining = word;
    while (line.length + remaining.length > WIDTH) {
      const room = Math.max(1, WIDTH - line.length);
      lines.push(line + remaining.slice(0, room));
      line = rest;
      remaining = remaining.slice(room);
    }
    line += remaining;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Longest rendering of one fact value; longer values (free text, lists) are shortened. */
const MAX_VALUE = 60;

/** A fact value as a reviewer reads it: dates, codes and enum members bare, other text quoted. */
export function showValue(value: unknown): string {
  const text = fullValue(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}

function fullValue(value: unknown): string {
  if (typeof value === "string") return /^[A-Za-z0-9_.:/-]+$/.test(value) ? value : JSON.stringify(value);
  if (value === undefined) return "none";
  // A whole list was read (to count or scan it): its size is what a reader needs.
  if (Array.isArray(value)) {
    return value.length === 0 ? "none" : `${value.length} ${value.length === 1 ? "entry" : "entries"}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** `procedures[1].relief = 60`, or `pain_onset not documented` for an absent fact. */
export function showFact(fact: { fact: string; value: unknown }): string {
  return fact.value === null ? `${fact.fact} not documented` : `${fact.fact} = ${showValue(fact.value)}`;
}

/**
 * How a procedure code is named: HCPCS Level II codes are a letter and four digits (G0260);
 * CPT codes are five characters ending in a digit or a category letter (27096, 0213T).
 */
export function codeName(code: string): string {
  if (/^[A-Z]\d{4}$/.test(code)) return `HCPCS ${code}`;
  if (/^\d{4}[0-9A-Z]$/.test(code)) return `CPT ${code}`;
  return `code ${code}`;
}
