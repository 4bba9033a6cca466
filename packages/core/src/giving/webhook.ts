/**
 * Stripe webhooks. The signature is verified on the raw body; the event is translated once into
 * neutral facts (`facts.ts`); each fact is applied here: our records are read through the giving
 * storage module, the entry lines come from pure functions (`bookings.ts`), and the writes go back
 * through storage and the ledger. Every booking is keyed by the money movement it records (charge,
 * refund, dispute, payout), and that key is written in the same transaction as the ledger entry
 * and the donation record: a redelivered or concurrent event writes nothing twice, whatever order
 * events arrive in. Steps after the booking (member, subscription, receipt) are idempotent, so a
 * redelivery completes whatever an interrupted delivery left undone.
 *
 * A payment that is not from our own checkout, or not in EUR, becomes an incident (no booking, and
 * a 200 so Stripe stops retrying). A movement dated in a closed fiscal year is booked at the first
 * open date, with a label and an incident saying so.
 *
 * Errors: ValidationError (bad signature), RetryLaterError (an event that depends on data not yet
 * available, such as a refund ahead of its payment: answered 503 so that Stripe retries).
 */
import { cleanText } from "../text.js";
import type Stripe from "stripe";
import type { Db } from "../db/client.js";
import { fiscalYearBounds, fiscalYearOf } from "../dates.js";
import { ConflictError, RetryLaterError } from "../errors.js";
import { type Actor, awaitValidation, writeDraft } from "../ledger/index.js";
import type { NamedItem } from "../db/store.js";
import {
  disputeIncident,
  disputeOpenedEntry,
  disputeWonEntry,
  giftBooking,
  giftEntry,
  keptDelta,
  movedToOpenDate,
  onProject,
  openingOf,
  payerName,
  payoutEntry,
  payoutFailedEntry,
  receiptToReconcile,
  refundEntry,
  refundFailedEntry,
  revenueAccount,
  taxYearOf,
  whyNotOurs,
  whyNotThisCheckout,
  type EntryDraft,
} from "./bookings.js";
import { dateOf, translate } from "./facts.js";
import { stripeFailure } from "./stripe.js";
import type { GivingSettings, MembershipTier } from "./settings.js";
import {
  donationItem,
  getCheckout,
  getDonation,
  getIncident,
  getMember,
  isBooked,
  markPaid,
  recordIncident,
  refundedItem,
  saveMember,
  subscriptionCancelled,
  subscriptionEnded,
  subscriptionResumed,
  subscriptionPaid,
  subscriptionStarted,
} from "./store.js";
import type { CheckoutRecord, Donation, FactOf, Member, PaymentFact } from "./types.js";
import { coveredFromOf, MEMBER_CHARGES_KEPT, periodOf, validityOf, validityOfRecord } from "./memberships.js";

export { translate, verifyStripeEvent } from "./facts.js";
export { BANK, CLEARING, FEES, revenueAccount } from "./bookings.js";

const stripeActor = (requestId: string): Actor => ({ sub: "stripe", role: "webhook", requestId });

const closedYearOf = (err: unknown): number | undefined =>
  err instanceof ConflictError && typeof err.context.year === "number" ? (err.context.year as number) : undefined;

/**
 * Writes one ledger entry keyed by `ref` (in the same transaction as `extra`) and waits for its
 * number. Dated in a closed year, it is booked at the first day of the first open year instead,
 * with a label and an incident saying so: never dropped.
 */
