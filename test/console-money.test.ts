/** The console's money edge: French decimals typed by people become integer cents, and back. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatEuros, formatPlain, parseEuros, MAX_CENTS } from "../web/console/src/money.js";
import { fileNameOf, keyKeeper, withQuery } from "../web/console/src/query.js";

describe("parseEuros", () => {
  it.each([
    ["1 234,56", 123456],
    ["1234,56", 123456],
    ["1234.5", 123450],
    ["0,07", 7],
    ["12", 1200],
    ["12 €", 1200],
    ["1\u202f234,56\u00a0€", 123456],
    ["  100 000,00 ", 10000000],
    ["007,10", 710],
  ])("reads %j as %i cents", (text, cents) => {
    expect(parseEuros(text)).toBe(cents);
  });

  it.each(["", " ", "-5", "-5,00", "1,234", "12,", ",5", "1.2.3", "1,2,3", "abc", "12 345,678", "1e3", "Infinity", "100000000001,00"])("refuses %j", (text) => {
    expect(parseEuros(text)).toBeNull();
  });

  it("reads the largest amount the API accepts, 100 000 000 000,00 € (bug: a digit-count bound one short refused it)", () => {
    expect(parseEuros("100 000 000 000,00")).toBe(MAX_CENTS);
    expect(parseEuros("100 000 000 000,01")).toBeNull();
  });

  it("reads back every amount it writes, in both fr-FR forms (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CENTS }), (cents) => {
        expect(parseEuros(formatPlain(cents))).toBe(cents);
        expect(parseEuros(formatEuros(cents))).toBe(cents);
      }),
      { numRuns: 2000 },
    );
  });

  it("never answers a fraction of a cent or a negative amount (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const cents = parseEuros(text);
        if (cents !== null) {
          expect(Number.isInteger(cents)).toBe(true);
          expect(cents).toBeGreaterThanOrEqual(0);
          expect(cents).toBeLessThanOrEqual(MAX_CENTS);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the console's API helpers", () => {
  it("reads the download name from Content-Disposition", () => {
    expect(fileNameOf('attachment; filename="123456789FEC20241231.txt"', "x")).toBe("123456789FEC20241231.txt");
    expect(fileNameOf("attachment; filename*=UTF-8''re%C3%A7u.pdf", "x")).toBe("reçu.pdf");
    expect(fileNameOf(null, "fallback.txt")).toBe("fallback.txt");
  });

  it("leaves empty filters out of the query", () => {
    expect(withQuery("/v1/ledger/entries", { from: "2024-01-01", journal: "", account: undefined, limit: 50, cursor: null })).toBe(
      "/v1/ledger/entries?from=2024-01-01&limit=50",
    );
  });

  it("keeps one Idempotency-Key for the same request, a new one for a corrected request or after a success", () => {
    const keys = keyKeeper();
    const first = keys.for({ amount: 100, label: "a" });
    expect(keys.for({ amount: 100, label: "a" })).toBe(first); // a retry, a double click
    const corrected = keys.for({ amount: 120, label: "a" });
    expect(corrected).not.toBe(first); // the API refuses a key reused for another body
    keys.reset(); // after a success, the same figures again are a second write
    expect(keys.for({ amount: 120, label: "a" })).not.toBe(corrected);
  });
});
