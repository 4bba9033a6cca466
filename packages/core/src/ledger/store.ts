/**
 * The ledger's storage: every DynamoDB read and write of the ledger, by intent, written with the
 * shared helper (`db/store.ts`). The rule files (posting, sequencer, closing, queries, fec, chart)
 * decide; this module only knows the item layout (keys.ts) and turns a decision into items.
 *
 * Every transaction names its items, so a cancellation says which one failed.
 */
import type { Db } from "../db/client.js";
import {
  batchGet,
  getItem,
  queryAll,
  queryPage,
  queryPages,
  queryPrefix,
  transact,
  TransactionFailed,
  withConflictRetry,
  type Item,
  type NamedItem,
} from "../db/store.js";
import { keys, pad } from "./keys.js";
import type { Account } from "./chart.js";
import { GENESIS_HASH, type Entry, type Line } from "./model.js";
import { nowMs, nowIso } from "../clock.js";

// ---------------------------------------------------------------- entries

export async function readEntry(db: Db, id: string): Promise<Entry | undefined> {
  return (await getItem(db, keys.entry(id))) as Entry | undefined;
}

/** Entries by id, in the order asked (missing ones left out): 100 keys a call, whatever the count. */
export async function readEntries(db: Db, ids: readonly string[], opts: { consistent?: boolean } = {}): Promise<Entry[]> {
  if (!ids.length) return [];
  return (await batchGet(
    db,
    ids.map((id) => keys.entry(id)),
    opts,
  )) as unknown as Entry[];
}

/** One read for both: the entry, and whether the sequencer's lease is free to take. */
export async function readEntryAndLease(db: Db, id: string): Promise<{ entry: Entry | undefined; leaseFree: boolean }> {
  const items = await batchGet(db, [keys.entry(id), keys.lease]);
  const entry = items.find((i) => i.sk === "ENTRY") as Entry | undefined;
  const lease = items.find((i) => i.sk === keys.lease.sk);
  return { entry, leaseFree: !lease || (lease.expiresAt as number) < nowMs() };
}

// ---------------------------------------------------------------- drafts

export interface IdempotencyRecord {
  operation: string;
  key: string;
  requestHash: string;
  ttl?: number;
}

/** Why a draft was not written. */
export type DraftRefusal = "books-closed" | "year-closed" | "entry-exists" | "idempotency-used" | "already-reversed";

/**
 * Writes a draft entry in one transaction with: the check that its year is open (and not before
 * the last closed year), its idempotency marker, its reversal marker, and the caller's own items.
 * A lost race (transaction conflict) is retried; a failed condition is answered as a refusal.
 */
export async function appendDraft(
  db: Db,
  entry: Entry,
  opts: { system?: boolean; idempotency?: IdempotencyRecord; extraItems?: readonly NamedItem[] },
): Promise<{ written: true } | { written: false; refusal: DraftRefusal }> {
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
  items.push(...(opts.extraItems ?? []));
  try {
    await withConflictRetry(() => transact(db, items));
    return { written: true };
  } catch (err) {
    if (!(err instanceof TransactionFailed)) throw err;
    const refusal: DraftRefusal | undefined = err.has("closed-through")
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
    if (!refusal) throw err;
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

// ---------------------------------------------------------------- the sequencer

/** One conditional write on one item, as a named transaction: true when its condition held. */
async function conditional(db: Db, item: NamedItem["item"]): Promise<boolean> {
  try {
    await withConflictRetry(() => transact(db, [{ name: "it", item }]), 6);
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && (err.has("it") || err.conflict)) return false;
    throw err;
  }
}

/** Takes the sequencer's lease (free or expired) or renews it (still ours); false when another holds it. */
export function holdLease(db: Db, owner: string, mode: "take" | "renew", ms: number): Promise<boolean> {
  const now = nowMs();
  return conditional(db, {
    Update: {
      Key: keys.lease,
      UpdateExpression: "SET #o = :o, expiresAt = :e",
      ConditionExpression: mode === "take" ? "attribute_not_exists(#o) OR expiresAt < :now" : "#o = :o",
      ExpressionAttributeNames: { "#o": "owner" },
      ExpressionAttributeValues: { ":o": owner, ":e": now + ms, ...(mode === "take" ? { ":now": now } : {}) },
    },
  });
}

export async function releaseLease(db: Db, owner: string): Promise<void> {
  await conditional(db, {
    Delete: {
      Key: keys.lease,
      ConditionExpression: "#o = :o",
      ExpressionAttributeNames: { "#o": "owner" },
      ExpressionAttributeValues: { ":o": owner },
    },
  });
}

/** Ids of drafts waiting for validation, oldest first (the index is eventually consistent). */
export async function pendingDraftIds(db: Db, limit: number): Promise<string[]> {
  const { items } = await queryPage(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": keys.pending },
    ProjectionExpression: "id",
    Limit: limit,
  });
  return items.map((i) => i.id as string);
}

