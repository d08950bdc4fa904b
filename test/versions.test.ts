// `pol diff`: the structural diff of each kind of change (golden baselines), and the semantic
// diff with the solver: every counterexample is evaluated again here by both versions'
// interpreter, and must be a valid case the two versions decide differently. Solver questions
// are kept few and small (lists of one element): the machines running the suite are shared.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkFile } from "../src/check/checker.js";
import type { CheckedPolicy } from "../src/model.js";
import { lower } from "../src/lower/lower.js";
import { evaluateCase } from "../src/interpret/interpreter.js";
import { main } from "../src/cli/cli.js";
import { diffVersions } from "../src/tools/versions/diff.js";
import { describeChange } from "../src/tools/versions/render.js";
import { structuralDiff } from "../src/tools/versions/structural.js";
import { releaseZ3 } from "../src/tools/versions/solver.js";
import { DEFAULT_BOUNDS } from "../src/tools/versions/bounds.js";
import type { CodeFinding } from "../src/tools/versions/semantic.js";
import type { ReplayReport } from "../src/tools/versions/replay.js";

const DIR = "test/fixtures/versions/structural";
const update = process.env.UPDATE_BASELINES === "1";
const SOLVER_TEST = 240_000;
const small = { bounds: { list: 1, items: 1 }, timeout: 60_000, minimizeBudget: 2_000 };

function policy(path: string): CheckedPolicy {
  const checked = checkFile(path);
  // Warnings are fine (a removed rule may leave its code set unused); errors are not.
  expect(checked.diagnostics.filter((d) => d.severity === "error"), path).toEqual([]);
  return checked.policy!;
}

afterAll(async () => {
  await releaseZ3();
});

async function pol(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
  expect(err).not.toMatch(/\n\s+at /);
  return { code, out, err };
}

/** The outcome both versions' interpreters give the item under decision of a counterexample (a
 *  proposed version evaluated as if in effect, as the diff compares it). */
function confirmed(finding: Extract<CodeFinding, { kind: "difference" }>, older: CheckedPolicy, newer: CheckedPolicy): void {
  const outcomes = [older, newer].map((p) => {
    const evaluated = evaluateCase(p, finding.case, { asProposed: true });
    expect(evaluated.ok, JSON.stringify(finding.case)).toBe(true);
    return evaluated.ok ? evaluated.determination.items[finding.item]!.outcome : undefined;
  });
  expect(outcomes).toEqual([finding.old.outcome, finding.new.outcome]);
  expect(outcomes[0]).not.toBe(outcomes[1]);
}

/** Each way of leaving one thing out of a case: a top-level fact or list, a list's last element,
 *  a fact of a list element or line item (the item's code excepted), a line item other than `item`. */
function withOneThingLess(json: Record<string, unknown>, item: number): { json: Record<string, unknown>; item: number }[] {
  const copies: { json: Record<string, unknown>; item: number }[] = [];
  const copy = () => structuredClone(json);
  for (const [key, value] of Object.entries(json)) {
    if (key === "date_of_service") continue;
    if (key !== "items") {
      const whole = copy();
      delete whole[key];
      copies.push({ json: whole, item });
    }
    if (!Array.isArray(value)) continue;
    value.forEach((element: Record<string, unknown>, i) => {
      if (key === "items" && i !== item) {
        const fewer = copy();
        (fewer["items"] as unknown[]).splice(i, 1);
        copies.push({ json: fewer, item: i < item ? item - 1 : item });
      } else if (key !== "items" && i === value.length - 1) {
        const shorter = copy();
        (shorter[key] as unknown[]).pop();
        copies.push({ json: shorter, item });
      }
      for (const field of Object.keys(element)) {
        if (key === "items" && field === "code") continue;
        const less = copy();
        delete (less[key] as Record<string, unknown>[])[i]![field];
        copies.push({ json: less, item });
      }
    });
  }
  return copies;
}

/** Every fact of a counterexample matters: leaving any one out makes the case invalid or decided
 *  alike by both versions' interpreters. */
function everyFactMatters(finding: Extract<CodeFinding, { kind: "difference" }>, older: CheckedPolicy, newer: CheckedPolicy): void {
  for (const { json, item } of withOneThingLess(finding.case, finding.item)) {
    const outcomes = [older, newer].map((p) => {
      const evaluated = evaluateCase(p, json, { asProposed: true });
      return evaluated.ok ? evaluated.determination.items[item]?.outcome : undefined;
    });
    const stillDiffers = outcomes[0] !== undefined && outcomes[1] !== undefined && outcomes[0] !== outcomes[1];
    expect(stillDiffers, `${JSON.stringify(json)} still decided differently: ${outcomes.join(" vs ")}`).toBe(false);
  }
}

