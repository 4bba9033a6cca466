/** `GET /v1/bank/lines`: imported lines by status, account and dates, a page at a time (signed cursors); one line with its lettrage. */
import type { Db } from "../db/client.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { BankLine, MatchGroup } from "./model.js";
import { accountByRef, accountKey, type BankAccount } from "./settings.js";
import { linesCursor, pageLines, readLine, readMatch } from "./store.js";

export async function listLines(
  db: Db,
  accounts: BankAccount[],
  q: { status?: "unmatched" | "matched"; account?: string; from?: string; to?: string; limit: number; cursor?: string },
): Promise<{ items: BankLine[]; nextCursor: string | null }> {
  const filters = JSON.stringify([q.status ?? null, q.account ?? null, q.from ?? null, q.to ?? null]);
  const c = linesCursor.read(q.cursor);
  if (c && c.f !== filters) throw new ValidationError([{ path: "cursor", message: "was given for other filters" }]);
  let ibans: string[] | undefined;
  if (q.account) {
    const found = accountByRef(accounts, q.account);
    if (!found.length) throw new ValidationError([{ path: "account", message: `${q.account} is not a configured bank account` }]);
    ibans = found.map(accountKey);
  }
  const page = await pageLines(db, { status: q.status, ibans, from: q.from, to: q.to, limit: q.limit, start: c?.k });
  return { items: page.items, nextCursor: page.next ? linesCursor.write({ f: filters, k: page.next }) : null };
}

/** `GET /v1/bank/lines/{id}`: the line and its lettrage (null while unmatched); 404 when there is no such line. */
export async function getLine(db: Db, id: string): Promise<BankLine & { match: MatchGroup | null }> {
  const line = await readLine(db, id);
  if (!line) throw new NotFoundError(`No bank line ${id}.`);
  return { ...line, match: line.matchId ? ((await readMatch(db, line.matchId)) ?? null) : null };
}
