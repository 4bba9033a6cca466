/**
 * The auditor's package from the console in real headless Chromium (issue 22 item 6): on Exports
 * the auditor clicks "Préparer le dossier de révision", sees the progress bar while the job runs,
 * then downloads the zip through the link and opens it: its index lists the year's invoice and
 * receipt, each file present. The délégation does not see the button.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { ADDRESS, checkout, pay } from "./support/giving.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
const INVOICE = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% facture F-CONSOLE-1\n%%EOF\n");

let stack: TestStack;
let browser: Browser;
let year: number;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: "912345678", CHECKOUT_IP_BURST: "100", CHECKOUT_IP_PER_MINUTE: "1000" });
  // This year (the console's default): an expense with its invoice, a gift with its receipt.
  const years = (await (await stack.call("GET", "/v1/ledger/years", { role: "auditor" })).json()) as { items: Array<{ year: number }> };
  year = Math.max(...years.items.map((y) => y.year).filter((y) => y <= new Date().getUTCFullYear()));
  const res = await stack.call("POST", "/v1/expenses", {
    body: { date: `${year}-01-15`, supplier: "Papeterie Moderne", account: "606", amount: 3_480, label: "Fournitures", pieceRef: "F-CONSOLE-1" },
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const token = await stack.identity.token("tresorier");
  const up = await fetch(`${stack.url}/v1/expenses/${id}/invoice`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/pdf" },
    body: INVOICE,
  });
  expect(up.status).toBe(200);
  const { sessionId } = await checkout(stack, {
    amount: 3000,
    frequency: "once",
    donor: { email: "dossier@example.org", firstName: "Inès", lastName: "Dossier", address: ADDRESS },
  });
  await pay(stack, sessionId, `${year}-01-20T10:00:00Z`);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(role: "auditor" | "delegation", viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris", acceptDownloads: true });
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (err) => pageErrors.push(`${role}: ${err.message}`));
  await page.goto(`${stack.url}/console/`);
  await page.getByLabel(role === "auditor" ? "Auditeur (commissaire aux comptes)" : /Délégation/).check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  await page.goto(`${stack.url}/console/#/exports`);
  await page.getByRole("heading", { level: 1, name: "Exports" }).waitFor();
  return page;
}

describe("the dossier de révision in the console", () => {
  it("the auditor asks for it, follows the progress bar, downloads the zip and opens it", { timeout: 240_000 }, async () => {
    const page = await signIn("auditor");
    mkdirSync(SCREENS, { recursive: true });
    const card = page.locator("section.audit-package");
    await card.getByRole("button", { name: `Préparer le dossier de révision ${year}` }).click();
    // Progress while the job runs: a bar and how many files are written.
    const bar = card.getByRole("progressbar");
    await bar.waitFor();
    await expect
      .poll(
        async () =>
          (await card
            .locator(".job-progress")
            .textContent()
            .catch(() => "")) ?? "",
        { timeout: 60_000, interval: 100 },
      )
      .toMatch(/Préparation : \d+ fichiers? sur \d+/);
    expect(Number(await bar.getAttribute("max"))).toBeGreaterThan(5);
    await page.screenshot({ path: join(SCREENS, "exports-audit-package-progress.png") });
    const link = card.getByRole("link", { name: /Télécharger dossier-revision-\d{4}\.zip/ });
    await link.waitFor({ timeout: 180_000 });
    await page.screenshot({ path: join(SCREENS, "exports-audit-package-ready.png"), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(`dossier-revision-${year}.zip`);
    const zip = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
    const index = strFromU8(zip["index.csv"]!)
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n")
      .map((l) => l.split(";"));
    const invoice = index.find((r) => r[1] === "Facture" && r[4] === "F-CONSOLE-1")!;
    expect(invoice, "the invoice's line").toBeDefined();
    expect(invoice[2]).toMatch(/^[A-Z]{2}\d{6}$/);
    expect(Buffer.from(zip[invoice[0]!]!).equals(INVOICE)).toBe(true);
    const receipt = index.find((r) => r[1] === "Reçu fiscal")!;
    expect(receipt, "the receipt's line").toBeDefined();
    expect(zip[receipt[0]!]!.length).toBeGreaterThan(1000);
    for (const r of index.slice(1)) if (r[0]) expect(zip[r[0]], r[0]).toBeDefined();
    expect(Object.keys(zip)).toContain(`912345678FEC${year}1231.txt`);
    expect(pageErrors).toEqual([]);
  });

  it("on a phone the card and its progress fit the screen", { timeout: 120_000 }, async () => {
    const page = await signIn("auditor", { width: 390, height: 844 });
    const card = page.locator("section.audit-package");
    await card.getByRole("button", { name: /Préparer le dossier de révision/ }).click();
    await card.getByRole("link", { name: /Télécharger dossier-revision/ }).waitFor({ timeout: 100_000 });
    await page.screenshot({ path: join(SCREENS, "exports-audit-package-phone.png"), fullPage: true });
    const box = (await card.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  });

  it("the délégation does not see the dossier de révision", { timeout: 60_000 }, async () => {
    const page = await signIn("delegation");
    await page.getByRole("heading", { name: "Fichier des écritures comptables (FEC)" }).waitFor();
    expect(await page.locator("section.audit-package").count()).toBe(0);
  });
});
