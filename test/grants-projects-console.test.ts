/**
 * Grants on projects in real headless Chromium against a local stack (issue 20, the analytic axis):
 * the trésorier creates a grant in « Nouvelle subvention » choosing its « Projet » (« Aucun projet »
 * by default); the list shows the project by its name and filters by project (GET
 * /v1/grants?project=); an avenant moves the grant to another project, the history saying so; the
 * API records projectId each time. A screenshot at 1280×800 goes to /work/team/screens/ (or
 * CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/chromium.js";
import { signInConsole } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

type Json = Record<string, any>;
async function api(method: string, path: string, body?: unknown) {
  const res = await stack.call(method, path, { body });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as Json;
}
const grants = async (project?: string) => (await api("GET", `/v1/grants${project ? `?project=${project}` : ""}`)).items as Json[];

beforeAll(async () => {
  stack = await startTestStack();
  await api("POST", "/v1/projects", { code: "JARDINS", name: "Jardins partagés" });
  await api("POST", "/v1/projects", { code: "NUMERIQUE", name: "Inclusion numérique" });
  const funder = await api("POST", "/v1/funders", { name: "Fondation de France", kind: "foundation" });
  // A grant without a project, for the list's « Aucun projet ».
  const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
  await api("POST", "/v1/grants", {
    funderId: funder.id,
    title: "Fonctionnement général",
    agreementDate: today,
    amount: 200_000,
    restricted: false,
    startDate: today,
    endDate: today,
    installments: [{ dueDate: today, amount: 200_000 }],
  });
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = () => signInConsole(browser, stack.url, { viewport: { width: 1280, height: 800 }, errors: pageErrors });

describe("Subventions et projets", () => {
  it("the trésorier creates a grant on a project, sees its name, filters by it, and moves it with an avenant", { timeout: 180_000 }, async () => {
    const page = await signIn();
    await page.evaluate(`location.hash = "#/subventions/conventions"`);
    await page.getByRole("heading", { level: 1, name: "Subventions" }).waitFor();
    await poll(() => page.locator(".loading").count()).toBe(0);

    // « Nouvelle subvention »: « Projet » offers the registry's projects, « Aucun projet » by default.
    await page.getByRole("button", { name: "Nouvelle subvention" }).click();
    const form = page.getByRole("form", { name: "Nouvelle subvention" });
    await form.waitFor();
    const project = form.getByLabel("Projet", { exact: true });
    await poll(() => project.locator("option").allTextContents()).toEqual(["Aucun projet", "Jardins partagés", "Inclusion numérique"]);
    expect(await project.inputValue()).toBe("");
    await form.getByLabel("Financeur", { exact: true }).selectOption({ label: "Fondation de France" });
    await form.getByLabel("Objet").fill("Jardins au pied des immeubles");
    await form.getByLabel("Montant accordé (€)").fill("8000");
    await form.getByLabel("Montant de l'échéance 1 (€)").fill("8000");
    await project.selectOption("JARDINS");
    await form.getByRole("button", { name: "Enregistrer la subvention" }).click();
    await form.getByText("Subvention « Jardins au pied des immeubles » enregistrée pour le projet « Jardins partagés ».").waitFor();

    // The API recorded the project.
    const created = (await grants()).find((g) => g.title === "Jardins au pied des immeubles");
    expect(created).toMatchObject({ title: "Jardins au pied des immeubles", projectId: "JARDINS", projectName: "Jardins partagés" });

    // The list shows the project by its name.
    const row = page.locator("tr", { hasText: "Jardins au pied des immeubles" });
    await poll(() => row.locator(".grant-project").textContent()).toBe("Jardins partagés");
    const general = page.locator("tr", { hasText: "Fonctionnement général" });
    expect(await general.locator(".grant-project").textContent()).toBe("Aucun projet");

    // The filter: the other project has none, this one has it.
    const filter = page.locator(".toolbar").getByLabel("Projet", { exact: true });
    expect(await filter.locator("option").allTextContents()).toEqual(["Tous les projets", "Sans projet", "Jardins partagés", "Inclusion numérique"]);
    // « Sans projet »: the grants on none (GET /v1/grants?project=none).
    await filter.selectOption("none");
    await poll(() => general.locator(".grant-project").textContent()).toBe("Aucun projet");
    await poll(() => row.count()).toBe(0);
    await filter.selectOption("NUMERIQUE");
    await page.getByText(/Aucune subvention du projet « Inclusion numérique » pour \d{4}\./).waitFor();
    await filter.selectOption("JARDINS");
    await poll(() => row.locator(".grant-project").textContent()).toBe("Jardins partagés");
    await poll(() => general.count()).toBe(0);

    // An avenant moves it to « Inclusion numérique » (nothing else changes), confirmed.
    await row.getByRole("button", { name: /^Corriger la subvention Jardins au pied des immeubles/ }).click();
    const panel = page.getByRole("region", { name: /Corriger la subvention « Jardins au pied des immeubles »/ });
    await panel.waitFor();
    await panel.getByLabel("Avenant").check();
    const moveTo = panel.getByLabel("Projet", { exact: true });
    expect(await moveTo.locator("option").allTextContents()).toEqual(["Inchangé (Jardins partagés)", "Aucun projet", "Inclusion numérique"]);
    await moveTo.selectOption("NUMERIQUE");
    await panel.getByLabel("Motif").fill("Avenant n° 1 : l'action devient l'inclusion numérique");
    await panel.getByRole("button", { name: "Enregistrer la correction" }).click();
    const ask = page.getByRole("dialog", { name: /Avenant — Jardins au pied des immeubles/ });
    await ask.waitFor();
    await expect(ask.textContent()).resolves.toMatch(/passera du projet « Jardins partagés » à « Inclusion numérique »/);
    await ask.getByRole("button", { name: "Enregistrer la correction" }).click();
    // The list says so; filtered on the old project, it no longer has the grant (its correction stays open above).
    await page
      .locator(".alert.success")
      .getByText(
        /^Avenant enregistré pour « Jardins au pied des immeubles » : \d écriture\(s\) ; la subvention relève désormais de « Inclusion numérique » \(auparavant « Jardins partagés »\)\.$/,
      )
      .first()
      .waitFor();
    await page.getByText(/Aucune subvention du projet « Jardins partagés » pour \d{4}\./).waitFor();
    await poll(() => panel.locator("ol li").textContent()).toMatch(/par Trésorier le .* · projet Jardins partagés → Inclusion numérique · \d écriture\(s\)$/);
    await poll(() => panel.locator("dl.figures").textContent()).toMatch(/ProjetInclusion numérique/);

    // The API recorded the move; the list, filtered on the new project, shows it under its new name.
    const after = await api("GET", `/v1/grants/${created!.id}`);
    expect(after).toMatchObject({ projectId: "NUMERIQUE", projectName: "Inclusion numérique", amount: 800_000 });
    expect(after.corrections.map((c: Json) => [c.kind, c.projectId, c.projectMove?.from, c.projectMove?.to])).toEqual([
      ["amendment", "NUMERIQUE", "JARDINS", "NUMERIQUE"],
    ]);
    expect(await grants("JARDINS")).toEqual([]);
    await filter.selectOption("NUMERIQUE");
    await poll(() => row.locator(".grant-project").textContent()).toBe("Inclusion numérique");
    await page.screenshot({ path: join(SCREENS, "grants-projects-console.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
