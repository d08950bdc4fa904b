// Syntax rules the grammar leaves loose on purpose (so that recovery stays simple), checked on
// the CST. They run even when the parser recovered from errors, so every child is optional.

import type { CstNode } from "chevrotain";
import type { HeaderKey } from "../ast.js";
import { diagnostic, suggest, type Diagnostic } from "../diagnostics.js";
import { shown } from "../../grammar/parser-messages.js";
import { nodes, optionalNode, optionalToken, tokens } from "./cst.js";
import type { SourcePositions } from "./positions.js";

const headerKeys: readonly HeaderKey[] = [
  "title",
  "payer",
  "number",
  "version",
  "effective",
  "expires",
];

export function structureDiagnostics(file: CstNode, positions: SourcePositions): Diagnostic[] {
  return [
    ...headerDiagnostics(file, positions),
    ...topLevelDiagnostics(file, positions),
    ...fieldDiagnostics(file, positions),
  ];
}

/** Header keys are names, not keywords: only the six known ones, each at most once. */
function headerDiagnostics(file: CstNode, positions: SourcePositions): Diagnostic[] {
  const header = optionalNode(file, "policyHeader");
  if (header === undefined) return [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const field of nodes(header, "headerField")) {
    const key = optionalToken(field, "Identifier");
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
function topLevelDiagnostics(file: CstNode, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let seenDeclaration = false;
  let previous: "use" | "rule" | "criterion" | "other" | undefined;
  for (const item of nodes(file, "topLevel")) {
    const use = optionalNode(item, "useDecl");
    const criterion = optionalNode(item, "criterion");
    const declaration = optionalNode(item, "declaration");
    if (use !== undefined) {
      const keyword = optionalToken(use, "Use");
      if (seenDeclaration && keyword !== undefined) {
        diagnostics.push(
          diagnostic("POL1002", positions.tokenSpan(keyword), { expected: "a declaration", found: "use" }, { help: "useFirst" }),
        );
      }
      previous = "use";
    } else if (criterion !== undefined) {
      const effect = optionalToken(criterion, "effect");
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
      previous = optionalNode(declaration, "ruleDecl") !== undefined ? "rule" : "other";
    }
  }
  return diagnostics;
}

/** A field has one label, before or after its `= expression`. */
function fieldDiagnostics(file: CstNode, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const item of nodes(file, "topLevel")) {
    const declaration = optionalNode(item, "declaration");
    const owner =
      declaration &&
      (optionalNode(declaration, "recordDecl") ??
        optionalNode(declaration, "caseDecl") ??
        optionalNode(declaration, "itemDecl"));
    const block = owner && optionalNode(owner, "fieldBlock");
    for (const field of block ? nodes(block, "field") : []) {
      const second = tokens(field, "trailingLabel")[0];
      const name = optionalToken(field, "Identifier");
      if (second !== undefined && tokens(field, "label").length > 0 && name !== undefined) {
        diagnostics.push(diagnostic("POL1013", positions.tokenSpan(second), { field: name.image }));
      }
    }
  }
  return diagnostics;
}
