/**
 * Stripe webhooks. The signature is verified on the raw body (official client, 300 s tolerance);
 * each Stripe event is translated into neutral domain events (PaymentSucceeded, RefundsChanged,
 * PayoutPaid…), which are then booked. Every booking is keyed by the money movement it records
 * (charge, refund, dispute, payout), and that key is written in the same transaction as the ledger
 * entry and the donation record: a redelivered or concurrent event writes nothing twice, whatever
 * order events arrive in. Steps after the booking (member, subscription, receipt) are idempotent,
 * so a redelivery completes whatever an interrupted delivery left undone.
 *
 * Errors: ValidationError (bad signature), RetryLaterError (an event that depends on data not yet
 * available: answered 503 so that Stripe retries).
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { RetryLaterError, ValidationError } from "../errors.js";
import { keys } from "../ledger/keys.js";
import type { Line } from "../ledger/model.js";
import { awaitValidation, writeDraft } from "../ledger/posting.js";
import type { NamedItem, TransactItem } from "../db/store.js";
import { reconcileReceipt } from "../receipts/receipts.js";
import { checkoutKey, type CheckoutRecord } from "./checkout.js";
import { donationKey, incidentKey, memberKey, subscriptionKey, type Donation, type Incident, type Member } from "./records.js";
import type { GivingSettings } from "./settings.js";
import type { StripeContext } from "./stripe.js";

/** Stripe objects as they arrive; fields differ between API versions, so they are read with care. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

export type PaymentEvent =
  | { type: "PaymentSucceeded"; chargeId: string; checkoutId?: string; subscriptionId?: string; invoiceId?: string }
  | { type: "SubscriptionStarted"; subscriptionId: string; checkoutId?: string }
  | { type: "SubscriptionCancelled"; subscriptionId: string; at: number }
  | { type: "PaymentFailed"; ref: string; amount: number; at: number; checkoutId?: string; kind: "invoice_payment_failed" | "async_payment_failed" }
  | { type: "RefundsChanged"; chargeId: string }
  | { type: "DisputeChanged"; disputeId: string }
  | { type: "PayoutPaid"; payoutId: string }
  | { type: "PayoutFailed"; payoutId: string };

export const CLEARING = "4671";
export const BANK = "512";
export const FEES = "627";
export const revenueAccount = (kind: "donation" | "membership") => (kind === "membership" ? "756" : "7541");

/** `amount` debited to one account and credited to another: the two lines of one movement. */
const pair = (debit: string, credit: string, amount: number, label?: string): Line[] => [
  { account: debit, debit: amount, credit: 0, ...(label ? { label } : {}) },
  { account: credit, debit: 0, credit: amount, ...(label ? { label } : {}) },
];

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

async function chargeOfIntent(stripe: Stripe, intent: unknown): Promise<string | undefined> {
  const id = idOf(intent);
  if (!id) return undefined;
  const pi = (await stripe.paymentIntents.retrieve(id)) as unknown as Loose;
  return idOf(pi.latest_charge);
}

