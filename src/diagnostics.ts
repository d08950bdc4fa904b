// Diagnostics: the one catalogue of every message pol can report, and how they are rendered.
// Codes are stable: POL1xxx syntax, POL2xxx names and files, POL3xxx types and units,
// POL4xxx policy structure (rules, criteria, citations), POL5001-POL5020 policy analysis (`pol diff`,
// `pol verify`: findings about what a policy decides, and what the analysis cannot decide). Never
// reuse or renumber a code.
//
// Each catalogue entry holds the message template (one lowercase sentence, user input in
// backticks, no trailing period) with `{named}` parameters, and optionally a help template (how
// to fix it) or several named help variants. Call sites pass only the arguments, checked per code:
//
//   diagnostic("POL2002", span, { field, record }, suggest(field, names) ?? { fields })

// The suggestion function alone (`@pol/runtime/names`): checking needs nothing else of the runtime.
import { closestName, SUGGESTION_LIMITS, type SuggestionWork } from "@pol/runtime/names";
import type { Span } from "./ast.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** One lowercase sentence, user input in backticks, no trailing period. */
  message: string;
  span: Span;
  /** A likely fix, e.g. "did you mean `relief`?". */
  help?: string;
}

interface CatalogueEntry {
  severity: Severity;
  /** What the code means, for `docs/diagnostics.md`. */
  summary: string;
  /** The message, with `{name}` parameters. */
  message: string;
  /** How to fix it: one template, or named variants of which the call site picks one. */
  help?: string | Readonly<Record<string, string>>;
  /** Why the code can no longer be reported; its number stays reserved. */
  retired?: string;
  /** Reports a bug in pol rather than a mistake in the input: no golden file can show it. */
  internal?: true;
}

