/**
 * Projects on a new expense in the console (issue 20), in real headless Chromium against a local
 * stack: the trésorier's « Nouvelle dépense » offers « Projet » (« Aucun projet » by default) and
 * « Répartir entre plusieurs projets »; a split of 90 % is refused in French (what is left shown,
 * the button off), 60/40 is saved and confirmed with the projects' names; the list shows each
 * expense's projects by name, « Dépenses du projet » filters it (GET /v1/expenses?project=), and the
 * API has the split. Screenshots go to /work/team/screens/ (or CONSOLE_SCREENS).
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
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const thisYear = Number(today.slice(0, 4));

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

type Json = Record<string, any>;
const api = async (method: string, path: string, body?: unknown) => {
  const res = await stack.call(method, path, { body, role: "tresorier" });
  return { status: res.status, body: (await res.json()) as Json };
};

beforeAll(async () => {
  stack = await startTestStack();
  for (const [code, name] of [
    ["ECOLE", "École du numérique"],
    ["JARDIN", "Jardins partagés"],
  ]) {
    expect((await api("POST", "/v1/projects", { code, name })).status).toBe(201);
  }
  // An expense the garden alone carries: the filter by the school leaves it out.
  const r = await api("POST", "/v1/expenses", {
    date: today,
    supplier: "Graineterie du Val",
    account: "606",
    amount: 12_000,
    label: "Semences",
    pieceRef: "GV-1",
    project: "JARDIN",
  });
  expect(r.status).toBe(201);
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = () => signInConsole(browser, stack.url, { errors: pageErrors });

const expenses = (page: Page) => openScreen(page, "#/depenses", "Dépenses");

describe("an expense's projects in the console", () => {
  it("a new expense split 60/40 (90 % refused in French), the list shows the projects by name and filters by one", { timeout: 150_000 }, async () => {
    const page = await signIn();
    await expenses(page);
    await page.getByRole("button", { name: "Nouvelle dépense" }).click();
    await page.getByLabel("Fournisseur", { exact: true }).fill("Imprimerie Lumière");
    await page.getByLabel("Facture n°").fill("LUM-CONSOLE-1");
    await page.getByLabel("Libellé", { exact: true }).fill("Affiches et livrets");
    await page.getByLabel("Compte de charge").fill("6064");
    await page.getByLabel("Montant TTC (€)").fill("1 000,01");

    // « Projet »: none by default, the association's projects by name.
    const project = page.getByLabel("Projet", { exact: true });
    expect(await project.inputValue()).toBe("");
    expect(await project.locator("option").allTextContents()).toEqual(["Aucun projet", "École du numérique", "Jardins partagés"]);
    await project.selectOption("ECOLE");

    // Split: the chosen project comes first; 60 + 30 is refused, what is left said in French.
    await page.getByLabel("Répartir entre plusieurs projets").check();
    expect(await page.getByLabel("Projet", { exact: true }).count()).toBe(0);
    expect(await page.getByLabel("Projet n° 1", { exact: true }).inputValue()).toBe("ECOLE");
    await page.getByLabel("Part (%) du projet n° 1", { exact: true }).fill("60");
    await page.getByLabel("Projet n° 2", { exact: true }).selectOption("JARDIN");
    await page.getByLabel("Part (%) du projet n° 2", { exact: true }).fill("30");
    const status = page.getByTestId("split-status");
    await poll(() => status.textContent()).toMatch(/Reste à répartir : 10 %\..*Les parts font 90 % : elles doivent faire 100 % pour enregistrer la dépense\./);
    const save = page.getByRole("button", { name: "Enregistrer la dépense" });
    expect(await save.isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENS, "expenses-projects-refused.png"), fullPage: true });
    // Nothing was sent.
    expect((await api("GET", `/v1/expenses?year=${thisYear}`)).body.items.map((e: Json) => e.pieceRef)).toEqual(["GV-1"]);

    await page.getByLabel("Part (%) du projet n° 2", { exact: true }).fill("40");
    await poll(() => status.textContent()).toMatch(/Les parts font 100 %\./);
    expect(await save.isDisabled()).toBe(false);

    // The API's refusal of the split (answered here by the browser's route, once) reads as the other fields' do, in French.
    let sent: Json | undefined;
    await page.route(/\/v1\/expenses$/, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      sent = route.request().postDataJSON() as Json;
      await route.fulfill({
        status: 400,
        contentType: "application/problem+json",
        body: JSON.stringify({
          type: "/problems/validation",
          title: "Invalid request",
          status: 400,
          errors: [{ path: "projects", message: "les parts font 90 %, pas 100 %" }],
        }),
      });
    });
    await save.click();
    const dialog = page.getByRole("dialog", { name: "Enregistrer la dépense" });
    await dialog.waitFor();
    expect((await dialog.textContent())?.replace(/\s/g, " ")).toContain(
      "répartie entre les projets « École du numérique » (60 %), « Jardins partagés » (40 %)",
    );
    await dialog.getByRole("button", { name: "Enregistrer", exact: true }).click();
    const problem = page.getByTestId("problem");
    await poll(() => problem.textContent()).toMatch(/Saisie à corriger.*Projet : les parts font 90 %, pas 100 %/);
    expect(await problem.textContent()).not.toContain("projects");
    // What the form sent: the split as shares, not the single project.
    expect(sent).toMatchObject({
      pieceRef: "LUM-CONSOLE-1",
      amount: 100_001,
      projects: [
        { projectId: "ECOLE", share: 0.6 },
        { projectId: "JARDIN", share: 0.4 },
      ],
    });
    expect(sent).not.toHaveProperty("project");
    await page.unroute(/\/v1\/expenses$/);

    // Sent again (confirmed once already): written.
    await save.click();
    await page.getByRole("status").filter({ hasText: "Affiches et livrets" }).waitFor();

    // The list shows each expense's projects by name.
    const split = page.locator("tr", { hasText: "LUM-CONSOLE-1" });
    const garden = page.locator("tr", { hasText: "GV-1" });
    await poll(() => split.locator(".expense-projects").textContent()).toMatch(/^École du numérique \(60 %\)Jardins partagés \(40 %\)$/);
    await poll(() => garden.locator(".expense-projects").textContent()).toBe("Jardins partagés");

    // « Dépenses du projet »: the school carries the split only, the garden both.
    const filter = page.getByLabel("Dépenses du projet");
    await filter.selectOption("ECOLE");
    await page.getByRole("table", { name: `Dépenses ${thisYear} du projet « École du numérique »` }).waitFor();
    await poll(() => garden.count()).toBe(0);
    await split.waitFor();
    await page.screenshot({ path: join(SCREENS, "expenses-projects-console.png"), fullPage: true });
    await filter.selectOption("JARDIN");
    await page.getByRole("table", { name: `Dépenses ${thisYear} du projet « Jardins partagés »` }).waitFor();
    await garden.waitFor();
    await split.waitFor();
    await filter.selectOption("");
    await poll(() => page.locator("tbody tr").count()).toBe(2);

    // The API has the split as typed.
    const school = await api("GET", `/v1/expenses?year=${thisYear}&project=ECOLE`);
    expect(school.status).toBe(200);
    expect(school.body.items.map((e: Json) => [e.pieceRef, e.amount, e.projects])).toEqual([
      [
        "LUM-CONSOLE-1",
        100_001,
        [
          { projectId: "ECOLE", share: 0.6 },
          { projectId: "JARDIN", share: 0.4 },
        ],
      ],
    ]);
    const gardens = await api("GET", `/v1/expenses?year=${thisYear}&project=JARDIN`);
    expect(gardens.body.items.map((e: Json) => e.pieceRef).sort()).toEqual(["GV-1", "LUM-CONSOLE-1"]);
    expect(pageErrors).toEqual([]);
  });
});
