/**
 * A grant split between projects, in real headless Chromium against a local stack: in « Nouvelle
 * subvention » the trésorier ticks « Répartir entre plusieurs projets » and gives each project its
 * « Part (%) », the total shown as it is typed; a split of 90 % (or a project named twice) is refused
 * in French beside the field and nothing is written; the API's own refusal of `projects` is shown
 * there too; saved 60/40, the API's grant carries `projects` and the list reads « Jardins partagés
 * 60 % · Inclusion numérique 40 % »; an avenant moves it to one project, then splits it again; the
 * auditor sees the split and no write button; on a phone (390×844) the form does not scroll sideways.
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
const TITLE = "Ateliers de quartier";

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
const grants = async () => (await api("GET", "/v1/grants")).items as Json[];

beforeAll(async () => {
  stack = await startTestStack();
  await api("POST", "/v1/projects", { code: "JARDINS", name: "Jardins partagés" });
  await api("POST", "/v1/projects", { code: "NUMERIQUE", name: "Inclusion numérique" });
  await api("POST", "/v1/projects", { code: "CULTURE", name: "Culture pour tous" });
  await api("POST", "/v1/funders", { name: "Fondation de France", kind: "foundation" });
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = (role: "tresorier" | "auditor" = "tresorier", viewport = { width: 1280, height: 900 }) =>
  signInConsole(browser, stack.url, { role, viewport, errors: pageErrors });

/** « Nouvelle subvention » opened and filled but for its projects. */
async function newGrantForm(page: Page) {
  await openScreen(page, "#/subventions/conventions", "Subventions");
  await page.getByRole("button", { name: "Nouvelle subvention" }).click();
  const form = page.getByRole("form", { name: "Nouvelle subvention" });
  await form.waitFor();
  await poll(() => form.getByLabel("Projet", { exact: true }).locator("option").count()).toBe(4);
  await form.getByLabel("Financeur", { exact: true }).selectOption({ label: "Fondation de France" });
  await form.getByLabel("Objet").fill(TITLE);
  await form.getByLabel("Montant accordé (€)").fill("10000");
  await form.getByLabel("Montant de l'échéance 1 (€)").fill("10000");
  return form;
}