async function book(db: Db, ref: string, entry: EntryDraft, extra: NamedItem[], actor: Actor): Promise<void> {
  let draft: EntryDraft & { pieceDate?: string } = entry;
  for (let attempt = 0; ; attempt++) {
    try {
      const { id, existed } = await writeDraft(
        db,
        { journal: "ST", ...draft },
        { idempotency: { operation: "stripe", key: ref, requestHash: "stripe" }, extraItems: extra, actor, owner: "giving" },
      );
      if (!existed) await awaitValidation(db, id);
      return;
    } catch (err) {
      const closed = closedYearOf(err);
      if (closed === undefined || attempt >= 20) throw err;
      const open = fiscalYearBounds(closed + 1).start;
      draft = movedToOpenDate(entry, open);
      await recordIncident(db, {
        ref: `closed:${ref}`,
        type: "closed_year",
        date: open,
        amount: entry.lines.reduce((s, l) => s + l.debit, 0),
        detail: `Mouvement Stripe ${entry.pieceRef} du ${entry.date} (exercice ${fiscalYearOf(entry.date)} clos) comptabilisé au ${open} : ${entry.label}`,
      });
    }
  }
}

/**
 * Who brings a gift's receipt in line once its money moved (the receipts domain, wired by the
 * workflow workflows/stripe-event.ts): giving names the gift, never calls the receipts itself.
 */
export type ReceiptFollower = (chargeId: string) => Promise<unknown>;

/** The receipt follows the money: the follower decides whether one is due and brings it in line. */
async function followReceipt(follow: ReceiptFollower | undefined, fact: PaymentFact) {
  const chargeId = receiptToReconcile(fact);
  if (chargeId && follow) await follow(chargeId);
}

/**
 * The messages a payment sends (the mail outbox's write intents, built by the workflow
 * workflows/stripe-event.ts): committed in the transaction of the fact they tell, so a payment
 * rolled back sends nothing and a redelivered one sends nothing twice.
 */
export interface PaymentMessages {
  /** With a gift's booking: its confirmation. */
  gift?: (donation: Omit<Donation, "refunded" | "receiptId">) => NamedItem[];
  /** With the member's record: the welcome (a new member) or the renewal, with the dates as saved. */
  membership?: (donation: Omit<Donation, "refunded" | "receiptId">, member: Member, isNew: boolean, tier: MembershipTier | undefined) => NamedItem[];
}

async function donationPaid(
  db: Db,
  settings: GivingSettings,
  fact: FactOf<"DonationPaid">,
  actor: Actor,
  follow?: ReceiptFollower,
  messages?: PaymentMessages,
) {
  const c = fact.metadata.checkoutId ? await getCheckout(db, fact.metadata.checkoutId) : undefined;
  const foreign = whyNotOurs(fact, c);
  const why = foreign ?? (c ? whyNotThisCheckout(fact, c) : undefined);
  if (why || !c) {
    await recordIncident(db, {
      ref: `foreign:${fact.chargeId}`,
      type: foreign || !c ? "foreign_payment" : "checkout_mismatch",
      date: fact.date,
      amount: fact.amount,
      currency: fact.currency,
      ...(fact.billingEmail ? { email: fact.billingEmail } : {}),
      detail: `${why ?? "paiement inconnu"} (${fact.chargeId}) : non comptabilisé, à examiner`,
    });
    return;
  }
  const tier = c.tierId ? settings.tiers.find((t) => t.id === c.tierId) : undefined;
  const account = revenueAccount(c.kind, tier);
  const frequency = fact.subscriptionId ? "monthly" : c.frequency;
  const who = payerName(c);
  const donation: Omit<Donation, "refunded" | "receiptId"> = {
    chargeId: fact.chargeId,
    kind: c.kind,
    frequency,
    amount: fact.amount,
    fee: fact.fee,
    date: fact.date,
    year: taxYearOf(fact.date),
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    ...(c.organisation ? { organisation: c.organisation } : {}),
    ...(c.address ? { address: c.address } : {}),
    receiptWanted: !!c.receipt,
    method: fact.method,
    checkoutId: c.checkoutId,
    ...(fact.subscriptionId ? { subscriptionId: fact.subscriptionId } : {}),
    ...(fact.invoiceId ? { invoiceId: fact.invoiceId } : {}),
    ...(c.tierId ? { tierId: c.tierId } : {}),
    account,
    // The donor's project (a monthly gift's every renewal reads the same checkout record).
    ...(c.kind === "donation" && c.project ? { project: c.project } : {}),
  };
  const told = c.kind === "membership" ? [] : (messages?.gift?.(donation) ?? []);
  await book(
    db,
    `charge:${fact.chargeId}`,
    giftEntry(fact, { kind: c.kind, frequency, who, account, project: donation.project }),
    [donationItem(donation), ...told],
    actor,
  );
  await markPaid(db, c.checkoutId, fact.date);

  if (c.kind === "membership") {
    const existing = await extendMembership(db, c, tier, fact, messages?.membership && ((m, isNew) => messages.membership!(donation, m, isNew, tier)));
    if (existing && !sameIdentity(existing, c))
      await recordIncident(db, {
        ref: `member:${fact.chargeId}`,
        type: "member_identity_mismatch",
        date: fact.date,
        amount: fact.amount,
        email: c.email,
        detail: `Cotisation payée sous l'adresse d'un adhérent existant avec un autre nom (${cleanText(`${c.firstName} ${c.lastName}`, 120)}) : la fiche de l'adhérent n'a pas été modifiée.`,
      });
  }
  if (fact.subscriptionId) await subscriptionPaid(db, fact.subscriptionId, { email: c.email, amount: fact.amount, checkoutId: c.checkoutId });
  await followReceipt(follow, fact);
}

