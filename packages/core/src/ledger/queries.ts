/**
 * Reading the ledger. The trial balance reads the monthly balance items (accounts × months), never
 * the entries; the general ledger pages through one account's lines; the integrity check walks the
 * chain of validated entries. Listing cursors are signed (the store's, db/cursor.ts): a forged one is a 400.
 */
import type { Db } from "../db/client.js";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "../dates.js";
import { ValidationError } from "../errors.js";
import { loadChart } from "./accounts.js";
import { JOURNAL_CODES, type JournalCode } from "./journals.js";
import { entryHash, entryRef, entryView, GENESIS_HASH, type EntryView } from "./model.js";
import {
  chainPages,
  entriesCursor,
  generalLedgerCursor,
  readAccountLines,
  readBalances,
  readChainHead,
  readEntries,
  readJournalIds,
  readYears,
  type EntriesCursor,
  type ResumeKey,
} from "./store.js";
import { now } from "../clock.js";
import { readProjectBalances, readProjectLines } from "./store/projects.js";
import { checkProjects } from "../projects/index.js";

// ---------------------------------------------------------------- years

export interface YearInfo {
  year: number;
  status: "open" | "closing" | "closed";
  closedAt?: string;
  result?: number;
  entries?: number;
}

/** The fiscal years with entries or a status, and the current one. */
export async function listYears(db: Db, today = parisDate(now())): Promise<YearInfo[]> {
  const out = new Map<number, YearInfo>();
  for (const y of await readYears(db))
    out.set(y.year, {
      year: y.year,
      status: y.status,
      ...(y.closedAt ? { closedAt: y.closedAt } : {}),
      ...(y.result !== undefined ? { result: y.result } : {}),
      entries: y.entries,
    });
  const current = fiscalYearOf(today);
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
  const chart = await loadChart(db);
  const sums = new Map<string, { debit: number; credit: number }>();
  for (const b of await readBalances(db, year)) {
    if (opts.closing === "exclude" && b.bucket === "CL") continue;
    const s = sums.get(b.account) ?? { debit: 0, credit: 0 };
    s.debit += b.debit;
    s.credit += b.credit;
    sums.set(b.account, s);
  }
  const accounts: AccountBalance[] = [...sums.entries()]
    .filter(([, s]) => s.debit !== 0 || s.credit !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([account, s]) => ({ account, label: chart.label(account), debit: s.debit, credit: s.credit, balance: s.debit - s.credit }));
  const totals = accounts.reduce((t, a) => ({ debit: t.debit + a.debit, credit: t.credit + a.credit }), { debit: 0, credit: 0 });
  return { year, accounts, totals };
}

// ---------------------------------------------------------------- general ledger

/**
 * One account's lines in date order with the running balance, a page at a time. With `project`,
 * only that project's lines of the account (and their running balance): the account's lines are
 * filtered page by page, at most 20 pages a call (the answer may be short, with a cursor).
 */
export async function generalLedger(db: Db, q: { year: number; account: string; limit: number; cursor?: string; project?: string }) {
  const c = generalLedgerCursor.read(q.cursor);
  if (c && (c.y !== q.year || c.a !== q.account || c.p !== q.project))
    throw new ValidationError([{ path: "cursor", message: "belongs to another year, account or project" }]);
  await checkProjects(db, q.project ? [{ path: "project", project: q.project }] : []);
  const chart = await loadChart(db);
  const page: { items: Awaited<ReturnType<typeof readAccountLines>>["items"]; next: ResumeKey | undefined } = { items: [], next: c?.k };
  for (let round = 0; round < (q.project ? 20 : 1) && page.items.length < q.limit; round++) {
    const p = await readAccountLines(db, { year: q.year, account: q.account, limit: q.limit - page.items.length, start: page.next, project: q.project });
    page.items.push(...p.items);
    page.next = p.next;
    if (!p.next) break;
  }
  let balance = c?.b ?? 0;
  const items = page.items.map((i) => {
    balance += i.debit - i.credit;
    return {
      date: i.date,
      journal: i.journal,
      number: i.number,
      ref: entryRef({ journal: i.journal as JournalCode, number: i.number }),
      entryId: i.entryId,
      label: i.label,
      pieceRef: i.pieceRef,
      debit: i.debit,
      credit: i.credit,
      ...(i.aux ? { aux: i.aux } : {}),
      ...(i.project ? { project: i.project } : {}),
      balance,
    };
  });
  return {
    year: q.year,
    account: q.account,
    label: chart.label(q.account),
    items,
    nextCursor: page.next ? generalLedgerCursor.write({ y: q.year, a: q.account, k: page.next, b: balance, ...(q.project ? { p: q.project } : {}) }) : null,
  };
}

// ---------------------------------------------------------------- entries

/**
 * Validated entries between two dates (default: the current fiscal year), optionally of one
 * journal or touching one account, in number order per (year, journal) — or date order for an account.
 * With `project`: the entries with a line on that project, in date order, read from the project's
 * lines index (gsi1 `PLINES#<year>#<project>`), never the other entries; journal and account then
 * filter those.
 */
