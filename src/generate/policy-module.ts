// The policy module: one per policy, written the way a careful engineer would write it by hand.
// Sections: header, imports (one a concern of the runtime), policy data, code sets, windows,
// computed fields, lets, lists, one function per rule condition and per criterion (each with its
// citation, description, `.pol` line and the source it encodes) with the condition's parts right
// below it, the rule table (`as const`, so rule and criterion ids are union types), and the entry
// points, of which the first a developer reaches validates its input. A comment says what its
// code does not: none repeats the declaration below it. Data is laid out like a table, a line an
// entry: code sets with their labels beside them, a condition's parts, the rule table's rows.

import type { PartsTree, Shape } from "@pol/runtime";
import type { Expr, LoweredCriterion, LoweredParts, LoweredPolicy, LoweredRule } from "../lower/ir.js";
import { singleTest } from "../lower/parts.js";
import { policyInfoOf } from "../schema-descriptor.js";
import { ExpressionWriter, type ModuleNames } from "./expressions.js";
import { camelCase, localName, Names } from "./names.js";
import { RUNTIME_PACKAGE, RuntimeImports } from "./runtime-api.js";
import { emittedRecords, schemaModuleName, schemaTypeName } from "./schema-module.js";
import { arrayPieces, comment, data, doc, filled, ident, join, list, num, PRINT_WIDTH, propertyKey, str, ts, type Ts } from "./ts.js";

/** Names every policy module declares itself. */
const MODULE_NAMES = [
  "policy",
  "rules",
  "RuleId",
  "CriterionId",
  "validate",
  "evaluate",
  "decide",
  "evaluateTrusted",
  "decideTrusted",
  "codeSets",
  "c",
] as const;

export interface PolicyModuleOptions {
  /** The runtime version the module requires, `major.minor` (checked when it loads). */
  runtimeVersion: string;
}

