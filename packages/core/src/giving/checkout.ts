/**
 * Creating Stripe Checkout Sessions for a donation (once: mode `payment`; monthly: mode
 * `subscription`) or a membership. The donor's details stay in our table (a checkout record,
 * written before Stripe is called and removed after 30 days unless paid); the session carries only
 * our checkout id, its kind and tier, and our source marker in its metadata.
 *
 * Return addresses: only the configured public base URL and its paths (no open redirect).
 * Idempotency: the HTTP edge claims the client's `Idempotency-Key` (scoped by its caller's address,
 * hashed with a server secret, kept 24 h) before this runs; Stripe only ever sees a key derived
 * from the scoped one.
 *
 * Errors: ValidationError (unknown tier, return URL elsewhere).
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { ValidationError, type FieldError } from "../errors.js";
import { IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_TTL_SECONDS } from "../idempotency.js";
import type { DonationCheckoutInput, MembershipCheckoutInput } from "./schemas.js";
import type { GivingSettings } from "./settings.js";
import { saveCheckout, setCheckoutSession } from "./store.js";
import { CHECKOUT_SOURCE, type CheckoutRecord } from "./types.js";
import { now, nowIso } from "../clock.js";
import { parisDate } from "../dates.js";
import { checkMembershipYear, periodOf } from "./memberships.js";

/** How long a public idempotency answer is kept (Stripe keeps its own keys about 24 h). */
export const PUBLIC_IDEMPOTENCY_TTL_SECONDS = IDEMPOTENCY_TTL_SECONDS;
/** Longest public Idempotency-Key accepted. */
export const PUBLIC_IDEMPOTENCY_MAX = IDEMPOTENCY_KEY_MAX.public;

interface Urls {
  successUrl: string;
  cancelUrl: string;
}

const secret = (env: Record<string, string | undefined> = process.env) => env.IDEMPOTENCY_SECRET || env.CURSOR_SECRET || "local-development-idempotency-key";

/** A client's key, scoped by caller and hashed with the server secret (the edge's, core/idempotency.ts). */
export { scopedKey } from "../idempotency.js";

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
  const metadata = {
    checkout: record.checkoutId,
    kind: record.kind,
    ...(record.tierId ? { tier: record.tierId } : {}),
    ...(record.membershipYear ? { membership_year: String(record.membershipYear) } : {}),
    ...(record.project ? { project: record.project } : {}),
    source: CHECKOUT_SOURCE,
  };
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

/**
 * The ids of a checkout: derived from the scoped key the HTTP edge claimed (a request taken over
 * after a crash names the same checkout, and Stripe sees the same idempotency key), else random.
 * Replays never come here: the edge answers them (core/idempotency.ts).
 */
function once(scoped: string | undefined, run: (ids: { checkoutId: string; stripeKey: string }) => Promise<{ sessionId: string; url: string }>) {
  if (scoped === undefined) return run({ checkoutId: randomUUID(), stripeKey: `checkout-${randomUUID()}` });
  return run({ checkoutId: checkoutIdOf(scoped), stripeKey: stripeKeyOf(scoped) });
}

export async function createDonationCheckout(
  db: Db,
  stripe: Stripe,
  input: DonationCheckoutInput,
  publicBase: string,
  /** The Idempotency-Key as the edge claimed it: scoped to the caller and hashed (never the client's). */
  scopedIdempotencyKey?: string,
  /** The projects the association offers to gifts (settings: giving.projects); `input.project` must be one. */
  offeredProjects: readonly string[] = [],
) {
  if (input.project !== undefined && !offeredProjects.includes(input.project))
    throw new ValidationError([
      {
        path: "project",
        message: offeredProjects.length
          ? `ce projet n'est pas proposé aux dons ; l'un de ${offeredProjects.join(", ")}, ou aucun`
          : "l'association ne propose pas d'affecter un don à un projet",
      },
    ]);
  const urls = returnUrls(publicBase, input);
  return once(scopedIdempotencyKey, ({ checkoutId, stripeKey }) => {
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
      ...(input.project ? { project: input.project } : {}),
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
  /** The Idempotency-Key as the edge claimed it: scoped to the caller and hashed (never the client's). */
  scopedIdempotencyKey?: string,
) {
  const tier = settings.tiers.find((t) => t.id === input.tierId);
  if (!tier) throw new ValidationError([{ path: "tierId", message: `unknown tier; one of ${settings.tiers.map((t) => t.id).join(", ")}` }]);
  const urls = returnUrls(publicBase, input);
  // The year paid for (calendar-year tiers): the current one, or the next from 1 November (memberships.ts).
  const membershipYear = checkMembershipYear(periodOf(tier.period), input.membershipYear, parisDate(now()));
  return once(scopedIdempotencyKey, ({ checkoutId, stripeKey }) => {
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
      ...(membershipYear ? { membershipYear } : {}),
      createdAt: nowIso(),
    };
    return create(db, stripe, record, membershipYear ? `${tier.label} ${membershipYear}` : tier.label, urls, stripeKey);
  });
}