/** Every diagnostic code. Add new codes at the end of their range; never renumber or reuse one. */
export const catalogue = {
  // Syntax
  POL1001: {
    severity: "error",
    summary: "unexpected character",
    message: "unexpected {characters} `{text}`",
    help: {
      bracket: "a citation is a section between brackets, e.g. `[D.I.B.1]`",
      bang: "use `not` to negate and `!=` to compare",
      ampersand: "use `and`",
      pipe: "use `or`",
      quote: "strings are written between double quotes",
      semicolon: "statements need no terminator: remove the `;`",
    },
  },
  POL1002: {
    severity: "error",
    summary: "unexpected token: the parser expected something else here",
    message: "expected {expected} but found `{found}`",
    help: {
      equals: "use `==` to compare",
      chained: "comparisons do not chain: join two comparisons with `and`",
      forCodes: "a rule names the code set it applies to: `for CODESET`",
      criterionId: 'a criterion starts with its id, e.g. `require B1 [D.I.B.1] "..."`',
      useFirst: "put every `use` before the declarations",
      criterionInRule: "a criterion belongs to a rule: move it under its `rule`",
      durationUnit: "a duration has a unit: `{amount}d` (days), `{amount}wk`, `{amount}mo` or `{amount}y`",
      durationWord: "write the amount and its unit as one word: `{duration}`",
    },
  },
  POL1003: {
    severity: "error",
    summary: "unterminated string literal",
    message: "unterminated string `{text}`",
    help: 'close the string with `"` on the same line',
  },
  POL1004: { severity: "error", summary: "invalid date literal", message: "invalid date `{text}`", help: "{problem}" },
  POL1005: {
    severity: "error",
    summary: "invalid code in a code list",
    message: "invalid code `{text}`",
    help: {
      range: "a range is two codes joined by `-`, e.g. `64490-64495`",
      prefix: "a prefix ends with `*`, e.g. `B02.*` or `M54*`",
      shape: "a code is letters and digits with at most one `.`, e.g. `27096` or `M54.5`",
    },
  },
  POL1006: {
    severity: "error",
    summary: "invalid duration literal",
    message: "invalid duration `{text}`",
    help: "write a whole number followed by `d`, `wk`, `mo` or `y`, e.g. `12mo`",
  },
  POL1007: {
    severity: "error",
    summary: "missing token: the parser expected more input",
    message: "unexpected end of file: expected {expected}",
  },
  POL1008: {
    severity: "error",
    summary: "header field given twice",
    message: "header field `{key}` given twice",
    help: "keep one of them",
  },
  POL1009: {
    severity: "error",
    summary: "required header field missing",
    message: "the header of policy `{policy}` has no `{key}`",
    help: "add `{example}` to the header",
  },
  POL1010: {
    severity: "error",
    summary: "unclosed citation",
    message: "unclosed citation `{text}`",
    help: {
      close: "close it with `]`: `{text}]`",
      empty: "a citation is a section between brackets, e.g. `[D.I.B.1]`",
    },
  },
  POL1011: {
    severity: "error",
    summary: "invalid escape in a string",
    message: "invalid escape `{escape}` in a string",
    help: 'only `\\"` and `\\\\` are escapes: write other characters as they are',
  },
  POL1012: {
    severity: "error",
    summary: "unknown header field",
    message: "unknown header field `{key}`",
    help: "the header fields are `title`, `payer`, `number`, `version`, `effective` and `expires`",
  },
  POL1013: {
    severity: "error",
    summary: "a field with two labels",
    message: "field `{field}` has two labels",
    help: "keep one label, before or after `= expression`",
  },
  POL1014: {
    severity: "error",
    summary: "expression nested too deeply or too long (see \"Limits\" in docs/language.md)",
    message: "expression too deep: more than {limit} {what}",
    help: {
      nesting: "nesting is limited to 64 levels of parentheses, groups and prefix operators: name inner parts with `let`",
      operators: "an expression holds at most 500 operators: name parts of it with `let` or use a code set",
    },
  },
  POL1015: {
    severity: "error",
    summary: "internal error in pol (a bug, not a mistake in the policy)",
    message: "internal error: {detail}",
    help: "please report this bug with the file that triggers it",
    internal: true,
  },
  POL1016: {
    severity: "error",
    summary: "a number of members picked without `latest` or `earliest`",
    message: "`{operator} {count} of` picks nothing: only `latest` and `earliest` take a number of members",
    help: "write `latest {count} of LIST` (the last {count} by date) or `earliest {count} of LIST` (the first {count}), then `{operator}` over it",
  },
  POL1017: {
    severity: "error",
    summary: "a number of members that is not a whole number of at least 1",
    message: "`{count}` is not a number of members",
    help: "write a whole number of at least 1, e.g. `earliest 3 of LIST`",
  },
  // Names and files
  POL1025: {
    severity: "error",
    summary: "a header field given a word it does not take",
    message: "`{key}` takes {expected}, not the word `{word}`",
    help: {
      effective: "write the date the policy takes effect, e.g. `effective 2025-07-01`, or `effective proposed` for a policy not yet in effect",
      other: "{example}",
    },
  },
  POL2001: {
    severity: "error",
    summary: "unknown name",
    message: "unknown name `{name}`",
    help: {
      enumMember: "`{name}` is a member of `{enum}`: compare a `{enum}` with it, e.g. `x == {name}`, or write `{enum}.{name}`",
      codeSet: "`{name}` is a code set: test a code with `item.code in {name}`",
      recordOnly: "a computed field can use only the fields of its own record",
    },
  },
  POL2002: {
    severity: "error",
    summary: "unknown field of a record",
    message: "unknown field `{field}` on `{record}`",
    help: "the fields of `{record}` are {fields}",
  },
  POL2003: {
    severity: "error",
    summary: "unknown code set",
    message: "unknown code set `{name}`",
    help: 'declare it with `codes NAME "label" = cpt { ... }`',
  },
  POL2004: {
    severity: "error",
    summary: "unknown type",
    message: "unknown type `{name}`",
    help: "a field type is one of `bool number percent date duration code text`, an enum, or `list of RECORD`",
  },
  POL2005: {
    severity: "error",
    summary: "duplicate declaration",
    message: "`{name}` is already declared",
    help: {
      schema: "the first `{name}` declaration is at {location}; declare all its fields there",
      other: "the first declaration is at {location} ({kind})",
    },
  },
  POL2006: {
    severity: "error",
    summary: "used file not found or unreadable",
    message: "cannot read `{path}`",
    help: {
      looked: "looked for `{resolved}`",
      problem: "{problem}",
    },
  },
  POL2007: {
    severity: "error",
    summary: "cycle of `use` between files",
    message: "`use` cycle: {cycle}",
    help: "remove one of these `use` declarations",
  },
  POL2008: {
    severity: "error",
    summary: "a `let` refers to itself",
    message: "`{name}` refers to itself: {cycle}",
    help: "a `let` cannot depend on its own value",
  },
  POL2009: {
    severity: "error",
    summary: "unknown enum member",
    message: "`{name}` is not a member of `{enum}`",
    help: "`{enum}` is one of {members}",
  },
  POL2010: {
    severity: "error",
    summary: "a schema file cannot contain rules",
    message: "a schema cannot contain rules, but `{rule}` is a rule",
    help: "move the rule into a policy file that uses this schema",
  },
  POL2011: {
    severity: "error",
    summary: "missing schema: no `case` or `item` declaration is visible",
    message: "policy `{policy}` has no schema: no `case` or `item` declaration is visible",
    help: 'use its schema, e.g. `use "../schema/spine.pol"`',
  },
  POL2012: {
    severity: "error",
    summary: "unknown record in `list of`",
    message: "unknown record `{name}`",
    help: 'declare it with `record NAME "label" { ... }`',
  },
  POL2013: {
    severity: "error",
    summary: "a record or enum named like a built-in type",
    message: "`{name}` is a built-in type",
    help: "choose another name",
  },
  POL2014: {
    severity: "error",
    summary: "duplicate enum member",
    message: "`{member}` is already a member of `{enum}`",
    help: "the first is at {location}",
  },
  POL2015: {
    severity: "error",
    summary: "a case field named like a built-in field",
    message: "`{field}` is a built-in field of the case",
    help: "every case has `date_of_service` and `items`; remove this field or rename it",
  },
  POL2016: {
    severity: "error",
    summary: "duplicate field of a record",
    message: "field `{field}` is already declared in `{record}`",
    help: "the first declaration is at {location}",
  },
  POL2017: {
    severity: "error",
    summary: "a computed field refers to itself",
    message: "computed field `{field}` refers to itself: {cycle}",
    help: "compute the field from the record's other fields",
  },
  POL2018: {
    severity: "error",
    summary: "`dated by` names an unknown field",
    message: "`dated by` names `{field}`, which is not a field of `{record}`",
    help: "add a field `{field}: date` to `{record}`",
  },
  POL2019: {
    severity: "error",
    summary: "a `use` path is absolute or leaves the project root",
    message: "`use` path `{path}` {problem}",
    help: {
      absolute: "write the path relative to this file's folder, e.g. `use \"../schema/spine.pol\"`",
      outside: "a used file must be inside the project: the nearest folder holding `pol.config.json` or `package.json` (else the folder being checked)",
      link: "a used file must be inside the project, also after following links",
    },
  },
  POL2020: {
    severity: "error",
    summary: "a `use` names a file that is not a `.pol` source (another extension, not a regular file, or over 1 MiB)",
    message: "`use` can only name a `.pol` source file, not `{path}`",
    help: {
      extension: "name a schema or policy file ending in `.pol`",
      unreadable: "{problem}",
    },
  },
  POL2021: {
    severity: "error",
    summary: "a policy id compiles to a file name pol reserves (`runtime`, `index`)",
    message: "policy `{policy}` would compile to `{file}`, a file name pol reserves for its own output",
    help: "choose another policy id, e.g. `acme.{policy}`",
  },
  POL2022: {
    severity: "error",
    summary: "two policies compile to the same file name",
    message: "policy `{policy}` compiles to `{file}`, as does policy {others}",
    help: "give one of them a different id: ids that differ only in case or punctuation compile to one file",
  },
  POL2023: {
    severity: "error",
    summary: "a bare name that is a field of two enclosing elements",
    message: "`{name}` is a field of more than one enclosing element ({records}): it is not clear which one it reads",
    help: "name the outer element and read its field through the name, e.g. `some v in visits where count visits where {name} >= v.{name} ...`",
  },
  POL2024: {
    severity: "error",
    summary: "an element name that hides another name",
    message: "the element name `{name}` hides {what} of the same name",
    help: "choose another name for the element, e.g. a short one such as `v` or `b`",
  },
  POL2025: {
    severity: "error",
    summary: "a field of a named element written without the element's name",
    message: "unknown name `{name}`: the element is named `{element}`, so its fields are read through the name",
    help: "write `{element}.{name}`",
  },
  POL2026: {
    severity: "error",
    summary: "a member given twice in a table",
    message: "`{member}` has a value in table `{table}` already",
    help: "keep one value for each member",
  },
  POL2027: {
    severity: "error",
    summary: "a lookup in something that is not a table",
    message: "`{name}` is not a table: `{name} of ...` looks a value up in a table",
    help: "declare it with `table {name} \"label\" by ENUM` and a value for each member, or write the expression without `of`",
  },
  // The project's configuration, `pol.config.json`
  POL2040: {
    severity: "error",
    summary: "`pol.config.json` is not valid JSON, or not an object",
    message: "`pol.config.json` is not {problem}",
    help: "write one JSON object, e.g. `{ \"sources\": [\"policies\"], \"out\": \"compiled\" }`",
  },
  POL2041: {
    severity: "error",
    summary: "`pol.config.json` has a key pol does not know",
    message: "unknown key `{key}` in `pol.config.json`",
    help: "{suggestion}",
  },
  POL2042: {
    severity: "error",
    summary: "a value in `pol.config.json` has the wrong type or is out of range",
    message: "`{key}` must be {expected}, found {found}",
    help: "{example}",
  },
  POL2043: {
    severity: "error",
    summary: "a source root in `pol.config.json` is missing, not a folder, or outside the project",
    message: "source root `{path}` {problem}",
    help: "list folders inside the project that hold `.pol` files, relative to `pol.config.json`, e.g. `\"sources\": [\"policies\"]`",
  },
  POL2044: {
    severity: "error",
    summary: "the output folder in `pol.config.json` is the project folder, outside it, or overlaps a source root",
    message: "output folder `{out}` {problem}",
    help: "`pol compile` replaces the whole output folder: name a folder of its own inside the project, e.g. `\"out\": \"compiled\"`",
  },
  POL2035: {
    severity: "error",
    summary: "a `let` or field named like a built-in name or a case field, which it would hide",
    message: "{what} `{name}` would hide {hidden}",
    help: "choose another name: `{name}` always means {hidden}",
  },
  POL2036: {
    severity: "error",
    summary: "a name that is both a `let` or field and a member of the enum it is compared with",
    message: "`{name}` is both {what} and a member of `{enum}`",
    help: "write `{enum}.{name}` for the member, or rename {what}",
  },
  POL2037: {
    severity: "error",
    summary: "a `use` names a policy file, whose rules and header would be left behind",
    message: "`use` names `{path}`, the policy `{policy}`: its rules would not apply here",
    help: "`use` a schema; to share lets and code sets between policies, move them into a schema file both policies use",
  },
  // Types and units
  POL2030: {
    severity: "error",
    summary: "a waiver names a criterion its rule does not have",
    message: "waiver `{waiver}` names `{id}`, which is not a criterion of rule `{rule}`",
    help: "a waiver waives criteria of its own rule: name one of {criteria}",
  },
  POL2031: {
    severity: "error",
    summary: "`within plan year` in a schema whose case has no `plan_year_start`",
    message: "`within plan year` needs the case field `{field}`, the first day of a plan year",
    help: 'add it to the `case` of the schema: `{field}: date "first day of the member\'s plan year"`',
  },
  POL2032: {
    severity: "error",
    summary: "`extend` names no declared record or enum",
    message: "`extend {what} {name}`: {found}",
    help: "an extension adds to {article} declared in this file or a file it uses: `use` the schema that declares it",
  },
  POL2033: {
    severity: "error",
    summary: "`as of` names no rule",
    message: "`{name} as of ...` names no rule of this policy",
    help: "`as of` evaluates a rule's criteria on an earlier date; the rules are {rules}",
  },
  POL3001: {
    severity: "error",
    summary: "comparison of incompatible types",
    message: "cannot compare `{left}` with `{right}`",
    help: {
      elapsed: "compare `time since ...` with a literal such as `2mo`",
      calendar: "a calendar duration such as `2mo` compares only with `time since ...` or `time between ...`",
      percent: "write `{text}%`",
      ratio: "turn a ratio into a percent with `as percent`",
      count: "count the list: `count {text}`",
      dropPercent: "`{text}` is a number, not a percent: compare it with `{number}`, without `%`",
      date: "compare a date with a date such as `2025-01-01`, or measure the time since it: `time since {text} >= 3mo`",
    },
  },
  POL3002: {
    severity: "error",
    summary: "percent literal outside 0-100%",
    message: "percent `{text}` is outside 0-100%",
    help: "a percent lies between `0%` and `100%`",
  },
  POL3003: {
    severity: "error",
    summary: "calendar duration compared with a fixed duration",
    message: "`{fixed}` is a fixed duration but `{calendar}` is calendar months",
    help: {
      general: "calendar months have no fixed length in days; compare with days or weeks, or compare dates instead (`time since`)",
      coverage: "coverage counts days: compare it with days or weeks, e.g. `>= 6wk`, or give the list a window in months (`within 6mo`)",
      field: "durations a case records are in days: compare with days or weeks, e.g. `>= 8wk`",
    },
  },
  POL3004: {
    severity: "error",
    summary: "window or pick over a list whose records have no date",
    message: "`{text}` has no date: `{record}` is not declared `dated by`",
    help: {
      item: "{why}, and line items have no date",
      record: "{why}; declare the date: `record {record} dated by <field>`",
    },
  },
  POL3005: {
    severity: "error",
    summary: "a condition must be a boolean",
    message: "`{text}` is `{type}`, not a condition",
    help: {
      list: "test the list with `some {text}` or `no {text}`",
      compare: "compare it, e.g. `{text} >= ...`",
    },
  },
  POL3006: { severity: "error", summary: "expected a list", message: "{user} needs a list, but `{text}` is `{type}`" },
  POL3007: {
    severity: "error",
    summary: "field access on a value that is not a record",
    message: "`{text}` is `{type}`, not a record, so it has no field `{field}`",
    help: { list: "pick one record first, e.g. `latest {text}`, or test the list with `some {text} where {field} ...`" },
  },
  POL3008: {
    severity: "error",
    summary: "`in` applied to a value that is not a code",
    message: "`in` needs a code, but `{text}` is `{type}`",
    help: { item: "test the item's code: `item.code in ...`" },
  },
  POL3009: {
    severity: "error",
    summary: "code range with ends of different lengths",
    message: "the ends of code range `{range}` have different lengths",
    help: "a range runs between codes of equal length, e.g. `64490-64495`",
  },
  POL3010: {
    severity: "error",
    summary: "`coverage` over records that are not episodes",
    message: "`coverage` needs episodes, but `{record}` is not dated by a start and an end",
    help: "an episode is declared `record {record} dated by <start> to <end>`",
  },
  POL3011: {
    severity: "error",
    summary: "`sum` over a field that is not a number or duration",
    message: "`sum` needs a number or duration field, but `{field}` is `{type}`",
  },
  POL3012: {
    severity: "error",
    summary: "computed field of the wrong type",
    message: "computed field `{field}` is declared `{declared}` but its expression is `{actual}`",
    help: { percent: "turn the ratio into a percent with `as percent`" },
  },
  POL3013: {
    severity: "error",
    summary: "the item declaration must have a `code: code` field",
    message: "the item declaration has no `code: code` field",
    help: 'add `code: code "requested procedure code"`: rules bind to line items by code',
  },
  POL3014: {
    severity: "error",
    summary: "`dated by` names a field that is not a date",
    message: "`dated by` needs a date field, but `{field}` is `{type}`",
    help: "declare `{field}: date`",
  },
  POL3015: {
    severity: "error",
    summary: "`within` applied to a list that already has a window",
    message: "the list already has a window (`within {window}`)",
    help: "use one `within` per list",
  },
  POL3016: {
    severity: "error",
    summary: "a list of values that are neither records nor codes, texts or enum members",
    message: "a list must hold records, codes, texts or members of an enum, not `{name}`",
    help: "a list holds records (`list of Procedure`) or values tested with `in` (`list of code`, `list of text`, `list of Level`)",
  },
  POL3017: {
    severity: "error",
    summary: "a field holding a single record",
    message: "a field cannot hold a single `{record}` record",
    help: "use `list of {record}`",
  },
  POL3018: {
    severity: "error",
    summary: "the item field `code` is not a code",
    message: "the item field `code` is `{type}`, not `code`",
    help: "declare it as `code: code`",
  },
  POL3019: {
    severity: "error",
    summary: "code range that runs backwards",
    message: "code range `{range}` runs backwards",
    help: "write `{reversed}`",
  },
  POL3020: {
    severity: "error",
    summary: "a date header field written as a string",
    message: "`{key}` must be a date, not a string",
    help: "write the date without quotes, e.g. `{key} 2025-07-01`",
  },
  POL3021: {
    severity: "error",
    summary: "a text header field written as a date",
    message: "`{key}` must be a string, not a date",
    help: 'put it in quotes: `{key} "{value}"`',
  },
  POL3022: {
    severity: "error",
    summary: "`as percent` applied to a value that is not a number",
    message: "`as percent` turns a number into a percent, but `{text}` is `{type}`",
  },
  POL3023: {
    severity: "error",
    summary: "expected a date",
    message: "{user} needs a date, but `{text}` is `{type}`",
    help: {
      record: "use one of its dates, e.g. `{text}.date`",
      list: "pick one record and take its date, e.g. `(latest {text}).date`",
    },
  },
  POL3024: {
    severity: "error",
    summary: "ordering comparison of values that have no order",
    message: "`{operator}` needs numbers, percents, dates or durations, not `{type}`",
  },
  POL3025: {
    severity: "error",
    summary: "`*` or `/` applied to values that are not numbers",
    message: "cannot {verb} `{left}` by `{right}`",
    help: "`*` and `/` work on numbers",
  },
  POL3026: {
    severity: "error",
    summary: "a length plus a date, written the wrong way round",
    message: "cannot add a date to `{type}`",
    help: "write the date first, e.g. `dos + 7d`",
  },
  POL3027: {
    severity: "error",
    summary: "`+` applied to values that do not add",
    message: "cannot add `{left}` and `{right}`",
    help: { calendar: "calendar months have no fixed length in days; add each to a date instead" },
  },
  POL3028: {
    severity: "error",
    summary: "`-` applied to values that do not subtract",
    message: "cannot subtract `{right}` from `{left}`",
    help: { calendar: "calendar months have no fixed length in days; add each to a date instead" },
  },
  POL3029: {
    severity: "error",
    summary: "negation of a value that is not a number, percent or duration",
    message: "cannot negate `{type}`",
  },
  POL3030: {
    severity: "error",
    summary: "a member of a set that does not fit the value tested",
    message: "`{member}` cannot be a value of `{type}`",
    help: {
      enumName: "members of an enum are written as names, without quotes: `{value}`",
      quote: "text and codes are written between quotes: `\"{value}\"`",
      kind: "a set of values between braces tests an enum, a text or a code",
    },
  },
  POL3031: {
    severity: "error",
    summary: "`documented` of something that is not a fact of the case",
    message: "`documented` needs a field the case supplies, but `{text}` is not one",
    help: { field: "name a stored field, e.g. `documented last_block.relief`: a computed value or a let is never documented itself" },
  },
  POL3032: {
    severity: "error",
    summary: "`count distinct` over a field that has no values to tell apart",
    message: "`count distinct` cannot tell values of `{field}` apart: it is `{type}`",
    help: "count distinct values of a field that holds a date, a code, a text, an enum, a number or a duration",
  },
  POL3033: {
    severity: "error",
    summary: "a field named twice in `count distinct`",
    message: "`{field}` is named twice in `count distinct`",
    help: "name each field once",
  },
  POL3034: {
    severity: "error",
    summary: "a value listed twice in a set",
    message: "{member} is listed twice in the set",
    help: "list each value once",
  },
  POL3035: {
    severity: "error",
    summary: "`in` with something that is not a list of values",
    message: "`in` needs a code set or a list of values, but `{text}` is `{type}`",
  },
  POL3036: {
    severity: "error",
    summary: "ordering comparison of members of an enum that is not ordered",
    message: "`{operator}` compares members of `{enum}`, which has no order",
    help: "add `ordered` to the declaration of `{enum}`, before its members (lowest first), or test the members with `in` and a set of members between braces",
  },
  POL3037: {
    severity: "error",
    summary: "coverage compared with more months than its window holds",
    message: "coverage within `{window}` can never reach `{amount}`",
    help: "widen the window to at least `{amount}`, or compare with a smaller amount",
  },
  POL3038: {
    severity: "error",
    summary: "a table keyed by something that is not an enum",
    message: "table `{table}` is keyed `by {name}`, which is not an enum",
    help: "a table gives a value for each member of an enum: name the enum after `by`",
  },
  POL3039: {
    severity: "error",
    summary: "a calendar duration in a table",
    message: "`{value}` is a calendar duration: a table holds fixed durations only",
    help: "write the duration in hours, days or weeks, e.g. `4h`, `3d`, `6wk`",
  },
  POL3040: {
    severity: "error",
    summary: "table values of different types",
    message: "`{value}` is `{type}`, but the values of table `{table}` are `{first}`",
    help: "give every member a value of one type",
  },
  POL3041: {
    severity: "error",
    summary: "a table without a value for every member of its enum",
    message: "table `{table}` has no value for {missing} of `{enum}`",
    help: "give every member of `{enum}` a value: a lookup must never fall through",
  },
  POL3042: {
    severity: "error",
    summary: "a table looked up with a value that is not a member of its enum",
    message: "table `{table}` is keyed by `{enum}`, but `{text}` is `{type}`",
  },
  POL3043: {
    severity: "error",
    summary: "hours where whole days are counted",
    message: "`{text}` is in hours, but {user} counts whole days",
    help: "write the length in days or weeks, e.g. `2d`; hours compare only with other durations",
  },
  POL3044: {
    severity: "error",
    summary: "`in` a list of values of another type",
    message: "`{text}` is `{type}`, so it can never be in a `{list}`",
    help: "test a value of the list's type, e.g. a member of its enum",
  },
  POL3045: {
    severity: "error",
    summary: "`within plan year` with a `plan_year_start` that is not a date",
    message: "`within plan year` counts from the case field `{field}`, which is `{type}`, not a date",
    help: "declare `{field}` as a `date`: the first day of one of the member's plan years",
  },
  POL3046: {
    severity: "error",
    summary: "`as of` after something that is not a rule name",
    message: "`as of` evaluates a rule on an earlier date, but `{text}` is not a rule name",
    help: "write the rule's name before `as of`, e.g. `diagnostic_block as of date`",
  },
  POL3055: {
    severity: "warning",
    summary: "free text compared with a string: only that wording matches",
    message: "`{text}` is free text: comparing it with {literal} matches that wording only (case and spacing aside)",
    help: "declare `{text}` as an enum in the schema, so that every value is one of its members and the comparison is exact",
  },
  POL3080: {
    severity: "error",
    summary: "a list of values where a list of records is needed",
    message: "{user} ranges over the records of a list, but `{text}` is a list of values (`{type}`)",
    help: "test one value against it with `in`, e.g. `x in {text}`: the values of a list are not counted, filtered or quantified over",
  },
  POL3081: {
    severity: "error",
    summary: "`in` with a list of values on both sides",
    message: "`{text}` is a list of values (`{type}`), but `in` tests one value against `{list}`",
    help: "whether two lists share a value is not expressible; record the value to test as a field of one value (such as `level: Level`) and write `x in {list}`",
  },
  // Policy structure
  POL4001: {
    severity: "error",
    summary: "criterion without a citation",
    message: "criterion `{id}` has no citation",
    help: "add the policy section it encodes, e.g. `[D.I.B.1]`",
  },
  POL4002: {
    severity: "error",
    summary: "duplicate rule name",
    message: "rule `{rule}` is already declared",
    help: "the first is at {location}; rename one of them",
  },
  POL4003: {
    severity: "error",
    summary: "duplicate criterion id",
    message: "criterion `{id}` is already declared",
    help: "the first is at {location}; criterion ids are unique within a policy",
  },
  POL4004: {
    severity: "error",
    summary: "a policy file needs at least one rule",
    message: "policy `{policy}` has no rules",
    help: 'add a rule: `rule NAME "title" [SECTION] for CODESET` followed by its criteria',
  },
  POL4005: {
    severity: "error",
    summary: "`require` needs a condition",
    message: "`require {id}` has no condition",
    help: "write the condition that must hold after the description",
    retired: "the grammar requires a condition after `require`: a missing one is a syntax error (POL1002 or POL1007)",
  },
  POL4006: {
    severity: "error",
    summary: "criterion without a description",
    message: "criterion `{id}` has no description",
    help: 'add the analyst\'s words in quotes after the citation, e.g. `"at least 75% relief"`',
  },
  POL4013: {
    severity: "error",
    summary: "a waiver names a note or another waiver",
    message: "waiver `{waiver}` names `{id}`, a {effect}, which decides nothing that could be waived",
    help: "name the criteria that decide the outcome (`require`, `deny`, `not covered`, `bundle`, `prior authorization`, `refer`)",
  },
  POL4014: {
    severity: "error",
    summary: "a criterion waived by two waivers",
    message: "criterion `{id}` is already waived by `{first}`",
    help: "one waiver per criterion: join the two conditions with `or` in one waiver",
  },
  POL4015: {
    severity: "error",
    summary: "a rule evaluated `as of` an earlier date reads the line item",
    message: "rule `{rule}` is evaluated as of an earlier date, but it reads the line item (at {location})",
    help: "as of an earlier date there is no line item: name a rule whose criteria read only the case and its history",
  },
  POL4016: {
    severity: "error",
    summary: "a rule evaluated `as of` an earlier date inside itself",
    message: "rule `{rule}` is evaluated as of an earlier date inside itself: {cycle}",
    help: "a rule cannot depend on its own past evaluation; name another rule",
  },
  POL4021: {
    severity: "error",
    summary: "a rule with no criterion that decides: it would approve every item it applies to without a word",
    message: "rule `{rule}` has no `require`, `deny`, `not covered` or `bundle` criterion, so it would approve every item it applies to",
    help: 'add the criteria the policy sets, or say that the rule approves: `approve {example} [{citation}] "..."`',
  },
  POL4022: {
    severity: "warning",
    summary: "`approve` in a rule that has criteria which decide",
    message: "`approve {id}` says nothing: rule `{rule}` already has criteria that decide its items",
    help: "remove `approve {id}`: a rule with criteria approves an item when all of them are met",
  },
  POL4023: {
    severity: "warning",
    summary: "a `let` no rule uses",
    message: "`{name}` is never used: no rule reaches this `let`",
    help: "remove it, or use it in the criterion it was written for",
  },
  POL4024: {
    severity: "warning",
    summary: "a code set no rule uses",
    message: "code set `{name}` is never used: no rule applies to it or tests a code against it",
    help: "remove it, or name it in a rule's `for` or in `code in {name}`",
  },
  POL4025: {
    severity: "warning",
    summary: "a condition that is a tautology or a contradiction by its form",
    message: "`{text}` is {outcome}",
    help: {
      decided: "`{literal} {operator} ...` does not depend on the rest: remove the literal or the condition",
      neutral: "`{literal}` does nothing here: remove it",
      negated: "`{operand}` and its negation cannot both hold, and one of them always does: check which was meant",
    },
  },
  POL4026: {
    severity: "warning",
    summary: "a comparison at the end of a `where` condition inside `count`, which reads as if the count were compared",
    message: "`{comparison}` is part of the `where` condition, not a comparison of the count",
    help: "say so with parentheses, `{filter}`, or compare the count from outside them: `({filter}) >= ...`",
  },
  POL4027: {
    severity: "warning",
    summary: "a `require` that is met when an event is absent, through `not` over a comparison on it",
    message: "this criterion is met when there is no such event at all: `{text}` holds when the record is none",
    help: "write what no event means, e.g. `no {list} or {text}`, or require the event: `some {list} and {text}`",
  },
  // Policy analysis (`pol diff`, `pol verify`)
  POL5001: {
    severity: "warning",
    summary: "a construct the semantic analysis does not handle yet",
    message: "the semantic analysis does not support {construct} yet",
    help: "codes {codes} are left out of the semantic diff and verify; the structural diff still compares them",
  },
  POL5002: {
    severity: "warning",
    summary: "the solver ran out of time on a question",
    message: "the solver could not decide {question} within {limit}",
    help: "raise `--timeout` or lower the bounds (`--max-list`, `--max-items`)",
  },
  POL5003: {
    severity: "warning",
    summary: "two policies over different schemas: no semantic diff",
    message: "`{old}` and `{new}` do not use the same schema, so they cannot be compared case by case",
    help: "the semantic diff compares two versions of one policy, or two policies over one schema; the structural diff is shown",
  },
  POL5010: {
    severity: "warning",
    summary: "a rule that can never approve an item",
    message: "rule `{rule}` can never approve an item",
    help: {
      never: "no case within the bounds meets every criterion of it while it applies: check its criteria against each other",
      inapplicable: "no case within the bounds makes it apply: check its `for` codes and its `when` condition",
    },
  },
  POL5011: {
    severity: "warning",
    summary: "a criterion that can never fail once its rule applies",
    message: "criterion `{criterion}` can never fail once rule `{rule}` applies",
    help: "it never changes an outcome: the rule's `when` or another criterion already implies it; remove it or correct it",
  },
  POL5012: {
    severity: "warning",
    summary: "a criterion that can never be met once its rule applies",
    message: "criterion `{criterion}` can never be met once rule `{rule}` applies",
    help: "every item the rule applies to fails it: check it against the rule's `when` condition",
  },
  POL5013: {
    severity: "warning",
    summary: "two rules that apply to one line item with conflicting outcomes",
    message: "rules `{first}` and `{second}` both apply to an item and decide it differently: {outcomes}",
    help: "the stronger outcome wins; if both rules are meant to apply, say which one governs in its `when` condition",
  },
  POL5014: {
    severity: "warning",
    summary: "a pended outcome that no documentation can resolve",
    message: "rule `{rule}` can pend an item that has every fact documented",
    help: "no documentation can settle it: make the criterion decidable from documented facts",
    // The semantics promise that a case with every fact documented is decided (docs/semantics.md,
    // "Monotonicity"): no policy can show this today, so it reports a bug in pol or a new
    // construct that breaks the promise.
    internal: true,
  },
  POL5015: {
    severity: "warning",
    summary: "a `deny` that can fire while another rule approves the same item",
    message: "`deny {criterion}` of rule `{rule}` can deny an item that rule `{other}` approves",
    help: "the denial wins; if that is intended, nothing needs to change, otherwise narrow the `deny` or the rules' codes",
  },
  // Generated tests (`pol test --generate`)
  POL5030: {
    severity: "warning",
    summary: "a criterion state the coverage counts as reachable that no case within the bounds reaches",
    message: "no case within the bounds brings criterion `{criterion}` of rule `{rule}` to {state}",
    help: "the solver proved it for lists of up to {list} elements and {items} other line items while the rule applies: check the criterion against the rule's `when` and its other criteria; the state stays uncovered",
  },
  POL5031: {
    severity: "warning",
    summary: "the solver ran out of time looking for a case for a criterion state",
    message: "the solver could not decide within {limit} whether a case brings criterion `{criterion}` of rule `{rule}` to {state}",
    help: "raise `--timeout`; the state has no generated case and stays uncovered",
  },
  POL5032: {
    severity: "warning",
    summary: "the solver ran out of time looking for a case on a boundary",
    message: "the solver could not decide within {limit} whether a case lies {boundary}",
    help: "raise `--timeout`; the file has no case for this boundary",
  },
  // FHIR bindings (`fhir` files, docs/fhir.md)
  POL6001: {
    severity: "error",
    summary: "a FHIRPath expression that does not parse",
    message: "the FHIRPath `{path}` does not parse: {problem}",
    help: "FHIRPath is written as in the FHIR specification, e.g. `code.coding.where(system = %cpt)`; strings in it use single quotes",
  },
  POL6002: {
    severity: "error",
    summary: "a resource type that FHIR R4 does not define",
    message: "`{name}` is not a FHIR R4 resource type",
    help: "name a resource such as `Procedure`, `Condition`, `Observation`, `ServiceRequest` or `Claim`",
  },
  POL6003: {
    severity: "error",
    summary: "a FHIRPath step naming an element the R4 type does not have",
    message: "`{type}` has no element `{element}` in FHIR R4",
    help: "the elements of `{type}` include {elements}",
  },
  POL6004: {
    severity: "error",
    summary: "a binding whose FHIRPath gives values of a type the field cannot hold",
    message: "`{path}` gives {found}, which cannot be read as the {expected} field `{field}`",
    help: "a {expected} field reads {accepted}",
  },
  POL6005: {
    severity: "error",
    summary: "a code field bound without the code systems its codes must come from",
    message: "the code field `{field}` names no code system: codes are matched with their systems",
    help: 'add the systems after the path, e.g. `{field}: "{path}" in cpt, hcpcs`',
  },
  POL6006: {
    severity: "error",
    summary: "an unknown code system name",
    message: "unknown code system `{name}`",
    help: "the code systems are {systems}",
  },
  POL6007: {
    severity: "error",
    summary: "an enum field bound without saying which code stands for which member",
    message: "the enum field `{field}` needs the code of each member it reads, or a fixed member",
    help: 'after `"{path}"`, list each member with its code between braces, e.g. `{member} = snomed "..."`, or write `{field} = {member}`',
  },
  POL6008: {
    severity: "error",
    summary: "a `read` block whose target is not the case, its items or a list field of the case",
    message: "cannot read `{target}`: it is not `case`, `items` or a list of records in the case",
    help: "the lists of the case are {lists}",
  },
  POL6009: {
    severity: "error",
    summary: "a binding for a field the target record does not have",
    message: "`{record}` has no field `{field}`",
    help: "the fields of `{record}` are {fields}",
  },
  POL6010: {
    severity: "error",
    summary: "a field bound twice in one `read` block",
    message: "`{field}` is bound twice in this block (first on line {line})",
    help: "keep one binding; to read a fact from two kinds of resource, write a block for each",
  },
  POL6011: {
    severity: "error",
    summary: "a binding whose form does not fit the field's type",
    message: "{problem}",
    help: "{help}",
  },
  POL6012: {
    severity: "error",
    summary: "a binding for a computed field, which pol computes itself",
    message: "`{field}` is computed from other fields and cannot be read from FHIR",
    help: "bind the fields it is computed from",
  },
  POL6013: {
    severity: "error",
    summary: "a declaration in the wrong kind of file: `read` blocks belong in `fhir` files, schema and rules elsewhere",
    message: "{problem}",
    help: "{help}",
  },
  POL6014: {
    severity: "error",
    summary: "a `fhir` file that binds no schema",
    message: "the bindings `{name}` use no schema: there is no case to read into",
    help: 'add `use "spine.pol"` (the schema the bindings are for) after the header',
  },
  POL6015: {
    severity: "error",
    summary: "a FHIRPath expression that names an unknown variable or function",
    message: "the FHIRPath `{path}` cannot be evaluated: {problem}",
    help: "the variables are {variables}; functions are those of FHIRPath as the `fhirpath` engine implements them",
  },
  POL6016: {
    severity: "error",
    summary: "a `use` of a `fhir` file from a schema or policy",
    message: "`use` names `{path}`, the FHIR bindings `{name}`: bindings are read by `pol eval --fhir`, not used",
    help: "`use` the schema; name the bindings with `pol eval POLICY --fhir BUNDLE --bindings {path}`",
  },
  // Binding files that extend another (`fhir NAME "title" extends "base.fhir.pol"`, docs/fhir.md)
  POL6040: {
    severity: "error",
    summary: "`extends` naming a file that is not a binding file",
    message: "`extends` names `{path}`, which is {what}, not a binding file",
    help: 'name the binding file these bindings build on, one that starts `fhir NAME "title"`',
  },
  POL6041: {
    severity: "error",
    summary: "binding files that extend each other in a cycle",
    message: "`extends` cycle: {cycle}",
    help: "a binding file cannot build on itself: remove one of these `extends`",
  },
  POL6042: {
    severity: "error",
    summary: "a base binding file that cannot be read",
    message: "cannot read the base bindings `{path}`: {problem}",
    help: {
      looked: "looked for `{resolved}`; the path is relative to this file's folder",
      path: "write the path relative to this file's folder, inside the project, e.g. `extends \"spine.fhir.pol\"`",
    },
  },
  POL6043: {
    severity: "error",
    summary: "an extending binding file whose schema is not the base's schema or a schema that extends it",
    message: "these bindings bind `{schema}`, which neither is nor uses `{baseSchema}`, the schema of the base `{base}`",
    help: "`use` `{baseSchema}` or a schema that uses it (`use \"spine-plan.pol\"`), so the base's bindings fit the case",
  },
  POL6044: {
    severity: "error",
    summary: "an `extend read` binding for a field the base's block already binds",
    message: "`{field}` is already bound by the base `{base}` ({file} line {line}); an extending file adds bindings, it does not change them",
    help: "remove this binding, or change it in the base; to read the fact from another kind of resource as well, write a `read` block of its own",
  },
  POL6045: {
    severity: "error",
    summary: "a `read` block that reads again the list elements a block of the base reads",
    message: "the base `{base}` already reads `{target}` from `{resource}` ({file} line {line}): this block would read every one of them again, as another {element}",
    help: "to add fields to the base's {element}s, write `extend read {target} from {resource}` with the new fields; to read other resources, give this block a `where` filter",
  },
  POL6046: {
    severity: "error",
    summary: "an `extend read` block in a binding file that extends no other",
    message: "`extend read` adds to a block of the base bindings, but `{name}` has no base",
    help: 'name the base after the header: `fhir {name} "title" extends "base.fhir.pol"`, or write `read` for a block of its own',
  },
  POL6047: {
    severity: "error",
    summary: "an `extend read` block that matches no block of the base, or several",
    message: "`extend read {target} from {resource}{element}` needs one block of the base `{base}` reading it; {found}",
    help: "the base's blocks for `{target}` read from {blocks}",
  },
  POL6048: {
    severity: "error",
    summary: "an `extend read` block with a `where` filter of its own",
    message: "`extend read` reads the resources of the base's block, whose filter applies; it takes no `where` of its own",
    help: "remove the `where`; to read other resources, write a `read` block of its own",
  },
} as const satisfies Record<string, CatalogueEntry>;


