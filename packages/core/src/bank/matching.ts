/**
 * The trésorier's reconciliation: proposals (never written), accepting a match (lettrage recorded
 * beside the entries, never on them), undoing one while its year is open, and creating an
 * unmatched line's entry from a rule in one transaction with its lettrage.
 *
 * Errors: NotFoundError (line, entry), ValidationError (amounts, accounts, rule), ConflictError
 * (already matched, closed year).
 */
import { randomUUID } from "node:crypto";
import Fuse from "fuse.js";
import type { Db } from "../db/client.js";
import type { TransactionFailed } from "../db/store.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearOf } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import {
  findAccount,
  type Actor,
  type Entry,
  type EntryView,
  type Line,
  entryView,
  awaitValidation,
  getEntry,
  writeDraft,
  listYears,
} from "../ledger/index.js";
import { auxAccounts, bookItems, type BookItem } from "./books.js";
import type { BankLine, MatchGroup } from "./model.js";
import { normalise, propose, type Proposal } from "./match.js";
import { accountByRef, accountKey, type BankAccount } from "./settings.js";
import { entryMatches, linesOfIban, matchItems, readLine, readLines, readMatch, unmatchItems } from "./store.js";
import { sha256Hex } from "../hash.js";
import { nowIso } from "../clock.js";

export interface Who {
  sub: string;
  role: string;
  requestId: string;
}

const sha = sha256Hex;

function ibansOf(accounts: BankAccount[], account: string): BankAccount[] {
  const found = accountByRef(accounts, account);
  if (!found.length) throw new ValidationError([{ path: "account", message: `${account} is not a configured bank account` }]);
  return found;
}

const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** Unmatched lines of an account's IBANs between two dates. */
async function unmatchedLines(db: Db, ibans: BankAccount[], from?: string, to?: string): Promise<BankLine[]> {
  const all = (await Promise.all(ibans.map((a) => linesOfIban(db, accountKey(a), from, to)))).flat();
  return all.filter((l) => l.status === "unmatched").sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
}

/** Entries touching the ledger account with no lettrage yet. */
async function unmatchedBookItems(db: Db, account: string, from: string, to: string): Promise<BookItem[]> {
  const items = await bookItems(db, account, { from, to });
  const matched = await entryMatches(
    db,
    items.map((i) => i.entryId),
  );
  return items.filter((i) => !matched.has(i.entryId));
}

export interface ProposalView extends Proposal {
  lines: Array<Pick<BankLine, "id" | "date" | "amount" | "label">>;
  entries: Array<Pick<BookItem, "entryId" | "date" | "amount" | "label" | "pieceRef" | "ref">>;
  alternatives: Proposal[];
  /** For a Stripe payout: what the payout is made of, from Stripe's balance transactions. */
  stripe?: unknown;
}

/** Explains a Stripe payout (pluggable: the bank group passes the Stripe client's reading). */
export type PayoutExplainer = (payoutId: string) => Promise<unknown>;

