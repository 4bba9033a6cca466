/**
 * A negative payout (issue 19 item 9): when Stripe's balance goes below zero after the gifts were
 * paid out (a dispute, a refund), Stripe takes the money back from the bank with a payout of a
 * negative amount. Through the webhook and the Stripe double: it is booked 4671 ← 512 (debit 4671,
 * credit 512) on the first delivery, instead of failing the entry check until Stripe gives up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { chargeOf, checkout, dev, donation, pay, stripeApi, stripeEntries, stripeFee, trialBalance } from "./support/giving.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
});
afterAll(() => stack.close());

async function stripeBalance(): Promise<number> {
  const b = (await stripeApi(stack, "GET", "/v1/balance")) as { available: { amount: number; currency: string }[] };
  return b.available.find((a) => a.currency === "eur")!.amount;
}
const allDelivered = () => stack.stripe.events.every((e) => e.attempts.length > 0 && e.attempts.every((a) => typeof a.status === "number" && a.status < 300));

describe("a negative payout", () => {
  it("is booked 4671 ← 512 through the webhook, first time, and 4671 follows Stripe's balance", async () => {
    const { sessionId } = await checkout(stack, donation(10000, { receipt: false, donor: { email: "neg@example.org", firstName: "Né", lastName: "Gatif" } }));
    await pay(stack, sessionId, "2024-03-01T10:00:00Z");
    const charge = await chargeOf(stack, sessionId);
    const paidOut = await dev(stack, "/__dev/payouts", { at: "2024-03-03T10:00:00Z" });
    expect(paidOut.amount).toBe(10000 - stripeFee(10000));
    // The dispute withdraws the gift and its fee from a balance already paid out: Stripe's balance goes negative.
    const dp = await dev(stack, `/__dev/charges/${charge.id}/dispute`, { at: "2024-03-10T10:00:00Z" });
    await dev(stack, `/__dev/disputes/${dp.id as string}/close`, { status: "lost", at: "2024-03-20T10:00:00Z" });
    const owed = await stripeBalance();
    expect(owed).toBeLessThan(0);
    const negative = await dev(stack, "/__dev/payouts", { at: "2024-03-25T10:00:00Z" });
    expect(negative.amount).toBe(owed);
    expect(await stripeBalance()).toBe(0);

    // Booked on its first delivery (every delivery answered 2xx, none retried).
    await expect.poll(async () => (await stripeEntries(stack, "2024-03-25", "2024-03-25")).length, { timeout: 10_000 }).toBe(1);
    const [entry] = await stripeEntries(stack, "2024-03-25", "2024-03-25");
    expect(entry!.pieceRef).toBe(negative.id);
    expect(entry!.status).toBe("validated");
    expect(entry!.label).toBe("Prélèvement de Stripe sur la banque (virement négatif)");
    expect(entry!.lines).toEqual([
      { account: "4671", debit: -owed, credit: 0 },
      { account: "512", debit: 0, credit: -owed },
    ]);
    expect(allDelivered()).toBe(true);
    expect(
      stack.stripe.events.find((e) => e.type === "payout.paid" && (e.data as { object: { id: string } }).object.id === negative.id)?.attempts,
    ).toHaveLength(1);

    // 4671 is Stripe's balance (zero), the bank received the first payout less what was taken back.
    const tb = await trialBalance(stack, 2024);
    expect(tb["4671"] ?? 0).toBe(0);
    expect(tb["512"]).toBe((paidOut.amount as number) + owed);
  });

  it("a negative payout that fails gives the money back to the bank, and 4671 owes it again", async () => {
    const { sessionId } = await checkout(stack, donation(5000, { receipt: false, donor: { email: "neg2@example.org", firstName: "Né", lastName: "Gatif" } }));
    await pay(stack, sessionId, "2024-05-01T10:00:00Z");
    const charge = await chargeOf(stack, sessionId);
    await dev(stack, "/__dev/payouts", { at: "2024-05-02T10:00:00Z" });
    await dev(stack, `/__dev/charges/${charge.id}/dispute`, { at: "2024-05-05T10:00:00Z" });
    const before = await trialBalance(stack, 2024);
    const negative = await dev(stack, "/__dev/payouts", { at: "2024-05-10T10:00:00Z" });
    await expect.poll(async () => (await stripeEntries(stack, "2024-05-10", "2024-05-10")).length, { timeout: 10_000 }).toBe(1);
    await dev(stack, `/__dev/payouts/${negative.id as string}/fail`, { at: "2024-05-12T10:00:00Z" });
    await expect.poll(async () => (await stripeEntries(stack, "2024-05-12", "2024-05-12")).length, { timeout: 10_000 }).toBe(1);
    const [failed] = await stripeEntries(stack, "2024-05-12", "2024-05-12");
    expect(failed!.lines).toEqual([
      { account: "512", debit: -(negative.amount as number), credit: 0 },
      { account: "4671", debit: 0, credit: -(negative.amount as number) },
    ]);
    const after = await trialBalance(stack, 2024);
    expect(after["512"]).toBe(before["512"]);
    expect(after["4671"]).toBe(before["4671"]);
    expect(allDelivered()).toBe(true);
  });
});
