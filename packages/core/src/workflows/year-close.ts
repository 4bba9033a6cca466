/**
 * Closing a fiscal year across domains, from its checklist (`workflows/closing-checklist.ts`): the
 * ledger closes the year (result, à-nouveaux, lock) only while no point is blocking and every
 * warning is acknowledged with a comment; the checklist is then kept as signed (who, when, the
 * comments), for the procès-verbal de clôture (`workflows/closing-report.ts`).
 *
 * The checklist is read once before anything is touched (a refusal leaves the year as it was), then
 * again inside the ledger's closing, after the year is marked closing and its drafts are validated,
 * so nothing can slip in between; a refusal there (409) gives the year back open.
 */
import type { Db } from "../db/client.js";
import { ConflictError } from "../errors.js";
import { pendingDedicatedFunds } from "../grants/index.js";
import { checkClosable, closeYear as closeLedgerYear, markSignedClosed, saveSignedClosing, type Actor, type SignedClosingRecord } from "../ledger/index.js";
import { closingChecklist, type ChecklistOptions, type ClosingChecklist } from "./closing-checklist.js";
import { parisDate } from "../dates.js";
import { now, nowIso } from "../clock.js";

/** 409 while a restricted grant's fonds dédiés of `year` are not posted. */
export async function dedicatedFundsPosted(db: Db, year: number): Promise<void> {
  const pending = await pendingDedicatedFunds(db, year);
  if (pending.length)
    throw new ConflictError(
      `Post the fonds dédiés of ${year} first (POST /v1/ledger/years/${year}/dedicated-funds): ${pending.length} restricted grant(s) pending.`,
      {
        year,
        grants: pending,
      },
    );
}

export interface Acknowledgement {
  id: string;
  comment: string;
}

export interface CloseYearOptions extends ChecklistOptions {
  actor?: Actor;
  /** The warnings accepted, each with the trésorier's comment (kept in the procès-verbal). */
  acknowledged?: Acknowledgement[];
  /** Who signs, as the procès-verbal prints it (« Marie Dupont, trésorière »). */
  signer?: string;
}

/** 409 naming the blocking points and the warnings not acknowledged; the comments for the others. */
export function checkAcknowledged(list: ClosingChecklist, acknowledged: readonly Acknowledgement[] = []): Map<string, string> {
  const comments = new Map(acknowledged.filter((a) => a.comment.trim()).map((a) => [a.id, a.comment.trim()]));
  const blocking = list.items.filter((i) => i.status === "blocking");
  const missing = list.items.filter((i) => i.status === "warning" && !comments.has(i.id));
  if (blocking.length || missing.length) {
    const name = (i: { id: string; title: string }) => `« ${i.title} » (${i.id})`;
    const parts = [
      blocking.length ? `à corriger : ${blocking.map(name).join(", ")}` : "",
      missing.length ? `à accepter avec un commentaire : ${missing.map(name).join(", ")}` : "",
    ].filter(Boolean);
    throw new ConflictError(`La clôture de l'exercice ${list.year} est refusée — ${parts.join(" ; ")}.`, {
      year: list.year,
      blocking: blocking.map((i) => i.id),
      unacknowledged: missing.map((i) => i.id),
    });
  }
  return comments;
}

function signedRecord(list: ClosingChecklist, comments: Map<string, string>, opts: CloseYearOptions): SignedClosingRecord {
  const actor = opts.actor ?? { sub: "system", role: "system", requestId: "" };
  return {
    year: list.year,
    signedAt: nowIso(),
    signedBy: { sub: actor.sub, role: actor.role, requestId: actor.requestId, ...(opts.signer ? { name: opts.signer } : {}) },
    items: list.items.map((i) => ({
      id: i.id,
      status: i.status,
      title: i.title,
      detail: i.detail,
      ...(i.figures ? { figures: i.figures } : {}),
      ...(comments.has(i.id) ? { comment: comments.get(i.id)! } : {}),
    })),
  };
}

/** `POST /v1/ledger/years/{year}/close`: the year closed from its checklist, the checklist kept as signed. */
export async function closeYear(db: Db, year: number, opts: CloseYearOptions = {}) {
  // The ledger's own refusals first (not ended, closed already, an earlier year open), then the checklist's.
  await checkClosable(db, year, opts.today ?? parisDate(now()));
  checkAcknowledged(await closingChecklist(db, year, opts), opts.acknowledged);
  let record: SignedClosingRecord | undefined;
  const closed = await closeLedgerYear(db, year, {
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(opts.today ? { today: opts.today } : {}),
    guard: async (y) => {
      const list = await closingChecklist(db, y, opts);
      const comments = checkAcknowledged(list, opts.acknowledged);
      record = signedRecord(list, comments, opts);
      await saveSignedClosing(db, record);
    },
  });
  if (record) await markSignedClosed(db, record, { closedAt: closed.closedAt, result: closed.result });
  return closed;
}
