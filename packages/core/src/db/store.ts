/**
 * The one storage helper every domain storage module is written with. It knows DynamoDB's limits
 * so that no domain has to: queries are paged (1 MB a page), batch reads go 100 keys a call with
 * unprocessed keys retried, batch writes 25 items a call, transactions name their items so a
 * cancellation says which one failed, and conflicts are retried with back-off.
 *
 * Domain files never import `@aws-sdk/*`: they call their domain's storage module (`ledger/store.ts`,
 * `giving/store.ts`, …), which is written with these functions.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { Db } from "./client.js";

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };
/** One item of a TransactWriteItems call, as the document client takes it. */
type SdkTransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];
type NoTable<T> = T extends object ? Omit<T, "TableName"> : T;
/** One item of a transaction, without its table name (`transact` adds it). */
export type TransactItem = { [K in "Put" | "Update" | "Delete" | "ConditionCheck"]?: NoTable<NonNullable<SdkTransactItem[K]>> };

/** DynamoDB's limits, in one place. */
export const LIMITS = { batchGetKeys: 100, batchWriteItems: 25, transactItems: 100 } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Exponential back-off with full jitter, capped: 10 ms, 20 ms, … up to `cap`. */
export const backoff = (attempt: number, cap = 500) => sleep(Math.random() * Math.min(cap, 10 * 2 ** attempt));

// ---------------------------------------------------------------- reads

export async function getItem(db: Db, key: Key, opts: { consistent?: boolean } = {}): Promise<Item | undefined> {
  const r = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: opts.consistent ?? true }));
  return r.Item as Item | undefined;
}

/** Every page of a query, one page at a time (memory stays flat; a page is at most 1 MB). */
export async function* queryPages(db: Db, input: Omit<QueryCommandInput, "TableName">): AsyncGenerator<Item[]> {
  let start: Record<string, unknown> | undefined = input.ExclusiveStartKey;
  do {
    const r = await db.doc.send(new QueryCommand({ TableName: db.tableName, ...input, ExclusiveStartKey: start }));
    yield (r.Items ?? []) as Item[];
    start = r.LastEvaluatedKey;
  } while (start);
}

/** Every item of a query, across pages. For bounded sets only (a year's receipts, a funder's grants). */
export async function queryAll(db: Db, input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
  const out: Item[] = [];
  for await (const page of queryPages(db, input)) out.push(...page);
  return out;
}

/** One page of a query, with DynamoDB's own resume key (for API cursors, see `cursor.ts`). */
export async function queryPage(db: Db, input: Omit<QueryCommandInput, "TableName">): Promise<{ items: Item[]; lastKey: Record<string, unknown> | undefined }> {
  const r = await db.doc.send(new QueryCommand({ TableName: db.tableName, ...input }));
  return { items: (r.Items ?? []) as Item[], lastKey: r.LastEvaluatedKey };
}

/** Items of a partition whose sort key begins with `prefix`, across pages. */
export function queryPrefix(db: Db, pk: string, prefix: string, opts: { consistent?: boolean; forward?: boolean } = {}): Promise<Item[]> {
  return queryAll(db, {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": pk, ":s": prefix },
    ConsistentRead: opts.consistent ?? true,
    ScanIndexForward: opts.forward ?? true,
  });
}

/**
 * Reads many items by key: 100 keys a call (DynamoDB refuses more), unprocessed keys retried with
 * back-off. Answers the items found in the order of `keyList` (missing keys are left out; a
 * repeated key is read once).
 */
export async function batchGet(db: Db, keyList: readonly Key[], opts: { consistent?: boolean } = {}): Promise<Item[]> {
  const unique = [...new Map(keyList.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const found = new Map<string, Item>();
  for (let i = 0; i < unique.length; i += LIMITS.batchGetKeys) {
    let pending: Key[] = unique.slice(i, i + LIMITS.batchGetKeys);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 0) await backoff(attempt, 1000);
      if (attempt > 12) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
      const r = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending, ConsistentRead: opts.consistent ?? true } } }));
      for (const item of (r.Responses?.[db.tableName] ?? []) as Item[]) found.set(`${item.pk}\u0000${item.sk}`, item);
      pending = (r.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as Key[];
    }
  }
  return keyList.map((k) => found.get(`${k.pk}\u0000${k.sk}`)).filter((i, n, all): i is Item => !!i && all.indexOf(i) === n);
}

