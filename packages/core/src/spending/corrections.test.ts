import { describe, expect, it } from "vitest";
import { scaleShares } from "./corrections.js";
import { auxCandidates } from "./suppliers.js";
import { supplierKey } from "./store.js";

describe("a credit note's effect on the grants' shares", () => {
  it("shrinks each share in proportion, to the cent, never above what the expense costs", () => {
    const shares = [
      { grantId: "a", amount: 60_000 },
      { grantId: "b", amount: 40_000 },
    ];
    expect(scaleShares(shares, 100_000, 80_000)).toEqual([
      { grantId: "a", amount: 48_000 },
      { grantId: "b", amount: 32_000 },
    ]);
    // 1 cent that does not divide: the largest remainder takes it, the total keeps the proportion.
    const odd = scaleShares(
      [
        { grantId: "a", amount: 1 },
        { grantId: "b", amount: 1 },
        { grantId: "c", amount: 1 },
      ],
      3,
      2,
    );
    expect(odd.reduce((s, x) => s + x.amount, 0)).toBe(2);
    // A share of an expense half on grants stays half.
    expect(scaleShares([{ grantId: "a", amount: 5_000 }], 10_000, 3_333)).toEqual([{ grantId: "a", amount: 1_667 }]);
    // Down to nothing: no share left.
    expect(scaleShares(shares, 100_000, 0)).toEqual([]);
  });
});

describe("suppliers' auxiliary numbers", () => {
  it("the name in capitals without accents, then a suffix for another supplier alike in its first 17 letters", () => {
    expect(supplierKey("Léa Petit")).toBe("LEAPETIT");
    expect(supplierKey("LÉA  PETIT")).toBe(supplierKey("Léa Petit"));
    const c = auxCandidates(supplierKey("Imprimerie Lumière du Nord"));
    expect(c[0]).toBe("FIMPRIMERIELUMIERE");
    expect(c[1]).toBe("FIMPRIMERIELUMIE02");
    expect(new Set(c).size).toBe(c.length);
    expect(auxCandidates("")[0]).toBe("FX");
  });
});
