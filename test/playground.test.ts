// The playground in a real browser (Debian's `chromium`, driven by playwright-core): it loads
// with the seed policy and its reference case, a changed threshold changes the determination, an
// error is underlined, an invalid case is marked at its JSON path, a shared link opens the same
// policy and case, and the generated TypeScript is the committed evaluator. Screenshots go to
// artifacts/playground/. Without chromium this suite fails, saying how to install it.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const DIST = join(ROOT, "playground/dist");
const SHOTS = join(ROOT, "artifacts/playground");
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".map": "application/json" };

/** Where chromium is: POL_CHROMIUM, else the first of the usual names on the PATH. */
function findChromium(): string {
  const named = process.env["POL_CHROMIUM"];
  if (named) return named;
  for (const name of ["chromium", "chromium-browser"]) {
    const which = spawnSync("which", [name], { encoding: "utf8" });
    if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  }
  throw new Error(
    "the browser tests need Debian's chromium, and none is installed: run `apt-get install -y chromium` " +
      "(.ci/run installs it), or set POL_CHROMIUM to a Chromium executable",
  );
}

let server: Server;
let base: string;
let browser: Browser;

async function openPage(url = base): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  expect(errors).toEqual([]);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

/** Selects `text` (its `nth` occurrence) in an editor and types `replacement` over it, as a user would. */
async function typeOver(page: Page, editor: "policyView" | "caseView", text: string, replacement: string, nth = 0): Promise<void> {
  await page.evaluate(
    ({ editor, text, nth }) => {
      const view = (window as unknown as { playground: Record<string, { state: { doc: { toString(): string } }; dispatch(spec: unknown): void; focus(): void }> }).playground[editor]!;
      let from = -1;
      for (let i = 0; i <= nth; i++) from = view.state.doc.toString().indexOf(text, from + 1);
      if (from < 0) throw new Error(`no \`${text}\` in the editor`);
      view.focus();
      view.dispatch({ selection: { anchor: from, head: from + text.length }, scrollIntoView: true });
    },
    { editor, text, nth },
  );
  await page.keyboard.type(replacement);
}

const outcomes = (page: Page) => page.locator("#outcomes").textContent();
const policyText = (page: Page) =>
  page.evaluate(() => (window as unknown as { playground: { policyView: { state: { doc: { toString(): string } } } } }).playground.policyView.state.doc.toString());

