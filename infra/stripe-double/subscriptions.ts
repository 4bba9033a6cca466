/**
 * Monthly giving: subscriptions, their invoices, renewals, failed payments and their retries,
 * cancellation (now or at the period's end), the card they charge. Shapes follow the `stripe`
 * client's types (node_modules/stripe/cjs/resources/{Subscriptions,Invoices,PaymentMethods}.d.ts).
 */
import { emit } from "./events.js";
import { paymentIntent, payIntent } from "./money.js";
import { get, newId, type Obj, put, type State, StripeError, unix } from "./state.js";

const PERIOD = 30 * 86400;
const DAY = 86400;
/** Stripe's retry schedule for a failed invoice (smart retries off): then the subscription is canceled. */
export const RETRY_DAYS = [3, 5, 7];
export const MAX_ATTEMPTS = RETRY_DAYS.length + 1;

const DECLINES: Record<string, string> = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
};
export const DECLINE_CODES = Object.keys(DECLINES);

/** A test card of the customer (`pm_…`), attached to them. */
export function cardFor(s: State, customer: string, created: number, number = "4242424242424242"): Obj {
  const digits = number.replace(/\D/g, "");
  if (digits.length < 12 || digits.length > 19) throw new StripeError(400, "Le numéro de carte est incorrect.");
  return put(s, {
    id: newId("pm"),
    object: "payment_method",
    type: "card",
    card: {
      brand: digits.startsWith("5") ? "mastercard" : "visa",
      last4: digits.slice(-4),
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 5,
      country: "FR",
    },
    billing_details: { email: s.objects.get(customer)?.email ?? null, name: null },
    customer,
    created,
    livemode: false,
  });
}

/** A new subscription for a customer who paid a subscription-mode checkout session. */
export function createSubscription(s: State, customer: Obj, session: Obj, created: number): Obj {
  const subId = newId("sub");
  const price = { unit_amount: session.amount_total, currency: "eur", recurring: { interval: "month", interval_count: 1 } };
  return put(s, {
    id: subId,
    object: "subscription",
    status: "active",
    customer: customer.id,
    customer_email: customer.email,
    metadata: session.__subscription_metadata,
    amount: session.amount_total,
    currency: "eur",
    items: {
      object: "list",
      data: [
        {
          id: newId("si"),
          object: "subscription_item",
          price,
          quantity: 1,
          subscription: subId,
          current_period_start: created,
          current_period_end: created + PERIOD,
        },
      ],
      has_more: false,
    },
    collection_method: "charge_automatically",
    default_payment_method: cardFor(s, customer.id, created).id,
    created,
    start_date: created,
    billing_cycle_anchor: created,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    latest_invoice: null,
    livemode: false,
  });
}

const itemOf = (sub: Obj) => (sub.items as { data: Array<Record<string, unknown>> }).data[0]!;

/** The subscription's invoice for one period, paid (a charge) or left open. */
export function invoiceFor(s: State, sub: Obj, created: number, reason: string, paid: boolean): { invoice: Obj; charge?: Obj } {
  const amount = sub.amount as number;
  const pi = paymentIntent(s, amount, sub.customer as string, sub.metadata, created, paid ? "succeeded" : "requires_payment_method");
  const ch = paid ? payIntent(s, pi, created) : undefined;
  const invoiceId = newId("in");
  const invoice = put(s, {
    id: invoiceId,
    object: "invoice",
    status: paid ? "paid" : "open",
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    attempted: true,
    attempt_count: 1,
    next_payment_attempt: null,
    collection_method: "charge_automatically",
    currency: "eur",
    customer: sub.customer,
    customer_email: sub.customer_email,
    customer_name: null,
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
    period_end: created + PERIOD,
    status_transitions: { finalized_at: created, paid_at: paid ? created : null },
    hosted_invoice_url: `${s.baseUrl}/i/${invoiceId}`,
    invoice_pdf: null,
    livemode: false,
    lines: { object: "list", data: [{ amount, currency: "eur", description: "Don mensuel" }], has_more: false },
  });
  sub.latest_invoice = invoice.id;
  Object.assign(itemOf(sub), { current_period_start: created, current_period_end: created + PERIOD });
  return { invoice, charge: ch };
}

/** The subscription's status changes: `customer.subscription.updated` with the old value. */
async function setStatus(s: State, sub: Obj, status: string, at?: unknown) {
  if (sub.status === status) return;
  const previous = { status: sub.status };
  sub.status = status;
  await emit(s, "customer.subscription.updated", sub, at, previous);
}

/** Ends the subscription now: no invoice, no charge after this (`customer.subscription.deleted`). */
export async function endSubscription(s: State, sub: Obj, reason: string, at?: unknown): Promise<Obj> {
  if (sub.status === "canceled") return sub;
  const when = unix(at);
  sub.status = "canceled";
  sub.canceled_at = sub.cancel_at_period_end ? (sub.canceled_at ?? when) : when;
  sub.ended_at = when;
  sub.cancellation_details = { comment: null, feedback: null, reason };
  await emit(s, "customer.subscription.deleted", sub, at);
  return sub;
}

