/** Projects, splits and budgets through the in-memory adapter, with the ledger's project balances. */
import { describe, expect, it } from "vitest";
import { memoryDb } from "../db/memory.js";
import { ValidationError } from "../errors.js";
import { chartOfAccounts, entryHash, postEntry, projectBalances, toLines, trialBalance, verifyChain, type Entry } from "../ledger/index.js";
import {
  buildCompteRendu,
  compareBudget,
  compteRenduCsv,
  createProject,
  listProjects,
  NO_BUDGET_BY_RUBRIQUE,
  reportDue,
  sixMonthsAfter,
  splitAmount,
  splitFaults,
} from "./index.js";

describe("splitting an amount between projects", () => {
  it("by shares: the parts add up to the amount to the cent, the cents left going to the largest remainders", () => {
    expect(
      splitAmount(10_000, [
        { projectId: "A", share: 0.6 },
        { projectId: "B", share: 0.4 },
      ]),
    ).toEqual([
      { project: "A", amount: 6_000 },
      { project: "B", amount: 4_000 },
    ]);
    const thirds = splitAmount(100, [
      { projectId: "A", share: 0.3333 },
      { projectId: "B", share: 0.3333 },
      { projectId: "C", share: 0.3334 },
    ]);
    expect(thirds.reduce((s, p) => s + p.amount, 0)).toBe(100);
    for (const amount of [1, 7, 99, 12_345, 1_000_001])
      expect(
        splitAmount(amount, [
          { projectId: "A", share: 0.125 },
          { projectId: "B", share: 0.875 },
        ]).reduce((s, p) => s + p.amount, 0),
      ).toBe(amount);
  });
  it("refuses shares not adding to 100 %, amounts not adding to the total, a project twice, shares mixed with amounts", () => {
    expect(
      splitFaults(100, [
        { projectId: "A", share: 0.6 },
        { projectId: "B", share: 0.3 },
      ])[0]?.message,
    ).toContain("90 %");
    expect(
      splitFaults(100, [
        { projectId: "A", amount: 60 },
        { projectId: "B", amount: 30 },
      ])[0]?.message,
    ).toContain("90 cents");
    expect(
      splitFaults(100, [
        { projectId: "A", amount: 50 },
        { projectId: "A", amount: 50 },
      ]).map((e) => e.path),
    ).toEqual(["split.1.projectId"]);
    expect(
      splitFaults(100, [
        { projectId: "A", amount: 50 },
        { projectId: "B", share: 0.5 },
      ]),
    ).toHaveLength(1);
    expect(() => splitAmount(100, [{ projectId: "A", share: 0.5 }])).toThrow(ValidationError);
  });
});