/**
 * The member the fee is for (the checkout's e-mail) gets the period it pays (giving/memberships.ts):
 * a new member from the checkout's details, an existing one extended (never a second member). The
 * charges applied are kept on the record, so a redelivered payment extends nothing twice; a
 * concurrent write (another payment, an erasure moving the record) makes it read again. Answers the member as it was.
 */
async function extendMembership(
  db: Db,
  c: CheckoutRecord,
  tier: MembershipTier | undefined,
  fact: FactOf<"DonationPaid">,
  tell?: (member: Member, isNew: boolean) => NamedItem[],
): Promise<Member | undefined> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const existing = await getMember(db, c.email);
    if (existing?.charges?.includes(fact.chargeId)) return existing;
    const period = validityOf(periodOf(tier?.period), fact.date, {
      current: existing ? validityOfRecord(existing) : undefined,
      membershipYear: c.membershipYear,
    });
    // The email on a checkout is not verified: a payment never rewrites an existing member's
    // identity (name, organisation, address). It extends the membership; a different name is an
    // incident for the trésorier, who decides.
    const member: Member = {
      ...(existing ?? {
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        ...(c.organisation ? { organisation: c.organisation } : {}),
        ...(c.address ? { address: c.address } : {}),
      }),
      tierId: c.tierId ?? existing?.tierId ?? "individuel",
      ...period,
      coveredFrom: coveredFromOf(fact.date, period, existing ? { ...existing, ...validityOfRecord(existing) } : undefined),
      lastPaymentOn: existing && existing.lastPaymentOn > fact.date ? existing.lastPaymentOn : fact.date,
      charges: [...(existing?.charges ?? []), fact.chargeId].slice(-MEMBER_CHARGES_KEPT),
    };
    if (await saveMember(db, member, existing ?? null, tell?.(member, !existing) ?? [])) return existing;
  }
  throw new RetryLaterError(`Member ${c.email} is being written by others; the payment ${fact.chargeId} will be applied on redelivery.`);
}

const norm = (v: string | undefined) => (v ?? "").normalize("NFC").trim().toLocaleLowerCase("fr");
/** Same person as the record: same first and last name (case and spacing aside). */
const sameIdentity = (m: Member, c: { firstName: string; lastName: string }) =>
  norm(m.firstName) === norm(c.firstName) && norm(m.lastName) === norm(c.lastName);

type GiftMovement = FactOf<"RefundSucceeded" | "RefundFailed" | "DisputeOpened" | "DisputeClosed">;
const movementRef = (f: GiftMovement) => ("refundId" in f ? f.refundId : f.disputeId);

