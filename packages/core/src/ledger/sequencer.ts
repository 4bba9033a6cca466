/**
 * The sequencer: the single writer that validates draft entries in the order they were written.
 * Whoever holds its lease (a conditional item with an expiry) takes the pending drafts in batches
 * and, in one transaction per batch, gives each its number within (year, journal), its validation
 * date, its place and hash in the chain, its account lines and the monthly balance updates. With
 * one writer, concurrent posts never fight over a counter; the batch makes it faster as load grows.
 */
import { randomUUID } from "node:crypto";
import { BatchGetCommand, DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { keys, pad } from "./keys.js";
import { entryHash, GENESIS_HASH, type Entry } from "./model.js";

const LEASE_MS = 15_000;
const MAX_ITEMS = 100;
const PENDING_PAGE = 100;

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/**
 * Takes the lease (free or expired) or renews it (still ours); false when another caller holds it.
 */
async function holdLease(db: Db, owner: string, mode: "take" | "renew"): Promise<boolean> {
  const now = Date.now();
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.lease,
        UpdateExpression: "SET #o = :o, expiresAt = :e",
        ConditionExpression: mode === "take" ? "attribute_not_exists(#o) OR expiresAt < :now" : "#o = :o",
        ExpressionAttributeNames: { "#o": "owner" },
        ExpressionAttributeValues: { ":o": owner, ":e": now + LEASE_MS, ...(mode === "take" ? { ":now": now } : {}) },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

async function release(db: Db, owner: string): Promise<void> {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: keys.lease,
        ConditionExpression: "#o = :o",
        ExpressionAttributeNames: { "#o": "owner" },
        ExpressionAttributeValues: { ":o": owner },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

async function pendingIds(db: Db): Promise<string[]> {
  const r = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": keys.pending },
      ProjectionExpression: "id",
      Limit: PENDING_PAGE,
    }),
  );
  return (r.Items ?? []).map((i) => i.id as string);
}

/** True while some draft waits for validation. */
export async function hasPending(db: Db): Promise<boolean> {
  return (await pendingIds(db)).length > 0;
}

