// The playground page: a policy editor with live diagnostics and highlighting, a case editor with
// validation errors at their JSON paths, and the determination as the reviewer's letter, as a
// criterion tree and as generated TypeScript. Everything runs in the page; nothing is sent anywhere.

import { basicSetup } from "codemirror";
import { javascript } from "@codemirror/lang-javascript";
import { json } from "@codemirror/lang-json";
import { lintGutter, setDiagnostics, type Diagnostic as LintDiagnostic } from "@codemirror/lint";
import { EditorState, RangeSetBuilder, type Extension } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import type { CheckedPolicy, CheckResult } from "../../src/browser.js";
import { checkPolicy, evaluate, generatedModules, highlightTokens, SEEDS, type Evaluation, type Seed } from "./compiler.js";
import { decodeShared, encodeShared } from "./share.js";
import { renderTree } from "./tree.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Highlighting from the compiler's own lexer: one mark per token. */
const polHighlighting = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = this.build(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged) this.decorations = this.build(update.view);
    }
    build(view: EditorView): DecorationSet {
      const builder = new RangeSetBuilder<Decoration>();
      for (const token of highlightTokens(view.state.doc.toString())) {
        if (token.to > token.from) builder.add(token.from, token.to, Decoration.mark({ class: `pol-${token.class}` }));
      }
      return builder.finish();
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

function editor(parent: HTMLElement, doc: string, extensions: Extension[], onChange?: () => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        lintGutter(),
        ...extensions,
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange();
        }),
      ],
    }),
  });
}

let seed: Seed = SEEDS[0]!;
let checked: CheckedPolicy | undefined;
let checkedSource: string | undefined;
let generatedFor: CheckedPolicy | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

const policySelect = $<HTMLSelectElement>("policy-select");
const caseSelect = $<HTMLSelectElement>("case-select");
const policyView = editor($("policy-editor"), seed.source, [polHighlighting], () => schedule());
const caseView = editor($("case-editor"), seed.cases[0]?.json ?? "{}\n", [json()], () => schedule());
const typescriptView = editor($("typescript-editor"), "", [javascript({ typescript: true }), EditorState.readOnly.of(true), EditorView.editable.of(false)]);

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(run, 120);
}

function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Check the policy (when its text changed), evaluate the case, and show everything. */
function run(): void {
  timer = undefined;
  const source = policyView.state.doc.toString();
  if (source !== checkedSource) {
    const result = checkPolicy(seed.path, source);
    checkedSource = source;
    checked = result.policy;
    showDiagnostics(result, source);
  }
  const caseText = caseView.state.doc.toString();
  const output = $("output");
  if (!checked) {
    output.dataset["state"] = "policy-errors";
    caseView.dispatch(setDiagnostics(caseView.state, []));
    $("letter").textContent = "The policy has errors: fix them to see the determination.";
    $("outcomes").textContent = "";
    $("tree").replaceChildren();
    $("case-status").textContent = "";
    return;
  }
  const evaluation = evaluate(checked, caseText);
  showEvaluation(evaluation);
  if ($("tab-typescript").getAttribute("aria-selected") === "true") void showTypescript();
}

function showDiagnostics(result: CheckResult, source: string): void {
  const own = result.diagnostics.filter((d) => d.span.file === seed.path);
  const lint: LintDiagnostic[] = own.map((d) => {
    const from = Math.min(d.span.start.offset, source.length);
    const to = Math.max(from, Math.min(d.span.end.offset, source.length));
    return {
      from,
      to: to === from && to < source.length ? to + 1 : to,
      severity: d.severity,
      source: d.code,
      message: d.help === undefined ? d.message : `${d.message}\nhelp: ${d.help}`,
    };
  });
  policyView.dispatch(setDiagnostics(policyView.state, lint));
  const status = $("policy-status");
  status.dataset["errors"] = String(result.diagnostics.filter((d) => d.severity === "error").length);
  const problems = $("problems");
  problems.replaceChildren(
    ...result.diagnostics.map((d) => {
      const li = document.createElement("li");
      li.className = d.severity;
      li.textContent = `${d.code} ${d.span.file === seed.path ? "" : `${d.span.file}:`}${d.span.start.line}:${d.span.start.column} ${d.message}${d.help ? ` (help: ${d.help})` : ""}`;
      return li;
    }),
  );
  status.textContent = result.diagnostics.length === 0 ? "policy: no errors" : `policy: ${result.diagnostics.length} problem${result.diagnostics.length === 1 ? "" : "s"}`;
}

