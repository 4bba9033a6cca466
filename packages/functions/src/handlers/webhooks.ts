/**
 * Lambda: Stripe webhooks. Verify, translate into facts, book; unknown types are ignored (logged).
 * The read key's permissions are checked once per cold start (one log line); an event of the other
 * mode than the key's, or one Stripe refuses to let us read, is an incident answered 200.
 */
import { dbFromEnv } from "@asso/core/db";
import { checkReadKeyOnce, loadGivingSettings, stripeFromEnv, verifyStripeEvent } from "@asso/core/giving";
import { handleStripeEvent } from "@asso/core/workflows/stripe-event";
import { givingSettingsOf, noteWebhookEvent } from "@asso/core/settings";
import { defineGroup } from "../http.js";

// A bad MEMBERSHIP_TIERS stops the function at start, with the bad field named.
loadGivingSettings();

export const handler = defineGroup("webhooks", {
  stripeWebhook: async (req) => {
    const ctx = await stripeFromEnv();
    const event = verifyStripeEvent(ctx, req.rawBody, req.headers["stripe-signature"]);
    // Once per cold start, after the first signed event: one log line says whether the read key
    // has every permission it needs (a missing one also makes an incident when it is needed).
    await checkReadKeyOnce(ctx.client);
    const db = dbFromEnv();
    // The first-run check "the webhook has received an event" reads this.
    await noteWebhookEvent(db, event);
    const handled = await handleStripeEvent(db, ctx.client, await givingSettingsOf(db), event, { livemode: ctx.livemode });
    if (!handled)
      console.log(
        JSON.stringify({ level: "info", msg: "stripe event applied nothing (needs no action, or made an incident)", type: event.type, id: event.id }),
      );
    return { received: true };
  },
});
