/**
 * Reading the ledger. The trial balance reads the monthly balance items (accounts × months), never
 * the entries; the general ledger pages through one account's lines; the integrity check walks the
 * chain of validated entries.
 */
import { BatchGetCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { ValidationError } from "../errors.js";
import { findAccount } from "./chart.js";
import { JOURNAL_CODES, type JournalCode } from "./journals.js";
import { keys } from "./keys.js";
import { entryHash, entryRef, entryView, GENESIS_HASH, type Entry, type EntryView } from "./model.js";
import { chainHead } from "./sequencer.js";

type Item = Record<string, unknown>;

/** Every page of a query, one page at a time (memory stays flat). */
export async function* queryPages(db: Db, input: Omit<QueryCommandInput, "TableName">): AsyncGenerator<Item[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(new QueryCommand({ TableName: db.tableName, ...input, ExclusiveStartKey: start }));
    yield (r.Items ?? []) as Item[];
    start = r.LastEvaluatedKey;
  } while (start);
}

export const encodeCursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
export function decodeCursor<T>(cursor: string | undefined): T | undefined {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as T;
  } catch {
    throw new ValidationError([{ path: "cursor", message: "is not a cursor this API gave" }]);
  }
}

// ---------------------------------------------------------------- years

export interface YearInfo {
  year: number;
  status: "open" | "closing" | "closed";
  closedAt?: string;
  result?: number;
  entries?: number;
}

export async function listYears(db: Db, today = parisDate(new Date())): Promise<YearInfo[]> {
  const out = new Map<number, YearInfo>();
  for await (const page of queryPages(db, { KeyConditionExpression: "pk = :p AND begins_with(sk, :y)", ExpressionAttributeValues: { ":p": "LEDGER", ":y": "YEAR#" }, ConsistentRead: true }))
    for (const i of page) {
      const year = Number(String(i.sk).slice(5));
      out.set(year, {
        year,
        status: (i.status as YearInfo["status"]) ?? "open",
        ...(i.closedAt ? { closedAt: i.closedAt as string } : {}),
        ...(i.result !== undefined ? { result: i.result as number } : {}),
        entries: (i.entries as number | undefined) ?? 0,
      });
    }
  const current = Number(today.slice(0, 4));
  if (!out.has(current)) out.set(current, { year: current, status: "open", entries: 0 });
  return [...out.values()].sort((a, b) => a.year - b.year);
}

// ---------------------------------------------------------------- balances

export interface AccountBalance {
  account: string;
  label: string;
  debit: number;
  credit: number;
  balance: number;
}

/** The trial balance of a year: per account, the sums of debits and credits. */
export async function trialBalance(db: Db, year: number, opts: { closing?: "include" | "exclude" } = {}) {
  const sums = new Map<string, { debit: number; credit: number }>();
  for await (const page of queryPages(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": keys.balancePartition(year) }, ConsistentRead: true }))
    for (const i of page) {
      if (opts.closing === "exclude" && i.bucket === "CL") continue;
      const s = sums.get(i.account as string) ?? { debit: 0, credit: 0 };
      s.debit += i.debit as number;
      s.credit += i.credit as number;
      sums.set(i.account as string, s);
    }
  const accounts: AccountBalance[] = [...sums.entries()]
    .filter(([, s]) => s.debit !== 0 || s.credit !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([account, s]) => ({ account, label: findAccount(account)?.label ?? account, debit: s.debit, credit: s.credit, balance: s.debit - s.credit }));
  const totals = accounts.reduce((t, a) => ({ debit: t.debit + a.debit, credit: t.credit + a.credit }), { debit: 0, credit: 0 });
  return { year, accounts, totals };
}

// ---------------------------------------------------------------- general ledger

/** One account's lines in date order with the running balance, a page at a time. */
export async function generalLedger(db: Db, q: { year: number; account: string; limit: number; cursor?: string }) {
  const c = decodeCursor<{ k: Item; b: number }>(q.cursor);
  const r = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: "pk = :p",
      ExpressionAttributeValues: { ":p": keys.linesPartition(q.year, q.account) },
      Limit: q.limit,
      ExclusiveStartKey: c?.k,
    }),
  );
  let balance = c?.b ?? 0;
  const items = (r.Items ?? []).map((i) => {
    balance += (i.debit as number) - (i.credit as number);
    return {
      date: i.date as string,
      journal: i.journal as string,
      number: i.number as number,
      ref: entryRef({ journal: i.journal as JournalCode, number: i.number as number }),
      entryId: i.entryId as string,
      label: i.label as string,
      pieceRef: i.pieceRef as string,
      debit: i.debit as number,
      credit: i.credit as number,
      ...(i.aux ? { aux: i.aux as { number: string; label: string } } : {}),
      balance,
    };
  });
  return {
    year: q.year,
    account: q.account,
    label: findAccount(q.account)?.label ?? q.account,
    items,
    nextCursor: r.LastEvaluatedKey ? encodeCursor({ k: r.LastEvaluatedKey, b: balance }) : null,
  };
}

