/**
 * Matching by hand: the entries a bank line could be matched to (not lettered yet, on the line's
 * bank account, filtered by amount, dates, label or piece, counterpart account), and the
 * proposals the trésorier rejects for a line (kept on the line, never proposed for it again).
 *
 * Errors: NotFoundError (line), ValidationError (dates).
 */
import type { Db } from "../db/client.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { getEntry } from "../ledger/index.js";
import { nowIso } from "../clock.js";
import { bookItems } from "./books.js";
import { normalise } from "./match.js";
import type { BankLine, Rejection } from "./model.js";
import { addRejections, entryMatches, readLine } from "./store.js";
import type { Who } from "./matching.js";

const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

export interface CandidatesFilter {
  amount?: number;
  from?: string;
  to?: string;
  q?: string;
  account?: string;
}

export interface Candidate {
  entryId: string;
  date: string;
  label: string;
  pieceRef: string;
  ref: string | null;
  /** Net amount on the bank account, in cents. */
  amount: number;
  /** The entry's other accounts (counterparts). */
  accounts: string[];
}

/** `GET /v1/bank/lines/{id}/candidates`: entries not lettered yet on the line's bank account. */
export async function lineCandidates(
  db: Db,
  lineId: string,
  f: CandidatesFilter,
): Promise<{ lineId: string; account: string; from: string; to: string; items: Candidate[] }> {
  const line = await readLine(db, lineId);
  if (!line) throw new NotFoundError(`No bank line ${lineId}.`);
  const from = f.from ?? addDays(line.date, -30);
  const to = f.to ?? addDays(line.date, 30);
  if (from > to) throw new ValidationError([{ path: "from", message: `must not be after to (${to})` }]);
  const items = await bookItems(db, line.account, { from, to });
  const matched = await entryMatches(
    db,
    items.map((i) => i.entryId),
  );
  const needle = f.q ? normalise(f.q) : "";
  const open = items.filter(
    (i) =>
      !matched.has(i.entryId) &&
      (f.amount === undefined || i.amount === f.amount) &&
      (!needle || normalise(`${i.label} ${i.pieceRef} ${i.ref ?? ""} ${i.names.join(" ")}`).includes(needle)),
  );
  const out: Candidate[] = [];
  // At most 200 answers, counted after every filter (an entry still a draft, or of another
  // counterpart account, must not push the right one out of the list).
  for (const i of open) {
    if (out.length >= 200) break;
    const e = await getEntry(db, i.entryId);
    if (e?.status !== "validated") continue;
    const accounts = [...new Set(e.lines.map((l) => l.account).filter((a) => a !== line.account))];
    if (f.account && !accounts.some((a) => a.startsWith(f.account!))) continue;
    out.push({ entryId: i.entryId, date: i.date, label: i.label, pieceRef: i.pieceRef, ref: i.ref, amount: i.amount, accounts });
  }
  out.sort((a, b) => a.date.localeCompare(b.date) || a.entryId.localeCompare(b.entryId));
  return { lineId, account: line.account, from, to, items: out };
}

/** `POST /v1/bank/lines/{id}/rejections`: these entries are not proposed for this line again. */
export async function rejectProposal(db: Db, lineId: string, entryIds: string[], who: Pick<Who, "sub">): Promise<BankLine> {
  const line = await readLine(db, lineId);
  if (!line) throw new NotFoundError(`No bank line ${lineId}.`);
  const known = new Set((line.rejections ?? []).map((r) => r.entryId));
  const at = nowIso();
  const fresh: Rejection[] = [...new Set(entryIds)].filter((id) => !known.has(id)).map((entryId) => ({ entryId, rejectedAt: at, rejectedBy: who.sub }));
  if (!fresh.length) return line;
  const saved = await addRejections(db, lineId, fresh);
  if (!saved) throw new NotFoundError(`No bank line ${lineId}.`);
  return saved;
}
