import { describe, expect, it } from "vitest";
import { ledgerChecks, type LedgerChecksInput } from "./closing-checks.js";
import { allocationLines } from "./result-allocation.js";

const base: LedgerChecksInput = { year: 2024, today: "2025-02-10", years: [{ year: 2024, status: "open", entries: 3 }], accounts: [], pendingDrafts: 0 };
const acc = (account: string, balance: number) => ({
  account,
  label: `Compte ${account}`,
  debit: Math.max(balance, 0),
  credit: Math.max(-balance, 0),
  balance,
});
const byId = (input: Partial<LedgerChecksInput>) => new Map(ledgerChecks({ ...base, ...input }).map((i) => [i.id, i]));

describe("the ledger's points of the closing checklist", () => {
  it("everything ok on a clean year that has ended", () => {
    expect([...byId({}).values()].every((i) => i.status === "ok")).toBe(true);
  });
  it("the year not ended, the year before open, drafts waiting: blocking", () => {
    expect(byId({ today: "2024-12-31" }).get("year-ended")?.status).toBe("blocking");
    expect(byId({ years: [{ year: 2023, status: "open", entries: 1 }, ...base.years] }).get("previous-year")).toMatchObject({
      status: "blocking",
      figures: { years: "2023" },
    });
    expect(byId({ years: [{ year: 2023, status: "open", entries: 0 }, ...base.years] }).get("previous-year")?.status).toBe("ok");
    expect(byId({ pendingDrafts: 2 }).get("drafts")).toMatchObject({ status: "blocking", figures: { drafts: 2 } });
  });
  it("a suspense or internal-transfer account not at zero is blocking, with its balance", () => {
    const items = byId({ accounts: [acc("471", 1000), acc("4711", -200), acc("580", 50), acc("512", 999)] });
    expect(items.get("suspense")).toMatchObject({ status: "blocking", figures: { "471": 1000, "4711": -200, "580": 50 } });
  });
  it("social and tax debts (credit balances on 421, 43x, 44x but 441) are a warning with their figures", () => {
    const items = byId({ accounts: [acc("421", -5000), acc("431", -2000), acc("44571", -300), acc("441", -999), acc("4421", 100)] });
    expect(items.get("social-tax-debts")).toMatchObject({ status: "warning", figures: { "421": 5000, "431": 2000, "44571": 300, total: 7300 } });
  });
  it("entries dated beyond the year after the current one are a warning", () => {
    const items = byId({ years: [...base.years, { year: 2026, status: "open", entries: 1 }, { year: 2200, status: "open", entries: 2 }] });
    expect(items.get("far-ahead")).toMatchObject({ status: "warning", figures: { years: "2200", entries: 2 } });
  });
  it("an unpaid 4419 (a repayment owed to a public funder) shows among the debts, 441 receivables still do not", () => {
    const items = byId({ accounts: [acc("4419", -1500), acc("44191", -500), acc("441", 8000), acc("4411", -700)] });
    expect(items.get("social-tax-debts")).toMatchObject({ status: "warning", figures: { "4419": 1500, "44191": 500, total: 2000 } });
    expect(items.get("social-tax-debts")?.figures).not.toHaveProperty("441");
    expect(items.get("social-tax-debts")?.figures).not.toHaveProperty("4411");
    // A 4419 with a debit balance owes nothing.
    expect(byId({ accounts: [acc("4419", 300), acc("441", -200)] }).get("social-tax-debts")?.status).toBe("ok");
  });
  it("the far-ahead detail says to correct entries where they were made, not to reverse them (the ledger refuses that for a domain's entries)", () => {
    const detail = byId({ years: [...base.years, { year: 2200, status: "open", entries: 2 }] }).get("far-ahead")!.detail;
    expect(detail).not.toContain("Extournez-les");
    expect(detail).toContain("là où chaque écriture a été faite");
    expect(detail).toContain("saisie à la main");
  });
});

describe("the result allocation's lines", () => {
  it("a surplus: 120 debited, each destination credited", () => {
    expect(
      allocationLines(
        1000,
        [
          { account: "110", amount: 400 },
          { account: "1068", amount: 600 },
        ],
        "x",
      ).map((l) => [l.account, l.debit, l.credit]),
    ).toEqual([
      ["120", 1000, 0],
      ["110", 0, 400],
      ["1068", 0, 600],
    ]);
  });
  it("a deficit: 129 credited, each destination debited", () => {
    expect(allocationLines(-700, [{ account: "119", amount: 700 }], "x").map((l) => [l.account, l.debit, l.credit])).toEqual([
      ["129", 0, 700],
      ["119", 700, 0],
    ]);
  });
});