/**
 * The booked gift a refund or dispute is about. Not booked yet: if the payment is ours, its own
 * event will come first (retry later); if it is not, the movement is an incident (undefined).
 */
async function bookedGift(db: Db, fact: GiftMovement): Promise<Donation | undefined> {
  const d = await getDonation(db, fact.chargeId);
  if (d?.kind) return d;
  const c = fact.metadata.checkoutId ? await getCheckout(db, fact.metadata.checkoutId) : undefined;
  const why =
    whyNotOurs(fact, c) ?? ((await getIncident(db, `foreign:${fact.chargeId}`)) ? "paiement non comptabilisé (voir l'incident du paiement)" : undefined);
  if (!why) throw new RetryLaterError(`Charge ${fact.chargeId} is not booked yet; its payment event will come first.`);
  const ref = movementRef(fact);
  await recordIncident(db, {
    ref: `foreign:${ref}`,
    type: "foreign_payment",
    date: fact.date,
    amount: "amount" in fact ? fact.amount : fact.returned,
    currency: fact.currency,
    detail: `${fact.type} ${ref} sur ${fact.chargeId} : ${why} ; non comptabilisé, à examiner`,
  });
  return undefined;
}

/** The account the gift was booked to; records written before it was kept were booked on 7541 or 756. */
const accountOf = (d: Donation) => d.account ?? (d.kind === "membership" ? "756" : "7541");

async function refundSucceeded(db: Db, fact: FactOf<"RefundSucceeded">, actor: Actor, follow?: ReceiptFollower) {
  const d = await bookedGift(db, fact);
  if (!d) return;
  // A refund known to have failed before it was booked is not booked at all.
  const failed = await getIncident(db, `refund:${fact.refundId}`);
  if (failed?.type === "refund_failed" && !(await isBooked(db, `refund:${fact.refundId}`))) return;
  await book(
    db,
    `refund:${fact.refundId}`,
    onProject(refundEntry(fact, d.kind, accountOf(d)), giftBooking(d)),
    [refundedItem(fact.chargeId, keptDelta(fact))],
    actor,
  );
  await followReceipt(follow, fact);
}

async function refundFailed(db: Db, fact: FactOf<"RefundFailed">, actor: Actor, follow?: ReceiptFollower) {
  const d = await bookedGift(db, fact);
  if (!d) return;
  const wasBooked = await isBooked(db, `refund:${fact.refundId}`);
  await recordIncident(db, {
    ref: `refund:${fact.refundId}`,
    type: "refund_failed",
    date: fact.date,
    amount: fact.amount,
    email: d.email,
    detail: `Remboursement ${fact.refundId} de ${fact.chargeId} échoué${fact.reason ? ` (${fact.reason})` : ""}${wasBooked ? " : écriture de remboursement contre-passée" : " : rien n'avait été comptabilisé"}`,
  });
  if (!wasBooked) return;
  await book(
    db,
    `refund-failed:${fact.refundId}`,
    onProject(refundFailedEntry(fact, d.kind, accountOf(d)), giftBooking(d)),
    [refundedItem(fact.chargeId, keptDelta(fact))],
    actor,
  );
  await followReceipt(follow, fact);
}

/** Books a dispute's withdrawal once (keyed by the dispute), from its opening or from its close. */
const bookWithdrawal = (db: Db, d: Donation, fact: FactOf<"DisputeOpened">, actor: Actor) =>
  book(
    db,
    `dispute:${fact.disputeId}`,
    onProject(disputeOpenedEntry(fact, accountOf(d)), giftBooking(d)),
    [refundedItem(fact.chargeId, keptDelta(fact))],
    actor,
  );

async function disputeOpened(db: Db, fact: FactOf<"DisputeOpened">, actor: Actor, follow?: ReceiptFollower) {
  const d = await bookedGift(db, fact);
  if (!d) return;
  const known = await getIncident(db, fact.disputeId);
  if (!known || known.type === "dispute_opened") await recordIncident(db, disputeIncident(fact, d.email));
  await bookWithdrawal(db, d, fact, actor);
  await followReceipt(follow, fact);
}