/** Translates one Stripe event into the domain events it stands for (none when it needs no action). */
export async function translate(stripe: Stripe, event: Stripe.Event): Promise<PaymentEvent[]> {
  const o = event.data.object as unknown as Loose;
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const checkoutId = (o.metadata?.checkout as string | undefined) ?? (o.client_reference_id as string | undefined);
      if (o.mode === "subscription") return o.subscription ? [{ type: "SubscriptionStarted", subscriptionId: idOf(o.subscription)!, checkoutId }] : [];
      if (o.payment_status !== "paid") return []; // SEPA: paid days later (async_payment_succeeded)
      const chargeId = await chargeOfIntent(stripe, o.payment_intent);
      if (!chargeId) throw new RetryLaterError(`Session ${o.id} is paid but its charge is not visible yet.`);
      return [{ type: "PaymentSucceeded", chargeId, checkoutId }];
    }
    case "checkout.session.async_payment_failed":
      return [{ type: "PaymentFailed", kind: "async_payment_failed", ref: o.id, amount: o.amount_total ?? 0, at: event.created, checkoutId: o.metadata?.checkout }];
    case "invoice.paid": {
      if (!o.amount_paid) return [];
      const subscriptionId = idOf(o.subscription) ?? idOf(o.parent?.subscription_details?.subscription);
      const chargeId = idOf(o.charge) ?? idOf(o.payments?.data?.[0]?.payment?.charge) ?? (await chargeOfIntent(stripe, o.payment_intent));
      if (!chargeId) throw new RetryLaterError(`Invoice ${o.id} is paid but its charge is not visible yet.`);
      let checkoutId = o.parent?.subscription_details?.metadata?.checkout as string | undefined;
      if (!checkoutId && subscriptionId) checkoutId = ((await stripe.subscriptions.retrieve(subscriptionId)) as unknown as Loose).metadata?.checkout;
      return [{ type: "PaymentSucceeded", chargeId, checkoutId, subscriptionId, invoiceId: o.id }];
    }
    case "invoice.payment_failed":
      return [{ type: "PaymentFailed", kind: "invoice_payment_failed", ref: o.id, amount: o.amount_due ?? 0, at: event.created, checkoutId: o.parent?.subscription_details?.metadata?.checkout }];
    case "customer.subscription.deleted":
      return [{ type: "SubscriptionCancelled", subscriptionId: o.id, at: event.created }];
    case "charge.refunded":
      return [{ type: "RefundsChanged", chargeId: o.id }];
    case "charge.dispute.created":
    case "charge.dispute.closed":
      return [{ type: "DisputeChanged", disputeId: o.id }];
    case "payout.paid":
      return [{ type: "PayoutPaid", payoutId: o.id }];
    case "payout.failed":
      return [{ type: "PayoutFailed", payoutId: o.id }];
    default:
      return [];
  }
}

// ---------------------------------------------------------------- booking

const dateOf = (unixSeconds: number) => parisDate(new Date(unixSeconds * 1000));

async function getItem<T>(db: Db, key: Record<string, string>): Promise<T | undefined> {
  return (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item as T | undefined;
}

/** Writes one ledger entry keyed by `ref` (in the same transaction as `extra`); waits for its number. */
async function book(db: Db, ref: string, entry: { date: string; label: string; pieceRef: string; lines: Line[] }, extra: NamedItem[] = []) {
  const { id, existed } = await writeDraft(db, { journal: "ST", ...entry }, { idempotency: { operation: "stripe", key: ref, requestHash: "stripe" }, extraItems: extra });
  if (!existed) await awaitValidation(db, id);
  return !existed;
}

const isBooked = async (db: Db, ref: string) => !!(await getItem(db, keys.idempotency("stripe", ref)));

async function recordIncident(db: Db, incident: Incident) {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...incidentKey(incident.ref), kind: "incident", ...incident, gsi1pk: `INCIDENTS#${incident.date.slice(0, 4)}`, gsi1sk: `${incident.date}#${incident.ref}` },
    }),
  );
}

/** The gift a charge paid for: our donation record, else the checkout named in the payment's metadata. */
async function kindOfCharge(db: Db, stripe: Stripe, chargeId: string): Promise<{ kind: "donation" | "membership"; email?: string }> {
  const d = await getItem<Donation>(db, donationKey(chargeId));
  if (d?.kind) return { kind: d.kind, email: d.email };
  const charge = (await stripe.charges.retrieve(chargeId)) as unknown as Loose;
  const piId = idOf(charge.payment_intent);
  const checkoutId = piId ? (((await stripe.paymentIntents.retrieve(piId)) as unknown as Loose).metadata?.checkout as string | undefined) : undefined;
  const c = checkoutId ? await getItem<CheckoutRecord>(db, checkoutKey(checkoutId)) : undefined;
  if (!c) throw new RetryLaterError(`Charge ${chargeId} is not known yet; its payment event will come first.`);
  return { kind: c.kind, email: c.email };
}

