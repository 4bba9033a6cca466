/**
 * Creating Stripe Checkout Sessions for a donation (once: mode `payment`; monthly: mode
 * `subscription`) or a membership. The donor's details stay in our table (a checkout record); the
 * session carries only our checkout id in its metadata. Every create carries an idempotency key.
 *
 * Errors: ValidationError (unknown tier).
 */
import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { ValidationError } from "../errors.js";
import type { Address, DonationCheckoutInput, MembershipCheckoutInput } from "./schemas.js";
import type { GivingSettings } from "./settings.js";

export type Kind = "donation" | "membership";

/** What we keep of a checkout until (and after) it is paid. */
export interface CheckoutRecord {
  checkoutId: string;
  kind: Kind;
  frequency: "once" | "monthly";
  amount: number;
  email: string;
  firstName: string;
  lastName: string;
  organisation?: string;
  address?: Address;
  receipt: boolean;
  tierId?: string;
  sessionId?: string;
  createdAt: string;
}

export const checkoutKey = (checkoutId: string) => ({ pk: `CHECKOUT#${checkoutId}`, sk: "CHECKOUT" });

interface Urls {
  successUrl: string;
  cancelUrl: string;
}

async function create(db: Db, stripe: Stripe, record: CheckoutRecord, label: string, urls: Urls, idempotencyKey: string) {
  const metadata = { checkout: record.checkoutId, kind: record.kind };
  const recurring = record.frequency === "monthly";
  const session = await stripe.checkout.sessions.create(
    {
      mode: recurring ? "subscription" : "payment",
      locale: "fr",
      customer_email: record.email,
      client_reference_id: record.checkoutId,
      metadata,
      line_items: [{ quantity: 1, price_data: { currency: "eur", unit_amount: record.amount, product_data: { name: label }, ...(recurring ? { recurring: { interval: "month" } } : {}) } }],
      ...(recurring ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
    },
    { idempotencyKey: `checkout-${idempotencyKey}` },
  );
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...checkoutKey(record.checkoutId), ...record, sessionId: session.id } }));
  return { sessionId: session.id, url: session.url ?? "" };
}

const defaults = (base: string, input: { successUrl?: string; cancelUrl?: string }): Urls => ({
  successUrl: input.successUrl ?? `${base}/merci?session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: input.cancelUrl ?? `${base}/?annule=1`,
});

export async function createDonationCheckout(db: Db, stripe: Stripe, input: DonationCheckoutInput, publicBase: string, idempotencyKey: string = randomUUID()) {
  const record: CheckoutRecord = {
    checkoutId: randomUUID(),
    kind: "donation",
    frequency: input.frequency,
    amount: input.amount,
    email: input.donor.email.toLowerCase(),
    firstName: input.donor.firstName,
    lastName: input.donor.lastName,
    ...(input.donor.address ? { address: input.donor.address } : {}),
    receipt: input.receipt,
    createdAt: new Date().toISOString(),
  };
  const label = input.frequency === "monthly" ? "Don mensuel" : "Don";
  return create(db, stripe, record, label, defaults(publicBase, input), idempotencyKey);
}

export async function createMembershipCheckout(db: Db, stripe: Stripe, settings: GivingSettings, input: MembershipCheckoutInput, publicBase: string, idempotencyKey: string = randomUUID()) {
  const tier = settings.tiers.find((t) => t.id === input.tierId);
  if (!tier) throw new ValidationError([{ path: "tierId", message: `unknown tier; one of ${settings.tiers.map((t) => t.id).join(", ")}` }]);
  const record: CheckoutRecord = {
    checkoutId: randomUUID(),
    kind: "membership",
    frequency: "once",
    amount: tier.amount,
    email: input.member.email.toLowerCase(),
    firstName: input.member.firstName,
    lastName: input.member.lastName,
    ...(input.member.organisation ? { organisation: input.member.organisation } : {}),
    ...(input.member.address ? { address: input.member.address } : {}),
    receipt: tier.receipt && !!input.member.address,
    tierId: tier.id,
    createdAt: new Date().toISOString(),
  };
  return create(db, stripe, record, tier.label, defaults(publicBase, input), idempotencyKey);
}
