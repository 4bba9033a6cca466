/**
 * « Bénévolat » in real headless Chromium against a local stack: the trésorier books this month's
 * volunteer hours at the settings' rate and a gift in kind, sees them listed with their totals, and
 * cancels the hours with a reason (an entry reverses them).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { firstRunChecked } from "./support/console.js";
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
  const project = await stack.call("POST", "/v1/projects", { body: { code: "JARDIN", name: "Jardins partagés" } });
  expect(project.status, await project.clone().text()).toBe(201);
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
  // The first-run check may send a new stack to « Paramètres » once: let it answer first.
  await firstRunChecked(page);
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

  it("bug: the project was a code typed by hand — it is picked by name (« Aucun projet » by default) for hours and gifts, and the lists name it", async () => {
    const page = await signIn();
    await page.evaluate(`location.hash = "#/benevolat"`);
    await page.getByRole("heading", { level: 1, name: "Bénévolat" }).waitFor();
    await page.getByText(/Une heure est valorisée 12,02/).waitFor();
    for (const id of ["#cvn-project", "#gik-project"]) {
      const select = page.locator(id);
      expect(await select.evaluate((e) => (e as unknown as { tagName: string }).tagName)).toBe("SELECT");
      await poll(() => select.locator("option").allTextContents()).toEqual(["Aucun projet", "Jardins partagés"]);
    }

    await page.getByLabel("Mois").fill(month);
    await page.getByLabel("Heures", { exact: true }).fill("4");
    await page.getByLabel("Activité").fill("Bêchage des parcelles");
    await page.locator("#cvn-project").selectOption({ label: "Jardins partagés" });
    await page.getByRole("button", { name: "Comptabiliser les heures" }).click();
    const hoursRow = page.getByRole("row", { name: /Bêchage des parcelles/ });
    await hoursRow.waitFor();
    expect(await hoursRow.textContent()).toContain("Jardins partagés");
    expect(await hoursRow.textContent()).not.toContain("JARDIN");

    await page.getByLabel("Date de réception").fill(today);
    await page.getByLabel("Description").fill("Graines offertes");
    await page.getByLabel("Valeur (€)").fill("40");
    await page.locator("#gik-project").selectOption({ label: "Jardins partagés" });
    await page.getByRole("button", { name: "Comptabiliser le don" }).click();
    const giftRow = page.getByRole("row", { name: /Graines offertes/ });
    await giftRow.waitFor();
    await page.getByRole("columnheader", { name: "Projet" }).nth(1).waitFor();
    expect(await giftRow.getByRole("cell", { name: "Jardins partagés", exact: true }).count()).toBe(1);

    const year = Number(today.slice(0, 4));
    const hours = (await (await stack.call("GET", `/v1/volunteer-time?year=${year}`)).json()) as { items: { label: string; project: string | null }[] };
    expect(hours.items.find((i) => i.label === "Bêchage des parcelles")?.project).toBe("JARDIN");
    const gifts = (await (await stack.call("GET", `/v1/gifts-in-kind?year=${year}`)).json()) as { items: { label: string; project: string | null }[] };
    expect(gifts.items.find((i) => i.label === "Graines offertes")?.project).toBe("JARDIN");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("bug: a rate typed but unreadable (« 12 €/h ») was dropped and the settings' rate used — it is refused beside the field, nothing sent", async () => {
    const page = await signIn();
    await page.evaluate(`location.hash = "#/benevolat"`);
    await page.getByRole("heading", { level: 1, name: "Bénévolat" }).waitFor();
    await page.getByText(/Une heure est valorisée 12,02/).waitFor();
    const year = Number(today.slice(0, 4));
    const count = async () => ((await (await stack.call("GET", `/v1/volunteer-time?year=${year}`)).json()) as { items: unknown[] }).items.length;
    const before = await count();
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/v1/volunteer-time")) posts.push(r.url());
    });

    await page.getByLabel("Mois").fill(month);
    await page.getByLabel("Heures", { exact: true }).fill("3");
    await page.getByLabel("Activité").fill("Tenue du stand");
    await page.getByLabel("Taux horaire (€, facultatif)").fill("12 €/h");
    await page.getByRole("button", { name: "Comptabiliser les heures" }).click();
    const error = page.locator("#cvn-rate-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("Taux horaire illisible");
    expect(await page.locator("#cvn-rate").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#cvn-rate").getAttribute("aria-describedby")).toBe("cvn-rate-error");
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);
    expect(await count()).toBe(before);

    // Corrected, it is sent with that rate.
    await page.getByLabel("Taux horaire (€, facultatif)").fill("15");
    expect(await error.count()).toBe(0);
    await page.getByRole("button", { name: "Comptabiliser les heures" }).click();
    await page.getByText(/3 h de .* comptabilisées pour 45,00/).waitFor();
    expect(await count()).toBe(before + 1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