async function paymentSucceeded(db: Db, stripe: Stripe, settings: GivingSettings, e: Extract<PaymentEvent, { type: "PaymentSucceeded" }>) {
  const charge = (await stripe.charges.retrieve(e.chargeId)) as unknown as Loose;
  const bt = (await stripe.balanceTransactions.retrieve(idOf(charge.balance_transaction)!)) as unknown as Loose;
  const c = e.checkoutId ? await getItem<CheckoutRecord>(db, checkoutKey(e.checkoutId)) : undefined;
  const kind = c?.kind ?? "donation";
  const gross = charge.amount as number;
  const fee = (bt.fee as number) ?? 0;
  const date = dateOf(charge.created);
  const who = c ? `${c.firstName} ${c.lastName}` : ((charge.billing_details?.name as string | undefined) ?? "donateur");
  const frequency = c?.frequency ?? (e.subscriptionId ? "monthly" : "once");
  const donation: Omit<Donation, "refunded" | "receiptId"> = {
    chargeId: e.chargeId,
    kind,
    frequency,
    amount: gross,
    fee,
    date,
    year: Number(date.slice(0, 4)),
    email: c?.email ?? ((charge.billing_details?.email as string | undefined) ?? "inconnu"),
    firstName: c?.firstName ?? who,
    lastName: c?.lastName ?? "",
    ...(c?.organisation ? { organisation: c.organisation } : {}),
    ...(c?.address ? { address: c.address } : {}),
    receiptWanted: !!c?.receipt,
    method: (charge.payment_method_details?.type as string | undefined) ?? "card",
    checkoutId: e.checkoutId ?? "",
    ...(e.subscriptionId ? { subscriptionId: e.subscriptionId } : {}),
    ...(e.invoiceId ? { invoiceId: e.invoiceId } : {}),
    ...(c?.tierId ? { tierId: c.tierId } : {}),
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":zero": 0, ":gp": `DONATIONS#${donation.year}`, ":gs": `${date}#${e.chargeId}` };
  const sets = Object.entries(donation).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  const donationUpdate: TransactItem = {
    Update: {
      Key: donationKey(e.chargeId),
      UpdateExpression: `SET ${sets.join(", ")}, refunded = if_not_exists(refunded, :zero), gsi1pk = :gp, gsi1sk = :gs`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
  const label = kind === "membership" ? `Cotisation ${who}` : `Don ${frequency === "monthly" ? "mensuel " : ""}${who}`;
  const lines = [...pair(CLEARING, revenueAccount(kind), gross), ...(fee > 0 ? pair(FEES, CLEARING, fee, "Frais Stripe") : [])];
  await book(db, `charge:${e.chargeId}`, { date, label: label.slice(0, 200), pieceRef: e.chargeId, lines }, [{ name: "donation", item: donationUpdate }]);

  if (kind === "membership" && c) {
    const existing = await getItem<Member>(db, memberKey(c.email));
    const validUntil = `${date.slice(0, 4)}-12-31`;
    const member: Member = {
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      ...(c.organisation ? { organisation: c.organisation } : {}),
      ...(c.address ? { address: c.address } : {}),
      tierId: c.tierId ?? "individuel",
      validUntil: existing && existing.validUntil > validUntil ? existing.validUntil : validUntil,
      lastPaymentOn: existing && existing.lastPaymentOn > date ? existing.lastPaymentOn : date,
    };
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...memberKey(c.email), kind: "member", ...member, gsi1pk: "MEMBERS", gsi1sk: c.email } }));
  }
  if (e.subscriptionId)
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: subscriptionKey(e.subscriptionId),
        UpdateExpression: "SET #s = if_not_exists(#s, :a), email = :e, amount = :m, checkoutId = :c, kind = :k",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":a": "active", ":e": donation.email, ":m": gross, ":c": e.checkoutId ?? "", ":k": "subscription" },
      }),
    );
  await reconcileReceipt(db, settings, e.chargeId);
}

async function refundsChanged(db: Db, stripe: Stripe, settings: GivingSettings, chargeId: string) {
  const { kind } = await kindOfCharge(db, stripe, chargeId);
  const refunds = await stripe.refunds.list({ charge: chargeId, limit: 100 });
  for (const r of refunds.data as unknown as Loose[]) {
    if (r.status !== "succeeded") continue;
    await book(
      db,
      `refund:${r.id}`,
      {
        date: dateOf(r.created),
        label: `Remboursement ${kind === "membership" ? "de cotisation" : "de don"} (${chargeId})`,
        pieceRef: r.id,
        lines: pair(revenueAccount(kind), CLEARING, r.amount),
      },
      [{ name: "donation", item: { Update: { Key: donationKey(chargeId), UpdateExpression: "ADD refunded :a", ExpressionAttributeValues: { ":a": r.amount } } } }],
    );
  }
  await reconcileReceipt(db, settings, chargeId);
}

