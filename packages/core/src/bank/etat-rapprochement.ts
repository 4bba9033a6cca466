/**
 * The état de rapprochement of a bank account at a date: the bank's balance (the first imported
 * statement's opening balance plus every imported line since), the books' balance, the items on
 * one side that the other does not show yet, and the difference — 0 when everything is explained.
 *
 * Entries dated before the first imported statement are taken as part of its opening balance.
 */
import type { Db } from "../db/client.js";
import { ValidationError } from "../errors.js";
import { bookItems, bookBalance } from "./books.js";
import type { BankLine, MatchGroup, StatementRecord } from "./model.js";
import { accountByRef, accountKey, type BankAccount } from "./settings.js";
import { entryMatches, linesOfIban, readMatches, readStatements } from "./store.js";
import { formatEuros } from "./text.js";

export interface OutstandingItem {
  kind: "bank" | "books";
  id: string;
  date: string;
  amount: number;
  label: string;
  ref?: string | null;
}

export interface ReconciliationState {
  account: string;
  accountLabel: string;
  ibans: string[];
  date: string;
  /** First day covered by the imported statements (null: nothing imported yet). */
  since: string | null;
  bankBalance: number | null;
  ledgerBalance: number;
  /** Lines on the statement that the books do not show yet (at the date). */
  unmatchedBank: { count: number; total: number; items: OutstandingItem[] };
  /** Entries in the books that the bank does not show yet (at the date). */
  unmatchedBooks: { count: number; total: number; items: OutstandingItem[] };
  /** Bank balance − bank-only items. */
  adjustedBank: number | null;
  /** Books balance − books-only items. */
  adjustedBooks: number;
  /** adjustedBank − adjustedBooks: 0 when the account is reconciled. */
  difference: number | null;
  /** The date is after the last imported statement's end: the bank's balance is not known at the date. */
  afterLastStatement: boolean;
  /** End of the last imported statement (null: nothing imported). */
  lastStatementEnd: string | null;
  warnings: string[];
}

/** A matched item is still outstanding at `date` when part of its group is dated after it. */
const settledBy = (g: MatchGroup | undefined, date: string) => !!g && [...g.lineDates, ...g.entryDates].every((d) => d <= date);

/**
 * The bank's side, per account from its first statement with an opening balance: the lines up to
 * `date`, the balance they give, each account's first and last statement days, the last closing
 * balances; a statement whose closing does not follow from the lines is a warning (one missing?).
 */
async function bankSide(db: Db, ibans: BankAccount[], date: string, warnings: string[]) {
  let bankBalance: number | null = null;
  const starts: string[] = [];
  const lines: BankLine[] = [];
  const ends: string[] = [];
  let lastClosing: number | null = null;
  for (const a of ibans) {
    const statements = (await readStatements(db, accountKey(a))).sort((x, y) => x.from.localeCompare(y.from));
    const anchor: StatementRecord | undefined = statements.find((s) => s.opening);
    if (!anchor) continue;
    const all = await linesOfIban(db, accountKey(a), anchor.from);
    const ls = all.filter((l) => l.date <= date);
    lines.push(...ls);
    bankBalance = (bankBalance ?? 0) + anchor.opening!.amount + ls.reduce((s, l) => s + l.amount, 0);
    starts.push(anchor.from);
    const last = statements.reduce((x, y) => (y.to > x.to ? y : x));
    ends.push(last.to);
    lastClosing =
      (lastClosing ?? 0) +
      (last.closing ? last.closing.amount : anchor.opening!.amount + all.filter((l) => l.date <= last.to).reduce((s, l) => s + l.amount, 0));
    // Each statement's closing balance must follow from the lines: otherwise a statement is missing.
    for (const st of statements)
      if (st.closing && st.to <= date) {
        const computed = anchor.opening!.amount + all.filter((l) => l.date <= st.to).reduce((s, l) => s + l.amount, 0);
        if (computed !== st.closing.amount)
          warnings.push(
            `${accountKey(a)} : le relevé au ${st.to.split("-").reverse().join("/")} annonce ${formatEuros(st.closing.amount)}, les lignes importées donnent ${formatEuros(computed)} (relevé manquant ?)`,
          );
      }
  }
  return { bankBalance, starts, lines, ends, lastClosing };
}

export async function reconciliationState(db: Db, accounts: BankAccount[], account: string, date: string): Promise<ReconciliationState> {
  const ibans = accountByRef(accounts, account);
  if (!ibans.length) throw new ValidationError([{ path: "account", message: `${account} is not a configured bank account` }]);
  const ledgerAccount = ibans[0]!.account;
  const warnings: string[] = [];
  const side = await bankSide(db, ibans, date, warnings);
  const { starts, lines, ends, lastClosing } = side;
  let bankBalance = side.bankBalance;
  const since: string | null = starts.sort()[0] ?? null;
  // With several IBANs, the bank is known up to the earliest of their last statements.
  const lastStatementEnd: string | null = ends.sort()[0] ?? null;
  const afterLastStatement = !!lastStatementEnd && date > lastStatementEnd;
  if (afterLastStatement) {
    bankBalance = lastClosing;
    warnings.push(
      `Le dernier relevé importé s'arrête au ${lastStatementEnd!.split("-").reverse().join("/")} : le solde bancaire au ${date.split("-").reverse().join("/")} n'est pas connu (le solde affiché est celui de ce relevé) et l'écart ne peut pas être établi.`,
    );
  }
  const ledgerBalance = await bookBalance(db, ledgerAccount, date);
  const entries = since ? await bookItems(db, ledgerAccount, { from: since, to: date }) : [];
  const markers = await entryMatches(
    db,
    entries.map((e) => e.entryId),
  );
  const groupIds = [...new Set([...lines.map((l) => l.matchId).filter((m): m is string => !!m), ...markers.values()])];
  const groups = new Map((await readMatches(db, groupIds)).map((g) => [g.id, g]));

  const bankItems: OutstandingItem[] = lines
    .filter((l) => l.status !== "matched" || !settledBy(groups.get(l.matchId ?? ""), date))
    .map((l) => ({ kind: "bank", id: l.id, date: l.date, amount: l.amount, label: l.label }));
  const bookOnly: OutstandingItem[] = entries
    .filter((e) => !settledBy(groups.get(markers.get(e.entryId) ?? ""), date))
    .map((e) => ({ kind: "books", id: e.entryId, date: e.date, amount: e.amount, label: e.label, ref: e.ref }));
  const total = (xs: OutstandingItem[]) => xs.reduce((s, x) => s + x.amount, 0);
  const adjustedBank = bankBalance === null ? null : bankBalance - total(bankItems);
  const adjustedBooks = ledgerBalance - total(bookOnly);
  if (!since) warnings.push("Aucun relevé importé pour ce compte : le solde bancaire n'est pas connu.");
  return {
    account: ledgerAccount,
    accountLabel: ibans.map((a) => a.label).join(", "),
    ibans: ibans.map(accountKey),
    date,
    since,
    bankBalance,
    ledgerBalance,
    unmatchedBank: { count: bankItems.length, total: total(bankItems), items: bankItems },
    unmatchedBooks: { count: bookOnly.length, total: total(bookOnly), items: bookOnly },
    adjustedBank,
    adjustedBooks,
    difference: adjustedBank === null || afterLastStatement ? null : adjustedBank - adjustedBooks,
    afterLastStatement,
    lastStatementEnd,
    warnings,
  };
}
