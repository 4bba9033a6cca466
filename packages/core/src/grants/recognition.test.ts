import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { daysByFiscalYear, recognitionSchedule, shareByWeights } from "./recognition.js";

describe("recognition at signature", () => {
  it("a grant signed in December over two years: the signature year gets its days, the rest comes back in later years", () => {
    // 2024-12-01 → 2026-11-30: 31 days in 2024, 365 in 2025, 334 in 2026 (730 days).
    expect(daysByFiscalYear("2024-12-01", "2026-11-30")).toEqual(
      new Map([
        [2024, 31],
        [2025, 365],
        [2026, 334],
      ]),
    );
    const s = recognitionSchedule(10_000_000, "2024-12-10", "2024-12-01", "2026-11-30");
    expect(s).toEqual([
      { year: 2024, amount: 424_658 },
      { year: 2025, amount: 5_000_000 },
      { year: 2026, amount: 4_575_342 },
    ]);
  });

  it("days before the signature's year count for that year; a grant within its year is all income of it", () => {
    expect(recognitionSchedule(120_000, "2025-03-01", "2024-07-01", "2025-06-30")).toEqual([{ year: 2025, amount: 120_000 }]);
    expect(recognitionSchedule(5_000, "2024-01-15", "2024-02-01", "2024-11-30")).toEqual([{ year: 2024, amount: 5_000 }]);
  });

  it("a project starting after the signature's year: nothing in that year, all deferred", () => {
    expect(recognitionSchedule(300_000, "2024-12-20", "2025-01-01", "2025-12-31")).toEqual([
      { year: 2024, amount: 0 },
      { year: 2025, amount: 300_000 },
    ]);
  });

  it("the shares always add up to the amount to the cent (property)", () => {
    const date = fc.integer({ min: 0, max: 365 * 6 }).map((d) => new Date(Date.UTC(2022, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e10 }), date, date, date, (amount, a, b, c) => {
        const [start, end] = b <= c ? [b, c] : [c, b];
        const s = recognitionSchedule(amount, a, start, end);
        expect(s.reduce((t, x) => t + x.amount, 0)).toBe(amount);
        expect(s.every((x) => Number.isInteger(x.amount) && x.amount >= 0)).toBe(true);
        expect(s[0]!.year).toBe(Number(a.slice(0, 4)));
      }),
    );
  });

  it("follows the association's fiscal year when it does not start in January (September to August)", () => {
    const before = process.env.FISCAL_YEAR_START_MONTH;
    process.env.FISCAL_YEAR_START_MONTH = "9";
    try {
      // Fiscal 2024 runs 2024-09-01 → 2025-08-31: a grant signed in December 2024 for 2025 is all fiscal-2024 income.
      expect(recognitionSchedule(120_000, "2024-12-10", "2025-01-01", "2025-08-31")).toEqual([{ year: 2024, amount: 120_000 }]);
      expect(daysByFiscalYear("2025-08-01", "2025-09-30")).toEqual(
        new Map([
          [2024, 31],
          [2025, 30],
        ]),
      );
    } finally {
      if (before === undefined) delete process.env.FISCAL_YEAR_START_MONTH;
      else process.env.FISCAL_YEAR_START_MONTH = before;
    }
  });

  it("largest remainder sharing", () => {
    expect(shareByWeights(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(shareByWeights(7, [0, 0])).toEqual([7, 0]);
  });
});