export type DiagnosticCode = keyof typeof catalogue;

/** The `{name}` parameters of a template. */
type Params<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Params<Rest> : never;
type ArgsOf<S extends string> = { readonly [K in Params<S>]: string | number };
type Entry<C extends DiagnosticCode> = (typeof catalogue)[C];

/** The arguments of the message of `C`, e.g. `{ field, record }` for POL2002. */
export type MessageArgs<C extends DiagnosticCode> = ArgsOf<Entry<C>["message"]>;

/**
 * The arguments of the help of `C`: the template's parameters, or for a code with help variants
 * `{ help: "variant", ...its parameters }`. A code without help takes none.
 */
export type HelpArgs<C extends DiagnosticCode> = Entry<C> extends { readonly help: infer H }
  ? H extends string
    ? ArgsOf<H>
    : { [V in keyof H & string]: { readonly help: V } & (H[V] extends string ? ArgsOf<H[V]> : never) }[keyof H & string]
  : never;

/** A "did you mean" help, from `suggest`: it stands in for the help of any code. */
export interface Suggestion {
  readonly didYouMean: string;
}

/** A diagnostic not yet placed: what a pure function (e.g. an operator rule) returns. */
export type Problem = {
  [C in DiagnosticCode]: { code: C; args: MessageArgs<C>; help?: HelpArgs<C> | Suggestion };
}[DiagnosticCode];

