/** The ledger's storage — Drafts: an entry written as a draft with its idempotency marker and closed-year check, in one transaction. */
import type { Db } from "../../db/client.js";
import { getItem, transact, TransactionFailed, withConflictRetry, type NamedItem } from "../../db/store.js";
import type { UnitOfWork } from "../../db/unit-of-work.js";
import { keys } from "../keys.js";
import type { Entry } from "../model.js";
import { nowIso } from "../../clock.js";

export interface IdempotencyRecord {
  operation: string;
  key: string;
  requestHash: string;
  ttl?: number;
}

/** Why a draft was not written. */
export type DraftRefusal = "books-closed" | "year-closed" | "entry-exists" | "idempotency-used" | "already-reversed";

type DraftOptions = { system?: boolean; idempotency?: IdempotencyRecord; extraItems?: readonly NamedItem[]; work?: UnitOfWork };

/** The items of a draft's transaction: the closed-year checks, the entry, its idempotency marker, its reversal marker. */
function draftItems(entry: Entry, opts: DraftOptions): NamedItem[] {
  const now = entry.createdAt;
  const items: NamedItem[] = [
    {
      // The books are closed in order: no entry in a year up to the last closed one.
      name: "closed-through",
      item: {
        ConditionCheck: {
          Key: keys.closed,
          ConditionExpression: "attribute_not_exists(pk) OR through < :y",
          ExpressionAttributeValues: { ":y": entry.year },
        },
      },
    },
    {
      // A year being closed takes only the closing's own entries.
      name: "year-open",
      item: {
        ConditionCheck: {
          Key: keys.year(entry.year),
          ConditionExpression: "attribute_not_exists(pk) OR #s IN (:open, :closing)",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":open": "open", ":closing": opts.system ? "closing" : "open" },
        },
      },
    },
    {
      name: "entry",
      item: {
        Put: {
          Item: { ...keys.entry(entry.id), kind: "entry", ...entry, gsi1pk: keys.pending, gsi1sk: `${now}#${entry.id}` },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    },
  ];
  if (opts.idempotency)
    items.push({
      name: "idempotency",
      item: {
        Put: {
          Item: {
            ...keys.idempotency(opts.idempotency.operation, opts.idempotency.key),
            kind: "idempotency",
            requestHash: opts.idempotency.requestHash,
            entryId: entry.id,
            ...(opts.idempotency.ttl ? { ttl: opts.idempotency.ttl } : {}),
            createdAt: now,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    });
  if (entry.reversalOf)
    items.push({
      name: "reversal",
      item: {
        Put: {
          Item: { ...keys.reversal(entry.reversalOf), kind: "reversal", reversalId: entry.id, createdAt: now },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    });
  return [...items, ...(opts.extraItems ?? []), ...(opts.work?.items ?? [])];
}

/** Which of the draft's own conditions refused it (undefined: another item's, the caller's to decode). */
function refusalOf(err: TransactionFailed): DraftRefusal | undefined {
  return err.has("closed-through")
    ? "books-closed"
    : err.has("year-open")
      ? "year-closed"
      : err.has("entry")
        ? "entry-exists"
        : err.has("idempotency")
          ? "idempotency-used"
          : err.has("reversal")
            ? "already-reversed"
            : undefined;
}

/**
 * Writes a draft entry in one transaction with: the check that its year is open (and not before
 * the last closed year), its idempotency marker, its reversal marker, and the caller's own items.
 * A lost race (transaction conflict) is retried; a failed condition is answered as a refusal, and
 * one of the caller's unit of work is thrown as the error it declared.
 */
export async function appendDraft(db: Db, entry: Entry, opts: DraftOptions): Promise<{ written: true } | { written: false; refusal: DraftRefusal }> {
  const items = draftItems(entry, opts);
  try {
    await withConflictRetry(() => transact(db, items));
    return { written: true };
  } catch (err) {
    if (!(err instanceof TransactionFailed)) throw err;
    const refusal = refusalOf(err);
    if (!refusal) throw opts.work?.failureOf(err) ?? err;
    return { written: false, refusal };
  }
}

/** The idempotency marker under (operation, key): the entry it wrote, or the answer it stored. */
export async function readIdempotency(db: Db, operation: string, key: string): Promise<{ requestHash: string; entryId?: string; answer?: string } | undefined> {
  const item = await getItem(db, keys.idempotency(operation, key));
  return item ? { requestHash: item.requestHash as string, entryId: item.entryId as string | undefined, answer: item.answer as string | undefined } : undefined;
}

/** Stores the first answer of a non-transactional operation; false when another caller stored one first. */
export async function saveIdempotentAnswer(db: Db, idem: IdempotencyRecord, answer: string): Promise<boolean> {
  try {
    await withConflictRetry(() =>
      transact(db, [
        {
          name: "idempotency",
          item: {
            Put: {
              Item: {
                ...keys.idempotency(idem.operation, idem.key),
                kind: "idempotency",
                requestHash: idem.requestHash,
                answer,
                createdAt: nowIso(),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        },
      ]),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("idempotency")) return false;
    throw err;
  }
}
