/** Bookings and receipt decisions are pure functions of payment facts: no DynamoDB, no Stripe. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  disputeOpenedEntry,
  disputeWonEntry,
  giftEntry,
  keptDelta,
  movedToOpenDate,
  openingOf,
  payerName,
  payoutEntry,
  payoutFailedEntry,
  receiptToReconcile,
  refundEntry,
  refundFailedEntry,
  revenueAccount,
  whyNotOurs,
} from "./bookings.js";
import type { CheckoutRecord, FactOf } from "./types.js";

const meta = { checkoutId: "c1", kind: "donation", source: "asso-backoffice" };
const paid = (amount: number, fee: number, extra: Partial<FactOf<"DonationPaid">> = {}): FactOf<"DonationPaid"> => ({
  type: "DonationPaid",
  chargeId: "ch_1",
  amount,
  fee,
  currency: "eur",
  date: "2024-03-05",
  method: "card",
  metadata: meta,
  ...extra,
});
const checkout: CheckoutRecord = {
  checkoutId: "c1",
  kind: "donation",
  frequency: "once",
  amount: 5000,
  email: "a@b.fr",
  firstName: "Camille",
  lastName: "Martin",
  receipt: true,
  createdAt: "2024-03-05T10:00:00Z",
};

/** What an entry does to each account (debit − credit). */
const effect = (lines: { account: string; debit: number; credit: number }[]) => {
  const out: Record<string, number> = {};
  for (const l of lines) out[l.account] = (out[l.account] ?? 0) + l.debit - l.credit;
  for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
  return out;
};
const balanced = (lines: { debit: number; credit: number }[]) => lines.reduce((s, l) => s + l.debit - l.credit, 0) === 0;

describe("revenue accounts", () => {
  it("gifts go to 7541; membership fees to 7561, or 7562 for a tier with a counterpart", () => {
    expect(revenueAccount("donation")).toBe("7541");
    expect(revenueAccount("membership")).toBe("7561");
    expect(revenueAccount("membership", { counterpart: false })).toBe("7561");
    expect(revenueAccount("membership", { counterpart: true })).toBe("7562");
  });
});

describe("gift entries", () => {
  it("books the gross against 4671 and the fee to 627", () => {
    const e = giftEntry(paid(5000, 100), { kind: "donation", frequency: "once", who: "Camille Martin", account: "7541" });
    expect(e).toMatchObject({ date: "2024-03-05", pieceRef: "ch_1", label: "Don Camille Martin" });
    expect(effect(e.lines)).toEqual({ "4671": 4900, "7541": -5000, "627": 100 });
  });
  it("a name with line breaks or controls reaches the label as one clean line", () => {
    const who = payerName({ firstName: "Léo\u2028***1 000 €***", lastName: "B\u0000ernard" });
    expect(who).toBe("Léo ***1 000 €*** Bernard");
    expect(giftEntry(paid(100, 0), { kind: "donation", frequency: "monthly", who, account: "7541" }).label).toBe("Don mensuel Léo ***1 000 €*** Bernard");
  });
  it("every entry balances, and 4671 moves by what Stripe's balance does (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 3000 }),
        (amount, fee, disputeFee) => {
          const gift = giftEntry(paid(amount, fee), { kind: "donation", frequency: "once", who: "x", account: "7541" });
          const opened = disputeOpenedEntry(
            {
              type: "DisputeOpened",
              disputeId: "dp",
              chargeId: "ch_1",
              amount,
              fee: disputeFee,
              currency: "eur",
              date: "2024-04-01",
              reason: "fraudulent",
              metadata: meta,
            },
            "7541",
          );
          const won = disputeWonEntry(
            {
              type: "DisputeClosed",
              disputeId: "dp",
              chargeId: "ch_1",
              outcome: "won",
              returned: amount,
              feeReturned: 0,
              withdrawn: amount,
              withdrawalFee: disputeFee,
              openedOn: "2024-04-01",
              reason: "fraudulent",
              currency: "eur",
              date: "2024-05-01",
              metadata: meta,
            },
            "7541",
          )!;
          for (const e of [gift, opened, won]) expect(balanced(e.lines)).toBe(true);
          // Stripe: +amount −fee, then −amount −disputeFee, then +amount.
          expect(effect(gift.lines)["4671"] ?? 0).toBe(amount - fee);
          expect(effect(opened.lines)["4671"] ?? 0).toBe(-amount - disputeFee);
          expect(effect(won.lines)["4671"] ?? 0).toBe(amount);
          // The gift is reversed while disputed, back once won.
          expect((effect(opened.lines)["7541"] ?? 0) + (effect(won.lines)["7541"] ?? 0)).toBe(0);
        },
      ),
    );
  });
});

