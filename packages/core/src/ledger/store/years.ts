/** The ledger's storage — Fiscal years and their closing. */
import type { Db } from "../../db/client.js";
import { queryAll, transact, TransactionFailed, withConflictRetry } from "../../db/store.js";
import { keys } from "../keys.js";

import { conditional } from "./shared.js";

export interface YearRecord {
  year: number;
  status: "open" | "closing" | "closed";
  closedAt?: string;
  result?: number;
  entries: number;
  sealedAt?: string;
}

export async function readYears(db: Db): Promise<YearRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :y)",
    ExpressionAttributeValues: { ":p": "LEDGER", ":y": "YEAR#" },
    ConsistentRead: true,
  });
  return items.map((i) => ({
    year: Number(String(i.sk).slice("YEAR#".length)),
    status: (i.status as YearRecord["status"] | undefined) ?? "open",
    entries: (i.entries as number | undefined) ?? 0,
    ...(i.closedAt ? { closedAt: i.closedAt as string } : {}),
    ...(i.result !== undefined ? { result: i.result as number } : {}),
    ...(i.sealedAt ? { sealedAt: i.sealedAt as string } : {}),
  }));
}

/** Marks a year as being closed (open or already closing); false when it is closed. */
export function markYearClosing(db: Db, year: number): Promise<boolean> {
  return conditional(db, {
    Update: {
      Key: keys.year(year),
      UpdateExpression: "SET #s = :closing, #y = :y, kind = :k",
      ConditionExpression: "attribute_not_exists(#s) OR #s IN (:open, :closing)",
      ExpressionAttributeNames: { "#s": "status", "#y": "year" },
      ExpressionAttributeValues: { ":closing": "closing", ":open": "open", ":y": year, ":k": "year" },
    },
  });
}

/** A closing refused before its seal gives the year back (being closed → open); false otherwise. */
export function reopenYear(db: Db, year: number): Promise<boolean> {
  return conditional(db, {
    Update: {
      Key: keys.year(year),
      UpdateExpression: "SET #s = :open",
      ConditionExpression: "#s = :closing AND attribute_not_exists(sealedAt)",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":closing": "closing", ":open": "open" },
    },
  });
}

/**
 * Seals a year being closed: from now on the sequencer validates only the closing's own entries
 * into it (a validation batch that read the year unsealed fails its condition and is retried).
 * False when the year is not being closed.
 */
export function sealYear(db: Db, year: number, at: string): Promise<boolean> {
  return conditional(db, {
    Update: {
      Key: keys.year(year),
      UpdateExpression: "SET sealedAt = if_not_exists(sealedAt, :at)",
      ConditionExpression: "#s = :closing",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":closing": "closing", ":at": at },
    },
  });
}

/** The year closed and the "closed through" mark moved, together; false when it was no longer being closed. */
export async function markYearClosed(db: Db, year: number, closed: { closedAt: string; result: number }): Promise<boolean> {
  try {
    await withConflictRetry(() =>
      transact(db, [
        {
          name: "year",
          item: {
            Update: {
              Key: keys.year(year),
              UpdateExpression: "SET #s = :closed, closedAt = :at, #r = :r",
              ConditionExpression: "#s = :closing",
              ExpressionAttributeNames: { "#s": "status", "#r": "result" },
              ExpressionAttributeValues: { ":closed": "closed", ":closing": "closing", ":at": closed.closedAt, ":r": closed.result },
            },
          },
        },
        {
          name: "closed-through",
          item: {
            Update: {
              Key: keys.closed,
              UpdateExpression: "SET through = :y, kind = :k",
              ConditionExpression: "attribute_not_exists(through) OR through < :y",
              ExpressionAttributeValues: { ":y": year, ":k": "closed-through" },
            },
          },
        },
      ]),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("year")) return false;
    throw err;
  }
}
