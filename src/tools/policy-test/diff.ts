// Structural differences between two plain values (determinations), as JSON paths with the value
// on each side, and the short textual forms failures print them in.

export interface Difference {
  /** JSON path, e.g. `items[0].trace[3].status`; `` for the whole value. */
  path: string;
  /** The value on each side; `undefined` when the side has nothing at that path. */
  left: unknown;
  right: unknown;
}

/**
 * The first `limit` paths at which `left` and `right` differ, depth first in the order of
 * `left`'s keys (then `right`'s extra keys). A key whose value is `undefined` counts as absent,
 * as it would in JSON.
 */
export function differences(left: unknown, right: unknown, limit = 5): Difference[] {
  const found: Difference[] = [];
  walk(left, right, "", found, limit);
  return found;
}

function walk(left: unknown, right: unknown, path: string, found: Difference[], limit: number): void {
  if (found.length >= limit || Object.is(left, right)) return;
  if (Array.isArray(left) && Array.isArray(right)) {
    const length = Math.max(left.length, right.length);
    for (let index = 0; index < length && found.length < limit; index++) {
      walk(left[index], right[index], `${path}[${index}]`, found, limit);
    }
    return;
  }
  if (isRecord(left) && isRecord(right)) {
    const keys = [...Object.keys(left), ...Object.keys(right).filter((key) => !(key in left))];
    for (const key of keys) {
      if (found.length >= limit) return;
      walk(left[key], right[key], path === "" ? key : `${path}.${key}`, found, limit);
    }
    return;
  }
  found.push({ path, left, right });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value on one line, shortened: `"approved"`, `60`, `[3 entries]`, `(absent)`. */
export function showValue(value: unknown, width = 80): string {
  if (value === undefined) return "(absent)";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > width ? `${text.slice(0, width - 3)}...` : text;
}

/** A set of strings as expectations show it: `{B1, C6}`, `{}`; sorted so order never matters. */
export function showSet(values: readonly string[]): string {
  return `{${[...new Set(values)].sort().join(", ")}}`;
}

/** Whether two lists hold the same strings, ignoring order and repetition. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}
