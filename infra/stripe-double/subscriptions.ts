/** Monthly giving: subscriptions and their invoices. */
import { paymentIntent, payIntent } from "./money.js";
import { newId, type Obj, put, type State } from "./state.js";

/** A new subscription for a customer who paid a subscription-mode checkout session. */
export function createSubscription(s: State, customer: Obj, session: Obj, created: number): Obj {
  return put(s, {
    id: newId("sub"),
    object: "subscription",
    status: "active",
    customer: customer.id,
    customer_email: customer.email,
    metadata: session.__subscription_metadata,
    amount: session.amount_total,
    currency: "eur",
    items: {
      object: "list",
      data: [{ price: { unit_amount: session.amount_total, currency: "eur", recurring: { interval: "month", interval_count: 1 } } }],
    },
    created,
    canceled_at: null,
    latest_invoice: null,
  });
}

/** The subscription's invoice for one period, paid (a charge) or left open. */
export function invoiceFor(s: State, sub: Obj, created: number, reason: string, paid: boolean): { invoice: Obj; charge?: Obj } {
  const amount = sub.amount as number;
  const pi = paymentIntent(s, amount, sub.customer as string, sub.metadata, created, paid ? "succeeded" : "requires_payment_method");
  const ch = paid ? payIntent(s, pi, created) : undefined;
  const invoice = put(s, {
    id: newId("in"),
    object: "invoice",
    status: paid ? "paid" : "open",
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    attempt_count: 1,
    currency: "eur",
    customer: sub.customer,
    customer_email: sub.customer_email,
    subscription: sub.id,
    parent: { type: "subscription_details", subscription_details: { subscription: sub.id, metadata: sub.metadata } },
    charge: ch?.id ?? null,
    payment_intent: pi.id,
    payments: {
      object: "list",
      data: ch ? [{ object: "invoice_payment", payment: { type: "charge", charge: ch.id, payment_intent: pi.id } }] : [],
      has_more: false,
    },
    billing_reason: reason,
    created,
    period_start: created,
    period_end: created + 30 * 86400,
    status_transitions: { paid_at: paid ? created : null },
    lines: { object: "list", data: [{ amount, currency: "eur", description: "Don mensuel" }], has_more: false },
  });
  sub.latest_invoice = invoice.id;
  return { invoice, charge: ch };
}
