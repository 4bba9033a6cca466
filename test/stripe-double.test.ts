/**
 * The Stripe double behaves like a host of its own (issue 21 item 8): it answers only under its
 * loopback names, and its development routes take JSON from the developer, never a form or a
 * request from another site's page (DNS rebinding, cross-site POST). And, through the official
 * `stripe` client, the customer portal, subscriptions and failed monthly payments (issue 17 item 4):
 * every event is checked against its signature as the back-office checks it.
 */
import { createServer, request, type Server } from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStripeDouble, type StripeDouble } from "../infra/stripe-double.js";
import { TEST_STRIPE } from "./support/stack.js";

/** What the webhook received: the raw body and its Stripe-Signature. */
const received: { body: string; signature: string }[] = [];
const receiver: Server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    received.push({ body, signature: String(req.headers["stripe-signature"] ?? "") });
    res.writeHead(200).end();
  });
});

let double: StripeDouble;
let stripe: Stripe;
let port = 0;
let base = "";
beforeAll(async () => {
  await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", () => ok()));
  const hook = receiver.address() as { port: number };
  double = createStripeDouble({ ...TEST_STRIPE, webhookUrl: `http://127.0.0.1:${hook.port}/v1/webhooks/stripe`, retryDelaysMs: [] });
  base = (await double.listen(0)).url;
  port = Number(new URL(base).port);
  stripe = new Stripe(TEST_STRIPE.secretKey, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
});
afterAll(async () => {
  await double.close();
  await new Promise<void>((ok) => receiver.close(() => ok()));
});

/** A raw request, so the Host header can be anything (fetch always sends the URL's). */
function raw(path: string, opts: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: { host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("the Stripe double's own doors", () => {
  it("answers under 127.0.0.1 and localhost, and refuses another host name (DNS rebinding)", async () => {
    expect((await raw("/__dev/events")).status).toBe(200);
    expect((await raw("/__dev/events", { host: `localhost:${port}` })).status).toBe(200);
    const foreign = await raw("/__dev/events", { host: "attacker.example:80" });
    expect(foreign.status).toBe(421);
    expect(foreign.body).not.toContain('"data"');
  });

  it("takes JSON only on its development routes: a form body is 415, a broken JSON body 400", async () => {
    const form = await raw("/__dev/payouts", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "at=2025-01-01" });
    expect(form.status).toBe(415);
    const text = await raw("/__dev/payouts", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"at":"2025-01-01T00:00:00Z"}' });
    expect(text.status).toBe(415);
    const broken = await raw("/__dev/payouts", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(broken.status).toBe(400);
  });

  it("refuses a development call made from another site's page (its Origin), and accepts the developer's", async () => {
    const cross = await raw("/__dev/payouts", {
      method: "POST",
      headers: { origin: "https://attacker.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(cross.status).toBe(403);
    const own = await raw("/__dev/events", { headers: { origin: `http://127.0.0.1:${port}` } });
    expect(own.status).toBe(200);
  });
});

/** A checkout paid at the double: a monthly gift's subscription and its customer. */
async function monthlyGift(email = "mensuel@example.org", amount = 1500) {
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [
      { price_data: { currency: "eur", unit_amount: amount, recurring: { interval: "month" }, product_data: { name: "Don mensuel" } }, quantity: 1 },
    ],
    customer_email: email,
    success_url: "http://127.0.0.1:3000/merci.html?session={CHECKOUT_SESSION_ID}",
  });
  expect((await dev(`/__dev/checkout/sessions/${session.id}/complete`, { at: "2025-01-15T10:00:00Z" })).status).toBe(200);
  const paid = await stripe.checkout.sessions.retrieve(session.id);
  return { subscription: String(paid.subscription), customer: String(paid.customer) };
}

const dev = (path: string, body: unknown = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The customer submits one of the page's forms (found by its action's end), as a browser would. */
async function submit(pageHtml: string, actionEnd: string, fields: Record<string, string> = {}) {
  const action = [...pageHtml.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]!).find((a) => a.endsWith(actionEnd));
  expect(action, `a form posting to …${actionEnd}`).toBeDefined();
  return fetch(`${base}${action}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

/** The events delivered to the webhook since `from`, each checked against its signature by the `stripe` client. */
function deliveredSince(from: number): Stripe.Event[] {
  return received.slice(from).map((d) => stripe.webhooks.constructEvent(d.body, d.signature, TEST_STRIPE.webhookSecret));
}

const counts = async () => ({
  invoices: (await stripe.invoices.list({ limit: 100 })).data.length,
  charges: (await stripe.charges.list({ limit: 100 })).data.length,
});

describe("the customer portal (stripe.billingPortal.sessions)", () => {
  it("creates a session whose url is a page of the double listing the customer's subscription, with a way back", async () => {
    const { subscription, customer } = await monthlyGift("portail@example.org");
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: "http://127.0.0.1:3000/espace/", locale: "fr" });
    expect(portal).toMatchObject({ object: "billing_portal.session", customer, return_url: "http://127.0.0.1:3000/espace/", flow: null, livemode: false });
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url.startsWith(`${base}/p/session/`)).toBe(true);
    const res = await fetch(portal.url);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain(`data-subscription="${subscription}"`);
    expect(html).toContain("15,00 € par mois");
    expect(html).toContain("Annuler l'abonnement");
    expect(html).toContain("Mettre à jour le moyen de paiement");
    expect(html).toContain('href="http://127.0.0.1:3000/espace/"');
    await expect(stripe.billingPortal.sessions.create({ customer: "cus_test_nobody", return_url: "http://127.0.0.1:3000/" })).rejects.toThrow(
      /No such customer/,
    );
  });

  it("cancelling in the portal ends the subscription, delivers a signed customer.subscription.deleted, and the next renewal makes no invoice and no charge", async () => {
    const { subscription, customer } = await monthlyGift("arret@example.org");
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: "http://127.0.0.1:3000/espace/" });
    const from = received.length;
    const res = await submit(await (await fetch(portal.url)).text(), `/subscriptions/${subscription}/cancel`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/p/session/${portal.id}`);

    const sub = await stripe.subscriptions.retrieve(subscription);
    expect(sub).toMatchObject({ status: "canceled", cancellation_details: { reason: "cancellation_requested" } });
    expect(sub.canceled_at).toEqual(expect.any(Number));
    expect(sub.ended_at).toEqual(expect.any(Number));
    const deleted = deliveredSince(from).filter((e) => e.type === "customer.subscription.deleted");
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.data.object).toMatchObject({ id: subscription, status: "canceled", canceled_at: sub.canceled_at });
    expect(await (await fetch(portal.url)).text()).toContain('data-status="canceled"');

    const before = await counts();
    const renewal = await dev(`/__dev/subscriptions/${subscription}/renew`, { at: "2025-02-15T10:00:00Z" });
    expect(renewal.status).toBe(400);
    expect(JSON.stringify(await renewal.json())).toContain("canceled");
    expect(await counts()).toEqual(before);
    expect(deliveredSince(from).map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
  });

  it("a card updated in the portal delivers payment_method.attached and customer.subscription.updated with the old card in previous_attributes", async () => {
    const { subscription, customer } = await monthlyGift("carte@example.org");
    const oldCard = (await stripe.subscriptions.retrieve(subscription)).default_payment_method;
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: "http://127.0.0.1:3000/espace/" });
    const from = received.length;
    const res = await submit(await (await fetch(portal.url)).text(), `/subscriptions/${subscription}/payment_method`, { card: "5555 5555 5555 4444" });
    expect(res.status).toBe(303);
    const events = deliveredSince(from);
    expect(events.map((e) => e.type)).toEqual(["payment_method.attached", "customer.subscription.updated"]);
    const card = events[0]!.data.object as Stripe.PaymentMethod;
    expect(card).toMatchObject({ object: "payment_method", type: "card", customer, card: { last4: "4444", brand: "mastercard" } });
    expect(events[1]!.data.object).toMatchObject({ id: subscription, status: "active", default_payment_method: card.id });
    expect(events[1]!.data.previous_attributes).toEqual({ default_payment_method: oldCard });
    expect(await (await fetch(portal.url)).text()).toContain("•••• 4444");
  });

  it("a cancel flow (flow_data subscription_cancel) opens on that subscription and lands on after_completion's return_url", async () => {
    const { subscription, customer } = await monthlyGift("flux@example.org");
    const portal = await stripe.billingPortal.sessions.create({
      customer,
      return_url: "http://127.0.0.1:3000/espace/",
      flow_data: {
        type: "subscription_cancel",
        subscription_cancel: { subscription },
        after_completion: { type: "redirect", redirect: { return_url: "http://127.0.0.1:3000/espace/?arret=1" } },
      },
    });
    expect(portal.flow).toMatchObject({ type: "subscription_cancel", subscription_cancel: { subscription }, after_completion: { type: "redirect" } });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("Confirmer l'annulation");
    expect(html).not.toContain("Mettre à jour le moyen de paiement");
    const res = await submit(html, `/subscriptions/${subscription}/cancel`);
    expect(res.headers.get("location")).toBe("http://127.0.0.1:3000/espace/?arret=1");
    expect((await stripe.subscriptions.retrieve(subscription)).status).toBe("canceled");
    // A canceled subscription cannot be the object of a new cancel flow.
    await expect(
      stripe.billingPortal.sessions.create({ customer, flow_data: { type: "subscription_cancel", subscription_cancel: { subscription } } }),
    ).rejects.toThrow(/already been canceled/);
  });

  it("a portal session acts on its own customer's subscriptions only (another's is 404, nothing changes)", async () => {
    const mine = await monthlyGift("moi@example.org");
    const theirs = await monthlyGift("autre@example.org");
    const portal = await stripe.billingPortal.sessions.create({ customer: mine.customer });
    const page = await (await fetch(portal.url)).text();
    expect(page).not.toContain(theirs.subscription);
    const res = await fetch(`${base}/p/session/${portal.id}/subscriptions/${theirs.subscription}/cancel`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(404);
    expect((await stripe.subscriptions.retrieve(theirs.subscription)).status).toBe("active");
  });
  it("the portal escapes what it shows, answers a French page for an unknown session or a bad card number, and its dev hooks keep the Origin rule", async () => {
    const { subscription, customer } = await monthlyGift("o'brien<b>@example.org");
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: "javascript:alert(1)" });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("o&#39;brien&lt;b&gt;@example.org");
    expect(html).not.toContain("<b>@");
    expect(html).not.toContain("javascript:");
    const unknown = await fetch(`${base}/p/session/bps_test_nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("text/html");
    expect(await unknown.text()).toContain("Cette page n&#39;existe pas");
    const bad = await submit(html, `/subscriptions/${subscription}/payment_method`, { card: "12" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Le numéro de carte est incorrect.");
    const cross = await fetch(`${base}/__dev/subscriptions/${subscription}/fail_next`, {
      method: "POST",
      headers: { origin: "https://attacker.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(cross.status).toBe(403);
  });
});

describe("subscriptions through the API", () => {
  it("subscriptions.update(cancel_at_period_end) keeps the gift until the period ends, then the renewal ends it with no invoice", async () => {
    const { subscription } = await monthlyGift("fin-de-periode@example.org");
    const from = received.length;
    const updated = await stripe.subscriptions.update(subscription, { cancel_at_period_end: true });
    expect(updated).toMatchObject({ status: "active", cancel_at_period_end: true, cancel_at: updated.items.data[0]!.current_period_end });
    expect(deliveredSince(from).map((e) => [e.type, e.data.previous_attributes])).toEqual([
      ["customer.subscription.updated", { cancel_at_period_end: false, cancel_at: null, canceled_at: null }],
    ]);
    const before = await counts();
    const ended = (await (await dev(`/__dev/subscriptions/${subscription}/renew`, { at: "2025-02-15T10:00:00Z" })).json()) as Stripe.Subscription;
    expect(ended).toMatchObject({ object: "subscription", status: "canceled", ended_at: Date.parse("2025-02-15T10:00:00Z") / 1000 });
    expect(await counts()).toEqual(before);
    expect(deliveredSince(from).map((e) => e.type)).toEqual(["customer.subscription.updated", "customer.subscription.deleted"]);
  });

  it("subscriptions.cancel ends the gift now with customer.subscription.deleted, once", async () => {
    const { subscription } = await monthlyGift("annule-api@example.org");
    const from = received.length;
    expect(await stripe.subscriptions.cancel(subscription)).toMatchObject({ id: subscription, status: "canceled" });
    expect(await stripe.subscriptions.cancel(subscription)).toMatchObject({ status: "canceled" });
    expect(deliveredSince(from).map((e) => e.type)).toEqual(["customer.subscription.deleted"]);
    expect((await stripe.subscriptions.list({ customer: (await stripe.subscriptions.retrieve(subscription)).customer as string })).data).toEqual([]);
  });
});

describe("a failed monthly payment", () => {
  it("fail_next makes the next renewal deliver invoice.payment_failed with the invoice as Stripe shapes it; the subscription is past due", async () => {
    const { subscription, customer } = await monthlyGift("echec@example.org", 2000);
    expect((await dev(`/__dev/subscriptions/${subscription}/fail_next`, { code: "insufficient_funds" })).status).toBe(200);
    const from = received.length;
    const before = await counts();
    const res = await dev(`/__dev/subscriptions/${subscription}/renew`, { at: "2025-02-15T10:00:00Z" });
    expect(res.status).toBe(200);
    const at = Date.parse("2025-02-15T10:00:00Z") / 1000;
    const events = deliveredSince(from);
    expect(events.map((e) => e.type)).toEqual(["invoice.payment_failed", "customer.subscription.updated"]);
    const invoice = events[0]!.data.object as Stripe.Invoice & { subscription: string };
    expect(invoice).toMatchObject({
      object: "invoice",
      status: "open",
      amount_due: 2000,
      amount_paid: 0,
      amount_remaining: 2000,
      attempted: true,
      attempt_count: 1,
      next_payment_attempt: at + 3 * 86400,
      billing_reason: "subscription_cycle",
      collection_method: "charge_automatically",
      customer,
      customer_email: "echec@example.org",
      subscription,
      parent: { type: "subscription_details", subscription_details: { subscription } },
      hosted_invoice_url: `${base}/i/${invoice.id}`,
      created: at,
    });
    expect(events[1]!.data).toMatchObject({ object: { id: subscription, status: "past_due" }, previous_attributes: { status: "active" } });
    const intent = await stripe.paymentIntents.retrieve(String((invoice as unknown as { payment_intent: string }).payment_intent));
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds" },
    });
    expect((await counts()).charges).toBe(before.charges);
    // Only the next renewal: the one after is paid.
    const next = (await (await dev(`/__dev/subscriptions/${subscription}/renew`, { at: "2025-03-15T10:00:00Z" })).json()) as Stripe.Invoice;
    expect(next).toMatchObject({ status: "paid", amount_paid: 2000 });
  });

  it("the hosted invoice page pays the failed invoice with another card: invoice.paid, the subscription active again", async () => {
    const { subscription } = await monthlyGift("reprise@example.org");
    await dev(`/__dev/subscriptions/${subscription}/fail_next`);
    const failed = (await (await dev(`/__dev/subscriptions/${subscription}/renew`, { at: "2025-02-15T10:00:00Z" })).json()) as Stripe.Invoice;
    const html = await (await fetch(failed.hosted_invoice_url!)).text();
    expect(html).toContain("15,00 €");
    expect(html).toContain("Le paiement a échoué.");
    const from = received.length;
    expect((await submit(html, `/i/${failed.id}`, { card: "4000 0025 0000 0003" })).status).toBe(303);
    expect(deliveredSince(from).map((e) => e.type)).toEqual([
      "payment_method.attached",
      "customer.subscription.updated",
      "invoice.paid",
      "customer.subscription.updated",
    ]);
    expect(await stripe.invoices.retrieve(failed.id)).toMatchObject({ status: "paid", amount_paid: 1500, next_payment_attempt: null });
    expect((await stripe.subscriptions.retrieve(subscription)).status).toBe("active");
    expect(await (await fetch(failed.hosted_invoice_url!)).text()).toContain("Payée");
  });

  it("Stripe's retries: each declined retry delivers invoice.payment_failed again; the last one leaves no attempt and cancels the subscription", async () => {
    const { subscription } = await monthlyGift("relances@example.org");
    await dev(`/__dev/subscriptions/${subscription}/fail_next`);
    const failed = (await (await dev(`/__dev/subscriptions/${subscription}/renew`, { at: "2025-02-15T10:00:00Z" })).json()) as Stripe.Invoice;
    const from = received.length;
    for (const at of ["2025-02-18T10:00:00Z", "2025-02-23T10:00:00Z", "2025-03-02T10:00:00Z"])
      expect((await dev(`/__dev/invoices/${failed.id}/retry`, { at, fail: true })).status).toBe(200);
    const events = deliveredSince(from);
    expect(events.filter((e) => e.type === "invoice.payment_failed").map((e) => (e.data.object as Stripe.Invoice).attempt_count)).toEqual([2, 3, 4]);
    expect((events.at(-2)!.data.object as Stripe.Invoice).next_payment_attempt).toBeNull();
    expect(events.at(-1)!).toMatchObject({
      type: "customer.subscription.deleted",
      data: { object: { status: "canceled", cancellation_details: { reason: "payment_failed" } } },
    });
    expect((await dev(`/__dev/invoices/${failed.id}/retry`, { fail: true })).status).toBe(400);
  });
});
