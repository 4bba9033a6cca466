/** Monthly giving: checkout, renewals, a failed renewal, cancellation, the annual recap receipt. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { ADDRESS, checkout, dev, pay, stripeApi, stripeEntries, stripeFee, trialBalance } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ RECEIPTS_ENABLED: "true", CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
});
afterAll(() => stack.close());

it("a monthly donor: subscription, two renewals, a failed renewal, cancellation, one annual recap receipt", async () => {
  const { sessionId } = await checkout(stack, {
    amount: 1500,
    frequency: "monthly",
    donor: { email: "mensuel@example.org", firstName: "Marie", lastName: "Ensuelle", address: ADDRESS },
  });
  const session = await pay(stack, sessionId, "2024-01-15T10:00:00Z");
  const subscriptionId = (await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`)).subscription as string;
  expect(session.mode).toBe("subscription");

  await dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at: "2024-02-15T10:00:00Z" });
  await dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at: "2024-03-15T10:00:00Z" });
  const failed = await dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at: "2024-04-15T10:00:00Z", fail: true });
  await stripeApi(stack, "DELETE", `/v1/subscriptions/${subscriptionId}`);

  // Three payments booked, each with its fee; the failed one books nothing.
  const entries = (await stripeEntries(stack, "2024-01-01", "2024-12-31")).filter((e) => e.label.includes("mensuel"));
  expect(entries.map((e) => e.date)).toEqual(["2024-01-15", "2024-02-15", "2024-03-15"]);
  const tb = await trialBalance(stack, 2024);
  expect(tb["7541"]).toBe(-4500);
  expect(tb["627"]).toBe(3 * stripeFee(1500));

  // The failed renewal is visible to the trésorier.
  const incidents = (await (await stack.call("GET", "/v1/payment-incidents?year=2024")).json()) as { items: { type: string; ref: string; email?: string }[] };
  expect(incidents.items).toContainEqual(expect.objectContaining({ type: "invoice_payment_failed", ref: failed.id, email: "mensuel@example.org" }));

  // No receipt per monthly payment; one recap for the year.
  expect(((await (await stack.call("GET", "/v1/receipts?year=2024")).json()) as { items: unknown[] }).items).toHaveLength(0);
  const donors = (await (await stack.call("GET", "/v1/donors?year=2024")).json()) as {
    items: { email: string; total: number; gifts: number; monthly: boolean }[];
  };
  expect(donors.items).toContainEqual(
    expect.objectContaining({ email: "mensuel@example.org", total: 4500, gifts: 3, monthly: true, subscription: "canceled" }),
  );

  const res = await stack.call("POST", "/v1/receipts/annual", { body: { year: 2024 } });
  expect(res.status).toBe(201);
  const annual = (await res.json()) as { issued: { id: string; amount: number; kind: string; gifts: unknown[] }[]; skipped: number };
  expect(annual.issued).toHaveLength(1);
  expect(annual.issued[0]).toMatchObject({ amount: 4500, kind: "annual" });
  expect(annual.issued[0]!.gifts).toHaveLength(3);
  const text = await pdfText(Buffer.from(await (await stack.call("GET", `/v1/receipts/${annual.issued[0]!.id}.pdf`)).arrayBuffer()));
  for (const s of ["***45,00 €***", "15/01/2024", "15/02/2024", "15/03/2024", "ENSUELLE Marie", "reçu récapitulatif"]) expect(text).toContain(s);

  // Issuing again skips the donor who has one.
  const again = (await (await stack.call("POST", "/v1/receipts/annual", { body: { year: 2024 } })).json()) as { issued: unknown[]; skipped: number };
  expect(again).toMatchObject({ issued: [], skipped: 1 });
  // The délégation may not issue receipts.
  expect((await stack.call("POST", "/v1/receipts/annual", { role: "delegation", body: { year: 2024 } })).status).toBe(403);
});

it("issues no receipt at all when the association's status does not allow it", async () => {
  process.env.RECEIPTS_ENABLED = "false";
  try {
    const { sessionId } = await checkout(stack, {
      amount: 3000,
      frequency: "once",
      donor: { email: "norec@example.org", firstName: "No", lastName: "Rec", address: ADDRESS },
    });
    await pay(stack, sessionId, "2023-05-05T10:00:00Z");
    const body = (await (await stack.call("GET", "/v1/receipts?year=2023")).json()) as { items: unknown[] };
    expect(body.items).toHaveLength(0);
    expect((await stack.call("POST", "/v1/receipts/annual", { body: { year: 2023 } })).status).toBe(409);
    expect((await trialBalance(stack, 2023))["7541"]).toBe(-3000);
  } finally {
    process.env.RECEIPTS_ENABLED = "true";
  }
});
