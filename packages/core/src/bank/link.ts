/**
 * For other domains that book a bank movement themselves (a grant installment received with its
 * `bankLineId`, an expense paid): the transaction items that record the lettrage of that line with
 * the entry being written, to pass as `extraItems` to `writeDraft` — the entry and its lettrage are
 * then written together or not at all.
 */
import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import type { NamedItem } from "../db/store.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { MatchGroup } from "./model.js";
import { matchItems, readLine } from "./store.js";
import { nowIso } from "../clock.js";

/**
 * Reads the line, checks it is unmatched, on `account` and of `amount` (the entry's net effect on
 * the bank account, debit − credit), and answers the named items (`match`, `line:<id>`,
 * `entry:<id>`) for the entry `entryId` (pass the same id to `writeDraft`'s `id` option).
 * A failed `line:<id>` item in the transaction means the line was matched meanwhile.
 */
export async function lineMatchItems(
  db: Db,
  q: { lineId: string; entryId: string; entryDate: string; amount: number; account?: string; by: string },
): Promise<{ items: NamedItem[]; group: MatchGroup }> {
  const line = await readLine(db, q.lineId);
  if (!line) throw new NotFoundError(`No bank line ${q.lineId}.`);
  if (line.status !== "unmatched") throw new ConflictError(`Bank line ${q.lineId} is already matched.`, { lineId: q.lineId });
  if (q.account && line.account !== q.account)
    throw new ValidationError([{ path: "bankLineId", message: `the line is on account ${line.account}, not ${q.account}` }]);
  if (line.amount !== q.amount)
    throw new ValidationError([{ path: "bankLineId", message: `the line's amount is ${line.amount} cents, the entry's ${q.amount}` }]);
  const group: MatchGroup = {
    id: `m_${createHash("sha256").update(`${q.lineId}|${q.entryId}`).digest("hex").slice(0, 24)}`,
    account: line.account,
    lineIds: [line.id],
    entryIds: [q.entryId],
    amount: line.amount,
    lineDates: [line.date],
    entryDates: [q.entryDate],
    matchedAt: nowIso(),
    matchedBy: q.by,
    how: "manual",
  };
  return { items: matchItems(group), group };
}
