// Golden diagnostics of the policy analysis (POL5xxx): each test/golden/analysis/<CODE>-<name>.pol
// is verified (`pol verify`), or, when a sibling `<CODE>-<name>.old.pol` exists, diffed against it
// (`pol diff`), or for POL503x given to `pol test --generate`, and the diagnostics on the file
// rendered into the sibling .errors.txt. A file named
// `-satisfied` satisfies the property its code reports and must not show it. Run with
// UPDATE_BASELINES=1 to accept new output. Lists of one element keep the solver quick.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkFile } from "../src/check/checker.js";
import { renderBaseline, type Diagnostic } from "../src/diagnostics.js";
import { diffVersions, verify } from "../src/tools/versions/diff.js";
import { generateForPolicy } from "../src/tools/versions/generate.js";
import { releaseZ3 } from "../src/tools/versions/solver.js";

const DIR = "test/golden/analysis";
const update = process.env.UPDATE_BASELINES === "1";

const goldens = readdirSync(DIR)
  .filter((name) => name.endsWith(".pol") && !name.endsWith(".old.pol"))
  .sort();

function policy(path: string) {
  const checked = checkFile(path);
  expect(checked.diagnostics, path).toEqual([]);
  return checked.policy!;
}

afterAll(async () => {
  await releaseZ3();
});

async function diagnosticsOf(name: string): Promise<Diagnostic[]> {
  const path = join(DIR, name);
  const old = path.replace(/\.pol$/, ".old.pol");
  // The timeout golden gives the solver one millisecond.
  const timeout = name.includes("timeout") ? 1 : 120_000;
  // Z3's timer can fire after an easy question is answered; a resource limit of 1 cannot.
  const semantic = { bounds: { list: 1, items: 1 }, timeout, minimizeBudget: 500, ...(name.includes("timeout") ? { rlimit: 1 } : {}) };
  // POL503x are the generated tests' diagnostics (`pol test --generate`).
  // Their timeouts are a resource limit, so the questions left undecided do not depend on the load.
  if (name.startsWith("POL503")) {
    const limits = name.includes("timeout") ? { timeout: 1, rlimit: 1 } : { timeout };
    return (await generateForPolicy(policy(path), { bounds: [{ list: 1, items: 0 }], ...limits })).diagnostics;
  }
  if (existsSync(old)) return (await diffVersions(policy(old), policy(path), { semantic })).diagnostics;
  return (await verify(policy(path), semantic)).findings.map((finding) => finding.diagnostic);
}

describe("golden analysis diagnostics", () => {
  for (const name of goldens) {
    it(
      name,
      async () => {
        const path = join(DIR, name);
        const own = (await diagnosticsOf(name)).filter((d) => d.span.file === path);
        const baseline = renderBaseline(readFileSync(path, "utf8"), own);
        const baselinePath = path.replace(/\.pol$/, ".errors.txt");
        if (update) writeFileSync(baselinePath, baseline);
        else {
          expect(existsSync(baselinePath), `${baselinePath} is missing: run with UPDATE_BASELINES=1`).toBe(true);
          expect(baseline).toBe(readFileSync(baselinePath, "utf8"));
        }
        const code = name.slice(0, "POLdddd".length);
        const codes = own.map((d) => d.code as string);
        if (name.includes("-satisfied")) expect(codes).not.toContain(code);
        else expect(codes).toContain(code);
      },
      300_000,
    );
  }
});
