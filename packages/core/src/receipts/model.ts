/**
 * Tax receipts as data, and the pure rules that decide them: numbering, what a donor's name and
 * address look like once printed, which gifts a receipt covers and for how much. No I/O here
 * (the storage is `store.ts`, the use cases `receipts.ts`).
 */
import { fiscalYearOf, parisDate } from "../dates.js";
import type { Donation, Address } from "../giving/index.js";
import { cleanText } from "../text.js";
import type { Issuer } from "./settings.js";
import { now as clockNow } from "../clock.js";

export interface PrintedDonor {
  firstName: string;
  lastName: string;
  email: string;
  /** Absent only from the listing the délégation reads. */
  address?: Address;
}

export interface Receipt {
  /** The order number: `<year>-<6 digits>`, gapless within the year. */
  id: string;
  /** The calendar year of the gifts (income tax is per calendar year, whatever the fiscal year). */
  year: number;
  kind: "single" | "annual";
  status: "issued" | "cancelled";
  issuedOn: string;
  donor: PrintedDonor;
  amount: number;
  gifts: Array<{ date: string; amount: number; reference: string }>;
  method: string;
  /** Annual recaps: the Stripe subscription they are for. */
  subscriptionId?: string;
  replaces?: string;
  replacedBy?: string;
  cancelledOn?: string;
  cancelReason?: string;
  /** The settings of the day it was issued (absent only on receipts issued before receipts were frozen). */
  issuer?: Issuer;
  /** SHA-256 (hex) of the PDF as issued; its bytes are kept at `file` in the files bucket. */
  sha256?: string;
  file?: string;
}

// ---------------------------------------------------------------- numbering

/** 2024, 1 → "2024-000001". */
export function receiptNumber(year: number, n: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`not a year: ${year}`);
  if (!Number.isInteger(n) || n < 1 || n > 999_999) throw new RangeError(`a receipt number runs from 1 to 999999, not ${n}`);
  return `${year}-${String(n).padStart(6, "0")}`;
}

/** "2024-000001" → { year: 2024, n: 1 }; undefined for anything else. */
export function parseReceiptNumber(id: string): { year: number; n: number } | undefined {
  const m = /^(\d{4})-(\d{6})$/.exec(id);
  if (!m || Number(m[2]) === 0) return undefined;
  return { year: Number(m[1]), n: Number(m[2]) };
}

/** Where the issued PDF is kept: `receipts/<year>/<number>.pdf`. */
export const receiptFile = (id: string) => `receipts/${id.slice(0, 4)}/${id}.pdf`;

/** The calendar year of a gift's Paris date: receipts (income tax) count calendar years. */
export const giftYear = (date: string) => fiscalYearOf(date, 1);

/** True once the calendar year is over in Paris: an annual recap may be issued. */
export const yearHasEnded = (year: number, now: Date = clockNow()) => parisDate(now) > `${year}-12-31`;

export const methodLabel = (method: string | undefined) =>
  method === "sepa_debit" ? "Prélèvement SEPA" : method === "transfer" ? "Virement" : "Carte bancaire";

// ---------------------------------------------------------------- what gets printed

/**
 * A name or address part as printed: one line (cleanText), bounded, and without asterisks, which
 * frame the amount on the receipt: no typed text can look like an amount line.
 */
export const printable = (value: string | undefined, max: number) => cleanText(cleanText(value, max).replace(/\*+/g, " "), max);

export const LIMITS = { name: 100, line: 200, postalCode: 12, city: 100, email: 254 } as const;

/** The donor as printed on a receipt, from the identity given at checkout. */
export function printedDonor(gift: Pick<Donation, "firstName" | "lastName" | "email" | "address">): PrintedDonor {
  const a = gift.address;
  return {
    firstName: printable(gift.firstName, LIMITS.name),
    lastName: printable(gift.lastName, LIMITS.name),
    email: cleanText(gift.email, LIMITS.email),
    ...(a
      ? {
          address: {
            line1: printable(a.line1, LIMITS.line),
            ...(a.line2 && printable(a.line2, LIMITS.line) ? { line2: printable(a.line2, LIMITS.line) } : {}),
            postalCode: printable(a.postalCode, LIMITS.postalCode),
            city: printable(a.city, LIMITS.city),
            country: printable(a.country, 2).toUpperCase(),
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------- decisions

/** What is kept of a gift: its amount less refunds and lost disputes. */
export const kept = (g: Pick<Donation, "amount" | "refunded">) => Math.max(0, g.amount - (g.refunded ?? 0));

/** A one-off gift (or a membership fee on a tier marked for receipts) that asked for a receipt and gave an address. */
export const wantsSingleReceipt = (g: Donation | undefined): g is Donation =>
  !!g && !!g.amount && g.receiptWanted === true && g.frequency === "once" && !!g.address;

/** A monthly gift that counts towards its subscription's annual recap. */
export const countsForRecap = (g: Donation | undefined): g is Donation & { subscriptionId: string } =>
  !!g && g.kind === "donation" && g.frequency === "monthly" && g.receiptWanted === true && !!g.address && !!g.subscriptionId;

export type Plan = { action: "keep" } | { action: "issue"; amount: number } | { action: "replace"; amount: number } | { action: "cancel" };

/**
 * Brings a receipt in line with what is kept of the gifts it covers: nothing to do, issue one,
 * cancel it and issue one for the remainder, or cancel it (nothing kept).
 */
export function plan(current: Pick<Receipt, "amount" | "status"> | undefined, keptAmount: number): Plan {
  const live = current?.status === "issued" ? current : undefined;
  if (live && live.amount === keptAmount) return { action: "keep" };
  if (keptAmount <= 0) return live ? { action: "cancel" } : { action: "keep" };
  // None yet, or the last one was cancelled (a gift refunded in full, then a dispute won): issue.
  if (!live) return { action: "issue", amount: keptAmount };
  return { action: "replace", amount: keptAmount };
}

/**
 * One annual recap per Stripe subscription (never per email, which nobody verified): the gifts of
 * the year that count, in date order, with the identity given for that subscription (its first
 * gift's, copied from its checkout).
 */
export function recapsOf(gifts: Iterable<Donation>): Array<{ subscriptionId: string; gifts: Donation[]; amount: number }> {
  const bySub = new Map<string, Donation[]>();
  for (const g of gifts) if (countsForRecap(g)) bySub.set(g.subscriptionId, [...(bySub.get(g.subscriptionId) ?? []), g]);
  return [...bySub.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([subscriptionId, list]) => {
      const sorted = [...list].sort((a, b) => a.date.localeCompare(b.date) || a.chargeId.localeCompare(b.chargeId));
      return { subscriptionId, gifts: sorted, amount: sorted.reduce((s, g) => s + kept(g), 0) };
    });
}
