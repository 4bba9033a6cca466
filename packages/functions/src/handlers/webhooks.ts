/** Lambda: Stripe webhooks. Verify, translate into facts, book; unknown types are ignored (logged). */
import { dbFromEnv } from "@asso/core/db/client";
import { loadGivingSettings } from "@asso/core/giving/settings";
import { stripeFromEnv } from "@asso/core/giving/stripe";
import { handleStripeEvent, verifyStripeEvent } from "@asso/core/giving/webhook";
import { defineGroup } from "../http.js";

// A bad MEMBERSHIP_TIERS stops the function at start, with the bad field named.
loadGivingSettings();

export const handler = defineGroup("webhooks", {
  stripeWebhook: async (req) => {
    const ctx = await stripeFromEnv();
    const event = verifyStripeEvent(ctx, req.rawBody, req.headers["stripe-signature"]);
    const handled = await handleStripeEvent(dbFromEnv(), ctx.client, loadGivingSettings(), event);
    if (!handled) console.log(JSON.stringify({ level: "info", msg: "stripe event needs no action", type: event.type, id: event.id }));
    return { received: true };
  },
});