async function disputeChanged(db: Db, stripe: Stripe, settings: GivingSettings, disputeId: string) {
  const dp = (await stripe.disputes.retrieve(disputeId)) as unknown as Loose;
  const chargeId = idOf(dp.charge)!;
  const { kind, email } = await kindOfCharge(db, stripe, chargeId);
  const date = dateOf(dp.created);
  const type = dp.status === "won" ? "dispute_won" : dp.status === "lost" ? "dispute_lost" : "dispute_opened";
  await recordIncident(db, { ref: disputeId, type, date, amount: dp.amount, ...(email ? { email } : {}), detail: `Litige sur ${chargeId} (${dp.reason ?? "motif inconnu"}) : ${dp.status}` });
  if (dp.status !== "lost") return;
  const fee = ((dp.balance_transactions as Loose[] | undefined) ?? []).reduce((s, t) => s + Math.max(0, (t.fee as number | undefined) ?? 0), 0);
  const lines = [...pair(revenueAccount(kind), CLEARING, dp.amount), ...(fee > 0 ? pair(FEES, CLEARING, fee, "Frais de litige") : [])];
  await book(db, `dispute:${disputeId}`, { date, label: `Litige perdu (${chargeId})`, pieceRef: disputeId, lines }, [
    { name: "donation", item: { Update: { Key: donationKey(chargeId), UpdateExpression: "ADD refunded :a", ExpressionAttributeValues: { ":a": dp.amount } } } },
  ]);
  await reconcileReceipt(db, settings, chargeId);
}

async function payout(db: Db, stripe: Stripe, payoutId: string, failed: boolean) {
  const po = (await stripe.payouts.retrieve(payoutId)) as unknown as Loose;
  const date = dateOf(po.arrival_date ?? po.created);
  if (po.status === "failed") await recordIncident(db, { ref: payoutId, type: "payout_failed", date, amount: po.amount, detail: `Virement Stripe échoué (${po.failure_code ?? "inconnu"})` });
  if (!failed) {
    // A payout already known as failed never reached the bank: book nothing.
    if (po.status === "failed") return;
    await book(db, `payout:${payoutId}`, {
      date,
      label: "Virement Stripe vers la banque",
      pieceRef: payoutId,
      lines: pair(BANK, CLEARING, po.amount),
    });
  } else if (await isBooked(db, `payout:${payoutId}`)) {
    await book(db, `payout-failed:${payoutId}`, {
      date,
      label: "Virement Stripe échoué : retour en attente",
      pieceRef: payoutId,
      lines: pair(CLEARING, BANK, po.amount),
    });
  }
}

async function setSubscription(db: Db, id: string, set: string, values: Record<string, unknown>) {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: subscriptionKey(id),
      UpdateExpression: `SET ${set}, kind = :k`,
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ...values, ":k": "subscription" },
    }),
  );
}

export async function apply(db: Db, stripe: Stripe, settings: GivingSettings, e: PaymentEvent): Promise<void> {
  switch (e.type) {
    case "PaymentSucceeded":
      return paymentSucceeded(db, stripe, settings, e);
    case "SubscriptionStarted":
      // A cancellation that arrived first is kept.
      return setSubscription(db, e.subscriptionId, "#s = if_not_exists(#s, :s), checkoutId = :c", { ":s": "active", ":c": e.checkoutId ?? "" });
    case "SubscriptionCancelled":
      return setSubscription(db, e.subscriptionId, "#s = :s, cancelledOn = :d", { ":s": "canceled", ":d": dateOf(e.at) });
    case "PaymentFailed": {
      const c = e.checkoutId ? await getItem<CheckoutRecord>(db, checkoutKey(e.checkoutId)) : undefined;
      return recordIncident(db, {
        ref: e.ref,
        type: e.kind,
        date: dateOf(e.at),
        amount: e.amount,
        ...(c ? { email: c.email } : {}),
        detail: e.kind === "invoice_payment_failed" ? "Échec d'un prélèvement mensuel" : "Échec d'un paiement par prélèvement SEPA",
      });
    }
    case "RefundsChanged":
      return refundsChanged(db, stripe, settings, e.chargeId);
    case "DisputeChanged":
      return disputeChanged(db, stripe, settings, e.disputeId);
    case "PayoutPaid":
      return payout(db, stripe, e.payoutId, false);
    case "PayoutFailed":
      return payout(db, stripe, e.payoutId, true);
  }
}

/** Verifies nothing: handles an already verified event. Returns how many domain events it made. */
export async function handleStripeEvent(db: Db, stripe: Stripe, settings: GivingSettings, event: Stripe.Event): Promise<number> {
  const domain = await translate(stripe, event);
  for (const e of domain) await apply(db, stripe, settings, e);
  return domain.length;
}
