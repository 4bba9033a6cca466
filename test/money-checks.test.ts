/**
 * Money checks on the Stripe webhook, through signed deliveries to the HTTP surface: a charge is
 * compared with its checkout record (amount, currency, session), an event's mode with the key's,
 * a payout's currency with the books'; Stripe's balance adds only euros and lists apart what the
 * webhook refused; Stripe refusing a read is an incident answered 200, an outage a 503.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestStack, TEST_STRIPE, type TestStack } from "./support/stack.js";
import { chargeOf, checkout, dev, donation, pay, stripeApi, stripeEntries, trialBalance } from "./support/giving.js";

let stack: TestStack;
const logged: string[] = [];
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" }, { deliver: false });
});
afterAll(() => stack.close());

type StripeEvent = { id: string; type: string; livemode: boolean; created: number; data: { object: Record<string, unknown> } };
const events = async () =>
  ((await (await fetch(`${stack.stripeUrl}/__dev/events`)).json()) as { data: (StripeEvent & { attempts: unknown })[] }).data.map(
    ({ attempts: _a, ...e }) => e as StripeEvent,
  );
const sign = (payload: string, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac("sha256", TEST_STRIPE.webhookSecret).update(`${t}.${payload}`).digest("hex")}`;
function deliver(event: StripeEvent) {
  const payload = JSON.stringify(event);
  return fetch(`${stack.url}/v1/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": sign(payload) },
    body: payload,
  });
}
const eventOf = async (type: string, objectId: string) => (await events()).find((e) => e.type === type && e.data.object.id === objectId)!;
const completed = (sessionId: string) => eventOf("checkout.session.completed", sessionId);
const entriesFor = async (pieceRef: string) => (await stripeEntries(stack, "2020-01-01", "2030-12-31")).filter((e) => e.pieceRef === pieceRef);
const incidents = async (year: number) =>
  (
    (await (await stack.call("GET", `/v1/payment-incidents?year=${year}`, { role: "auditor" })).json()) as {
      items: { ref: string; type: string; amount: number; detail: string }[];
    }
  ).items;
const fail = (body: Record<string, unknown>) => dev(stack, "/__dev/failures", body);
const clearFailures = () => dev(stack, "/__dev/failures/clear");

/** Our own 1 € checkout, paid at the double; answers its session and checkout id. */
async function oneEuro(email: string, at: string) {
  const { sessionId } = await checkout(stack, donation(100, { receipt: false, donor: { email, firstName: "Un", lastName: "Euro" } }));
  const s = await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`);
  return { sessionId, checkoutId: String((s.metadata as Record<string, string>).checkout), at };
}

/** A session made elsewhere (someone with access to the Stripe account) carrying one of our checkout ids. */
async function foreignSession(checkoutId: string, amount: number, currency = "eur") {
  const meta = { checkout: checkoutId, kind: "donation", source: "asso-backoffice" };
  const form: Record<string, string> = {
    mode: "payment",
    "line_items[0][quantity]": "1",
    "line_items[0][price_data][currency]": currency,
    "line_items[0][price_data][unit_amount]": String(amount),
    "line_items[0][price_data][product_data][name]": "Don",
    success_url: "https://elsewhere.example/ok",
    client_reference_id: checkoutId,
  };
  for (const [k, v] of Object.entries(meta)) {
    form[`metadata[${k}]`] = v;
    form[`payment_intent_data[metadata][${k}]`] = v;
  }
  return String((await stripeApi(stack, "POST", "/v1/checkout/sessions", form)).id);
}

describe("the read key's permissions, checked once at cold start", () => {
  it("logs one line naming a missing permission (PaymentIntents read), and still handles the event", async () => {
    const spy = (line: unknown) => logged.push(String(line));
    const log = vi.spyOn(console, "log").mockImplementation(spy);
    const error = vi.spyOn(console, "error").mockImplementation(spy);
    try {
      await fail({ method: "GET", path: "/v1/payment_intents", status: 403, times: 1 });
      const expired: StripeEvent = {
        id: "evt_test_cold_start",
        type: "checkout.session.expired",
        livemode: false,
        created: Math.floor(Date.parse("2024-05-01T10:00:00Z") / 1000),
        data: { object: { id: "cs_test_x", object: "checkout.session", status: "expired" } },
      };
      expect((await deliver(expired)).status).toBe(200);
      const lines = logged.filter((l) => l.includes("Stripe read key")).map((l) => JSON.parse(l) as { level: string; missing?: string[] });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: "error", missing: ["PaymentIntents (read)"] });
    } finally {
      log.mockRestore();
      error.mockRestore();
      await clearFailures();
    }
  });
});

describe("a charge is compared with its checkout record", () => {
  it("bug: a 7 777 € session carrying a 1 € checkout's id was booked as that checkout's gift", async () => {
    const mine = await oneEuro("un.euro@example.org", "2024-03-01T10:00:00Z");
    const big = await foreignSession(mine.checkoutId, 777_700);
    await pay(stack, big, "2024-03-01T11:00:00Z");
    expect((await deliver(await completed(big))).status).toBe(200);
    const bigCharge = await chargeOf(stack, big);
    expect(await entriesFor(bigCharge.id)).toHaveLength(0);
    expect((await incidents(2024)).find((i) => i.ref === `foreign:${bigCharge.id}`)).toMatchObject({ type: "checkout_mismatch", amount: 777_700 });

    // The same amount, in another session than the one made for that checkout: refused too.
    const twin = await foreignSession(mine.checkoutId, 100);
    await pay(stack, twin, "2024-03-01T11:30:00Z");
    expect((await deliver(await completed(twin))).status).toBe(200);
    const twinCharge = await chargeOf(stack, twin);
    expect(await entriesFor(twinCharge.id)).toHaveLength(0);
    expect((await incidents(2024)).find((i) => i.ref === `foreign:${twinCharge.id}`)?.detail).toMatch(/session/);

    // The checkout's own payment is booked, once, at its amount.
    await pay(stack, mine.sessionId, "2024-03-01T12:00:00Z");
    expect((await deliver(await completed(mine.sessionId))).status).toBe(200);
    expect(await entriesFor((await chargeOf(stack, mine.sessionId)).id)).toHaveLength(1);
    expect((await trialBalance(stack, 2024))["7541"]).toBe(-100);
  });

  it("an event whose livemode is not the key's (a live event on a test key) books nothing: an incident, 200", async () => {
    const mine = await oneEuro("mode@example.org", "2024-04-01T10:00:00Z");
    await pay(stack, mine.sessionId, "2024-04-01T10:00:00Z");
    const genuine = await completed(mine.sessionId);
    const live = { ...genuine, id: `${genuine.id}_live`, livemode: true };
    expect((await deliver(live)).status).toBe(200);
    const charge = await chargeOf(stack, mine.sessionId);
    expect(await entriesFor(charge.id)).toHaveLength(0);
    expect((await incidents(2024)).find((i) => i.ref === `livemode:${live.id}`)).toMatchObject({ type: "livemode_mismatch" });
    expect((await deliver(genuine)).status).toBe(200);
    expect(await entriesFor(charge.id)).toHaveLength(1);
  });
});

describe("currencies", () => {
  it("a payout in another currency is not booked to the bank: an incident", async () => {
    const usd = await foreignSession((await oneEuro("usd@example.org", "")).checkoutId, 100, "usd");
    await pay(stack, usd, "2024-05-02T10:00:00Z");
    expect((await deliver(await completed(usd))).status).toBe(200);
    const po = await dev(stack, "/__dev/payouts", { currency: "usd", at: "2024-05-03T10:00:00Z" });
    expect(po.currency).toBe("usd");
    expect((await deliver(await eventOf("payout.paid", String(po.id)))).status).toBe(200);
    expect(await entriesFor(String(po.id))).toHaveLength(0);
    expect((await incidents(2024)).find((i) => i.ref === po.id)).toMatchObject({ type: "payout_currency", amount: po.amount });
  });

  it("GET /v1/bank/stripe-balance adds only euros; what the webhook refused is listed apart, not as awaiting a webhook", async () => {
    const res = await stack.call("GET", "/v1/bank/stripe-balance?date=2024-05-02", { role: "auditor" });
    expect(res.status).toBe(200);
    const b = (await res.json()) as {
      stripe: number;
      ledger: number;
      awaitingWebhook: { source: string }[];
      notBooked: { source: string; incident: string }[];
      otherCurrencies: { currency: string; net: number }[];
    };
    const eurCharges = (await stripeApi(stack, "GET", "/v1/balance_transactions?limit=100")).data as { currency: string; net: number; created: number }[];
    const cutoff = Date.parse("2024-05-02T22:00:00Z") / 1000;
    expect(b.stripe).toBe(eurCharges.filter((t) => t.currency === "eur" && t.created < cutoff).reduce((s, t) => s + t.net, 0));
    expect(b.otherCurrencies).toEqual([expect.objectContaining({ currency: "usd", transactions: 1 })]);
    expect(b.awaitingWebhook).toEqual([]);
    expect(b.notBooked.map((t) => t.incident).sort()).toEqual(["checkout_mismatch", "checkout_mismatch"]);
    expect(b.stripe - b.ledger).toBe(b.notBooked.reduce((s, t) => s + (t as unknown as { net: number }).net, 0));
  });
});

describe("Stripe refusing or failing a read while an event is handled", () => {
  it("bug: a permission error retrieving the PaymentIntent answered 500 (retried for three days); now an incident and 200, booked once redelivered", async () => {
    const mine = await oneEuro("perm@example.org", "");
    await pay(stack, mine.sessionId, "2024-06-01T10:00:00Z");
    const event = await completed(mine.sessionId);
    await fail({ method: "GET", path: "/v1/payment_intents/", status: 403 });
    try {
      const res = await deliver(event);
      expect(res.status).toBe(200);
    } finally {
      await clearFailures();
    }
    const charge = await chargeOf(stack, mine.sessionId);
    expect(await entriesFor(charge.id)).toHaveLength(0);
    const incident = (await incidents(2024)).find((i) => i.ref === `stripe-error:${event.id}`);
    expect(incident).toMatchObject({ type: "stripe_api_error", amount: 100 });
    expect(incident?.detail).toContain("403");
    // Once the key is fixed, the event redelivered from the dashboard is booked.
    expect((await deliver(event)).status).toBe(200);
    expect(await entriesFor(charge.id)).toHaveLength(1);
  });

  it("a missing object (resource_missing, 404) is an incident and 200", async () => {
    const mine = await oneEuro("missing@example.org", "");
    await pay(stack, mine.sessionId, "2024-06-02T10:00:00Z");
    const event = await completed(mine.sessionId);
    await fail({ method: "GET", path: "/v1/payment_intents/", status: 404, type: "invalid_request_error", code: "resource_missing" });
    try {
      expect((await deliver(event)).status).toBe(200);
    } finally {
      await clearFailures();
    }
    expect((await incidents(2024)).find((i) => i.ref === `stripe-error:${event.id}`)?.detail).toContain("resource_missing");
  });

  for (const [what, status] of [
    ["a rate limit (429)", 429],
    ["a Stripe outage (500)", 500],
  ] as const)
    it(`${what} stays a 5xx, so Stripe retries; nothing booked, no incident`, async () => {
      const mine = await oneEuro(`transient${status}@example.org`, "");
      await pay(stack, mine.sessionId, "2024-06-03T10:00:00Z");
      const event = await completed(mine.sessionId);
      await fail({ method: "GET", path: "/v1/payment_intents/", status, type: status === 429 ? "rate_limit_error" : "api_error" });
      try {
        const res = await deliver(event);
        expect(res.status).toBe(503);
      } finally {
        await clearFailures();
      }
      const charge = await chargeOf(stack, mine.sessionId);
      expect(await entriesFor(charge.id)).toHaveLength(0);
      expect((await incidents(2024)).find((i) => i.ref === `stripe-error:${event.id}`)).toBeUndefined();
      expect((await deliver(event)).status).toBe(200);
      expect(await entriesFor(charge.id)).toHaveLength(1);
    });
});