function showEvaluation(evaluation: Evaluation): void {
  const output = $("output");
  if (evaluation.kind === "invalid") {
    output.dataset["state"] = "case-errors";
    const length = caseView.state.doc.length;
    const problems = evaluation.problems.map((p) => ({ from: Math.min(p.from, length), to: Math.min(Math.max(p.to, p.from), length), severity: "error" as const, message: p.message }));
    caseView.dispatch(setDiagnostics(caseView.state, problems));
    // Show the first problem, wherever the case was being edited.
    if (!caseView.hasFocus) caseView.dispatch({ effects: EditorView.scrollIntoView(problems[0]!.from, { y: "center" }) });
    $("outcomes").textContent = "";
    $("case-status").textContent = evaluation.problems.map((p) => p.message).join("\n");
    $("letter").textContent = "The case is not valid for this policy: see the errors in the case editor.";
    $("tree").replaceChildren();
    return;
  }
  output.dataset["state"] = "determination";
  caseView.dispatch(setDiagnostics(caseView.state, []));
  $("case-status").textContent = "";
  $("letter").textContent = evaluation.letter;
  $("tree").replaceChildren(renderTree(evaluation.determination));
  $("outcomes").textContent = evaluation.determination.items.map((item) => `${item.code}: ${item.outcome}`).join(", ");
}

async function showTypescript(): Promise<void> {
  if (!checked || generatedFor === checked) return;
  const policy = checked;
  generatedFor = policy;
  const modules = await generatedModules(policy);
  if (generatedFor !== policy) return;
  const select = $<HTMLSelectElement>("module-select");
  const previous = select.value;
  select.replaceChildren(...[...modules.keys()].map((name) => new Option(name, name)));
  const policyModule = [...modules.keys()].find((name) => !name.endsWith(".schema.ts"));
  select.value = modules.has(previous) ? previous : (policyModule ?? "");
  const show = () => setText(typescriptView, modules.get(select.value) ?? "");
  select.onchange = show;
  show();
}

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLElement>("[role=tab]")) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    $(tab.getAttribute("aria-controls")!).hidden = !selected;
  }
  if (name === "typescript") void showTypescript();
}

function loadSeed(next: Seed, source = next.source, caseText = next.cases[0]?.json ?? "{}\n"): void {
  seed = next;
  policySelect.value = next.key;
  caseSelect.replaceChildren(...next.cases.map((c, i) => new Option(c.name, String(i))), new Option("(edited)", "edited"));
  caseSelect.value = next.cases.findIndex((c) => c.json === caseText) >= 0 ? String(next.cases.findIndex((c) => c.json === caseText)) : "edited";
  checkedSource = undefined;
  setText(policyView, source);
  setText(caseView, caseText);
  if (timer !== undefined) clearTimeout(timer);
  run();
}

policySelect.replaceChildren(...SEEDS.map((s) => new Option(s.title, s.key)));
policySelect.onchange = () => loadSeed(SEEDS.find((s) => s.key === policySelect.value)!);
caseSelect.onchange = () => {
  const chosen = seed.cases[Number(caseSelect.value)];
  if (chosen) setText(caseView, chosen.json);
};
for (const tab of document.querySelectorAll<HTMLElement>("[role=tab]")) tab.onclick = () => selectTab(tab.id.slice(4));

$("share-button").onclick = async () => {
  const hash = await encodeShared({ seed: seed.key, source: policyView.state.doc.toString(), caseText: caseView.state.doc.toString() });
  const url = `${location.origin}${location.pathname}${hash}`;
  history.replaceState(null, "", hash);
  const field = $<HTMLInputElement>("share-url");
  field.value = url;
  field.hidden = false;
  field.select();
  try {
    await navigator.clipboard.writeText(url);
    $("share-note").textContent = "link copied";
  } catch {
    $("share-note").textContent = "copy the link above";
  }
};

async function start(): Promise<void> {
  try {
    const shared = await decodeShared(location.hash);
    if (shared) {
      loadSeed(SEEDS.find((s) => s.key === shared.seed) ?? SEEDS[0]!, shared.source, shared.caseText);
      $("share-note").textContent = "opened from a shared link";
    } else loadSeed(SEEDS[0]!);
  } catch (error) {
    loadSeed(SEEDS[0]!);
    $("share-note").textContent = (error as Error).message;
  }
  selectTab("letter");
  document.body.dataset["ready"] = "true";
}

// For the browser tests and the curious: the editors.
Object.assign(window, { playground: { policyView, caseView, typescriptView } });
void start();
