// The policy information of a rule table made in a test: in effect through 2025.

import type { PolicyInfo } from "@pol/runtime";

export function syntheticPolicy(id: string, title: string): PolicyInfo {
  return {
    id,
    title,
    payer: "Test",
    number: "0",
    version: "1",
    effective: "2025-01-01",
    expires: "2025-12-31",
    source: `${id}.pol`,
    sourceHash: "0",
  };
}
