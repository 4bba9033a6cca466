/**
 * The edge between Stripe and the giving domain: a verified Stripe event is translated ONCE into
 * neutral facts (`DonationPaid`, `RefundSucceeded`, `DisputeOpened`, `PayoutPaid`…) carrying the
 * amounts, fee, currency, Europe/Paris dates and our checkout's metadata. What the translation needs
 * from Stripe is fetched here, once per event (with `expand`), and nowhere else: bookings and
 * receipt decisions are pure functions of these facts (`bookings.ts`).
 *
 * Errors: ValidationError (bad signature), RetryLaterError (a paid session whose charge Stripe does
 * not show yet).
 */
import type Stripe from "stripe";
import { parisDate } from "../dates.js";
import { RetryLaterError, ValidationError } from "../errors.js";
import type { StripeContext } from "./stripe.js";
import type { ChargeFacts, CheckoutMetadata, PaymentFact } from "./types.js";

/** Stripe objects as they arrive; fields differ between API versions, so they are read with care. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: Stripe objects arrive loosely typed (API versions differ); each field read is checked where it is used
type Loose = Record<string, any>;

/** Verifies `Stripe-Signature` on the raw bytes and returns the event. */
export function verifyStripeEvent(ctx: StripeContext, rawBody: Buffer, signature: string | undefined): Stripe.Event {
  if (!signature) throw new ValidationError([{ path: "Stripe-Signature", message: "is missing" }]);
  try {
    return ctx.client.webhooks.constructEvent(rawBody, signature, ctx.webhookSecret, 300);
  } catch {
    throw new ValidationError([{ path: "Stripe-Signature", message: "does not match the body, the secret or the time (300 s tolerance)" }]);
  }
}

const idOf = (v: unknown): string | undefined => (typeof v === "string" ? v : ((v as Loose | null)?.id as string | undefined));
/** Unix seconds → the Europe/Paris calendar date. */
export const dateOf = (unixSeconds: number) => parisDate(new Date(unixSeconds * 1000));

export function metadataOf(m: Loose | null | undefined, fallbackCheckout?: string): CheckoutMetadata {
  const checkoutId = (m?.checkout as string | undefined) ?? fallbackCheckout;
  return {
    ...(checkoutId ? { checkoutId } : {}),
    ...(m?.kind ? { kind: String(m.kind) } : {}),
    ...(m?.tier ? { tierId: String(m.tier) } : {}),
    ...(m?.project ? { project: String(m.project) } : {}),
    ...(m?.source ? { source: String(m.source) } : {}),
  };
}

const hasCheckout = (m: Loose | null | undefined) => !!m && typeof m.checkout === "string";

/** A charge whose `balance_transaction` is expanded → the money facts. */
function chargeFacts(charge: Loose, metadata: CheckoutMetadata): ChargeFacts {
  const bt = typeof charge.balance_transaction === "object" && charge.balance_transaction ? (charge.balance_transaction as Loose) : undefined;
  if (!bt) throw new RetryLaterError(`Charge ${charge.id} has no balance transaction yet.`);
  return {
    chargeId: charge.id as string,
    amount: charge.amount as number,
    fee: (bt.fee as number | undefined) ?? 0,
    currency: String(charge.currency ?? bt.currency ?? "").toLowerCase(),
    date: dateOf(charge.created as number),
    method: (charge.payment_method_details?.type as string | undefined) ?? "card",
    metadata,
    ...(charge.billing_details?.name ? { billingName: String(charge.billing_details.name) } : {}),
    ...(charge.billing_details?.email ? { billingEmail: String(charge.billing_details.email) } : {}),
  };
}

/** One fetch: the payment intent with its latest charge and that charge's balance transaction. */
async function chargeOfIntent(stripe: Stripe, intent: unknown): Promise<Loose | undefined> {
  const id = idOf(intent);
  if (!id) return undefined;
  const pi = (await stripe.paymentIntents.retrieve(id, { expand: ["latest_charge.balance_transaction"] })) as unknown as Loose;
  const charge = pi.latest_charge as Loose | string | null;
  if (!charge || typeof charge === "string") return undefined;
  if (!hasCheckout(charge.metadata) && hasCheckout(pi.metadata)) charge.metadata = pi.metadata;
  return charge;
}

