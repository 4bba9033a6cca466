import { describe, expect, it } from "vitest";
import { uniqueAuxNumber } from "./accounts.js";
import { adjustInstallments, reallocateReceived, recognitionDifferences } from "./corrections.js";
import { dedicatedFundsRow, type GrantForFunds } from "./dedicated.js";

describe("recognitionDifferences", () => {
  it("earlier years keep theirs, the correction's year catches up, later years take the new shares", () => {
    const booked = new Map([
      [2024, 100],
      [2025, 900],
    ]);
    // New terms: 1 200 over 2024–2026; corrected in 2025.
    const d = recognitionDifferences(
      booked,
      [
        { year: 2024, amount: 150 },
        { year: 2025, amount: 600 },
        { year: 2026, amount: 450 },
      ],
      2025,
    );
    expect(d).toEqual([
      { year: 2025, amount: 650 - 900 },
      { year: 2026, amount: 450 },
    ]);
    expect(d.reduce((s, x) => s + x.amount, 0)).toBe(1200 - 1000);
  });
  it("a shortened grant gives its later share back; nothing moves when nothing changes", () => {
    const booked = new Map([
      [2025, 400],
      [2026, 600],
    ]);
    expect(recognitionDifferences(booked, [{ year: 2025, amount: 1000 }], 2025)).toEqual([
      { year: 2025, amount: 600 },
      { year: 2026, amount: -600 },
    ]);
    expect(
      recognitionDifferences(
        booked,
        [
          { year: 2025, amount: 400 },
          { year: 2026, amount: 600 },
        ],
        2025,
      ),
    ).toEqual([]);
  });
});

describe("installments", () => {
  const inst = [
    { dueDate: "2025-01-01", amount: 500, received: 500 },
    { dueDate: "2025-06-01", amount: 500, received: 100 },
  ];
  it("a new amount without a schedule: the last installment grows, or the last ones shrink down to what they received", () => {
    expect(adjustInstallments(inst, 1200, "2025-12-31")).toEqual([
      { dueDate: "2025-01-01", amount: 500 },
      { dueDate: "2025-06-01", amount: 700 },
    ]);
    expect(adjustInstallments(inst, 600, "2025-12-31")).toEqual([
      { dueDate: "2025-01-01", amount: 500 },
      { dueDate: "2025-06-01", amount: 100 },
    ]);
  });
  it("what was received is shared again in due-date order", () => {
    expect(
      reallocateReceived(
        [
          { dueDate: "2025-06-01", amount: 300 },
          { dueDate: "2025-01-01", amount: 400 },
        ],
        500,
      ),
    ).toEqual([
      { dueDate: "2025-01-01", amount: 400, received: 400 },
      { dueDate: "2025-06-01", amount: 300, received: 100 },
    ]);
  });
});

describe("uniqueAuxNumber", () => {
  it("bug: « Région Île-de-France » and « Région Île-de-France Mobilités » shared SREGIONILEDEFRANCE", () => {
    const taken = new Set<string>();
    const a = uniqueAuxNumber("S", "Région Île-de-France", taken);
    taken.add(a);
    const b = uniqueAuxNumber("S", "Région Île-de-France Mobilités", taken);
    expect(a).toBe("SREGIONILEDEFRANCE");
    expect(b).toBe("SREGIONILEDEFRAN02");
    taken.add(b);
    expect(uniqueAuxNumber("S", "Région Île-de-France Transports", taken)).toBe("SREGIONILEDEFRAN03");
    expect(uniqueAuxNumber("S", "Fondation Lumière", taken)).toBe("SFONDATIONLUMIERE");
  });
});

describe("fonds dédiés with a repayment", () => {
  const grant = (years: [number, { recognised: number; spent: number; repaid?: number }][]): GrantForFunds => ({
    grantId: "g",
    title: "t",
    funderId: "f",
    funderName: "F",
    restricted: true,
    accounts: { dedicated: "194", report: "6894", release: "7894" },
    years: new Map(years),
  });
  it("what is given back leaves the funds carried straight to the debt: nothing reported or released for it", () => {
    const g = grant([
      [2025, { recognised: 1000, spent: 0 }],
      [2026, { recognised: 0, spent: 200, repaid: 300 }],
    ]);
    expect(dedicatedFundsRow(g, 2026)).toMatchObject({ atStart: 1000, repaid: 300, used: 200, new: 0, atEnd: 500, spentToDate: 200 });
  });
});
