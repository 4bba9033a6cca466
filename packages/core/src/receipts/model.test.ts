import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Donation } from "../giving/index.js";
import { parseReceiptNumber, plan, printable, printedDonor, receiptFile, receiptNumber, recapsOf, yearHasEnded } from "./model.js";

const gift = (over: Partial<Donation>): Donation => ({
  chargeId: "ch_1",
  kind: "donation",
  frequency: "monthly",
  amount: 1500,
  fee: 48,
  date: "2024-01-10",
  year: 2024,
  email: "ines@example.org",
  firstName: "Inès",
  lastName: "Petit",
  address: { line1: "3 place de la République", postalCode: "75003", city: "Paris", country: "FR" },
  receiptWanted: true,
  method: "card",
  checkoutId: "co_1",
  subscriptionId: "sub_1",
  ...over,
});

describe("receipt numbering", () => {
  it("numbers receipts <year>-<6 digits> and reads them back", () => {
    expect(receiptNumber(2024, 1)).toBe("2024-000001");
    expect(receiptNumber(2024, 999_999)).toBe("2024-999999");
    expect(() => receiptNumber(2024, 0)).toThrow(RangeError);
    expect(() => receiptNumber(2024, 1_000_000)).toThrow(RangeError);
    expect(parseReceiptNumber("2024-000012")).toEqual({ year: 2024, n: 12 });
    expect(parseReceiptNumber("2024-000000")).toBeUndefined();
    expect(parseReceiptNumber("2024-12")).toBeUndefined();
    expect(receiptFile("2024-000012")).toBe("receipts/2024/2024-000012.pdf");
  });

  it("numbers sort in issue order and read back (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2200 }), fc.integer({ min: 1, max: 999_998 }), (y, n) => {
        expect(parseReceiptNumber(receiptNumber(y, n))).toEqual({ year: y, n });
        expect(receiptNumber(y, n) < receiptNumber(y, n + 1)).toBe(true);
      }),
    );
  });
});

describe("the year has ended (Paris time)", () => {
  it("on 1 January in Paris, not before", () => {
    expect(yearHasEnded(2024, new Date("2024-12-31T22:59:00Z"))).toBe(false);
    expect(yearHasEnded(2024, new Date("2024-12-31T23:00:00Z"))).toBe(true);
    expect(yearHasEnded(2024, new Date("2024-06-01T00:00:00Z"))).toBe(false);
  });
});

describe("printed text", () => {
  it("a name cannot carry a line break or asterisks that frame an amount", () => {
    expect(printable("Camille\u2028***1 000 000,00 €***", 100)).toBe("Camille 1 000 000,00 €");
    const d = printedDonor(
      gift({ firstName: "A".repeat(500), lastName: "B\nC", address: { line1: "x\u2029y", postalCode: "75003\r\n", city: "Paris", country: "fr" } }),
    );
    expect(d.firstName).toHaveLength(100);
    expect(d.lastName).toBe("B C");
    expect(d.address).toEqual({ line1: "x y", postalCode: "75003", city: "Paris", country: "FR" });
  });
});

describe("plan", () => {
  it("issues, keeps, replaces or cancels", () => {
    expect(plan(undefined, 5000)).toEqual({ action: "issue", amount: 5000 });
    expect(plan(undefined, 0)).toEqual({ action: "keep" });
    expect(plan({ amount: 5000, status: "issued" }, 5000)).toEqual({ action: "keep" });
    expect(plan({ amount: 5000, status: "issued" }, 3000)).toEqual({ action: "replace", amount: 3000 });
    expect(plan({ amount: 5000, status: "issued" }, 0)).toEqual({ action: "cancel" });
    expect(plan({ amount: 5000, status: "cancelled" }, 0)).toEqual({ action: "keep" });
    expect(plan({ amount: 5000, status: "cancelled" }, 5000)).toEqual({ action: "issue", amount: 5000 });
  });
});

describe("annual recaps", () => {
  it("one per subscription, never merged by email; the identity of the subscription's gifts; refunds deducted", () => {
    const recaps = recapsOf([
      gift({ chargeId: "ch_2", date: "2024-02-10", refunded: 500 }),
      gift({ chargeId: "ch_1", date: "2024-01-10" }),
      // Someone else giving monthly under the same email: a recap of their own, with their identity.
      gift({
        chargeId: "ch_9",
        subscriptionId: "sub_2",
        firstName: "Mallory",
        lastName: "Usurpe",
        address: { line1: "1 rue Ailleurs", postalCode: "13001", city: "Marseille", country: "FR" },
      }),
      gift({ chargeId: "ch_5", frequency: "once", subscriptionId: undefined }),
      gift({ chargeId: "ch_6", receiptWanted: false, subscriptionId: "sub_3" }),
      gift({ chargeId: "ch_7", kind: "membership", subscriptionId: "sub_4" }),
    ]);
    expect(recaps.map((r) => [r.subscriptionId, r.gifts.map((g) => g.chargeId), r.amount])).toEqual([
      ["sub_1", ["ch_1", "ch_2"], 2500],
      ["sub_2", ["ch_9"], 1500],
    ]);
    expect(recaps[1]!.gifts[0]!.lastName).toBe("Usurpe");
  });
});
