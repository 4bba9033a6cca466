/**
 * The year end in the console, in real headless Chromium (issue 19 item 10): a trésorier opens the
 * closing of 2024 from the years, reads its checklist (a suspense account blocking, two warnings),
 * follows the link to fix the blocking point, accepts each warning with a comment, signs and closes;
 * the signed checklist and the procès-verbal are then offered. No future year is offered.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

async function post(date: string, label: string, lines: unknown[], journal = "OD") {
  const res = await stack.call("POST", "/v1/ledger/entries", { body: { journal, date, label, pieceRef: label.slice(0, 20), lines } });
  expect(res.status, await res.clone().text()).toBe(201);
}

beforeAll(async () => {
  stack = await startTestStack();
  await post(
    "2024-03-05",
    "Don de Jeanne Martin",
    [
      { account: "512", debit: 90000 },
      { account: "7541", credit: 90000 },
    ],
    "BQ",
  );
  await post("2024-06-10", "Virement reçu à identifier", [
    { account: "471", debit: 15000 },
    { account: "7541", credit: 15000 },
  ]);
  await post("2024-12-31", "Salaire de décembre", [
    { account: "641", debit: 40000 },
    { account: "421", credit: 40000 },
  ]);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(`${stack.url}/console/`);
  await page.getByLabel("Trésorier").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  return page;
}

const yearStatus = async (year: number) =>
  ((await (await stack.call("GET", "/v1/ledger/years")).json()) as { items: { year: number; status: string }[] }).items.find((y) => y.year === year)?.status;

describe("the trésorier closes a year from its checklist", () => {
  it("reads the checklist, fixes the blocking point, accepts each warning with a comment, then closes", { timeout: 180_000 }, async () => {
    const page = await signIn();
    await page.goto(`${stack.url}/console/#/comptabilite/exercices`);
    await page.getByRole("button", { name: "Clôturer 2024" }).click();
    await page.getByRole("heading", { level: 1, name: "Clôture de l'exercice" }).waitFor();
    await poll(() => page.url()).toContain("#/comptabilite/cloture/2024");

    // Any open year up to the current one; never a future one.
    const options = await page.getByLabel("Exercice").locator("option").allTextContents();
    const current = new Date().getFullYear();
    expect(options.map((o) => o.trim())).toEqual(expect.arrayContaining(["2024"]));
    expect(options.some((o) => o.startsWith(String(current + 1)))).toBe(false);

    const point = (title: string) => page.getByRole("listitem").filter({ hasText: title });
    await point("Comptes d'attente soldés").getByText("Bloquant").waitFor();
    await point("Dettes sociales et fiscales").getByText("À accepter").waitFor();
    const closeButton = page.getByRole("button", { name: "Clôturer l'exercice 2024" });
    expect(await closeButton.isDisabled()).toBe(true);

    // The blocking point's link leads where it is fixed.
    await point("Comptes d'attente soldés").getByRole("link", { name: "Passer l'écriture qui solde le compte d'attente" }).click();
    await page.getByRole("heading", { level: 1, name: "Saisir une écriture" }).waitFor();
    await post("2024-12-31", "Imputation du virement identifié", [
      { account: "7541", debit: 15000 },
      { account: "471", credit: 15000 },
    ]);
    await page.goto(`${stack.url}/console/#/comptabilite/cloture/2024`);
    await point("Comptes d'attente soldés").getByText("Conforme").waitFor();

    // Each warning is accepted with a comment; until then the close stays disabled.
    const boxes = page.getByLabel("Commentaire pour accepter ce point");
    const count = await boxes.count();
    expect(count).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < count; i++) {
      expect(await closeButton.isDisabled()).toBe(true);
      await boxes.nth(i).fill(i === 0 ? "Salaire de décembre payé le 6 janvier." : "Relevés vérifiés sur papier avec l'expert-comptable.");
    }
    await page.getByLabel("Signataire (nom et qualité)").fill("Marie Dupont, trésorière");
    await poll(() => closeButton.isDisabled()).toBe(false);
    await closeButton.click();
    const dialog = page.getByRole("dialog", { name: "Clôturer l'exercice 2024 ?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Clôturer 2024" }).click();
    await poll(() => page.getByRole("status").filter({ hasText: "Exercice 2024 clôturé" }).count()).toBeGreaterThan(0);
    expect(await yearStatus(2024)).toBe("closed");

    // The checklist as signed, with its comments, and the procès-verbal.
    await page.getByText("liste de contrôle signée par Marie Dupont, trésorière").waitFor();
    await page.getByText("Commentaire : Salaire de décembre payé le 6 janvier.").waitFor();
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Télécharger le procès-verbal de clôture" }).click()]);
    expect(file.suggestedFilename()).toMatch(/PV20241231\.pdf$/);
    await page.close();
  });

  it("raised no script error and no CSP violation", () => {
    expect(pageErrors).toEqual([]);
  });
});