/** The invoice's payment is declined: it stays open, a retry is scheduled (or, after the last one, none). */
async function decline(s: State, invoice: Obj, code: string, at: unknown) {
  const attempts = invoice.attempt_count as number;
  const created = unix(at);
  invoice.next_payment_attempt = attempts < MAX_ATTEMPTS ? created + RETRY_DAYS[attempts - 1]! * DAY : null;
  const pi = get(s, String(invoice.payment_intent), "payment_intent");
  pi.status = "requires_payment_method";
  // Stripe: `code` is card_declined for a decline (its reason in decline_code), expired_card as itself.
  const errorCode = code === "expired_card" ? "expired_card" : "card_declined";
  pi.last_payment_error = { type: "card_error", code: errorCode, decline_code: code === "card_declined" ? "generic_decline" : code, message: DECLINES[code] };
  await emit(s, "invoice.payment_failed", invoice, at);
}

/** An open invoice is paid (a retry that succeeds, or the customer on the hosted invoice page). */
export async function payInvoice(s: State, invoice: Obj, at?: unknown): Promise<Obj> {
  if (invoice.status !== "open") throw new StripeError(400, `Invoice ${invoice.id} is ${invoice.status}.`);
  const created = unix(at);
  const pi = get(s, String(invoice.payment_intent), "payment_intent");
  pi.last_payment_error = null;
  const ch = payIntent(s, pi, created);
  Object.assign(invoice, {
    status: "paid",
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    charge: ch.id,
    next_payment_attempt: null,
    payments: { object: "list", data: [{ object: "invoice_payment", payment: { type: "charge", charge: ch.id, payment_intent: pi.id } }], has_more: false },
    status_transitions: { ...(invoice.status_transitions as object), paid_at: created },
  });
  await emit(s, "invoice.paid", invoice, at);
  const sub = s.objects.get(String(invoice.subscription));
  if (sub && sub.status === "past_due" && sub.latest_invoice === invoice.id) await setStatus(s, sub, "active", at);
  return invoice;
}

/**
 * The period ends. A canceled subscription makes nothing (400, no invoice, no charge, no event);
 * one set to cancel at the period's end ends now (answers the subscription); else the next invoice
 * is charged, or declined (`fail`, or a decline the developer set with `fail_next`).
 */
export async function renew(s: State, sub: Obj, at: unknown, fail: boolean): Promise<Obj> {
  if (sub.status === "canceled") throw new StripeError(400, `Subscription ${sub.id} is canceled: no invoice, no charge.`);
  if (sub.cancel_at_period_end) return endSubscription(s, sub, "cancellation_requested", at);
  if (sub.status !== "active" && sub.status !== "past_due") throw new StripeError(400, `Subscription ${sub.id} is ${sub.status}.`);
  const code = s.declines.get(sub.id) ?? (fail ? "card_declined" : undefined);
  s.declines.delete(sub.id);
  const { invoice } = invoiceFor(s, sub, unix(at), "subscription_cycle", !code);
  if (!code) {
    await emit(s, "invoice.paid", invoice, at);
    await setStatus(s, sub, "active", at);
    return invoice;
  }
  await decline(s, invoice, code, at);
  await setStatus(s, sub, "past_due", at);
  return invoice;
}

/** Stripe retries an open invoice: paid, or declined again; the last decline cancels the subscription. */
export async function retryInvoice(s: State, invoice: Obj, at: unknown, fail: boolean): Promise<Obj> {
  if (invoice.status !== "open") throw new StripeError(400, `Invoice ${invoice.id} is ${invoice.status}.`);
  if (invoice.next_payment_attempt === null) throw new StripeError(400, `Invoice ${invoice.id} has no payment attempt left.`);
  invoice.attempt_count = (invoice.attempt_count as number) + 1;
  if (!fail) return payInvoice(s, invoice, at);
  await decline(s, invoice, "card_declined", at);
  const sub = s.objects.get(String(invoice.subscription));
  if (sub && invoice.next_payment_attempt === null) await endSubscription(s, sub, "payment_failed", at);
  return invoice;
}

/** `cancel_at_period_end` (and `metadata`) changed through the API or the portal. */
export async function updateSubscription(s: State, sub: Obj, p: Record<string, unknown>): Promise<Obj> {
  if (sub.status === "canceled") throw new StripeError(400, "A canceled subscription can only update its cancellation_details and metadata.");
  const previous: Record<string, unknown> = {};
  if (p.cancel_at_period_end !== undefined) {
    const on = p.cancel_at_period_end === true || p.cancel_at_period_end === "true";
    if (on !== sub.cancel_at_period_end) {
      Object.assign(previous, { cancel_at_period_end: sub.cancel_at_period_end, cancel_at: sub.cancel_at, canceled_at: sub.canceled_at });
      sub.cancel_at_period_end = on;
      sub.cancel_at = on ? itemOf(sub).current_period_end : null;
      sub.canceled_at = on ? unix() : null;
      sub.cancellation_details = { comment: null, feedback: null, reason: on ? "cancellation_requested" : null };
    }
  }
  if (p.metadata && typeof p.metadata === "object") {
    previous.metadata = sub.metadata;
    sub.metadata = { ...(sub.metadata as object), ...(p.metadata as object) };
  }
  if (p.default_payment_method !== undefined) return changeCard(s, sub, get(s, String(p.default_payment_method), "payment_method"));
  if (Object.keys(previous).length) await emit(s, "customer.subscription.updated", sub, undefined, previous);
  return sub;
}

/** The customer's new card charges the subscription from now on. */
export async function changeCard(s: State, sub: Obj, pm: Obj): Promise<Obj> {
  if (sub.status === "canceled") throw new StripeError(400, `Subscription ${sub.id} is canceled.`);
  const previous = { default_payment_method: sub.default_payment_method };
  sub.default_payment_method = pm.id;
  await emit(s, "customer.subscription.updated", sub, undefined, previous);
  return sub;
}
