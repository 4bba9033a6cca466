/**
 * « Déclaration des reçus (art. 222 bis) » on « Dons et adhésions » › « Reçus fiscaux », in real
 * headless Chromium against a local stack: the trésorier marks a past year filed (confirmed, with the
 * date of filing) and sees the frozen figures beside the current ones; after a refund the current
 * ones move and one sentence says why they differ; the auditor reads the card with no button.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { ADDRESS, chargeOf, dev, stripeApi } from "./support/giving.js";
import { firstRunChecked } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";
import { frenchProblem, type Problem } from "../web/console/src/problems.js";

const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
const ENV = { CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000", CHECKOUT_GLOBAL_BURST: "1000" };
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const past = Number(today.slice(0, 4)) - 1;
const fr = (iso: string) => iso.replace(/^(\d{4})-(\d{2})-(\d{2})$/, "$3/$2/$1");

let stack: TestStack;
let browser: Browser;
let first: string;
const pageErrors: string[] = [];

async function give(amount: number, email: string, at: string) {
  const res = await stack.call("POST", "/v1/public/donations/checkout", {
    role: null,
    body: { amount, frequency: "once", donor: { email, firstName: "Dona", lastName: "Teur", address: ADDRESS } },
  });
  expect(res.status).toBe(201);
  const { sessionId } = (await res.json()) as { sessionId: string };
  await dev(stack, `/__dev/checkout/sessions/${sessionId}/complete`, { at });
  return sessionId;
}
const declaration = async () => (await (await stack.call("GET", `/v1/receipts/declarations/${past}`)).json()) as Record<string, any>;

beforeAll(async () => {
  stack = await startTestStack(ENV);
  first = await give(5000, "a@example.org", `${past}-02-01T10:00:00Z`);
  await give(3000, "b@example.org", `${past}-06-01T10:00:00Z`);
  for (let i = 0; i < 150 && (await declaration()).current.count < 2; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await declaration()).current.count).toBe(2);
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(role: "tresorier" | "auditor", width = 1280, height = 800): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${stack.url}/console/`);
  await page.getByRole("heading", { level: 1, name: "Connexion à la console" }).waitFor();
  await page.getByLabel(role === "tresorier" ? "Trésorier" : "Auditeur (commissaire aux comptes)").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  // The first-run check may send a new stack to « Paramètres » once: let it answer first.
  await firstRunChecked(page);
  await page.evaluate(`location.hash = "#/dons/recus"`);
  await page.getByRole("heading", { level: 1, name: "Reçus fiscaux" }).waitFor();
  await page.locator("#giving-year").selectOption(String(past));
  return page;
}
const card = (page: Page) => page.getByRole("region", { name: "Déclaration des reçus (art. 222 bis)" });

describe("Déclaration des reçus (art. 222 bis)", () => {
  it("the auditor reads the card of a past year not yet filed, with no button (the trésorier has one)", async () => {
    const page = await signIn("auditor", 390, 844);
    const c = card(page);
    await expect.poll(() => c.locator("dl.figures").innerText()).toMatch(/à déclarer/);
    expect(await page.getByRole("button", { name: "Marquer comme déclarée" }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENS, "giving-declaration-auditor-phone.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("the trésorier marks a past year filed, with its date, and sees the frozen figures beside the current ones", async () => {
    const page = await signIn("tresorier");
    const c = card(page);
    await c.getByText(`Année civile du 01/01/${past} au 31/12/${past}`).waitFor();
    await c.getByText(`mai ${past + 1}`).waitFor();
    await expect.poll(() => c.locator("dl.figures").innerText()).toMatch(/2\s+Montant des dons\s+80,00\s*€/);

    await c.getByRole("button", { name: "Marquer comme déclarée" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(/2 reçus pour 80,00/).waitFor();
    const filedOn = `${past + 1}-05-04`;
    await dialog.getByLabel("Date du dépôt").fill(filedOn);
    await dialog.getByRole("button", { name: "Marquer comme déclarée" }).click();
    await c.getByText(`Déclaration ${past} enregistrée comme déposée le ${fr(filedOn)}.`).waitFor();
    await c.getByRole("columnheader", { name: `Déclarés le ${fr(filedOn)}` }).waitFor();
    await expect.poll(() => c.getByRole("row", { name: /Montant des dons/ }).innerText()).toMatch(/80,00\s*€\s+80,00\s*€/);
    await c.getByText(/Les chiffres actuels sont ceux déclarés/).waitFor();
    expect(await c.getByRole("button", { name: "Marquer comme déclarée" }).count()).toBe(0);
    const d = await declaration();
    expect(d.filed).toMatchObject({ count: 2, total: 8000, filedOn, filedBy: { role: "tresorier" } });

    // A refund after the filing: the current figures move, the filed ones stay, one sentence says why.
    const charge = await chargeOf(stack, first);
    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id, amount: "1000" });
    await expect.poll(async () => (await declaration()).current.total, { timeout: 15_000 }).toBe(7000);
    // Another year, then this one again: the card reads the declaration anew.
    await page.locator("#giving-year").selectOption(String(past + 1));
    await card(page)
      .getByText(`Année civile du 01/01/${past + 1}`)
      .waitFor();
    await page.locator("#giving-year").selectOption(String(past));
    await expect
      .poll(() =>
        card(page)
          .getByRole("row", { name: /Montant des dons/ })
          .innerText(),
      )
      .toMatch(/80,00\s*€\s+70,00\s*€/);
    await card(page)
      .getByText(new RegExp(`Depuis le dépôt du ${fr(filedOn)}, des reçus ont été annulés ou remplacés \\(−10,00\\s*€\\)`))
      .waitFor();
    await page.screenshot({ path: join(SCREENS, "giving-declaration-filed.png"), fullPage: true });
    // A second filing is refused; the console says so with the dates in French.
    const again = await stack.call("POST", `/v1/receipts/declarations/${past}/filing`, { body: {} });
    expect(again.status).toBe(409);
    expect(frenchProblem((await again.json()) as Problem).detail).toBe(
      `La déclaration ${past} est déjà enregistrée comme déposée le ${fr(filedOn)} : ses chiffres restent ceux déposés.`,
    );
    const early = await stack.call("POST", `/v1/receipts/declarations/${past + 1}/filing`, { body: {} });
    expect(frenchProblem((await early.json()) as Problem).detail).toBe(
      `La période du 01/01/${past + 1} au 31/12/${past + 1} n'est pas terminée : la déclaration se dépose après sa fin.`,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENS, "giving-declaration-filed-phone.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
