/**
 * The books' side of a bank account, read through the ledger's public read functions
 * (ledger/queries.ts): the entries that touch the account and its balance at a date. Opening
 * entries (AN) restate earlier years and are left out; years are summed from the first one.
 */
import type { Db } from "../db/client.js";
import { fiscalYearOf } from "../dates.js";
import { generalLedger, listYears } from "../ledger/index.js";

/** One ledger entry as seen from a bank account: its net effect on the account (debit − credit). */
export interface BookItem {
  entryId: string;
  date: string;
  journal: string;
  ref: string | null;
  label: string;
  pieceRef: string;
  amount: number;
  /** Auxiliary accounts named on the entry's lines of this account (a supplier, a donor). */
  names: string[];
}

async function yearsUpTo(db: Db, to: string): Promise<number[]> {
  const last = fiscalYearOf(to);
  return (await listYears(db)).map((y) => y.year).filter((y) => y <= last);
}

/** Every line of `account` in the given years, merged per entry, AN left out; optionally between two dates. */
export async function bookItems(db: Db, account: string, opts: { from?: string; to?: string } = {}): Promise<BookItem[]> {
  const to = opts.to ?? "9999-12-31";
  const from = opts.from ?? "0000-01-01";
  const years = (await yearsUpTo(db, to)).filter((y) => !opts.from || y >= fiscalYearOf(opts.from));
  const byEntry = new Map<string, BookItem>();
  for (const year of years) {
    let cursor: string | undefined;
    do {
      const page = await generalLedger(db, { year, account, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const l of page.items) {
        if (l.journal === "AN" || l.date < from || l.date > to) continue;
        const item = byEntry.get(l.entryId) ?? {
          entryId: l.entryId,
          date: l.date,
          journal: l.journal,
          ref: l.ref,
          label: l.label,
          pieceRef: l.pieceRef,
          amount: 0,
          names: [],
        };
        item.amount += l.debit - l.credit;
        const aux = (l as { aux?: { label: string } }).aux;
        if (aux && !item.names.includes(aux.label)) item.names.push(aux.label);
        byEntry.set(l.entryId, item);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return [...byEntry.values()].filter((i) => i.amount !== 0).sort((a, b) => a.date.localeCompare(b.date) || a.entryId.localeCompare(b.entryId));
}

/** The account's balance at the end of `date` (debit − credit), every year summed, AN left out. */
export async function bookBalance(db: Db, account: string, date: string): Promise<number> {
  return (await bookItems(db, account, { to: date })).reduce((s, i) => s + i.amount, 0);
}

/** The auxiliary accounts (number and name) used on an account's lines: the known suppliers under 401. */
export async function auxAccounts(db: Db, account: string, to: string): Promise<Array<{ number: string; label: string }>> {
  const found = new Map<string, { number: string; label: string }>();
  for (const year of await yearsUpTo(db, to)) {
    let cursor: string | undefined;
    do {
      const page = await generalLedger(db, { year, account, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const l of page.items) {
        const aux = (l as { aux?: { number: string; label: string } }).aux;
        if (aux) found.set(aux.number, { number: aux.number, label: aux.label });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return [...found.values()];
}