describe("lines carrying a project", () => {
  it("a split line becomes one line per project; the project balances follow; the trial balance is unchanged", async () => {
    const db = memoryDb();
    await createProject(db, { code: "ECOLE", name: "École du numérique" });
    await createProject(db, { code: "jardin", name: "Jardins partagés" });
    expect((await listProjects(db)).map((p) => p.code)).toEqual(["ECOLE", "JARDIN"]);
    const e = await postEntry(db, {
      journal: "OD",
      date: "2024-03-04",
      label: "Fournitures",
      pieceRef: "F-1",
      lines: [
        {
          account: "606",
          debit: 10_001,
          split: [
            { projectId: "ECOLE", share: 0.5 },
            { projectId: "JARDIN", share: 0.5 },
          ],
        },
        { account: "512", credit: 10_001 },
      ],
    });
    expect(e.lines.map((l) => [l.account, l.debit, l.credit, l.project ?? null])).toEqual([
      ["606", 5_001, 0, "ECOLE"],
      ["606", 5_000, 0, "JARDIN"],
      ["512", 0, 10_001, null],
    ]);
    const pb = await projectBalances(db, 2024);
    expect(pb.accounts.map((a) => [a.project, a.account, a.balance])).toEqual([
      ["ECOLE", "606", 5_001],
      ["JARDIN", "606", 5_000],
    ]);
    expect((await projectBalances(db, 2024, "JARDIN")).accounts).toHaveLength(1);
    expect((await trialBalance(db, 2024)).accounts.find((a) => a.account === "606")?.balance).toBe(10_001);
    expect(await verifyChain(db)).toMatchObject({ ok: true });
  });
  it("an unknown project is refused, naming the line, and nothing is written", async () => {
    const db = memoryDb();
    const err = await postEntry(db, {
      journal: "OD",
      date: "2024-03-04",
      label: "Fournitures",
      pieceRef: "F-1",
      lines: [
        { account: "606", debit: 100, project: "NOPE" },
        { account: "512", credit: 100 },
      ],
    }).catch((x) => x);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual([{ path: "lines.0.project", message: "unknown project NOPE" }]);
    expect((await trialBalance(db, 2024)).accounts).toEqual([]);
  });
  it("a line without a project hashes as before; a project changes the hash", () => {
    const base: Entry = {
      id: "x",
      journal: "OD",
      year: 2024,
      date: "2024-01-02",
      label: "l",
      pieceRef: "p",
      pieceDate: "2024-01-02",
      lines: toLines([
        { account: "606", debit: 100 },
        { account: "512", credit: 100 },
      ]),
      status: "validated",
      createdAt: "",
      seq: 1,
      number: 1,
      validDate: "2024-01-02",
    };
    const before = entryHash(base, "0");
    // The content hashed before projects existed: a line was [account, debit, credit, label].
    expect(before).toBe(entryHash({ ...base, lines: base.lines.map((l) => ({ ...l })) }, "0"));
    expect(entryHash({ ...base, lines: [{ ...base.lines[0]!, project: "ECOLE" }, base.lines[1]!] }, "0")).not.toBe(before);
  });
});

describe("budget against actual", () => {
  it("per account and CERFA row; the totals are the balances' produits and charges", () => {
    const c = compareBudget({
      year: 2024,
      project: null,
      budget: [
        { account: "606", project: "ECOLE", amount: 50_000 },
        { account: "606", project: null, amount: 10_000 },
        { account: "7541", project: null, amount: 200_000 },
      ],
      actuals: [
        { account: "606", balance: 70_000 },
        { account: "6226", balance: 5_000 },
        { account: "7541", balance: -150_000 },
        { account: "512", balance: 75_000 },
        { account: "864", balance: 1_000 },
        { account: "870", balance: -1_000 },
      ],
      labelOf: (a) => `compte ${a}`,
    });
    const r60 = c.rubriques.find((r) => r.rubrique === "60")!;
    expect(r60).toMatchObject({ budget: 60_000, actual: 70_000, gap: 10_000 });
    expect(c.rubriques.find((r) => r.rubrique === "62")).toMatchObject({ budget: 0, actual: 5_000, gapShare: null });
    expect(c.totals.charges).toMatchObject({ budget: 60_000, actual: 75_000 });
    expect(c.totals.produits).toMatchObject({ budget: 200_000, actual: 150_000, gap: -50_000, gapShare: -0.25 });
    expect(c.totals.result).toEqual({ budget: 140_000, actual: 75_000, gap: -65_000 });
    expect(c.totals.emplois.actual).toBe(1_000);
    expect(c.totals.ressources.actual).toBe(1_000);
    expect(c.rubriques.some((r) => r.rubrique === "69")).toBe(false);
  });
});