// ---------------------------------------------------------------- entries

async function getEntries(db: Db, ids: string[]): Promise<Entry[]> {
  if (!ids.length) return [];
  const r = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: ids.map((id) => keys.entry(id)) } } }));
  const found = new Map(((r.Responses?.[db.tableName] ?? []) as unknown as Entry[]).map((e) => [e.id, e]));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) for (const e of await getEntries(db, missing)) found.set(e.id, e);
  return ids.map((id) => found.get(id)!).filter(Boolean);
}

/**
 * Validated entries between two dates, optionally of one journal or touching one account, in
 * validation order per year (journal order when a journal is named).
 */
export async function listEntries(
  db: Db,
  q: { from?: string; to?: string; journal?: JournalCode; account?: string; limit: number; cursor?: string },
): Promise<{ items: EntryView[]; nextCursor: string | null }> {
  const year = Number(parisDate(new Date()).slice(0, 4));
  const from = q.from ?? `${q.to ? q.to.slice(0, 4) : year}-01-01`;
  const to = q.to ?? `${from.slice(0, 4)}-12-31`;
  if (from > to) throw new ValidationError([{ path: "from", message: "must not be after `to`" }]);
  const c = decodeCursor<{ y: number; j: number; k?: Item }>(q.cursor) ?? { y: Number(from.slice(0, 4)), j: 0 };
  const items: EntryView[] = [];
  const journals = q.journal ? [q.journal] : JOURNAL_CODES;
  let { y, j } = c;
  let start = c.k;
  while (y <= Number(to.slice(0, 4)) && items.length < q.limit) {
    let ids: string[] = [];
    let last: Item | undefined;
    if (q.account) {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
          ExpressionAttributeValues: { ":p": keys.linesPartition(y, q.account), ":a": from, ":b": `${to}#~` },
          Limit: q.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      ids = [...new Set((r.Items ?? []).map((i) => i.entryId as string))];
      last = r.LastEvaluatedKey;
    } else {
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: "gsi2",
          KeyConditionExpression: "gsi2pk = :p",
          FilterExpression: "#d BETWEEN :a AND :b",
          ExpressionAttributeNames: { "#d": "date" },
          ExpressionAttributeValues: { ":p": keys.journalIndex(y, journals[j]!), ":a": from, ":b": to },
          Limit: q.limit - items.length,
          ExclusiveStartKey: start,
          ProjectionExpression: "id",
        }),
      );
      ids = (r.Items ?? []).map((i) => i.id as string);
      last = r.LastEvaluatedKey;
    }
    const seen = new Set(items.map((i) => i.id));
    for (const e of await getEntries(db, ids)) if (!seen.has(e.id) && (!q.journal || e.journal === q.journal)) items.push(entryView(e));
    if (last) start = last;
    else {
      start = undefined;
      if (!q.account && j + 1 < journals.length) j++;
      else {
        y++;
        j = 0;
      }
    }
  }
  const more = y <= Number(to.slice(0, 4));
  return { items, nextCursor: more ? encodeCursor({ y, j, ...(start ? { k: start } : {}) }) : null };
}

// ---------------------------------------------------------------- integrity

/** Re-verifies the whole chain: every hash recomputed, every link and position checked. */
export async function verifyChain(db: Db) {
  const head = await chainHead(db);
  let prev = GENESIS_HASH;
  let expected = 1;
  let count = 0;
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :c", ExpressionAttributeValues: { ":c": keys.chain } })) {
    for (const item of page) {
      const e = item as unknown as Entry;
      const broken = (reason: string) => ({ ok: false, entries: head.seq, head: head.hash, firstBroken: { seq: e.seq ?? expected, id: e.id, ref: entryRef(e), reason } });
      if (e.seq !== expected) return broken(`expected position ${expected}, found ${e.seq}`);
      if (e.prevHash !== prev) return broken("does not link to the previous entry's hash");
      if (entryHash(e, prev) !== e.hash) return broken("its content does not match its hash");
      prev = e.hash!;
      expected++;
      count++;
    }
  }
  if (count !== head.seq) return { ok: false, entries: head.seq, head: head.hash, firstBroken: { seq: count + 1, id: "", ref: null, reason: `the chain has ${count} entries, the head says ${head.seq}` } };
  if (prev !== head.hash) return { ok: false, entries: head.seq, head: head.hash, firstBroken: { seq: count, id: "", ref: null, reason: "the last entry's hash is not the head's" } };
  return { ok: true, entries: count, head: head.hash };
}
