/**
 * A Stripe movement dated in a closed fiscal year (a late webhook, a payment made on 31 December
 * delivered after the closing) is booked at the first open date with a label saying so, shown in
 * GET /v1/payment-incidents, and never dropped after Stripe's retries.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";
import { closeAcknowledged } from "./support/closing.js";
import { chargeOf, checkout, donation, pay, stripeApi, stripeEntries, trialBalance } from "./support/giving.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

it("an event dated in a closed year is booked at the first open date, labelled, and listed as an incident", async () => {
  const close = await closeAcknowledged(stack, 2019);
  expect(close.status, await close.clone().text()).toBe(201);

  const { sessionId } = await checkout(stack, donation(4200, { receipt: false, donor: { email: "late@example.org", firstName: "En", lastName: "Retard" } }));
  await pay(stack, sessionId, "2019-12-15T10:00:00Z");
  const event = stack.stripe.events.find((e) => e.type === "checkout.session.completed" && (e.data as { object: { id: string } }).object.id === sessionId)!;
  // Delivered after the closing: booked at once (200), not refused until Stripe gives up.
  expect(event.attempts.map((a) => a.status)).toEqual([200]);

  const charge = await chargeOf(stack, sessionId);
  const entry = (await stripeEntries(stack, "2019-01-01", "2021-12-31")).find((e) => e.pieceRef === charge.id)!;
  expect(entry.date).toBe("2020-01-01");
  expect(entry.label).toBe("Don En Retard (mouvement du 15/12/2019, exercice 2019 clos)");
  expect((await trialBalance(stack, 2020))["7541"]).toBe(-4200);

  const incidents = (await (await stack.call("GET", "/v1/payment-incidents?year=2020", { role: "tresorier" })).json()) as {
    items: { type: string; ref: string; date: string; detail: string }[];
  };
  expect(incidents.items).toContainEqual(expect.objectContaining({ type: "closed_year", ref: `closed:charge:${charge.id}`, date: "2020-01-01" }));

  // Stripe retries: nothing twice.
  await fetch(`${stack.stripeUrl}/__dev/events/${event.id}/redeliver`, { method: "POST" });
  expect((await stripeEntries(stack, "2019-01-01", "2021-12-31")).filter((e) => e.pieceRef === charge.id)).toHaveLength(1);

  // A refund of it, dated now, is booked normally.
  await stripeApi(stack, "POST", "/v1/refunds", { charge: charge.id });
  const refundEvent = stack.stripe.events.find((e) => e.type === "charge.refunded")!;
  expect(refundEvent.attempts.map((a) => a.status)).toEqual([200]);
});