export function policyModuleSource(policy: LoweredPolicy, schemaName: string, options: PolicyModuleOptions): string {
  const names = claimNames(policy);
  // Runtime names are claimed after the policy's own: one a policy name took is imported under an alias.
  const rt = new RuntimeImports(names.names);
  const writer = new ExpressionWriter(policy, names, rt);
  const Context = rt.type("Context");
  const Tri = rt.type("Tri");

  // A code set on one line, its label beside it; one too long for a line, its label above and
  // its codes filled into lines. Runs of one-line sets stand together like a table.
  const codeSets: Ts[] = [];
  for (const set of policy.codeSets) {
    const head = ts`export const ${names.codeSets[set.index]!} = new ${rt.value("CodeSet")}(`;
    const line = ts`${head}${list([data(set.exact), data(set.prefixes), data(set.ranges)])});`;
    const label = `${set.label} (${set.system})`;
    if (line.length > PRINT_WIDTH) {
      const pieces = [...arrayPieces(set.exact), ...arrayPieces(set.prefixes), ...arrayPieces(set.ranges)];
      codeSets.push(ts`${doc(label)}\n${filled(head, pieces, ts`);`)}`);
    } else if (codeSets.length > 0 && !codeSets[codeSets.length - 1]!.startsWith("/")) {
      codeSets[codeSets.length - 1] = ts`${codeSets[codeSets.length - 1]!}\n${line} ${comment(label)}`;
    } else {
      codeSets.push(ts`${line} ${comment(label)}`);
    }
  }
  if (policy.codeSets.length > 0) {
    const byName = policy.codeSets.map((set) => {
      const local = names.codeSets[set.index]!;
      return propertyKey(set.name) === local ? local : ts`${propertyKey(set.name)}: ${local}`;
    });
    // Filled into lines: one pair a line would make the table longer than the sets it names.
    const table = ts`export const codeSets = { ${list(byName)} } as const;`;
    const layout = table.length <= PRINT_WIDTH ? table : filled(ts`export const codeSets = { `, byName, ts` } as const;`);
    codeSets.push(ts`${doc("The policy's code sets by their names in the .pol file (`codeSets.x.has(code)`).")}\n${layout}`);
  }
  const tables = policy.tables.map((table) => {
    // Durations are days; one in hours reads as hours over 24.
    const value = (v: number | string | boolean): Ts =>
      table.duration && typeof v === "number" && !Number.isInteger(v) && Number.isInteger(Math.round(v * 24 * 1e6) / 1e6)
        ? ts`${num(Math.round(v * 24))} / 24`
        : data(v);
    const entries = list(table.entries.map(([member, v]) => ts`[${str(member)}, ${value(v)}]`));
    const unit = table.duration ? " (durations in days)" : "";
    return ts`${doc(`${table.label}${unit}`)}\nconst ${names.tables[table.index]!}: ReadonlyMap<string, unknown> = new Map([${entries}]);`;
  });
  let slot = 0;
  const windows = policy.windows.map((window) => {
    const name = names.windows[window.index]!;
    const perCase = rt.value("perCase");
    switch (window.kind) {
      case "back": {
        // Its name and body say it all (`last6Months`: `windowBack(c.dos, 6, "mo")`).
        const body = ts`${perCase}(${slot++}, (c) => ${rt.value("windowBack")}(c.dos, ${window.amount}, ${str(window.unit)}))`;
        return ts`const ${name} = ${body};`;
      }
      case "calendarYear": {
        const body = ts`${perCase}(${slot++}, (c) => ${rt.value("calendarYear")}(c.dos))`;
        return ts`${doc("`within calendar year`: from January 1 of the date of service's year up to the date of service")}\nconst ${name} = ${body};`;
      }
      case "planYear": {
        const body = ts`${perCase}(${slot++}, (c) => ${rt.value("planYear")}(c.dos, ${writer.write(window.start, [])}))`;
        return ts`${doc("`within plan year`: from the start of the plan year holding the date of service (on an anniversary of `plan_year_start`) up to the date of service")}\nconst ${name} = ${body};`;
      }
    }
  });
  const computed = policy.computed.map((field) => {
    const param = ident(localName(field.record === "case" ? "input" : camelCase(field.record), names.names, []));
    const body = writer.write(field.body, [param]);
    return ts`${doc(`${field.record}.${field.field}: ${field.label}`)}\nconst ${names.computed[field.index]!} = ${rt.value("computed")}((c: ${Context}, ${param}) => ${body});`;
  });
  const lets = policy.lets.map((entry) => {
    const cache = rt.value(entry.dependsOnItem ? "perItem" : "perCase");
    const body = writer.write(entry.body, []);
    // `c` and the value's type are inferred from the cache (`perCase<T>(slot, (c: Context) => T)`).
    return ts`${doc(`${entry.name}: ${entry.label}`)}\nconst ${names.lets[entry.slot]!} = ${cache}(${slot++}, (c) => ${body});`;
  });

  // A condition is a Tri; a bare fact (a bool field, a computed field) is made one by `truth`.
  const condition = (expr: Expr): Ts => {
    const code = writer.write(expr, []);
    return isLogical(expr, policy) ? code : ts`${rt.value("truth")}(${code})`;
  };
  // A criterion's function. One whose first operands settle it without a pass over a list
  // (`settledBy`: `item.side == right or count ... <= 4`) returns when they do, unless a trace
  // records reads (it lists every fact the condition reads).
  const criterionFunction = (name: Ts, criterion: LoweredCriterion): Ts => {
    const expr = criterion.condition!;
    const settledBy = criterion.settledBy;
    if (settledBy === undefined || expr.kind !== "junction") return ts`const ${name} = (c: ${Context}): ${Tri} => ${condition(expr)};`;
    const { operator, operands } = expr;
    const settles = operator === "or" ? ts`true` : ts`false`;
    const first = ident(localName("first", names.names, []));
    const lead = operands.slice(0, settledBy).map((operand) => writer.write(operand, []));
    const rest = operands.slice(settledBy).map((operand) => writer.write(operand, []));
    const value = lead.length === 1 ? lead[0]! : writer.junction(operator, lead);
    return ts`const ${name} = (c: ${Context}): ${Tri} => {\n  const ${first} = ${value};\n  if (${first} === ${settles} && !c.tracing) return ${settles};\n  return ${writer.junction(operator, [first, ...rest])};\n};`;
  };
  // A condition that is a let is the let's own function: no wrapper around it.
  const letOf = (expr: Expr | undefined) => (expr?.kind === "let" && isLogical(expr, policy) ? names.lets[expr.slot]! : undefined);
  let selectionSlot = slotsOf(policy).selections;
  const lists = policy.lists.map((entry) => {
    const element = writer.elementOf(entry.chain);
    const signature = ts`const ${names.lists[entry.index]!} = (${element}: ${rt.type("Row")}, c: ${Context}): ${Tri} =>`;
    const selected = names.selections[entry.index];
    if (selected !== undefined) {
      // A selection ranks the whole list: made once per line item, not once per element tested.
      const selection = writer.selection(entry.chain, [element], element);
      return ts`${doc(`${entry.name}, selected once per line item`)}\nconst ${selected} = ${rt.value("perItem")}(${selectionSlot++}, (c) => ${selection});\n${doc(`${entry.name}: ${entry.label}`)}\n${signature} ${selected}(c)(${element}, c);`;
    }
    const tests = entry.chain.selection === undefined ? writer.tests(entry.chain, [element], element) : undefined;
    const body = tests === undefined ? writer.membership(entry.chain, [element], element)! : tests.length === 0 ? ts`true` : writer.functionBody(entry.chain, tests, element);
    return ts`${doc(`${entry.name}: ${entry.label}`)}\n${signature} ${body};`;
  });
  // Criteria whose condition is one let share that let's parts, declared once.
  const sharedParts = new Map<string, Ts>();
  const partsName = (id: string, condition: Expr | undefined, parts: LoweredParts | undefined): Ts | undefined => {
    if (parts === undefined || singleTest(parts) !== undefined) return undefined;
    if (condition?.kind !== "let") return ident(names.names.claim(`${camelCase(id)}Parts`));
    const key = `${condition.slot} ${JSON.stringify(parts.parts.map(({ key, shows }) => [key, shows?.operator, shows?.required, shows?.negated]))}`;
    let name = sharedParts.get(key);
    if (name === undefined) {
      name = ident(names.names.claim(`${camelCase(policy.lets[condition.slot]!.name)}Parts`));
      sharedParts.set(key, name);
    }
    return name;
  };
  const declaredParts = new Set<Ts>();
  const ruleNames = policy.rules.map((rule) => ({
    when: letOf(rule.when) ?? (rule.when ? ident(names.names.claim(`${camelCase(rule.id)}Applies`)) : undefined),
    whenParts: rule.whenParts && !singleTest(rule.whenParts) ? ident(names.names.claim(`${camelCase(rule.id)}WhenParts`)) : undefined,
    criteria: rule.criteria.map(
      (criterion) => letOf(criterion.condition) ?? (criterion.condition ? ident(names.names.claim(camelCase(criterion.id))) : undefined),
    ),
    parts: rule.criteria.map((criterion) => partsName(criterion.id, criterion.condition, criterion.parts)),
  }));
  // A condition's parts: its skeleton with the tests in place (a test by its key, one the trace
  // shows with what it shows), and one function giving every test's value in the order they
  // first appear (a comparison the trace shows with its two sides), run only for a trace or an
  // unknown. Kept to one line like a row of the rule table: it restates the condition above it,
  // and spread out by prettier it was longer than the criterion it explains.
  const partsSource = (name: Ts, lowered: LoweredParts): Ts => {
    const values = lowered.parts.map(({ expr, shows }) => (shows === undefined ? writer.write(expr, []) : writer.shown(expr)));
    const line = ts`const ${name} = ${rt.value("conditionParts")}(${data(partsTree(lowered))}, (c) => [${list(values)}]);`;
    return line.length <= PRINT_WIDTH ? line : ts`${comment("prettier-ignore")}\n${line}`;
  };
  const ruleFunctions = policy.rules.flatMap((rule, r) => {
    // The rule's `when` (named `...Applies`), then its parts.
    const whenBlock: Ts[] = [];
    const when = ruleNames[r]!.when;
    if (when && rule.when && letOf(rule.when) === undefined) {
      whenBlock.push(ts`const ${when} = (c: ${Context}): ${Tri} => ${condition(rule.when)};`);
    }
    const whenParts = ruleNames[r]!.whenParts;
    if (whenParts && rule.whenParts) whenBlock.push(partsSource(whenParts, rule.whenParts));
    const functions: Ts[] = whenBlock.length > 0 ? [join(whenBlock, "\n")] : [];
    // Each criterion's function, then its parts right below it. A criterion whose condition is a
    // let has only its parts (declared once for every criterion that shares them), under its comment.
    rule.criteria.forEach((criterion, i) => {
      const block: Ts[] = [];
      const name = ruleNames[r]!.criteria[i];
      const ownFunction = name !== undefined && criterion.condition !== undefined && letOf(criterion.condition) === undefined;
      if (ownFunction) block.push(ts`${criterionDoc(criterion)}\n${criterionFunction(name, criterion)}`);
      const parts = ruleNames[r]!.parts[i];
      if (parts && criterion.parts && !declaredParts.has(parts)) {
        declaredParts.add(parts);
        if (!ownFunction) block.push(criterionDoc(criterion));
        block.push(partsSource(parts, criterion.parts));
      }
      if (block.length > 0) functions.push(join(block, "\n"));
    });
    // The rule's heading right above its first declaration; a rule that declares nothing (its
    // `when` a let, its criteria without conditions) has only its row in the rule table.
    if (functions.length === 0) return [];
    functions[0] = join([comment(`Rule ${rule.id} [${rule.citation}]: ${rule.title}`), functions[0]!], "\n");
    return functions;
  });
  const table = rulesTable(policy.rules, ruleNames, names, rt);

  const schemaModule = str(`./${schemaModuleName(schemaName)}.js`);
  const schemaImports = ["schema", ...usedHandles(policy)].sort();
  const header = [
    comment(`Generated by pol from ${policy.metadata.source}. Do not edit: change the .pol file and run \`pol compile\`.`),
    comment(`Policy ${policy.metadata.id} ${policy.metadata.version}, source hash ${policy.metadata.sourceHash.slice(0, 12)}`),
  ];
  const entryPoints = entryPointSource(rt);
  const candidates = candidateDeclarations(policy, names, rt);
  const scans = scanDeclarations(policy, names, writer, rt);
  const after = [
    ...(candidates.length > 0 ? ["the elements of a list whose code may be in a set"] : []),
    ...(scans.length > 0 ? ["the passes answering several aggregates of one of them at once"] : []),
  ];
  const body: Ts[] = [
    ts`${rt.value("requireRuntime")}(${str(options.runtimeVersion)}, ${str(policy.metadata.id)});`,
    ts`export type { Case } from ${schemaModule};\nexport type { Determination, Evaluation, Decision, Outcome } from ${str(RUNTIME_PACKAGE)};`,
    ts`export const policy = ${data(policyInfoOf(policy.metadata))} as const satisfies ${rt.type("PolicyInfo")};`,
    ...section("Code sets", codeSets, "asIs"),
    ...section("Tables", tables),
    ...section("Windows (`within`): each ends on the date of service, both ends included", windows),
    ...section("Computed fields", computed),
    ...section("Value sets", writer.valueSets.map((set) => ts`const ${set.name} = new Set(${data(set.values)});`)),
    ...section("Enum orders", writer.rankTables.map((table) => ts`const ${table.name} = ${data(table.members)};`)),
    ...section("Lets", lets),
    ...section(`Lists: the policy's, then the members of those a condition filters (\`where\`, \`within\`)${after.map((part) => `, then ${part}`).join("")}`, [
      ...lists,
      // A keyed aggregate's two sides (`site == item.site`) beside its memberships: the other
      // item's, and the item's under decision.
      ...writer.members.map((member) =>
        member.key === "item"
          ? ts`const ${member.name} = (c: ${Context}): unknown => ${member.body};`
          : ts`const ${member.name} = (${member.element}: ${rt.type("Row")}, c: ${Context}): ${member.key === "element" ? ts`unknown` : Tri} => ${member.block ?? member.body};`,
      ),
      ...candidates,
      ...scans,
    ]),
    ...section("Rules: each criterion, then its parts (the tests a trace shows and a pended item's facts come from)", ruleFunctions, "criteria"),
    table,
    ...section("Entry points", [entryPoints]),
  ];
  const imports = [
    ...rt.importGroups().flatMap((names) => importLines(names as Ts[], str(RUNTIME_PACKAGE))),
    ts`import { ${join(schemaImports.map(ident), ", ")} } from ${schemaModule};`,
  ];
  return join([join(header, "\n"), join(imports, "\n"), ...body], "\n\n") + "\n";
}