/** Fill `{name}` parameters in one pass, so arguments containing braces are left as they are. */
function fill(template: string, args: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = args[name];
    if (value === undefined) throw new Error(`internal error: no argument \`${name}\` for \`${template}\``);
    return String(value);
  });
}

/**
 * A diagnostic of `code` at `span`. Without `help`, a code whose help is a single template
 * without parameters shows it; pass a `Suggestion` to show "did you mean" instead.
 */
export function diagnostic<C extends DiagnosticCode>(
  code: C,
  span: Span,
  args: MessageArgs<C>,
  help?: HelpArgs<C> | Suggestion,
): Diagnostic {
  const entry: CatalogueEntry = catalogue[code];
  const result: Diagnostic = { code, severity: entry.severity, message: fill(entry.message, args), span };
  const text = helpText(entry, help as Readonly<Record<string, string | number>> | undefined);
  if (text !== undefined) result.help = text;
  return result;
}

/** The same as `diagnostic`, from a `Problem`. */
export function fromProblem(problem: Problem, span: Span): Diagnostic {
  const { code, args, help } = problem as { code: DiagnosticCode; args: never; help?: never };
  return diagnostic(code, span, args, help);
}

function helpText(entry: CatalogueEntry, args: Readonly<Record<string, string | number>> | undefined): string | undefined {
  if (args !== undefined && typeof args["didYouMean"] === "string") return `did you mean \`${args["didYouMean"]}\`?`;
  const { help } = entry;
  if (help === undefined) return undefined;
  if (typeof help === "string") {
    if (args === undefined) return /\{\w+\}/.test(help) ? undefined : help;
    return fill(help, args);
  }
  if (args === undefined) return undefined;
  const variant = help[String(args["help"])];
  if (variant === undefined) throw new Error(`internal error: no help variant \`${String(args["help"])}\``);
  return fill(variant, args);
}