describe("refunds, disputes, payouts", () => {
  const refund = { refundId: "re_1", chargeId: "ch_1", amount: 3000, currency: "eur", date: "2024-06-01", metadata: meta };
  it("a refund takes the gift back; a failed one puts it back", () => {
    expect(effect(refundEntry({ type: "RefundSucceeded", ...refund }, "donation", "7541").lines)).toEqual({ "7541": 3000, "4671": -3000 });
    expect(effect(refundFailedEntry({ type: "RefundFailed", ...refund }, "donation", "7541").lines)).toEqual({ "7541": -3000, "4671": 3000 });
    expect(refundEntry({ type: "RefundSucceeded", ...refund }, "membership", "7562").label).toBe("Remboursement de cotisation (ch_1)");
  });
  it("a dispute withdraws the amount and its fee; a lost one books nothing more", () => {
    const opened = disputeOpenedEntry(
      {
        type: "DisputeOpened",
        disputeId: "dp_1",
        chargeId: "ch_1",
        amount: 8000,
        fee: 1500,
        currency: "eur",
        date: "2023-09-10",
        reason: "fraudulent",
        metadata: meta,
      },
      "7541",
    );
    expect(effect(opened.lines)).toEqual({ "7541": 8000, "627": 1500, "4671": -9500 });
    expect(
      disputeWonEntry(
        {
          type: "DisputeClosed",
          disputeId: "dp_1",
          chargeId: "ch_1",
          outcome: "lost",
          returned: 0,
          feeReturned: 0,
          withdrawn: 8000,
          withdrawalFee: 1500,
          openedOn: "2023-09-10",
          reason: "fraudulent",
          currency: "eur",
          date: "2023-09-20",
          metadata: meta,
        },
        "7541",
      ),
    ).toBeUndefined();
  });
  it("a close implies its opening: the same withdrawal and fee, dated when it opened", () => {
    const closed: FactOf<"DisputeClosed"> = {
      type: "DisputeClosed",
      disputeId: "dp_9",
      chargeId: "ch_9",
      outcome: "lost",
      returned: 0,
      feeReturned: 0,
      withdrawn: 8000,
      withdrawalFee: 1500,
      openedOn: "2023-09-10",
      reason: "fraudulent",
      currency: "eur",
      date: "2023-09-20",
      metadata: meta,
    };
    expect(effect(disputeOpenedEntry(openingOf(closed), "7541").lines)).toEqual({ "7541": 8000, "627": 1500, "4671": -9500 });
    expect(disputeOpenedEntry(openingOf(closed), "7541")).toMatchObject({ date: "2023-09-10", pieceRef: "dp_9" });
  });
  it("what a movement takes from the gift kept", () => {
    expect(keptDelta({ type: "RefundSucceeded", ...refund })).toBe(3000);
    expect(keptDelta({ type: "RefundFailed", ...refund })).toBe(-3000);
    expect(
      keptDelta({
        type: "DisputeClosed",
        disputeId: "d",
        chargeId: "c",
        outcome: "won",
        returned: 8000,
        feeReturned: 0,
        withdrawn: 8000,
        withdrawalFee: 1500,
        openedOn: "2023-12-01",
        reason: "fraudulent",
        currency: "eur",
        date: "2024-01-01",
        metadata: meta,
      }),
    ).toBe(-8000);
  });
  it("a payout moves 4671 to 512; a failed one moves it back", () => {
    expect(effect(payoutEntry({ type: "PayoutPaid", payoutId: "po", amount: 900, currency: "eur", date: "2024-01-02" }).lines)).toEqual({
      "512": 900,
      "4671": -900,
    });
    expect(effect(payoutFailedEntry({ type: "PayoutFailed", payoutId: "po", amount: 900, currency: "eur", date: "2024-01-03" }).lines)).toEqual({
      "512": -900,
      "4671": 900,
    });
  });
});