/** One fetch: a charge (with its payment intent, for our metadata when the charge has none). */
async function chargeMetadata(stripe: Stripe, chargeId: string): Promise<{ metadata: CheckoutMetadata; currency: string }> {
  const charge = (await stripe.charges.retrieve(chargeId, { expand: ["payment_intent"] })) as unknown as Loose;
  const m = hasCheckout(charge.metadata) ? charge.metadata : (charge.payment_intent as Loose | null)?.metadata;
  return { metadata: metadataOf(m), currency: String(charge.currency ?? "").toLowerCase() };
}

function refundFact(r: Loose, chargeId: string, metadata: CheckoutMetadata, at: number): PaymentFact | undefined {
  const base = { refundId: r.id as string, chargeId, amount: r.amount as number, currency: String(r.currency ?? "eur").toLowerCase(), metadata };
  if (r.status === "succeeded") return { type: "RefundSucceeded", ...base, date: dateOf((r.created as number | undefined) ?? at) };
  if (r.status === "failed" || r.status === "canceled")
    return { type: "RefundFailed", ...base, date: dateOf(at), ...(r.failure_reason ? { reason: String(r.failure_reason) } : {}) };
  return undefined; // pending (SEPA), requires_action: booked when it succeeds
}

/** Translates one Stripe event into the facts it stands for (none when it needs no action). */
export async function translate(stripe: Stripe, event: Stripe.Event): Promise<PaymentFact[]> {
  const o = event.data.object as unknown as Loose;
  const type = event.type as string;
  switch (type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const metadata = metadataOf(o.metadata, o.client_reference_id as string | undefined);
      if (o.mode === "subscription")
        return o.subscription
          ? [
              {
                type: "SubscriptionStarted",
                subscriptionId: idOf(o.subscription)!,
                ...(metadata.checkoutId ? { checkoutId: metadata.checkoutId } : {}),
                ...(idOf(o.customer) ? { customerId: idOf(o.customer)! } : {}),
              },
            ]
          : [];
      if (o.payment_status !== "paid") return []; // SEPA: paid days later (async_payment_succeeded)
      const charge = await chargeOfIntent(stripe, o.payment_intent);
      if (!charge) throw new RetryLaterError(`Session ${o.id} is paid but its charge is not visible yet.`);
      return [{ type: "DonationPaid", ...chargeFacts(charge, metadata.checkoutId ? metadata : metadataOf(charge.metadata)), sessionId: String(o.id) }];
    }
    case "checkout.session.async_payment_failed":
      return [
        {
          type: "PaymentFailed",
          kind: "async_payment_failed",
          ref: o.id,
          amount: o.amount_total ?? 0,
          currency: String(o.currency ?? "eur"),
          date: dateOf(event.created),
          metadata: metadataOf(o.metadata, o.client_reference_id),
        },
      ];
    case "invoice.paid": {
      if (!o.amount_paid) return [];
      const subscriptionId = idOf(o.subscription) ?? idOf(o.parent?.subscription_details?.subscription);
      const chargeId = idOf(o.charge) ?? idOf(o.payments?.data?.[0]?.payment?.charge);
      const charge = chargeId
        ? ((await stripe.charges.retrieve(chargeId, { expand: ["balance_transaction"] })) as unknown as Loose)
        : await chargeOfIntent(stripe, o.payment_intent ?? o.payments?.data?.[0]?.payment?.payment_intent);
      if (!charge) throw new RetryLaterError(`Invoice ${o.id} is paid but its charge is not visible yet.`);
      let m: Loose | undefined = o.parent?.subscription_details?.metadata ?? o.subscription_details?.metadata;
      if (!hasCheckout(m)) m = hasCheckout(charge.metadata) ? charge.metadata : undefined;
      // Older API versions: the metadata is only on the subscription.
      if (!hasCheckout(m) && subscriptionId) m = ((await stripe.subscriptions.retrieve(subscriptionId)) as unknown as Loose).metadata;
      return [{ type: "DonationPaid", ...chargeFacts(charge, metadataOf(m)), ...(subscriptionId ? { subscriptionId } : {}), invoiceId: o.id }];
    }
    case "invoice.payment_failed":
      return [
        {
          type: "PaymentFailed",
          kind: "invoice_payment_failed",
          ref: o.id,
          amount: o.amount_due ?? 0,
          currency: String(o.currency ?? "eur"),
          date: dateOf(event.created),
          metadata: metadataOf(o.parent?.subscription_details?.metadata ?? o.subscription_details?.metadata),
        },
      ];
    case "customer.subscription.deleted":
      return [{ type: "SubscriptionCancelled", subscriptionId: o.id, date: dateOf((o.canceled_at as number | null) ?? event.created), final: true }];
    case "customer.subscription.updated": {
      // Stopped from the customer portal: at once (canceled) or at the period's end; or that stop taken back.
      if (o.status === "canceled")
        return [{ type: "SubscriptionCancelled", subscriptionId: o.id, date: dateOf((o.canceled_at as number | null) ?? event.created), final: true }];
      if (o.cancel_at_period_end === true || typeof o.cancel_at === "number")
        return [{ type: "SubscriptionCancelled", subscriptionId: o.id, date: dateOf((o.canceled_at as number | null) ?? event.created) }];
      const before = (event.data as { previous_attributes?: Loose }).previous_attributes;
      if (before?.cancel_at_period_end === true && o.status === "active") return [{ type: "SubscriptionResumed", subscriptionId: o.id }];
      return [];
    }
    case "charge.refunded": {
      const embedded = o.refunds as Loose | undefined;
      const refunds: Loose[] =
        embedded?.data && !embedded.has_more
          ? (embedded.data as Loose[])
          : ((await stripe.refunds.list({ charge: o.id, limit: 100 })).data as unknown as Loose[]);
      let metadata = metadataOf(o.metadata);
      if (!metadata.checkoutId && idOf(o.payment_intent) && typeof o.payment_intent === "object") metadata = metadataOf((o.payment_intent as Loose).metadata);
      return refunds.flatMap((r) => refundFact(r, o.id as string, metadata, event.created) ?? []);
    }
    case "charge.refund.updated":
    case "refund.created":
    case "refund.updated":
    case "refund.failed": {
      const chargeId = idOf(o.charge);
      if (!chargeId) return [];
      const fact = refundFact(o, chargeId, {}, event.created);
      if (!fact) return [];
      const { metadata } = await chargeMetadata(stripe, chargeId);
      return [{ ...fact, metadata } as PaymentFact];
    }
    case "charge.dispute.created":
    case "charge.dispute.closed": {
      const chargeId = idOf(o.charge)!;
      const { metadata } = await chargeMetadata(stripe, chargeId);
      const txns = ((o.balance_transactions as Loose[] | undefined) ?? []).filter((t) => typeof t === "object");
      const currency = String(o.currency ?? "eur").toLowerCase();
      const out = txns.filter((t) => (t.amount as number) < 0);
      const withdrawn = out.length ? -out.reduce((s, t) => s + (t.amount as number), 0) : (o.amount as number);
      const fee = out.reduce((s, t) => s + Math.max(0, (t.fee as number | undefined) ?? 0), 0);
      const openedOn = dateOf(o.created ?? event.created);
      const reason = String(o.reason ?? "inconnu");
      if (type === "charge.dispute.created")
        return [{ type: "DisputeOpened", disputeId: o.id, chargeId, amount: withdrawn, fee, currency, date: openedOn, reason, metadata }];
      if (o.status !== "won" && o.status !== "lost") return []; // inquiries (warning_closed): no money moved
      const back = txns.filter((t) => (t.amount as number) > 0);
      return [
        {
          type: "DisputeClosed",
          disputeId: o.id,
          chargeId,
          outcome: o.status,
          returned: o.status === "won" ? back.reduce((s, t) => s + (t.amount as number), 0) : 0,
          feeReturned: o.status === "won" ? back.reduce((s, t) => s + Math.max(0, -((t.fee as number | undefined) ?? 0)), 0) : 0,
          withdrawn,
          withdrawalFee: fee,
          openedOn,
          reason,
          currency,
          date: dateOf(event.created),
          metadata,
        },
      ];
    }
    case "payout.paid":
      return [{ type: "PayoutPaid", payoutId: o.id, amount: o.amount, currency: String(o.currency ?? "eur"), date: dateOf(o.arrival_date ?? o.created) }];
    case "payout.failed":
      return [
        {
          type: "PayoutFailed",
          payoutId: o.id,
          amount: o.amount,
          currency: String(o.currency ?? "eur"),
          date: dateOf(event.created),
          ...(o.failure_code ? { failureCode: String(o.failure_code) } : {}),
        },
      ];
    default:
      return [];
  }
}
