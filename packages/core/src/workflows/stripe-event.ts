/**
 * A Stripe event across domains: giving turns it into facts and books them (ledger entries through
 * the ledger's door, donors, members, incidents), and each gift whose money moved has its receipt
 * brought in line by the receipts domain. Verification of the signature is the handler's (giving's
 * `verifyStripeEvent`); this is the already verified event.
 */
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { bookStripeEvent, type GivingSettings, type StripeEventOptions } from "../giving/index.js";
import { notifyPaymentFailed } from "./donor-space.js";
import { paymentMessages } from "./mail.js";
import { followGiftReceipt } from "./receipts.js";

/** Books the event's facts and follows their receipts; returns how many facts it made. */
export async function handleStripeEvent(
  db: Db,
  stripe: Stripe,
  settings: GivingSettings,
  event: Stripe.Event,
  opts: Omit<StripeEventOptions, "followReceipt" | "messages"> = {},
): Promise<number> {
  const facts = await bookStripeEvent(db, stripe, settings, event, {
    ...opts,
    followReceipt: (chargeId) => followGiftReceipt(db, chargeId),
    messages: paymentMessages,
  });
  // A failed monthly payment (its incident recorded): the donor is told, with a link to fix the card; once per invoice.
  if (event.type === "invoice.payment_failed" && facts) await notifyPaymentFailed(db, event.data.object as { id: string; hosted_invoice_url?: string | null });
  return facts;
}
