/**
 * Creating Stripe Checkout Sessions for a donation (once: mode `payment`; monthly: mode
 * `subscription`) or a membership. The donor's details stay in our table (a checkout record,
 * written before Stripe is called and removed after 30 days unless paid); the session carries only
 * our checkout id, its kind and tier, and our source marker in its metadata.
 *
 * Return addresses: only the configured public base URL and its paths (no open redirect).
 * Idempotency: a client's `Idempotency-Key` is scoped by its caller (the IP for public routes) and
 * hashed with a server secret; the answer is kept 24 h; Stripe only ever sees the derived key.
 *
 * Errors: ValidationError (unknown tier, return URL elsewhere), ConflictError (a key reused with
 * another request).
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { ConflictError, ValidationError, type FieldError } from "../errors.js";
import type { DonationCheckoutInput, MembershipCheckoutInput } from "./schemas.js";
import type { GivingSettings } from "./settings.js";
import { getPublicAnswer, saveCheckout, savePublicAnswer, setCheckoutSession } from "./store.js";
import { CHECKOUT_SOURCE, type CheckoutRecord } from "./types.js";
import { nowIso } from "../clock.js";

export type { CheckoutRecord, Kind } from "./types.js";
export { checkoutKey } from "./records.js";

/** How long a public idempotency answer is kept (Stripe keeps its own keys about 24 h). */
export const PUBLIC_IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** Longest public Idempotency-Key accepted. */
export const PUBLIC_IDEMPOTENCY_MAX = 100;

interface Urls {
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutOptions {
  /** Who asks, for idempotency scoping: `ip:<address>` for the public routes. */
  scope?: string;
}

const secret = (env: Record<string, string | undefined> = process.env) => env.IDEMPOTENCY_SECRET || env.CURSOR_SECRET || "local-development-idempotency-key";

/** A client's key, scoped by caller and hashed with the server secret: what we store and derive Stripe's key from. */
export function scopedKey(scope: string, key: string): string {
  return createHmac("sha256", secret()).update(`${scope}\u0000${key}`).digest("hex");
}

/** The key Stripe sees for a scoped key: derived again, so it is never the client's. */
export const stripeKeyOf = (scoped: string) => `checkout-${createHmac("sha256", secret()).update(`stripe\u0000${scoped}`).digest("hex").slice(0, 48)}`;

/** A stable checkout id for a scoped key (a retried request names the same checkout, so Stripe sees the same parameters). */
const checkoutIdOf = (scoped: string) => {
  const h = createHash("sha256").update(`checkout\u0000${scoped}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

const normalBase = (base: string) => {
  const u = new URL(base);
  return { origin: u.origin, path: u.pathname.endsWith("/") ? u.pathname : `${u.pathname}/` };
};

/**
 * The return URLs: the defaults under `publicBase`, or the caller's, which must be on the public
 * base URL (same origin, under its path); anything else is a 400.
 */
export function returnUrls(publicBase: string, input: { successUrl?: string | undefined; cancelUrl?: string | undefined }): Urls {
  const base = normalBase(publicBase);
  const root = `${base.origin}${base.path}`;
  const errors: FieldError[] = [];
  const check = (field: "successUrl" | "cancelUrl", value: string | undefined) => {
    if (value === undefined) return;
    let u: URL | undefined;
    try {
      u = new URL(value);
    } catch {
      u = undefined;
    }
    const ok = !!u && u.origin === base.origin && !u.username && !u.password && (`${u.pathname}/`.startsWith(base.path) || u.pathname.startsWith(base.path));
    if (!ok) errors.push({ path: field, message: `must be an address on ${root}` });
  };
  check("successUrl", input.successUrl);
  check("cancelUrl", input.cancelUrl);
  if (errors.length) throw new ValidationError(errors);
  return {
    successUrl: input.successUrl ?? `${root}merci?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: input.cancelUrl ?? `${root}?annule=1`,
  };
}

async function create(db: Db, stripe: Stripe, record: CheckoutRecord, label: string, urls: Urls, stripeKey: string) {
  const metadata = { checkout: record.checkoutId, kind: record.kind, ...(record.tierId ? { tier: record.tierId } : {}), source: CHECKOUT_SOURCE };
  const recurring = record.frequency === "monthly";
  // The record first: a payment can never reference a checkout we do not know.
  await saveCheckout(db, record);
  const session = await stripe.checkout.sessions.create(
    {
      mode: recurring ? "subscription" : "payment",
      locale: "fr",
      customer_email: record.email,
      client_reference_id: record.checkoutId,
      metadata,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: "eur",
            unit_amount: record.amount,
            product_data: { name: label },
            ...(recurring ? { recurring: { interval: "month" } } : {}),
          },
        },
      ],
      ...(recurring ? { subscription_data: { metadata } } : { payment_intent_data: { metadata } }),
      success_url: urls.successUrl,
      cancel_url: urls.cancelUrl,
    },
    { idempotencyKey: stripeKey },
  );
  await setCheckoutSession(db, record.checkoutId, session.id);
  return { sessionId: session.id, url: session.url ?? "" };
}