/**
 * Where each kind of the module's cache slots starts. In order: the windows', the lets', the
 * shared membership tables', the candidates' (all per case), then the list selections' (per item).
 */
function slotsOf(policy: LoweredPolicy): { shared: number; candidates: number; selections: number } {
  const shared = policy.windows.length + policy.lets.length;
  const candidates = shared + policy.sharedTables;
  return { shared, candidates, selections: candidates + policy.candidates.length };
}

/**
 * Each list of candidates (the lowered `candidates`): `candidates(slot, Case.procedures,
 * Procedure.code, sijInjection)`, the elements of the list whose code may be in the set (and, with
 * a fifth argument, may be out of that one), worked out once per case (per-case slots after the
 * shared tables'). Before the scans that read them.
 */
function candidateDeclarations(policy: LoweredPolicy, names: ModuleNames, rt: RuntimeImports): Ts[] {
  const first = slotsOf(policy).candidates;
  return policy.candidates.map((entry) => {
    const args = [num(first + entry.index), ts`${names.handles("case")}.${ident(entry.field)}`, ts`${names.handles(entry.record)}.${ident(entry.code)}`, names.codeSets[entry.codeSet]!];
    if (entry.without !== undefined) args.push(names.codeSets[entry.without]!);
    return ts`const ${names.candidates[entry.index]!} = ${rt.value("candidates")}(${list(args)});`;
  });
}