/** Whether any of `diagnostics` is an error: warnings alone never stop a command. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sort by file, then position, then code: the order every report uses. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file === b.span.file ? 0 : a.span.file.localeCompare(b.span.file)) ||
      a.span.start.offset - b.span.start.offset ||
      a.code.localeCompare(b.code),
  );
}

// ---------------------------------------------------------------------------------------------
// Did you mean

export { SUGGESTION_LIMITS };

/** Edit-distance cells computed so far, for tests that check the work stays bounded. */
export const suggestionWork: SuggestionWork = { cells: 0 };

/**
 * "did you mean `x`?" for the closest candidate within a small edit distance (a third of the
 * name's length, at least 1), ties broken alphabetically; case is ignored. The runtime's
 * `closestName`, which case validation uses too: one suggestion function for all of pol.
 */
export function suggest(name: string, candidates: Iterable<string>): Suggestion | undefined {
  const best = closestName(name, candidates, suggestionWork);
  return best === undefined ? undefined : { didYouMean: best };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** At most this many diagnostics of one file are rendered; a summary line counts the rest. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/** The lines of a source text, split once; line numbers start at 1. */
export class SourceLines {
  private readonly lines: string[];
  constructor(source: string) {
    this.lines = source.split(/\r\n|\r|\n/);
  }
  line(lineNo: number): string {
    return this.lines[lineNo - 1] ?? "";
  }
}

/**
 * Human format, one block per diagnostic:
 *
 *   error[POL2002]: unknown field `releif` on `Procedure`
 *     --> policies/truecare/sij.pol:14:14
 *      |
 *   14 |     last_sij.releif >= 75%
 *      |              ~~~~~~
 *      = help: did you mean `relief`?
 */
export function renderDiagnostic(diagnostic: Diagnostic, source: string | SourceLines): string {
  const lines = typeof source === "string" ? new SourceLines(source) : source;
  const { span } = diagnostic;
  const lineNo = span.start.line;
  const lineText = lines.line(lineNo);
  const gutter = String(Math.max(lineNo, span.end.line)).length;
  const pad = " ".repeat(gutter);
  const startCol = span.start.column;
  const endCol =
    span.end.line === lineNo ? Math.max(span.end.column, startCol + 1) : lineText.length + 1;
  const underline = " ".repeat(startCol - 1) + "~".repeat(Math.max(1, endCol - startCol));
  const out = [
    `${diagnostic.severity}[${diagnostic.code}]: ${diagnostic.message}`,
    `${pad}--> ${span.file}:${span.start.line}:${span.start.column}`,
    `${pad} |`,
    `${String(lineNo).padStart(gutter)} | ${lineText}`,
    `${pad} | ${underline}`,
  ];
  if (diagnostic.help) out.push(`${pad} = help: ${diagnostic.help}`);
  return out.join("\n");
}

/** "15,900 more errors", "1 more warning", "3 more diagnostics" (errors and warnings mixed). */
function moreOf(omitted: readonly Diagnostic[]): string {
  const errors = omitted.filter((d) => d.severity === "error").length;
  const noun = errors === omitted.length ? "error" : errors === 0 ? "warning" : "diagnostic";
  return `${omitted.length.toLocaleString("en-US")} more ${noun}${omitted.length === 1 ? "" : "s"}`;
}

/**
 * Diagnostics already sorted (`sortDiagnostics`) split per file into the first
 * `MAX_DIAGNOSTICS_PER_FILE` and the rest.
 */
export function capPerFile(
  diagnostics: readonly Diagnostic[],
  max: number = MAX_DIAGNOSTICS_PER_FILE,
): { file: string; shown: Diagnostic[]; omitted: Diagnostic[] }[] {
  const groups: { file: string; shown: Diagnostic[]; omitted: Diagnostic[] }[] = [];
  let current: { file: string; shown: Diagnostic[]; omitted: Diagnostic[] } | undefined;
  for (const d of diagnostics) {
    if (current === undefined || current.file !== d.span.file) {
      current = { file: d.span.file, shown: [], omitted: [] };
      groups.push(current);
    }
    (current.shown.length < max ? current.shown : current.omitted).push(d);
  }
  return groups;
}

/**
 * The human report of sorted diagnostics: one block each (see `renderDiagnostic`), each file's
 * source split into lines once, at most `MAX_DIAGNOSTICS_PER_FILE` per file followed by
 * "... and 15,900 more errors in this file". Time is linear in the sources and diagnostics.
 */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  max: number = MAX_DIAGNOSTICS_PER_FILE,
): string[] {
  const blocks: string[] = [];
  for (const group of capPerFile(diagnostics, max)) {
    const lines = new SourceLines(sources.get(group.file) ?? "");
    for (const d of group.shown) blocks.push(renderDiagnostic(d, lines));
    if (group.omitted.length > 0) blocks.push(`... and ${moreOf(group.omitted)} in this file (${group.file})`);
  }
  return blocks;
}

