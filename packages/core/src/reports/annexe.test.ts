import { describe, expect, it } from "vitest";
import { buildAnnexe, exerciseDates, frenchDate, GIFTS_THRESHOLD, type AnnexeInput } from "./annexe.js";
import { thresholdsOf } from "./thresholds.js";
import { reportPalette } from "./palette.js";
import type { Balance } from "./financial-statements.js";

const bal = (account: string, balance: number, label = account): Balance => ({
  account,
  label,
  debit: Math.max(0, balance),
  credit: Math.max(0, -balance),
  balance,
});

const base = (over: Partial<AnnexeInput> = {}): AnnexeInput => ({
  exercise: exerciseDates(2024, { start: "2024-01-01", end: "2024-12-31" }, "2019-05-14"),
  association: { name: "A", creationDate: "2019-05-14", fiscalStartMonth: 1 },
  volunteers: { hourlyRate: 0, headcount: 0 },
  dedicatedFunds: { rows: [] },
  grants: [],
  balances: [],
  ...over,
});

describe("the exercise's dates", () => {
  it("starts on the creation date in the first exercise, on the fiscal year's first day afterwards", () => {
    expect(exerciseDates(2024, { start: "2024-01-01", end: "2024-12-31" }, "2024-03-12")).toMatchObject({ start: "2024-03-12", first: true });
    expect(exerciseDates(2025, { start: "2025-01-01", end: "2025-12-31" }, "2024-03-12")).toMatchObject({ start: "2025-01-01", first: false });
    expect(exerciseDates(2024, { start: "2024-09-01", end: "2025-08-31" }, "2025-02-01")).toMatchObject({
      start: "2025-02-01",
      end: "2025-08-31",
      first: true,
    });
    // Created on the first day: a full year, not "a first exercise from".
    expect(exerciseDates(2024, { start: "2024-01-01", end: "2024-12-31" }, "2024-01-01").first).toBe(false);
    expect(exerciseDates(2024, { start: "2024-01-01", end: "2024-12-31" }, "").first).toBe(false);
  });

  it("French dates: 1er for the first of a month", () => {
    expect(frenchDate("2024-03-12")).toBe("12 mars 2024");
    expect(frenchDate("2024-01-01")).toBe("1er janvier 2024");
  });
});

