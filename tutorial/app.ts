// Calls the evaluator that `pol compile tutorial --out tutorial/compiled` generated from
// lumbar-mri.pol. `Case` is the typed case: a misspelled field or a wrong enum member is a
// TypeScript error here, long before a request reaches the evaluator. `evaluate` validates its
// input first, so the same call is safe on JSON straight from a request.
import { evaluate, type Case } from "./compiled/acme-lumbar-mri.js";

const request: Case = {
  date_of_service: "2025-03-03",
  items: [{ code: "72148" }],
  pain_onset: "2025-01-06",
  therapies: [{ kind: "physical_therapy", start: "2025-01-13", end: "2025-02-24" }],
  studies: [],
};

// The same request before the therapy notes arrived: the onset date and therapies are unknown.
const incomplete: Case = { date_of_service: "2025-03-03", items: [{ code: "72148" }], studies: [] };

for (const input of [request, incomplete]) {
  const result = evaluate(input);
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join("\n"));
  for (const item of result.determination.items) {
    console.log(`${item.code}: ${item.outcome}`);
    for (const missing of item.missing) console.log(`  needs ${missing.label} (${missing.fact})`);
  }
}