export interface YearState {
  status: "open" | "closing" | "closed";
  /** Set once the closing has computed the year's result: only closing entries may be validated into it. */
  sealed: boolean;
}

export interface SequencerState {
  head: { seq: number; hash: string };
  years: Map<number, YearState>;
  /** `year#journal` → the last number given. */
  counters: Map<string, number>;
}

export const counterId = (year: number, journal: string) => `${year}#${journal}`;

/** What the sequencer needs before numbering a batch: the chain head, the years, the counters. */
export async function readSequencerState(db: Db, years: readonly number[], counters: readonly { year: number; journal: string }[]): Promise<SequencerState> {
  const meta = await batchGet(db, [keys.head, ...years.map((y) => keys.year(y)), ...counters.map((c) => keys.counter(c.year, c.journal))]);
  const find = (sk: string) => meta.find((m) => m.sk === sk);
  const head = find(keys.head.sk);
  return {
    head: { seq: (head?.seq as number | undefined) ?? 0, hash: (head?.hash as string | undefined) ?? GENESIS_HASH },
    years: new Map(
      years.map((y) => {
        const item = find(keys.year(y).sk);
        return [y, { status: (item?.status as YearState["status"] | undefined) ?? "open", sealed: item?.sealedAt !== undefined }];
      }),
    ),
    counters: new Map(counters.map((c) => [counterId(c.year, c.journal), (find(keys.counter(c.year, c.journal).sk)?.next as number | undefined) ?? 0])),
  };
}

/** What one sequencer batch writes, decided by the sequencer (sequencer.ts `planBatch`). */
export interface BatchPlan {
  validated: Entry[];
  rejected: { id: string; reason: string }[];
  /** Monthly balance deltas; `bucket` is the month `MM`, or `CL` for closing entries. */
  balances: { year: number; account: string; bucket: string; debit: number; credit: number }[];
  counters: { year: number; journal: string; from: number; to: number }[];
  /** Validated entries per year; `ordinary` when some are not the closing's own (the year must not be sealed). */
  years: { year: number; count: number; ordinary: boolean }[];
  head: { from: number; seq: number; hash: string } | undefined;
}

/** How many transaction items a plan takes (DynamoDB allows 100). */
export function planItemCount(plan: Pick<BatchPlan, "validated" | "rejected" | "balances" | "counters" | "years" | "head">): number {
  return (
    plan.validated.reduce((n, e) => n + 1 + e.lines.length, 0) +
    plan.rejected.length +
    plan.balances.length +
    plan.counters.length +
    plan.years.length +
    (plan.head ? 1 : 0)
  );
}

const lineItem = (e: Entry, l: Line, i: number): Item => ({
  ...keys.line(e.year, l.account, e.date, e.seq!, i),
  kind: "line",
  entryId: e.id,
  journal: e.journal,
  number: e.number,
  seq: e.seq,
  date: e.date,
  label: l.label ?? e.label,
  pieceRef: e.pieceRef,
  debit: l.debit,
  credit: l.credit,
  ...(l.aux ? { aux: l.aux } : {}),
});

/**
 * Writes a batch in one transaction: each entry's number, hash and place in the chain, its account
 * lines, the balances, the counters, the years and the chain head. Throws `TransactionFailed` when
 * anything moved since it was read (another sequencer, a year sealed): the caller reads again.
 */
