import { describe, expect, it } from "vitest";
import { reportFigures, share, socialFigures, sourceOf, yearFigures, fundersFromBalances, type YearInput } from "./figures.js";
import type { Balance } from "./financial-statements.js";

/** Balances from [debit account, credit account, euros] movements. */
export function book(moves: Array<[string, string, number]>, labels: Record<string, string> = {}): Balance[] {
  const m = new Map<string, { debit: number; credit: number }>();
  for (const [d, c, euros] of moves) {
    const a = m.get(d) ?? { debit: 0, credit: 0 };
    a.debit += euros * 100;
    m.set(d, a);
    const b = m.get(c) ?? { debit: 0, credit: 0 };
    b.credit += euros * 100;
    m.set(c, b);
  }
  return [...m].map(([account, s]) => ({ account, label: labels[account] ?? account, ...s, balance: s.debit - s.credit }));
}

/** The demo year's shape (the 2024 activity report). */
export const DEMO_2024: Array<[string, string, number]> = [
  ["512", "755", 75_000],
  ["512", "755", 100_000],
  ["512", "755", 60_000],
  ["512", "755", 30_000],
  ["4671", "7541", 9_400],
  ["4671", "7541", 13_200],
  ["627", "4671", 680],
  ["512", "4671", 21_920],
  ["512", "756", 2_000],
  ["604", "401", 25_000],
  ["6226", "401", 100_000],
  ["623", "401", 45_000],
  ["401", "512", 170_000],
  ["613", "512", 8_500],
  ["641", "421", 75_000],
  ["645", "431", 34_820],
];

const people = { members: 3, donors: 2, monthlyDonors: 1, gifts: { count: 4, total: 10_000 } };
const input = (balances: Balance[], over: Partial<YearInput> = {}): YearInput => ({
  year: 2024,
  balances,
  funders: [],
  fundersSource: "sub-accounts",
  people,
  social: [],
  ...over,
});

