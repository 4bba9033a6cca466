/** The annual report through the real HTTP surface: figures from a book posted through the ledger routes, the PDF, the CSV, social metrics. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { pdfText } from "./support/pdf-text.js";
import { ADDRESS, checkout, donation, pay } from "./support/giving.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_NAME: "Les Amis de l’Œuvre" });
  const book: Array<[string, string, string, string, number]> = [
    // 2023
    ["BQ", "2023-06-01", "512", "7541", 100_000],
    ["HA", "2023-07-01", "6226", "512", 60_000],
    // 2024
    ["BQ", "2024-02-01", "512", "7551", 900_000],
    ["BQ", "2024-03-01", "512", "7541", 78_000],
    ["BQ", "2024-03-02", "512", "756", 22_000],
    ["HA", "2024-04-01", "6226", "401", 620_000],
    ["BQ", "2024-05-01", "401", "512", 500_000],
    ["OD", "2024-06-30", "641", "421", 300_000],
    ["OD", "2024-06-30", "645", "431", 70_000],
    ["OD", "2024-12-31", "6895", "195", 10_000],
  ];
  for (const [journal, date, debit, credit, amount] of book) {
    const res = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal,
        date,
        label: `Écriture ${debit}/${credit}`,
        pieceRef: `P-${date}`,
        lines: [
          { account: debit, debit: amount },
          { account: credit, credit: amount },
        ],
      },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => stack.close());

interface Figures {
  year: number;
  income: {
    total: number;
    denominator: { label: string; amount: number };
    bySource: Array<{ source: string; amount: number; share: number }>;
    donorShare: number;
  };
  expenses: { total: number; byCategory: Array<{ category: string; accounts: string[]; amount: number; share: number }> };
  result: number;
  dedicatedFunds: { closing: number };
  social: Array<{ platform: string; followers: number | null; impressions: number | null; months: Array<Record<string, unknown>> }>;
  statements: {
    compteDeResultat: { totals: { produits: number; charges: number }; result: number };
    bilan: { totals: { actif: number; passif: number }; difference: number };
    unmapped: string[];
  };
  commentary: string[];
  previous: Figures;
}

const figures = async (year: number, role = "delegation") => {
  const res = await stack.call("GET", `/v1/reports/${year}/figures`, { role });
  expect(res.status).toBe(200);
  return (await res.json()) as Figures;
};

describe("figures", () => {
  it("income by source with shares and the stated denominator, charges by rubrique, result, year − 1 beside it", async () => {
    const f = await figures(2024);
    expect(f.income.total).toBe(1_000_000);
    expect(f.income.denominator).toEqual({ label: expect.stringMatching(/classe 7/), amount: 1_000_000 });
    expect(f.income.donorShare).toBe(0.078);
    expect(f.income.bySource.find((s) => s.source === "individual_gifts")).toMatchObject({ amount: 78_000, share: 0.078 });
    expect(f.income.bySource.find((s) => s.source === "foundation_contributions")).toMatchObject({ amount: 900_000, share: 0.9 });
    expect(f.expenses.total).toBe(1_000_000);
    expect(f.expenses.byCategory.find((c) => c.category === "charges-externes")).toMatchObject({ accounts: ["6226"], amount: 620_000, share: 0.62 });
    expect(f.expenses.byCategory.find((c) => c.category === "reports-fonds-dedies")).toMatchObject({ amount: 10_000 });
    expect(f.result).toBe(0);
    expect(f.dedicatedFunds.closing).toBe(10_000);
    expect(f.commentary).toContain("Les dons de particuliers représentent 7,8\u00a0% des produits.");
    expect(f.previous.year).toBe(2023);
    expect(f.previous.income.total).toBe(100_000);
    expect(f.previous.result).toBe(40_000);
  });

  it("the statements tie to the trial balance to the cent", async () => {
    const f = await figures(2024, "auditor");
    const tb = (await (await stack.call("GET", "/v1/ledger/trial-balance?year=2024&closing=exclude", { role: "auditor" })).json()) as {
      accounts: Array<{ account: string; balance: number }>;
    };
    const sum = (cls: string) => tb.accounts.filter((a) => a.account.startsWith(cls)).reduce((s, a) => s + a.balance, 0);
    expect(f.statements.compteDeResultat.totals.produits).toBe(-sum("7"));
    expect(f.statements.compteDeResultat.totals.charges).toBe(sum("6"));
    expect(f.statements.compteDeResultat.result).toBe(0 - (sum("6") + sum("7")) || 0);
    expect(f.statements.bilan.totals.actif).toBe(f.statements.bilan.totals.passif);
    expect(f.statements.bilan.difference).toBe(0);
    expect(f.statements.unmapped).toEqual([]);
  });

  it("the exercise and the year before: 2024 runs from 1 January, 2023 is open (its N−1 column is marked), 2022 has nothing to compare with", async () => {
    const f = (await (await stack.call("GET", "/v1/reports/2024/figures", { role: "delegation" })).json()) as {
      exercise: { start: string; end: string; first: boolean };
      previousExercise: { year: number; status: string };
    };
    expect(f.exercise).toMatchObject({ start: "2024-01-01", end: "2024-12-31", first: false });
    expect(f.previousExercise).toEqual({ year: 2023, status: "open" });
    const before = (await (await stack.call("GET", "/v1/reports/2023/figures", { role: "delegation" })).json()) as { previousExercise: { status: string } };
    expect(before.previousExercise.status).toBe("none");
  });

  it("a year with nothing in it answers zeros", async () => {
    const f = await figures(2031);
    expect(f.income.total).toBe(0);
    expect(f.expenses.byCategory).toEqual([]);
    expect(f.social).toEqual([]);
  });

  it("a bad year is a 400 naming it", async () => {
    const res = await stack.call("GET", "/v1/reports/24/figures", { role: "tresorier" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe("year");
  });
});

describe("gifts and members from the registries", () => {
  it("counts the year's gifts (count, total, average), donors, monthly donors and members, beside the gifts booked on 7541", async () => {
    const give = async (body: unknown, at: string, path?: string) => pay(stack, (await checkout(stack, body, path)).sessionId, at);
    await give(donation(5_000, { donor: { email: "a@example.org", firstName: "A", lastName: "A", address: ADDRESS } }), "2022-03-01T10:00:00Z");
    await give(donation(15_000, { donor: { email: "b@example.org", firstName: "B", lastName: "B", address: ADDRESS } }), "2022-04-01T10:00:00Z");
    await give(
      donation(1_000, { frequency: "monthly", donor: { email: "c@example.org", firstName: "C", lastName: "C", address: ADDRESS } }),
      "2022-05-01T10:00:00Z",
    );
    await give(
      { tierId: "individuel", member: { email: "m@example.org", firstName: "M", lastName: "M", address: ADDRESS } },
      "2022-06-01T10:00:00Z",
      "/v1/public/memberships/checkout",
    );
    const f = (await (await stack.call("GET", "/v1/reports/2022/figures", { role: "delegation" })).json()) as {
      members: number;
      donations: Record<string, number>;
    };
    expect(f.donations).toEqual({ count: 3, total: 21_000, average: 7_000, donors: 3, monthlyDonors: 1, booked: 21_000, unregistered: 0 });
    expect(f.members).toBe(1);
    const next = (await (await stack.call("GET", "/v1/reports/2023/figures", { role: "delegation" })).json()) as {
      members: number;
      previous: { members: number };
    };
    expect(next.members).toBe(0);
    expect(next.previous.members).toBe(1);
  });
});

describe("social metrics", () => {
  it("the délégation writes a month; fields not sent are kept, null clears one; the year lists it", async () => {
    let res = await stack.call("PUT", "/v1/social-metrics/linkedin/2024-03", {
      role: "delegation",
      body: { followers: 5000, newFollowers: 150, impressions: 20000 },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      platform: "linkedin",
      month: "2024-03",
      followers: 5000,
      newFollowers: 150,
      impressions: 20000,
      source: "manual",
    });
    res = await stack.call("PUT", "/v1/social-metrics/linkedin/2024-03", { role: "tresorier", body: { reactions: 700, impressions: null } });
    const month = (await res.json()) as Record<string, unknown>;
    expect(month).toMatchObject({ followers: 5000, newFollowers: 150, reactions: 700 });
    expect(month.impressions).toBeUndefined();
    await stack.call("PUT", "/v1/social-metrics/youtube/2024-05", { role: "delegation", body: { videosPublished: 2, views: 300 } });
    const list = (await (await stack.call("GET", "/v1/social-metrics?year=2024", { role: "auditor" })).json()) as {
      items: Array<{ platform: string; month: string }>;
    };
    expect(list.items.map((i) => `${i.platform} ${i.month}`)).toEqual(["linkedin 2024-03", "youtube 2024-05"]);
    const f = await figures(2024);
    expect(f.social.map((s) => s.platform)).toEqual(["linkedin", "youtube"]);
    expect(f.social[0]).toMatchObject({ followers: 5000, impressions: null });
    expect(f.social[0]!.months).toHaveLength(12);
  });

  it("the auditor only reads: a write is 403 and nothing is written", async () => {
    const res = await stack.call("PUT", "/v1/social-metrics/linkedin/2024-04", { role: "auditor", body: { followers: 1 } });
    expect(res.status).toBe(403);
    const list = (await (await stack.call("GET", "/v1/social-metrics?year=2024", { role: "auditor" })).json()) as { items: Array<{ month: string }> };
    expect(list.items.some((i) => i.month === "2024-04")).toBe(false);
  });

  it("bad input names every bad field and writes nothing", async () => {
    const res = await stack.call("PUT", "/v1/social-metrics/myspace/2024-13", { role: "delegation", body: { followers: -1, impressions: 1.5, likes: 3 } });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(["followers", "impressions", "likes", "month", "platform"]);
  });
});

describe("the PDF and the CSV", () => {
  it("the Rapport financier: French text, figures, commentary, page numbers and the association on each page", async () => {
    const res = await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "delegation" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = (await pdfText(new Uint8Array(await res.arrayBuffer()))).replace(/[\u00a0\u202f]/g, " ");
    expect(text).toContain("Rapport financier 2024");
    expect(text).toContain("Les dons de particuliers représentent 7,8 % des produits.");
    expect(text).toContain("Compte de résultat");
    expect(text).toContain("Bilan au 31 décembre 2024");
    expect(text).toContain("Fonds dédiés");
    expect(text).toContain("10 000 €"); // total des produits, whole euros in the key figures
    expect(text).toContain("6 200,00 €"); // autres achats et charges externes, to the cent in the statements
    // Bug: an N−1 column from a year still open, with no warning.
    expect(text).toContain("2023 (non clôturé)");
    expect(text.replace(/\s+/g, " ")).toContain("L'exercice 2023 n'est pas clôturé : ses chiffres sont provisoires.");
    // The annexe and the thresholds are part of the report.
    expect(text).toContain("Annexe aux comptes annuels");
    expect(text).toContain("Seuils légaux");
    const pages = text.split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThanOrEqual(5);
    pages.forEach((p, i) => {
      expect(p).toContain("Les Amis de l’Œuvre");
      expect(p).toContain(`Page ${i + 1} sur ${pages.length}`);
      expect(p).toContain("Rapport financier 2024");
    });
  });

  it("is byte-identical on every download of the same data", async () => {
    const a = Buffer.from(await (await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "auditor" })).arrayBuffer());
    const b = Buffer.from(await (await stack.call("GET", "/v1/reports/2024/annual-report.pdf", { role: "tresorier" })).arrayBuffer());
    expect(a.length).toBeGreaterThan(1000);
    expect(a.equals(b)).toBe(true);
  });

  it("figures.csv: BOM, semicolons, decimal commas, the year and year − 1", async () => {
    const res = await stack.call("GET", "/v1/reports/2024/figures.csv", { role: "delegation" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").trim().split("\r\n");
    expect(lines[0]).toBe("Rubrique;Libellé;Unité;2024;2023");
    expect(lines).toContain("Produits;Part des dons de particuliers;%;7,8;100,0");
    expect(lines).toContain("Résultat;Total des produits;€;10000,00;1000,00");
    expect(lines).toContain("Charges;Autres achats et charges externes;€;6200,00;600,00");
  });
});