export async function commitBatch(db: Db, plan: BatchPlan): Promise<void> {
  const items: NamedItem[] = [];
  for (const r of plan.rejected)
    items.push({
      name: `entry:${r.id}`,
      item: {
        Update: {
          Key: keys.entry(r.id),
          UpdateExpression: "SET #s = :r, rejection = :why REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "#s = :d",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":r": "rejected", ":d": "draft", ":why": r.reason },
        },
      },
    });
  for (const e of plan.validated) {
    items.push({
      name: `entry:${e.id}`,
      item: {
        Update: {
          Key: keys.entry(e.id),
          UpdateExpression:
            "SET #s = :v, #n = :n, seq = :seq, validDate = :vd, #h = :h, prevHash = :ph, gsi1pk = :chain, gsi1sk = :seqk, gsi2pk = :jk, gsi2sk = :nk",
          ConditionExpression: "#s = :d",
          ExpressionAttributeNames: { "#s": "status", "#n": "number", "#h": "hash" },
          ExpressionAttributeValues: {
            ":v": "validated",
            ":d": "draft",
            ":n": e.number,
            ":seq": e.seq,
            ":vd": e.validDate,
            ":h": e.hash,
            ":ph": e.prevHash,
            ":chain": keys.chain,
            ":seqk": pad(e.seq!, 12),
            ":jk": keys.journalIndex(e.year, e.journal),
            ":nk": pad(e.number!, 8),
          },
        },
      },
    });
    e.lines.forEach((l, i) => items.push({ name: `line:${e.id}:${i}`, item: { Put: { Item: lineItem(e, l, i) } } }));
  }
  for (const b of plan.balances)
    items.push({
      name: `balance:${b.year}#${b.account}#${b.bucket}`,
      item: {
        Update: {
          Key: keys.balance(b.year, b.account, b.bucket),
          UpdateExpression: "SET #a = :a, #b = :b, kind = :k ADD debit :d, credit :c",
          ExpressionAttributeNames: { "#a": "account", "#b": "bucket" },
          ExpressionAttributeValues: { ":a": b.account, ":b": b.bucket, ":k": "balance", ":d": b.debit, ":c": b.credit },
        },
      },
    });
  for (const c of plan.counters)
    items.push({
      name: `counter:${counterId(c.year, c.journal)}`,
      item:
        c.from === 0
          ? { Put: { Item: { ...keys.counter(c.year, c.journal), kind: "counter", next: c.to }, ConditionExpression: "attribute_not_exists(pk)" } }
          : {
              Update: {
                Key: keys.counter(c.year, c.journal),
                UpdateExpression: "SET #n = :to",
                ConditionExpression: "#n = :from",
                ExpressionAttributeNames: { "#n": "next" },
                ExpressionAttributeValues: { ":from": c.from, ":to": c.to },
              },
            },
    });
  for (const y of plan.years)
    items.push({
      name: `year:${y.year}`,
      item: {
        Update: {
          Key: keys.year(y.year),
          UpdateExpression: "SET #y = :y, #s = if_not_exists(#s, :open), kind = :k ADD entries :n",
          // Once the closing has computed the result, only its own entries go into the year.
          ConditionExpression: y.ordinary
            ? "(attribute_not_exists(#s) OR #s <> :closed) AND attribute_not_exists(sealedAt)"
            : "attribute_not_exists(#s) OR #s <> :closed",
          ExpressionAttributeNames: { "#s": "status", "#y": "year" },
          ExpressionAttributeValues: { ":y": y.year, ":open": "open", ":closed": "closed", ":k": "year", ":n": y.count },
        },
      },
    });
  if (plan.head)
    items.push({
      name: "head",
      item: {
        Put: {
          Item: { ...keys.head, kind: "head", seq: plan.head.seq, hash: plan.head.hash },
          ...(plan.head.from === 0
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : { ConditionExpression: "seq = :s", ExpressionAttributeValues: { ":s": plan.head.from } }),
        },
      },
    });
  await transact(db, items);
}

/** The chain head: how many entries are validated and the last hash. */
export async function readChainHead(db: Db): Promise<{ seq: number; hash: string }> {
  const item = await getItem(db, keys.head);
  return { seq: (item?.seq as number | undefined) ?? 0, hash: (item?.hash as string | undefined) ?? GENESIS_HASH };
}

/**
 * Reads an index partition in ranges of its sort key (numbers 1..`last`, 2 000 at a time), each
 * range paged. DynamoDB pages in constant time either way; DynamoDB Local makes each page cost in
 * proportion to its offset (30 000 items: 10.9 s paged through, 0.9 s by ranges), so ranges keep
 * local exports and checks of large years linear.
 */
async function* rangePages(db: Db, index: "gsi1" | "gsi2", pk: string, last: number, width: number): AsyncGenerator<Item[]> {
  const RANGE = 2000;
  const [p, s] = index === "gsi1" ? ["gsi1pk", "gsi1sk"] : ["gsi2pk", "gsi2sk"];
  for (let a = 1; a <= last; a += RANGE)
    yield* queryPages(db, {
      IndexName: index,
      KeyConditionExpression: `${p} = :p AND ${s} BETWEEN :a AND :b`,
      ExpressionAttributeValues: { ":p": pk, ":a": pad(a, width), ":b": pad(Math.min(a + RANGE - 1, last), width) },
    });
}

/** The validated entries in chain order, a page at a time. */
export async function* chainPages(db: Db): AsyncGenerator<Entry[]> {
  const { seq } = await readChainHead(db);
  for await (const page of rangePages(db, "gsi1", keys.chain, seq, 12)) yield page as unknown as Entry[];
  // Anything past the head (there should be nothing) is read too, so the check can name it.
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p AND gsi1sk > :s",
    ExpressionAttributeValues: { ":p": keys.chain, ":s": pad(seq, 12) },
  }))
    yield page as unknown as Entry[];
}

