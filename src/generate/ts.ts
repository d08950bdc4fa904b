// A typed builder for TypeScript source. Generated code is a `Ts` value, and the only ways to make
// one are the `ts` template (whose holes take only other `Ts` values and numbers), `str` (a string
// literal), `ident` (a checked identifier) and `comment`/`doc` (comment text). Text from a policy
// therefore cannot reach the output without going through one of the escaping functions below,
// whichever position it ends up in.

declare const brand: unique symbol;

/** The width generated modules are formatted at (prettier leaves a line this wide as it is). */
export const PRINT_WIDTH = 120;

/** A fragment of TypeScript source, built only by this module's functions. */
export type Ts = string & { readonly [brand]: "Ts" };

/** Source from a template whose every hole is already source (or a finite number). */
export function ts(strings: TemplateStringsArray, ...holes: readonly (Ts | number)[]): Ts {
  let text = strings[0]!;
  for (let i = 0; i < holes.length; i++) {
    const hole = holes[i]!;
    text += (typeof hole === "number" ? num(hole) : hole) + strings[i + 1]!;
  }
  return text as Ts;
}

/**
 * A string literal. JSON escaping covers quotes, backslashes and control characters; U+2028 and
 * U+2029 are valid in JSON strings and in modern JavaScript string literals, but are escaped too so
 * that no line ever ends inside a literal, whatever reads the file.
 */
export function str(value: string): Ts {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029") as Ts;
}

/** A finite number literal; negative numbers are parenthesised where a caller needs it. */
export function num(value: number): Ts {
  if (!Number.isFinite(value)) throw new Error(`internal error: ${value} cannot be emitted as a number literal`);
  return String(value) as Ts;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An identifier; anything else is a bug in the generator, never something a policy can cause. */
export function ident(name: string): Ts {
  if (!IDENTIFIER.test(name)) throw new Error(`internal error: \`${name}\` is not an identifier`);
  return name as Ts;
}

/**
 * Text safe inside any comment: on one line (every JavaScript line terminator, CR, LF, U+2028 and
 * U+2029, becomes a space, so a `//` comment cannot end early), and without `*\/` (which would
 * end a block comment). Backticks and `${` are harmless in comments and kept.
 */
export function commentText(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, " ").replace(/\*\//g, "*\\/");
}

/** A `//` line comment. */
export function comment(text: string): Ts {
  return `// ${commentText(text)}` as Ts;
}

/** A JSDoc block: one line per entry, each made safe. */
export function doc(...lines: readonly string[]): Ts {
  const kept = lines.filter((line) => line !== "");
  if (kept.length === 1) return `/** ${commentText(kept[0]!)} */` as Ts;
  return `/**\n${kept.map((line) => ` * ${commentText(line)}`).join("\n")}\n */` as Ts;
}

/** Fragments joined by a separator (itself source). */
export function join(parts: readonly Ts[], separator: Ts | string): Ts {
  return parts.join(separator) as Ts;
}

/** Fragments as a comma-separated list. */
export function list(parts: readonly Ts[]): Ts {
  return parts.join(", ") as Ts;
}

/** A plain-data value (strings, numbers, booleans, arrays, objects) as a literal, keys quoted
 *  only where they must be. */
export function data(value: unknown): Ts {
  if (value === null) return "null" as Ts;
  if (typeof value === "string") return str(value);
  if (typeof value === "number") return num(value);
  if (typeof value === "boolean") return String(value) as Ts;
  if (Array.isArray(value)) return `[${value.map(data).join(", ")}]` as Ts;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{ ${entries.map(([key, v]) => `${propertyKey(key)}: ${data(v)}`).join(", ")} }` as Ts;
  }
  throw new Error(`internal error: cannot emit a ${typeof value} as data`);
}

/** An object literal key. `__proto__` is computed, because written plainly (quoted or not) it
 *  would set the object's prototype instead of making a property. */
export function propertyKey(key: string): Ts {
  if (key === "__proto__") return `[${str(key)}]` as Ts;
  return (IDENTIFIER.test(key) ? key : str(key)) as Ts;
}

/**
 * An array literal's items as pieces to fill lines with: the first opens the bracket and the
 * last closes it (`["a"`, `"b"`, `"c"]`); an empty array is one piece, `[]`.
 */
export function arrayPieces(values: readonly unknown[]): Ts[] {
  if (values.length === 0) return ["[]" as Ts];
  return values.map((value, i) => `${i === 0 ? "[" : ""}${data(value)}${i === values.length - 1 ? "]" : ""}` as Ts);
}

/**
 * A statement whose pieces (comma-separated) fill its lines up to the print width, continuation
 * lines indented, the way one lays out a long list of codes by hand, marked `prettier-ignore`
 * (prettier would give each piece a line of its own). `head` opens it and `tail` ends it.
 */
export function filled(head: Ts, pieces: readonly Ts[], tail: Ts): Ts {
  const lines: string[] = [];
  let line: string = `${head}${pieces[0] ?? ""}`;
  for (let i = 1; i < pieces.length; i++) {
    const end = i === pieces.length - 1 ? tail : ",";
    if (line.length + 2 + pieces[i]!.length + end.length > PRINT_WIDTH) {
      lines.push(`${line},`);
      line = `  ${pieces[i]!}`;
    } else {
      line += `, ${pieces[i]!}`;
    }
  }
  lines.push(`${line}${tail}`);
  return `${comment("prettier-ignore")}\n${lines.join("\n")}` as Ts;
}
