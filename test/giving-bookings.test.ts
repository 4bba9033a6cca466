/**
 * Stripe bookings that an auditor accepts (issue 11), through the HTTP surface and the Stripe
 * double: disputes move 4671 exactly as Stripe's balance does, pending (SEPA) refunds are booked
 * when they succeed and reversed if they fail with the receipt following, payments that are not
 * from our own EUR checkout become incidents (never a booking, never an endless 503), and
 * membership fees go to 7561 / 7562.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, chargeOf, checkout, dev, donation, pay, stripeApi, stripeEntries, trialBalance } from "./support/giving.js";

let stack: TestStack;
const TIERS = [
  { id: "individuel", label: "Adhésion individuelle", amount: 2000 },
  { id: "bienfaiteur", label: "Adhésion avec revue", amount: 6000, counterpart: true },
];
beforeAll(async () => {
  stack = await startTestStack({
    MEMBERSHIP_TIERS: JSON.stringify(TIERS),
    RECEIPTS_ENABLED: "true",
    CHECKOUT_IP_BURST: "1000",
    CHECKOUT_IP_PER_MINUTE: "10000",
  });
});
afterAll(() => stack.close());

const YEARS = [2023, 2024, new Date().getFullYear()].filter((y, i, a) => a.indexOf(y) === i);
/** 4671 over every year the tests touch (no year is closed here). */
async function clearing(): Promise<number> {
  let total = 0;
  for (const y of YEARS) total += (await trialBalance(stack, y))["4671"] ?? 0;
  return total;
}
async function stripeBalance(): Promise<number> {
  const b = (await stripeApi(stack, "GET", "/v1/balance")) as { available: { amount: number; currency: string }[] };
  return b.available.find((a) => a.currency === "eur")!.amount;
}
const expectClearingIsStripeBalance = async (step: string) => expect(await clearing(), step).toBe(await stripeBalance());
const incidents = async (year: number) =>
  ((await (await stack.call("GET", `/v1/payment-incidents?year=${year}`)).json()) as { items: { type: string; ref: string; detail: string; amount: number }[] })
    .items;
/** Every delivery of every event so far was answered 2xx (no endless retries). */
const allDelivered = () => stack.stripe.events.every((e) => e.attempts.length > 0 && e.attempts.every((a) => typeof a.status === "number" && a.status < 300));

describe("disputes: 4671 equals Stripe's balance at every step", () => {
  it("dispute opened books the withdrawn amount and the fee; won books the return of funds; lost leaves the gift reversed", async () => {
    const a = await checkout(stack, donation(8000, { receipt: false, donor: { email: "won@example.org", firstName: "Gagné", lastName: "Litige" } }));
    await pay(stack, a.sessionId, "2023-09-01T10:00:00Z");
    await expectClearingIsStripeBalance("after the gift");
    const charge = await chargeOf(stack, a.sessionId);
    const before = await trialBalance(stack, 2023);

    const dp = await dev(stack, `/__dev/charges/${charge.id}/dispute`, { at: "2023-09-10T10:00:00Z" });
    await expectClearingIsStripeBalance("after the dispute opened");
    const opened = await trialBalance(stack, 2023);
    expect(opened["7541"]! - before["7541"]!).toBe(8000);
    expect((opened["627"] ?? 0) - (before["627"] ?? 0)).toBe(1500);
    expect((await incidents(2023)).find((i) => i.ref === dp.id)?.type).toBe("dispute_opened");

    await dev(stack, `/__dev/disputes/${dp.id as string}/close`, { status: "won", at: "2023-10-01T10:00:00Z" });
    await expectClearingIsStripeBalance("after the dispute was won");
    const won = await trialBalance(stack, 2023);
    expect(won["7541"]).toBe(before["7541"]);
    expect((won["627"] ?? 0) - (before["627"] ?? 0)).toBe(1500);
    expect((await incidents(2023)).find((i) => i.ref === dp.id)?.type).toBe("dispute_won");

    const b = await checkout(stack, donation(5000, { receipt: false, donor: { email: "lost@example.org", firstName: "Perdu", lastName: "Litige" } }));
    await pay(stack, b.sessionId, "2023-11-01T10:00:00Z");
    const lostCharge = await chargeOf(stack, b.sessionId);
    const beforeLost = await trialBalance(stack, 2023);
    const dp2 = await dev(stack, `/__dev/charges/${lostCharge.id}/dispute`, { at: "2023-11-05T10:00:00Z" });
    await dev(stack, `/__dev/disputes/${dp2.id as string}/close`, { status: "lost", at: "2023-11-25T10:00:00Z" });
    await expectClearingIsStripeBalance("after the dispute was lost");
    const lost = await trialBalance(stack, 2023);
    expect(lost["7541"]! - beforeLost["7541"]!).toBe(5000);
    expect((await incidents(2023)).find((i) => i.ref === dp2.id)?.type).toBe("dispute_lost");

    // The entries, as the auditor reads them.
    const entries = (await stripeEntries(stack, "2023-09-01", "2023-11-30")).filter((e) => e.pieceRef === dp.id);
    expect(entries.map((e) => e.label)).toEqual([`Litige ouvert : fonds retirés (${charge.id})`, `Litige gagné : fonds restitués (${charge.id})`]);
    const po = await dev(stack, "/__dev/payouts", { at: "2023-12-01T10:00:00Z" });
    await expectClearingIsStripeBalance("after the payout");
    expect((await trialBalance(stack, 2023))["512"]).toBe(po.amount);
    expect(allDelivered()).toBe(true);
  });
});