/** Writes (puts) many items without a transaction: 25 a call, unprocessed items retried. */
export async function batchPut(db: Db, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += LIMITS.batchWriteItems) {
    let pending = items.slice(i, i + LIMITS.batchWriteItems).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 0) await backoff(attempt, 1000);
      if (attempt > 12) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after ${attempt} attempts`);
      const r = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: pending } }));
      pending = (r.UnprocessedItems?.[db.tableName] ?? []) as typeof pending;
    }
  }
}

// ---------------------------------------------------------------- single writes

/** Puts one item; with a condition, answers false (writing nothing) when the condition fails. */
export async function putItem(
  db: Db,
  item: Item,
  condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<boolean> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: item,
        ...(condition
          ? {
              ConditionExpression: condition.expression,
              ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
              ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
            }
          : {}),
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Updates one item and answers it as written; false (nothing written) when its condition fails. */
export async function updateItem(
  db: Db,
  input: {
    Key: Key;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  },
): Promise<Item | undefined | false> {
  try {
    const r = await db.doc.send(new UpdateCommand({ TableName: db.tableName, ...input, ReturnValues: "ALL_NEW" }));
    return r.Attributes as Item | undefined;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

// ---------------------------------------------------------------- transactions

/** A transaction item with a name, so a cancellation can say which item failed. */
export interface NamedItem {
  name: string;
  item: TransactItem;
}

/**
 * A transaction was cancelled. `failed` names the items whose condition failed; `conflict` is true
 * when another transaction touched the same items at the same time (retry it).
 */
export class TransactionFailed extends Error {
  constructor(
    readonly failed: readonly string[],
    readonly conflict: boolean,
    readonly reasons: Readonly<Record<string, string>>,
    options?: { cause?: unknown },
  ) {
    super(`Transaction cancelled: ${failed.length ? `condition failed on ${failed.join(", ")}` : conflict ? "conflict" : JSON.stringify(reasons)}`, options);
    this.name = "TransactionFailed";
  }
  /** True when the item named `name` failed its condition. */
  has(name: string): boolean {
    return this.failed.includes(name);
  }
}

/** A transaction over DynamoDB's limit of items: a domain must split its work before this. */
export class TooManyItems extends Error {
  constructor(readonly count: number) {
    super(`A transaction takes at most ${LIMITS.transactItems} items; ${count} were given`);
    this.name = "TooManyItems";
  }
}

/**
 * Writes named items in one transaction: all or nothing. Throws `TransactionFailed` naming the
 * items that failed (never read by position), `TooManyItems` over 100 items.
 */
export async function transact(db: Db, items: readonly NamedItem[]): Promise<void> {
  if (!items.length) return;
  if (items.length > LIMITS.transactItems) throw new TooManyItems(items.length);
  const withTable = items.map(({ item }) => {
    const [op, body] = Object.entries(item)[0] as [string, Record<string, unknown>];
    return { [op]: { TableName: db.tableName, ...body } } as SdkTransactItem;
  });
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: withTable }));
  } catch (err) {
    if (!(err instanceof TransactionCanceledException)) throw err;
    const codes = (err.CancellationReasons ?? []).map((r) => r.Code ?? "None");
    const reasons: Record<string, string> = {};
    items.forEach((it, n) => {
      const c = codes[n];
      if (c && c !== "None") reasons[it.name] = c;
    });
    const failed = items.filter((_, n) => codes[n] === "ConditionalCheckFailed").map((it) => it.name);
    throw new TransactionFailed(failed, codes.includes("TransactionConflict"), reasons, { cause: err });
  }
}

/**
 * A conditional write lost to another writer between its read and its write (not a refusal: the
 * caller reads again and decides again). A use case throws it from an attempt that `withConflictRetry`
 * runs with `retryIf: lostRace`.
 */
export class StaleRead extends Error {
  constructor(what = "a conditional write lost to another writer") {
    super(what);
    this.name = "StaleRead";
  }
}

/**
 * The one retry policy. A transaction conflict (another transaction touched the same items at the
 * same time) is always tried again; `retryIf` names more failures worth another attempt from fresh
 * reads (an item read stale, see `staleItem`). Between attempts: exponential back-off with full
 * jitter, 10 ms, 20 ms, … capped at `backoffCap`.
 */
export interface RetryPolicy {
  /** Attempts in all (default 20). */
  attempts?: number;
  retryIf?: (err: unknown) => boolean;
  /** Cap of one back-off, in ms (default 500). */
  backoffCap?: number;
}

/** A transaction conflict with no condition failed: the same transaction may simply run again. */
export const isConflict = (err: unknown): boolean => err instanceof TransactionFailed && err.conflict && !err.failed.length;
/** A transaction whose named items failed their condition because they were read stale: decide again. */
export const staleItem =
  (...names: string[]) =>
  (err: unknown): boolean =>
    err instanceof TransactionFailed && names.some((n) => err.has(n));
/** Any cancelled transaction, or a `StaleRead`: everything is decided again from fresh reads. */
export const anyCancellation = (err: unknown): boolean => err instanceof TransactionFailed || err instanceof StaleRead;
/** A `StaleRead` thrown by the attempt. */
export const lostRace = (err: unknown): boolean => err instanceof StaleRead;

/**
 * Runs `attempt` (given its 0-based number) again while it fails in a way the policy retries, with
 * back-off; any other failure, or the last attempt's, is thrown as it is. A number is the attempts
 * in all.
 */
export async function withConflictRetry<T>(attempt: (n: number) => Promise<T>, policy: number | RetryPolicy = {}): Promise<T> {
  const { attempts = 20, retryIf, backoffCap = 500 } = typeof policy === "number" ? { attempts: policy } : policy;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n + 1 >= attempts || !(isConflict(err) || retryIf?.(err))) throw err;
      await backoff(n, backoffCap);
    }
  }
}

// ---------------------------------------------------------------- counters

/**
 * Adds `by` to the counter at `key` (created at 0) and answers the new value. Use this for numbers
 * that need no gaplessness guarantee together with other writes; gapless numbers are given inside
 * a transaction with `counterItem`.
 */
export async function increment(db: Db, key: Key, by = 1, field = "next"): Promise<number> {
  const r = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: key,
      UpdateExpression: "ADD #f :by",
      ExpressionAttributeNames: { "#f": field },
      ExpressionAttributeValues: { ":by": by },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return r.Attributes?.[field] as number;
}

/** Reads a counter's current value (0 when absent). */
export async function readCounter(db: Db, key: Key, field = "next"): Promise<number> {
  return ((await getItem(db, key))?.[field] as number | undefined) ?? 0;
}

/**
 * The transaction item that moves a counter from `current` to `next`, failing if another writer
 * moved it first (the caller then reads it again and retries): numbers given this way have no gaps.
 */
export function counterItem(key: Key, current: number, next: number, extra: Item = {}, field = "next"): TransactItem {
  return current === 0
    ? {
        Put: {
          Item: { ...key, ...extra, [field]: next },
          ConditionExpression: "attribute_not_exists(#f) OR #f = :zero",
          ExpressionAttributeNames: { "#f": field },
          ExpressionAttributeValues: { ":zero": 0 },
        },
      }
    : {
        Update: {
          Key: key,
          UpdateExpression: "SET #f = :n",
          ConditionExpression: "#f = :c",
          ExpressionAttributeNames: { "#f": field },
          ExpressionAttributeValues: { ":n": next, ":c": current },
        },
      };
}
