/**
 * The giving domain's records and facts, as plain types: what payments keeps (checkouts, donations,
 * members, incidents) and the neutral facts a Stripe event becomes. No I/O here, so receipts and
 * any other domain can import these without importing the webhook.
 */
import type { Address } from "./schemas.js";

export type { Address };
export type Kind = "donation" | "membership";
export type Frequency = "once" | "monthly";

/** What we keep of a checkout until (and after) it is paid. Personal data expires with `ttl` unless paid. */
export interface CheckoutRecord {
  checkoutId: string;
  kind: Kind;
  frequency: Frequency;
  amount: number;
  email: string;
  firstName: string;
  lastName: string;
  organisation?: string;
  address?: Address;
  receipt: boolean;
  tierId?: string;
  /** Memberships of a calendar-year tier: the year paid for, when chosen at checkout (the next one from 1 November). */
  membershipYear?: number;
  /** Gifts: the project (analytic axis) the donor chose on the giving page, one the association offers (settings: giving.projects). */
  project?: string;
  sessionId?: string;
  createdAt: string;
}

export interface Donation {
  chargeId: string;
  kind: Kind;
  frequency: Frequency;
  amount: number;
  fee: number;
  refunded?: number;
  date: string;
  year: number;
  email: string;
  firstName: string;
  lastName: string;
  organisation?: string;
  address?: Address;
  receiptWanted: boolean;
  receiptId?: string;
  method: string;
  checkoutId: string;
  subscriptionId?: string;
  invoiceId?: string;
  tierId?: string;
  /** The revenue account the gross was booked to (7541, 7561, 7562): refunds and disputes reverse that one. */
  account?: string;
  /**
   * The project (analytic axis) the gift is on now: the donor's choice at checkout, or the
   * trésorier's re-assignment. Its 754x line (and Stripe fee line) carry it; refunds and disputes too.
   */
  project?: string;
  /**
   * Or the projects the gift is split between by share (2 to 10, adding to 1), set by the trésorier's
   * re-assignment (`project` is then absent): its lines, and those of its refunds and disputes, are
   * split between them to the cent.
   */
  projects?: GiftProjectShare[];
  /** Each re-assignment of the gift's project, oldest first (`POST /v1/gifts/{id}/project`). */
  projectHistory?: GiftProjectChange[];
}

/** One project's share of a gift: a fraction to 0,01 % (0.6 is 60 %). */
export interface GiftProjectShare {
  projectId: string;
  share: number;
}

/** One re-assignment of a gift's project: the OD entry that moved its amount and why. */
export interface GiftProjectChange {
  at: string;
  /** The entry's date (the gift's, or the first open day when its year is closed). */
  date: string;
  /** The project before and after (null: none, or a split: `fromProjects` / `toProjects`). */
  from: string | null;
  to: string | null;
  /** The split before, the split after, when it was or is one (absent on changes recorded before splits). */
  fromProjects?: GiftProjectShare[] | null;
  toProjects?: GiftProjectShare[] | null;
  /** What moved from one project to the other: the gift kept (amount − refunded), and its Stripe fee. */
  amount: number;
  fee: number;
  reason: string;
  entryId: string;
  by: { sub: string; role: string } | null;
}

export interface Member {
  email: string;
  firstName: string;
  lastName: string;
  organisation?: string;
  address?: Address;
  tierId: string;
  /** The latest period paid (giving/memberships.ts): its first day; absent on records older than periods (their calendar year). */
  validFrom?: string;
  /** The latest period paid: its last day. A renewal moves both. */
  validUntil: string;
  /** The first day of the membership running to `validUntil` (a renewal before the end keeps it); absent on older records: `validFrom`. */
  coveredFrom?: string;
  lastPaymentOn: string;
  /** The membership fees applied (charge ids, the latest last): a redelivered payment extends nothing twice. */
  charges?: string[];
}

