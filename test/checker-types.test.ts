// The checker's type and unit rules: comparisons, arithmetic, lists, windows, picks, sums,
// coverage, elapsed time, and the schema rules about dates, computed fields and code ranges.

import { describe, expect, it } from "vitest";
import { checkCondition, checkPolicy, ruleWith, SCHEMA, SCHEMA_PATH, single } from "./checker-fixtures.js";

const LAST = 'let last "the latest procedure" = latest procedures\n';

describe("comparisons", () => {
  it("accepts each comparable pair", () => {
    const conditions = [
      "last.relief >= 75%",
      "last.pain_before < 7",
      "last.date <= 2025-01-01",
      "last.relief_duration >= 6wk",
      "last.side == item.side",
      "last.code == \"27096\"",
      "\"27096\" != item.code",
      "item.code == last.code",
      "imaging_done == false",
      "time since last.date >= 2mo",
      "time since last.date < 14d",
      "3mo <= time between pain_onset and dos",
      "dos - pain_onset >= 6wk",
      "dos - 6mo > pain_onset + 2wk",
      "-last.pain_after < 0",
    ];
    for (const condition of conditions) {
      expect(checkCondition(condition, LAST).diagnostics, condition).toEqual([]);
    }
  });

  it("names both types when they cannot be compared (POL3001)", () => {
    const d = single(checkCondition("last.relief >= last.relief_duration", LAST));
    expect(d).toMatchObject({ code: "POL3001", message: "cannot compare `percent` with `duration`", text: "last.relief >= last.relief_duration" });
    const date = single(checkCondition("last.date > 3", LAST));
    expect(date.message).toBe("cannot compare `date` with `number`");
  });

  it("suggests a percent literal for a bare number compared with a percent", () => {
    const d = single(checkCondition("last.relief >= 75", LAST));
    expect(d).toMatchObject({ code: "POL3001", message: "cannot compare `percent` with `number`", help: "write `75%`" });
  });

  it("rejects ordering values that have no order", () => {
    const d = single(checkCondition("last.code < item.code", LAST));
    expect(d).toMatchObject({ code: "POL3024", message: "`<` needs numbers, percents, dates or durations, not `code`" });
    const e = single(checkCondition("last.side < item.side", LAST));
    expect(e).toMatchObject({ code: "POL3036", message: "`<` compares members of `Side`, which has no order" });
  });

  it("rejects enums of different types and enum members of the wrong enum", () => {
    expect(single(checkCondition("last.side == item.purpose", LAST)).message).toBe("cannot compare `Side` with `Purpose`");
    expect(single(checkCondition("item.side == therapeutic", LAST)).message).toBe("`therapeutic` is not a member of `Side`");
  });

  it("rejects a percent literal outside 0-100% (POL3002)", () => {
    const d = single(checkCondition("last.relief >= 120%", LAST));
    expect(d).toMatchObject({ code: "POL3002", message: "percent `120%` is outside 0-100%", text: "120%" });
  });

  it("never converts calendar months to days (POL3003)", () => {
    const d = single(checkCondition("last.relief_duration >= 2mo", LAST));
    expect(d).toMatchObject({
      code: "POL3003",
      message: "`last.relief_duration` is a fixed duration but `2mo` is calendar months",
      help: "durations a case records are in days: compare with days or weeks, e.g. `>= 8wk`",
    });
    expect(single(checkCondition("6wk >= 2mo", LAST)).help).toBe(
      "calendar months have no fixed length in days; compare with days or weeks, or compare dates instead (`time since`)",
    );
  });

  it("compares elapsed time with duration literals only", () => {
    const d = single(checkCondition("time since last.date >= last.relief_duration", LAST));
    expect(d).toMatchObject({
      code: "POL3001",
      message: "cannot compare `elapsed time` with `duration`",
      help: "compare `time since ...` with a literal such as `2mo`",
    });
  });

  it("requires dates for `time since` and `time between`", () => {
    const d = single(checkCondition("time since last >= 2mo", LAST));
    expect(d).toMatchObject({ code: "POL3023", message: "`time since` needs a date, but `last` is `Procedure`", text: "last", help: "use one of its dates, e.g. `last.date`" });
  });
});

describe("arithmetic", () => {
  it("rejects adding incompatible units", () => {
    expect(single(checkCondition("last.relief + last.pain_after > 3", LAST)).message).toBe("cannot add `percent` and `number`");
    const lengthFirst = single(checkCondition("7d + pain_onset <= dos", LAST));
    expect(lengthFirst).toMatchObject({ code: "POL3026", message: "cannot add a date to `duration`", help: "write the date first, e.g. `dos + 7d`" });
    const mixed = single(checkCondition("last.relief_duration + 1mo > 3wk", LAST));
    expect(mixed.message).toBe("cannot add `duration` and `calendar duration`");
    expect(single(checkCondition("-last.date > dos", LAST)).message).toBe("cannot negate `date`");
    expect(single(checkCondition("last.relief * 2 > 10%", LAST)).message).toBe("cannot multiply `percent` by `number`");
  });

  it("turns only numbers into percents", () => {
    const d = single(checkCondition("last.relief as percent > 10%", LAST));
    expect(d).toMatchObject({ code: "POL3022", message: "`as percent` turns a number into a percent, but `last.relief` is `percent`" });
  });
});