describe("pending (SEPA) refunds", () => {
  it("are booked when they succeed and reversed if they fail; the receipt follows", async () => {
    const { sessionId } = await checkout(
      stack,
      donation(10000, { donor: { email: "sepa.refund@example.org", firstName: "Sé", lastName: "Pa", address: ADDRESS } }),
    );
    await dev(stack, `/__dev/checkout/sessions/${sessionId}/complete`, { at: "2024-02-01T10:00:00Z", async: true });
    await dev(stack, `/__dev/checkout/sessions/${sessionId}/async`, { succeeded: true, at: "2024-02-05T10:00:00Z" });
    const charge = await chargeOf(stack, sessionId);
    const receipts = async () =>
      (
        (await (await stack.call("GET", "/v1/receipts?year=2024")).json()) as {
          items: { id: string; amount: number; status: string; donor: { email: string } }[];
        }
      ).items
        .filter((r) => r.donor.email === "sepa.refund@example.org")
        .map((r) => [r.amount, r.status]);
    expect(await receipts()).toEqual([[10000, "issued"]]);
    const base = await trialBalance(stack, new Date().getFullYear());

    const refund = await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id, amount: "4000" });
    expect(refund.status).toBe("pending");
    // Pending: nothing booked, the receipt unchanged.
    expect(await trialBalance(stack, new Date().getFullYear())).toEqual(base);
    expect(await receipts()).toEqual([[10000, "issued"]]);
    await expectClearingIsStripeBalance("refund pending");

    await dev(stack, `/__dev/refunds/${refund.id as string}/succeed`);
    const afterSuccess = await trialBalance(stack, new Date().getFullYear());
    expect((afterSuccess["7541"] ?? 0) - (base["7541"] ?? 0)).toBe(4000);
    expect(await receipts()).toEqual([
      [10000, "cancelled"],
      [6000, "issued"],
    ]);
    await expectClearingIsStripeBalance("refund succeeded");

    await dev(stack, `/__dev/refunds/${refund.id as string}/fail`);
    const afterFailure = await trialBalance(stack, new Date().getFullYear());
    expect(afterFailure["7541"] ?? 0).toBe(base["7541"] ?? 0);
    expect(afterFailure["4671"] ?? 0).toBe(base["4671"] ?? 0);
    expect((await receipts()).filter(([, s]) => s === "issued")).toEqual([[10000, "issued"]]);
    await expectClearingIsStripeBalance("refund failed");
    expect((await incidents(new Date().getFullYear())).find((i) => i.ref === `refund:${refund.id as string}`)?.type).toBe("refund_failed");
    // Redelivering every event changes nothing.
    const tb = await trialBalance(stack, new Date().getFullYear());
    for (const e of stack.stripe.events.filter((x) => JSON.stringify(x.data).includes(charge.id)))
      await fetch(`${stack.stripeUrl}/__dev/events/${e.id}/redeliver`, { method: "POST" });
    expect(await trialBalance(stack, new Date().getFullYear())).toEqual(tb);
  });

  it("a pending refund that fails books nothing at all", async () => {
    const { sessionId } = await checkout(stack, donation(3000, { receipt: false, donor: { email: "sepa.fail@example.org", firstName: "Sé", lastName: "Ko" } }));
    await dev(stack, `/__dev/checkout/sessions/${sessionId}/complete`, { at: "2024-03-01T10:00:00Z", async: true });
    await dev(stack, `/__dev/checkout/sessions/${sessionId}/async`, { succeeded: true, at: "2024-03-04T10:00:00Z" });
    const charge = await chargeOf(stack, sessionId);
    const base = await trialBalance(stack, new Date().getFullYear());
    const refund = await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id });
    await dev(stack, `/__dev/refunds/${refund.id as string}/fail`);
    expect(await trialBalance(stack, new Date().getFullYear())).toEqual(base);
    await expectClearingIsStripeBalance("pending refund failed");
  });
});

