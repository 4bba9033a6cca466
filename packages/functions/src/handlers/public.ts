/**
 * Lambda: the public giving routes (membership tiers, giving settings, Stripe Checkout for
 * donations and memberships). Checkouts are rate-limited per caller address and globally, and pass
 * the CAPTCHA check when one is configured. The Stripe client is loaded only by the checkout routes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { dbFromEnv } from "@asso/core/db";
import { now } from "@asso/core/clock";
import { parisDate } from "@asso/core/dates";
import { NotFoundError, ValidationError } from "@asso/core/errors";
import {
  checkCaptcha,
  checkRate,
  checkoutStatus,
  DONATION_MAX,
  DONATION_MIN,
  loadAbuseSettings,
  createDonationCheckout,
  createMembershipCheckout,
  publicMemberships,
  publicTiers,
  loadGivingSettings,
  stripeFromEnv,
} from "@asso/core/giving";
import { loadReceiptSettings } from "@asso/core/receipts";
import { abuseSettingsOf, activeTiersOf, givingOptionsOf, givingSettingsOf, publicIdentityOf, readLogo, receiptSettingsOf } from "@asso/core/settings";
import { clientIp, defineGroup, type HttpEvent, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

// Settings are checked at start: a bad MEMBERSHIP_TIERS or rate setting stops the function with a clear message.
loadGivingSettings();
loadAbuseSettings();

/** The caller's address (`clientIp`: behind CloudFront the viewer's, never a header the client could set). */
const caller = new AsyncLocalStorage<string>();

/**
 * Where Stripe sends the donor back: PUBLIC_BASE_URL (the only base return URLs may use). Without
 * it, this API's own host; the request's Origin is never trusted.
 */
const publicBase = (req: Request<RouteDef>) => process.env.PUBLIC_BASE_URL || `https://${req.headers.host ?? "localhost"}`;

/** Rate limit and CAPTCHA; a 429 answers problem+json with Retry-After. */
async function guarded(captchaToken: string | undefined, run: () => Promise<unknown>): Promise<unknown> {
  const ip = caller.getStore() ?? "unknown";
  const settings = await abuseSettingsOf(dbFromEnv());
  await checkRate(dbFromEnv(), settings, ip);
  await checkCaptcha(settings, captchaToken, ip);
  return run();
}

const inner = defineGroup("public", {
  // From the settings (section membership-tiers): the active tiers only.
  membershipTiers: async () => ({ tiers: publicTiers(await activeTiersOf(dbFromEnv()), parisDate(now())) }),
  // The receipts module's own settings: whether receipts are issued, and the rate they certify.
  givingSettings: async () => {
    const db = dbFromEnv();
    const s = (await receiptSettingsOf(db)) ?? loadReceiptSettings();
    const g = await givingOptionsOf(db);
    return {
      taxReductionPercent: s.reductionRate,
      receiptsEnabled: s.enabled && !s.missing.length,
      captcha: !!loadAbuseSettings().captcha,
      presets: g.presets,
      monthly: g.monthly,
      monthlyPresets: g.monthlyPresets,
      // Each tier offered, with its period and the dates a payment today covers (giving/memberships.ts).
      memberships: publicMemberships(await activeTiersOf(db), parisDate(now())),
      amountMin: DONATION_MIN,
      amountMax: DONATION_MAX,
      ...(await publicIdentityOf(db)),
    };
  },
  publicLogo: async () => {
    const logo = await readLogo(dbFromEnv());
    if (!logo) throw new NotFoundError("L'association n'a pas envoyé de logo.");
    return { body: logo.bytes, headers: { "content-type": logo.contentType, "cache-control": "public, max-age=300" } };
  },
  checkoutStatus: async (req) => {
    const { client } = await stripeFromEnv();
    return checkoutStatus(dbFromEnv(), client, req.params.id, caller.getStore() ?? "unknown");
  },
  donationCheckout: async (req) =>
    guarded(req.body.captchaToken, async () => {
      const options = await givingOptionsOf(dbFromEnv());
      if (req.body.frequency === "monthly" && !options.monthly)
        throw new ValidationError([{ path: "frequency", message: "l'association ne propose pas de don mensuel" }]);
      const { client } = await stripeFromEnv();
      // A project named must be one offered (settings: giving.projects): checked before Stripe is called.
      return createDonationCheckout(dbFromEnv(), client, req.body, publicBase(req), req.idempotency?.key, options.projects ?? []);
    }),
  membershipCheckout: async (req) =>
    guarded(req.body.captchaToken, async () => {
      const { client } = await stripeFromEnv();
      const settings = await givingSettingsOf(dbFromEnv());
      const tiers = settings.tiers.filter((t) => t.active);
      return createMembershipCheckout(dbFromEnv(), client, { ...settings, tiers }, req.body, publicBase(req), req.idempotency?.key);
    }),
});

export const handler = (event: HttpEvent) => caller.run(clientIp(event), () => inner(event));
