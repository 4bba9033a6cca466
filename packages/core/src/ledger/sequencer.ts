/**
 * The sequencer: the single writer that validates draft entries in the order they were written.
 * Whoever holds its lease (a conditional item with an expiry) takes the pending drafts in batches
 * and, in one transaction per batch, gives each its number within (year, journal), its validation
 * date, its place and hash in the chain, its account lines and the monthly balance updates. With
 * one writer, concurrent posts never fight over a counter; the batch makes it faster as load grows.
 *
 * A draft is rejected instead when its year was closed, or when the year is sealed (the closing
 * has computed its result) and the draft is not one of the closing's own entries.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { parisDate } from "../dates.js";
import { SYSTEM_JOURNALS } from "./journals.js";
import { entryHash, type Entry } from "./model.js";
import {
  commitBatch,
  counterId,
  holdLease,
  MAX_BATCH_ITEMS,
  pendingDraftIds,
  planItemCount,
  readChainHead,
  readEntries,
  readSequencerState,
  releaseLease,
  type BatchPlan,
  type SequencerState,
} from "./store.js";
import { now } from "../clock.js";

const LEASE_MS = 15_000;
const PENDING_PAGE = 100;

/** The balance bucket of an entry: its month, or `CL` for the closing entries (kept apart). */
const bucketOf = (e: Entry) => (e.journal === "CL" ? "CL" : e.date.slice(5, 7));

/**
 * Decides a batch (pure): which drafts are validated with which number, position and hash, which
 * are rejected, and the balance, counter, year and head updates — in draft order, stopping before
 * the transaction would pass DynamoDB's item limit.
 */
export function planBatch(drafts: readonly Entry[], state: SequencerState, validDate: string, maxItems: number = MAX_BATCH_ITEMS): BatchPlan {
  let seq = state.head.seq;
  let prevHash = state.head.hash;
  const validated: Entry[] = [];
  const rejected: BatchPlan["rejected"] = [];
  const balances = new Map<string, BatchPlan["balances"][number]>();
  const counters = new Map<string, { year: number; journal: string; from: number; to: number }>();
  const years = new Map<number, { year: number; count: number; ordinary: boolean }>();
  const count = () =>
    planItemCount({
      validated,
      rejected,
      balances: [...balances.values()],
      counters: [...counters.values()],
      years: [...years.values()],
      head: { from: 0, seq: 0, hash: "" },
    });

  for (const d of drafts) {
    const year = state.years.get(d.year) ?? { status: "open", sealed: false };
    const own = SYSTEM_JOURNALS.includes(d.journal);
    const refusal =
      year.status === "closed"
        ? `The fiscal year ${d.year} was closed before the entry was validated.`
        : year.sealed && !own
          ? `The fiscal year ${d.year} is being closed and its result is computed: the entry was not validated.`
          : undefined;
    if (refusal) {
      if (count() + 1 > maxItems) break;
      rejected.push({ id: d.id, reason: refusal });
      continue;
    }
    const cid = counterId(d.year, d.journal);
    const bucket = bucketOf(d);
    const keysOf = (l: Entry["lines"][number]) => [
      `${d.year}#${l.account}#${bucket}`,
      ...(l.project ? [`P#${d.year}#${l.project}#${l.account}#${bucket}`] : []),
    ];
    const newBalances = new Set(d.lines.flatMap(keysOf).filter((k) => !balances.has(k)));
    const needed = 1 + d.lines.length + newBalances.size + (counters.has(cid) ? 0 : 1) + (years.has(d.year) ? 0 : 1);
    if (count() + needed > maxItems) break;

    const from = state.counters.get(cid) ?? 0;
    const counter = counters.get(cid) ?? { year: d.year, journal: d.journal, from, to: from };
    counter.to += 1;
    counters.set(cid, counter);
    seq += 1;
    const e: Entry = { ...d, status: "validated", number: counter.to, seq, validDate, prevHash };
    e.hash = entryHash(e, prevHash);
    prevHash = e.hash;
    validated.push(e);
    for (const l of d.lines)
      for (const k of keysOf(l)) {
        const b = balances.get(k) ?? { year: d.year, account: l.account, bucket, debit: 0, credit: 0, ...(k.startsWith("P#") ? { project: l.project } : {}) };
        b.debit += l.debit;
        b.credit += l.credit;
        balances.set(k, b);
      }
    const y = years.get(d.year) ?? { year: d.year, count: 0, ordinary: false };
    y.count += 1;
    y.ordinary ||= !own;
    years.set(d.year, y);
  }
  return {
    validated,
    rejected,
    balances: [...balances.values()],
    counters: [...counters.values()],
    years: [...years.values()],
    head: validated.length ? { from: state.head.seq, seq, hash: prevHash } : undefined,
  };
}

/**
 * Validates one batch of drafts (in the given order) in one transaction. Returns the entries settled,
 * or undefined when something moved since the batch was read (nothing written).
 */
async function validateBatch(db: Db, ids: string[]): Promise<Entry[] | undefined> {
  const drafts = (await readEntries(db, ids)).filter((e) => e.status === "draft");
  if (!drafts.length) return [];
  const years = [...new Set(drafts.map((d) => d.year))];
  const counters = [...new Map(drafts.map((d) => [counterId(d.year, d.journal), { year: d.year, journal: d.journal }])).values()];
  const state = await readSequencerState(db, years, counters);
  const plan = planBatch(drafts, state, parisDate(now()));
  if (!plan.validated.length && !plan.rejected.length) return [];
  if (!(await commitBatch(db, plan))) return undefined;
  const rejected = new Map(plan.rejected.map((r) => [r.id, r.reason]));
  return [...plan.validated, ...drafts.filter((d) => rejected.has(d.id)).map((d): Entry => ({ ...d, status: "rejected", rejection: rejected.get(d.id)! }))];
}

/**
 * Validates every pending draft if this caller can take the lease, and returns the entries it
 * settled (none when another caller holds the lease: that caller validates them). A lost
 * transaction is retried, never surfaced.
 */
export async function drain(db: Db): Promise<Map<string, Entry>> {
  const owner = randomUUID();
  const settled = new Map<string, Entry>();
  if (!(await holdLease(db, owner, "take", LEASE_MS))) return settled;
  try {
    for (let round = 0; round < 1000; round++) {
      const ids = await pendingDraftIds(db, PENDING_PAGE);
      if (!ids.length) break;
      const batch = await validateBatch(db, ids);
      // Something moved since the batch was read (a year sealed, a counter): read again.
      if (batch) {
        // Nothing settled: the index still lists drafts validated a moment ago; they will be gone.
        if (!batch.length) break;
        for (const e of batch) settled.set(e.id, e);
      }
      if (!(await holdLease(db, owner, "renew", LEASE_MS))) return settled;
    }
  } finally {
    await releaseLease(db, owner);
  }
  return settled;
}

/** True while some draft waits for validation. */
export async function hasPending(db: Db): Promise<boolean> {
  return (await pendingDraftIds(db, 1)).length > 0;
}

/** The chain head: how many entries are validated and the last hash. */
export const chainHead = readChainHead;
