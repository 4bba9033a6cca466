/**
 * « Bénévolat » in real headless Chromium against a local stack: the trésorier books this month's
 * volunteer hours at the settings' rate and a gift in kind, sees them listed with their totals, and
 * cancels the hours with a reason (an entry reverses them).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const month = today.slice(0, 7);

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  const put = await stack.call("PUT", "/v1/settings/volunteers", {
    body: { hourlyRate: 1202, headcount: 110, method: "SMIC horaire brut" },
    headers: { "if-match": "0" },
  });
  expect(put.status).toBe(200);
  browser = await launchChromium();
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
  await page.waitForLoadState("networkidle");
  const hashIs = (want: string) => (globalThis as unknown as { location: { hash: string } }).location.hash === want;
  await page.waitForFunction(hashIs, "#/parametres", { timeout: 5_000 }).catch(() => undefined);
  return page;
}

describe("Bénévolat", () => {
  it("books a month's hours and a gift in kind, lists them, and cancels the hours with a reason", async () => {
    const page = await signIn();
    await page.evaluate(`location.hash = "#/benevolat"`);
    await page.getByRole("heading", { level: 1, name: "Bénévolat" }).waitFor();
    await page.getByText(/Une heure est valorisée 12,02/).waitFor();

    await page.getByLabel("Mois").fill(month);
    await page.getByLabel("Heures", { exact: true }).fill("10");
    await page.getByLabel("Activité").fill("Accueil du public");
    await page.getByRole("button", { name: "Comptabiliser les heures" }).click();
    await page.getByText(/10 h de .* comptabilisées pour 120,20/).waitFor();
    await poll(() => page.getByRole("row", { name: /Accueil du public/ }).count()).toBe(1);

    await page.getByLabel("Date de réception").fill(today);
    await page.getByLabel("Nature", { exact: true }).selectOption("mise-a-disposition");
    await page.getByLabel("Description").fill("Salle prêtée par la mairie");
    await page.getByLabel("Valeur (€)").fill("350");
    await page.getByRole("button", { name: "Comptabiliser le don" }).click();
    await poll(() => page.getByRole("row", { name: /Salle prêtée par la mairie/ }).count()).toBe(1);

    await page
      .getByRole("row", { name: /Accueil du public/ })
      .getByRole("button", { name: "Annuler" })
      .click();
    await page.getByRole("dialog").getByLabel("Motif").fill("heures comptées deux fois");
    await page.getByRole("button", { name: "Annuler l'enregistrement" }).click();
    await page.getByText(/Annulé le .* heures comptées deux fois/).waitFor();

    const year = Number(today.slice(0, 4));
    const list = (await (await stack.call("GET", `/v1/volunteer-time?year=${year}`)).json()) as { totals: { amount: number }; items: { status: string }[] };
    expect(list.items.map((i) => i.status)).toEqual(["reversed"]);
    expect(list.totals.amount).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
