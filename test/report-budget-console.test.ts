/**
 * « Budget et réalisé » on the console's report screen, in real headless Chromium: a budget set
 * through the API (`PUT /v1/budgets/{year}`, the books' and a project's lines) and a few entries
 * booked, the délégation générale opens the annual report's figures; each rubrique's budget,
 * réalisé and écart, the totals and the result are those of `GET /v1/budgets/{year}/comparison`,
 * named by rubrique (not by account number alone), the large gaps said in words, the project's
 * table; a year without a budget says so in one sentence. A screenshot goes to
 * /work/team/screens/ (or CONSOLE_SCREENS).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEuros, formatPercent } from "../web/console/src/money.js";
import { launchChromium } from "./support/chromium.js";
import { signInConsole } from "./support/console.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";
type Json = Record<string, any>;
let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];

async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}
const entry = (date: string, lines: Json[], pieceRef: string) =>
  call("POST", "/v1/ledger/entries", { journal: "OD", date, label: "Écriture du test", pieceRef, lines });
/** Text as a person reads it: no-break spaces as spaces, runs of blanks as one. */
const flat = (s: string | null) =>
  (s ?? "")
    .replace(/[\u00a0\u202f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
const signed = (c: number) => flat(c > 0 ? `+${formatEuros(c)}` : formatEuros(c));

beforeAll(async () => {
  stack = await startTestStack();
  expect((await call("POST", "/v1/projects", { code: "ECOLE", name: "École du numérique" })).status).toBe(201);
  for (const [date, lines, ref] of [
    [
      "2025-03-10",
      [
        { account: "6226", debit: 180_000, project: "ECOLE" },
        { account: "512", credit: 180_000 },
      ],
      "T-1",
    ],
    [
      "2025-04-02",
      [
        { account: "512", debit: 500_000 },
        { account: "7541", credit: 500_000 },
      ],
      "T-2",
    ],
    [
      "2025-05-15",
      [
        { account: "6064", debit: 12_000 },
        { account: "512", credit: 12_000 },
      ],
      "T-3",
    ],
    // 2024 has books but no budget: the screen says none was voted.
    [
      "2024-06-01",
      [
        { account: "512", debit: 10_000 },
        { account: "7541", credit: 10_000 },
      ],
      "T-4",
    ],
  ] as [string, Json[], string][]) {
    const r = await entry(date, lines, ref);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const put = await call("PUT", "/v1/budgets/2025", {
    lines: [
      { account: "6226", project: "ECOLE", amount: 100_000 },
      { account: "606", amount: 50_000 },
      { account: "7541", amount: 400_000 },
      // A produit budgeted and not received: under its budget.
      { account: "706", amount: 30_000 },
    ],
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const signIn = () => signInConsole(browser, stack.url, { role: "delegation", errors: pageErrors, timeout: 15_000 });

/** The cells of a table row, read as text. */
const cells = async (row: Locator) => (await row.locator("th, td").allTextContents()).map(flat);

describe("« Budget et réalisé » on the report screen", () => {
  it("shows the budget comparison's figures per rubrique, the totals, the result, the large gaps in words and the project's table", {
    timeout: 90_000,
  }, async () => {
    const c = (await call("GET", "/v1/budgets/2025/comparison", undefined, "delegation")).body;
    expect(c.totals.charges).toMatchObject({ budget: 150_000, actual: 192_000 });
    const page = await signIn();
    await page.goto(`${stack.url}/console/#/rapport/chiffres`);
    await page.getByLabel("Exercice").selectOption("2025");
    const card = page.locator("section.budget-report");
    await card.getByRole("heading", { name: "Budget et réalisé", exact: true }).waitFor();
    await card.locator("table").first().waitFor();

    // Rubrique by rubrique: the comparison's budget, réalisé and écart, the rubrique named in words.
    let large = 0;
    for (const side of ["charges", "produits"] as const) {
      const table = card.locator(`table[data-side="${side}"]`);
      for (const r of c.rubriques.filter((x: Json) => x.side === side)) {
        const label = `${r.rubrique} – ${r.label}`;
        expect(r.label, "a rubrique has a name, not a number only").toMatch(/[a-zé]{3}/i);
        const row = table.locator("tbody tr").filter({ has: page.getByRole("cell", { name: label, exact: true }) });
        expect(await row.count(), label).toBe(1);
        const [name, budget, actual, gap, , remark] = await cells(row);
        expect([name, budget, actual, gap], label).toEqual([label, flat(formatEuros(r.budget)), flat(formatEuros(r.actual)), signed(r.gap)]);
        // A large gap (7541: +1 000 €, 25 %) is said in words; the others are not marked.
        const isLarge = Math.abs(r.gap) >= 100_000 && (r.budget === 0 || Math.abs(r.gap / r.budget) >= 0.15);
        expect(remark, label).toBe(isLarge ? "Écart important" : "");
        if (isLarge) large++;
      }
      const total = await cells(table.locator("tfoot tr"));
      const t = c.totals[side];
      expect(total.slice(0, 4)).toEqual([
        side === "charges" ? "Total des charges" : "Total des produits",
        flat(formatEuros(t.budget)),
        flat(formatEuros(t.actual)),
        signed(t.gap),
      ]);
    }
    expect(large, "the 7541 row's gap is large").toBeGreaterThanOrEqual(1);
    const result = await cells(card.locator('table[data-side="result"] tbody tr').first());
    expect(result.slice(0, 4)).toEqual([
      "Résultat (produits − charges) : excédent",
      flat(formatEuros(c.totals.result.budget)),
      flat(formatEuros(c.totals.result.actual)),
      signed(c.totals.result.gap),
    ]);
    await card.getByText(`Écart important : au moins ${flat(formatPercent(0.15))} du budget`).waitFor();
    // No account number as the only label in the block.
    for (const text of await card.locator("td:first-child, th[scope=row]").allTextContents()) expect(flat(text)).not.toMatch(/^\d+$/);

    // The project's table: the project's own comparison.
    const p = (await call("GET", "/v1/budgets/2025/comparison?project=ECOLE", undefined, "delegation")).body;
    const project = card.locator('table[data-project="ECOLE"]');
    await project.getByText("École du numérique (ECOLE)").waitFor();
    expect((await cells(project.locator("tbody tr").first())).slice(0, 4)).toEqual([
      "Charges",
      flat(formatEuros(p.totals.charges.budget)),
      flat(formatEuros(p.totals.charges.actual)),
      signed(p.totals.charges.gap),
    ]);
    expect(p.totals.charges).toMatchObject({ budget: 100_000, actual: 180_000 });
    expect((await cells(project.locator("tfoot tr"))).slice(0, 4)).toEqual([
      "Résultat",
      flat(formatEuros(p.totals.result.budget)),
      flat(formatEuros(p.totals.result.actual)),
      signed(p.totals.result.gap),
    ]);
    await page.locator('section[aria-labelledby="r-income"] tbody tr').first().waitFor();
    await page.screenshot({ path: join(SCREENS, "report-budget-2025.png"), fullPage: true });
    await page.close();
  });

  it("bug: every negative gap was red — charges over budget and produits under budget are in the warning colour, an underspent charge or produits over budget are not", {
    timeout: 90_000,
  }, async () => {
    const c = (await call("GET", "/v1/budgets/2025/comparison", undefined, "delegation")).body;
    const page = await signIn();
    await page.goto(`${stack.url}/console/#/rapport/chiffres`);
    await page.getByLabel("Exercice").selectOption("2025");
    const card = page.locator("section.budget-report");
    await card.locator("table").first().waitFor();
    const warned = async (row: Locator) => ((await row.locator("th, td").nth(3).getAttribute("class")) ?? "").split(/\s+/).includes("neg");
    const seen = { underspent: 0, chargeOver: 0, produitUnder: 0, produitOver: 0 };
    for (const side of ["charges", "produits"] as const) {
      const table = card.locator(`table[data-side="${side}"]`);
      for (const r of c.rubriques.filter((x: Json) => x.side === side)) {
        const label = `${r.rubrique} – ${r.label}`;
        const row = table.locator("tbody tr").filter({ has: page.getByRole("cell", { name: label, exact: true }) });
        const bad = side === "charges" ? r.gap > 0 : r.gap < 0;
        expect(await warned(row), `${label}: ${r.gap}`).toBe(bad);
        if (side === "charges") r.gap < 0 ? seen.underspent++ : r.gap > 0 && seen.chargeOver++;
        else r.gap < 0 ? seen.produitUnder++ : r.gap > 0 && seen.produitOver++;
      }
      const t = c.totals[side];
      expect(await warned(table.locator("tfoot tr")), `total ${side}`).toBe(side === "charges" ? t.gap > 0 : t.gap < 0);
    }
    // The data hold each case: 60 underspent (−380 €), 62 over (+800 €), 70 not received (−300 €), 75 over (+1 000 €).
    expect(seen).toEqual({ underspent: 1, chargeOver: 1, produitUnder: 1, produitOver: 1 });
    // The signs stay in the text.
    const sixty = card.locator('table[data-side="charges"] tbody tr').filter({ hasText: /^60 – / });
    expect((await cells(sixty))[3]).toMatch(/^-/);
    // A result over its budget is not a warning; the project's charges over budget are.
    expect(c.totals.result.gap).toBeGreaterThan(0);
    expect(await warned(card.locator('table[data-side="result"] tbody tr').first())).toBe(false);
    expect(await warned(card.locator('table[data-project="ECOLE"] tbody tr').first())).toBe(true);
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it("a year without a budget says so in one sentence", { timeout: 60_000 }, async () => {
    expect((await call("GET", "/v1/reports/2024/figures", undefined, "delegation")).body.budget).toBeNull();
    const page = await signIn();
    await page.goto(`${stack.url}/console/#/rapport/chiffres`);
    await page.getByLabel("Exercice").selectOption("2024");
    const card = page.locator("section.budget-report");
    await card.getByText("Aucun budget n'a été voté pour l'exercice 2024 : pas de comparaison entre budget et réalisé.").waitFor();
    expect(await card.locator("table").count()).toBe(0);
    await page.screenshot({ path: join(SCREENS, "report-budget-none-2024.png"), fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