beforeAll(async () => {
  const executablePath = findChromium();
  execFileSync(process.execPath, [join(ROOT, "playground/build.mjs")], { stdio: "pipe" });
  mkdirSync(SHOTS, { recursive: true });
  server = createServer((request, response) => {
    const path = normalize(join(DIST, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)));
    const file = path.endsWith("/") ? join(path, "index.html") : path;
    if (!file.startsWith(DIST) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server?.close(done));
});

describe("the playground in chromium", () => {
  it("opens with the TrueCare policy and its first reference case decided", async () => {
    const page = await openPage();
    expect(await page.locator("#policy-select option").allTextContents()).toEqual([
      "TrueCare MM-1463: sacroiliac joint procedures",
      "Cigna 0139: trigger point injections",
    ]);
    expect(await page.locator("#case-select option").count()).toBeGreaterThan(3);
    expect(await page.locator("#policy-status").textContent()).toBe("policy: no errors");
    expect(await outcomes(page)).toBe("27096: denied, 20553: no_applicable_policy");
    expect(await page.locator("#letter").textContent()).toContain("[D.I.B.1] the previous injection of this joint gave at least 75% pain relief — not met");
    // Highlighting comes from the compiler's lexer.
    expect(await page.locator("#policy-editor .pol-keyword").first().textContent()).toBe("policy");
    expect(await page.locator("#policy-editor .pol-string").count()).toBeGreaterThan(3);
    expect(await page.locator("#policy-editor .pol-comment").count()).toBeGreaterThan(3);
    await shot(page, "01-loaded");
    await page.close();
  });

  it("decides the case again when a threshold changes", async () => {
    const page = await openPage();
    // B1: the previous injection gave at least 75% relief; the case documents 60%.
    await typeOver(page, "policyView", ">= 75%", ">= 50%", 1);
    expect(await policyText(page)).toContain("last_sij_same_joint.relief >= 50%");
    await expect.poll(() => outcomes(page), { timeout: 10_000 }).toBe("27096: pended, 20553: no_applicable_policy");
    await page.click("#tab-tree");
    const b1 = page.locator('.criterion[data-criterion="B1_relief"]');
    expect(await b1.getAttribute("data-status")).toBe("met");
    await shot(page, "02-threshold-changed-tree");
    await page.click("#tab-letter");
    expect(await page.locator("#letter").textContent()).toContain("PENDED for documentation");
    await shot(page, "03-threshold-changed-letter");
    await page.close();
  });

  it("underlines an error as it is typed, with the message of `pol check`", async () => {
    const page = await openPage();
    await typeOver(page, "policyView", "last_sij_same_joint.relief >= 75%", "last_sij_same_joint.releif >= 75%");
    const underline = page.locator("#policy-editor .cm-lintRange-error");
    // Checks run while the text is typed; the last one, of the whole text, is what counts.
    await expect.poll(() => underline.allTextContents(), { timeout: 10_000 }).toEqual(["releif"]);
    await expect.poll(() => page.locator("#policy-status").textContent(), { timeout: 10_000 }).toBe("policy: 1 problem");
    // The line of TrueCare's B1_relief condition, wherever edits to the policy have moved it.
    const line = readFileSync(join(ROOT, "policies/truecare/sacroiliac-joint-procedures.pol"), "utf8")
      .split("\n")
      .findIndex((text) => text.includes("last_sij_same_joint.relief >= 75%"));
    expect(await page.locator("#problems li").first().textContent()).toMatch(
      new RegExp(`^POL2002 ${line + 1}:25 .*releif.*\\(help: did you mean \`relief\`\\?\\)$`),
    );
    expect(await page.locator("#output").getAttribute("data-state")).toBe("policy-errors");
    await underline.first().hover();
    await page.locator(".cm-tooltip-lint").waitFor({ timeout: 5_000 });
    await shot(page, "04-error-underlined");
    await page.close();
  });

  it("marks an invalid case at the JSON path of each error", async () => {
    const page = await openPage();
    await typeOver(page, "caseView", '"relief": 60', '"relief": "sixty"');
    const underline = page.locator("#case-editor .cm-lintRange-error");
    await expect.poll(() => underline.allTextContents(), { timeout: 10_000 }).toEqual(['"sixty"']);
    expect(await page.locator("#case-status").textContent()).toMatch(/^procedures\[0\]\.relief: /);
    expect(await outcomes(page)).toBe("");
    await shot(page, "05-case-invalid-value");
    await typeOver(page, "caseView", '"date_of_service": "2025-09-15",', '"date_of_service": "2025-09-15"');
    await expect.poll(() => page.locator("#case-status").textContent(), { timeout: 10_000 }).toMatch(/^invalid JSON: /);
    await shot(page, "06-case-invalid-json");
    await page.close();
  });

  it("opens a shared link with the same policy, case and determination", async () => {
    const page = await openPage();
    await typeOver(page, "policyView", ">= 75%", ">= 50%", 1);
    await expect.poll(() => outcomes(page), { timeout: 10_000 }).toBe("27096: pended, 20553: no_applicable_policy");
    await page.selectOption("#case-select", { index: 1 });
    await expect.poll(() => outcomes(page), { timeout: 10_000 }).not.toBe("27096: pended, 20553: no_applicable_policy");
    const expected = { outcomes: await outcomes(page), policy: await policyText(page), letter: await page.locator("#letter").textContent() };
    await page.click("#share-button");
    await expect.poll(() => page.locator("#share-url").inputValue(), { timeout: 10_000 }).toMatch(/#v1\.[A-Za-z0-9_-]+$/);
    const url = await page.locator("#share-url").inputValue();
    await page.close();

    const shared = await openPage(url);
    expect(await shared.locator("#share-note").textContent()).toBe("opened from a shared link");
    expect(await policyText(shared)).toBe(expected.policy);
    expect(await outcomes(shared)).toBe(expected.outcomes);
    expect(await shared.locator("#letter").textContent()).toBe(expected.letter);
    await shot(shared, "07-shared-link");
    await shared.close();

    const damaged = await openPage(url.slice(0, -12) + "AAAA");
    expect(await damaged.locator("#share-note").textContent()).toContain("this link is damaged");
    await damaged.close();
  });

  it("shows the generated TypeScript, the committed evaluator byte for byte", async () => {
    const page = await openPage();
    await page.click("#tab-typescript");
    await expect.poll(() => page.locator("#module-select").inputValue(), { timeout: 60_000 }).toBe("truecare-sij.ts");
    const text = await page.evaluate(() =>
      (window as unknown as { playground: { typescriptView: { state: { doc: { toString(): string } } } } }).playground.typescriptView.state.doc.toString(),
    );
    expect(text).toBe(readFileSync(join(ROOT, "compiled/truecare-sij.ts"), "utf8"));
    // Let the editor finish highlighting the module before the picture.
    await page.waitForTimeout(1500);
    await shot(page, "08-typescript");
    await page.selectOption("#policy-select", "cigna");
    await expect.poll(() => page.locator("#module-select").inputValue(), { timeout: 60_000 }).toBe("cigna-tpi.ts");
    expect(await page.locator("#policy-status").textContent()).toBe("policy: no errors");
    await page.close();
  });
});
