/**
 * The donor's space across domains: giving (who is known, their gifts, monthly gifts, membership,
 * the signed link), receipts (their receipts and files), mail (the link sent, a failed payment
 * told) and Stripe's customer portal (change the card, stop a monthly gift).
 *
 * - `requestDonorAccess`: the same answer whatever the address; a known one (a donor, a member, a
 *   gift's e-mail) is sent a `donor_access` message with a link valid 30 minutes.
 * - `readDonorSpace`, `donorReceiptFile`, `donorPortalSession`: what the token's address may see
 *   and do, nothing of anyone else's (another person's receipt is a 404, as an unknown one).
 * - `notifyPaymentFailed`: after the webhook recorded a failed monthly payment, a `payment_failed`
 *   message with a fresh link to the space (keyed on the invoice: once per failed invoice).
 */
import type Stripe from "stripe";
import { nowMs } from "../clock.js";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { NotFoundError } from "../errors.js";
import { now } from "../clock.js";
import {
  type AbuseSettings,
  checkDonorAccessRate,
  DONOR_FIX_LINK_TTL_MS,
  type DonorSpace,
  donorRecords,
  donorSpaceLink,
  donorSubscription,
  failedPayment,
  isKnownPerson,
  normalEmail,
  verifyDonorToken,
} from "../giving/index.js";
import { queueMessage } from "../mail/index.js";
import { receiptOwner, receiptsOfGifts } from "../receipts/index.js";
import { receiptPdf } from "../receipts/lazy.js";

const base = (publicBase: string) => (publicBase.endsWith("/") ? publicBase : `${publicBase}/`);

/**
 * `POST /v1/public/donor-access`: rate-limited like the checkout (429 past it). The address is
 * looked up and the answer is the same whether it is known or not; a known address, within its
 * own limit (5 links an hour), is sent its link.
 */
export async function requestDonorAccess(db: Db, input: { email: string; ip: string; publicBase: string; abuse: AbuseSettings }): Promise<{ sent: true }> {
  const email = normalEmail(input.email);
  const { mayMail } = await checkDonorAccessRate(db, input.abuse, input.ip, email);
  const person = await isKnownPerson(db, email);
  if (person.known && mayMail) {
    const at = nowMs();
    const { link, expiresAt } = donorSpaceLink(input.publicBase, email, undefined, at);
    await queueMessage(db, {
      fact: `donor-access#${email}#${at}`,
      kind: "donor_access",
      to: email,
      ...(person.name ? { name: person.name } : {}),
      data: { link, expiresAt },
    });
  }
  return { sent: true };
}

/** `GET /v1/public/donor/space`: the token's person's gifts, receipts, monthly gifts and membership. */
export async function readDonorSpace(
  db: Db,
  token: string | undefined,
  opts: { publicBase: string; tierLabel?: (tierId: string) => Promise<string | undefined> },
): Promise<DonorSpace> {
  const { email, expiresAt } = verifyDonorToken(token);
  const records = await donorRecords(db, email);
  const receipts = await receiptsOfGifts(db, records.donations);
  const today = parisDate(now());
  const m = records.membership;
  const label = m ? await opts.tierLabel?.(m.tierId) : undefined;
  return {
    email,
    expiresAt,
    gifts: records.gifts,
    receipts: receipts.map((r) => ({ ...r, url: `/v1/public/donor/receipts/${r.id}.pdf` })),
    monthly: records.monthly,
    membership: m
      ? {
          ...m,
          ...(label ? { tierLabel: label } : {}),
          status: m.validUntil >= today ? "active" : "expired",
          renewUrl: `${base(opts.publicBase)}?adhesion=${encodeURIComponent(m.tierId)}&email=${encodeURIComponent(email)}`,
        }
      : null,
  };
}

/** `GET /v1/public/donor/receipts/{id}.pdf`: one of the person's receipts, else 404 (whoever's it is). */
export async function donorReceiptFile(db: Db, token: string | undefined, id: string): Promise<Uint8Array> {
  const { email } = verifyDonorToken(token);
  const owner = await receiptOwner(db, id);
  if (!owner || owner !== email) throw new NotFoundError("Aucun reçu de ce numéro à votre nom.");
  return receiptPdf(db, id);
}

/**
 * `POST /v1/public/donor/portal-sessions`: a Stripe customer portal session for the customer of
 * one of the person's monthly gifts (404 for anyone else's), coming back to the space. `cancel`
 * opens the portal on that subscription's stop.
 */
export async function donorPortalSession(
  db: Db,
  stripe: Stripe,
  token: string | undefined,
  input: { subscriptionId: string; action: "card" | "cancel"; publicBase: string },
): Promise<{ url: string }> {
  const { email } = verifyDonorToken(token);
  const sub = await donorSubscription(db, email, input.subscriptionId);
  // Subscriptions started before the customer was kept: asked of Stripe once.
  const customer = sub.customerId ?? String(((await stripe.subscriptions.retrieve(sub.subscriptionId)) as unknown as { customer: unknown }).customer);
  const returnUrl = `${base(input.publicBase)}espace/`;
  const back = { type: "redirect" as const, redirect: { return_url: returnUrl } };
  const flow =
    sub.status !== "active"
      ? undefined
      : input.action === "cancel"
        ? { type: "subscription_cancel" as const, subscription_cancel: { subscription: sub.subscriptionId }, after_completion: back }
        : { type: "payment_method_update" as const, after_completion: back };
  const session = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl, locale: "fr", ...(flow ? { flow_data: flow } : {}) });
  return { url: session.url };
}

/**
 * After `invoice.payment_failed` was recorded (the giving incident keyed by the invoice): a
 * `payment_failed` message to the donor, its fix link a fresh link to the space (valid 24 hours),
 * else Stripe's hosted invoice page. Once per invoice (the message's fact is the invoice).
 */
export async function notifyPaymentFailed(db: Db, invoice: { id: string; hosted_invoice_url?: string | null }, publicBase = process.env.PUBLIC_BASE_URL) {
  const failed = await failedPayment(db, invoice.id);
  if (!failed) return undefined;
  const fixLink = publicBase ? donorSpaceLink(publicBase, failed.email, DONOR_FIX_LINK_TTL_MS).link : (invoice.hosted_invoice_url ?? undefined);
  if (!fixLink) return undefined;
  return queueMessage(db, {
    fact: `invoice#${invoice.id}`,
    kind: "payment_failed",
    to: failed.email,
    data: { amount: failed.amount, date: failed.date, fixLink },
  });
}