/**
 * Each scan (the lowered `scans`): a `ListScan` of one membership of its list that answers the
 * aggregates written as `therapeuticTpiSameMuscleScan.latest(c)` from one pass per line item.
 * After the membership it names.
 */
function scanDeclarations(policy: LoweredPolicy, names: ModuleNames, writer: ExpressionWriter, rt: RuntimeImports): Ts[] {
  return policy.scans.flatMap((scan) => {
    const written = writer.scans[scan.index];
    if (written === undefined) return [];
    const date = scan.date === undefined ? ts`undefined` : ts`${names.handles(scan.record)}.${ident(scan.date)}`;
    const field = written.candidates === undefined ? ts`${names.handles("case")}.${ident(scan.field)}` : names.candidates[written.candidates]!;
    return [ts`const ${written.name} = new ${rt.value("ListScan")}(${field}, ${date}, ${written.member});`];
  });
}

/**
 * One concern's imports, as few `import` lines as fit the print width, the names shared evenly
 * between them: a list prettier would spread one name a line stays a line or two.
 */
function importLines(names: readonly Ts[], from: Ts): Ts[] {
  const line = (chosen: readonly Ts[]): Ts => ts`import { ${join(chosen, ", ")} } from ${from};`;
  for (let count = 1; ; count++) {
    const size = Math.ceil(names.length / count);
    const lines: Ts[] = [];
    for (let i = 0; i < names.length; i += size) lines.push(line(names.slice(i, i + size)));
    if (size <= 1 || lines.every((text) => text.length <= PRINT_WIDTH)) return lines;
  }
}