export async function listEntries(
  db: Db,
  q: { from?: string; to?: string; journal?: JournalCode; account?: string; project?: string; limit: number; cursor?: string },
  today = parisDate(now()),
): Promise<{ items: EntryView[]; nextCursor: string | null }> {
  const from = q.from ?? fiscalYearBounds(fiscalYearOf(q.to ?? today)).start;
  const to = q.to ?? fiscalYearBounds(fiscalYearOf(from)).end;
  if (from > to) throw new ValidationError([{ path: "from", message: "must not be after `to`" }]);
  const filters = JSON.stringify([from, to, q.journal ?? null, q.account ?? null, ...(q.project ? [q.project] : [])]);
  const c = entriesCursor.read(q.cursor);
  if (c && c.f !== filters) throw new ValidationError([{ path: "cursor", message: "was given for other filters" }]);
  await checkProjects(db, q.project ? [{ path: "project", project: q.project }] : []);
  const project = q.project;
  // An entry whose lines straddled the previous page's end was listed there: its other lines are skipped.
  let skipSeq = project && c?.k ? Number(String(c.k.gsi1sk).split("#")[1]) : undefined;
  const lastYear = fiscalYearOf(to);
  const journals = q.journal ? [q.journal] : JOURNAL_CODES;
  let y = c?.y ?? fiscalYearOf(from);
  let j = c?.j ?? 0;
  let start = c?.k;
  const items: EntryView[] = [];
  const seen = new Set<string>();
  while (y <= lastYear && items.length < q.limit) {
    const want = q.limit - items.length;
    const page = project
      ? await readProjectLines(db, { year: y, project, limit: want, start, from, to }).then((p) => ({
          ids: [...new Set(p.items.filter((i) => i.seq !== skipSeq).map((i) => i.entryId))],
          next: p.next,
        }))
      : q.account
        ? await readAccountLines(db, { year: y, account: q.account, limit: want, start, from, to }).then((p) => ({
            ids: [...new Set(p.items.map((i) => i.entryId))],
            next: p.next,
          }))
        : await readJournalIds(db, { year: y, journal: journals[j]!, limit: want, start, from, to });
    skipSeq = undefined;
    for (const e of await readEntries(db, page.ids, { consistent: false }))
      if (!seen.has(e.id) && (!q.journal || e.journal === q.journal) && (!project || !q.account || e.lines.some((l) => l.account === q.account))) {
        seen.add(e.id);
        items.push(entryView(e));
      }
    start = page.next;
    if (!start) {
      if (!q.account && !project && j + 1 < journals.length) j++;
      else {
        y++;
        j = 0;
      }
    }
  }
  const more = y <= lastYear;
  return { items, nextCursor: more ? entriesCursor.write({ f: filters, y, j, ...(start ? { k: start } : {}) } satisfies EntriesCursor) : null };
}

// ---------------------------------------------------------------- integrity

/** Re-verifies the whole chain: every hash recomputed, every link and position checked. */
export async function verifyChain(db: Db) {
  const head = await readChainHead(db);
  let prev = GENESIS_HASH;
  let expected = 1;
  let count = 0;
  for await (const page of chainPages(db)) {
    for (const e of page) {
      const broken = (reason: string) => ({
        ok: false,
        entries: head.seq,
        head: head.hash,
        firstBroken: { seq: e.seq ?? expected, id: e.id, ref: entryRef(e), reason },
      });
      if (e.seq !== expected) return broken(`expected position ${expected}, found ${e.seq}`);
      if (e.prevHash !== prev) return broken("does not link to the previous entry's hash");
      if (entryHash(e, prev) !== e.hash) return broken("its content does not match its hash");
      prev = e.hash!;
      expected++;
      count++;
    }
  }
  if (count !== head.seq)
    return {
      ok: false,
      entries: head.seq,
      head: head.hash,
      firstBroken: { seq: count + 1, id: "", ref: null, reason: `the chain has ${count} entries, the head says ${head.seq}` },
    };
  if (prev !== head.hash)
    return { ok: false, entries: head.seq, head: head.hash, firstBroken: { seq: count, id: "", ref: null, reason: "the last entry's hash is not the head's" } };
  return { ok: true, entries: count, head: head.hash };
}

// ---------------------------------------------------------------- projects (analytic axis)

/**
 * A year's balances by project, before the closing entries: per project and account, the sums of
 * the lines that carry the project (read from the project balance items, never the entries). One
 * project's when named.
 */
export async function projectBalances(db: Db, year: number, project?: string) {
  const [chart, records] = await Promise.all([loadChart(db), readProjectBalances(db, year, project)]);
  const sums = new Map<string, { project: string; account: string; debit: number; credit: number }>();
  for (const r of records) {
    if (r.bucket === "CL") continue;
    const k = `${r.project}#${r.account}`;
    const s = sums.get(k) ?? { project: r.project, account: r.account, debit: 0, credit: 0 };
    s.debit += r.debit;
    s.credit += r.credit;
    sums.set(k, s);
  }
  const accounts = [...sums.values()]
    .filter((s) => s.debit !== 0 || s.credit !== 0)
    .sort((a, b) => a.project.localeCompare(b.project) || a.account.localeCompare(b.account))
    .map((s) => ({ ...s, label: chart.label(s.account), balance: s.debit - s.credit }));
  return { year, accounts };
}
