/**
 * The explanations of a grant's compte-rendu financier in real headless Chromium against a local
 * stack (issue 20): the report's view in « Projets et budgets » lists the lines with a large gap,
 * each « Écart non expliqué » until the trésorier writes its « Explication de l'écart » and saves
 * (PUT with If-Match); the API then returns it and the report's readiness changes, said in words.
 * When someone else saved in the meantime the console says so in French (412), reloads, and keeps
 * what the other person wrote (and the texts it does not show, the bilan). The auditor reads only.
 * Screenshots go to /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { openScreen, signInConsole } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";

let stack: TestStack;
let browser: Browser;
let grantId: string;
const pageErrors: string[] = [];
type Json = Record<string, any>;

async function api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const res = await stack.call(method, path, { body, headers });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as Json;
}

beforeAll(async () => {
  stack = await startTestStack();
  await api("POST", "/v1/projects", { code: "QUARTIER", name: "Jardins du quartier" });
  const region = await api("POST", "/v1/funders", { name: "Région Centre", kind: "public", incomeAccount: "742" });
  const grant = await api("POST", "/v1/grants", {
    funderId: region.id,
    title: "Jardins du quartier 2025",
    project: "QUARTIER",
    agreementDate: "2025-01-15",
    amount: 800_000,
    restricted: false,
    startDate: "2025-01-01",
    endDate: "2025-12-31",
    installments: [{ dueDate: "2025-02-28", amount: 800_000 }],
  });
  grantId = grant.id;
  await api("PUT", "/v1/budgets/2025", {
    lines: [
      { account: "606", project: "QUARTIER", amount: 400_000 },
      { account: "641", project: "QUARTIER", amount: 600_000 },
      { account: "742", project: "QUARTIER", amount: 800_000 },
      { account: "7541", project: "QUARTIER", amount: 200_000 },
    ],
  });
  const post = (lines: Json[], pieceRef: string) => api("POST", "/v1/ledger/entries", { journal: "OD", date: "2025-04-30", label: "Jardins", pieceRef, lines });
  await post(
    [
      { account: "606", debit: 380_000, project: "QUARTIER" },
      { account: "512", credit: 380_000 },
    ],
    "Q-1",
  );
  await post(
    [
      { account: "641", debit: 720_000, project: "QUARTIER" },
      { account: "421", credit: 720_000 },
    ],
    "Q-2",
  );
  await post(
    [
      { account: "512", debit: 150_000 },
      { account: "7541", credit: 150_000, project: "QUARTIER" },
    ],
    "Q-3",
  );
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = (role: "tresorier" | "auditor") => signInConsole(browser, stack.url, { role, errors: pageErrors });

const openReport = (page: Page) => openScreen(page, `#/projets/compte-rendu/${grantId}`, "Compte-rendu financier : Jardins du quartier 2025", 0);

const STAFF = "Un animateur de plus recruté en mars pour ouvrir un second jardin.";
const DONS = "La collecte de printemps a été annulée (pluie).";

describe("Compte-rendu financier › Écarts à expliquer", () => {
  it("the trésorier explains a gap; the API returns it; a change made meanwhile is a 412 said in French and reloaded", { timeout: 150_000 }, async () => {
    const page = await signIn("tresorier");
    await openReport(page);
    const staff = page.getByTestId("gap-64");
    const dons = page.getByTestId("gap-75");
    const readiness = page.getByTestId("crf-readiness");
    // The lines with a large gap only (60 is 5 % under: not asked), each unexplained; the report not ready, its deadline in words.
    await expect(page.locator("[data-testid^=gap-]").count()).resolves.toBe(2);
    await expect(staff.textContent()).resolves.toMatch(
      /64 – Charges de personnel.*Prévision 6\s000,00\s€, réalisation 7\s200,00\s€ : écart de \+1\s200,00\s€ \(\+20\s%\)/,
    );
    await staff.getByText("Écart non expliqué").waitFor();
    await dons.getByText("Écart non expliqué").waitFor();
    await expect(readiness.textContent()).resolves.toMatch(/Pas encore prêt : 2 écarts à expliquer avant l'envoi\./);
    await expect(readiness.textContent()).resolves.toMatch(
      /(En retard de \d+ jours? : le dernier délai était le 30\/06\/2026\.)|(Il reste \d+ jours? pour le remettre : dernier délai le 30\/06\/2026\.)/,
    );

    // She explains the staff costs' gap and saves.
    await page.getByLabel("Explication de l'écart — Charges de personnel").fill(STAFF);
    await page.getByRole("button", { name: "Enregistrer le compte-rendu" }).click();
    await page.getByText("Explications enregistrées (1 écart expliqué sur 2).").waitFor();
    await poll(() => staff.getByText("Écart non expliqué").count()).toBe(0);
    await dons.getByText("Écart non expliqué").waitFor();
    await poll(() => readiness.textContent()).toMatch(/Pas encore prêt : 1 écart à expliquer avant l'envoi\./);

    // The API returns it, on its own and in the report.
    const texts = await api("GET", `/v1/grants/${grantId}/financial-report/explanations`);
    expect(texts).toMatchObject({ version: 1, gaps: [{ rubrique: "64", text: STAFF }] });
    const cr = await api("GET", `/v1/grants/${grantId}/financial-report`);
    expect(cr.gapsToExplain.map((g: Json) => [g.rubrique, g.explanation])).toEqual([
      ["64", STAFF],
      ["75", null],
    ]);
    expect(cr).toMatchObject({ unexplained: 1, ready: false });

    // Meanwhile someone else explains the gifts' gap and writes the bilan (version 1 → 2).
    await api(
      "PUT",
      `/v1/grants/${grantId}/financial-report/explanations`,
      { gaps: [...texts.gaps, { rubrique: "75", text: "Texte d'un autre onglet" }], summary: "Deux jardins ouverts." },
      { "if-match": '"1"' },
    );
    // The console still holds version 1: its save is refused, said in French, and the texts reloaded.
    await page.getByLabel("Explication de l'écart — Autres produits de gestion courante").fill(DONS);
    await page.getByRole("button", { name: "Enregistrer le compte-rendu" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Modifié entre-temps" });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/Quelqu'un d'autre .* a enregistré les explications de ce compte-rendu pendant que vous les lisiez/);
    await expect(alert.textContent()).resolves.toContain(`Votre texte pour Autres produits de gestion courante : « ${DONS} »`);
    // Only what she typed and would lose: not the staff costs' text, saved before.
    await expect(alert.locator("li").allTextContents()).resolves.toEqual([`Votre texte pour Autres produits de gestion courante : « ${DONS} »`]);
    await poll(() => page.getByLabel("Explication de l'écart — Autres produits de gestion courante").inputValue()).toBe("Texte d'un autre onglet");
    await poll(() => readiness.textContent()).toMatch(/Prêt à envoyer : chaque écart important est expliqué\./);
    expect((await api("GET", `/v1/grants/${grantId}/financial-report/explanations`)).version).toBe(2);
    await page.screenshot({ path: join(SCREENS, "grant-report-explanations-stale.png"), fullPage: true });

    // She puts her text back over the reloaded version: saved, and the bilan she does not see is kept.
    await page.getByLabel("Explication de l'écart — Autres produits de gestion courante").fill(DONS);
    await page.getByRole("button", { name: "Enregistrer le compte-rendu" }).click();
    await page.getByText("Explications enregistrées (2 écarts expliqués sur 2).").waitFor();
    const after = await api("GET", `/v1/grants/${grantId}/financial-report/explanations`);
    expect(after).toMatchObject({
      version: 3,
      summary: "Deux jardins ouverts.",
      gaps: [
        { rubrique: "64", text: STAFF },
        { rubrique: "75", text: DONS },
      ],
    });
    expect((await api("GET", `/v1/grants/${grantId}/financial-report`)).ready).toBe(true);
    await poll(() => page.getByRole("alert").filter({ hasText: "Modifié entre-temps" }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENS, "grant-report-explanations.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("bug: the bilan, the results, the signer and « remis le » could not be typed in the console; « Prêt à envoyer » with no bilan", {
    timeout: 150_000,
  }, async () => {
    const page = await signIn("tresorier");
    await openReport(page);
    const readiness = page.getByTestId("crf-readiness");
    const save = () => page.getByRole("button", { name: "Enregistrer le compte-rendu" }).click();
    // The figures' years said (bug: only the action's dates were).
    await expect(page.getByTestId("crf-coverage").textContent()).resolves.toMatch(/^Réalisé : exercice 2025 du projet/);
    // The bilan another tab wrote is shown; emptied, the report is no longer ready, and says why.
    const bilan = page.getByLabel("Bilan qualitatif de l'action réalisée");
    await expect(bilan.inputValue()).resolves.toBe("Deux jardins ouverts.");
    await bilan.fill("");
    await save();
    await poll(() => readiness.textContent()).toMatch(/Pas encore prêt : le bilan qualitatif de l'action n'est pas rédigé\./);
    await expect(readiness.textContent()).resolves.not.toContain("Prêt à envoyer");
    expect(await api("GET", `/v1/grants/${grantId}/financial-report`)).toMatchObject({
      ready: false,
      missing: ["Le bilan qualitatif de l'action n'est pas rédigé"],
    });

    // A quality without a name: refused, said beside the name.
    await page.getByLabel("Qualité du signataire").fill("Trésorière");
    await save();
    await page.getByRole("alert").filter({ hasText: "Saisie refusée" }).waitFor();
    await expect(
      page
        .locator(".field")
        .filter({ has: page.getByLabel("Nom du signataire") })
        .locator(".field-error")
        .textContent(),
    ).resolves.toBeTruthy();

    // Everything typed, with the day it was sent: saved with the same PUT, shown as sent.
    await bilan.fill("Deux jardins ouverts, quarante familles.");
    await page.getByLabel("Résultats : bénéficiaires, lieux, dates, objectifs atteints").fill("Quartier des Fontaines, avril à octobre.");
    await page.getByLabel("Nom du signataire").fill("Claire Martin");
    await page.getByLabel("Remis au financeur le").fill("2026-03-12");
    await save();
    await poll(() => readiness.textContent()).toMatch(/Remis au financeur le 12\/03\/2026/);
    await page.getByText("Remis le 12/03/2026").first().waitFor();
    expect(await api("GET", `/v1/grants/${grantId}/financial-report/explanations`)).toMatchObject({
      summary: "Deux jardins ouverts, quarante familles.",
      actions: "Quartier des Fontaines, avril à octobre.",
      signer: { name: "Claire Martin", quality: "Trésorière" },
      sentOn: "2026-03-12",
      gaps: [
        { rubrique: "64", text: STAFF },
        { rubrique: "75", text: DONS },
      ],
    });
    await page.screenshot({ path: join(SCREENS, "grant-report-texts.png"), fullPage: true });
    // The list says it was sent, not late.
    await page.evaluate(`location.hash = "#/projets/comptes-rendus"`);
    const row = page.locator("tr").filter({ hasText: "Jardins du quartier 2025" });
    await expect(row.textContent()).resolves.toContain("Remis le 12/03/2026");
    await expect(row.getAttribute("class")).resolves.not.toBe("late");

    // A correction: the date cleared, the report is owed again.
    await openReport(page);
    await page.getByLabel("Remis au financeur le").fill("");
    await save();
    await poll(async () => (await api("GET", `/v1/grants/${grantId}/financial-report/explanations`)).sentOn).toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it("bug: the hint of « Écarts à expliquer » left out the lines « sans prévision »", { timeout: 90_000 }, async () => {
    const page = await signIn("auditor");
    await openReport(page);
    await expect(page.locator("section[aria-labelledby=crf-gaps] .hint").first().textContent()).resolves.toMatch(
      /s'écarte de 15 % ou plus de la prévision, et chaque ligne sans prévision qui a une réalisation/,
    );
    expect(pageErrors).toEqual([]);
  });

  it("bug: a grant without a project asked to explain every charge line (no budget by rubrique)", { timeout: 90_000 }, async () => {
    const funder = await api("POST", "/v1/funders", { name: "Ville de Tours", kind: "public", incomeAccount: "741" });
    const alone = await api("POST", "/v1/grants", {
      funderId: funder.id,
      title: "Fête des voisins",
      agreementDate: "2025-01-10",
      amount: 300_000,
      restricted: false,
      startDate: "2025-01-01",
      endDate: "2025-06-30",
      installments: [{ dueDate: "2025-01-31", amount: 300_000 }],
    });
    await api("POST", "/v1/expenses", {
      date: "2025-05-20",
      supplier: "Traiteur Lemoine",
      account: "6257",
      amount: 120_000,
      label: "Buffet",
      pieceRef: "TL-7",
      grantId: alone.id,
    });
    const page = await signIn("tresorier");
    await page.evaluate(`location.hash = ${JSON.stringify(`#/projets/compte-rendu/${alone.id}`)}`);
    await page.getByRole("heading", { name: "Compte-rendu financier : Fête des voisins" }).waitFor();
    await poll(() => page.locator(".loading").count()).toBe(0);
    await expect(page.getByTestId("crf-no-budget").textContent()).resolves.toMatch(/^Aucun budget par rubrique n'a été voté pour l'action/);
    await expect(page.locator("[data-testid^=gap-]").count()).resolves.toBe(0);
    await expect(page.getByText("Écart non expliqué").count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("the auditor reads the explanations but cannot change them", { timeout: 90_000 }, async () => {
    const page = await signIn("auditor");
    await openReport(page);
    await expect(page.getByLabel("Explication de l'écart — Charges de personnel").inputValue()).resolves.toBe(STAFF);
    await expect(page.getByLabel("Explication de l'écart — Charges de personnel").isDisabled()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Enregistrer le compte-rendu" }).count()).resolves.toBe(0);
    await page.getByText("Lecture seule pour votre rôle : seul le trésorier rédige le compte-rendu.").waitFor();
    expect(pageErrors).toEqual([]);
  });
});
