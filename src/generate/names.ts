// Identifiers for generated code: derived from pol names so a reader can find the `.pol`
// declaration behind each one, and disambiguated deterministically (`x`, `x2`, `x3`, ...).

/** Words a generated identifier must never be: JavaScript/TypeScript reserved words, and globals
 *  or built-in type names the generated module (or a reader) relies on. */
const RESERVED = new Set([
  // ECMAScript reserved words, including strict-mode and contextual ones.
  "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
  "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import",
  "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try",
  "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements", "interface",
  "package", "private", "protected", "public", "arguments", "eval", "undefined", "NaN", "Infinity",
  // TypeScript type names and keywords that cannot name a type.
  "any", "unknown", "never", "object", "string", "number", "boolean", "symbol", "bigint", "type",
  "as", "is", "keyof", "readonly", "declare", "namespace", "module", "infer", "satisfies",
  // Globals and utility types used in generated code.
  "Array", "Object", "Record", "Readonly", "String", "Number", "Boolean", "Date", "Map", "Set",
  "Error", "Math", "JSON", "Promise", "Symbol",
]);

/** `sij_injection` -> `sijInjection`; `HbA1c_level` -> `hbA1cLevel`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  // A leading run of capitals is an acronym or an id (`DSP1_condition`, `TP3`): all lower case.
  // Before a lower-case word its last capital starts that word (`HTMLParser` -> `htmlParser`).
  let run = /^[A-Z][A-Z0-9]*/.exec(pascal)?.[0] ?? "";
  if (run.length > 1 && /^[a-z]/.test(pascal.slice(run.length)) && /[A-Z]$/.test(run)) run = run.slice(0, -1);
  return run.toLowerCase() + pascal.slice(run.length);
}

/** `line_item` -> `LineItem`; `Procedure` -> `Procedure`. */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const joined = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
  if (joined === "") return "Value";
  // An identifier cannot start with a digit (`_1` splits into `1`).
  return /^[0-9]/.test(joined) ? `N${joined}` : joined;
}

/** Hands out unique identifiers in one namespace, in the order they are asked for. */
export class Names {
  private readonly taken = new Set<string>(RESERVED);

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  /** `preferred` if it is free, else the first free `preferred2`, `preferred3`, ... */
  claim(preferred: string): string {
    let name = preferred;
    for (let n = 2; this.taken.has(name); n++) name = `${preferred}${n}`;
    this.taken.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }
}

/** A unique name for a local (a lambda parameter) that shadows no module-level name and no
 *  enclosing local. */
export function localName(preferred: string, module: Names, enclosing: readonly string[]): string {
  let name = preferred;
  for (let n = 2; module.has(name) || enclosing.includes(name); n++) name = `${preferred}${n}`;
  return name;
}
