/**
 * Lambda: the public giving routes (membership tiers, giving settings, Stripe Checkout for
 * donations and memberships). Checkouts are rate-limited per caller address and globally, and pass
 * the CAPTCHA check when one is configured. The Stripe client is loaded only by the checkout routes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { dbFromEnv } from "@asso/core/db/client";
import { checkCaptcha, checkRate, loadAbuseSettings } from "@asso/core/giving/abuse";
import { createDonationCheckout, createMembershipCheckout } from "@asso/core/giving/checkout";
import { loadGivingSettings } from "@asso/core/giving/settings";
import { stripeFromEnv } from "@asso/core/giving/stripe";
import { loadReceiptSettings } from "@asso/core/receipts/settings";
import { defineGroup, type HttpEvent, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

// Settings are checked at start: a bad MEMBERSHIP_TIERS or rate setting stops the function with a clear message.
loadGivingSettings();
loadAbuseSettings();

/** The caller's address as API Gateway saw it (never a header the client could set). */
const caller = new AsyncLocalStorage<string>();

/**
 * Where Stripe sends the donor back: PUBLIC_BASE_URL (the only base return URLs may use). Without
 * it, this API's own host; the request's Origin is never trusted.
 */
const publicBase = (req: Request<RouteDef>) => process.env.PUBLIC_BASE_URL || `https://${req.headers.host ?? "localhost"}`;

/** Rate limit and CAPTCHA; a 429 answers problem+json with Retry-After. */
async function guarded(captchaToken: string | undefined, run: (ip: string) => Promise<unknown>): Promise<unknown> {
  const ip = caller.getStore() ?? "unknown";
  const settings = loadAbuseSettings();
  await checkRate(dbFromEnv(), settings, ip);
  await checkCaptcha(settings, captchaToken, ip);
  return run(ip);
}

const inner = defineGroup("public", {
  membershipTiers: async () => ({ tiers: loadGivingSettings().tiers.map(({ id, label, amount, period }) => ({ id, label, amount, period })) }),
  // The receipts module's own settings: whether receipts are issued, and the rate they certify.
  givingSettings: async () => {
    const s = loadReceiptSettings();
    return { taxReductionPercent: s.reductionRate, receiptsEnabled: s.enabled, captcha: !!loadAbuseSettings().captcha };
  },
  donationCheckout: async (req) =>
    guarded(req.body.captchaToken, async (ip) => {
      const { client } = await stripeFromEnv();
      return createDonationCheckout(dbFromEnv(), client, req.body, publicBase(req), req.idempotencyKey, { scope: `ip:${ip}` });
    }),
  membershipCheckout: async (req) =>
    guarded(req.body.captchaToken, async (ip) => {
      const { client } = await stripeFromEnv();
      return createMembershipCheckout(dbFromEnv(), client, loadGivingSettings(), req.body, publicBase(req), req.idempotencyKey, { scope: `ip:${ip}` });
    }),
});

export const handler = (event: HttpEvent) => caller.run(event.requestContext?.http?.sourceIp ?? "unknown", () => inner(event));