describe("the compte-rendu financier's rules", () => {
  const grant = {
    id: "g",
    title: "Ateliers",
    funderName: "Fondation",
    amount: 100_000,
    agreementDate: "2025-01-10",
    agreementRef: null,
    startDate: "2025-01-01",
    endDate: "2025-08-31",
    restricted: true,
    recognised: 100_000,
    spent: 70_000,
    incomeAccount: "7551",
    reportingDeadlines: [] as { kind: "interim" | "final"; dueDate: string }[],
  };
  it("is due six months after the end (the month's last day when shorter), or on the last final deadline", () => {
    expect(sixMonthsAfter("2025-08-31")).toBe("2026-02-28");
    expect(sixMonthsAfter("2024-12-31")).toBe("2025-06-30");
    expect(sixMonthsAfter("2025-06-15")).toBe("2025-12-15");
    expect(reportDue(grant, "2025-08-31")).toMatchObject({ dueDate: "2026-02-28", status: "en-cours" });
    expect(reportDue(grant, "2025-09-01")).toMatchObject({ status: "a-remettre", daysLeft: 180 });
    expect(reportDue(grant, "2026-03-01").status).toBe("en-retard");
    const deadlines = [
      { kind: "final" as const, dueDate: "2025-12-31" },
      { kind: "interim" as const, dueDate: "2025-04-30" },
      { kind: "final" as const, dueDate: "2026-01-31" },
    ];
    expect(reportDue({ ...grant, reportingDeadlines: deadlines }, "2025-10-01").dueDate).toBe("2026-01-31");
  });
  it("without a project, the action is the grant: charges its expenses, produit the grant, and the list ties to the total spent", () => {
    const cr = buildCompteRendu({
      association: "Asso",
      grant,
      project: null,
      years: [2025],
      budget: [],
      actuals: [],
      expenses: [
        { id: "1", date: "2025-03-01", supplier: "A", account: "606", label: "a", pieceRef: "F1", total: 50_000, amount: 40_000 },
        { id: "2", date: "2025-02-01", supplier: "B", account: "6226", label: "b", pieceRef: "F2", total: 30_000, amount: 30_000 },
      ],
      labelOf: (a) => a,
      today: "2025-09-15",
    });
    expect(cr.expenses.items.map((e) => e.pieceRef)).toEqual(["F2", "F1"]);
    expect(cr.tie).toEqual({ listed: 70_000, spent: 70_000, difference: 0 });
    expect(cr.comparison.totals.charges).toMatchObject({ budget: 0, actual: 70_000 });
    expect(cr.comparison.totals.produits).toMatchObject({ budget: 100_000, actual: 100_000, gap: 0 });
    expect(cr.grantShare).toEqual({ amount: 100_000, ofBudget: 1, ofActual: 1.4286 });
    // No budget by rubrique (the grant's income only): no charge line is asked to explain, said once.
    expect(cr.gapsToExplain).toEqual([]);
    expect(cr).toMatchObject({ budgetByRubrique: false, budgetNote: NO_BUDGET_BY_RUBRIQUE });
    const csv = compteRenduCsv(cr);
    expect(csv).toContain(";;Total des charges;0,00;700,00;700,00;\r\n");
    expect(csv).toContain("Total;;;;;;700,00\r\n");
  });
});

describe("an entry the sequencer can validate", () => {
  // Bug: 48 lines on 48 accounts, each with a project, need 145 transaction items: the entry would stay a draft forever.
  it("refuses an entry whose lines, balances and project balances cannot fit in one validation", async () => {
    const db = memoryDb();
    await createProject(db, { code: "ECOLE", name: "École" });
    const accounts = chartOfAccounts
      .filter((a) => a.number.startsWith("6"))
      .slice(0, 23)
      .map((a) => a.number);
    expect(accounts).toHaveLength(23);
    await createProject(db, { code: "JARDIN", name: "Jardins" });
    const lines = accounts.flatMap((account) => [
      { account, debit: 100, project: "ECOLE" },
      { account, debit: 100, project: "JARDIN" },
    ]);
    const err = await postEntry(db, {
      journal: "OD",
      date: "2024-03-04",
      label: "Beaucoup",
      pieceRef: "B-1",
      lines: [...lines, { account: "512", credit: 100 * lines.length }],
    }).catch((x) => x);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors[0]?.path).toBe("lines");
    const fits = await postEntry(db, {
      journal: "OD",
      date: "2024-03-04",
      label: "Assez",
      pieceRef: "B-2",
      lines: [...lines.slice(0, 20), { account: "512", credit: 2_000 }],
    });
    expect(fits.status).toBe("validated");
  });
});
