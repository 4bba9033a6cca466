/**
 * Correcting projects and budgets in real headless Chromium (issue 20 after review): « Corriger un
 * projet » renames a project with a reason (the code stays, the history shows it); a budget saved
 * from a stale tab is refused in French (412) and « Recharger le budget enregistré » brings back
 * what was saved; « Reprendre les réalisations » without a project copies only what no project
 * carried (not the whole books, which counted a project's lines twice); the spreadsheet import is
 * a French button. Screenshots go to /work/team/screens/ (or CONSOLE_SCREENS).
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

async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const res = await stack.call(method, path, { body, ...(headers ? { headers } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

beforeAll(async () => {
  stack = await startTestStack();
  expect((await call("POST", "/v1/projects", { code: "ECOLE", name: "Ecole du numerqiue" })).status).toBe(201);
  // Last year: 300 € on the project, 420 € on no project.
  for (const [pieceRef, lines] of [
    [
      "PASSE-ECOLE",
      [
        { account: "606", debit: 30_000, project: "ECOLE" },
        { account: "512", credit: 30_000 },
      ],
    ],
    [
      "PASSE-FONCT",
      [
        { account: "6064", debit: 42_000 },
        { account: "512", credit: 42_000 },
      ],
    ],
  ] as const)
    expect((await call("POST", "/v1/ledger/entries", { journal: "OD", date: `${thisYear - 1}-05-02`, label: "Dépense", pieceRef, lines })).status).toBe(201);
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = () => signInConsole(browser, stack.url, { errors: pageErrors });

const go = (page: Page, hash: string) => openScreen(page, `#/${hash}`, "Projets et budgets");

describe("correcting projects and budgets in the console", () => {
  it("« Corriger un projet » renames it with a reason; the code stays; its history shows the change", { timeout: 90_000 }, async () => {
    const page = await signIn();
    await go(page, "projets");
    await page.getByText("Corriger un projet (nom, description)").click();
    await page.getByLabel("Projet à corriger").selectOption("ECOLE");
    await expect(page.getByLabel("Nouveau nom").inputValue()).resolves.toBe("Ecole du numerqiue");
    const submit = page.getByRole("button", { name: "Enregistrer la correction" });
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel("Nouveau nom").fill("École du numérique");
    await page.getByLabel("Motif (facultatif)").fill("Faute de frappe");
    await submit.click();
    await page.getByText("Projet ECOLE corrigé : « École du numérique ».", { exact: false }).waitFor();
    await page.getByRole("rowheader", { name: "École du numérique (ECOLE)" }).waitFor();
    await page.getByText("« Ecole du numerqiue » → « École du numérique » — « Faute de frappe »", { exact: false }).waitFor();
    await page.screenshot({ path: join(SCREENS, "projects-correction.png"), fullPage: true });
    const list = await call("GET", "/v1/projects");
    expect(list.body.items).toEqual([expect.objectContaining({ code: "ECOLE", name: "École du numérique", version: 1 })]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it("bug: « Reprendre les réalisations » without a project copied the project's lines too; now only what no project carried", {
    timeout: 90_000,
  }, async () => {
    const page = await signIn();
    await go(page, "projets/budget");
    await page.getByLabel("Projet", { exact: true }).selectOption("");
    await page.getByRole("button", { name: `Reprendre les réalisations ${thisYear - 1}` }).click();
    await page.getByText(`1 compte repris des réalisations ${thisYear - 1}.`, { exact: false }).waitFor();
    await expect(page.getByLabel("Fournitures administratives (6064)").inputValue()).resolves.toBe("420,00");
    expect(await page.getByLabel("Achats non stockés de matières et fournitures (606)").count()).toBe(0);
    await page.getByLabel("Projet", { exact: true }).selectOption("ECOLE");
    await page.getByRole("button", { name: `Reprendre les réalisations ${thisYear - 1}` }).click();
    await page.getByText(`1 compte repris des réalisations ${thisYear - 1}.`, { exact: false }).waitFor();
    await expect(page.getByLabel("Achats non stockés de matières et fournitures (606)").inputValue()).resolves.toBe("300,00");
    // The spreadsheet import is a French button, not the browser's « Choose File ».
    const importButton = page.locator("label.file-button", { hasText: "Importer un tableur (CSV, XLSX)" });
    await importButton.waitFor();
    expect(await page.locator("#bu-file").getAttribute("class")).toContain("sr-only");
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it("a budget saved from a stale tab is refused in French, nothing overwritten; reloading shows what was saved (bug: the notice also said « rechargez la page », which loses what was typed)", {
    timeout: 90_000,
  }, async () => {
    const page = await signIn();
    await go(page, "projets/budget");
    await page.getByLabel("Projet", { exact: true }).selectOption("");
    // Meanwhile, someone else saves the year's budget.
    const before = await call("GET", `/v1/budgets/${thisYear}`);
    const other = await call("PUT", `/v1/budgets/${thisYear}`, { lines: [{ account: "613", amount: 90_000 }] }, { "if-match": `"${before.body.version}"` });
    expect(other.status).toBe(200);
    await page.getByRole("combobox", { name: "Ajouter un compte au budget" }).fill("6064");
    await page.getByRole("combobox", { name: "Ajouter un compte au budget" }).press("Enter");
    await page.getByLabel("Fournitures administratives (6064)").fill("500");
    await page.getByRole("button", { name: `Enregistrer le budget ${thisYear}` }).click();
    await page.getByText(`Le budget ${thisYear} a été enregistré entre-temps`, { exact: false }).waitFor();
    // Bug: the generic notice beside it said « rechargez la page », which loses what was typed; it says the button's way.
    expect(await page.getByRole("alert").allTextContents()).toEqual([
      expect.stringMatching(/Rechargez le budget enregistré, puis refaites votre modification/),
    ]);
    expect(await page.getByText(/rechargez la page/i).count()).toBe(0);
    await page.screenshot({ path: join(SCREENS, "projects-budget-stale.png"), fullPage: true });
    const kept = await call("GET", `/v1/budgets/${thisYear}`);
    expect(kept.body.lines.map((l: Json) => [l.account, l.amount])).toEqual([["613", 90_000]]);
    await page.getByRole("button", { name: /Recharger le budget enregistré/ }).click();
    await poll(() => page.getByLabel(/\(613\)$/).inputValue()).toBe("900,00");
    await page.getByLabel(/\(613\)$/).fill("950");
    await page.getByRole("button", { name: `Enregistrer le budget ${thisYear}` }).click();
    await page.getByText(`Budget ${thisYear} enregistré (1 ligne).`).waitFor();
    await poll(() => page.getByTestId("budget-saved").textContent()).toMatch(
      /^Version 2, enregistrée le \d{2}\/\d{2}\/\d{4} par Trésorier \(2 enregistrements depuis le premier\)\.$/,
    );
    const saved = await call("GET", `/v1/budgets/${thisYear}`);
    expect(saved.body).toMatchObject({ version: 2, lines: [expect.objectContaining({ account: "613", amount: 95_000 })] });
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