/** `POST /v1/bank/reconcile`: proposals for an account's unmatched lines; applied only when asked. */
export async function reconcile(
  db: Db,
  accounts: BankAccount[],
  q: { account: string; from?: string; to?: string; windowDays: number; apply: boolean; minScore: number },
  who: Who,
  explain?: PayoutExplainer,
) {
  const ibans = ibansOf(accounts, q.account);
  const ledgerAccount = ibans[0]!.account;
  const lines = await unmatchedLines(db, ibans, q.from, q.to);
  if (!lines.length) return { account: ledgerAccount, lines: 0, proposals: [], applied: [] };
  const from = addDays(lines[0]!.date, -45);
  const to = addDays(lines[lines.length - 1]!.date, 45);
  const entries = await unmatchedBookItems(db, ledgerAccount, from, to);
  const rejected = new Set(lines.flatMap((l) => (l.rejections ?? []).map((r) => `${l.id}|${r.entryId}`)));
  const { proposals } = propose(lines, entries, { windowDays: q.windowDays, rejected });
  const lineById = new Map(lines.map((l) => [l.id, l]));
  const entryById = new Map(entries.map((e) => [e.entryId, e]));
  const views: ProposalView[] = [];
  for (const p of proposals) {
    const view: ProposalView = {
      ...p,
      lines: p.lineIds.map((id) => lineById.get(id)!).map((l) => ({ id: l.id, date: l.date, amount: l.amount, label: l.label })),
      entries: p.entryIds
        .map((id) => entryById.get(id)!)
        .map((e) => ({ entryId: e.entryId, date: e.date, amount: e.amount, label: e.label, pieceRef: e.pieceRef, ref: e.ref })),
    };
    const payout = view.entries.find((e) => e.pieceRef.startsWith("po_"));
    if (payout && explain) {
      try {
        view.stripe = await explain(payout.pieceRef);
      } catch (err) {
        view.stripe = { payoutId: payout.pieceRef, error: `Stripe could not be read (${(err as Error).name})` };
      }
    }
    views.push(view);
  }
  const applied: MatchGroup[] = [];
  if (q.apply)
    for (const p of proposals.filter((x) => x.score >= q.minScore)) {
      try {
        applied.push(await recordMatch(db, ledgerAccount, p.lineIds, p.entryIds, who, "proposal"));
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  return { account: ledgerAccount, lines: lines.length, proposals: views, applied };
}

async function readBankEntries(db: Db, ids: string[], account: string): Promise<Array<{ entry: Entry; amount: number }>> {
  const out: Array<{ entry: Entry; amount: number }> = [];
  for (const id of ids) {
    const e = await getEntry(db, id);
    if (!e) throw new NotFoundError(`No entry ${id}.`);
    if (e.status !== "validated") throw new ConflictError(`Entry ${id} is not validated yet.`, { id });
    const amount = e.lines.filter((l) => l.account === account).reduce((s, l) => s + l.debit - l.credit, 0);
    if (!e.lines.some((l) => l.account === account))
      throw new ValidationError([{ path: "entryIds", message: `entry ${id} does not touch account ${account}` }]);
    out.push({ entry: e, amount });
  }
  return out;
}

function conflictOf(err: TransactionFailed, group: MatchGroup): ConflictError {
  const line = err.failed.find((n) => n.startsWith("line:"));
  if (line) return new ConflictError(`Bank line ${line.slice(5)} is already matched (or no longer exists).`, { lineId: line.slice(5) });
  const entry = err.failed.find((n) => n.startsWith("entry:"));
  if (entry) return new ConflictError(`Entry ${entry.slice(6)} is already matched to other bank lines.`, { entryId: entry.slice(6) });
  return new ConflictError(`The match ${group.id} could not be recorded.`);
}

/** Records a lettrage group after checking that lines and entries explain each other to the cent. */
async function recordMatch(db: Db, account: string, lineIds: string[], entryIds: string[], who: Who, how: MatchGroup["how"]): Promise<MatchGroup> {
  const lines = await readLines(db, lineIds);
  for (const id of lineIds) if (!lines.some((l) => l.id === id)) throw new NotFoundError(`No bank line ${id}.`);
  for (const l of lines) {
    if (l.account !== account) throw new ValidationError([{ path: "lineIds", message: `line ${l.id} is on account ${l.account}, not ${account}` }]);
    if (l.status !== "unmatched") throw new ConflictError(`Bank line ${l.id} is already matched.`, { lineId: l.id });
  }
  const entries = await readBankEntries(db, entryIds, account);
  const already = await entryMatches(db, entryIds);
  for (const id of entryIds) if (already.has(id)) throw new ConflictError(`Entry ${id} is already matched to other bank lines.`, { entryId: id });
  const lineTotal = lines.reduce((s, l) => s + l.amount, 0);
  const entryTotal = entries.reduce((s, e) => s + e.amount, 0);
  if (lineTotal !== entryTotal)
    throw new ValidationError([
      { path: "entryIds", message: `the lines add up to ${lineTotal} cents and the entries to ${entryTotal} cents on ${account}: they must be equal` },
    ]);
  const group: MatchGroup = {
    id: `m_${randomUUID()}`,
    account,
    lineIds,
    entryIds,
    amount: lineTotal,
    lineDates: lines.map((l) => l.date),
    entryDates: entries.map((e) => e.entry.date),
    matchedAt: nowIso(),
    matchedBy: who.sub,
    how,
  };
  await new UnitOfWork().add(...matchItems(group)).commit(db, { failed: (err) => conflictOf(err, group) });
  return group;
}

/** `POST /v1/bank/lines/{id}/match`: the trésorier accepts; `lineIds` adds more lines to the group. */
export async function acceptMatch(db: Db, lineId: string, input: { entryIds: string[]; lineIds?: string[] }, who: Who): Promise<MatchGroup> {
  const line = await readLine(db, lineId);
  if (!line) throw new NotFoundError(`No bank line ${lineId}.`);
  const lineIds = [...new Set([lineId, ...(input.lineIds ?? [])])];
  const entryIds = [...new Set(input.entryIds)];
  if (lineIds.length + entryIds.length * 2 + 1 > 100) throw new ValidationError([{ path: "entryIds", message: "too many lines and entries in one group" }]);
  return recordMatch(db, line.account, lineIds, entryIds, who, "manual");
}

/** Undoes a lettrage group, while the fiscal years of its lines and entries are open. */
export async function unmatch(db: Db, lineId: string): Promise<{ unmatched: MatchGroup }> {
  const line = await readLine(db, lineId);
  if (!line) throw new NotFoundError(`No bank line ${lineId}.`);
  if (line.status !== "matched" || !line.matchId) throw new ConflictError(`Bank line ${lineId} is not matched.`, { lineId });
  const group = await readMatch(db, line.matchId);
  if (!group) throw new ConflictError(`Bank line ${lineId} is being changed; try again.`, { lineId });
  const closed = new Set((await listYears(db)).filter((y) => y.status !== "open").map((y) => y.year));
  const years = [...group.lineDates, ...group.entryDates].map((d) => fiscalYearOf(d));
  const shut = years.find((y) => closed.has(y));
  if (shut !== undefined) throw new ConflictError(`The fiscal year ${shut} is closed: its lettrage stays as it is.`, { year: shut });
  await new UnitOfWork()
    .add(...unmatchItems(group))
    .commit(db, { failed: () => new ConflictError(`Bank line ${lineId} was changed meanwhile; read it again.`, { lineId }) });
  return { unmatched: group };
}

// ---------------------------------------------------------------- entries from rules

export type RuleName = "bank_fees" | "interest" | "supplier" | "account";

export interface RuleInput {
  rule?: RuleName;
  /** For `account`: the counterpart account (6xx, 7xx…). */
  account?: string;
  /** For `supplier`: the supplier's auxiliary number or name; found from the label when absent. */
  supplier?: string;
  label?: string;
}

const FEES = /\b(FRAIS|COMMISSION|COTISATION (CARTE|OFFRE)|ABONNEMENT|AGIOS|TENUE DE COMPTE|FORFAIT)\b/;
const INTEREST = /\bINTERETS?\b/;

/** The entry id for a line's rule entry: one per line, so a retry finds it instead of writing another. */
const ruleEntryId = (lineId: string) => {
  const h = sha(`bank-rule:${lineId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The supplier (auxiliary account under 401) a line pays: the one named, else the one its label names. */
export async function findSupplier(db: Db, line: BankLine, wanted: string | undefined) {
  const known = await auxAccounts(db, "401", line.date);
  if (wanted) {
    const exact = known.find((s) => s.number === wanted || normalise(s.label) === normalise(wanted));
    if (exact) return exact;
    const hit = new Fuse(known, { keys: ["label", "number"], includeScore: true, threshold: 0.3, ignoreLocation: true }).search(wanted)[0];
    if (hit) return hit.item;
    throw new ValidationError([{ path: "supplier", message: `${wanted} is not a known supplier (an auxiliary account used under 401)` }]);
  }
  const text = normalise(`${line.label} ${line.counterparty ?? ""}`);
  const fuse = new Fuse([text], { includeScore: true, ignoreLocation: true, threshold: 0.3 });
  let best: { s: { number: string; label: string }; score: number } | undefined;
  for (const s of known) {
    const n = normalise(s.label);
    const score = text.includes(n) ? 1 : 1 - (fuse.search(n.slice(0, 32))[0]?.score ?? 1);
    if (score >= 0.7 && (!best || score > best.score)) best = { s, score };
  }
  if (!best) throw new ValidationError([{ path: "supplier", message: "no known supplier is named in the line's label: name one" }]);
  return best.s;
}

/** The rule a line's entry is written from: the one named, the label's, or the one the input implies. */
export const ruleOf = (line: Pick<BankLine, "label" | "amount">, input: RuleInput): RuleName | undefined =>
  input.rule ?? guessRule(line) ?? (input.supplier ? "supplier" : input.account ? "account" : undefined);

/** The rule a line's label suggests when the caller names none. */
export function guessRule(line: Pick<BankLine, "label" | "amount">): RuleName | undefined {
  const t = normalise(line.label);
  if (INTEREST.test(t) && line.amount > 0) return "interest";
  if (FEES.test(t) && line.amount < 0) return "bank_fees";
  return undefined;
}

/** The counterpart line a rule books against the bank line, and the entry's label. */
export async function ruleCounterpart(db: Db, line: BankLine, rule: RuleName, input: RuleInput): Promise<{ counter: Line; label: string }> {
  const amount = Math.abs(line.amount);
  const out = line.amount < 0;
  let counter: Line;
  let label: string;
  switch (rule) {
    case "bank_fees":
      if (!out) throw new ValidationError([{ path: "rule", message: "bank fees are a debit on the account; this line is a credit" }]);
      counter = { account: "627", debit: amount, credit: 0 };
      label = `Frais bancaires : ${line.label}`;
      break;
    case "interest":
      if (out) throw new ValidationError([{ path: "rule", message: "interest is a credit on the account; this line is a debit" }]);
      counter = { account: "768", debit: 0, credit: amount };
      label = `Intérêts : ${line.label}`;
      break;
    case "supplier": {
      if (!out) throw new ValidationError([{ path: "rule", message: "a supplier payment is a debit on the account; this line is a credit" }]);
      const s = await findSupplier(db, line, input.supplier);
      counter = { account: "401", debit: amount, credit: 0, aux: { number: s.number, label: s.label } } as Line;
      label = `Règlement ${s.label} : ${line.label}`;
      break;
    }
    case "account": {
      const a = input.account;
      if (!a || !findAccount(a)) throw new ValidationError([{ path: "account", message: "name a known account of the chart" }]);
      if (a.startsWith("5")) throw new ValidationError([{ path: "account", message: "a transfer between bank accounts is matched, not created from a rule" }]);
      counter = out ? { account: a, debit: amount, credit: 0 } : { account: a, debit: 0, credit: amount };
      label = line.label;
      break;
    }
  }
  return { counter, label };
}

/**
 * `POST /v1/bank/lines/{id}/entry`: writes the line's entry (journal BQ) from a rule — bank fees
 * 627, interest 768, a known supplier 401 with its auxiliary account, or a named account — with its
 * lettrage in the same transaction. A retry answers the same entry.
 */
export async function entryFromRule(db: Db, lineId: string, input: RuleInput, who: Who): Promise<{ entry: EntryView; match: MatchGroup }> {
  const line = await readLine(db, lineId);
  if (!line) throw new NotFoundError(`No bank line ${lineId}.`);
  const entryId = ruleEntryId(lineId);
  if (line.status === "matched") {
    const existing = await getEntry(db, entryId);
    const group = line.matchId ? await readMatch(db, line.matchId) : undefined;
    if (existing && group?.entryIds.includes(entryId)) return { entry: entryView(await awaitValidation(db, entryId)), match: group };
    throw new ConflictError(`Bank line ${lineId} is already matched.`, { lineId });
  }
  const rule = ruleOf(line, input);
  if (!rule) throw new ValidationError([{ path: "rule", message: "name a rule (bank_fees, interest, supplier, account): the label suggests none" }]);
  const amount = Math.abs(line.amount);
  const bank = line.account;
  const out = line.amount < 0;
  const { counter, label } = await ruleCounterpart(db, line, rule, input);
  const bankLine: Line = out ? { account: bank, debit: 0, credit: amount } : { account: bank, debit: amount, credit: 0 };
  const group: MatchGroup = {
    id: `m_rule_${lineId.slice(3)}`,
    account: bank,
    lineIds: [lineId],
    entryIds: [entryId],
    amount: line.amount,
    lineDates: [line.date],
    entryDates: [line.date],
    matchedAt: nowIso(),
    matchedBy: who.sub,
    how: "rule",
  };
  // The lettrage is written with the entry; a line or entry lettered meanwhile is a 409.
  const work = new UnitOfWork().add(...matchItems(group)).orFails((err) => conflictOf(err, group));
  const written = await writeDraft(
    db,
    {
      journal: "BQ",
      date: line.date,
      label: (input.label ?? label).slice(0, 200),
      pieceRef: (line.bankRef ?? lineId).slice(0, 60),
      lines: [out ? counter : bankLine, out ? bankLine : counter],
    },
    { id: entryId, work, actor: who as Actor, owner: "bank" },
  );
  const entry = await awaitValidation(db, entryId);
  if (entry.status === "rejected") throw new ConflictError(entry.rejection ?? "The entry was rejected.", { id: entryId });
  if (written.existed) {
    // The line's rule entry was written before and its lettrage undone since: letter them again.
    const recorded = await readMatch(db, group.id);
    if (recorded) return { entry: entryView(entry), match: recorded };
    await new UnitOfWork().add(...matchItems(group)).commit(db, { failed: (err) => conflictOf(err, group) });
  }
  return { entry: entryView(entry), match: group };
}