/** "2 errors and 1 warning in 1 file", or undefined when there are none. */
export function summaryLine(diagnostics: readonly Diagnostic[]): string | undefined {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  if (parts.length === 0) return undefined;
  const files = new Set(diagnostics.map((d) => d.span.file)).size;
  return `${parts.join(" and ")} in ${files} file${files === 1 ? "" : "s"}`;
}

/** JSON format for tools: one object per diagnostic. */
export function diagnosticToJson(diagnostic: Diagnostic): Record<string, unknown> {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: diagnostic.span.file,
    line: diagnostic.span.start.line,
    column: diagnostic.span.start.column,
    endLine: diagnostic.span.end.line,
    endColumn: diagnostic.span.end.column,
    ...(diagnostic.help ? { help: diagnostic.help } : {}),
  };
}

/**
 * The JSON report (`pol check --format json`): `diagnostics` holds at most
 * `MAX_DIAGNOSTICS_PER_FILE` per file, `total` counts them all, and `omitted` (present only
 * when some were left out) gives the number left out per file.
 */
export function diagnosticsToJson(
  diagnostics: readonly Diagnostic[],
  max: number = MAX_DIAGNOSTICS_PER_FILE,
): Record<string, unknown> {
  const shown: Record<string, unknown>[] = [];
  const omitted: { file: string; count: number }[] = [];
  for (const group of capPerFile(diagnostics, max)) {
    for (const d of group.shown) shown.push(diagnosticToJson(d));
    if (group.omitted.length > 0) omitted.push({ file: group.file, count: group.omitted.length });
  }
  return { diagnostics: shown, total: diagnostics.length, ...(omitted.length > 0 ? { omitted } : {}) };
}

