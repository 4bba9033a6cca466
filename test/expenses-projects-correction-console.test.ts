/**
 * « Changer de projet » on an expense in the console (issue 20: every write has its correction), in
 * real headless Chromium against a local stack. An expense booked on one project through the API is
 * moved by the trésorier to a 50/50 split with another (its projects preselected; the same project
 * twice and a split short of 100 % refused in French, the button off; a reason; a confirmation
 * naming the projects before and after), which the API posts to /allocation with the expense's
 * grants unchanged: the list shows both projects at 50 %, GET /v1/expenses?project= and
 * GET /v1/ledger/entries?project= find it on the second one, the history says « Projet changé ».
 * Then moved back to « Aucun projet ». Screenshots go to /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldName } from "../web/console/src/problems.js";
import { launchChromium } from "./support/chromium.js";
import { openScreen, signInConsole } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
const thisYear = Number(today.slice(0, 4));

let stack: TestStack;
let browser: Browser;
let expenseId: string;
const pageErrors: string[] = [];

type Json = Record<string, any>;
const api = async (method: string, path: string, body?: unknown) => {
  const res = await stack.call(method, path, { body, role: "tresorier" });
  return { status: res.status, body: (await res.json()) as Json };
};
const pieceRefsOn = async (project: string) =>
  ((await api("GET", `/v1/expenses?year=${thisYear}&project=${project}`)).body.items as Json[]).map((e) => e.pieceRef);
/** The ledger's lines on a project today, as [account, debit, credit]. */
const ledgerLinesOn = async (project: string) => {
  const r = await stack.call("GET", `/v1/ledger/entries?project=${project}&from=${today}&to=${today}&limit=100`, { role: "auditor" });
  expect(r.status).toBe(200);
  const items = ((await r.json()) as { items: Json[] }).items;
  return items.flatMap((e) => (e.lines as Json[]).filter((l) => l.project === project).map((l) => [e.pieceRef, l.account, l.debit, l.credit]));
};