export type IncidentType =
  | "invoice_payment_failed"
  | "async_payment_failed"
  | "dispute_opened"
  | "dispute_won"
  | "dispute_lost"
  | "payout_failed"
  | "refund_failed"
  /** A payment that did not come from this back-office's checkout, or not in EUR: not booked. */
  | "foreign_payment"
  /** A movement dated in a closed fiscal year, booked at the first open date. */
  | "closed_year"
  /** A membership paid under an existing member's email with another name: the record was kept. */
  | "member_identity_mismatch"
  /** A payment whose amount, currency or session is not its checkout record's: not booked. */
  | "checkout_mismatch"
  /** An event of the other mode (test on a live key, or live on a test key): nothing applied. */
  | "livemode_mismatch"
  /** A payout in another currency than EUR: not booked to the bank. */
  | "payout_currency"
  /** Stripe answered a permanent error (permission, missing object) while an event was handled: nothing applied, to redeliver once fixed. */
  | "stripe_api_error";

export interface Incident {
  ref: string;
  type: IncidentType;
  date: string;
  amount: number;
  currency?: string;
  email?: string;
  detail: string;
  /** The ledger entry it led to, when one was booked (closed year). */
  entryId?: string;
}

// ---------------------------------------------------------------- facts

/** What our checkout put in the session's, payment's and subscription's metadata. */
export interface CheckoutMetadata {
  checkoutId?: string;
  kind?: string;
  tierId?: string;
  /** The project chosen at checkout (as the Stripe dashboard shows it; the booking reads our checkout record's). */
  project?: string;
  /** `asso-backoffice` when set by this back-office's checkout. */
  source?: string;
}

/** A charge as the facts need it: money in cents, its fee, currency, Paris date. */
export interface ChargeFacts {
  chargeId: string;
  amount: number;
  fee: number;
  currency: string;
  /** Europe/Paris calendar date. */
  date: string;
  method: string;
  metadata: CheckoutMetadata;
  billingName?: string;
  billingEmail?: string;
}

/** A Stripe event, translated once into what happened, with everything the bookings need. */
export type PaymentFact =
  | ({
      type: "DonationPaid";
      subscriptionId?: string;
      invoiceId?: string;
      /** The Checkout Session the payment was made in (one-off payments): it must be its checkout record's. */
      sessionId?: string;
    } & ChargeFacts)
  | { type: "SubscriptionStarted"; subscriptionId: string; checkoutId?: string; customerId?: string }
  /** Stopped by the donor (portal) or by Stripe; `final` once Stripe ended it (deleted), else a stop at the period's end. */
  | { type: "SubscriptionCancelled"; subscriptionId: string; date: string; final?: boolean }
  /** A stop at the period's end taken back (`cancel_at_period_end` false again, still active). */
  | { type: "SubscriptionResumed"; subscriptionId: string }
  | {
      type: "PaymentFailed";
      kind: "invoice_payment_failed" | "async_payment_failed";
      ref: string;
      amount: number;
      currency: string;
      date: string;
      metadata: CheckoutMetadata;
    }
  | { type: "RefundSucceeded"; refundId: string; chargeId: string; amount: number; currency: string; date: string; metadata: CheckoutMetadata }
  | { type: "RefundFailed"; refundId: string; chargeId: string; amount: number; currency: string; date: string; metadata: CheckoutMetadata; reason?: string }
  | {
      type: "DisputeOpened";
      disputeId: string;
      chargeId: string;
      amount: number;
      fee: number;
      currency: string;
      date: string;
      reason: string;
      metadata: CheckoutMetadata;
    }
  | {
      type: "DisputeClosed";
      disputeId: string;
      chargeId: string;
      outcome: "won" | "lost";
      returned: number;
      feeReturned: number;
      /** What was withdrawn when it opened (so a close that arrives first, or after a dispute opened before this was deployed, books it too). */
      withdrawn: number;
      withdrawalFee: number;
      openedOn: string;
      reason: string;
      currency: string;
      date: string;
      metadata: CheckoutMetadata;
    }
  | { type: "PayoutPaid"; payoutId: string; amount: number; currency: string; date: string }
  | { type: "PayoutFailed"; payoutId: string; amount: number; currency: string; date: string; failureCode?: string };

export type FactOf<T extends PaymentFact["type"]> = Extract<PaymentFact, { type: T }>;

/** The marker our checkout writes in metadata, so that only its own payments are booked. */
export const CHECKOUT_SOURCE = "asso-backoffice";
