import { describe, expect, it } from "vitest";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "./dates.js";
import { decodeCursor, encodeCursor } from "./db/cursor.js";
import { ValidationError } from "./errors.js";

describe("fiscal years", () => {
  it("calendar years by default", () => {
    expect(fiscalYearOf("2024-01-01", 1)).toBe(2024);
    expect(fiscalYearOf("2024-12-31", 1)).toBe(2024);
    expect(fiscalYearBounds(2024, 1)).toEqual({ start: "2024-01-01", end: "2024-12-31" });
  });
  it("a year starting in September is named after its first day", () => {
    expect(fiscalYearOf("2024-08-31", 9)).toBe(2023);
    expect(fiscalYearOf("2024-09-01", 9)).toBe(2024);
    expect(fiscalYearOf("2025-08-31", 9)).toBe(2024);
    expect(fiscalYearBounds(2024, 9)).toEqual({ start: "2024-09-01", end: "2025-08-31" });
    expect(fiscalYearBounds(2023, 3)).toEqual({ start: "2023-03-01", end: "2024-02-29" });
  });
  it("a payment at 23:30 UTC on 31 December is dated 1 January in Paris", () => {
    expect(parisDate(new Date("2024-12-31T23:30:00Z"))).toBe("2025-01-01");
  });
});

describe("signed cursors", () => {
  it("round-trips, and refuses a forged, altered or foreign cursor with a 400", () => {
    const c = encodeCursor({ k: { pk: "LEDGER", sk: "E#1" } }, "entries");
    expect(decodeCursor(c, "entries")).toEqual({ k: { pk: "LEDGER", sk: "E#1" } });
    const forged = Buffer.from(JSON.stringify({ k: { pk: "X" } })).toString("base64url");
    for (const bad of [forged, `${forged}.${c.split(".")[1]}`, c.slice(0, -1) + (c.endsWith("A") ? "B" : "A"), "%%%", "a.b.c"])
      expect(() => decodeCursor(bad, "entries")).toThrow(ValidationError);
    expect(() => decodeCursor(c, "donors")).toThrow(ValidationError);
    expect(decodeCursor(undefined, "entries")).toBeUndefined();
  });
});