beforeAll(async () => {
  stack = await startTestStack();
  for (const [code, name] of [
    ["ECOLE", "École du numérique"],
    ["JARDIN", "Jardins partagés"],
  ]) {
    expect((await api("POST", "/v1/projects", { code, name })).status).toBe(201);
  }
  const r = await api("POST", "/v1/expenses", {
    date: today,
    supplier: "Graineterie du Val",
    account: "606",
    amount: 12_000,
    label: "Semences",
    pieceRef: "GV-1",
    project: "ECOLE",
  });
  expect(r.status).toBe(201);
  expenseId = r.body.id;
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = () => signInConsole(browser, stack.url, { errors: pageErrors });

const expenses = (page: Page) => openScreen(page, "#/depenses", "Dépenses");

describe("« Changer de projet » on an expense in the console", () => {
  it("an expense on one project moved to a 50/50 split (same project twice refused), then back to « Aucun projet »", { timeout: 180_000 }, async () => {
    const page = await signIn();
    await expenses(page);
    const row = page.locator("tr", { hasText: "GV-1" });
    await poll(() => row.locator(".expense-projects").textContent()).toBe("École du numérique");

    const openFix = async () => {
      await page.getByRole("button", { name: "Corriger la dépense GV-1 (Graineterie du Val)" }).click();
      const panel = page.getByRole("region", { name: "Corriger la dépense GV-1 — Graineterie du Val" });
      await panel.getByText("Dépense enregistrée").waitFor();
      await panel.getByLabel("Changer de projet").check();
      return panel;
    };
    let panel = await openFix();
    // Its project preselected; no date asked (the API dates the entry today).
    const one = panel.getByLabel("Projet", { exact: true });
    expect(await one.inputValue()).toBe("ECOLE");
    expect(await one.locator("option").allTextContents()).toEqual(["Aucun projet", "École du numérique", "Jardins partagés"]);
    expect(await panel.getByLabel("Date").count()).toBe(0);
    const save = panel.getByRole("button", { name: "Enregistrer la correction" });
    // Unchanged: nothing to send.
    await panel.getByLabel("Motif").fill("Atelier semis partagé avec le jardin");
    expect(await save.isDisabled()).toBe(true);

    // A split: the current project first; the same project twice, then 50 + 40, refused in French.
    await panel.getByLabel("Répartir entre plusieurs projets").check();
    expect(await panel.getByLabel("Projet n° 1", { exact: true }).inputValue()).toBe("ECOLE");
    await panel.getByLabel("Part (%) du projet n° 1", { exact: true }).fill("50");
    await panel.getByLabel("Projet n° 2", { exact: true }).selectOption("ECOLE");
    await panel.getByLabel("Part (%) du projet n° 2", { exact: true }).fill("50");
    const status = panel.getByTestId("split-status");
    await poll(() => status.textContent()).toContain("Chaque projet ne figure qu'une fois dans la répartition.");
    expect(await save.isDisabled()).toBe(true);
    await panel.getByLabel("Projet n° 2", { exact: true }).selectOption("JARDIN");
    await panel.getByLabel("Part (%) du projet n° 2", { exact: true }).fill("40");
    await poll(() => status.textContent()).toMatch(/Reste à répartir : 10 %\..*Les parts font 90 % : elles doivent faire 100 % pour changer de projet\./);
    expect(await save.isDisabled()).toBe(true);
    await panel.getByLabel("Part (%) du projet n° 2", { exact: true }).fill("50");
    await poll(() => status.textContent()).toMatch(/Les parts font 100 %\./);
    expect(await save.isDisabled()).toBe(false);

    // What is sent: the grants as they are, the new projects, the reason.
    let sent: Json | undefined;
    page.on("request", (req) => {
      if (req.method() === "POST" && req.url().endsWith(`/v1/expenses/${expenseId}/allocation`)) sent = req.postDataJSON() as Json;
    });
    await save.click();
    const dialog = page.getByRole("dialog", { name: "Changer le projet de la dépense" });
    await dialog.waitFor();
    const said = (await dialog.textContent())?.replace(/\s/g, " ") ?? "";
    expect(said).toContain("passera de « École du numérique » à « École du numérique » (50 %), « Jardins partagés » (50 %)");
    expect(said).toContain("120,00 €");
    expect(said).toContain("ne s'efface pas");
    await page.screenshot({ path: join(SCREENS, "expenses-projects-correction-confirm.png"), fullPage: true });
    // Cancelled first: nothing is written.
    await dialog.getByRole("button", { name: "Annuler" }).click();
    expect(await pieceRefsOn("JARDIN")).toEqual([]);
    await save.click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirmer" }).click();
    await page.getByText("Dépense GV-1 : désormais sur « École du numérique » (50 %), « Jardins partagés » (50 %).").waitFor();
    expect(sent).toEqual({
      grants: [],
      projects: [
        { projectId: "ECOLE", share: 0.5 },
        { projectId: "JARDIN", share: 0.5 },
      ],
      reason: "Atelier semis partagé avec le jardin",
    });

    // The list shows both projects by name, at 50 % each.
    await poll(() => row.locator(".expense-projects").textContent()).toBe("École du numérique (50 %)Jardins partagés (50 %)");
    // The API: the expense is on the garden now, and the ledger holds its line there.
    expect(await pieceRefsOn("JARDIN")).toEqual(["GV-1"]);
    expect(await pieceRefsOn("ECOLE")).toEqual(["GV-1"]);
    const e = (await api("GET", `/v1/expenses/${expenseId}`)).body;
    expect(e.projects).toEqual([
      { projectId: "ECOLE", share: 0.5 },
      { projectId: "JARDIN", share: 0.5 },
    ]);
    expect(e.history.at(-1)).toMatchObject({ kind: "allocation", reason: "Atelier semis partagé avec le jardin", by: { role: "tresorier" } });
    expect(await ledgerLinesOn("JARDIN")).toEqual([["GV-1", "606", 6_000, 0]]);

    // The history says « Projet changé », to which projects, who and why.
    panel = await openFix();
    await panel
      .getByText(
        /Projet changé le .*: désormais sur « École du numérique » \(50 %\), « Jardins partagés » \(50 %\).*par Trésorier.*« Atelier semis partagé avec le jardin »/,
      )
      .waitFor();
    expect(await panel.getByText("Répartition entre subventions").count()).toBe(0);
    // The split preselected as it is now.
    expect(await panel.getByLabel("Répartir entre plusieurs projets").isChecked()).toBe(true);
    expect(await panel.getByLabel("Projet n° 2", { exact: true }).inputValue()).toBe("JARDIN");
    expect(await panel.getByLabel("Part (%) du projet n° 2", { exact: true }).inputValue()).toBe("50");
    await page.screenshot({ path: join(SCREENS, "expenses-projects-correction-console.png"), fullPage: true });

    // Back to « Aucun projet ».
    await panel.getByLabel("Répartir entre plusieurs projets").uncheck();
    await panel.getByLabel("Projet", { exact: true }).selectOption("");
    await panel.getByLabel("Motif").fill("Semences de l'association, hors projet");
    await save.click();
    const back = page.getByRole("dialog", { name: "Changer le projet de la dépense" });
    await back.waitFor();
    expect((await back.textContent())?.replace(/\s/g, " ")).toContain("passera de « École du numérique » (50 %), « Jardins partagés » (50 %) à aucun projet");
    await back.getByRole("button", { name: "Confirmer" }).click();
    await page.getByText("Dépense GV-1 : plus sur aucun projet.").waitFor();
    await poll(() => row.locator(".expense-projects").textContent()).toBe("—");
    expect(sent).toMatchObject({ grants: [], projects: [] });
    expect((await api("GET", `/v1/expenses/${expenseId}`)).body.projects).toEqual([]);
    expect(await pieceRefsOn("JARDIN")).toEqual([]);
    expect(await pieceRefsOn("ECOLE")).toEqual([]);
    // The garden's line is reversed in the ledger, nothing erased.
    expect(await ledgerLinesOn("JARDIN")).toEqual([
      ["GV-1", "606", 6_000, 0],
      ["GV-1", "606", 0, 6_000],
    ]);
    expect(pageErrors).toEqual([]);
  });
});

describe("the API's project fields in the console's words", () => {
  it("project, projects and projects.N.share are named as the forms label them", () => {
    expect(fieldName("project")).toBe("Projet");
    expect(fieldName("projects")).toBe("Répartition entre projets");
    expect(fieldName("projects.0.share")).toBe("Projet 1 : Part");
    expect(fieldName("projects.1.projectId")).toBe("Projet 2");
    expect(fieldName("lines.0.project")).toBe("Ligne 1 : Projet");
  });
});
