/**
 * Closing a fiscal year: the result (classes 7 − 6) posted to 120 (surplus) or 129 (deficit) in
 * journal CL, the opening entries (à-nouveaux) of classes 1–5 written into the next year in journal
 * AN (which therefore carry that journal's first numbers), then the year locked.
 *
 * Errors: ConflictError (the year has not ended yet, already closed, an earlier year with entries
 * still open). Closing marks the year "closing" (no new entry may be written into it), waits for the
 * sequencer to validate what was written before, then seals it: from then on the sequencer
 * validates only the closing's own entries into it, so the result it computes is final.
 * Closing entries have fixed ids, so a closing interrupted half-way resumes without writing twice.
 */
import type { Db } from "../db/client.js";
import { fiscalYearBounds, parisDate } from "../dates.js";
import { ConflictError } from "../errors.js";
import { loadChart } from "./accounts.js";
import type { JournalCode } from "./journals.js";
import { entryView, type Actor, type Line } from "./model.js";
import { awaitValidation, writeDraft } from "./posting.js";
import { MAX_LINES } from "./schemas.js";
import { drain, hasPending } from "./sequencer.js";
import { listYears, trialBalance } from "./queries.js";
import { markYearClosed, markYearClosing, readAccountLines, reopenYear, sealYear } from "./store.js";
import { now, nowIso } from "../clock.js";

const classOf = (account: string) => Number(account[0]);

/** A line that brings `balance` (debit − credit) to zero. */
const settle = (account: string, balance: number, label: string): Line =>
  balance > 0 ? { account, debit: 0, credit: balance, label } : { account, debit: -balance, credit: 0, label };
/** A line that opens `balance` (debit − credit). */
const open = (account: string, balance: number, label: string, aux?: Line["aux"]): Line => ({
  ...(balance > 0 ? { account, debit: balance, credit: 0, label } : { account, debit: 0, credit: -balance, label }),
  ...(aux ? { aux } : {}),
});

/**
 * A third-party account's balance split by auxiliary account (a supplier on 401, a funder on 4687
 * or 441), as its lines of the year carry them (its opening lines included): the à-nouveaux keep
 * the sub-ledger, so each supplier's and funder's balance carries into the next year. What no
 * auxiliary account carries stays on the general account.
 */
async function auxBalances(db: Db, year: number, account: string): Promise<Array<{ aux?: Line["aux"]; balance: number }>> {
  const by = new Map<string, { aux?: Line["aux"]; balance: number }>();
  let start: Parameters<typeof readAccountLines>[1]["start"];
  do {
    const page = await readAccountLines(db, { year, account, limit: 1000, ...(start ? { start } : {}) });
    for (const l of page.items) {
      const key = l.aux?.number ?? "";
      const part = by.get(key) ?? { ...(l.aux ? { aux: { number: l.aux.number, label: l.aux.label } } : {}), balance: 0 };
      part.balance += l.debit - l.credit;
      by.set(key, part);
    }
    start = page.next;
  } while (start);
  return [...by.values()].filter((p) => p.balance !== 0);
}

const net = (lines: Line[]) => lines.reduce((s, l) => s + l.debit - l.credit, 0);

/**
 * Splits lines into entries of at most MAX_LINES lines, each balanced by a line on `counterpart`.
 * With one chunk and `counterpart` null, the lines already balance.
 */
function chunk(lines: Line[], counterpart: string | null, label: string): Line[][] {
  const size = MAX_LINES - 1;
  if (counterpart === null && lines.length <= MAX_LINES) return lines.length ? [lines] : [];
  const out: Line[][] = [];
  for (let i = 0; i < lines.length; i += size) {
    const part = lines.slice(i, i + size);
    const n = net(part);
    out.push(n === 0 ? part : [...part, settle(counterpart ?? "890", n, label)]);
  }
  return out;
}