describe("only our own EUR checkouts are booked", () => {
  /** A session made at Stripe by someone else (the dashboard, another integration): no metadata of ours. */
  async function foreignSession(form: Record<string, string>) {
    return stripeApi(stack, "POST", "/v1/checkout/sessions", {
      mode: "payment",
      success_url: "https://example.org/ok",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "2500",
      "line_items[0][price_data][product_data][name]": "Ailleurs",
      ...form,
    });
  }

  it("a payment without our metadata is an incident for the trésorier: 200 to Stripe, no booking", async () => {
    const before = await trialBalance(stack, 2024);
    const s = await foreignSession({});
    await pay(stack, s.id as string, "2024-07-01T10:00:00Z");
    expect(await trialBalance(stack, 2024)).toEqual(before);
    const charge = await chargeOf(stack, s.id as string);
    const found = (await incidents(2024)).find((i) => i.ref === `foreign:${charge.id}`);
    expect(found).toMatchObject({ type: "foreign_payment", amount: 2500 });
    // Its refund is an incident too, not a 503 forever.
    await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id });
    expect(allDelivered()).toBe(true);
    expect((await incidents(new Date().getFullYear())).some((i) => i.type === "foreign_payment" && i.detail.includes(charge.id))).toBe(true);
  });

  it("a payment in another currency, even naming one of our checkouts, is not booked", async () => {
    const ours = await checkout(stack, donation(2500, { receipt: false, donor: { email: "usd@example.org", firstName: "U", lastName: "Sd" } }));
    const session = await stripeApi(stack, "GET", `/v1/checkout/sessions/${ours.sessionId}`);
    const checkoutId = (session.metadata as { checkout: string }).checkout;
    const before = await trialBalance(stack, 2024);
    const s = await foreignSession({
      "line_items[0][price_data][currency]": "usd",
      "metadata[checkout]": checkoutId,
      "metadata[kind]": "donation",
      "payment_intent_data[metadata][checkout]": checkoutId,
    });
    await pay(stack, s.id as string, "2024-07-02T10:00:00Z");
    expect(await trialBalance(stack, 2024)).toEqual(before);
    const charge = await chargeOf(stack, s.id as string);
    expect((await incidents(2024)).find((i) => i.ref === `foreign:${charge.id}`)?.detail).toMatch(/USD/);
    expect(allDelivered()).toBe(true);
  });
});

describe("membership fees", () => {
  it("go to 7561 (no counterpart) or 7562 for a tier marked as having one", async () => {
    const a = await checkout(
      stack,
      { tierId: "individuel", member: { email: "m1@example.org", firstName: "M", lastName: "Un" } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, a.sessionId, "2024-05-01T10:00:00Z");
    const b = await checkout(
      stack,
      { tierId: "bienfaiteur", member: { email: "m2@example.org", firstName: "M", lastName: "Deux" } },
      "/v1/public/memberships/checkout",
    );
    await pay(stack, b.sessionId, "2024-05-02T10:00:00Z");
    const tb = await trialBalance(stack, 2024);
    expect(tb["7561"]).toBe(-2000);
    expect(tb["7562"]).toBe(-6000);
    expect(tb["756"]).toBeUndefined();
    // A refund of the fee with a counterpart reverses 7562.
    await stripeApi(stack, "POST", "/v1/refunds", { charge: (await chargeOf(stack, b.sessionId)).id });
    expect((await trialBalance(stack, new Date().getFullYear()))["7562"] ?? 0).toBe(new Date().getFullYear() === 2024 ? 0 : 6000);
  });
});
