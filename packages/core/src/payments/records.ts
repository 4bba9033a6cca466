/**
 * What the back-office keeps of the money that came in through Stripe: one donation record per
 * charge (donations and memberships), members, monthly subscriptions, and incidents the trésorier
 * must see (failed payments, disputes, failed payouts).
 *
 * | item | pk | sk | index |
 * | --- | --- | --- | --- |
 * | donation | `DONATION#<charge>` | `DONATION` | gsi1 `DONATIONS#<year>` / `<date>#<charge>` |
 * | member | `MEMBER#<email>` | `MEMBER` | gsi1 `MEMBERS` / email |
 * | subscription | `SUBSCRIPTION#<id>` | `SUBSCRIPTION` | |
 * | incident | `INCIDENT#<ref>` | `INCIDENT` | gsi1 `INCIDENTS#<year>` / `<date>#<ref>` |
 */
import type { Address } from "./schemas.js";

export interface Donation {
  chargeId: string;
  kind: "donation" | "membership";
  frequency: "once" | "monthly";
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
}

export interface Member {
  email: string;
  firstName: string;
  lastName: string;
  organisation?: string;
  address?: Address;
  tierId: string;
  validUntil: string;
  lastPaymentOn: string;
}

export interface Incident {
  ref: string;
  type: "invoice_payment_failed" | "async_payment_failed" | "dispute_opened" | "dispute_won" | "dispute_lost" | "payout_failed";
  date: string;
  amount: number;
  email?: string;
  detail: string;
}

export const donationKey = (chargeId: string) => ({ pk: `DONATION#${chargeId}`, sk: "DONATION" });
export const memberKey = (email: string) => ({ pk: `MEMBER#${email}`, sk: "MEMBER" });
export const subscriptionKey = (id: string) => ({ pk: `SUBSCRIPTION#${id}`, sk: "SUBSCRIPTION" });
export const incidentKey = (ref: string) => ({ pk: `INCIDENT#${ref}`, sk: "INCIDENT" });
