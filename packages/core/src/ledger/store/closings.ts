/** The ledger's storage — The closing checklist as signed (procès-verbal de clôture) and the result allocation's marker. */
import type { Db } from "../../db/client.js";
import { getItem, putItem, type NamedItem } from "../../db/store.js";
import { keys } from "../keys.js";

/** One point of the checklist as it stood when the year was closed. */
export interface SignedItem {
  id: string;
  status: "ok" | "warning" | "blocking";
  title: string;
  detail: string;
  figures?: Record<string, number | string>;
  /** The trésorier's comment acknowledging a warning. */
  comment?: string;
}

export interface SignedClosingRecord {
  year: number;
  /** When the closing began with this checklist, and who asked for it. */
  signedAt: string;
  signedBy: { sub: string; role: string; requestId: string; name?: string };
  items: SignedItem[];
  /** Set once the year is closed (its result, in cents: > 0 surplus). */
  closedAt?: string;
  result?: number;
}

/** The checklist as signed for `year` (undefined: never signed). */
export async function readSignedClosing(db: Db, year: number): Promise<SignedClosingRecord | undefined> {
  const item = await getItem(db, keys.closingRecord(year), { consistent: true });
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest as unknown as SignedClosingRecord;
}

/** Writes the signed checklist (a closing resumed or retried signs again: the last one stands until the year is closed). */
export async function saveSignedClosing(db: Db, record: SignedClosingRecord): Promise<boolean> {
  return putItem(db, { ...keys.closingRecord(record.year), kind: "closing-record", ...record }, { expression: "attribute_not_exists(closedAt)" });
}

/** Marks the signed checklist with the closing's date and result. */
export async function markSignedClosed(db: Db, record: SignedClosingRecord, closed: { closedAt: string; result: number }): Promise<void> {
  await putItem(db, { ...keys.closingRecord(record.year), kind: "closing-record", ...record, ...closed });
}

/** The allocation of `year`'s result: the entry that made it (undefined: none yet). */
export async function readAllocationMarker(db: Db, year: number): Promise<{ entryId: string; version: number } | undefined> {
  const item = await getItem(db, keys.allocation(year), { consistent: true });
  return item ? { entryId: item.entryId as string, version: (item.version as number | undefined) ?? 1 } : undefined;
}

/**
 * The allocation marker, written with its entry: once per year, or again after the previous
 * allocation's entry was reversed (its reversal marker must exist).
 */
export function allocationItems(year: number, entryId: string, previous: { entryId: string; version: number } | undefined): NamedItem[] {
  const items: NamedItem[] = [
    {
      name: "allocation",
      item: {
        Put: {
          Item: { ...keys.allocation(year), kind: "allocation", year, entryId, version: (previous?.version ?? 0) + 1 },
          ConditionExpression: previous ? "entryId = :prev" : "attribute_not_exists(pk)",
          ...(previous ? { ExpressionAttributeValues: { ":prev": previous.entryId } } : {}),
        },
      },
    },
  ];
  if (previous)
    items.push({
      name: "allocation-reversed",
      item: { ConditionCheck: { Key: keys.reversal(previous.entryId), ConditionExpression: "attribute_exists(pk)" } },
    });
  return items;
}
