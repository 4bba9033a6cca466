import { describe, expect, it } from "vitest";
import { pdfText } from "../../../../test/support/pdf-text.js";
import { reportFigures, type FunderFigures, type YearInput } from "./figures.js";
import { axis, renderAnnualReport, topSlices } from "./pdf.js";
import type { Balance } from "./financial-statements.js";

function book(moves: Array<[string, string, number]>): Balance[] {
  const m = new Map<string, { debit: number; credit: number }>();
  for (const [d, c, cents] of moves) {
    const a = m.get(d) ?? { debit: 0, credit: 0 };
    a.debit += cents;
    m.set(d, a);
    const b = m.get(c) ?? { debit: 0, credit: 0 };
    b.credit += cents;
    m.set(c, b);
  }
  return [...m].map(([account, s]) => ({ account, label: account, ...s, balance: s.debit - s.credit }));
}

const funders = (n: number): FunderFigures[] =>
  Array.from({ length: n }, (_, i) => ({
    funderId: `f${i}`,
    name: `Fondation n° ${i + 1} — l’œuvre`,
    kind: "foundation",
    awarded: 100_000,
    recognised: 100_000,
    received: 50_000,
    spent: 40_000,
    dedicatedFunds: 60_000,
  }));

const input = (year: number, n: number): YearInput => ({
  year,
  balances: book([
    ["512", "7551", n * 100_000 + 5_000_000],
    ["512", "7541", 780_000],
    ["6226", "401", 3_000_000],
    ["641", "421", 1_000_000],
  ]),
  funders: funders(n),
  fundersSource: "grants",
  people: { members: 12, donors: 30, monthlyDonors: 4, gifts: { count: 50, total: 780_000 } },
  social: Array.from({ length: 12 }, (_, i) => ({
    platform: "linkedin" as const,
    month: `${year}-${String(i + 1).padStart(2, "0")}`,
    followers: 1000 + i * 100,
    newFollowers: 100,
    impressions: 20_000 + i,
  })),
});

describe("the Rapport financier PDF", () => {
  it("a long report: tables run over pages with their header repeated; every page has the association, the year and its number", async () => {
    const pdf = await renderAnnualReport(reportFigures(input(2024, 160), input(2023, 3)), { association: "Œuvre commune" });
    const pages = (await pdfText(pdf)).split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThanOrEqual(10);
    pages.forEach((p, i) => {
      expect(p).toContain("Œuvre commune");
      expect(p).toContain("Rapport financier 2024");
      expect(p).toContain(`Page ${i + 1} sur ${pages.length}`);
    });
    const funderPages = pages.filter((p) => p.includes("Fondation n° 1"));
    expect(funderPages.length).toBeGreaterThan(2);
    for (const p of funderPages.slice(1)) expect(p).toMatch(/Financeur|Source/);
    expect(pages.join("\n")).toContain("Fondation n° 160 — l’œuvre");
  });

  it("the same figures give the same bytes", async () => {
    const f = reportFigures(input(2024, 5), input(2023, 1));
    const a = Buffer.from(await renderAnnualReport(f, { association: "A" }));
    const b = Buffer.from(await renderAnnualReport(structuredClone(f), { association: "A" }));
    expect(a.equals(b)).toBe(true);
    expect(a.toString("latin1")).toContain("D:20241231120000Z");
  });

  it("French text reads back as typed (accents, ’, œ, no ligature glyphs)", async () => {
    const text = await pdfText(await renderAnnualReport(reportFigures(input(2024, 1), input(2023, 0)), { association: "Affinités financières de l’œuvre" }));
    expect(text).toContain("Affinités financières de l’œuvre");
    expect(text).not.toMatch(/[\ufb00-\ufb06]/);
  });
});

describe("chart helpers", () => {
  it("topSlices keeps the largest and sums the rest as one slice", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ label: `s${i}`, amount: (i + 1) * 10, share: (i + 1) / 55 }));
    const out = topSlices(items, 4);
    expect(out.map((x) => x.label)).toEqual(["s9", "s8", "s7", "Autres (7)"]);
    expect(out.reduce((s, x) => s + x.amount, 0)).toBe(550);
    expect(topSlices(items.slice(0, 3), 4)).toHaveLength(3);
  });

  it("axis: whole steps of 1, 2 or 5 × 10^k covering the values, negative ones too", () => {
    expect(axis(0, 250)).toEqual({ lo: 0, hi: 300, step: 100 });
    expect(axis(0, 507)).toEqual({ lo: 0, hi: 600, step: 200 });
    expect(axis(-30, 240)).toEqual({ lo: -100, hi: 300, step: 100 });
    expect(axis(0, 3)).toEqual({ lo: 0, hi: 3, step: 1 });
  });
});