async function disputeClosed(db: Db, fact: FactOf<"DisputeClosed">, actor: Actor, follow?: ReceiptFollower) {
  const d = await bookedGift(db, fact);
  if (!d) return;
  await recordIncident(db, disputeIncident(fact, d.email));
  // The close arrived first, or the dispute opened before its withdrawal was booked: book it now.
  let now = d;
  if (!(await isBooked(db, `dispute:${fact.disputeId}`))) {
    await bookWithdrawal(db, d, openingOf(fact), actor);
    // What the gift keeps after the withdrawal is what the won entry gives back to each project
    // (bug: read before it, a split gift's projects came out a cent apart).
    now = (await bookedGift(db, fact)) ?? d;
  }
  const entry = disputeWonEntry(fact, accountOf(now));
  if (!entry) return; // lost: the withdrawal booked when it opened stays
  await book(db, `dispute-won:${fact.disputeId}`, onProject(entry, giftBooking(now)), [refundedItem(fact.chargeId, keptDelta(fact))], actor);
  await followReceipt(follow, fact);
}

async function payoutPaid(db: Db, fact: FactOf<"PayoutPaid">, actor: Actor) {
  // The books hold euros: a payout in another currency reaches no euro bank account of ours.
  if (fact.currency.toLowerCase() !== "eur")
    return recordIncident(db, {
      ref: fact.payoutId,
      type: "payout_currency",
      date: fact.date,
      amount: fact.amount,
      currency: fact.currency.toLowerCase(),
      detail: `Virement Stripe ${fact.payoutId} en ${fact.currency.toUpperCase()} : non comptabilisé (seuls les virements en euros vont au 512), à examiner`,
    });
  // A payout already known as failed never reached the bank: book nothing.
  const failed = await getIncident(db, fact.payoutId);
  if (failed?.type === "payout_failed" && !(await isBooked(db, `payout:${fact.payoutId}`))) return;
  await book(db, `payout:${fact.payoutId}`, payoutEntry(fact), [], actor);
}

async function payoutFailed(db: Db, fact: FactOf<"PayoutFailed">, actor: Actor) {
  await recordIncident(db, {
    ref: fact.payoutId,
    type: "payout_failed",
    date: fact.date,
    amount: fact.amount,
    detail: `Virement Stripe échoué (${fact.failureCode ?? "inconnu"})`,
  });
  if (await isBooked(db, `payout:${fact.payoutId}`)) await book(db, `payout-failed:${fact.payoutId}`, payoutFailedEntry(fact), [], actor);
}

export async function apply(
  db: Db,
  settings: GivingSettings,
  fact: PaymentFact,
  actor: Actor = stripeActor("unknown"),
  follow?: ReceiptFollower,
  messages?: PaymentMessages,
): Promise<void> {
  switch (fact.type) {
    case "DonationPaid":
      return donationPaid(db, settings, fact, actor, follow, messages);
    case "SubscriptionStarted":
      return subscriptionStarted(db, fact.subscriptionId, fact.checkoutId ?? "", fact.customerId);
    case "SubscriptionCancelled":
      return fact.final ? subscriptionEnded(db, fact.subscriptionId, fact.date) : subscriptionCancelled(db, fact.subscriptionId, fact.date);
    case "SubscriptionResumed":
      return subscriptionResumed(db, fact.subscriptionId);
    case "PaymentFailed": {
      const c = fact.metadata.checkoutId ? await getCheckout(db, fact.metadata.checkoutId) : undefined;
      return recordIncident(db, {
        ref: fact.ref,
        type: fact.kind,
        date: fact.date,
        amount: fact.amount,
        ...(c ? { email: c.email } : {}),
        detail: fact.kind === "invoice_payment_failed" ? "Échec d'un prélèvement mensuel" : "Échec d'un paiement par prélèvement SEPA",
      });
    }
    case "RefundSucceeded":
      return refundSucceeded(db, fact, actor, follow);
    case "RefundFailed":
      return refundFailed(db, fact, actor, follow);
    case "DisputeOpened":
      return disputeOpened(db, fact, actor, follow);
    case "DisputeClosed":
      return disputeClosed(db, fact, actor, follow);
    case "PayoutPaid":
      return payoutPaid(db, fact, actor);
    case "PayoutFailed":
      return payoutFailed(db, fact, actor);
  }
}

