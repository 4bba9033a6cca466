/**
 * The demo books of `npm run dev`: 2024's foundation money goes through the grants domain and the
 * year keeps the activity report's shape (individual gifts 7.8 % of income, other purchases and
 * external charges 62 % of charges, income ≈ charges); the December 2024 convention is 2024 income.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { funderFiguresForYear, dedicatedFunds } from "@asso/core/grants";
import { DEMO_ONLINE_GIFTS_2024, seedDemo } from "../infra/demo.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  expect(await seedDemo()).toBe(true);
}, 180_000);
afterAll(() => stack.close());

type Json = Record<string, any>;
const get = async (path: string) => (await (await stack.call("GET", path, { role: "auditor" })).json()) as Json;

it("2024 keeps the activity report's shape, with the foundation money booked as grants", async () => {
  const tb = await get("/v1/ledger/trial-balance?year=2024");
  const bal = new Map<string, number>(tb.accounts.map((a: Json) => [a.account, a.balance]));
  const income = -tb.accounts.filter((a: Json) => a.account.startsWith("7")).reduce((s: number, a: Json) => s + a.balance, 0);
  const charges = tb.accounts.filter((a: Json) => a.account.startsWith("6")).reduce((s: number, a: Json) => s + a.balance, 0);
  const external = tb.accounts.filter((a: Json) => /^(60[4-8]|61|62)/.test(a.account)).reduce((s: number, a: Json) => s + a.balance, 0);
  expect(-(bal.get("7551") ?? 0)).toBe(26_500_000);
  expect(bal.get("755")).toBeUndefined();
  // The giving page's own 2024 gifts (seedGiving, not run here: test/demo.test.ts runs it) complete 7541 to 22 600 €.
  expect(-(bal.get("7541") ?? 0)).toBe(2_260_000 - DEMO_ONLINE_GIFTS_2024);
  expect(Math.round(((-(bal.get("7541") ?? 0) + DEMO_ONLINE_GIFTS_2024) / (income + DEMO_ONLINE_GIFTS_2024)) * 1000) / 10).toBe(7.8);
  expect(Math.round((external / charges) * 100)).toBe(62);
  expect(Math.abs(income - charges) / income).toBeLessThan(0.01);
  // The December convention: 2024 income, still receivable at the end of 2024, paid in January 2025.
  expect(bal.get("4687")).toBe(3_000_000);
  expect(bal.get("401") ?? 0).toBe(0);

  const funders = await get("/v1/funders");
  expect(funders.items.map((f: Json) => [f.name, f.kind]).sort()).toEqual([
    ["Association Finance Citoyenne (dissoute)", "association"],
    ["Fondation Crédit Coopératif", "foundation"],
    ["Fondation de France", "foundation"],
    ["Fonds de dotation Yes Futur", "endowment_fund"],
  ]);
  const fcc = funders.items.find((f: Json) => f.name === "Fondation Crédit Coopératif");
  const detail = await get(`/v1/funders/${fcc.id}`);
  expect(detail).toMatchObject({ awarded: 3_000_000, recognised: 3_000_000, received: 3_000_000, spent: 3_000_000, unspentRestricted: 0 });
  expect(detail.byYear).toEqual([
    { year: 2024, recognised: 3_000_000, received: 0, spent: 3_000_000 },
    { year: 2025, recognised: 0, received: 3_000_000, spent: 0 },
  ]);

  const funds = await get("/v1/grants/dedicated-funds?year=2024");
  expect(funds.pending).toEqual([]);
  expect(funds.rows.map((r: Json) => [r.title, r.recognised, r.spent, r.atEnd])).toEqual([
    ["Éducation populaire", 3_000_000, 3_000_000, 0],
    ["Programme 2024", 10_000_000, 10_000_000, 0],
  ]);

  const expenses = await get("/v1/expenses?year=2024");
  expect(expenses.items).toHaveLength(6);
  const survey = expenses.items.find((e: Json) => e.pieceRef === "F-STAT-2024");
  expect(survey.file).toMatchObject({ contentType: "application/pdf", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

  const fec = await (await stack.call("GET", "/v1/ledger/export?year=2024&format=fec", { role: "auditor" })).text();
  expect(fec).toContain("Fondation de France, programme 2024");
  const auxOf401 = new Set(
    fec
      .split("\r\n")
      .map((l) => l.split("\t"))
      .filter((f) => f[4] === "401")
      .map((f) => f[6]),
  );
  expect([...auxOf401].sort()).toEqual([
    "FAGENCERELAISRESEA",
    "FATELIERSILLAGEGRA",
    "FBUREAUXPARTAGESPA",
    "FCLAIREMOREAUSTATI",
    "FJULIENLEROYREDACT",
    "FSTUDIOHORIZONVIDE",
  ]);
});

it("the annual report's loaders: per funder the year's figures, and the fonds dédiés table", async () => {
  const figures = await funderFiguresForYear(stack.db, 2024);
  expect(figures.map((f) => [f.name, f.kind, f.awarded, f.recognised, f.received, f.spent, f.dedicatedFunds])).toEqual([
    ["Association Finance Citoyenne (dissoute)", "association", 7_500_000, 7_500_000, 7_500_000, 0, 0],
    ["Fondation Crédit Coopératif", "foundation", 3_000_000, 3_000_000, 0, 3_000_000, 0],
    ["Fondation de France", "foundation", 10_000_000, 10_000_000, 10_000_000, 10_000_000, 0],
    ["Fonds de dotation Yes Futur", "endowment_fund", 6_000_000, 6_000_000, 6_000_000, 0, 0],
  ]);
  const in2025 = await funderFiguresForYear(stack.db, 2025);
  expect(in2025.map((f) => [f.name, f.awarded, f.received])).toEqual([["Fondation Crédit Coopératif", 0, 3_000_000]]);
  const table = await dedicatedFunds(stack.db, 2024);
  expect(table.totals).toEqual({ atStart: 0, new: 0, used: 0, atEnd: 0, recognised: 13_000_000, spent: 13_000_000 });
});
