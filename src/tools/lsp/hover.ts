// What hovering a name or a literal shows, as Markdown: a field's label, type and unit; a let's
// label and type; a code set's codes; a rule's or criterion's citation and description; what a
// duration, percent or date literal means.

import type { CodeSetDecl, Criterion, DurationLiteral, Node, ProgramAnalysis, RuleDecl, Type } from "../../index.js";
import { EFFECT_KEYWORDS } from "@pol/runtime";
import { CASE_RECORD, ITEM_RECORD, typeName } from "../../index.js";
import type { Occurrence } from "./symbols.js";

const BUILT_IN_TEXT: Record<string, string> = {
  item: "the requested line item being decided",
  items: "every line item requested in the case",
  other_items: "the case's line items other than the one being decided",
  dos: "the date of service of the case",
};

export function hoverText(analysis: ProgramAnalysis, occurrence: Occurrence): string | undefined {
  switch (occurrence.kind) {
    case "field":
      return fieldHover(analysis, occurrence.owner!, occurrence.name);
    case "let": {
      const decl = analysis.lets.get(occurrence.name);
      if (!decl) return undefined;
      const type = analysis.typeOf(decl.value);
      return block(`let ${decl.name.name}${type ? `: ${typeName(type)}` : ""}`, decl.label?.value, type && unitOf(type));
    }
    case "codes": {
      const decl = analysis.codeSets.get(occurrence.name);
      return decl && codeSetHover(decl);
    }
    case "enum": {
      const model = analysis.schema.enums.get(occurrence.name);
      return model && block(`enum ${model.name}`, model.label !== model.name ? model.label : undefined, `members: ${model.members.map((m) => `\`${m}\``).join(", ")}`);
    }
    case "member": {
      const model = analysis.schema.enums.get(occurrence.owner!);
      return model && block(`${occurrence.name}: ${model.name}`, `a member of ${model.label !== model.name ? `${model.name} (${model.label})` : model.name}`, `members: ${model.members.map((m) => `\`${m}\``).join(", ")}`);
    }
    case "record": {
      const model = analysis.schema.records.get(occurrence.name);
      if (!model) return undefined;
      const dated = model.dated ? `dated by \`${model.dated.start}\`${model.dated.end ? ` to \`${model.dated.end}\`` : ""}` : undefined;
      return block(`record ${model.name}`, model.label !== model.name ? model.label : undefined, dated, `fields: ${[...model.fields.keys()].map((f) => `\`${f}\``).join(", ")}`);
    }
    case "rule": {
      const decl = findRule(analysis, occurrence.name);
      return decl && block(`rule ${decl.id.name}${decl.citation ? ` [${decl.citation.text}]` : ""}`, decl.title.value, `for ${decl.codes.map((c) => `\`${c.name}\``).join(", ")}`);
    }
    case "criterion": {
      const criterion = occurrence.node as Criterion;
      return block(
        `${EFFECT_KEYWORDS[criterion.effect]} ${criterion.id.name}${criterion.citation ? ` [${criterion.citation.text}]` : ""}`,
        criterion.description?.value,
        `${EFFECT_MEANING[criterion.effect]}; in rule \`${occurrence.owner}\``,
      );
    }
    case "literal":
      return occurrence.node && literalHover(occurrence.node);
    case "builtin":
      if (occurrence.owner !== undefined) return block(`${occurrence.name}: ${occurrence.owner}`, "the element of the enclosing list, named where the list is taken");
      return block(`${occurrence.name}`, BUILT_IN_TEXT[occurrence.name]);
  }
}

const EFFECT_MEANING: Record<Criterion["effect"], string> = {
  require: "must be met, or the item is denied",
  deny: "denies the item when its condition holds",
  not_covered: "makes the item not covered when its condition holds",
  bundle: "makes the item not separately billable when its condition holds",
  authorization: "requires prior authorization when its condition holds, once every clinical criterion passes",
  refer: "refers the item to a clinical reviewer when its condition holds, once every clinical criterion passes",
  note: "a caution for the reviewer; never changes the outcome",
  waive: "waives the criteria it names when its condition holds",
  approve: "always met: the rule approves every item it applies to, unless another criterion stands in the way",
};

function fieldHover(analysis: ProgramAnalysis, record: string, name: string): string | undefined {
  const model = analysis.schema.records.get(record)?.fields.get(name);
  if (!model) return undefined;
  const owner = record === CASE_RECORD ? "the case" : record === ITEM_RECORD ? "the line item" : `record \`${record}\``;
  return block(
    `${name}: ${typeName(model.type)}`,
    model.label !== name ? model.label : undefined,
    `a ${model.computed ? "computed " : ""}field of ${owner}`,
    unitOf(model.type),
  );
}

function codeSetHover(decl: CodeSetDecl): string {
  const codes = decl.entries.map((entry) =>
    entry.kind === "CodeExact" ? entry.code : entry.kind === "CodePrefix" ? `${entry.prefix}*` : `${entry.from}-${entry.to}`,
  );
  return block(`codes ${decl.name.name} = ${decl.system}`, decl.label?.value, `${codes.length} ${codes.length === 1 ? "entry" : "entries"}: ${codes.map((c) => `\`${c}\``).join(" ")}`);
}

/** The unit a type is counted in, when it has one. */
function unitOf(type: Type): string | undefined {
  switch (type.kind) {
    case "percent":
      return "unit: percent, 0 to 100 (`75%`)";
    case "duration":
      return "unit: a fixed length of time, counted in days (`d`, `wk`)";
    case "calendar":
      return "unit: a calendar length of time, counted in months (`mo`, `y`)";
    case "date":
      return "unit: a calendar date";
    default:
      return undefined;
  }
}

const UNIT_WORDS: Record<DurationLiteral["unit"], [string, string]> = {
  h: ["hour", "a fixed length, a 24th of a day"],
  d: ["day", "a fixed length"],
  wk: ["week", "a fixed length of 7 days each"],
  mo: ["calendar month", "a calendar length: adding months clamps to the end of a shorter month"],
  y: ["calendar year", "a calendar length of 12 months each"],
};

function literalHover(node: Node): string | undefined {
  switch (node.kind) {
    case "DurationLiteral": {
      const [unit, meaning] = UNIT_WORDS[node.unit];
      const days = node.unit === "d" ? node.amount : node.unit === "wk" ? node.amount * 7 : undefined;
      return block(`${node.amount}${node.unit}: ${node.amount} ${unit}${node.amount === 1 ? "" : "s"}`, days !== undefined && node.unit !== "d" ? `${meaning} (${days} days)` : meaning);
    }
    case "PercentLiteral":
      return block(`${node.text}: percent`, `${node.value} out of 100; compares with percent fields only`);
    case "DateLiteral":
      return block(`${node.value}: date`, "a calendar date (ISO year-month-day)");
    default:
      return undefined;
  }
}

function findRule(analysis: ProgramAnalysis, id: string): RuleDecl | undefined {
  for (const { ast } of analysis.files) {
    for (const decl of ast.declarations) if (decl.kind === "RuleDecl" && decl.id.name === id) return decl;
  }
  return undefined;
}

/** A code line, then paragraphs. */
function block(signature: string, ...paragraphs: (string | undefined)[]): string {
  return ["```pol\n" + signature + "\n```", ...paragraphs.filter((p): p is string => p !== undefined && p !== "")].join("\n\n");
}