describe("conditions and lists", () => {
  it("requires conditions to be booleans (POL3005)", () => {
    const d = single(checkCondition("imaging_done and last.relief", LAST));
    expect(d).toMatchObject({ code: "POL3005", message: "`last.relief` is `percent`, not a condition", text: "last.relief" });
    const list = single(checkCondition("procedures"));
    expect(list.help).toBe("test the list with `some procedures` or `no procedures`");
    expect(single(checkCondition("all(imaging_done, count procedures)")).text).toBe("count procedures");
  });

  it("requires a list where a list is expected (POL3006)", () => {
    const d = single(checkCondition("count pain_onset > 1"));
    expect(d).toMatchObject({ code: "POL3006", message: "`count` needs a list, but `pain_onset` is `date`", text: "pain_onset" });
  });

  it("reports field access on a non-record (POL3007)", () => {
    const d = single(checkCondition("procedures.relief >= 75%"));
    expect(d).toMatchObject({ code: "POL3007", message: "`procedures` is `list of Procedure`, not a record, so it has no field `relief`", text: "procedures" });
  });

  it("requires a code on the left of `in` (POL3008)", () => {
    const d = single(checkCondition("item.side in sij_injection"));
    expect(d).toMatchObject({ code: "POL3008", message: "`in` needs a code, but `item.side` is `Side`", text: "item.side" });
    expect(single(checkCondition("item in sij_injection")).help).toBe("test the item's code: `item.code in ...`");
  });

  it("windows and picks only dated records (POL3004)", () => {
    const d = single(checkCondition("count diagnoses within 12mo > 0"));
    expect(d).toMatchObject({ code: "POL3004", message: "`diagnoses` has no date: `Diagnosis` is not declared `dated by`", text: "diagnoses" });
    expect(d.help).toBe("`within` keeps records by date; declare the date: `record Diagnosis dated by <field>`");
    expect(single(checkCondition("(latest items).code in sij_injection")).code).toBe("POL3004");
  });

  it("allows one window per list (POL3015)", () => {
    const d = single(checkCondition("count procedures within 12mo where relief >= 50% within 6mo > 1"));
    expect(d).toMatchObject({ code: "POL3015", message: "the list already has a window (`within 12mo`)", text: "6mo" });
  });

  it("covers only episodes (POL3010)", () => {
    const d = single(checkCondition("coverage of procedures >= 6wk"));
    expect(d).toMatchObject({ code: "POL3010", message: "`coverage` needs episodes, but `Procedure` is not dated by a start and an end", text: "procedures" });
    expect(checkCondition("coverage of therapies within 6mo >= 6wk").diagnostics).toEqual([]);
  });

  it("sums only number and duration fields (POL3011)", () => {
    const d = single(checkCondition("sum relief of procedures >= 10"));
    expect(d).toMatchObject({ code: "POL3011", message: "`sum` needs a number or duration field, but `relief` is `percent`", text: "relief" });
    expect(checkCondition("sum relief_duration of procedures >= 6wk").diagnostics).toEqual([]);
    expect(checkCondition("sum sessions of therapies within 6mo >= 6").diagnostics).toEqual([]);
    expect(single(checkCondition("sum relif of procedures >= 6")).code).toBe("POL2002");
  });
});

describe("schema rules", () => {
  const withSchema = (schema: string) => checkPolicy(ruleWith("true"), { [SCHEMA_PATH]: schema });

  it("rejects a computed field of the wrong type (POL3012)", () => {
    const schema = SCHEMA.replace("(pain_before - pain_after) / pain_before as percent", "pain_after / pain_before");
    const d = single(withSchema(schema));
    expect(d).toMatchObject({
      code: "POL3012",
      message: "computed field `score_relief` is declared `percent` but its expression is `number`",
      text: "pain_after / pain_before",
      help: "turn the ratio into a percent with `as percent`",
    });
  });

  it("requires `code: code` on the item (POL3013)", () => {
    const missing = single(withSchema(SCHEMA.replace('  code: code "requested procedure code"\n', "")));
    expect(missing).toMatchObject({ code: "POL3013", message: "the item declaration has no `code: code` field", text: "item" });
    const wrong = single(withSchema(SCHEMA.replace('code: code "requested procedure code"', 'code: text "requested procedure code"')));
    expect(wrong).toMatchObject({ code: "POL3018", message: "the item field `code` is `text`, not `code`", text: "text" });
  });

  it("requires `dated by` to name date fields (POL3014)", () => {
    const missing = single(withSchema(SCHEMA.replace("dated by start to finish", "dated by start to finsh")));
    expect(missing).toMatchObject({ code: "POL2018", message: "`dated by` names `finsh`, which is not a field of `Therapy`", text: "finsh", help: "did you mean `finish`?" });
    const wrong = single(withSchema(SCHEMA.replace('dated by date {', 'dated by relief {')));
    expect(wrong).toMatchObject({ code: "POL3014", message: "`dated by` needs a date field, but `relief` is `percent`", text: "relief" });
  });

  it("rejects malformed code ranges (POL3009)", () => {
    const backwards = single(checkPolicy('codes facets "facet" = cpt { 64495-64490 }\n' + ruleWith("true")));
    expect(backwards).toMatchObject({ code: "POL3019", message: "code range `64495-64490` runs backwards", text: "64495-64490", help: "write `64490-64495`" });
    const uneven = single(checkPolicy('codes facets "facet" = cpt { 6449-64495 }\n' + ruleWith("true")));
    expect(uneven.message).toBe("the ends of code range `6449-64495` have different lengths");
  });
});