// ---------------------------------------------------------------- years and closing

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

// ---------------------------------------------------------------- balances, lines, journals

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
}

export type ResumeKey = Record<string, unknown>;

/** One page of an account's lines in date order, optionally between two dates. */
export async function readAccountLines(
  db: Db,
  q: { year: number; account: string; limit: number; start?: ResumeKey; from?: string; to?: string },
): Promise<{ items: LineRecord[]; next: ResumeKey | undefined }> {
  const range = q.from !== undefined && q.to !== undefined;
  const { items, lastKey } = await queryPage(db, {
    KeyConditionExpression: range ? "pk = :p AND sk BETWEEN :a AND :b" : "pk = :p",
    ExpressionAttributeValues: { ":p": keys.linesPartition(q.year, q.account), ...(range ? { ":a": q.from, ":b": `${q.to}#~` } : {}) },
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

// ---------------------------------------------------------------- the association's own accounts

const toAccount = (i: Item): Account => ({
  number: i.number as string,
  label: i.label as string,
  class: i.class as number,
  custom: true,
  parent: i.parent as string,
});

/** Every sub-account the association added. */
export async function readCustomAccounts(db: Db): Promise<Account[]> {
  return (await queryPrefix(db, keys.chartPartition, "ACCOUNT#")).map(toAccount);
}

/** The sub-accounts among `numbers` (one batch read; seeded numbers need none). */
export async function readCustomAccountsByNumber(db: Db, numbers: readonly string[]): Promise<Account[]> {
  if (!numbers.length) return [];
  return (
    await batchGet(
      db,
      numbers.map((n) => keys.account(n)),
    )
  ).map(toAccount);
}

/** Stores a new sub-account; false when its number is already taken. */
export async function saveCustomAccount(db: Db, a: Account & { createdAt: string; createdBy?: unknown }): Promise<boolean> {
  try {
    await withConflictRetry(() =>
      transact(db, [
        {
          name: "account",
          item: {
            Put: {
              Item: {
                ...keys.account(a.number),
                kind: "account",
                number: a.number,
                label: a.label,
                class: a.class,
                parent: a.parent,
                createdAt: a.createdAt,
                ...(a.createdBy ? { createdBy: a.createdBy } : {}),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        },
      ]),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("account")) return false;
    throw err;
  }
}

// ---------------------------------------------------------------- export jobs

export interface ExportJob {
  id: string;
  year: number;
  format: "fec" | "csv";
  status: "pending" | "running" | "done" | "failed";
  fileName: string;
  /** Where the file goes in the files bucket. */
  objectKey: string;
  createdAt: string;
  createdBy?: { sub: string; role: string; requestId: string };
  startedAt?: string;
  finishedAt?: string;
  bytes?: number;
  error?: string;
}

/** Export jobs are kept a week (TTL), like their files (the bucket's lifecycle rule). */
const EXPORT_TTL_SECONDS = 7 * 24 * 3600;

export async function saveExportJob(db: Db, job: ExportJob): Promise<void> {
  await transact(db, [
    {
      name: "job",
      item: {
        Put: {
          Item: { ...keys.exportJob(job.id), kind: "export-job", ...job, ttl: Math.floor(nowMs() / 1000) + EXPORT_TTL_SECONDS },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    },
  ]);
}

export async function readExportJob(db: Db, id: string): Promise<ExportJob | undefined> {
  const item = await getItem(db, keys.exportJob(id));
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, kind: _kind, ttl: _ttl, ...job } = item;
  return job as unknown as ExportJob;
}

/**
 * Moves a job on: `running` only from `pending` (so two runners never both run it), `done` or
 * `failed` only from `running`. False when the job was not in the expected state.
 */
export function moveExportJob(
  db: Db,
  id: string,
  to: "running" | "done" | "failed",
  fields: Partial<Pick<ExportJob, "startedAt" | "finishedAt" | "bytes" | "error">> = {},
): Promise<boolean> {
  const names: Record<string, string> = { "#s": "status" };
  const values: Record<string, unknown> = { ":to": to, ":from": to === "running" ? "pending" : "running" };
  let set = "SET #s = :to";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    set += `, #${k} = :${k}`;
  }
  return conditional(db, {
    Update: {
      Key: keys.exportJob(id),
      UpdateExpression: set,
      ConditionExpression: "#s = :from",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  });
}

/** How many entries a year holds (kept on the year item by the sequencer). */
export async function readYearEntryCount(db: Db, year: number): Promise<number> {
  return ((await getItem(db, keys.year(year), { consistent: false }))?.entries as number | undefined) ?? 0;
}