describe("the annexe", () => {
  it("fonds dédiés: the grants' rows as opening, reports, uses, transfers, closing, with totals", () => {
    const a = buildAnnexe(
      base({
        dedicatedFunds: {
          rows: [
            { grantId: "g1", title: "Programme", funderName: "Fondation X", atStart: 10_000, new: 5_000, used: 4_000, atEnd: 11_000, recognised: 9_000 },
            { grantId: "g2", title: "Éducation", funderName: "Fondation Y", atStart: 0, new: 3_000, used: 0, atEnd: 3_000 },
          ],
        },
      }),
    );
    expect(a.dedicatedFunds.rows[0]).toEqual({
      grantId: "g1",
      label: "Fondation X — Programme",
      opening: 10_000,
      reports: 5_000,
      uses: 4_000,
      transfers: 0,
      closing: 11_000,
      resources: 9_000,
    });
    expect(a.dedicatedFunds.totals).toEqual({ opening: 10_000, reports: 8_000, uses: 4_000, transfers: 0, closing: 14_000, resources: 9_000 });
  });

  it("engagements reçus: signed by the year end and not received, with the multi-year share; later signatures wait", () => {
    const grant = (
      id: string,
      agreementDate: string,
      amount: number,
      byYear: Array<{ year: number; recognised: number; received: number; spent: number }>,
    ) => ({
      id,
      funderName: `F ${id}`,
      title: "T",
      agreementDate,
      amount,
      restricted: true,
      startDate: agreementDate,
      endDate: "2026-12-31",
      byYear,
    });
    const a = buildAnnexe(
      base({
        grants: [
          grant("paid", "2024-02-01", 10_000, [{ year: 2024, recognised: 10_000, received: 10_000, spent: 0 }]),
          grant("multi", "2024-06-01", 90_000, [
            { year: 2024, recognised: 30_000, received: 20_000, spent: 0 },
            { year: 2025, recognised: 30_000, received: 40_000, spent: 0 },
          ]),
          grant("later", "2025-01-15", 5_000, []),
        ],
      }),
    );
    expect(a.engagements.received).toEqual([
      { grantId: "multi", label: "F multi — T", agreementDate: "2024-06-01", awarded: 90_000, received: 20_000, toReceive: 70_000, laterYears: 60_000 },
    ]);
    expect(a.engagements.totals).toEqual({ awarded: 90_000, received: 20_000, toReceive: 70_000, laterYears: 60_000 });
    expect(a.engagements.given).toMatch(/Aucun engagement donné/);
  });

  it("contributions in kind: one line per nature from 86x / 87x; volunteers' time valued at the settings' rate, or why not", () => {
    const balances = [
      bal("864", 120_200, "Personnel bénévole"),
      bal("875", -120_200, "Bénévolat"),
      bal("860", 30_000, "Secours en nature"),
      bal("8701", -30_000),
    ];
    const valued = buildAnnexe(base({ balances, volunteers: { hourlyRate: 1_202, headcount: 110 } }));
    expect(valued.contributionsInKind.ressources).toEqual([
      { account: "870", label: "Dons en nature", amount: 30_000 },
      { account: "875", label: "Bénévolat", amount: 120_200 },
    ]);
    expect(valued.contributionsInKind.emplois.map((l) => l.account)).toEqual(["860", "864"]);
    expect(valued.contributionsInKind.totals).toEqual({ ressources: 150_200, emplois: 150_200 });
    expect(valued.contributionsInKind.method.join(" ")).toMatch(/taux horaire de 12,02 €/);
    expect(valued.headcount.text).toContain("110 bénévoles");
    const notValued = buildAnnexe(base({ volunteers: { hourlyRate: 0, headcount: 110 } }));
    expect(notValued.contributionsInKind.method[0]).toMatch(/n'est pas valorisé.*art\. 211-2/);
  });

  it("resources from abroad: stated above 153 000 € of gifts, by the donor's country (France left out)", () => {
    const below = buildAnnexe(base({ balances: [bal("7541", -GIFTS_THRESHOLD)] }));
    expect(below.foreignResources).toMatchObject({ required: false, rows: [] });
    const above = buildAnnexe(
      base({
        balances: [bal("7541", -GIFTS_THRESHOLD - 100)],
        giftsByCountry: [
          { country: "FR", amount: 15_000_000, count: 900 },
          { country: "BE", amount: 200_000, count: 4 },
          { country: "CH", amount: 300_000, count: 2 },
        ],
      }),
    );
    expect(above.foreignResources.required).toBe(true);
    expect(above.foreignResources.rows).toEqual([
      { country: "CH", amount: 300_000, count: 2 },
      { country: "BE", amount: 200_000, count: 4 },
    ]);
  });
});

describe("the thresholds", () => {
  const funder = (funderId: string, kind: string, recognised: number) => ({ funderId, name: funderId, kind, recognised });
  it("153 000 € of public grants or receipted gifts, 23 000 € of public aid per authority, 78 596 € of commercial income (2024's franchise)", () => {
    const t = thresholdsOf({
      year: 2024,
      balances: [bal("741", -2_400_000), bal("742", -1_000_000), bal("7551", -3_000_000), bal("7541", -15_400_001), bal("706", -7_859_600)],
      funders: [funder("Ville", "public", 2_400_000), funder("Région", "public", 1_000_000), funder("Fondation", "foundation", 3_000_000)],
      fundersSource: "grants",
      receipted: { count: 120, total: 15_300_001 },
    });
    const by = Object.fromEntries(t.items.map((i) => [i.id, i]));
    expect(by["public-grants"]).toMatchObject({ amount: 3_400_000, threshold: 15_300_000, exceeded: false, unattributed: 0 });
    expect(by.gifts).toMatchObject({ amount: 15_300_001, exceeded: true });
    expect(by.gifts!.source).toContain("120 reçus fiscaux");
    expect(by["public-aid"]).toMatchObject({ amount: 2_400_000, threshold: 2_300_000, exceeded: true });
    expect(by["public-aid"]!.authorities).toEqual([
      { funderId: "Ville", name: "Ville", amount: 2_400_000, exceeded: true },
      { funderId: "Région", name: "Région", amount: 1_000_000, exceeded: false },
    ]);
    expect(by["public-aid"]!.message.replace(/[\u00a0\u202f]/g, " ")).toMatch(/une autorité publique dépasse 23 000 € — Ville \(24 000 €\)/);
    expect(by["commercial-income"]).toMatchObject({ amount: 7_859_600, threshold: 7_859_600, exceeded: false, reached: 1 });
    expect(t.publication.required).toBe(true);
    expect(t.publication.text).toMatch(/Journal officiel.*trois mois/);
  });

  it("bug: the commercial franchise was 80 011 € whatever the year; it is the year's (78 596 € in 2024, 80 011 € in 2025, the last known after)", () => {
    const commercial = (year: number, cents: number) =>
      thresholdsOf({ year, balances: [bal("706", -cents)], funders: [], fundersSource: "grants", receipted: { count: 0, total: 0 } }).items.find(
        (i) => i.id === "commercial-income",
      )!;
    expect(commercial(2024, 8_001_100)).toMatchObject({ threshold: 7_859_600, exceeded: true });
    expect(commercial(2025, 8_001_100)).toMatchObject({ threshold: 8_001_100, exceeded: false });
    expect(commercial(2023, 7_700_000)).toMatchObject({ threshold: 7_667_900, exceeded: true });
    expect(commercial(2027, 8_001_100).threshold).toBe(8_001_100);
  });
  it("gifts without a receipt do not count; 74 without a funder is public money but no authority", () => {
    const t = thresholdsOf({ year: 2024, balances: [bal("741", -15_300_000), bal("7541", -20_000_000)], funders: [], fundersSource: "sub-accounts" });
    const by = Object.fromEntries(t.items.map((i) => [i.id, i]));
    expect(by.gifts).toMatchObject({ amount: 0, exceeded: false });
    expect(by["public-grants"]).toMatchObject({ amount: 15_300_000, unattributed: 15_300_000, exceeded: false });
    expect(by["public-aid"]).toMatchObject({ amount: 0, exceeded: false, authorities: [] });
    expect(by["public-aid"]!.message).toMatch(/rattachés à aucun financeur/);
    expect(t.publication.required).toBe(false);
  });
});

describe("the palette", () => {
  it("the association's colour first, then the console's chart colours that differ from it", () => {
    expect(reportPalette("#1D4E89")).toEqual(["#1d4e89", "#d1495b", "#2e8540", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#5c5c5c"]);
    const p = reportPalette("#d1495c");
    expect(p[0]).toBe("#d1495c");
    expect(p).not.toContain("#d1495b");
    expect(reportPalette(undefined)[0]).toBe("#1d4e89");
  });
});