/** The amount an event's object names, for an incident about the event itself (0 when none). */
function eventAmount(event: Stripe.Event): { amount: number; currency?: string } {
  const o = event.data.object as unknown as Record<string, unknown>;
  const amount = [o.amount_total, o.amount_paid, o.amount].find((v): v is number => typeof v === "number" && Number.isSafeInteger(v)) ?? 0;
  return { amount, ...(typeof o.currency === "string" ? { currency: o.currency.toLowerCase() } : {}) };
}

export interface StripeEventOptions {
  /** The mode of the key this function holds (`StripeContext.livemode`): an event of the other mode is not applied. */
  livemode?: boolean | undefined;
  /** Brings a gift's receipt in line after its money moved (the stripe-event workflow passes the receipts'). */
  followReceipt?: ReceiptFollower | undefined;
  /** The messages a payment sends, committed with its facts (the stripe-event workflow passes the mail outbox's). */
  messages?: PaymentMessages | undefined;
}

/**
 * Verifies nothing: handles an already verified event. Returns how many facts it made.
 *
 * - An event whose `livemode` is not the key's mode (a test event on the live endpoint, or the
 *   reverse) applies nothing: an incident, and 0.
 * - Stripe answering a permanent error while the event is translated (4xx: the read key lacks a
 *   permission, an object is missing) applies nothing: an incident naming the event (to redeliver
 *   from Stripe's dashboard once fixed), one error log line, and 0, so the delivery is answered 200
 *   rather than retried for three days until Stripe disables the endpoint. A transient error (429,
 *   5xx, no answer) is a RetryLaterError (503): Stripe retries.
 */
export async function bookStripeEvent(db: Db, stripe: Stripe, settings: GivingSettings, event: Stripe.Event, opts: StripeEventOptions = {}): Promise<number> {
  const date = dateOf(event.created);
  if (opts.livemode !== undefined && event.livemode !== opts.livemode) {
    await recordIncident(db, {
      ref: `livemode:${event.id}`,
      type: "livemode_mismatch",
      date,
      ...eventAmount(event),
      detail: `Événement Stripe ${event.id} (${event.type}) en mode ${event.livemode ? "réel" : "test"} reçu par une clé en mode ${opts.livemode ? "réel" : "test"} : rien n'a été comptabilisé`,
    });
    return 0;
  }
  let facts: PaymentFact[];
  try {
    facts = await translate(stripe, event);
  } catch (err) {
    const failure = stripeFailure(err);
    if (!failure) throw err;
    const what = `${failure.type}${failure.status ? ` ${failure.status}` : ""}${failure.code ? ` ${failure.code}` : ""}`;
    if (failure.kind === "transient") throw new RetryLaterError(`Stripe did not answer the webhook's request (${what}); retry later.`, {}, { cause: err });
    console.error(JSON.stringify({ level: "error", msg: "stripe api error while handling a webhook", event: event.id, eventType: event.type, stripe: what }));
    await recordIncident(db, {
      ref: `stripe-error:${event.id}`,
      type: "stripe_api_error",
      date,
      ...eventAmount(event),
      detail: `Stripe a refusé une lecture pour l'événement ${event.id} (${event.type}) : ${what}. Rien n'a été comptabilisé ; corriger la clé ou ses droits (voir docs/security.md), puis renvoyer l'événement depuis le tableau de bord Stripe.`,
    });
    return 0;
  }
  for (const fact of facts) await apply(db, settings, fact, stripeActor(event.id), opts.followReceipt, opts.messages);
  return facts.length;
}