describe("figures", () => {
  it("income by source with shares over the stated denominator; donorShare; charges by ANC rubrique", () => {
    const f = yearFigures(input(book(DEMO_2024)));
    expect(f.income.total).toBe(28_960_000);
    expect(f.income.denominator.amount).toBe(f.income.total);
    expect(f.income.denominator.label).toMatch(/classe 7/);
    expect(f.income.donorShare).toBe(0.078);
    expect(f.income.bySource.map((s) => [s.source, s.amount])).toEqual([
      ["individual_gifts", 2_260_000],
      ["membership_fees", 200_000],
      ["foundation_contributions", 26_500_000],
    ]);
    expect(f.income.bySource.reduce((s, x) => s + x.amount, 0)).toBe(f.income.total);
    const ext = f.expenses.byCategory.find((c) => c.category === "charges-externes")!;
    expect(ext.amount).toBe(17_918_000);
    expect(ext.share).toBe(0.62);
    expect(ext.accounts.sort()).toEqual(["604", "613", "6226", "623", "627"]);
    expect(f.expenses.byCategory.reduce((s, x) => s + x.amount, 0)).toBe(f.expenses.total);
    expect(f.result).toBe(28_960_000 - 28_900_000);
    expect(f.donations).toEqual({ count: 4, total: 10_000, average: 2_500, donors: 2, monthlyDonors: 1, booked: 2_260_000, unregistered: 2_250_000 });
    expect(f.commentary).toContain("Les dons de particuliers représentent 7,8\u00a0% des produits.");
    expect(f.commentary.join(" ")).toMatch(/autres achats et charges externes » représente 62,0\u00a0% des charges/);
  });

  it("splits foundation contributions by funder when funders' figures are given, the rest under 'Autres'", () => {
    const funders = [
      {
        funderId: "f1",
        name: "Fondation de France",
        kind: "foundation" as const,
        awarded: 10_000_000,
        recognised: 10_000_000,
        received: 10_000_000,
        spent: 8_000_000,
        dedicatedFunds: 2_000_000,
      },
      {
        funderId: "f2",
        name: "Fonds de dotation Yes Futur",
        kind: "endowment_fund" as const,
        awarded: 6_000_000,
        recognised: 6_000_000,
        received: 3_000_000,
        spent: 6_000_000,
        dedicatedFunds: 0,
      },
    ];
    const f = yearFigures(input(book(DEMO_2024), { funders, fundersSource: "grants" }));
    const fc = f.income.bySource.filter((s) => s.source === "foundation_contributions");
    expect(fc.map((s) => [s.funder, s.amount])).toEqual([
      ["Fondation de France", 10_000_000],
      ["Fonds de dotation Yes Futur", 6_000_000],
      ["Autres", 10_500_000],
    ]);
    expect(f.income.bySource.reduce((s, x) => s + x.amount, 0)).toBe(f.income.total);
    expect(f.grants[0]).toMatchObject({
      funder: "Fondation de France",
      awarded: 10_000_000,
      received: 10_000_000,
      spent: 8_000_000,
      dedicatedFunds: 2_000_000,
    });
  });

  it("does not split when funders claim more than the account holds (the books win)", () => {
    const funders = [
      { funderId: "f1", name: "Trop", kind: "foundation" as const, awarded: null, recognised: 999_999_999, received: null, spent: null, dedicatedFunds: null },
    ];
    const f = yearFigures(input(book(DEMO_2024), { funders }));
    expect(f.income.bySource.filter((s) => s.source === "foundation_contributions")).toHaveLength(1);
  });

  it("reads funders off sub-accounts the chart does not have", () => {
    const balances = book(
      [
        ["512", "75511", 1000],
        ["512", "7411", 500],
        ["512", "7551", 10],
      ],
      { "75511": "Fondation de France", "7411": "Région" },
    );
    expect(fundersFromBalances(balances).map((f) => [f.name, f.kind, f.recognised])).toEqual([
      ["Fondation de France", "foundation", 100_000],
      ["Région", "public", 50_000],
    ]);
  });

  it("fonds dédiés: opening, added (689), used (789), closing (19x)", () => {
    const f = yearFigures(
      input(
        book([
          ["512", "7551", 1000],
          ["6895", "195", 400],
          ["195", "7895", 100],
        ]),
      ),
    );
    expect(f.dedicatedFunds).toEqual({ opening: 0, added: 40_000, used: 10_000, closing: 30_000 });
  });

  it("sources: the longest prefix wins", () => {
    expect(sourceOf("7541")).toBe("individual_gifts");
    expect(sourceOf("75411")).toBe("individual_gifts");
    expect(sourceOf("754")).toBe("public_generosity_other");
    expect(sourceOf("7551")).toBe("foundation_contributions");
    expect(sourceOf("741")).toBe("public_subsidies");
    expect(sourceOf("7894")).toBe("dedicated_funds_used");
    expect(sourceOf("768")).toBe("other");
  });

  it("share: four decimals, 0 over 0", () => {
    expect(share(1, 3)).toBe(0.3333);
    expect(share(5, 0)).toBe(0);
  });

  it("an empty year gives zeros and no division by zero", () => {
    const f = yearFigures(input([], { people: { members: 0, donors: 0, monthlyDonors: 0, gifts: { count: 0, total: 0 } } }));
    expect(f.income.total).toBe(0);
    expect(f.income.donorShare).toBe(0);
    expect(f.donations.average).toBe(0);
    expect(f.commentary).toEqual([]);
  });

  it("the report carries year − 1 beside the year", () => {
    const r = reportFigures(input(book(DEMO_2024)), input([], { year: 2023 }));
    expect(r.year).toBe(2024);
    expect(r.previous.year).toBe(2023);
    expect(r.previous.income.total).toBe(0);
  });
});

describe("social figures", () => {
  it("sums the year's months, followers from the last month that states them, null where nothing was recorded", () => {
    const s = socialFigures(2024, [
      { platform: "linkedin", month: "2024-01", followers: 100, newFollowers: 10, impressions: 1000 },
      { platform: "linkedin", month: "2024-02", newFollowers: -2, impressions: 500 },
      { platform: "linkedin", month: "2024-03", followers: 130, newFollowers: 22 },
      { platform: "linkedin", month: "2023-12", followers: 90, impressions: 99 },
      { platform: "youtube", month: "2024-05", videosPublished: 2, views: 40 },
    ]);
    expect(s.map((p) => p.platform)).toEqual(["linkedin", "youtube"]);
    expect(s[0]).toMatchObject({ followers: 130, newFollowers: 30, impressions: 1500, reactions: null, pageVisits: null });
    expect(s[0]!.months).toHaveLength(12);
    expect(s[0]!.months[1]).toMatchObject({ month: "2024-02", newFollowers: -2, followers: null });
    expect(s[1]).toMatchObject({ videosPublished: 2, views: 40, followers: null });
  });
});
