import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amountInWords, euros, frenchDate } from "./money.js";

describe("euros", () => {
  it("writes cents as French figures", () => {
    expect(euros(123456)).toBe("1\u202f234,56 €");
    expect(euros(5000)).toBe("50,00 €");
    expect(euros(5)).toBe("0,05 €");
    expect(euros(100000000)).toBe("1\u202f000\u202f000,00 €");
    expect(euros(-250)).toBe("−2,50 €");
    expect(() => euros(1.5)).toThrow(RangeError);
  });
});

describe("amountInWords", () => {
  it.each([
    [8000, "quatre-vingts euros"],
    [7100, "soixante et onze euros"],
    [100000000, "un million d'euros"],
    [200000000, "deux millions d'euros"],
    [120000000, "un million deux cent mille euros"],
    [50, "cinquante centimes"],
    [2005, "vingt euros et cinq centimes"],
    [100, "un euro"],
    [101, "un euro et un centime"],
    [2000, "vingt euros"],
    [8080, "quatre-vingts euros et quatre-vingts centimes"],
    [0, "zéro euro"],
  ])("%i cents → %s", (cents, words) => expect(amountInWords(cents)).toBe(words));

  it("refuses what is not a whole number of cents", () => {
    expect(() => amountInWords(-1)).toThrow(RangeError);
    expect(() => amountInWords(0.5)).toThrow(RangeError);
  });

  it("names euros and centimes once each, for any amount up to 10 million euros (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (cents) => {
        const w = amountInWords(cents);
        expect(w).toMatch(/^[a-zéèêàç' -]+$/);
        expect(w.includes("euro")).toBe(cents >= 100);
        expect(w.includes("centime")).toBe(cents % 100 > 0);
        expect(w).not.toMatch(/millions? euros/);
      }),
    );
  });
});

describe("frenchDate", () => {
  it("writes DD/MM/YYYY", () => {
    expect(frenchDate("2024-03-05")).toBe("05/03/2024");
    expect(() => frenchDate("2024-3-5")).toThrow(RangeError);
  });
});