async function batchGet(db: Db, keyList: Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Record<string, { Keys: Record<string, string>[]; ConsistentRead: boolean }> | undefined = {
      [db.tableName]: { Keys: keyList.slice(i, i + 100), ConsistentRead: true },
    };
    while (request && Object.keys(request).length) {
      const r = await db.doc.send(new BatchGetCommand({ RequestItems: request }));
      out.push(...((r.Responses?.[db.tableName] ?? []) as Record<string, unknown>[]));
      request = r.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** Validates one batch of drafts (in the given order) in one transaction. Returns the entries settled. */
async function validateBatch(db: Db, ids: string[]): Promise<Entry[]> {
  const fresh = await batchGet(db, ids.map((id) => keys.entry(id)));
  const byId = new Map(fresh.map((e) => [e.id as string, e as unknown as Entry]));
  const drafts = ids.map((id) => byId.get(id)).filter((e): e is Entry => e?.status === "draft");
  if (!drafts.length) return [];

  const years = [...new Set(drafts.map((d) => d.year))];
  const counterKeys = [...new Set(drafts.map((d) => `${d.year}#${d.journal}`))];
  const meta = await batchGet(db, [keys.head, ...years.map((y) => keys.year(y)), ...counterKeys.map((c) => keys.counter(Number(c.split("#")[0]), c.split("#")[1]!))]);
  const find = (sk: string) => meta.find((m) => m.sk === sk);
  const head = find(keys.head.sk) as { seq: number; hash: string } | undefined;
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const startSeq = seq;
  const yearState = new Map(years.map((y) => [y, (find(keys.year(y).sk)?.status as string | undefined) ?? "open"]));
  const counters = new Map(counterKeys.map((c) => [c, { start: 0, next: 0 }]));
  for (const c of counterKeys) {
    const [y, j] = c.split("#");
    const n = (find(keys.counter(Number(y), j!).sk)?.next as number | undefined) ?? 0;
    counters.set(c, { start: n, next: n });
  }

  const validDate = parisDate(new Date());
  const entryItems: TransactItem[] = [];
  const lineItems: TransactItem[] = [];
  const balances = new Map<string, { year: number; account: string; bucket: string; debit: number; credit: number }>();
  const yearCounts = new Map<number, number>();
  const usedCounters = new Set<string>();
  const settled: Entry[] = [];

  const itemCount = () => entryItems.length + lineItems.length + balances.size + usedCounters.size + yearCounts.size + 1;

  for (const d of drafts) {
    if (yearState.get(d.year) === "closed") {
      if (itemCount() + 1 > MAX_ITEMS) break;
      entryItems.push({
        Update: {
          TableName: db.tableName,
          Key: keys.entry(d.id),
          UpdateExpression: "SET #s = :r, rejection = :why REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "#s = :d",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":r": "rejected", ":d": "draft", ":why": `The fiscal year ${d.year} was closed before the entry was validated.` },
        },
      });
      settled.push({ ...d, status: "rejected", rejection: `The fiscal year ${d.year} was closed before the entry was validated.` });
      continue;
    }
    const counterKey = `${d.year}#${d.journal}`;
    const bucket = d.journal === "CL" ? "CL" : d.date.slice(5, 7);
    const newBalances = new Set(d.lines.map((l) => `${d.year}#${l.account}#${bucket}`).filter((k) => !balances.has(k)));
    const needed = 1 + d.lines.length + newBalances.size + (usedCounters.has(counterKey) ? 0 : 1) + (yearCounts.has(d.year) ? 0 : 1);
    if (itemCount() + needed > MAX_ITEMS) break;

    const counter = counters.get(counterKey)!;
    counter.next += 1;
    usedCounters.add(counterKey);
    seq += 1;
    const validated: Entry = { ...d, status: "validated", number: counter.next, seq, validDate, prevHash };
    validated.hash = entryHash(validated, prevHash);
    prevHash = validated.hash;
    entryItems.push({
      Update: {
        TableName: db.tableName,
        Key: keys.entry(d.id),
        UpdateExpression:
          "SET #s = :v, #n = :n, seq = :seq, validDate = :vd, #h = :h, prevHash = :ph, gsi1pk = :chain, gsi1sk = :seqk, gsi2pk = :jk, gsi2sk = :nk",
        ConditionExpression: "#s = :d",
        ExpressionAttributeNames: { "#s": "status", "#n": "number", "#h": "hash" },
        ExpressionAttributeValues: {
          ":v": "validated",
          ":d": "draft",
          ":n": validated.number,
          ":seq": seq,
          ":vd": validDate,
          ":h": validated.hash,
          ":ph": validated.prevHash,
          ":chain": keys.chain,
          ":seqk": pad(seq, 12),
          ":jk": keys.journalIndex(d.year, d.journal),
          ":nk": pad(validated.number!, 8),
        },
      },
    });
    d.lines.forEach((l, i) => {
      lineItems.push({
        Put: {
          TableName: db.tableName,
          Item: {
            ...keys.line(d.year, l.account, d.date, seq, i),
            kind: "line",
            entryId: d.id,
            journal: d.journal,
            number: validated.number,
            seq,
            date: d.date,
            label: l.label ?? d.label,
            pieceRef: d.pieceRef,
            debit: l.debit,
            credit: l.credit,
            ...(l.aux ? { aux: l.aux } : {}),
          },
        },
      });
      const bk = `${d.year}#${l.account}#${bucket}`;
      const b = balances.get(bk) ?? { year: d.year, account: l.account, bucket, debit: 0, credit: 0 };
      b.debit += l.debit;
      b.credit += l.credit;
      balances.set(bk, b);
    });
    yearCounts.set(d.year, (yearCounts.get(d.year) ?? 0) + 1);
    settled.push(validated);
  }
  if (!settled.length) return [];

  const items: TransactItem[] = [...entryItems, ...lineItems];
  for (const b of balances.values())
    items.push({
      Update: {
        TableName: db.tableName,
        Key: keys.balance(b.year, b.account, b.bucket),
        UpdateExpression: "SET #a = :a, #b = :b, kind = :k ADD debit :d, credit :c",
        ExpressionAttributeNames: { "#a": "account", "#b": "bucket" },
        ExpressionAttributeValues: { ":a": b.account, ":b": b.bucket, ":k": "balance", ":d": b.debit, ":c": b.credit },
      },
    });
  for (const c of usedCounters) {
    const [y, j] = c.split("#");
    const { start, next } = counters.get(c)!;
    items.push({
      Put: {
        TableName: db.tableName,
        Item: { ...keys.counter(Number(y), j!), kind: "counter", next },
        ConditionExpression: start === 0 ? "attribute_not_exists(pk)" : "#n = :start",
        ...(start === 0 ? {} : { ExpressionAttributeNames: { "#n": "next" }, ExpressionAttributeValues: { ":start": start } }),
      },
    });
  }
  for (const [year, count] of yearCounts)
    items.push({
      Update: {
        TableName: db.tableName,
        Key: keys.year(year),
        UpdateExpression: "SET #y = :y, #s = if_not_exists(#s, :open), kind = :k ADD entries :n",
        ConditionExpression: "attribute_not_exists(#s) OR #s <> :closed",
        ExpressionAttributeNames: { "#s": "status", "#y": "year" },
        ExpressionAttributeValues: { ":y": year, ":open": "open", ":closed": "closed", ":k": "year", ":n": count },
      },
    });
  if (seq !== startSeq)
    items.push({
      Put: {
        TableName: db.tableName,
        Item: { ...keys.head, kind: "head", seq, hash: prevHash },
        ConditionExpression: startSeq === 0 ? "attribute_not_exists(pk)" : "seq = :s",
        ...(startSeq === 0 ? {} : { ExpressionAttributeValues: { ":s": startSeq } }),
      },
    });

  await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  return settled;
}

/**
 * Validates every pending draft if this caller can take the lease, and returns the entries it
 * settled (none when another caller holds the lease: that caller validates them). A lost
 * transaction is retried, never surfaced.
 */
export async function drain(db: Db): Promise<Map<string, Entry>> {
  const owner = randomUUID();
  const settled = new Map<string, Entry>();
  if (!(await holdLease(db, owner, "take"))) return settled;
  try {
    for (let round = 0; round < 1000; round++) {
      const ids = await pendingIds(db);
      if (!ids.length) break;
      try {
        const batch = await validateBatch(db, ids);
        // Nothing settled: the index still lists drafts validated a moment ago; they will be gone.
        if (!batch.length) break;
        for (const e of batch) settled.set(e.id, e);
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
      }
      if (!(await holdLease(db, owner, "renew"))) return settled;
    }
  } finally {
    await release(db, owner);
  }
  return settled;
}

/** The chain head: how many entries are validated and the last hash. */
export async function chainHead(db: Db): Promise<{ seq: number; hash: string }> {
  const r = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.head, ConsistentRead: true }));
  return { seq: (r.Item?.seq as number | undefined) ?? 0, hash: (r.Item?.hash as string | undefined) ?? GENESIS_HASH };
}