describe("only our own EUR checkouts are booked", () => {
  it("refuses a payment without our metadata, with an unknown checkout, or not in EUR", () => {
    expect(whyNotOurs(paid(100, 0), checkout)).toBeUndefined();
    expect(whyNotOurs(paid(100, 0, { metadata: {} }), undefined)).toMatch(/métadonnées absentes/);
    expect(whyNotOurs(paid(100, 0), undefined)).toMatch(/ne correspond à aucun/);
    expect(whyNotOurs(paid(100, 0, { currency: "usd" }), checkout)).toMatch(/USD/);
  });
});

describe("closed years", () => {
  it("moves an entry to the first open date with a label saying so, keeping its piece date", () => {
    const e = movedToOpenDate(
      giftEntry(paid(5000, 100, { date: "2023-12-30" }), { kind: "donation", frequency: "once", who: "C M", account: "7541" }),
      "2024-01-01",
      1,
    );
    expect(e).toMatchObject({ date: "2024-01-01", pieceDate: "2023-12-30", label: "Don C M (mouvement du 30/12/2023, exercice 2023 clos)" });
    expect(e.label.length).toBeLessThanOrEqual(200);
    const long = movedToOpenDate({ date: "2023-05-01", label: "x".repeat(200), pieceRef: "p", lines: [] }, "2024-01-01", 1);
    expect(long.label.length).toBeLessThanOrEqual(200);
    expect(long.label).toMatch(/exercice 2023 clos\)$/);
  });
  it("uses the fiscal year, not the calendar year (a September start)", () => {
    expect(movedToOpenDate({ date: "2024-03-01", label: "Don", pieceRef: "p", lines: [] }, "2024-09-01", 9).label).toContain("exercice 2023 clos");
  });
});

describe("receipt decisions", () => {
  it("a receipt is reconciled for every fact that changes what was kept of a gift, and only those", () => {
    expect(receiptToReconcile(paid(5000, 100))).toBe("ch_1");
    expect(
      receiptToReconcile({ type: "RefundSucceeded", refundId: "re", chargeId: "ch_2", amount: 1, currency: "eur", date: "2024-01-01", metadata: meta }),
    ).toBe("ch_2");
    expect(receiptToReconcile({ type: "RefundFailed", refundId: "re", chargeId: "ch_3", amount: 1, currency: "eur", date: "2024-01-01", metadata: meta })).toBe(
      "ch_3",
    );
    expect(
      receiptToReconcile({
        type: "DisputeClosed",
        disputeId: "d",
        chargeId: "ch_4",
        outcome: "won",
        returned: 1,
        feeReturned: 0,
        withdrawn: 1,
        withdrawalFee: 0,
        openedOn: "2024-01-01",
        reason: "x",
        currency: "eur",
        date: "2024-01-01",
        metadata: meta,
      }),
    ).toBe("ch_4");
    expect(receiptToReconcile({ type: "PayoutPaid", payoutId: "po", amount: 1, currency: "eur", date: "2024-01-01" })).toBeUndefined();
    expect(receiptToReconcile({ type: "SubscriptionCancelled", subscriptionId: "sub", date: "2024-01-01" })).toBeUndefined();
  });
});
