/**
 * What the thank-you page may know about a Checkout Session (`GET
 * /v1/public/checkout-sessions/{id}`): whether it was paid, its amount, whether a receipt will be
 * e-mailed, and to which address, masked. Nothing else personal: the id in the return URL is all
 * the caller holds, and anyone who reads the address bar holds it too.
 *
 * The session is asked of Stripe (its payment status is the truth at the moment the donor comes
 * back, before the webhook may have been delivered) and must carry our source marker and name a
 * checkout record we keep; otherwise it is `unknown`, exactly as a made-up id is. Rate-limited per
 * address (a made-up id costs a Stripe call).
 */
import type Stripe from "stripe";
import * as z from "zod";
import type { Db } from "../db/client.js";
import { TooManyRequestsError } from "../errors.js";
import { nowMs } from "../clock.js";
import { callerBucket } from "./abuse.js";
import { getCheckout, takeToken, type BucketRule } from "./store.js";
import { CHECKOUT_SOURCE } from "./types.js";

/** A Stripe Checkout Session id as Stripe writes it; anything else is unknown without asking Stripe. */
export const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]{1,200}$/;

export const CheckoutSessionParam = z.object({ id: z.string().max(255) });

export const CheckoutStatusSchema = z
  .object({
    status: z.enum(["paid", "pending", "expired", "unknown"]).describe("unknown: no payment of ours has this id"),
    kind: z.enum(["donation", "membership"]).optional(),
    frequency: z.enum(["once", "monthly"]).optional(),
    amount: z.number().int().optional().describe("cents"),
    receipt: z.boolean().describe("a tax receipt will be e-mailed once the payment is booked"),
    email: z.string().optional().describe("the address the messages go to, masked (m…@exemple.fr)"),
  })
  .meta({ id: "CheckoutStatus" });
export type CheckoutStatus = z.output<typeof CheckoutStatusSchema>;

/** Status look-ups per address: the thank-you page asks a few times while a payment is confirmed. */
export const STATUS_RATE: BucketRule = { burst: 30, perSecond: 1 };

/** `marie@exemple.fr` → `m…@exemple.fr`: enough to recognise one's own address, not to learn someone's. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "…";
  return `${email[0]}…${email.slice(at)}`;
}

const UNKNOWN: CheckoutStatus = { status: "unknown", receipt: false };

export async function checkoutStatus(db: Db, stripe: Stripe, sessionId: string, ip: string, now = nowMs()): Promise<CheckoutStatus> {
  const rate = await takeToken(db, `status:ip:${callerBucket(ip)}`, STATUS_RATE, now);
  if (!rate.ok) throw new TooManyRequestsError("Trop de demandes depuis cette adresse ; réessayez dans un instant.", rate.retryAfter);
  if (!SESSION_ID.test(sessionId)) return UNKNOWN;
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId);
  } catch (err) {
    // Stripe's "No such checkout.session": the id is not one of this account's.
    if ((err as { statusCode?: number }).statusCode === 404) return UNKNOWN;
    throw err;
  }
  const checkoutId = session.metadata?.checkout;
  if (session.metadata?.source !== CHECKOUT_SOURCE || !checkoutId) return UNKNOWN;
  const record = await getCheckout(db, checkoutId);
  if (!record || (record.sessionId && record.sessionId !== session.id)) return UNKNOWN;
  const status: CheckoutStatus["status"] =
    session.payment_status === "paid" || session.payment_status === "no_payment_required" ? "paid" : session.status === "expired" ? "expired" : "pending";
  return {
    status,
    kind: record.kind,
    frequency: record.frequency,
    amount: record.amount,
    receipt: record.receipt,
    email: maskEmail(record.email),
  };
}