describe("structural diff", () => {
  const base = lower(policy(join(DIR, "base.pol")));
  const variants = readdirSync(DIR)
    .filter((name) => name.endsWith(".pol") && name !== "base.pol")
    .sort();

  for (const name of variants) {
    it(`names the change in ${name}`, () => {
      const changes = structuralDiff(base, lower(policy(join(DIR, name))));
      const text = changes.map((change) => `${change.kind}\t${describeChange(change)}\n`).join("");
      const baseline = join(DIR, name.replace(/\.pol$/, ".diff.txt"));
      if (update) writeFileSync(baseline, text);
      else {
        expect(existsSync(baseline), `${baseline} is missing: run with UPDATE_BASELINES=1`).toBe(true);
        expect(text).toBe(readFileSync(baseline, "utf8"));
      }
      expect(changes.length).toBeGreaterThan(0);
    });
  }

  it("covers every kind of change the analyst meets", () => {
    const kinds = new Set(
      variants.flatMap((name) => structuralDiff(base, lower(policy(join(DIR, name)))).map((change) => change.kind)),
    );
    for (const kind of [
      "header",
      "codes-added",
      "codes-removed",
      "threshold",
      "comparison",
      "window",
      "duration",
      "criterion-added",
      "criterion-removed",
      "criterion-reworded",
      "criterion-citation",
      "rule-added",
      "rule-removed",
      "condition",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it("finds nothing between a policy and itself", () => {
    expect(structuralDiff(base, lower(policy(join(DIR, "base.pol"))))).toEqual([]);
  });

  it("shows the seed policy's changes through the CLI, as text and JSON", async () => {
    const text = await pol("diff", "policies/cigna/trigger-point-injections.pol", "test/fixtures/versions/tpi-next.pol", "--structural");
    expect(text.code).toBe(0);
    expect(text.out).toContain("rule tpi_therapeutic, criterion TP2_relief (line 115): threshold moved: 50% -> 60%");
    expect(text.out).toContain("rule tpi_rolling_cap, criterion TP3 (line 129): window changed: within 12mo -> within 6mo");
    expect(text.out).toContain("codes trigger_point_injection (line 23): codes added: 20551");
    const json = await pol("diff", "policies/truecare/sacroiliac-joint-procedures.pol", "test/fixtures/versions/sij-next.pol", "--structural", "--format", "json");
    const report = JSON.parse(json.out) as { changes: { kind: string; old?: string; new?: string }[] };
    expect(report.changes).toContainEqual(expect.objectContaining({ kind: "duration", old: "2mo", new: "3mo" }));
    expect(report.changes).toContainEqual(expect.objectContaining({ kind: "threshold", old: "1", new: "2" }));
    expect(report.changes).toContainEqual(expect.objectContaining({ kind: "codes-added", new: "64635" }));
  });

  it("searches the same bounds from the command line and the library (DEFAULT_BOUNDS)", async () => {
    for (const command of ["diff", "verify"]) {
      const { out } = await pol(command, "--help");
      expect(out, command).toMatch(new RegExp(`--max-list <n>[^\\n]*\\(default: ${DEFAULT_BOUNDS.list}\\)`));
      expect(out, command).toMatch(new RegExp(`--max-items <n>[^\\n]*\\(default: ${DEFAULT_BOUNDS.items}\\)`));
    }
  });

  it("refuses a file that is not a policy with a located error, no stack trace", async () => {
    const result = await pol("diff", "policies/schema/spine.pol", join(DIR, "base.pol"), "--structural");
    expect(result.code).toBe(1);
    expect(result.err).toContain("is a schema, not a policy");
  });
});

describe("semantic diff", () => {
  const base = policy(join(DIR, "base.pol"));

  it(
    "finds a case at a moved threshold, confirmed by both versions' evaluators",
    async () => {
      const threshold = policy(join(DIR, "threshold.pol"));
      const report = await diffVersions(base, threshold, { semantic: small });
      const findings = report.semantic!.findings;
      const injection = findings.find((f) => f.codes.includes("20552"))!;
      expect(injection.kind).toBe("difference");
      if (injection.kind !== "difference") return;
      confirmed(injection, base, threshold);
      everyFactMatters(injection, base, threshold);
      // The relief lies in [50, 60): the old version meets T2, the new one does not.
      const relief = (injection.case["procedures"] as { relief?: number }[])[0]!.relief!;
      expect(relief).toBeGreaterThanOrEqual(50);
      expect(relief).toBeLessThan(60);
      // Guidance codes read nothing that changed: no solver question for them.
      expect(findings.find((f) => f.codes.includes("76942"))).toMatchObject({ kind: "same", unchanged: true });
    },
    SOLVER_TEST,
  );

  it(
    "finds a case for a code added to a set, and states that a rewording changes nothing",
    async () => {
      const codes = policy(join(DIR, "codes.pol"));
      const report = await diffVersions(base, codes, { semantic: small });
      const added = report.semantic!.findings.find((f) => f.codes.includes("20551"))!;
      expect(added.kind).toBe("difference");
      if (added.kind === "difference") {
        confirmed(added, base, codes);
        expect(added.old.outcome).toBe("no_applicable_policy");
      }
      const reworded = await diffVersions(base, policy(join(DIR, "reworded.pol")), { semantic: small });
      expect(reworded.semantic!.findings.every((f) => f.kind === "same")).toBe(true);
    },
    SOLVER_TEST,
  );

  it(
    "proves an equivalent rewrite decides every case alike within the bounds",
    async () => {
      const rewritten = policy("test/fixtures/versions/equivalent.pol");
      const report = await diffVersions(base, rewritten, { semantic: small });
      const injection = report.semantic!.findings.find((f) => f.codes.includes("20552"))!;
      expect(injection).toMatchObject({ kind: "same" });
      expect(injection).not.toHaveProperty("unchanged");
    },
    SOLVER_TEST,
  );

  it("reports a construct the encoder does not handle as POL5001 at its place, never a guess", async () => {
    const unsupported = policy("test/fixtures/versions/unsupported.pol");
    const report = await diffVersions(base, unsupported, { semantic: small });
    const finding = report.semantic!.findings.find((f) => f.codes.includes("20552"))!;
    expect(finding.kind).toBe("unsupported");
    if (finding.kind !== "unsupported") return;
    expect(finding.diagnostic.code).toBe("POL5001");
    expect(finding.diagnostic.message).toContain("a date shifted by a computed duration");
    expect(finding.diagnostic.span.file).toBe("test/fixtures/versions/unsupported.pol");
  });

  it("analyses a lookup in a table of numbers: a threshold read from a table decides like the one written out", async () => {
    const lookup = policy("test/fixtures/versions/lookup.pol");
    const report = await diffVersions(base, lookup, { semantic: small });
    // The rule applies to therapeutic injections only, whose `min_relief` is the base's 50%.
    const finding = report.semantic!.findings.find((f) => f.codes.includes("20552"))!;
    expect(finding.kind, JSON.stringify(finding)).toBe("same");
    expect(report.diagnostics.filter((d) => d.code === "POL5001")).toEqual([]);
  });
});

describe("semantic diff of plan years, calendar years, waivers, administrative outcomes and request lines", () => {
  const PLAN = "test/fixtures/versions/plan";
  const base = policy(join(PLAN, "base.pol"));

  /** The one finding of the fixture's code class for 64493, a confirmed difference. */
  async function difference(variant: string, options = small): Promise<Extract<CodeFinding, { kind: "difference" }>> {
    const changed = policy(join(PLAN, variant));
    const older = variant === "earlier-items.pol" ? policy(join(PLAN, "earlier-base.pol")) : base;
    const report = await diffVersions(older, changed, { semantic: options });
    const finding = report.semantic!.findings.find((f) => f.codes.includes("64493"))!;
    expect(finding.kind, JSON.stringify(finding)).toBe("difference");
    if (finding.kind !== "difference") throw new Error("no difference");
    confirmed(finding, older, changed);
    return finding;
  }

  const prior = (finding: Extract<CodeFinding, { kind: "difference" }>) =>
    (finding.case["procedures"] as { code?: string; date?: string }[] | undefined) ?? [];

  it(
    "finds a case at a calendar year's start: a procedure dated in the year before, within 12 months",
    async () => {
      // A limit on distinct dates within the last 12 months moved to the calendar year. A
      // procedure of unknown date or code counts alike in both windows, so every case decided
      // differently has one dated before January 1 of the date of service's year but within
      // the 12 months before it (two distinct dates: lists of two).
      const finding = await difference("calendar-year-window.pol", { ...small, bounds: { list: 2, items: 0 } });
      const dos = finding.case["date_of_service"] as string;
      const year = Number(dos.slice(0, 4));
      const yearBefore = prior(finding).filter((p) => p.date !== undefined && Number(p.date.slice(0, 4)) === year - 1);
      expect(yearBefore.length, JSON.stringify(finding.case)).toBeGreaterThan(0);
      // The same day a year before, clamped to the month's end (29 February to the 28th).
      const [, month, day] = dos.split("-").map(Number) as [number, number, number];
      const clamped = Math.min(day, new Date(Date.UTC(year - 1, month, 0)).getUTCDate());
      const yearAgo = `${year - 1}-${String(month).padStart(2, "0")}-${String(clamped).padStart(2, "0")}`;
      expect(yearBefore.some((p) => p.date! >= yearAgo), JSON.stringify(finding.case)).toBe(true);
    },
    SOLVER_TEST,
  );

  it(
    "finds a case where a plan year and the last 12 months differ",
    async () => {
      const finding = await difference("plan-year.pol");
      expect(prior(finding).length).toBeGreaterThan(0);
    },
    SOLVER_TEST,
  );

  it(
    "finds a case a changed waiver decides differently",
    async () => {
      const finding = await difference("waiver.pol");
      // L3 is not met, so only the waiver stands between the versions.
      expect(["none", "mild"]).toContain(finding.case["pain_severity"]);
      expect(finding.case["prior_spine_surgery"]).not.toBe(true);
    },
    SOLVER_TEST,
  );

  it(
    "finds a case with a line listed before the one under decision that still stands",
    async () => {
      const finding = await difference("earlier-items.pol");
      expect(finding.item).toBeGreaterThan(0);
      expect((finding.case["items"] as unknown[]).length).toBe(2);
    },
    SOLVER_TEST,
  );

  it(
    "finds a case at a distinct-date limit",
    async () => {
      const finding = await difference("distinct.pol");
      expect(prior(finding).length).toBeGreaterThan(0);
    },
    SOLVER_TEST,
  );

  it(
    "compares a proposed version as if in effect: only dates before the new effective date differ",
    async () => {
      const finding = await difference("effective.pol");
      expect((finding.case["date_of_service"] as string) < "2026-01-01").toBe(true);
      expect(finding.new.outcome).toBe("policy_not_in_effect");
    },
    SOLVER_TEST,
  );

  it(
    "finds a case through a rule evaluated as of the date of a prior block",
    async () => {
      const older = policy("test/fixtures/versions/as-of/base.pol");
      const newer = policy("test/fixtures/versions/as-of/as-of.pol");
      const report = await diffVersions(older, newer, { semantic: small });
      const ablation = report.semantic!.findings.find((f) => f.codes.includes("64635"))!;
      expect(ablation.kind).toBe("difference");
      if (ablation.kind !== "difference") return;
      confirmed(ablation, older, newer);
      // Only the prior block's necessity as of its date changed.
      expect(ablation.case["procedures"]).toBeDefined();
    },
    SOLVER_TEST,
  );

  it(
    "finds a case through the latest block picked by date, with two blocks to pick from",
    async () => {
      const older = policy("test/fixtures/versions/as-of/base.pol");
      const newer = policy("test/fixtures/versions/as-of/latest.pol");
      const report = await diffVersions(older, newer, { semantic: { ...small, bounds: { list: 2, items: 0 } } });
      const ablation = report.semantic!.findings.find((f) => f.codes.includes("64635"))!;
      expect(ablation.kind).toBe("difference");
      if (ablation.kind === "difference") confirmed(ablation, older, newer);
      expect(report.semantic!.findings.find((f) => f.codes.includes("64493"))).toMatchObject({ kind: "same", unchanged: true });
    },
    SOLVER_TEST,
  );
});

describe("replaying past cases", () => {
  it(
    "reports the flips by outcome pair and by criterion, with line numbers, and the lines that are not cases",
    async () => {
      const result = await pol(
        "diff",
        join(DIR, "base.pol"),
        join(DIR, "threshold.pol"),
        "--cases",
        "test/fixtures/versions/history.ndjson",
        "--format",
        "json",
      );
      expect(result.code).toBe(0);
      const report = JSON.parse(result.out) as ReplayReport;
      expect(report).toMatchObject({ cases: 4, items: 4, invalid: [5], flips: 2 });
      expect(report.byOutcome).toEqual([
        { pair: "approved -> denied", count: 1, cases: ["line 1, item 0"] },
        { pair: "pended -> denied", count: 1, cases: ["line 4, item 0"] },
      ]);
      expect(report.byCriterion[0]).toEqual({ criterion: "therapeutic.T2", count: 2, cases: ["line 1, item 0", "line 4, item 0"] });
    },
    SOLVER_TEST,
  );
});
