// Syntax rules the grammar leaves loose on purpose (so that recovery stays simple), checked on
// the CST. They run even when the parser recovered from errors, so every child is optional here,
// even one grammar/cst.d.ts types as always present: each is read with `?.`.

import type { HeaderKey } from "../ast.js";
import { diagnostic, suggest, type Diagnostic } from "../diagnostics.js";
import { shown } from "../../grammar/parser-messages.js";
import { subrulesReaching } from "../../grammar/parser.js";
import type { CstNode } from "chevrotain";
import type { FileCstNode, ListPrefixCstNode } from "../../grammar/cst.js";
import type { SourcePositions } from "./positions.js";

const headerKeys: readonly HeaderKey[] = [
  "title",
  "payer",
  "number",
  "version",
  "effective",
  "expires",
];

/** `ordinals`: whether the parser consumed a list prefix's ordinal; without one the prefixes
 *  have nothing to check, and the walk for them is skipped. */
export function structureDiagnostics(file: FileCstNode, positions: SourcePositions, ordinals: boolean): Diagnostic[] {
  return [
    ...headerDiagnostics(file, positions),
    ...topLevelDiagnostics(file, positions),
    ...fieldDiagnostics(file, positions),
    ...(ordinals ? listPrefixDiagnostics(file, positions) : []),
  ];
}

let toListPrefix: ReadonlyMap<string, readonly string[]> | undefined;

/** Every `listPrefix` node below `node`: the walk follows only subrules that can hold one. */
function listPrefixes(node: CstNode, found: ListPrefixCstNode[] = []): ListPrefixCstNode[] {
  toListPrefix ??= subrulesReaching("listPrefix");
  if (node.name === "listPrefix") found.push(node as ListPrefixCstNode);
  for (const key of toListPrefix.get(node.name) ?? []) {
    for (const child of node.children[key] ?? []) if ("children" in child) listPrefixes(child, found);
  }
  return found;
}

/** `latest 3 of L` takes a whole number of at least 1, and only after `latest` or `earliest`. */
function listPrefixDiagnostics(file: FileCstNode, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const prefix of listPrefixes(file)) {
    const ordinal = prefix.children.ordinal?.[0];
    const operator = prefix.children.operator?.[0];
    if (ordinal === undefined || operator === undefined) continue;
    const span = positions.tokenSpan(ordinal);
    if (operator.image !== "latest" && operator.image !== "earliest") {
      diagnostics.push(diagnostic("POL1016", span, { operator: operator.image, count: ordinal.image }));
    } else if (!/^[1-9][0-9]*$/.test(ordinal.image)) {
      diagnostics.push(diagnostic("POL1017", span, { count: ordinal.image }));
    }
  }
  return diagnostics;
}

/** Header keys are names, not keywords: only the six known ones, each at most once. */
function headerDiagnostics(file: FileCstNode, positions: SourcePositions): Diagnostic[] {
  const header = file.children.policyHeader?.[0];
  if (header === undefined) return [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const field of header.children.headerField ?? []) {
    const key = field.children.Identifier?.[0];
    if (key === undefined) continue;
    const span = positions.tokenSpan(key);
    if (!(headerKeys as readonly string[]).includes(key.image)) {
      diagnostics.push(diagnostic("POL1012", span, { key: key.image }, suggest(key.image, headerKeys)));
    } else if (seen.has(key.image)) {
      diagnostics.push(diagnostic("POL1008", span, { key: key.image }));
    }
    seen.add(key.image);
  }
  return diagnostics;
}

/**
 * Uses come before declarations, and a criterion belongs to a rule. A criterion at the top
 * level right after a rule (or another such criterion) is where the parser resumed after an
 * error inside that rule, already reported: only one after anything else is misplaced.
 */
function topLevelDiagnostics(file: FileCstNode, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let seenDeclaration = false;
  let previous: "use" | "rule" | "criterion" | "other" | undefined;
  for (const item of file.children.topLevel ?? []) {
    const use = item.children.useDecl?.[0];
    const criterion = item.children.criterion?.[0];
    const declaration = item.children.declaration?.[0];
    if (use !== undefined) {
      const keyword = use.children.Use?.[0];
      if (seenDeclaration && keyword !== undefined) {
        diagnostics.push(
          diagnostic("POL1002", positions.tokenSpan(keyword), { expected: "a declaration", found: "use" }, { help: "useFirst" }),
        );
      }
      previous = "use";
    } else if (criterion !== undefined) {
      const effect = criterion.children.effect?.[0];
      if (effect !== undefined && previous !== "rule" && previous !== "criterion") {
        diagnostics.push(
          diagnostic(
            "POL1002",
            positions.tokenSpan(effect),
            { expected: "a declaration", found: shown(effect.image) },
            { help: "criterionInRule" },
          ),
        );
      }
      seenDeclaration = true;
      previous = "criterion";
    } else if (declaration !== undefined) {
      seenDeclaration = true;
      previous = declaration.children.ruleDecl?.[0] !== undefined ? "rule" : "other";
    }
  }
  return diagnostics;
}

/** A field has one label, before or after its `= expression`. */
function fieldDiagnostics(file: FileCstNode, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const item of file.children.topLevel ?? []) {
    const declaration = item.children.declaration?.[0]?.children;
    const owner = declaration?.recordDecl?.[0] ?? declaration?.caseDecl?.[0] ?? declaration?.itemDecl?.[0];
    const block = owner?.children.fieldBlock?.[0];
    for (const field of block?.children.field ?? []) {
      const second = field.children.trailingLabel?.[0];
      const name = field.children.Identifier?.[0];
      if (second !== undefined && (field.children.label?.length ?? 0) > 0 && name !== undefined) {
        diagnostics.push(diagnostic("POL1013", positions.tokenSpan(second), { field: name.image }));
      }
    }
  }
  return diagnostics;
}
