/** Lambda: the public giving routes (membership tiers, Stripe Checkout for donations and memberships). */
import { dbFromEnv } from "@asso/core/db/client";
import { createDonationCheckout, createMembershipCheckout } from "@asso/core/payments/checkout";
import { loadGivingSettings } from "@asso/core/payments/settings";
import { stripeFromEnv } from "@asso/core/payments/stripe";
import { defineGroup, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

/** Where Stripe sends the donor back: PUBLIC_BASE_URL, else the page the request came from, else this host. */
const publicBase = (req: Request<RouteDef>) => process.env.PUBLIC_BASE_URL ?? req.headers.origin ?? `https://${req.headers.host ?? "localhost"}`;

export const handler = defineGroup("public", {
  membershipTiers: async () => ({ tiers: loadGivingSettings().tiers.map(({ id, label, amount, period }) => ({ id, label, amount, period })) }),
  donationCheckout: async (req) => {
    const { client } = await stripeFromEnv();
    return createDonationCheckout(dbFromEnv(), client, req.body, publicBase(req), req.idempotencyKey);
  },
  membershipCheckout: async (req) => {
    const { client } = await stripeFromEnv();
    return createMembershipCheckout(dbFromEnv(), client, loadGivingSettings(), req.body, publicBase(req), req.idempotencyKey);
  },
});
