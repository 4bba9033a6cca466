/**
 * The settings that landed with issue 20 without a browser test, in real headless Chromium:
 *  - Paramètres › Annexe des comptes: the trésorier adds an engagement given (nature, amount,
 *    beneficiary, date); an engagement without its nature is refused beside the field, nothing
 *    written; the API saved what was typed and the annexe lists it with its total;
 *  - Paramètres › Bénévoles: the time source account (875 or 870) chosen in the console is the one
 *    the API saved and books hours to; once hours are booked to 870, going back to 875 is refused
 *    and the console says why;
 *  - the dashboard's thresholds card says the 23 000 € of public aid per public authority, each
 *    authority named with its amount (a foundation is not a public authority: not listed).
 * A screenshot goes to /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { signInConsole } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
type Json = Record<string, any>;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const flat = (s: string | null) =>
  (s ?? "")
    .replace(/[\u00a0\u202f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return (text ? JSON.parse(text) : undefined) as Json;
}
const section = async (id: string) => ((await call("GET", "/v1/settings")).sections as Json)[id] as { version: number; value: Json };

async function grant(name: string, kind: string, amount: number) {
  const funder = await call("POST", "/v1/funders", { name, kind });
  await call("POST", "/v1/grants", {
    funderId: funder.id,
    title: `Fonctionnement 2025 — ${name}`,
    agreementDate: "2025-02-01",
    amount,
    restricted: false,
    startDate: "2025-01-01",
    endDate: "2025-12-31",
    installments: [{ dueDate: "2025-03-01", amount }],
  });
}

beforeAll(async () => {
  stack = await startTestStack({ ASSO_NAME: "Les Amis du Port" });
  await grant("Ville de Marseille", "public", 2_400_000);
  await grant("Département des Bouches-du-Rhône", "public", 800_000);
  await grant("Fondation du Port", "foundation", 3_000_000);
  await call("POST", "/v1/ledger/entries", {
    journal: "BQ",
    date: "2025-03-01",
    label: "Cotisations",
    pieceRef: "P-1",
    lines: [
      { account: "512", debit: 10_000 },
      { account: "756", credit: 10_000 },
    ],
  });
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = () => signInConsole(browser, stack.url, { errors: pageErrors, timeout: 15_000 });
async function openSection(page: Page, label: string) {
  await page.goto(`${stack.url}/console/#/parametres`);
  await page.getByRole("navigation", { name: "Sections des paramètres" }).getByRole("link", { name: label, exact: true }).click();
  await page.getByRole("heading", { level: 2, name: label, exact: true }).waitFor();
}

describe("Paramètres › Annexe des comptes", () => {
  it("the engagements given typed in the console are the ones the API saved and the annexe lists", { timeout: 90_000 }, async () => {
    const before = await section("annexe");
    const page = await signIn();
    await openSection(page, "Annexe des comptes");
    const form = page.getByTestId("section-annexe");
    await form.getByRole("button", { name: "Ajouter un engagement" }).click();
    await form.getByLabel("Nature de l'engagement (1)").fill("Caution du bail des locaux");
    await form.getByLabel("Montant (€, facultatif) (1)").fill("1 200,50");
    await form.getByLabel("Bénéficiaire (facultatif) (1)").fill("SCI du Port");
    await form.getByLabel("Jusqu'au (facultatif) (1)").fill("2027-06-30");
    // A second engagement without its nature: refused beside its field, nothing written.
    await form.getByRole("button", { name: "Ajouter un engagement" }).click();
    await form.getByLabel("Montant (€, facultatif) (2)").fill("500");
    await form.getByRole("button", { name: "Enregistrer « Annexe des comptes »" }).click();
    await form.getByRole("alert").filter({ hasText: "Saisie refusée" }).waitFor();
    await form.locator(".field-error").filter({ hasText: "nature de l'engagement" }).waitFor();
    expect(await form.getByLabel("Nature de l'engagement (2)").getAttribute("aria-invalid")).toBe("true");
    expect((await section("annexe")).version).toBe(before.version);
    // Without it: saved.
    await form.getByTestId("annexe-row").nth(1).getByRole("button", { name: "Retirer" }).click();
    await form.getByRole("button", { name: "Enregistrer « Annexe des comptes »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Annexe des comptes » enregistrée" }).waitFor();
    await page.screenshot({ path: join(SCREENS, "settings-annexe.png"), fullPage: true });
    await page.close();

    const saved = await section("annexe");
    expect(saved.version).toBe(before.version + 1);
    expect(saved.value.engagementsGiven).toEqual([{ label: "Caution du bail des locaux", amount: 120_050, beneficiary: "SCI du Port", until: "2027-06-30" }]);
    const annexe = await call("GET", "/v1/reports/2025/annexe", undefined, "delegation");
    expect(annexe.engagements.givenItems).toEqual([{ label: "Caution du bail des locaux", amount: 120_050, beneficiary: "SCI du Port", until: "2027-06-30" }]);
    expect(flat(annexe.engagements.given)).toBe(
      "Un engagement donné, pour un total de 1 201 € : Caution du bail des locaux, au profit de SCI du Port, jusqu'au 30 juin 2027 : 1 201 €.",
    ); // the annexe speaks in whole euros
  });
});

describe("Paramètres › Bénévoles: the time source account", () => {
  it("870 chosen in the console is saved and booked to; back to 875 once 870 holds hours is refused, said in French", { timeout: 90_000 }, async () => {
    expect((await section("volunteers")).value.timeSourceAccount ?? "875").toBe("875");
    const page = await signIn();
    await openSection(page, "Bénévoles");
    const form = page.getByTestId("section-volunteers");
    const account = form.getByLabel("Compte du bénévolat (ressource)");
    // Each choice said in words, not as a bare number.
    expect((await account.locator("option").allTextContents()).map(flat)).toEqual([
      "875 Bénévolat (plan comptable ANC 2018-06) — dons en nature de biens au 870",
      "870 Bénévolat (plan de 1999) — dons en nature de biens alors au 875",
    ]);
    await form.getByLabel("Valeur d'une heure de bénévolat (€)").fill("12");
    await account.selectOption("870");
    await form.getByRole("button", { name: "Enregistrer « Bénévoles »" }).click();
    await page.getByRole("status").filter({ hasText: "Section « Bénévoles » enregistrée" }).waitFor();
    const saved = await section("volunteers");
    expect(saved.value).toMatchObject({ timeSourceAccount: "870", hourlyRate: 1200 });

    const time = await call("POST", "/v1/volunteer-time", { month: "2025-03", hours: 10, label: "Accueil" });
    expect(time.accounts).toEqual({ use: "864", source: "870" });

    // Back to 875: the hours already on 870 forbid it; the console says so and nothing changes.
    await openSection(page, "Bénévoles");
    await poll(async () => form.getByLabel("Compte du bénévolat (ressource)").inputValue()).toBe("870");
    await form.getByLabel("Compte du bénévolat (ressource)").selectOption("875");
    await form.getByRole("button", { name: "Enregistrer « Bénévoles »" }).click();
    await poll(async () =>
      flat(
        await form
          .getByRole("alert")
          .allTextContents()
          .then((t) => t.join(" ")),
      ),
    ).toContain("870 ou 875");
    expect((await section("volunteers")).value.timeSourceAccount).toBe("870");
    await page.close();
  });
});

describe("the dashboard's thresholds card", () => {
  it("says the 23 000 € of public aid per public authority, each authority with its amount; the foundation is not listed", { timeout: 90_000 }, async () => {
    const t = await call("GET", "/v1/reports/2025/thresholds", undefined, "delegation");
    const aid = (t.items as Json[]).find((i) => i.id === "public-aid")!;
    expect(aid.authorities.map((a: Json) => [a.name, a.amount, a.exceeded])).toEqual([
      ["Ville de Marseille", 2_400_000, true],
      ["Département des Bouches-du-Rhône", 800_000, false],
    ]);
    const page = await signIn();
    await page.goto(`${stack.url}/console/#/`);
    await page.getByLabel("Exercice").selectOption("2025");
    const card = page.locator("section.thresholds");
    await card.getByRole("heading", { name: "Seuils légaux 2025" }).waitFor();
    const item = card.locator(".threshold-list > li").filter({ hasText: "Aides publiques" });
    const list = item.getByRole("list", { name: "Aides par autorité publique" });
    await list.waitFor();
    expect((await list.getByRole("listitem").allTextContents()).map(flat)).toEqual([
      "Ville de Marseille : 24 000,00 € — convention requise",
      "Département des Bouches-du-Rhône : 8 000,00 €",
    ]);
    expect(await list.getByRole("listitem").first().getAttribute("class")).toBe("over");
    const text = flat(await item.textContent());
    expect(text).not.toContain("Fondation du Port");
    // In words: what is over and where the figure comes from.
    expect(text).toContain(flat(aid.message));
    expect(text).toMatch(/23 000 €/);
    expect(text).toContain(flat(aid.source));
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENS, "dashboard-thresholds-authorities.png"), fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
