/**
 * A person's receipts, for the donor's space: the receipts currently attached to their gifts (one
 * per gift) and to their monthly gifts' years (the annual recaps). Plain data, no PDF: the file is
 * served by `receiptPdf` (receipts/lazy) once the caller checked it is theirs (`receiptOwner`).
 */
import type { Db } from "../db/client.js";
import type { Donation } from "../giving/index.js";
import { giftYear } from "./model.js";
import { type Anchor, readAnchoredMany, readReceipt } from "./store.js";

export interface PersonReceipt {
  id: string;
  year: number;
  kind: "single" | "annual";
  status: "issued" | "cancelled";
  issuedOn: string;
  amount: number;
  replacedBy?: string;
}

/** The receipts of these gifts (and of their subscriptions' years), newest first. */
export async function receiptsOfGifts(db: Db, gifts: readonly Pick<Donation, "chargeId" | "date" | "subscriptionId" | "kind">[]): Promise<PersonReceipt[]> {
  const anchors: Anchor[] = [];
  const annual = new Set<string>();
  for (const g of gifts) {
    anchors.push({ kind: "gift", chargeId: g.chargeId });
    if (g.subscriptionId && g.kind === "donation") {
      const year = giftYear(g.date);
      if (!annual.has(`${year}#${g.subscriptionId}`)) anchors.push({ kind: "annual", year, subscriptionId: g.subscriptionId });
      annual.add(`${year}#${g.subscriptionId}`);
    }
  }
  const receipts = await readAnchoredMany(db, anchors);
  return receipts
    .map((r) => ({
      id: r.id,
      year: r.year,
      kind: r.kind,
      status: r.status,
      issuedOn: r.issuedOn,
      amount: r.amount,
      ...(r.replacedBy ? { replacedBy: r.replacedBy } : {}),
    }))
    .sort((a, b) => (a.id > b.id ? -1 : a.id < b.id ? 1 : 0));
}

/** The e-mail a receipt was issued to (lower case), or undefined for no such receipt. */
export async function receiptOwner(db: Db, id: string): Promise<string | undefined> {
  const r = await readReceipt(db, id);
  return r ? r.donor.email.trim().toLowerCase() : undefined;
}