/**
 * A condition's skeleton with its tests in place, as the runtime's `conditionParts` takes it: a
 * test by its key, one the trace shows with what it shows (where it first appears; met again, by
 * its key alone).
 */
export function partsTree(lowered: LoweredParts): PartsTree {
  const written = new Set<number>();
  const tree = (shape: Shape): PartsTree => {
    if (typeof shape !== "number") return shape.map((node) => (typeof node === "string" ? node : tree(node))) as unknown as PartsTree;
    const { key, shows } = lowered.parts[shape]!;
    if (shows === undefined || written.has(shape)) return key;
    written.add(shape);
    const { left: _left, right: _right, ...shown } = shows;
    return { key, shows: shown };
  };
  return tree(lowered.shape);
}

/**
 * How a section's declarations are spaced: as paragraphs (`tight`: short ones standing together),
 * as criteria (a blank line between all), or as the blocks given.
 */
type Layout = "tight" | "criteria" | "asIs";

/** A section: its heading right above its declarations, a blank line between them (see `paragraphs`). */
function section(title: string, blocks: readonly Ts[], layout: Layout = "tight"): Ts[] {
  if (blocks.length === 0) return [];
  const [first, ...rest] = layout === "asIs" ? blocks : paragraphs(blocks, layout === "tight");
  return [join([comment(`--- ${title}`), first!], "\n"), ...rest];
}

