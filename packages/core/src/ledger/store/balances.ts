/** The ledger's storage — Balances per account and month, account lines, journals. */
import type { Db } from "../../db/client.js";
import { listingCursor } from "../../db/cursor.js";
import { getItem, queryAll, queryPage } from "../../db/store.js";
import { keys } from "../keys.js";
import type { Entry } from "../model.js";

import { rangePages } from "./shared.js";

export interface BalanceRecord {
  account: string;
  bucket: string;
  debit: number;
  credit: number;
}

/** A year's monthly balance items (accounts × months), every page. */
export async function readBalances(db: Db, year: number): Promise<BalanceRecord[]> {
  const items = await queryAll(db, {
    KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": keys.balancePartition(year) },
    ConsistentRead: true,
  });
  return items.map((i) => ({ account: i.account as string, bucket: i.bucket as string, debit: i.debit as number, credit: i.credit as number }));
}

export interface LineRecord {
  entryId: string;
  journal: string;
  number: number;
  seq: number;
  date: string;
  label: string;
  pieceRef: string;
  debit: number;
  credit: number;
  aux?: { number: string; label: string };
  project?: string;
}

export type ResumeKey = Record<string, unknown>;

/** A general ledger page's cursor: the year and account it was given for, the resume key, the running balance so far. */
export const generalLedgerCursor = listingCursor<{ y: number; a: string; k: ResumeKey; b: number; p?: string }>("ledger.general-ledger");

export interface EntriesCursor {
  /** The filters the cursor was given for: a cursor is not replayed with others. */
  f: string;
  y: number;
  j: number;
  k?: ResumeKey;
}
/** A page of entries' cursor (signed, db/cursor.ts): a forged one is a 400. */
export const entriesCursor = listingCursor<EntriesCursor>("ledger.entries");

/** One page of an account's lines in date order, optionally between two dates. */
export async function readAccountLines(
  db: Db,
  q: { year: number; account: string; limit: number; start?: ResumeKey; from?: string; to?: string; project?: string },
): Promise<{ items: LineRecord[]; next: ResumeKey | undefined }> {
  const range = q.from !== undefined && q.to !== undefined;
  const { items, lastKey } = await queryPage(db, {
    KeyConditionExpression: range ? "pk = :p AND sk BETWEEN :a AND :b" : "pk = :p",
    // One project's lines of the account: filtered within the page (the page may come back short).
    ...(q.project ? { FilterExpression: "#pr = :pr", ExpressionAttributeNames: { "#pr": "project" } } : {}),
    ExpressionAttributeValues: {
      ":p": keys.linesPartition(q.year, q.account),
      ...(range ? { ":a": q.from, ":b": `${q.to}#~` } : {}),
      ...(q.project ? { ":pr": q.project } : {}),
    },
    Limit: q.limit,
    ExclusiveStartKey: q.start,
  });
  return { items: items as unknown as LineRecord[], next: lastKey };
}

/** One page of the ids of a journal's validated entries of a year, in number order, between two dates. */
export async function readJournalIds(
  db: Db,
  q: { year: number; journal: string; limit: number; start?: ResumeKey; from: string; to: string },
): Promise<{ ids: string[]; next: ResumeKey | undefined }> {
  const { items, lastKey } = await queryPage(db, {
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :p",
    FilterExpression: "#d BETWEEN :a AND :b",
    ExpressionAttributeNames: { "#d": "date" },
    ExpressionAttributeValues: { ":p": keys.journalIndex(q.year, q.journal), ":a": q.from, ":b": q.to },
    Limit: q.limit,
    ExclusiveStartKey: q.start,
    ProjectionExpression: "id",
  });
  return { ids: items.map((i) => i.id as string), next: lastKey };
}

/** A journal's validated entries of a year in number order, a page (at most 1 MB) at a time. */
export async function* journalPages(db: Db, year: number, journal: string): AsyncGenerator<Entry[]> {
  // Numbers are gapless from 1: the journal's counter says how far to read.
  const last = ((await getItem(db, keys.counter(year, journal)))?.next as number | undefined) ?? 0;
  for await (const page of rangePages(db, "gsi2", keys.journalIndex(year, journal), last, 8)) yield page as unknown as Entry[];
}
