/**
 * The grant's « Corriger » screen in real headless Chromium (issue 19 item 10): a payment is asked
 * for confirmation before it is booked (cancelled: nothing written); « Corriger » on the grant opens
 * its correction with its payments (each with « Corriger ») and its history; an amendment and a
 * repayment of the unspent funds, each confirmed, are written and shown in the history.
 * A screenshot at 1280×800 goes to /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { firstRunChecked } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";
import { launchChromium } from "./support/chromium.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const thisYear = Number(today.slice(0, 4));

let stack: TestStack;
let browser: Browser;
let grantId: string;
const pageErrors: string[] = [];

type Json = Record<string, any>;
async function post(path: string, body: unknown) {
  const res = await stack.call("POST", path, { body });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return (await res.json()) as Json;
}
const grant = async () => (await (await stack.call("GET", `/v1/grants/${grantId}`, { role: "auditor" })).json()) as Json;

beforeAll(async () => {
  stack = await startTestStack();
  const funder = await post("/v1/funders", { name: "Région Occitanie", kind: "public", incomeAccount: "742" });
  const g = await post("/v1/grants", {
    funderId: funder.id,
    title: "Ateliers numériques",
    agreementDate: `${thisYear}-01-15`,
    amount: 1_000_000,
    restricted: true,
    startDate: `${thisYear}-01-01`,
    endDate: `${thisYear}-12-31`,
    installments: [
      { dueDate: `${thisYear}-02-01`, amount: 500_000 },
      { dueDate: `${thisYear}-11-30`, amount: 500_000 },
    ],
  });
  grantId = g.id;
  await post(`/v1/grants/${grantId}/payments`, { date: `${thisYear}-02-10`, amount: 500_000 });
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${stack.url}/console/`);
  await page.getByRole("heading", { level: 1, name: "Connexion à la console" }).waitFor();
  await page.getByLabel("Trésorier").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  // The first-run check may send a new stack to « Paramètres » once: let it answer first.
  await firstRunChecked(page);
  return page;
}

async function go(page: Page, hash: string, heading: string) {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${hash}`)}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await poll(() => page.locator(".loading").count()).toBe(0);
}

it("a payment is confirmed before it is booked; « Corriger » amends the grant and gives back unspent funds, each confirmed, in the grant's history", async () => {
  const page = await signIn();
  await go(page, "subventions/conventions", "Subventions");

  // The payment: cancelled at the confirmation, nothing is written; confirmed, it is.
  await page.getByRole("button", { name: /^Encaisser/ }).click();
  await page.getByLabel("Montant reçu (€)").fill("5000");
  await page.getByRole("button", { name: "Enregistrer le versement" }).click();
  const ask = page.getByRole("dialog", { name: "Enregistrer ce versement ?" });
  await ask.waitFor();
  await expect(ask.textContent()).resolves.toMatch(/ne pourra pas être supprimé/);
  await ask.getByRole("button", { name: "Annuler" }).click();
  await poll(() => ask.count()).toBe(0);
  expect((await grant()).received).toBe(500_000);
  await page.getByRole("button", { name: "Enregistrer le versement" }).click();
  await page.getByRole("dialog", { name: "Enregistrer ce versement ?" }).getByRole("button", { name: "Enregistrer le versement" }).click();
  await page.getByText(/Versement de 5\s000,00\s€ enregistré/).waitFor();
  await poll(async () => (await grant()).received).toBe(1_000_000);

  // « Corriger » on the grant: its figures, its payments (each with « Corriger »), its history.
  await page.getByRole("button", { name: /^Corriger la subvention Ateliers numériques/ }).click();
  const panel = page.getByRole("region", { name: /Corriger la subvention « Ateliers numériques »/ });
  await panel.waitFor();
  await poll(() => panel.getByRole("button", { name: /^Corriger le versement du/ }).count()).toBe(2);
  await expect(panel.textContent()).resolves.toMatch(/Aucune correction/);

  // An amendment to 12 000 €, confirmed.
  await panel.getByLabel("Avenant").check();
  await panel.getByLabel("Nouveau montant accordé (€)").fill("12000");
  await panel.getByLabel("Motif").fill("Avenant n°1 : un atelier de plus");
  await panel.getByRole("button", { name: "Enregistrer la correction" }).click();
  const confirmAmend = page.getByRole("dialog", { name: /Avenant — Ateliers numériques/ });
  await confirmAmend.waitFor();
  await expect(confirmAmend.textContent()).resolves.toMatch(/ne s'efface pas/);
  await confirmAmend.getByRole("button", { name: "Enregistrer la correction" }).click();
  await panel.getByText(/Avenant enregistré/).waitFor();
  await poll(async () => (await grant()).amount).toBe(1_200_000);
  await poll(() => panel.getByText(/« Avenant n°1 : un atelier de plus »/).count()).toBe(1);

  // A repayment of part of the unspent funds, confirmed.
  await panel.getByLabel("Remboursement au financeur").check();
  await panel.getByLabel("Montant rendu (€)").fill("1000");
  await panel.getByLabel("Motif").fill("Reliquat demandé par la Région");
  await panel.getByRole("button", { name: "Enregistrer la correction" }).click();
  await page
    .getByRole("dialog", { name: /Remboursement au financeur/ })
    .getByRole("button", { name: "Enregistrer la correction" })
    .click();
  await panel.getByText(/Remboursement au financeur enregistré/).waitFor();
  const after = await grant();
  expect(after).toMatchObject({ repaid: 100_000 });
  expect(after.corrections.map((c: Json) => [c.kind, c.reason, c.by?.role])).toEqual([
    ["amendment", "Avenant n°1 : un atelier de plus", "tresorier"],
    ["repayment", "Reliquat demandé par la Région", "tresorier"],
  ]);
  await poll(() => panel.locator("ol li").count()).toBe(2);
  await page.screenshot({ path: join(SCREENS, "grant-correction.png"), fullPage: true });

  // The link from elsewhere (the ledger) opens the same correction; from the fonds dédiés, ready to repay what is unspent.
  await go(page, `subventions/corriger/${grantId}`, "Subventions");
  await page.getByRole("region", { name: /Corriger la subvention « Ateliers numériques »/ }).waitFor();
  await go(page, `subventions/corriger/${grantId}/rembourser`, "Subventions");
  const repayPanel = page.getByRole("region", { name: /Corriger la subvention « Ateliers numériques »/ });
  await repayPanel.waitFor();
  await poll(() => repayPanel.getByLabel("Remboursement au financeur").isChecked()).toBe(true);
  await poll(() => repayPanel.getByLabel("Montant rendu (€)").inputValue()).toBe(String(after.unspentRestricted / 100));

  // « Corriger » on the grant's entries in the ledger opens this grant's correction.
  await go(page, "comptabilite/ecritures", "Écritures");
  await poll(() => page.locator(`a[href="#/subventions/corriger/${grantId}"]`).count()).toBeGreaterThan(0);
  await page.locator(`a[href="#/subventions/corriger/${grantId}"]`).first().click();
  await page.getByRole("region", { name: /Corriger la subvention « Ateliers numériques »/ }).waitFor();
  expect(pageErrors).toEqual([]);
}, 180_000);