/**
 * Declarations as paragraphs, the way one lays out code by hand: a run of one-line declarations
 * (windows, value sets, code sets, short lists), each under its one-line doc if it has one, stands
 * together like a table, and anything over a line gets a blank line either side. The criteria of
 * a rule (`tight` false) keep a blank line between them all: each is a function, its comment and
 * its parts.
 */
function paragraphs(blocks: readonly Ts[], tight = true): Ts[] {
  const short = (block: Ts): boolean => {
    const lines = block.split("\n");
    const declaration = lines[lines.length - 1]!;
    if (declaration.startsWith("/") || declaration.length > PRINT_WIDTH) return false;
    return lines.length === 1 || (tight && lines.length === 2 && lines[0]!.startsWith("/**") && lines[0]!.endsWith("*/"));
  };
  const merged: Ts[] = [];
  blocks.forEach((block, i) => {
    if (i > 0 && short(block) && short(blocks[i - 1]!)) merged[merged.length - 1] = join([merged[merged.length - 1]!, block], "\n");
    else merged.push(block);
  });
  return merged;
}

function criterionDoc(criterion: LoweredCriterion): Ts {
  return doc(`${criterion.id} [${criterion.citation}] ${criterion.effect}, line ${criterion.line}: ${criterion.description}: \`${criterion.text}\``);
}

/**
 * One row per rule and per criterion, kept on one line each like a hand-aligned table: a rule's
 * row opens the list of its criteria' rows.
 */
function rulesTable(
  rules: readonly LoweredRule[],
  ruleNames: readonly { when: Ts | undefined; whenParts: Ts | undefined; criteria: readonly (Ts | undefined)[]; parts: readonly (Ts | undefined)[] }[],
  names: ModuleNames,
  rt: RuntimeImports,
): Ts {
  const rows = rules.map((rule, r) => {
    const codes = ts`[${list(rule.codeSets.map((index) => names.codeSets[index]!))}]`;
    const when = ruleNames[r]!.when;
    const whenParts = ruleNames[r]!.whenParts;
    const whenKey = rule.whenParts === undefined ? undefined : singleTest(rule.whenParts);
    const whenPartsField = whenParts ? ts`, whenParts: ${whenParts}` : whenKey !== undefined ? ts`, whenKey: ${str(whenKey)}` : ts``;
    const head = ts`id: ${str(rule.id)}, title: ${str(rule.title)}, citation: ${str(rule.citation)}, codes: ${codes}${when ? ts`, when: ${when}` : ts``}${whenPartsField}`;
    const criteria = rule.criteria.map((criterion, i) => {
      const condition = ruleNames[r]!.criteria[i];
      const w = criterion.waivedBy === undefined ? -1 : rule.criteria.findIndex((other) => other.id === criterion.waivedBy);
      const waiver = w < 0 ? undefined : ruleNames[r]!.criteria[w];
      const waived = waiver ? ts`, waivedBy: ${str(criterion.waivedBy!)}, waiver: ${waiver}` : ts``;
      const parts = ruleNames[r]!.parts[i];
      const fields = ts`id: ${str(criterion.id)}, effect: ${str(criterion.effect)}, citation: ${str(criterion.citation)}, line: ${criterion.line}${condition ? ts`, condition: ${condition}` : ts``}${waived}${criterion.cost > 0 ? ts`, cost: ${criterion.cost}` : ts``}${partsField(parts, criterion.parts)}, description: ${str(criterion.description)}`;
      return ts`    { ${fields} },`;
    });
    return ts`  { ${head}, criteria: [\n${join(criteria, "\n")}\n  ] },`;
  });
  return ts`${comment("prettier-ignore")}\nconst rules = [\n${join(rows, "\n")}\n] as const satisfies readonly ${rt.type("RuleSpec")}[];\n\nexport type RuleId = (typeof rules)[number]["id"];\nexport type CriterionId = (typeof rules)[number]["criteria"][number]["id"];`;
}

