/** The ledger's storage — The sequencer: its lease, the pending drafts, its state, and the batch that validates drafts into the hash chain. */
import type { Db } from "../../db/client.js";
import { conditional, rangePages } from "./shared.js";
import { batchGet, getItem, LIMITS, queryPage, queryPages, transact, TransactionFailed, type Item, type NamedItem } from "../../db/store.js";
import { keys, pad } from "../keys.js";
import { GENESIS_HASH, type Entry, type Line } from "../model.js";
import { projectBalanceKey } from "./projects.js";
import { nowMs } from "../../clock.js";

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
  /** Monthly balance deltas; `bucket` is the month `MM`, or `CL` for closing entries; with `project`, that project's balance. */
  balances: { year: number; account: string; bucket: string; debit: number; credit: number; project?: string }[];
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
  // A project's line is also in that project's index (gsi1), in date order: the ledger's project filter reads it.
  ...(l.project ? { project: l.project, gsi1pk: keys.projectLinesIndex(e.year, l.project), gsi1sk: keys.line(e.year, l.account, e.date, e.seq!, i).sk } : {}),
});

/** A rejected draft leaves the waiting index with its reason. */
function rejectedItems(plan: BatchPlan, items: NamedItem[]): void {
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
}

/** A validated entry's number, hash and place in the chain, and its account lines. */
function validatedItems(plan: BatchPlan, items: NamedItem[]): void {
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
}

/** The balance of each (year, account, month) moved by the batch, and of each (year, project, account, month). */
function balanceItems(plan: BatchPlan, items: NamedItem[]): void {
  for (const b of plan.balances)
    if (b.project)
      items.push({
        name: `project-balance:${b.year}#${b.project}#${b.account}#${b.bucket}`,
        item: {
          Update: {
            Key: projectBalanceKey(b.year, b.project, b.account, b.bucket),
            UpdateExpression: "SET #p = :p, #a = :a, #b = :b, kind = :k ADD debit :d, credit :c",
            ExpressionAttributeNames: { "#p": "project", "#a": "account", "#b": "bucket" },
            ExpressionAttributeValues: { ":p": b.project, ":a": b.account, ":b": b.bucket, ":k": "project-balance", ":d": b.debit, ":c": b.credit },
          },
        },
      });
    else
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
}

/** Each (year, journal) counter, moved from the value the plan read. */
function counterItems(plan: BatchPlan, items: NamedItem[]): void {
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
}

/** Each year's entry count; once the closing has computed the result, only its own entries go into the year. */
function yearItems(plan: BatchPlan, items: NamedItem[]): void {
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
}

/** The chain head, moved from the position the plan read. */
function headItem(plan: BatchPlan, items: NamedItem[]): void {
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
}

/** The most items a batch's transaction may hold (DynamoDB's limit). */
export const MAX_BATCH_ITEMS: number = LIMITS.transactItems;

/**
 * Writes a batch in one transaction: each entry's number, hash and place in the chain, its account
 * lines, the balances, the counters, the years and the chain head. Answers false (nothing written)
 * when the transaction was cancelled, anything having moved since it was read (another sequencer, a
 * year sealed): the caller reads again.
 */
export async function commitBatch(db: Db, plan: BatchPlan): Promise<boolean> {
  const items: NamedItem[] = [];
  for (const add of [rejectedItems, validatedItems, balanceItems, counterItems, yearItems, headItem]) add(plan, items);
  try {
    await transact(db, items);
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed) return false;
    throw err;
  }
}

/** The chain head: how many entries are validated and the last hash. */
export async function readChainHead(db: Db): Promise<{ seq: number; hash: string }> {
  const item = await getItem(db, keys.head);
  return { seq: (item?.seq as number | undefined) ?? 0, hash: (item?.hash as string | undefined) ?? GENESIS_HASH };
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
