import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decimalAmount, euros, eurosRoundedText, eurosWhole, formatCents, frenchAmount, plainEuros, receiptEuros } from "./money.js";

// The report used to format with Intl over floats; the integer formatter must write the same text.
const intl = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const intlWhole = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0, minimumFractionDigits: 0 });
const intlInt = new Intl.NumberFormat("fr-FR");

describe("the one money formatter", () => {
  it("writes each style", () => {
    expect(frenchAmount(123456)).toBe("1234,56");
    expect(frenchAmount(-5)).toBe("-0,05");
    expect(decimalAmount(123456)).toBe("1234.56");
    expect(plainEuros(5000)).toBe("50,00 €");
    expect(euros(123456)).toBe("1\u202f234,56\u00a0€");
    expect(eurosWhole(123450)).toBe("1\u202f235\u00a0€");
    expect(receiptEuros(-123456)).toBe("\u22121\u202f234,56 €");
  });

  it("writes exactly what Intl fr-FR wrote for the report, for any amount up to 10^13 cents", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (c) => {
        expect(euros(c)).toBe(intl.format(c / 100));
        // Intl keeps "-0 €" for a negative amount under 50 cents; the integer formatter writes "0 €".
        if (Math.round(c / 100) !== 0 || c >= 0) expect(eurosWhole(c)).toBe(intlWhole.format(Math.round(c / 100)));
        if (c >= 0) expect(eurosRoundedText(c)).toBe(`${intlInt.format(Math.round(c / 100))} €`);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses anything that is not a whole number of cents", () => {
    expect(() => formatCents(12.5)).toThrow(RangeError);
    expect(() => euros(Number.NaN)).toThrow(RangeError);
  });
});
