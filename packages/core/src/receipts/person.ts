/**
 * One person's receipts, for the right of access and the right to erasure: the receipts whose
 * printed donor has their e-mail address or that cover one of their gifts, issued or cancelled.
 * Receipts are never pseudonymised: their duplicates are kept six years (art. L102 B du livre des
 * procédures fiscales), name and address as printed, and their PDF is frozen (its SHA-256 kept).
 */
import type { Db } from "../db/client.js";
import type { Receipt } from "./model.js";
import { readAllReceipts } from "./store.js";

/** How long a receipt is kept: until 31 December of the sixth year after it was issued. */
export const RECEIPT_RETENTION_YEARS = 6;
export const receiptKeptUntil = (r: Pick<Receipt, "issuedOn">) => `${Number(r.issuedOn.slice(0, 4)) + RECEIPT_RETENTION_YEARS}-12-31`;

/** A person's receipt as the export answers it: the frozen fields, the PDF's route. */
export interface HeldReceipt extends Omit<Receipt, "issuer" | "file"> {
  pdf: string;
  keptUntil: string;
}

/**
 * The receipts of calendar `years` printed for `email` or covering one of `chargeIds` (whatever
 * e-mail they print), in number order. `cache`: the years' receipts read already (a run over many
 * people reads each year once).
 */
export async function receiptsOfPerson(
  db: Db,
  email: string,
  chargeIds: readonly string[],
  years: readonly number[],
  cache: Map<number, Receipt[]> = new Map(),
): Promise<HeldReceipt[]> {
  const address = email.trim().toLowerCase();
  const charges = new Set(chargeIds);
  const out: HeldReceipt[] = [];
  for (const year of years) {
    if (!cache.has(year)) cache.set(year, await readAllReceipts(db, year));
    for (const r of cache.get(year)!)
      if (r.donor.email.toLowerCase() === address || r.gifts.some((g) => charges.has(g.reference))) {
        const { issuer: _i, file: _f, ...rest } = r;
        out.push({ ...rest, pdf: `/v1/receipts/${r.id}.pdf`, keptUntil: receiptKeptUntil(r) });
      }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}