describe("Subvention répartie entre projets", () => {
  it("the trésorier splits a grant 60/40, a split of 90 % is refused, an avenant moves it; the auditor reads it", { timeout: 240_000 }, async () => {
    const page = await signIn();
    const form = await newGrantForm(page);

    // « Répartir entre plusieurs projets »: the one-project select gives way to a line per project.
    await form.getByLabel("Projet", { exact: true }).selectOption("JARDINS");
    await form.getByLabel("Répartir entre plusieurs projets").check();
    await poll(() => form.getByLabel("Projet", { exact: true }).count()).toBe(0);
    const split = form.getByRole("group", { name: "Répartition entre projets" });
    await split.waitFor();
    // The project chosen starts the first line.
    expect(await split.getByLabel("Projet n° 1", { exact: true }).inputValue()).toBe("JARDINS");
    await split.getByLabel("Part (%) du projet n° 1").fill("60");
    await split.getByLabel("Projet n° 2", { exact: true }).selectOption("NUMERIQUE");
    await split.getByLabel("Part (%) du projet n° 2").fill("30");
    const status = split.getByTestId("split-status");
    const save = form.getByRole("button", { name: "Enregistrer la subvention" });
    // 90 %: refused in French beside the field, the button stays off, nothing written.
    await poll(() => status.textContent()).toMatch(
      /Reste à répartir : 10 %\.\s+Les parts font 90 % : elles doivent faire 100 % pour enregistrer la subvention\./,
    );
    expect(await save.isDisabled()).toBe(true);
    // A project named twice: refused likewise.
    await split.getByLabel("Projet n° 2", { exact: true }).selectOption("JARDINS");
    await split.getByLabel("Part (%) du projet n° 2").fill("40");
    await poll(() => status.textContent()).toMatch(/Les parts font 100 %\.\s+Chaque projet ne figure qu'une fois dans la répartition\./);
    expect(await save.isDisabled()).toBe(true);
    // A line added then removed (the split keeps two at least: no « Retirer » on two lines).
    await split.getByRole("button", { name: "Ajouter un projet" }).click();
    await split.getByLabel("Projet n° 3", { exact: true }).selectOption("CULTURE");
    await split.getByLabel("Part (%) du projet n° 3").fill("10");
    await poll(() => status.textContent()).toMatch(/10 % de trop\./);
    await split.getByRole("button", { name: "Retirer le projet n° 3" }).click();
    await poll(() => split.getByLabel("Projet n° 3", { exact: true }).count()).toBe(0);
    expect(await split.getByRole("button", { name: /^Retirer/ }).count()).toBe(0);
    await split.getByLabel("Projet n° 2", { exact: true }).selectOption("NUMERIQUE");
    await poll(() => status.textContent()).toMatch(/^\s*Les parts font 100 %\.\s*$/);
    expect(await save.isDisabled()).toBe(false);
    expect(await grants()).toEqual([]);
    await page.screenshot({ path: join(SCREENS, "grants-split-console.png"), fullPage: true });

    // The API's own refusal of `projects` (here both a project and a split sent) is shown beside the
    // field, in French, without the API's names; nothing written.
    await page.route("**/v1/grants", async (route) => {
      const req = route.request();
      if (req.method() !== "POST") return route.continue();
      const body = { ...req.postDataJSON(), projectId: "JARDINS" };
      await route.continue({ postData: JSON.stringify(body), headers: { ...req.headers(), "idempotency-key": `refused-${Date.now()}` } });
    });
    await save.click();
    const faults = split.getByTestId("project-faults");
    await faults.waitFor();
    expect(await faults.textContent()).toBe("Répartition entre projets : une subvention a un seul projet ou une répartition entre projets, pas les deux");
    expect(await form.getByTestId("problem").textContent()).toMatch(/Saisie à corriger/);
    expect(await grants()).toEqual([]);
    await page.unroute("**/v1/grants");

    // Saved 60/40: the API's grant has that split, the list says it.
    await save.click();
    await form.getByText(`Subvention « ${TITLE} » enregistrée, répartie entre les projets Jardins partagés 60 % · Inclusion numérique 40 %.`).waitFor();
    const [created] = await grants();
    expect(created).toMatchObject({
      title: TITLE,
      projectId: null,
      projects: [
        { projectId: "JARDINS", share: 0.6, name: "Jardins partagés" },
        { projectId: "NUMERIQUE", share: 0.4, name: "Inclusion numérique" },
      ],
    });
    const row = page.locator("tbody > tr:not(.lines)", { hasText: TITLE });
    await poll(() => row.locator(".grant-project").textContent()).toBe("Jardins partagés 60 % · Inclusion numérique 40 %");

    // The avenant: « Projet » keeps the split unchanged by default; ticked, the split starts from the
    // grant's own, which is refused as it is.
    await row.getByRole("button", { name: new RegExp(`^Corriger la subvention ${TITLE}`) }).click();
    const panel = page.getByRole("region", { name: new RegExp(`Corriger la subvention « ${TITLE} »`) });
    await panel.waitFor();
    await poll(() => panel.locator("dl.figures").textContent()).toMatch(/ProjetsJardins partagés 60 % · Inclusion numérique 40 %/);
    await panel.getByLabel("Avenant").check();
    const moveTo = panel.getByLabel("Projet", { exact: true });
    expect(await moveTo.locator("option").allTextContents()).toEqual([
      "Inchangé (Jardins partagés 60 % · Inclusion numérique 40 %)",
      "Aucun projet",
      "Culture pour tous",
      "Jardins partagés",
      "Inclusion numérique",
    ]);
    await panel.getByLabel("Motif").fill("Avenant n° 1 : l'action devient l'inclusion numérique seule");
    await panel.getByLabel("Répartir entre plusieurs projets").check();
    const again = panel.getByRole("group", { name: "Répartition entre projets" });
    expect(await again.getByLabel("Part (%) du projet n° 1").inputValue()).toBe("60");
    await poll(() => again.getByTestId("split-status").textContent()).toMatch(/C'est déjà la répartition de la subvention/);
    const fix = panel.getByRole("button", { name: "Enregistrer la correction" });
    expect(await fix.isDisabled()).toBe(true);
    // One project instead: confirmed, the API records it.
    await panel.getByLabel("Répartir entre plusieurs projets").uncheck();
    await panel.getByLabel("Projet", { exact: true }).selectOption("NUMERIQUE");
    await fix.click();
    const ask = page.getByRole("dialog", { name: new RegExp(`Avenant — ${TITLE}`) });
    await ask.waitFor();
    await expect(ask.textContent()).resolves.toMatch(
      /passera de la répartition « Jardins partagés 60 % · Inclusion numérique 40 % » à « Inclusion numérique »/,
    );
    await ask.getByRole("button", { name: "Enregistrer la correction" }).click();
    await page
      .locator(".alert.success")
      .getByText(/^Avenant enregistré pour « Ateliers de quartier » : \d écriture\(s\) ; la subvention relève désormais de « Inclusion numérique »/)
      .first()
      .waitFor();
    await poll(async () => (await api("GET", `/v1/grants/${created!.id}`)).projectId).toBe("NUMERIQUE");
    expect(await api("GET", `/v1/grants/${created!.id}`)).toMatchObject({ projectId: "NUMERIQUE", projects: null });
    await poll(() => row.locator(".grant-project").textContent()).toBe("Inclusion numérique");

    // A second avenant splits it again, 70/30 between two other projects.
    await poll(() => panel.locator("dl.figures").textContent()).toMatch(/ProjetInclusion numérique/);
    await panel.getByLabel("Avenant").check();
    await panel.getByLabel("Motif").fill("Avenant n° 2 : jardins et culture");
    await panel.getByLabel("Répartir entre plusieurs projets").check();
    await again.getByLabel("Projet n° 1", { exact: true }).selectOption("JARDINS");
    await again.getByLabel("Part (%) du projet n° 1").fill("70");
    await again.getByLabel("Projet n° 2", { exact: true }).selectOption("CULTURE");
    await again.getByLabel("Part (%) du projet n° 2").fill("30");
    await poll(() => again.getByTestId("split-status").textContent()).toMatch(/^\s*Les parts font 100 %\.\s*$/);
    await fix.click();
    await ask.waitFor();
    await expect(ask.textContent()).resolves.toMatch(
      /passera du projet « Inclusion numérique » à la répartition « Jardins partagés 70 % · Culture pour tous 30 % »/,
    );
    await ask.getByRole("button", { name: "Enregistrer la correction" }).click();
    await poll(() => row.locator(".grant-project").textContent()).toBe("Jardins partagés 70 % · Culture pour tous 30 %");
    expect(await api("GET", `/v1/grants/${created!.id}`)).toMatchObject({
      projectId: null,
      projects: [
        { projectId: "JARDINS", share: 0.7 },
        { projectId: "CULTURE", share: 0.3 },
      ],
    });
    expect((await api("GET", `/v1/grants/${created!.id}`)).corrections).toHaveLength(2);
    await poll(() => panel.locator("ol li").count()).toBe(2);
    expect(await panel.locator("ol li").allTextContents()).toEqual([
      expect.stringMatching(/· projet Jardins partagés 60 % · Inclusion numérique 40 % → Inclusion numérique · \d écriture\(s\)$/),
      expect.stringMatching(/· projet Inclusion numérique → Jardins partagés 70 % · Culture pour tous 30 % · \d écriture\(s\)$/),
    ]);
    await page.screenshot({ path: join(SCREENS, "grants-split-console-avenant.png"), fullPage: true });

    // The auditor reads the split, and has no write button.
    const auditor = await signIn("auditor");
    await openScreen(auditor, "#/subventions/conventions", "Subventions");
    const seen = auditor.locator("tbody > tr:not(.lines)", { hasText: TITLE });
    await poll(() => seen.locator(".grant-project").textContent()).toBe("Jardins partagés 70 % · Culture pour tous 30 %");
    expect(await auditor.getByRole("button", { name: "Nouvelle subvention" }).count()).toBe(0);
    expect(await seen.getByRole("button", { name: /^Encaisser/ }).count()).toBe(0);
    await seen.getByRole("button", { name: new RegExp(`^Corriger la subvention ${TITLE}`) }).click();
    const read = auditor.getByRole("region", { name: new RegExp(`Corriger la subvention « ${TITLE} »`) });
    await poll(() => read.locator("dl.figures").textContent()).toMatch(/ProjetsJardins partagés 70 % · Culture pour tous 30 %/);
    await poll(() => read.locator("ol li").count()).toBe(2);
    expect(await read.getByRole("button", { name: "Enregistrer la correction" }).count()).toBe(0);
    expect(await read.getByLabel("Répartir entre plusieurs projets").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("on a phone (390×844) the split form does not scroll sideways", { timeout: 120_000 }, async () => {
    const page = await signIn("tresorier", { width: 390, height: 844 });
    const form = await newGrantForm(page);
    await form.getByLabel("Répartir entre plusieurs projets").check();
    const split = form.getByRole("group", { name: "Répartition entre projets" });
    await split.getByLabel("Projet n° 1", { exact: true }).selectOption("JARDINS");
    await split.getByLabel("Part (%) du projet n° 1").fill("60");
    await split.getByLabel("Projet n° 2", { exact: true }).selectOption("NUMERIQUE");
    await split.getByLabel("Part (%) du projet n° 2").fill("30");
    await split.getByRole("button", { name: "Ajouter un projet" }).click();
    await poll(() => split.getByTestId("split-status").textContent()).toMatch(/Les parts font 90 %/);
    type Root = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };
    const sideways = await page.evaluate(() => {
      const root = (globalThis as unknown as Root).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(sideways).toBeLessThanOrEqual(0);
    await form.screenshot({ path: join(SCREENS, "grants-split-console-phone.png") });
    expect(pageErrors).toEqual([]);
  });
});