async function drainAll(db: Db) {
  // Until nothing is pending: drain() settles what it finds; another holder's batch is waited out.
  for (let i = 0; i < 400; i++) {
    await drain(db);
    if (!(await hasPending(db))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface CloseOptions {
  actor?: Actor;
  /** The day it is (Europe/Paris); a year closes only after its last day. */
  today?: string;
  /**
   * What other domains require before a year closes (the grants' year-end fonds dédiés posted…):
   * throws a ConflictError to refuse. Runs once the year is being closed and every draft written
   * before is validated, so nothing can change what it checked; a refusal gives the year back open.
   */
  guard?: (year: number) => Promise<void>;
}

/**
 * Marks the year closing once the checks pass (its end passed, not closed, no earlier year with
 * entries open), validates what was written before, runs the guard (a refusal gives the year back
 * open) and seals the year: from here only the closing's own entries are validated into it.
 */
/** 409 unless `year` may be closed at all: its end passed, not closed yet, no earlier year with entries open. */
export async function checkClosable(db: Db, year: number, today: string): Promise<void> {
  const bounds = fiscalYearBounds(year);
  if (today <= bounds.end)
    throw new ConflictError(`The fiscal year ${year} ends on ${bounds.end}: it may be closed only once that day has passed.`, { year, end: bounds.end });
  const years = await listYears(db, today);
  if (years.find((y) => y.year === year)?.status === "closed") throw new ConflictError(`The fiscal year ${year} is already closed.`, { year });
  const earlier = years.filter((y) => y.year < year && y.status !== "closed" && (y.entries ?? 0) > 0).map((y) => y.year);
  if (earlier.length) throw new ConflictError(`Close ${earlier.join(", ")} first: an earlier year with entries is still open.`, { years: earlier });
}

async function beginClosing(db: Db, year: number, today: string, guard: CloseOptions["guard"]): Promise<void> {
  await checkClosable(db, year, today);
  if (!(await markYearClosing(db, year))) throw new ConflictError(`The fiscal year ${year} is already closed.`, { year });
  await drainAll(db);
  // From markYearClosing on, only the closing may write into the year: what the guard checks stays true.
  try {
    await guard?.(year);
  } catch (err) {
    await reopenYear(db, year);
    throw err;
  }
  // From here no entry but the closing's own is validated into the year: the result is final.
  if (!(await sealYear(db, year, nowIso()))) throw new ConflictError(`The fiscal year ${year} is already closed.`, { year });
}

/** The à-nouveaux lines: classes 1–5 carried over (class 4 per auxiliary account), the result on 120/129. */
async function openingLines(
  db: Db,
  year: number,
  tb: Awaited<ReturnType<typeof trialBalance>>,
  resultAccount: string,
  result: number,
  anLabel: string,
): Promise<Line[]> {
  const balances = new Map(tb.accounts.filter((a) => classOf(a.account) <= 5).map((a) => [a.account, a.balance]));
  balances.set(resultAccount, (balances.get(resultAccount) ?? 0) - result);
  const chart = await loadChart(db);
  const anLines: Line[] = [];
  for (const [account, b] of [...balances.entries()].filter(([, b]) => b !== 0).sort(([a], [b]) => a.localeCompare(b))) {
    const label = chart.find(account)?.label ?? anLabel;
    const parts = classOf(account) === 4 ? await auxBalances(db, year, account) : [];
    // Split only when the parts account for the whole balance (they always should).
    if (parts.some((p) => p.aux) && parts.reduce((s, p) => s + p.balance, 0) === b) for (const p of parts) anLines.push(open(account, p.balance, label, p.aux));
    else anLines.push(open(account, b, label));
  }
  return anLines;
}

export async function closeYear(db: Db, year: number, opts: CloseOptions = {}) {
  const bounds = fiscalYearBounds(year);
  await beginClosing(db, year, opts.today ?? parisDate(now()), opts.guard);

  const tb = await trialBalance(db, year, { closing: "exclude" });
  const incomeStatement = tb.accounts.filter((a) => (classOf(a.account) === 6 || classOf(a.account) === 7) && a.balance !== 0);
  const result = -incomeStatement.reduce((s, a) => s + a.balance, 0);
  const resultAccount = result >= 0 ? "120" : "129";

  const ids: string[] = [];
  const post = async (journal: JournalCode, date: string, label: string, parts: Line[][]) => {
    for (const [i, lines] of parts.entries()) {
      const id = `close-${year}-${journal}-${i + 1}`;
      await writeDraft(db, { journal, date, label, pieceRef: `CLOTURE-${year}`, lines }, { system: true, id, actor: opts.actor });
      ids.push(id);
    }
  };

  const clLabel = `Détermination du résultat ${year}`;
  await post(
    "CL",
    bounds.end,
    clLabel,
    chunk(
      incomeStatement.map((a) => settle(a.account, a.balance, clLabel)),
      resultAccount,
      clLabel,
    ),
  );

  const anLabel = `À-nouveaux ${year + 1}`;
  const anLines = await openingLines(db, year, tb, resultAccount, result, anLabel);
  await post("AN", fiscalYearBounds(year + 1).start, anLabel, chunk(anLines, null, anLabel));

  const entries = [];
  for (const id of ids) entries.push(await awaitValidation(db, id));
  const closedAt = nowIso();
  if (!(await markYearClosed(db, year, { closedAt, result }))) throw new ConflictError(`The fiscal year ${year} is already closed.`, { year });
  return {
    year,
    status: "closed" as const,
    closedAt,
    result,
    closingEntries: entries.filter((e) => e.journal === "CL").map(entryView),
    openingEntries: entries.filter((e) => e.journal === "AN").map(entryView),
  };
}
