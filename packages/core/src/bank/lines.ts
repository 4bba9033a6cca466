/** `GET /v1/bank/lines`: imported lines by status, account and dates, a page at a time (signed cursors). */
import type { Db } from "../db/client.js";
import { decodeCursor, encodeCursor } from "../db/cursor.js";
import { ValidationError } from "../errors.js";
import type { BankLine } from "./model.js";
import { accountByRef, type BankAccount } from "./settings.js";
import { pageLines } from "./store.js";

const PURPOSE = "bank-lines";

export async function listLines(
  db: Db,
  accounts: BankAccount[],
  q: { status?: "unmatched" | "matched"; account?: string; from?: string; to?: string; limit: number; cursor?: string },
): Promise<{ items: BankLine[]; nextCursor: string | null }> {
  const filters = JSON.stringify([q.status ?? null, q.account ?? null, q.from ?? null, q.to ?? null]);
  const c = decodeCursor<{ f: string; k: Record<string, unknown> }>(q.cursor, PURPOSE);
  if (c && c.f !== filters) throw new ValidationError([{ path: "cursor", message: "was given for other filters" }]);
  let ibans: string[] | undefined;
  if (q.account) {
    const found = accountByRef(accounts, q.account);
    if (!found.length) throw new ValidationError([{ path: "account", message: `${q.account} is not a configured bank account` }]);
    ibans = found.map((a) => a.iban);
  }
  const page = await pageLines(db, { status: q.status, ibans, from: q.from, to: q.to, limit: q.limit, start: c?.k });
  return { items: page.items, nextCursor: page.next ? encodeCursor({ f: filters, k: page.next }, PURPOSE) : null };
}
