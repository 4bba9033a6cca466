import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dedicatedFundsLines, dedicatedFundsRow, dedicatedFundsTable, type GrantForFunds } from "./dedicated.js";

const grant = (years: Record<number, [number, number]>, restricted = true): GrantForFunds => ({
  grantId: "g1",
  title: "Éducation populaire",
  funderId: "f1",
  funderName: "Fondation",
  restricted,
  accounts: { dedicated: "195", report: "6895", release: "7895" },
  years: new Map(Object.entries(years).map(([y, [recognised, spent]]) => [Number(y), { recognised, spent }])),
});

describe("fonds dédiés", () => {
  it("carries the unspent part, then releases it as it is spent", () => {
    const g = grant({ 2024: [424_658, 100_000], 2025: [5_000_000, 5_200_000], 2026: [4_575_342, 4_000_000] });
    expect(dedicatedFundsRow(g, 2024)).toMatchObject({ atStart: 0, new: 324_658, used: 0, atEnd: 324_658 });
    // 2025 spends 5 200 000: the 324 658 carried first, then 4 875 342 of the year's income; 124 658 is carried.
    expect(dedicatedFundsRow(g, 2025)).toMatchObject({ atStart: 324_658, used: 324_658, new: 124_658, atEnd: 124_658 });
    // 2026 spends 4 000 000: the 124 658 carried first, then 3 875 342 of the year's 4 575 342; 700 000 is carried.
    expect(dedicatedFundsRow(g, 2026)).toMatchObject({ atStart: 124_658, used: 124_658, new: 700_000, atEnd: 700_000 });
  });

  it("an unrestricted grant has no fonds dédiés", () => {
    expect(dedicatedFundsTable([grant({ 2024: [1000, 0] }, false)], 2024).rows).toEqual([]);
  });

  it("the year-end lines: report 6895/195, release 195/7895, and the difference when a figure changed after posting", () => {
    const row = dedicatedFundsRow(grant({ 2024: [1000, 0], 2025: [0, 300] }), 2025);
    expect(dedicatedFundsLines(row)).toEqual([
      { account: "195", debit: 300, credit: 0, label: "Utilisation des fonds dédiés : Éducation populaire" },
      { account: "7895", debit: 0, credit: 300, label: "Utilisation des fonds dédiés : Éducation populaire" },
    ]);
    expect(dedicatedFundsLines(row, { new: 0, used: 300 })).toEqual([]);
    expect(dedicatedFundsLines(row, { new: 0, used: 400 }).map((l) => [l.account, l.debit, l.credit])).toEqual([
      ["7895", 100, 0],
      ["195", 0, 100],
    ]);
  });

  it("property: at every year end, at start − used + new = at end, and while spending never runs ahead of income, recognised − spent = the balance", () => {
    const yearFigures = fc.array(fc.tuple(fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e7 })), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(yearFigures, (figs) => {
        const years: Record<number, [number, number]> = {};
        figs.forEach((f, i) => (years[2020 + i] = f));
        const g = grant(years);
        let cumR = 0;
        let cumS = 0;
        let ahead = false;
        let prevEnd = 0;
        figs.forEach(([r, s], i) => {
          cumR += r;
          cumS += s;
          if (cumS > cumR) ahead = true;
          const row = dedicatedFundsRow(g, 2020 + i);
          expect(row.atStart).toBe(prevEnd);
          expect(row.atStart - row.used + row.new).toBe(row.atEnd);
          expect(row.new).toBeGreaterThanOrEqual(0);
          expect(row.new).toBeLessThanOrEqual(r);
          expect(row.used).toBeLessThanOrEqual(Math.min(row.atStart, s));
          if (!ahead) expect(row.atEnd).toBe(cumR - cumS);
          expect(row.atEnd).toBe(Math.max(0, cumR - cumS));
          prevEnd = row.atEnd;
        });
      }),
    );
  });
});