/** Runs a checkout once per scoped key: a replay answers the first answer; another body with the same key is a 409. */
async function once(
  db: Db,
  input: unknown,
  key: string | undefined,
  opts: CheckoutOptions,
  run: (ids: { checkoutId: string; stripeKey: string }) => Promise<{ sessionId: string; url: string }>,
) {
  if (key === undefined) return run({ checkoutId: randomUUID(), stripeKey: `checkout-${randomUUID()}` });
  if (key.length === 0 || key.length > PUBLIC_IDEMPOTENCY_MAX)
    throw new ValidationError([{ path: "Idempotency-Key", message: `must be 1 to ${PUBLIC_IDEMPOTENCY_MAX} characters` }]);
  const scoped = scopedKey(opts.scope ?? "anonymous", key);
  const requestHash = createHash("sha256").update(JSON.stringify(input)).digest("hex");
  const stored = await getPublicAnswer(db, scoped);
  if (stored) {
    if (stored.requestHash !== requestHash) throw new ConflictError("This Idempotency-Key was already used with a different request.");
    return stored.answer as { sessionId: string; url: string };
  }
  const answer = await run({ checkoutId: checkoutIdOf(scoped), stripeKey: stripeKeyOf(scoped) });
  await savePublicAnswer(db, scoped, { requestHash, answer }, PUBLIC_IDEMPOTENCY_TTL_SECONDS);
  return answer;
}

export async function createDonationCheckout(
  db: Db,
  stripe: Stripe,
  input: DonationCheckoutInput,
  publicBase: string,
  idempotencyKey?: string,
  opts: CheckoutOptions = {},
) {
  const urls = returnUrls(publicBase, input);
  const { captchaToken: _c, ...request } = input as DonationCheckoutInput & { captchaToken?: string };
  return once(db, request, idempotencyKey, opts, ({ checkoutId, stripeKey }) => {
    const record: CheckoutRecord = {
      checkoutId,
      kind: "donation",
      frequency: input.frequency,
      amount: input.amount,
      email: input.donor.email.toLowerCase(),
      firstName: input.donor.firstName,
      lastName: input.donor.lastName,
      ...(input.donor.address ? { address: input.donor.address } : {}),
      receipt: input.receipt,
      createdAt: nowIso(),
    };
    return create(db, stripe, record, input.frequency === "monthly" ? "Don mensuel" : "Don", urls, stripeKey);
  });
}

export async function createMembershipCheckout(
  db: Db,
  stripe: Stripe,
  settings: GivingSettings,
  input: MembershipCheckoutInput,
  publicBase: string,
  idempotencyKey?: string,
  opts: CheckoutOptions = {},
) {
  const tier = settings.tiers.find((t) => t.id === input.tierId);
  if (!tier) throw new ValidationError([{ path: "tierId", message: `unknown tier; one of ${settings.tiers.map((t) => t.id).join(", ")}` }]);
  const urls = returnUrls(publicBase, input);
  const { captchaToken: _c, ...request } = input as MembershipCheckoutInput & { captchaToken?: string };
  return once(db, request, idempotencyKey, opts, ({ checkoutId, stripeKey }) => {
    const record: CheckoutRecord = {
      checkoutId,
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
      createdAt: nowIso(),
    };
    return create(db, stripe, record, tier.label, urls, stripeKey);
  });
}