/**
 * The golden baseline format (`.errors.txt`, after TypeScript's): the whole source reprinted,
 * with `~~~` under each diagnostic's span and the message below it.
 */
export function renderBaseline(source: string, diagnostics: readonly Diagnostic[]): string {
  const lines = source.split(/\r\n|\r|\n/);
  const sorted = sortDiagnostics(diagnostics);
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of sorted) {
    const list = byLine.get(d.span.start.line) ?? [];
    list.push(d);
    byLine.set(d.span.start.line, list);
  }
  const out: string[] = [];
  for (const d of sorted) {
    out.push(`${d.span.file}(${d.span.start.line},${d.span.start.column}): ${d.severity} ${d.code}: ${d.message}`);
  }
  out.push("");
  lines.forEach((text, index) => {
    out.push(text);
    for (const d of byLine.get(index + 1) ?? []) {
      const start = d.span.start.column;
      const end = d.span.end.line === index + 1 ? Math.max(d.span.end.column, start + 1) : text.length + 1;
      out.push(" ".repeat(start - 1) + "~".repeat(Math.max(1, end - start)));
      out.push(`!!! ${d.code}: ${d.message}`);
      if (d.help) out.push(`!!! help: ${d.help}`);
    }
  });
  return out.join("\n").replace(/\n+$/, "") + "\n";
}
