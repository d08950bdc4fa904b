// `pol eval --format crd|questionnaire|claim-response` and `--response`: the Da Vinci answers
// through the CLI, their options checked before anything is read, and a response whose answers
// do not fit reported by where they are, with exit 1.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPol } from "./support/run-pol.js";

const POLICY = "policies/truecare/sacroiliac-joint-procedures.pol";
const dir = mkdtempSync(join(tmpdir(), "pol-fhir-answers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pol = runPol;

function file(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

const pended = file("pended.json", {
  date_of_service: "2025-09-15",
  items: [{ code: "27096", side: "left", purpose: "therapeutic" }],
  procedures: [{ code: "27096", date: "2025-06-02", side: "left", purpose: "diagnostic" }],
});
const answer = (linkId: string, value: object) => ({ linkId, answer: [value] });
const response = (items: object[]) => ({ resourceType: "QuestionnaireResponse", status: "completed", item: items });
const approving = file("approving.json", response([
  { linkId: "procedures[0]", item: [answer("procedures[0].relief", { valueDecimal: 80 }), answer("procedures[0].functional_improvement", { valueBoolean: true })] },
  answer("return_of_pain", { valueBoolean: true }),
  answer("conservative_therapy_planned", { valueBoolean: true }),
  { linkId: "items[0]", item: [answer("items[0].diagnosis", { valueString: "M46.1" })] },
  answer("implanted_device", { valueBoolean: false }),
]));

describe("pol eval with Da Vinci answers", () => {
  it("prints the CRD coverage information of each line", async () => {
    const { code, out } = await pol("eval", POLICY, pended, "--format", "crd", "--coverage", "Coverage/cov-1", "--answer-date", "2026-12-06");
    expect(code).toBe(0);
    const [extension] = JSON.parse(out);
    expect(extension.extension).toContainEqual({ url: "coverage", valueReference: { reference: "Coverage/cov-1" } });
    expect(extension.extension).toContainEqual({ url: "covered", valueCode: "conditional" });
    expect(extension.extension).toContainEqual({ url: "date", valueDate: "2026-12-06" });
  });

  it("prints the questionnaire of a pended case, and says so when nothing is pended", async () => {
    const pendedRun = await pol("eval", POLICY, pended, "--format", "questionnaire");
    expect(pendedRun.code).toBe(0);
    expect(JSON.parse(pendedRun.out).resourceType).toBe("Questionnaire");
    const decided = await pol("eval", POLICY, "samples/truecare-approval.json", "--format", "questionnaire");
    expect(decided).toEqual({ code: 0, out: "", err: "no item is pended for documentation: there is no questionnaire to answer\n" });
  });

  it("closes the loop: the case completed with the response is approved, and the ClaimResponse certifies it", async () => {
    const letter = await pol("eval", POLICY, pended, "--response", approving);
    expect(letter.code).toBe(0);
    expect(letter.out).toContain("Line 1 — CPT 27096: APPROVED");
    const claim = await pol("eval", POLICY, pended, "--response", approving, "--format", "claim-response", "--patient", "Patient/p-1");
    const parsed = JSON.parse(claim.out);
    expect(parsed.patient).toEqual({ reference: "Patient/p-1" });
    expect(parsed.item[0].adjudication[0].extension[0].extension[0].valueCodeableConcept.coding[0].code).toBe("A1");
  });

  it("reports answers that do not fit, located, with exit 1", async () => {
    const bad = file("bad.json", response([answer("return_of_pain", { valueString: "yes" }), answer("no_such_fact", { valueBoolean: true })]));
    const { code, out, err } = await pol("eval", POLICY, pended, "--response", bad);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("do not fit the case");
    expect(err).toContain("  QuestionnaireResponse.item[0].answer[0] (return_of_pain): expected `valueBoolean`\n");
    expect(err).toContain("  QuestionnaireResponse.item[1] (no_such_fact): `no_such_fact` names no fact of the case");
    const notJson = join(dir, "broken.json");
    writeFileSync(notJson, "{");
    expect((await pol("eval", POLICY, pended, "--response", notJson)).code).toBe(1);
  });

  it("refuses bad options as usage errors (exit 2) before reading anything", async () => {
    for (const args of [
      ["--format", "crd", "--coverage", "not a reference"],
      ["--format", "claim-response", "--patient", "Coverage/1"],
      ["--format", "crd", "--answer-date", "06/12/2026"],
      ["--response", join(dir, "missing.json")],
    ]) {
      const { code, err } = await pol("eval", POLICY, pended, ...args);
      expect(code, args.join(" ")).toBe(2);
      expect(err, args.join(" ")).toMatch(/^error: /);
    }
    const batch = file("cases.ndjson", {});
    expect((await pol("eval", POLICY, batch, "--format", "crd")).code).toBe(2);
    expect((await pol("eval", POLICY, batch, "--response", approving)).code).toBe(2);
  });
});
