/**
 * « Projets et budgets » in real headless Chromium against a local stack: a project created from
 * the console, a budget typed in the grid (an account added by its number, an amount in euros)
 * and saved, last year's actuals copied into the grid, the comparison with the project filter, and
 * a grant's « Compte-rendu financier » link opening its report with its due date. Screenshots go
 * to /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { firstRunChecked } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const thisYear = Number(today.slice(0, 4));

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

async function post(path: string, body: unknown) {
  const res = await stack.call("POST", path, { body });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return (await res.json()) as Record<string, any>;
}

beforeAll(async () => {
  stack = await startTestStack();
  // Last year's actuals: what « Reprendre les réalisations » copies.
  await post("/v1/ledger/entries", {
    journal: "OD",
    date: `${thisYear - 1}-05-02`,
    label: "Fournitures",
    pieceRef: "F-PASSE-1",
    lines: [
      { account: "6064", debit: 42_000 },
      { account: "512", credit: 42_000 },
    ],
  });
  const funder = await post("/v1/funders", { name: "Fondation Lumière", kind: "foundation" });
  await post("/v1/grants", {
    funderId: funder.id,
    title: "Ateliers d'été",
    agreementDate: `${thisYear}-01-05`,
    amount: 300_000,
    restricted: false,
    startDate: `${thisYear}-01-01`,
    endDate: `${thisYear}-08-31`,
    installments: [{ dueDate: `${thisYear}-02-01`, amount: 300_000 }],
  });
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

async function go(page: Page, hash: string) {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${hash}`)}`);
  await page.getByRole("heading", { level: 1, name: "Projets et budgets" }).waitFor();
  await poll(() => page.locator(".loading").count()).toBe(0);
}

describe("Projets et budgets", () => {
  it("creates a project, types and saves a budget, copies last year's actuals, compares with a project filter", { timeout: 120_000 }, async () => {
    const page = await signIn();
    await go(page, "projets");
    await page.getByLabel("Code").fill("ecole");
    await page.getByLabel("Nom du projet").fill("École du numérique");
    await page.getByRole("button", { name: "Créer le projet" }).click();
    await page.getByRole("rowheader", { name: "École du numérique (ECOLE)" }).waitFor();
    // The project's compte de résultat links to its entries in the ledger, filtered on it.
    await page.getByLabel("Projet", { exact: true }).selectOption("ECOLE");
    await page.getByRole("heading", { name: /Compte de résultat \d{4} : École du numérique/ }).waitFor();
    await page.getByRole("link", { name: "Voir les écritures du projet" }).click();
    await page.waitForURL(/#\/comptabilite\/ecritures\?projet=ECOLE$/);
    await expect(page.getByLabel("Projet", { exact: true }).first().inputValue()).resolves.toBe("ECOLE");

    await go(page, "projets/budget");
    await page.getByLabel("Projet", { exact: true }).selectOption("ECOLE");
    await page.getByRole("combobox", { name: "Ajouter un compte au budget" }).fill("606");
    await page.getByRole("combobox", { name: "Ajouter un compte au budget" }).press("Enter");
    const cell = page.getByLabel("Achats non stockés de matières et fournitures (606)");
    await cell.fill("1 500,50");
    await page.getByRole("button", { name: `Enregistrer le budget ${thisYear}` }).click();
    await page.getByText(`Budget ${thisYear} enregistré (1 ligne).`).waitFor();
    const saved = (await (await stack.call("GET", `/v1/budgets/${thisYear}`)).json()) as { lines: unknown[] };
    expect(saved.lines).toEqual([{ account: "606", label: "Achats non stockés de matières et fournitures", project: "ECOLE", amount: 150_050 }]);

    await page.getByLabel("Projet", { exact: true }).selectOption("");
    await page.getByRole("button", { name: `Reprendre les réalisations ${thisYear - 1}` }).click();
    await page.getByText(`1 compte repris des réalisations ${thisYear - 1}.`, { exact: false }).waitFor();
    await expect(page.getByLabel("Fournitures administratives (6064)").inputValue()).resolves.toBe("420,00");
    await page.getByRole("button", { name: `Enregistrer le budget ${thisYear}` }).click();
    await page.getByText(`Budget ${thisYear} enregistré (2 lignes).`).waitFor();
    await page.screenshot({ path: join(SCREENS, "projects-budget.png"), fullPage: true });

    await go(page, "projets/comparaison");
    await page.getByLabel("Projet", { exact: true }).selectOption("ECOLE");
    await page.getByRole("table", { name: new RegExp(`Charges ${thisYear} — École du numérique`) }).waitFor();
    const total = page.getByRole("row", { name: /Total charges/ });
    await expect(total.textContent()).resolves.toMatch(/1\s500,50\s€/);
    await page.screenshot({ path: join(SCREENS, "projects-comparison.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("a grant's « Compte-rendu financier » link opens its report with the due date and its files", { timeout: 90_000 }, async () => {
    const page = await signIn();
    await page.evaluate(`location.hash = "#/subventions/conventions"`);
    await page.getByRole("link", { name: "Compte-rendu financier Ateliers d'été" }).click();
    await page.getByRole("heading", { name: "Compte-rendu financier : Ateliers d'été" }).waitFor();
    await page.getByText(`À remettre avant le 28/02/${thisYear + 1}`, { exact: false }).waitFor();
    await page.getByRole("button", { name: "Compte-rendu financier (PDF, CERFA 15059)" }).waitFor();
    await go(page, "projets/comptes-rendus");
    await page.getByRole("link", { name: "Ateliers d'été" }).waitFor();
    await page.screenshot({ path: join(SCREENS, "projects-grant-reports.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