/** A criterion's `parts` (a const), or the `key` of a condition that is one test showing nothing. */
function partsField(name: Ts | undefined, parts: LoweredParts | undefined): Ts {
  if (name !== undefined) return ts`, parts: ${name}`;
  const key = parts === undefined ? undefined : singleTest(parts);
  return key === undefined ? ts`` : ts`, key: ${str(key)}`;
}

function entryPointSource(rt: RuntimeImports): Ts {
  return ts`export const { validate, evaluate, decide, evaluateTrusted, decideTrusted } = ${rt.value("evaluators")}<Case>(policy, schema, rules);`;
}

/** The records whose field handles the module reads, as imported from the schema module. */
function usedHandles(policy: LoweredPolicy): string[] {
  // Every record of the schema whose handles an expression may name: simple and deterministic,
  // and the unused ones are left out so the module passes `noUnusedLocals`.
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== "object" || value === null) return;
    const node = value as Record<string, unknown>;
    if ((node.kind === "field" || node.kind === "recordList") && typeof node.record === "string") used.add(node.record);
    if (node.kind === "caseList") used.add("case");
    // A pick, sum or coverage names its date or summed field; a window names the date fields.
    if (node.kind === "aggregate" && !["count", "some", "none"].includes(node.operator as string)) {
      used.add((node.chain as { record: string }).record);
    }
    if (node.selection !== undefined && typeof node.record === "string") used.add(node.record);
    if (Array.isArray(node.filters) && (node.filters as { kind: string }[]).some((filter) => filter.kind === "within")) {
      used.add(node.record as string);
    }
    for (const [key, child] of Object.entries(node)) if (key !== "span") visit(child);
  };
  visit(policy.rules);
  visit(policy.windows);
  visit(policy.lets);
  visit(policy.computed);
  visit(policy.lists);
  return emittedRecords(policy.schema)
    .filter((record) => used.has(record.name))
    .map((record) => schemaTypeName(policy.schema, record.name));
}

function claimNames(policy: LoweredPolicy): ModuleNames {
  const schemaNames = emittedRecords(policy.schema).map((record) => schemaTypeName(policy.schema, record.name));
  const names = new Names([...MODULE_NAMES, "schema", "Case", ...schemaNames]);
  return {
    names,
    codeSets: policy.codeSets.map((set) => ident(names.claim(camelCase(set.name)))),
    tables: policy.tables.map((table) => ident(names.claim(camelCase(table.name)))),
    windows: policy.windows.map((window) =>
      ident(
        names.claim(
          window.kind === "back" ? `last${window.amount}${UNIT_NAMES[window.unit]}` : window.kind === "calendarYear" ? "calendarYearSoFar" : "planYearSoFar",
        ),
      ),
    ),
    computed: policy.computed.map((field) => ident(names.claim(camelCase(field.field)))),
    lets: policy.lets.map((entry) => ident(names.claim(camelCase(entry.name)))),
    lists: policy.lists.map((entry) => ident(names.claim(camelCase(entry.name)))),
    selections: policy.lists.map((entry) => (entry.chain.selection === undefined ? undefined : ident(names.claim(camelCase(`${entry.name} selected`))))),
    // Named after the list whose test the code set is (`tpiHistoryCandidates`), else after the set and the list field.
    candidates: policy.candidates.map((entry) =>
      ident(names.claim(camelCase(entry.list !== undefined ? `${policy.lists[entry.list]!.name} candidates` : `${policy.codeSets[entry.codeSet]!.name} ${entry.field}`))),
    ),
    sharedSlot: (index) => slotsOf(policy).shared + index,
    handles: (record) => ident(schemaTypeName(policy.schema, record)),
  };
}

const UNIT_NAMES = { d: "Days", wk: "Weeks", mo: "Months", y: "Years" } as const;

/** Whether an expression is already a Tri (a logic result), so a condition needs no `truth`. */
function isLogical(expr: Expr, policy: LoweredPolicy): boolean {
  switch (expr.kind) {
    case "junction":
    case "not":
    case "compare":
    case "compareElapsed":
    case "inCodes":
    case "asOf":
      return true;
    case "literal":
      return typeof expr.value === "boolean";
    case "aggregate":
      return expr.operator === "some" || expr.operator === "none";
    case "let":
      return isLogical(policy.lets[expr.slot]!.body, policy);
    default:
      return false;
  }
}
